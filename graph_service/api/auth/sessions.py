"""Browser sessions: the cookie a login at ``/login`` sets, the principal it stands for and the
session's anti-forgery token (:mod:`graph_service.api.auth.csrf`)."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # principals imports this module (the Guard keeps a SessionStore)
    from graph_service.api.auth.principals import Principal

__all__ = ["SESSION_COOKIE", "Session", "SessionStore"]

SESSION_COOKIE = "gs_session"


@dataclass(frozen=True, slots=True)
class Session:
    """One logged-in browser: who it is, the session's anti-forgery token (a random secret of its
    own, rendered into the pages' forms and checked on every change), and when it ends."""

    principal: Principal
    csrf_token: str
    expires: float  # time.monotonic()


class SessionStore:
    """Browser sessions after a login: random ids mapped to a :class:`Session`, with an expiry.

    Kept in memory: a restart logs every browser out, which is the safe direction. Only the
    SHA-256 of a session id is kept, never the id itself. The anti-forgery token is a second,
    independent secret: knowing it does not give the session, and the session id (in an HttpOnly
    cookie) is never readable by a page.
    """

    def __init__(self, hours: float, *, max_sessions: int = 10_000):
        self.ttl = hours * 3600.0
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_sessions

    @staticmethod
    def _digest(sid: str) -> str:
        return hashlib.sha256(sid.encode()).hexdigest()

    def create(self, principal: Principal) -> str:
        """Open a session for ``principal``; return its id (the cookie's value)."""
        sid = secrets.token_urlsafe(32)
        session = Session(principal, secrets.token_urlsafe(32), time.monotonic() + self.ttl)
        with self._lock:
            self._sessions[self._digest(sid)] = session
            while len(self._sessions) > self._max:
                self._sessions.popitem(last=False)
        return sid

    def session(self, sid: str) -> Session | None:
        """The live session with id ``sid``, or None (unknown, ended or expired)."""
        digest = self._digest(sid)
        with self._lock:
            found = self._sessions.get(digest)
            if found is None:
                return None
            if found.expires < time.monotonic():
                del self._sessions[digest]
                return None
            return found

    def get(self, sid: str) -> Principal | None:
        """The principal of the live session ``sid``, or None."""
        found = self.session(sid)
        return found.principal if found else None

    def drop(self, sid: str) -> None:
        with self._lock:
            self._sessions.pop(self._digest(sid), None)

    def drop_member(self, member_id: str) -> None:
        """End every session of ``member_id`` (after the member is erased)."""
        with self._lock:
            for digest in [d for d, s in self._sessions.items() if s.principal.member_id == member_id]:
                del self._sessions[digest]

    def drop_key(self, key_id: str) -> None:
        """End every session opened with ``key_id`` (after the key is revoked)."""
        with self._lock:
            for digest in [d for d, s in self._sessions.items() if s.principal.key_id == key_id]:
                del self._sessions[digest]
