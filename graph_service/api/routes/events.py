from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query

from graph_service.api.deps import DatabaseDep
from graph_service.interchange import EventRecord
from graph_service.store import records

router = APIRouter(prefix="/events", tags=["events"])


@router.get("", response_model=list[EventRecord])
def list_events(
    db: DatabaseDep,
    from_date: Annotated[date | None, Query(alias="from", description="Only events on or after this date.")] = None,
) -> list[EventRecord]:
    return records.list_events(db, from_date=from_date)


@router.get("/{event_id}", response_model=EventRecord, responses={404: {"description": "No such event"}})
def get_event(db: DatabaseDep, event_id: Annotated[str, Path(max_length=64)]) -> EventRecord:
    return records.get_event(db, event_id)
