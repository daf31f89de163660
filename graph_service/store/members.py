"""Members: listing, reading, creating and replacing member profiles.

Also the existence checks other areas make inside their own transactions
(:func:`member_exists`, :func:`existing_parties`). A member is erased by
:func:`graph_service.store.privacy.delete_member`; bulk loading lives in
:mod:`graph_service.store.documents`. Functions take the :class:`Database` (or, for composition
inside another store transaction, a :class:`Tx`) and return interchange records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graph_service.errors import Conflict, NotFound
from graph_service.interchange import MemberRecord
from graph_service.store.changes import record_change
from graph_service.store.database import Database, Tx
from graph_service.store.documents import member_row, without_nulls

__all__ = [
    "ExistingParties",
    "list_members",
    "get_members",
    "get_member",
    "create_member",
    "replace_member",
    "read_members",
    "member_exists",
    "existing_parties",
]


@dataclass(frozen=True, slots=True)
class ExistingParties:
    """Which of the ids asked about exist, as members, organisations or skills."""

    members: frozenset[str]
    organisations: frozenset[str]
    skills: frozenset[str]


def read_members(tx: Tx, ids: Sequence[str]) -> list[MemberRecord]:
    """The members with these ids, in id order (inside a store transaction)."""
    rows = tx.rows("members/get_members", ids=list(ids), after=None, limit=max(len(ids), 1))
    return [MemberRecord(**without_nulls(r)) for r in rows]


def member_exists(tx: Tx, ident: str) -> bool:
    """Whether a member ``ident`` exists (inside a store transaction)."""
    return bool(tx.rows("members/get_members", ids=[ident], after=None, limit=1))


def existing_parties(tx: Tx, ids: Sequence[str], skills: Sequence[str] = ()) -> ExistingParties:
    """Which of ``ids`` are members or organisations, and which of ``skills`` are skills."""
    row = tx.one("members/existing_parties", ids=list(ids), skills=list(skills)) or {}
    return ExistingParties(
        members=frozenset(row.get("members", [])),
        organisations=frozenset(row.get("organisations", [])),
        skills=frozenset(row.get("skills", [])),
    )


def list_members(
    db: Database, *, subsector: str | None, skill: str | None, text: str | None,
    visibilities: Sequence[str], offset: int, limit: int,
) -> tuple[int, list[MemberRecord]]:
    """One page of the members matching the filters, and how many match in all."""

    def work(tx: Tx) -> tuple[int, list[MemberRecord]]:
        page = tx.one("members/list_members", subsector=subsector, skill=skill,
                      text=text.lower() if text else None, visibilities=list(visibilities),
                      offset=offset, limit=limit) or {"total": 0, "ids": []}
        ids: list[str] = page["ids"]
        rows = tx.rows("members/get_members", ids=ids, after=None, limit=len(ids))
        return int(page["total"]), [MemberRecord(**without_nulls(r)) for r in rows]

    return db.read(work)


def get_members(db: Database, ids: list[str]) -> list[MemberRecord]:
    """The members with these ids (unknown ids are left out), in id order."""
    return db.read(lambda tx: read_members(tx, ids))


def get_member(db: Database, ident: str) -> MemberRecord:
    """One member; :class:`NotFound` when there is none."""
    found = get_members(db, [ident])
    if not found:
        raise NotFound("member", ident)
    return found[0]


def _check_member_refs(tx: Tx, m: MemberRecord) -> None:
    found = existing_parties(tx, [m.id], m.skills)
    missing = sorted(set(m.skills) - found.skills)
    if missing:
        raise Conflict(f"skills: unknown skill(s) {', '.join(repr(s) for s in missing)}")
    if m.id in found.organisations:
        raise Conflict(f"id: '{m.id}' is an organisation's id")


def create_member(db: Database, m: MemberRecord) -> MemberRecord:
    """Add a member, in one write transaction; :class:`Conflict` when the id is taken (by a
    member or an organisation) or a skill is unknown, and then nothing is written."""

    def work(tx: Tx) -> None:
        if member_exists(tx, m.id):
            raise Conflict(f"id: a member '{m.id}' already exists")
        _check_member_refs(tx, m)
        tx.run("members/upsert_members", rows=[member_row(m)])
        record_change(tx, "member", m.id)

    db.write(work)
    return get_member(db, m.id)


def replace_member(db: Database, m: MemberRecord) -> MemberRecord:
    """Replace a member's profile, in one write transaction; :class:`NotFound` for an unknown
    member, :class:`Conflict` for an unknown skill, and then nothing is written."""

    def work(tx: Tx) -> None:
        if not member_exists(tx, m.id):
            raise NotFound("member", m.id)
        _check_member_refs(tx, m)
        tx.run("members/upsert_members", rows=[member_row(m)])
        record_change(tx, "member", m.id)

    db.write(work)
    return get_member(db, m.id)
