"""Events, with their attendees in recorded order: read, and kept one at a time by the manager.

An import writes them in bulk (:mod:`graph_service.store.documents`); the functions below write
one event each, in one transaction, with the rules of :mod:`graph_service.store.records`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from graph_service.errors import NotFound
from graph_service.interchange import EventRecord
from graph_service.store.database import Database, Tx
from graph_service.store.documents import event_row, without_nulls
from graph_service.store.records import (
    RecordKind,
    add_to_list,
    create_record,
    delete_record,
    remove_from_list,
    stored_record,
    update_record,
)

__all__ = [
    "EVENT_ID_PREFIX",
    "list_events",
    "get_event",
    "create_event",
    "update_event",
    "delete_event",
    "set_attendees",
    "add_attendee",
    "remove_attendee",
]

EVENT_ID_PREFIX = "e-"


def list_events(db: Database, *, from_date: date | None = None) -> list[EventRecord]:
    """Events in id order, optionally only those on or after ``from_date``."""
    return [EventRecord(**without_nulls(r)) for r in db.rows("events/get_events", {"ids": None, "from": from_date})]


def get_event(db: Database, ident: str) -> EventRecord:
    """One event; :class:`NotFound` when there is none."""
    found = db.read(lambda tx: _read(tx, ident))
    if found is None:
        raise NotFound("event", ident)
    return found


def _read(tx: Tx, ident: str) -> EventRecord | None:
    rows = tx.rows("events/get_events", ids=[ident], **{"from": None})
    return stored_record(EventRecord, rows[0]) if rows else None


EVENTS: RecordKind[EventRecord] = RecordKind(
    noun="event", model=EventRecord, prefix=EVENT_ID_PREFIX, read=_read, ids_query="events/event_ids",
    upsert="events/upsert_events", row=event_row, delete="events/delete_event", parties=("attendees",),
)


def create_event(db: Database, fields: Mapping[str, Any]) -> EventRecord:
    """Add an event (``id`` absent: ``e-`` and the next free number). :class:`Conflict` when the
    id is taken; :class:`DocumentInvalid` for a missing or bad field or an unknown attendee."""
    return create_record(db, EVENTS, fields)


def update_event(db: Database, ident: str, changes: Mapping[str, Any]) -> EventRecord:
    """Change an event: an absent field keeps its value, None clears it, a list replaces the list."""
    return update_record(db, EVENTS, ident, changes)


def delete_event(db: Database, ident: str) -> None:
    """Delete an event and its attendance (the attendees stay); :class:`NotFound`."""
    delete_record(db, EVENTS, ident)


def set_attendees(db: Database, ident: str, attendees: Sequence[str]) -> EventRecord:
    """Replace the event's attendance with ``attendees``, in that order."""
    return update_record(db, EVENTS, ident, {"attendees": list(attendees)})


def add_attendee(db: Database, ident: str, party: str) -> EventRecord:
    """Record that ``party`` (a member or an organisation) attended; unchanged if already recorded."""
    return add_to_list(db, EVENTS, ident, "attendees", party)


def remove_attendee(db: Database, ident: str, party: str) -> EventRecord:
    """Take ``party`` off the event's attendance; :class:`NotFound` when they are not on it."""
    return remove_from_list(db, EVENTS, ident, "attendees", party, what="attendee")
