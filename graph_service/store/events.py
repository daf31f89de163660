"""Events, with their attendees in recorded order.

They are written by an import (:mod:`graph_service.store.documents`); here they are read.
"""

from __future__ import annotations

from datetime import date

from graph_service.errors import NotFound
from graph_service.interchange import EventRecord
from graph_service.store.database import Database
from graph_service.store.documents import without_nulls

__all__ = ["list_events", "get_event"]


def list_events(db: Database, *, from_date: date | None = None) -> list[EventRecord]:
    """Events in id order, optionally only those on or after ``from_date``."""
    return [EventRecord(**without_nulls(r)) for r in db.rows("events/get_events", {"ids": None, "from": from_date})]


def get_event(db: Database, ident: str) -> EventRecord:
    """One event; :class:`NotFound` when there is none."""
    rows = db.rows("events/get_events", {"ids": [ident], "from": None})
    if not rows:
        raise NotFound("event", ident)
    return EventRecord(**without_nulls(rows[0]))
