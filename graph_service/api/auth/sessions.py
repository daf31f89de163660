"""Browser sessions: the cookie a login at ``/login`` sets, the principal it stands for and the
session's anti-forgery token (:mod:`graph_service.api.auth.csrf`).

Kept in this process's memory (:class:`SessionStore`, the default for one process) or in Redis
(:class:`RedisSessionStore`, when ``GRAPH_SERVICE_REDIS_URL`` is set), so that a login through one
worker or host holds on every other, and a revoked key or an erased member ends the sessions
everywhere at once."""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from graph_service.errors import StoreUnavailable
from graph_service.store.database import LastWrite

if TYPE_CHECKING:  # principals imports this module (the Guard keeps a SessionStore)
    import redis

    from graph_service.api.auth.principals import Principal

__all__ = ["SESSION_COOKIE", "LAST_WRITE_KEEP_S", "Session", "Sessions", "SessionStore", "RedisSessionStore"]

SESSION_COOKIE = "gs_session"
LAST_WRITE_KEEP_S = 120.0
"""How long a session's last write is kept for its next requests to wait for (in Redis): far
longer than a cluster's replication lag or the projection's check interval, short enough that a
restored database never keeps a stale bookmark waiting for long."""


@dataclass(frozen=True, slots=True)
class Session:
    """One logged-in browser: who it is, the session's anti-forgery token (a random secret of its
    own, rendered into the pages' forms and checked on every change), and when it ends."""

    principal: Principal
    csrf_token: str
    expires: float  # time.monotonic()
    last_write: LastWrite | None = None
    """The session's last write made through another process (Redis only), which its next
    requests wait for (docs/operations.md, "Running on a Neo4j cluster or Aura")."""


class Sessions(Protocol):
    """What the Guard and the routes ask of a session store."""

    ttl: float

    def create(self, principal: Principal) -> str: ...
    def session(self, sid: str) -> Session | None: ...
    def get(self, sid: str) -> Principal | None: ...
    def drop(self, sid: str) -> None: ...
    def drop_member(self, member_id: str) -> None: ...
    def drop_key(self, key_id: str) -> None: ...
    def note_write(self, sid: str, write: LastWrite) -> None: ...


def _digest(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


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
        return _digest(sid)

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

    def note_write(self, sid: str, write: LastWrite) -> None:
        """Nothing to keep: these sessions live in one process, whose reads already see its
        writes (one bookmark manager, the projection invalidated by every write)."""


class RedisSessionStore:
    """The sessions of :class:`SessionStore` in Redis, shared by every process that uses it.

    ``<prefix>s:<sha256 of the id>`` holds the session (the principal and the anti-forgery token,
    JSON) and expires with it; ``<prefix>k:<key id>`` and ``<prefix>m:<member id>`` are sets of
    the sessions opened with a key or by a member, so that a revocation or an erasure ends them
    all. As in memory, only the hash of a session id is stored. A Redis that does not answer is a
    503, never a session taken for granted.
    """

    def __init__(self, client: redis.Redis, hours: float, *, prefix: str):
        self.ttl = hours * 3600.0
        self._redis = client
        self._prefix = prefix

    def _call(self, what: str, fn: Any, *args: Any) -> Any:
        import redis

        try:
            return fn(*args)
        except redis.RedisError as exc:
            raise StoreUnavailable(f"Redis does not answer (browser sessions, {what}): {exc}") from None

    def create(self, principal: Principal) -> str:
        sid = secrets.token_urlsafe(32)
        digest = _digest(sid)
        body = json.dumps({"role": principal.role, "key_id": principal.key_id, "member_id": principal.member_id,
                           "key_name": principal.key_name, "csrf": secrets.token_urlsafe(32)})
        ms = int(self.ttl * 1000)

        def write() -> None:
            pipe = self._redis.pipeline()
            pipe.set(self._prefix + "s:" + digest, body, px=ms)
            for index in self._indexes(principal):
                pipe.sadd(index, digest)
                pipe.pexpire(index, ms)  # the index lives as long as its newest session
            pipe.execute()

        self._call("create", write)
        return sid

    def _indexes(self, principal: Principal) -> list[str]:
        out = [self._prefix + "k:" + principal.key_id]
        if principal.member_id:
            out.append(self._prefix + "m:" + principal.member_id)
        return out

    def session(self, sid: str) -> Session | None:
        from graph_service.api.auth.principals import Principal

        key = self._prefix + "s:" + _digest(sid)

        def read() -> tuple[Any, int, Any]:
            pipe = self._redis.pipeline(transaction=False)
            pipe.get(key)
            pipe.pttl(key)
            pipe.get(self._prefix + "w:" + _digest(sid))  # the last write, in the same round trip
            body, pttl, written = pipe.execute()
            return body, int(pttl), written

        body, pttl, written = self._call("read", read)
        if body is None or pttl <= 0:
            return None
        data = json.loads(body)
        principal = Principal(data["role"], data["key_id"], data["member_id"], data["key_name"])
        last = LastWrite.from_json(written) if written is not None else None
        return Session(principal, data["csrf"], time.monotonic() + pttl / 1000, last)

    def note_write(self, sid: str, write: LastWrite) -> None:
        """Keep ``write`` (what a request of session ``sid`` wrote, after what it had waited for)
        for :data:`LAST_WRITE_KEEP_S` seconds: the session's next requests, whichever process
        answers them, wait for it."""
        key, body, ms = self._prefix + "w:" + _digest(sid), write.to_json(), int(LAST_WRITE_KEEP_S * 1000)
        self._call("last write", lambda: self._redis.set(key, body, px=ms))

    def get(self, sid: str) -> Principal | None:
        found = self.session(sid)
        return found.principal if found else None

    def drop(self, sid: str) -> None:
        self._call("end", self._redis.delete, self._prefix + "s:" + _digest(sid))

    def _drop_index(self, index: str) -> None:
        def drop() -> None:
            digests = self._redis.smembers(index)
            pipe = self._redis.pipeline()
            for digest in digests:
                pipe.delete(self._prefix + "s:" + (digest.decode() if isinstance(digest, bytes) else digest))
            pipe.delete(index)
            pipe.execute()

        self._call("end", drop)

    def drop_member(self, member_id: str) -> None:
        """End every session of ``member_id``, in every process (after the member is erased)."""
        self._drop_index(self._prefix + "m:" + member_id)

    def drop_key(self, key_id: str) -> None:
        """End every session opened with ``key_id``, in every process (after the key is revoked)."""
        self._drop_index(self._prefix + "k:" + key_id)
