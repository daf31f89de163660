"""Organisations of the other national clusters that members are linked to, with the skills
they offer: read, and kept one at a time by the manager.

An import writes them in bulk (:mod:`graph_service.store.documents`); the functions below write
one organisation each, in one transaction, with the rules of :mod:`graph_service.store.records`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graph_service.errors import Conflict, NotFound
from graph_service.interchange import OrganisationRecord, Problem
from graph_service.store.database import Database, Tx
from graph_service.store.documents import organisation_row, without_nulls
from graph_service.store.members import existing_parties
from graph_service.store.records import RecordKind, create_record, delete_record, stored_record, update_record

__all__ = [
    "ORGANISATION_ID_PREFIX",
    "list_organisations",
    "get_organisation",
    "create_organisation",
    "update_organisation",
    "delete_organisation",
]

ORGANISATION_ID_PREFIX = "o-"


def list_organisations(db: Database) -> list[OrganisationRecord]:
    """Every organisation, in id order."""
    return [OrganisationRecord(**without_nulls(r)) for r in db.rows("organisations/export_organisations")]


def get_organisation(db: Database, ident: str) -> OrganisationRecord:
    """One organisation; :class:`NotFound` when there is none."""
    found = db.read(lambda tx: _read(tx, ident))
    if found is None:
        raise NotFound("organisation", ident)
    return found


def _read(tx: Tx, ident: str) -> OrganisationRecord | None:
    rows = tx.rows("organisations/get_organisations", ids=[ident])
    return stored_record(OrganisationRecord, rows[0]) if rows else None


def _not_a_member(tx: Tx, organisation: OrganisationRecord, new: bool) -> list[Problem]:
    if new and existing_parties(tx, [organisation.id]).members:
        raise Conflict(f"id: '{organisation.id}' is a member's id")
    return []


ORGANISATIONS: RecordKind[OrganisationRecord] = RecordKind(
    noun="organisation", model=OrganisationRecord, prefix=ORGANISATION_ID_PREFIX, read=_read,
    ids_query="records/party_ids",  # a member and an organisation never share an id
    upsert="organisations/upsert_organisations", row=organisation_row, delete="organisations/delete_organisation",
    skills=("skills",), check=_not_a_member,
)


def create_organisation(db: Database, fields: Mapping[str, Any]) -> OrganisationRecord:
    """Add an organisation of another cluster (``id`` absent: ``o-`` and the next free number).
    :class:`Conflict` when the id is an organisation's or a member's; :class:`DocumentInvalid`
    for a missing or bad field or an unknown skill."""
    return create_record(db, ORGANISATIONS, fields)


def update_organisation(db: Database, ident: str, changes: Mapping[str, Any]) -> OrganisationRecord:
    """Change an organisation: an absent field keeps its value, None clears it, ``skills`` replaces the list."""
    return update_record(db, ORGANISATIONS, ident, changes)


def _no_introductions(ident: str) -> Callable[[Tx], None]:
    def check(tx: Tx) -> None:
        introductions = [r["id"] for r in tx.rows("organisations/organisation_introductions", id=ident)]
        if introductions:
            shown = ", ".join(introductions[:5]) + (", ..." if len(introductions) > 5 else "")
            raise Conflict(f"organisation '{ident}' is a side of {len(introductions)} introduction(s) ({shown}); "
                           "an organisation with introductions is kept for their history")
    return check


def delete_organisation(db: Database, ident: str) -> None:
    """Delete an organisation with its own relationships: its ties, team places, attendance, the
    skills it offers (members, projects, events and skills stay). :class:`NotFound`;
    :class:`Conflict` when it is a side of an introduction (kept for the history), and then
    nothing is deleted."""
    delete_record(db, ORGANISATIONS, ident, before=_no_introductions(ident))
