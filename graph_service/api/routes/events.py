"""Cluster events and their attendance: read by the manager and members (attendees cut to the
members the caller may see), kept by the manager (:mod:`graph_service.services.records`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from graph_service.api.deps import DatabaseDep, ManagerDep, PersonDep, ViewDep
from graph_service.api.problems import body_problems
from graph_service.api.schemas import Attendees, EventCreate, EventUpdate, Participant
from graph_service.interchange import EventRecord
from graph_service.services import records

router = APIRouter(prefix="/events", tags=["events"])

EventId = Annotated[str, Path(description="An event id, e.g. e-001.", max_length=64)]
PartyId = Annotated[str, Path(description="An attendee: a member or organisation id.", max_length=64)]

_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such event"}}


@router.get("", response_model=list[EventRecord])
def list_events(
    db: DatabaseDep,
    _caller: PersonDep,
    view: ViewDep,
    from_date: Annotated[date | None, Query(alias="from", description="Only events on or after this date.")] = None,
) -> list[EventRecord]:
    return records.list_events(view, db=db, from_date=from_date)


@router.get("/{event_id}", response_model=EventRecord, responses=_NOT_FOUND)
def get_event(db: DatabaseDep, _caller: PersonDep, view: ViewDep, event_id: EventId) -> EventRecord:
    return records.get_event(view, event_id, db=db)


@router.post("", response_model=EventRecord, status_code=201,
             responses={409: {"description": "The id is taken"}})
def create_event(db: DatabaseDep, manager: ManagerDep, event: EventCreate) -> EventRecord:
    """Record an event and who attended (members or organisations, in order). Without an ``id``
    the event gets ``e-`` and the next free number (``e-040`` is followed by ``e-041``). An
    unknown attendee is a 422 naming the place in ``attendees``, with the closest id."""
    with body_problems():
        return records.create_event(db, event.model_dump(exclude_unset=True), actor=manager.viewer)


@router.patch("/{event_id}", response_model=EventRecord, responses=_NOT_FOUND)
def update_event(db: DatabaseDep, manager: ManagerDep, event_id: EventId, changes: EventUpdate) -> EventRecord:
    """Change an event: a field left out keeps its value, null clears it (``format`` goes back to
    ``networking``; ``title`` and ``date`` cannot be cleared), ``attendees`` replaces the attendance.
    Nothing is written when any change is refused."""
    with body_problems():
        return records.update_event(db, event_id, changes.model_dump(exclude_unset=True), actor=manager.viewer)


@router.delete("/{event_id}", status_code=204, responses=_NOT_FOUND)
def delete_event(db: DatabaseDep, manager: ManagerDep, event_id: EventId) -> Response:
    """Delete the event and its attendance; the members and organisations who attended stay."""
    records.delete_event(db, event_id, actor=manager.viewer)
    return Response(status_code=204)


@router.put("/{event_id}/attendees", response_model=EventRecord, responses=_NOT_FOUND)
def set_attendees(db: DatabaseDep, manager: ManagerDep, event_id: EventId, body: Attendees) -> EventRecord:
    """Replace the whole attendance, in the order given."""
    with body_problems():
        return records.set_attendees(db, event_id, body.attendees, actor=manager.viewer)


@router.post("/{event_id}/attendees", response_model=EventRecord, responses=_NOT_FOUND)
def add_attendee(db: DatabaseDep, manager: ManagerDep, event_id: EventId, body: Participant) -> EventRecord:
    """Add one attendee at the end of the attendance; one already on it stays where it is."""
    with body_problems(rename={"attendees": ("member",)}):
        return records.add_attendee(db, event_id, body.member, actor=manager.viewer)


@router.delete("/{event_id}/attendees/{member}", response_model=EventRecord,
               responses={404: {"description": "No such event, or the member did not attend it"}})
def remove_attendee(db: DatabaseDep, manager: ManagerDep, event_id: EventId, member: PartyId) -> EventRecord:
    """Take one attendee off the attendance."""
    return records.remove_attendee(db, event_id, member, actor=manager.viewer)
