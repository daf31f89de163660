"""Anti-forgery for browser sessions: a change made with the session cookie must prove it comes
from one of this service's own pages.

Two checks, both needed (docs/security.md, "Browsers: login and sessions"):

* **The synchroniser token.** Every session has a random secret of its own
  (:attr:`~graph_service.api.auth.sessions.Session.csrf_token`), rendered into each page: a
  hidden ``csrf_token`` field in every form and ``<meta name="csrf-token">`` for scripts, which
  send it as the ``X-CSRF-Token`` header. A change (any method but GET and HEAD) made with the
  cookie must carry it; it is compared in constant time. Another site cannot read the pages, so
  it cannot know the token.
* **The origin.** The ``Origin`` header (or, when a browser sends none, the ``Referer``) must be
  this service's own scheme, host and port. Browsers set these headers themselves and a page
  cannot forge them, so a form or a script on another origin (another port of the same host
  included, which ``SameSite`` counts as the same site) is refused even before the token is looked
  at. Neither header at all is refused too: every browser sends ``Origin`` on a change.

A request with ``Authorization: Bearer <key>`` is not a browser session: the key itself is the
proof, no browser adds it on its own, and neither check applies.

:func:`submitted_token` is the request dependency that reads the token (from the header, or from
the form body of a form post); :func:`check_session_write` is called by
:func:`graph_service.api.auth.principals.identify` for every change made with a session.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from fastapi import Request

from graph_service.api.auth.sessions import SESSION_COOKIE, Session
from graph_service.errors import Forbidden
from graph_service.web.forms import CSRF_FIELD, CSRF_HEADER

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "CrossSiteRequest",
    "check_origin",
    "check_session_write",
    "own_origin",
    "submitted_token",
]

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class CrossSiteRequest(Forbidden):
    """A change made with a browser session that cannot be shown to come from this service's own
    pages (HTTP 403)."""


def _origin_of(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an absolute http(s) URL, or None."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def own_origin(request: Request) -> str:
    """This service's origin as the browser sees it: the request's scheme and ``Host``."""
    return f"{request.url.scheme}://{request.url.netloc}"


def check_origin(request: Request, *, required: bool) -> None:
    """Refuse (403) a request whose ``Origin``, or else ``Referer``, is another origin than this
    service's. With ``required``, a request carrying neither header is refused too."""
    origin = request.headers.get("origin")
    header, value = ("Origin", origin) if origin is not None else ("Referer", request.headers.get("referer"))
    if value is None:
        if required:
            raise CrossSiteRequest(
                "this change carries neither an Origin nor a Referer header, so it cannot be shown to "
                "come from this service's own pages; browsers send one, scripts should use "
                "'Authorization: Bearer <key>'")
        return
    own = own_origin(request)
    if _origin_of(value) != _origin_of(own):
        shown = value if len(value) <= 100 else value[:100] + "..."
        raise CrossSiteRequest(
            f"this change comes from another site ({header}: {shown}), not from a page of this service "
            f"({own}); nothing was changed")


def check_session_write(request: Request, session: Session, token: str | None) -> None:
    """A change made with the session cookie: the same origin and the session's token, else 403."""
    check_origin(request, required=True)
    if not token:
        raise CrossSiteRequest(
            f"a change made from a browser needs the page's anti-forgery token (the '{CSRF_FIELD}' form "
            f"field or the '{CSRF_HEADER}' header); reload the page and try again")
    if not hmac.compare_digest(token.encode("utf-8"), session.csrf_token.encode("utf-8")):
        raise CrossSiteRequest(
            "the anti-forgery token does not match this login (the page may be from an earlier "
            "session); reload the page and try again")


async def submitted_token(request: Request) -> str | None:
    """The anti-forgery token a request carries: the ``X-CSRF-Token`` header, or else, for a form
    post made with a session cookie, the form's ``csrf_token`` field.

    The form is read only then (a change, a session cookie, no ``Authorization``); Starlette keeps
    the parsed form, so the route reads the same one.
    """
    if header := request.headers.get(CSRF_HEADER):
        return header
    if (request.method in ("GET", "HEAD") or request.headers.get("authorization")
            or SESSION_COOKIE not in request.cookies):
        return None
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media not in _FORM_TYPES:
        return None
    form = await request.form()
    value = form.get(CSRF_FIELD)
    return value if isinstance(value, str) else None
