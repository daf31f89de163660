"""The caller: who a request comes from, found from a Bearer key or a browser session.

The manager's key comes from the settings (:func:`manager_key`); member and client keys are
looked up, hashed, in the graph (:func:`graph_service.services.keys.find_key`) and then kept
without asking Neo4j again: a revocation or erasure in this process forgets the key at once, one
in another process (another worker, the CLI) within ``GRAPH_SERVICE_KEY_CACHE`` seconds (1 s by
default), taken from the change records the process's projection follows (:meth:`Guard.follow`).
The :class:`Guard` ties the keys, the sessions and the rate limits together, in memory or in Redis
(``GRAPH_SERVICE_REDIS_URL``); :func:`identify` is what the request dependencies in
:mod:`graph_service.api.deps` call.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from graph_service.api.auth.csrf import check_session_write
from graph_service.api.auth.limits import Limiter, RateLimiter, RedisRateLimiter
from graph_service.api.auth.sessions import SESSION_COOKIE, RedisSessionStore, Sessions, SessionStore
from graph_service.errors import ConfigurationError, NotAuthenticated, RateLimited
from graph_service.services import keys as key_service
from graph_service.services.keys import find_key
from graph_service.services.views import ProjectionCache
from graph_service.services.visibility import MANAGER_VIEW, Role, Viewer
from graph_service.settings import Settings
from graph_service.store.database import Database, wait_for

__all__ = ["Principal", "manager_key", "Guard", "bearer", "identify", "identify_cached", "SAFE_METHODS"]


SAFE_METHODS = frozenset({"GET", "HEAD"})

KEY_FOLLOWED_S = 3600.0
"""How long a key looked up is kept at most while the key cache follows the change records
(:meth:`Guard.follow`): revocations reach it through the records, so this only bounds the memory
of keys no longer in use."""
"""The methods a session cookie is honoured for without an anti-forgery token: reading only."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller."""

    role: Role
    key_id: str  # "manager" for the manager's key, else the stored key's id
    member_id: str | None = None
    key_name: str | None = None  # the stored key's name ("cluster website"), shown in the pages' header

    @property
    def viewer(self) -> Viewer:
        """Whose eyes the graph is shown through (the consented view for members and clients)."""
        if self.role == "manager":
            return MANAGER_VIEW
        return Viewer(self.role, self.member_id if self.role == "member" else None)

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


def manager_key(settings: Settings, *, announce: Callable[[str], None] | None = None) -> str:
    """The manager's key: ``GRAPH_SERVICE_MANAGER_KEY``, or in development mode a random key kept
    in ``<home>/manager-key`` (mode 600). Never a default: in production a missing key stops the
    service from starting."""
    if settings.manager_key is not None:
        return settings.manager_key.get_secret_value()
    if not settings.development:
        raise ConfigurationError(
            "GRAPH_SERVICE_MANAGER_KEY is not set. Set it to a long random secret (at least 24 "
            "characters, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`), or run "
            "with GRAPH_SERVICE_MODE=development to have one generated locally."
        )
    path = Path(settings.home) / "manager-key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(key + "\n")
    if announce:
        announce(f"Development mode: generated a manager key in {path}")
    return key


class Guard:
    """The app's authentication state: the manager key's hash, the key cache, sessions and rate
    limiters (in memory, or in Redis when ``settings.redis_url`` is set).

    ``database`` gives a request's database, readiness check included (the app passes
    :func:`graph_service.api.deps.get_database`); it is asked only for a key that is not the
    manager's and not in the cache.
    """

    def __init__(self, settings: Settings, manager_secret: str, database: Callable[[Request], Database]):
        self.settings = settings
        self._manager_hash = hashlib.sha256(manager_secret.encode("utf-8")).digest()
        self._database = database
        self._keys: dict[str, tuple[Principal, float]] = {}  # sha256 of the secret -> (principal, until)
        self._keys_lock = threading.Lock()
        # Moves at every forget: a lookup that began before may not put a forgotten key back.
        self._keys_generation = 0
        self._following: ProjectionCache | None = None  # see follow()
        self.sessions: Sessions
        self.requests: Limiter
        self.failures: Limiter
        failures_burst = max(1, settings.login_attempts_per_minute // 2)
        if settings.redis_url:
            import redis

            client = redis.Redis.from_url(settings.redis_url, socket_timeout=settings.connection_timeout_s,
                                          socket_connect_timeout=settings.connection_timeout_s,
                                          health_check_interval=30)
            self.redis: redis.Redis | None = client
            self.sessions = RedisSessionStore(client, settings.session_hours, prefix="gs:session:")
            self.requests = RedisRateLimiter(client, settings.rate_limit_per_minute, settings.rate_burst,
                                             prefix="gs:limit:key:")
            self.failures = RedisRateLimiter(client, settings.login_attempts_per_minute, failures_burst,
                                             prefix="gs:limit:fail:")
        else:
            self.redis = None
            self.sessions = SessionStore(settings.session_hours)
            self.requests = RateLimiter(settings.rate_limit_per_minute, settings.rate_burst)
            self.failures = RateLimiter(settings.login_attempts_per_minute, failures_burst)
        self._wrap_session_ends()
        key_service.listen(self)

    def _wrap_session_ends(self) -> None:
        """Ending a key's or a member's sessions (what the revoking and erasing routes do) also
        forgets the key in the cache."""
        drop_key, drop_member = self.sessions.drop_key, self.sessions.drop_member

        def dropped_key(key_id: str) -> None:
            self.forget_key(key_id)
            drop_key(key_id)

        def dropped_member(member_id: str) -> None:
            self.forget_member(member_id)
            drop_member(member_id)

        self.sessions.drop_key = dropped_key  # type: ignore[method-assign]
        self.sessions.drop_member = dropped_member  # type: ignore[method-assign]

    def follow(self, cache: ProjectionCache) -> None:
        """Take key revocations made by other processes from the change records ``cache`` follows
        (every key write appends one naming the key) instead of looking each kept key up again.

        A kept key is then trusted while ``cache`` looked at the change records less than
        ``key_cache_s`` ago (so a revocation elsewhere still takes effect here within that time);
        past that, the request first brings ``cache`` up to date (one read of the change
        positions for the whole process, which requests make anyway, instead of one lookup per key
        in use: 20 keys in steady use cost 20 lookups a second, and a quarter of the API's samples,
        on the 300-member cluster). A whole read of the graph (a bulk record, a gap) forgets every
        kept key; a changed member forgets its keys. ``key_cache_s`` 0 keeps looking every key up."""
        if self.settings.key_cache_s <= 0:
            return
        self._following = cache
        cache.on_changes(self._changed)

    def _changed(self, changed: Mapping[str, set[str]] | None) -> None:
        if changed is None or "bulk" in changed:
            self.forget_key(None)
            return
        for ident in changed.get("key", ()):
            self.forget_key(None if ident == "*" else ident)
        for ident in changed.get("member", ()):
            self.forget_member(ident)

    def forget_key(self, key_id: str | None) -> None:
        """Look key ``key_id`` (None: every key) up in the graph again on its next request."""
        with self._keys_lock:
            self._keys_generation += 1
            for digest in [d for d, (p, _) in self._keys.items() if key_id is None or p.key_id == key_id]:
                del self._keys[digest]

    def forget_member(self, member_id: str) -> None:
        with self._keys_lock:
            self._keys_generation += 1
            for digest in [d for d, (p, _) in self._keys.items() if p.member_id == member_id]:
                del self._keys[digest]

    def is_manager_key(self, secret: str) -> bool:
        return hmac.compare_digest(hashlib.sha256(secret.encode("utf-8")).digest(), self._manager_hash)

    def cached_principal(self, secret: str) -> Principal | None:
        """The principal of ``secret`` without any I/O, else None: the manager's key, or a kept
        key while the change records are followed (:meth:`follow`: the projection looked at them
        less than ``key_cache_s`` ago), or, not following, whose lookup began less than
        ``key_cache_s`` ago."""
        digest = hashlib.sha256(secret.encode("utf-8")).digest()
        if hmac.compare_digest(digest, self._manager_hash):
            return Principal("manager", "manager")
        found = self._keys.get(digest.hex())
        now = time.monotonic()
        if found is None or found[1] <= now:
            return None
        if self._following is not None and now - self._following.checked_at() >= self.settings.key_cache_s:
            return None  # the change records were not looked at lately: principal_for_key does
        return found[0]

    def principal_for_key(self, request: Request, secret: str) -> Principal | None:
        cached = self.cached_principal(secret)
        if cached is not None:
            return cached
        if self._following is not None and hashlib.sha256(secret.encode("utf-8")).hexdigest() in self._keys:
            self._following.current()  # takes in the change records: a revoked key is forgotten
            cached = self.cached_principal(secret)
            if cached is not None:
                return cached
        return self._look_up(request, secret)

    def _look_up(self, request: Request, secret: str) -> Principal | None:
        """Look ``secret`` up in the graph and keep the answer (a key not found is forgotten)."""
        digest = hashlib.sha256(secret.encode("utf-8")).hexdigest()
        with self._keys_lock:
            generation = self._keys_generation
        began = time.monotonic()
        key = find_key(self._database(request), secret)
        principal = Principal(key.role, key.id, key.member, key.name) if key is not None else None
        with self._keys_lock:
            if principal is None:
                self._keys.pop(digest, None)
            elif self.settings.key_cache_s > 0 and generation == self._keys_generation:
                if len(self._keys) >= 10_000:
                    self._keys.clear()
                trusted = KEY_FOLLOWED_S if self._following is not None else self.settings.key_cache_s
                self._keys[digest] = (principal, began + trusted)
        return principal

    def failed(self, request: Request) -> None:
        """Count a failed authentication against the caller's address (429 when too many)."""
        address = request.client.host if request.client else "unknown"
        wait = self.failures.take("addr:" + address)
        if wait > 0:
            raise RateLimited(wait, "too many failed authentications from this address")

    def throttle(self, principal: Principal) -> None:
        wait = self.requests.take("key:" + principal.key_id)
        if wait > 0:
            raise RateLimited(wait, f"rate limit of {self.settings.rate_limit_per_minute} requests a minute "
                                    "for this key reached")


bearer = HTTPBearer(auto_error=False, description="A manager, member or client key: `Authorization: Bearer <key>`.")
"""The OpenAPI security scheme (``HTTPBearer``); it never refuses by itself (:func:`identify` does)."""


def identify(request: Request, credentials: HTTPAuthorizationCredentials | None,
             csrf_token: str | None = None) -> Principal:
    """The caller, from a Bearer key or else a session cookie; 401 without valid credentials (a
    failed key counts against the address), 429 over the key's rate limit.

    The session cookie is honoured for reading (GET and HEAD) as it is; for a change it must come
    with the session's anti-forgery token (``csrf_token``, read by
    :func:`graph_service.api.auth.csrf.submitted_token`) from a page of this service's own origin,
    else 403 (:func:`graph_service.api.auth.csrf.check_session_write`). A Bearer key needs neither.

    The principal is kept on ``request.state`` for the audit log, and the browser session (or
    None) as ``request.state.session`` for the pages.
    """
    guard: Guard = request.app.state.guard
    principal: Principal | None = None
    request.state.session = None
    if credentials is not None and credentials.scheme.lower() == "bearer" and credentials.credentials:
        principal = guard.principal_for_key(request, credentials.credentials)
        if principal is None:
            guard.failed(request)
            raise NotAuthenticated("the key is not valid (unknown or revoked)")
    elif request.headers.get("authorization"):
        guard.failed(request)
        raise NotAuthenticated("the Authorization header must be 'Bearer <key>'")
    else:
        sid = request.cookies.get(SESSION_COOKIE)
        session = guard.sessions.session(sid) if sid else None
        if session is None:
            raise NotAuthenticated("authentication required: send 'Authorization: Bearer <key>'")
        if request.method not in SAFE_METHODS:
            check_session_write(request, session, csrf_token)
        principal = session.principal
        request.state.session = session
        wait_for(session.last_write)  # its last write through another process (api/consistency.py)
    guard.throttle(principal)
    request.state.principal = principal
    return principal


def identify_cached(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal | None:
    """What :func:`identify` answers, when it can be answered without any I/O (else None): a
    Bearer key that is the manager's or was looked up less than ``key_cache_s`` ago, with the
    rate limits in memory (no Redis). For the request dependencies' fast path on the event loop.

    A request with no credentials at all (no ``Authorization`` header, no session cookie) is
    refused here as :func:`identify` refuses it (401, not counted as a failed attempt)."""
    guard: Guard = request.app.state.guard
    if credentials is None and not request.headers.get("authorization") and SESSION_COOKIE not in request.cookies:
        raise NotAuthenticated("authentication required: send 'Authorization: Bearer <key>'")
    if guard.redis is not None or credentials is None or credentials.scheme.lower() != "bearer" \
            or not credentials.credentials:
        return None
    principal = guard.cached_principal(credentials.credentials)
    if principal is None:
        return None
    request.state.session = None
    guard.throttle(principal)
    request.state.principal = principal
    return principal
