"""API keys for members and client applications, stored hashed in Neo4j.

A key is ``gsk_`` followed by 43 random URL-safe characters (256 bits from :mod:`secrets`). It is
shown once, when it is created; the graph keeps only its SHA-256. A fast hash is the right tool
here (unlike for passwords): the secret is long and random, so it cannot be guessed from the hash
by trying likely values, and checking a request costs one hash and one indexed lookup.

The cluster manager's key is not stored: it comes from ``GRAPH_SERVICE_MANAGER_KEY`` (see
:mod:`graph_service.api.auth`).
"""

from __future__ import annotations

import hashlib
import secrets
import weakref
from datetime import UTC, datetime
from typing import Literal, Protocol

from pydantic import BaseModel

from graph_service.errors import InvalidRequest
from graph_service.store import keys as store
from graph_service.store.database import Database

__all__ = ["KeyRole", "KeyInfo", "NewKey", "PREFIX", "hash_key", "new_secret", "create_key",
           "find_key", "list_keys", "revoke_key", "delete_keys", "KeyListener", "listen"]

KeyRole = Literal["member", "client"]
PREFIX = "gsk_"


class KeyInfo(BaseModel):
    """A stored key, without its secret."""

    id: str
    role: KeyRole
    member: str | None = None
    name: str
    created: datetime | None = None
    revoked: datetime | None = None


class NewKey(KeyInfo):
    key: str  # the secret, shown this once


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def create_key(db: Database, *, role: KeyRole, name: str, member: str | None = None) -> NewKey:
    """Create a key for a member (``member`` required) or a client application (no member)."""
    if role == "member" and not member:
        raise InvalidRequest("member", "a member key needs the member's id")
    if role == "client" and member:
        raise InvalidRequest("member", "a client application's key is not bound to a member")
    secret = new_secret()
    ident = "k-" + secrets.token_hex(6)
    now = datetime.now(UTC)

    row = store.create_key(db, ident=ident, key_hash=hash_key(secret), role=role, member=member, name=name,
                           created=now)
    return NewKey(**row, key=secret)


def find_key(db: Database, secret: str) -> KeyInfo | None:
    """The live key ``secret`` belongs to, or None."""
    if not secret.startswith(PREFIX):
        return None
    row = store.find_key(db, hash_key(secret))
    return KeyInfo(**row) if row else None


def list_keys(db: Database, *, member: str | None = None) -> list[KeyInfo]:
    return [KeyInfo(**r) for r in store.list_keys(db, member=member)]


class KeyListener(Protocol):
    def forget_key(self, key_id: str | None) -> None:
        """Key ``key_id`` (None: every key) was revoked or deleted in this process."""


_listeners: weakref.WeakSet[KeyListener] = weakref.WeakSet()


def listen(listener: KeyListener) -> None:
    """Tell ``listener`` (held weakly) of every revocation and deletion made in this process: the
    request path's key cache (:class:`graph_service.api.auth.principals.Guard`) forgets the key at
    once; other processes' caches forget it within their ``GRAPH_SERVICE_KEY_CACHE`` seconds."""
    _listeners.add(listener)


def revoke_key(db: Database, ident: str) -> KeyInfo:
    """Revoke key ``ident`` (it stops working at once); :class:`NotFound` for an unknown key."""
    info = KeyInfo(**store.revoke_key(db, ident, now=datetime.now(UTC)))
    for listener in list(_listeners):
        listener.forget_key(ident)
    return info


def delete_keys(db: Database, *, member: str | None) -> int:
    """Delete the keys of ``member`` (or every key when None); the count deleted."""
    count = store.delete_keys(db, member=member)
    for listener in list(_listeners):
        listener.forget_key(None)
    return count
