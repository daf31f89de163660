"""Who is calling: keys, browser sessions and per-key rate limits.

Three roles (docs/security.md):

* ``manager`` -- the cluster manager: everything. One key, from ``GRAPH_SERVICE_MANAGER_KEY``.
* ``member`` -- a member of the cluster: their own profile, ties and introductions, and other
  members as far as those members' visibility and tie confirmations allow.
* ``client`` -- an HTTP client such as the cluster's website: recommendations and public profiles.

Every key is sent as ``Authorization: Bearer <key>``. Member and client keys are stored hashed
(:mod:`graph_service.services.keys`); the manager key is compared by its hash in constant time.
A browser logs in once at ``/login`` with its key and then carries a session cookie (HttpOnly,
SameSite=Strict). The cookie is enough to read (GET and HEAD); a change made with it must also
carry the session's anti-forgery token and come from this service's own origin, so a page on
another site can never make the browser change anything.

* :mod:`.principals` -- :class:`~.principals.Principal` (the caller), the manager's key
  (:func:`~.principals.manager_key`), identifying a caller from a Bearer key or a session cookie,
  and the :class:`~.principals.Guard` that ties these together;
* :mod:`.limits` -- the per-key and per-address rate limits;
* :mod:`.sessions` -- the browser sessions, their cookie and their anti-forgery tokens;
* :mod:`.csrf` -- the checks a change made with a session passes: the token and the origin.

Routes do not import from here but declare what they need with the ``Annotated`` aliases of
:mod:`graph_service.api.deps`; what a caller may see is decided in
:mod:`graph_service.services.visibility`.
"""
