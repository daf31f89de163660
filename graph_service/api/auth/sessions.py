"""Browser sessions: the cookie a login at ``/login`` sets, and the principals it stands for."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # principals imports this module (the Guard keeps a SessionStore)
    from graph_service.api.auth.principals import Principal

__all__ = ["SESSION_COOKIE", "SessionStore"]

SESSION_COOKIE = "gs_session"


class SessionStore:
    """Browser sessions after a login: random ids mapped to the principal, with an expiry.

    Kept in memory: a restart logs every browser out, which is the safe direction. Only the
    SHA-256 of a session id is kept, never the id itself.
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
