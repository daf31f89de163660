from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query

from graph_service.api.deps import DatabaseDep, PersonDep, ViewDep
from graph_service.interchange import EventRecord
from graph_service.store import events as event_store

router = APIRouter(prefix="/events", tags=["events"])


def _shown(event: EventRecord, members: frozenset[str] | None) -> EventRecord:
    """The event with its attendees cut to the members the caller may see."""
    if members is None:
        return event
    return event.model_copy(update={"attendees": [m for m in event.attendees if m in members]})


@router.get("", response_model=list[EventRecord])
def list_events(
    db: DatabaseDep,
    _caller: PersonDep,
    view: ViewDep,
    from_date: Annotated[date | None, Query(alias="from", description="Only events on or after this date.")] = None,
) -> list[EventRecord]:
    members = view.visible_ids()
    return [_shown(e, members) for e in event_store.list_events(db, from_date=from_date)]


@router.get("/{event_id}", response_model=EventRecord, responses={404: {"description": "No such event"}})
def get_event(db: DatabaseDep, _caller: PersonDep, view: ViewDep,
              event_id: Annotated[str, Path(max_length=64)]) -> EventRecord:
    return _shown(event_store.get_event(db, event_id), view.visible_ids())
