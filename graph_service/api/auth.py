"""Who is calling, and what they may do: keys, browser sessions, roles and per-key rate limits.

Three roles (docs/security.md):

* ``manager`` -- the cluster manager: everything. One key, from ``GRAPH_SERVICE_MANAGER_KEY``.
* ``member`` -- a member of the cluster: their own profile, ties and introductions, and other
  members as far as those members' visibility and tie confirmations allow.
* ``client`` -- an HTTP client such as the cluster's website: recommendations and public profiles.

Every key is sent as ``Authorization: Bearer <key>``. Member and client keys are stored hashed
(:mod:`graph_service.services.keys`); the manager key is compared by its hash in constant time.
A browser logs in once at ``/login`` with its key and then carries a session cookie (HttpOnly,
SameSite=Strict) that is honoured for reading only (GET and HEAD), so a page on another site can
never make the browser change anything.

Routes declare what they need with the ``Annotated`` aliases below; a route that names an object
also checks the caller may see that object (``ensure_member_access`` and the consented views).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from graph_service.api.deps import get_database, get_projection
from graph_service.errors import ConfigurationError, Forbidden, LoginRequired, NotAuthenticated, RateLimited
from graph_service.services.keys import find_key
from graph_service.services.views import GraphView
from graph_service.services.visibility import MANAGER_VIEW, Role, Viewer
from graph_service.settings import Settings

__all__ = [
    "Principal",
    "RateLimiter",
    "SessionStore",
    "Guard",
    "manager_key",
    "authenticate",
    "CallerDep",
    "PageCallerDep",
    "ManagerDep",
    "PersonDep",
    "ManagerPageDep",
    "PersonPageDep",
    "manager_only",
    "people_only",
    "ViewDep",
    "PageViewDep",
    "require_roles",
    "ensure_member_access",
    "SESSION_COOKIE",
    "retry_after_header",
]

log = logging.getLogger("graph_service.auth")

SESSION_COOKIE = "gs_session"
SAFE_METHODS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller."""

    role: Role
    key_id: str  # "manager" for the manager's key, else the stored key's id
    member_id: str | None = None

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


class RateLimiter:
    """Token buckets, one per key: ``burst`` requests at once, refilled at ``per_minute``/60 a second.

    In memory, per process: behind several service processes each has its own buckets (see
    docs/security.md). Idle buckets are dropped beyond ``max_keys``.
    """

    def __init__(self, per_minute: float, burst: int, *, max_keys: int = 100_000,
                 clock: Callable[[], float] = time.monotonic):
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_keys = max_keys
        self._clock = clock

    def take(self, key: str) -> float:
        """Take one token; return 0 when allowed, else the seconds until one is available."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
            while len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
            return wait


class SessionStore:
    """Browser sessions after a login: random ids mapped to the principal, with an expiry.

    Kept in memory: a restart logs every browser out, which is the safe direction.
    """

    def __init__(self, hours: float, *, max_sessions: int = 10_000):
        self.ttl = hours * 3600.0
        self._sessions: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_sessions

    @staticmethod
    def _digest(sid: str) -> str:
        return hashlib.sha256(sid.encode()).hexdigest()

    def create(self, principal: Principal) -> str:
        sid = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[self._digest(sid)] = (principal, time.monotonic() + self.ttl)
            while len(self._sessions) > self._max:
                self._sessions.popitem(last=False)
        return sid

    def get(self, sid: str) -> Principal | None:
        digest = self._digest(sid)
        with self._lock:
            found = self._sessions.get(digest)
            if found is None:
                return None
            if found[1] < time.monotonic():
                del self._sessions[digest]
                return None
            return found[0]

    def drop(self, sid: str) -> None:
        with self._lock:
            self._sessions.pop(self._digest(sid), None)

    def drop_member(self, member_id: str) -> None:
        """End every session of ``member_id`` (after the member is erased)."""
        with self._lock:
            for digest in [d for d, (p, _) in self._sessions.items() if p.member_id == member_id]:
                del self._sessions[digest]

    def drop_key(self, key_id: str) -> None:
        """End every session opened with ``key_id`` (after the key is revoked)."""
        with self._lock:
            for digest in [d for d, (p, _) in self._sessions.items() if p.key_id == key_id]:
                del self._sessions[digest]


class Guard:
    """The app's authentication state: the manager key's hash, sessions and rate limiters."""

    def __init__(self, settings: Settings, manager_secret: str):
        self.settings = settings
        self._manager_hash = hashlib.sha256(manager_secret.encode("utf-8")).digest()
        self.sessions = SessionStore(settings.session_hours)
        self.requests = RateLimiter(settings.rate_limit_per_minute, settings.rate_burst)
        self.failures = RateLimiter(settings.login_attempts_per_minute,
                                    max(1, settings.login_attempts_per_minute // 2))

    def is_manager_key(self, secret: str) -> bool:
        return hmac.compare_digest(hashlib.sha256(secret.encode("utf-8")).digest(), self._manager_hash)

    def principal_for_key(self, request: Request, secret: str) -> Principal | None:
        if self.is_manager_key(secret):
            return Principal("manager", "manager")
        key = find_key(get_database(request), secret)
        if key is None:
            return None
        return Principal(key.role, key.id, key.member)

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


_bearer = HTTPBearer(auto_error=False, description="A manager, member or client key: `Authorization: Bearer <key>`.")


def _identify(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    guard: Guard = request.app.state.guard
    principal: Principal | None = None
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
        if sid and request.method in SAFE_METHODS:
            principal = guard.sessions.get(sid)
        if principal is None:
            raise NotAuthenticated("authentication required: send 'Authorization: Bearer <key>'")
    guard.throttle(principal)
    request.state.principal = principal
    return principal


def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller of an API route; 401 without valid credentials, 429 over the rate limit."""
    return _identify(request, credentials)


def authenticate_page(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller of an HTML page: like :func:`authenticate`, but a browser without a login is
    sent to the login page instead of getting a 401 body."""
    try:
        return _identify(request, credentials)
    except NotAuthenticated as exc:
        if credentials is None and not request.headers.get("authorization"):
            raise LoginRequired(str(exc)) from None
        raise


CallerDep = Annotated[Principal, Depends(authenticate)]
PageCallerDep = Annotated[Principal, Depends(authenticate_page)]


def require_roles(*roles: Role, page: bool = False) -> Callable[..., Principal]:
    """A dependency: the caller, who must have one of ``roles`` (else 403)."""
    allowed = frozenset(roles)
    who = " or ".join(roles)

    # A default value, not an annotation: with postponed annotations, FastAPI could not resolve
    # an Annotated[...] that refers to this closure's variables.
    def check(principal: Principal = Depends(authenticate_page if page else authenticate)) -> Principal:  # noqa: B008
        if principal.role not in allowed:
            raise Forbidden(f"only the {who} may do this; this key is a {principal.role} key")
        return principal

    return check


manager_only = require_roles("manager")
people_only = require_roles("manager", "member")
ManagerDep = Annotated[Principal, Depends(manager_only)]
PersonDep = Annotated[Principal, Depends(people_only)]
ManagerPageDep = Annotated[Principal, Depends(require_roles("manager", page=True))]
PersonPageDep = Annotated[Principal, Depends(require_roles("manager", "member", page=True))]


def ensure_member_access(principal: Principal, member_id: str) -> None:
    """Only the manager or that member (their own profile, ties, export, erasure)."""
    if principal.is_manager or (principal.role == "member" and principal.member_id == member_id):
        return
    raise Forbidden(f"only the manager or member '{member_id}' may do this")


def _view(request: Request, principal: Principal) -> GraphView:
    return get_projection(request).view(principal.viewer)


def get_view(request: Request, principal: CallerDep) -> GraphView:
    """The projection as the caller may see it: everything for the manager, the consented view
    (visible members, confirmed ties) for members and client applications."""
    return _view(request, principal)


def get_page_view(request: Request, principal: PageCallerDep) -> GraphView:
    return _view(request, principal)


ViewDep = Annotated[GraphView, Depends(get_view)]
PageViewDep = Annotated[GraphView, Depends(get_page_view)]


def retry_after_header(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
