"""Reading and writing single records (members, projects, events, introductions, taxonomy).

Functions take the :class:`Database` and return interchange records or plain dicts; they know
nothing of HTTP. Bulk loading lives in :mod:`graph_service.store.documents`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from graph_service.domain import ERASED_FACILITATOR
from graph_service.errors import Conflict, NotFound
from graph_service.interchange import (
    EventRecord,
    MemberRecord,
    OrganisationRecord,
    ProjectRecord,
)
from graph_service.store.database import Database, Tx
from graph_service.store.documents import member_row

__all__ = [
    "list_members",
    "get_member",
    "get_members",
    "create_member",
    "replace_member",
    "delete_member",
    "list_subsectors",
    "list_skills",
    "list_organisations",
    "list_projects",
    "get_project",
    "list_events",
    "get_event",
    "list_introductions",
    "get_introduction",
    "count_nodes",
]


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v is not None}


def _member(row: dict[str, Any]) -> MemberRecord:
    return MemberRecord(**_clean(row))


def list_members(
    db: Database, *, subsector: str | None, skill: str | None, text: str | None,
    visibilities: list[str], offset: int, limit: int,
) -> tuple[int, list[MemberRecord]]:
    def work(tx: Tx) -> tuple[int, list[MemberRecord]]:
        page = tx.one("members/list_members", subsector=subsector, skill=skill,
                      text=text.lower() if text else None, visibilities=visibilities,
                      offset=offset, limit=limit) or {"total": 0, "ids": []}
        rows = tx.rows("members/get_members", ids=page["ids"], after=None, limit=len(page["ids"]))
        return int(page["total"]), [_member(r) for r in rows]

    return db.read(work)


def get_members(db: Database, ids: list[str]) -> list[MemberRecord]:
    rows = db.rows("members/get_members", {"ids": ids, "after": None, "limit": max(len(ids), 1)})
    return [_member(r) for r in rows]


def get_member(db: Database, ident: str) -> MemberRecord:
    found = get_members(db, [ident])
    if not found:
        raise NotFound("member", ident)
    return found[0]


def _check_member_refs(tx: Tx, m: MemberRecord) -> None:
    row = tx.one("members/existing_parties", ids=[m.id], skills=list(m.skills)) or {}
    missing = sorted(set(m.skills) - set(row.get("skills", [])))
    if missing:
        raise Conflict(f"skills: unknown skill(s) {', '.join(repr(s) for s in missing)}")
    if m.id in row.get("organisations", []):
        raise Conflict(f"id: '{m.id}' is an organisation's id")


def create_member(db: Database, m: MemberRecord) -> MemberRecord:
    def work(tx: Tx) -> None:
        if tx.rows("members/get_members", ids=[m.id], after=None, limit=1):
            raise Conflict(f"id: a member '{m.id}' already exists")
        _check_member_refs(tx, m)
        tx.run("members/upsert_members", rows=[member_row(m)])

    db.write(work)
    return get_member(db, m.id)


def replace_member(db: Database, m: MemberRecord) -> MemberRecord:
    def work(tx: Tx) -> None:
        if not tx.rows("members/get_members", ids=[m.id], after=None, limit=1):
            raise NotFound("member", m.id)
        _check_member_refs(tx, m)
        tx.run("members/upsert_members", rows=[member_row(m)])

    db.write(work)
    return get_member(db, m.id)


def delete_member(db: Database, ident: str) -> dict[str, Any]:
    """Erase a member in one write transaction (see :mod:`graph_service.services.privacy`).

    Deletes the member with its ties, subsector and skill links, team places, attendances and
    impressions (closing the gaps in the teams' and attendee lists' ranks); the introductions it
    took part in lose their link to it, their notes and its answer, and keep its primary
    subsector as an anonymous attribute; those it facilitated keep ``ERASED_FACILITATOR``. The
    member's API keys are deleted too.
    Returns the member's name and what was removed or anonymised; :class:`NotFound` (and nothing
    written) for an unknown id.
    """

    def work(tx: Tx) -> dict[str, Any]:
        counts = tx.one("privacy/erasure_counts", id=ident)
        if counts is None:
            raise NotFound("member", ident)
        tx.run("privacy/renumber_lists", id=ident)
        counts.update(tx.one("privacy/anonymise_introductions", id=ident) or {})
        counts.update(tx.one("privacy/anonymise_facilitations", id=ident, erased=ERASED_FACILITATOR) or {})
        counts["api_keys"] = (tx.one("keys/delete_keys", member=ident) or {}).get("deleted", 0)
        deleted = tx.one("members/delete_member", id=ident)
        if not deleted or deleted["deleted"] != 1:  # pragma: no cover - matched above, in this transaction
            raise NotFound("member", ident)
        return counts

    return db.write(work)


def list_subsectors(db: Database) -> list[dict[str, Any]]:
    return db.rows("subsectors/list_subsectors")


def list_skills(db: Database, *, subsector: str | None = None,
                cross_cutting: bool | None = None) -> list[dict[str, Any]]:
    return db.rows("skills/list_skills", {"subsector": subsector, "cross_cutting": cross_cutting})


def list_organisations(db: Database) -> list[OrganisationRecord]:
    return [OrganisationRecord(**_clean(r)) for r in db.rows("organisations/export_organisations")]


def list_projects(db: Database, *, status: str | None = None, kind: str | None = None) -> list[ProjectRecord]:
    rows = db.rows("projects/get_projects", {"ids": None, "status": status, "kind": kind})
    return [ProjectRecord(**_clean(r)) for r in rows]


def get_project(db: Database, ident: str) -> ProjectRecord:
    rows = db.rows("projects/get_projects", {"ids": [ident], "status": None, "kind": None})
    if not rows:
        raise NotFound("project", ident)
    return ProjectRecord(**_clean(rows[0]))


def list_events(db: Database, *, from_date: date | None = None) -> list[EventRecord]:
    return [EventRecord(**_clean(r)) for r in db.rows("events/get_events", {"ids": None, "from": from_date})]


def get_event(db: Database, ident: str) -> EventRecord:
    rows = db.rows("events/get_events", {"ids": [ident], "from": None})
    if not rows:
        raise NotFound("event", ident)
    return EventRecord(**_clean(rows[0]))


def list_introductions(db: Database, *, member: str | None = None,
                       statuses: list[str] | None = None) -> list[dict[str, Any]]:
    return db.rows("introductions/get_introductions", {"ids": None, "member": member, "statuses": statuses})


def get_introduction(db: Database, ident: str) -> dict[str, Any]:
    rows = db.rows("introductions/get_introductions", {"ids": [ident], "member": None, "statuses": None})
    if not rows:
        raise NotFound("introduction", ident)
    return rows[0]


def count_nodes(db: Database) -> dict[str, int]:
    return db.rows("graph/count_nodes")[0]
