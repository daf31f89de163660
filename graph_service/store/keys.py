"""API keys: stored as ``:ApiKey`` nodes holding the SHA-256 of the secret, never the secret.

A key's writes append a ``key`` change record (no projection changes with it: keys are no part
of the network). Hashing and the rules for who gets which key are in
:mod:`graph_service.services.keys`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, NotRequired, TypedDict, cast

from graph_service.errors import NotFound
from graph_service.store.changes import record_change
from graph_service.store.database import Database, Tx
from graph_service.store.members import member_exists

__all__ = [
    "KeyRow",
    "create_key",
    "find_key",
    "list_keys",
    "revoke_key",
    "delete_keys",
    "keys_of",
    "delete_keys_of",
]


class KeyRow(TypedDict):
    """A stored key, without its hash. ``created`` and ``revoked`` are left out by :func:`find_key`."""

    id: str
    role: Literal["member", "client"]
    member: str | None
    name: str
    created: NotRequired[datetime | None]
    revoked: NotRequired[datetime | None]


def keys_of(tx: Tx, member: str | None) -> list[KeyRow]:
    """The keys of ``member`` (every key when None), oldest first (inside a store transaction)."""
    return cast(list[KeyRow], tx.rows("keys/list_keys", member=member))


def delete_keys_of(tx: Tx, member: str | None) -> int:
    """Delete the keys of ``member`` (every key when None) inside a store transaction; how many."""
    row = tx.one("keys/delete_keys", member=member)
    return int(row["deleted"]) if row else 0


def create_key(db: Database, *, ident: str, key_hash: str, role: Literal["member", "client"],
               member: str | None, name: str, created: datetime) -> KeyRow:
    """Store a new key, in one write transaction; :class:`NotFound` (and nothing written) when
    ``member`` is given and is no member."""

    def work(tx: Tx) -> KeyRow:
        if member is not None and not member_exists(tx, member):
            raise NotFound("member", member)
        row = tx.one("keys/create_key", id=ident, hash=key_hash, role=role, member=member,
                     label=name, created=created)
        record_change(tx, "key", ident)
        return cast(KeyRow, row)

    return db.write(work)


def find_key(db: Database, key_hash: str) -> KeyRow | None:
    """The live (not revoked) key whose secret hashes to ``key_hash``, or None."""
    return cast("KeyRow | None", db.one("keys/find_key", {"hash": key_hash}))


def list_keys(db: Database, *, member: str | None = None) -> list[KeyRow]:
    """Every key (or those of ``member``), oldest first."""
    return db.read(lambda tx: keys_of(tx, member))


def revoke_key(db: Database, ident: str, *, now: datetime) -> KeyRow:
    """Revoke a key from ``now`` on (a key revoked before keeps its date); :class:`NotFound` for
    an unknown key."""
    def work(tx: Tx) -> dict[str, Any] | None:
        record_change(tx, "key", ident)
        return tx.one("keys/revoke_key", id=ident, now=now)

    row = db.write(work)
    if not row:
        raise NotFound("key", ident)
    return cast(KeyRow, row)


def delete_keys(db: Database, *, member: str | None) -> int:
    """Delete the keys of ``member`` (or every key when None); the count deleted."""
    def work(tx: Tx) -> int:
        record_change(tx, "key", "*")  # a key record names no member
        return delete_keys_of(tx, member)

    return db.write(work)
