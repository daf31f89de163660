from __future__ import annotations

import secrets
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query

from graph_service.api.deps import DatabaseDep
from graph_service.api.schemas import IntroductionCreate, IntroductionOut, IntroductionUpdate
from graph_service.domain import IntroductionStatus
from graph_service.interchange import Id, IntroductionRecord
from graph_service.store import records
from graph_service.store.records import Conflict

router = APIRouter(prefix="/introductions", tags=["introductions"])

IntroductionId = Annotated[str, Path(max_length=64)]


@router.get("", response_model=list[IntroductionOut])
def list_introductions(
    db: DatabaseDep,
    member: Annotated[Id | None, Query(description="Introductions this member takes part in.")] = None,
    status: Annotated[list[IntroductionStatus] | None, Query(description="Any of these statuses.")] = None,
) -> list[dict]:
    return records.list_introductions(db, member=member, statuses=status)


@router.get("/{introduction_id}", response_model=IntroductionOut,
            responses={404: {"description": "No such introduction"}})
def get_introduction(db: DatabaseDep, introduction_id: IntroductionId) -> dict:
    return records.get_introduction(db, introduction_id)


@router.post("", response_model=IntroductionOut, status_code=201,
             responses={409: {"description": "The id is taken, or a party does not exist"}})
def create_introduction(db: DatabaseDep, body: IntroductionCreate) -> dict:
    today = date.today()
    record = IntroductionRecord(
        id=body.id or f"i-{today:%Y%m%d}-{secrets.token_hex(3)}", a=body.a, b=body.b,
        facilitator=body.facilitator, date=body.date or today, status=body.status, outcome=body.outcome,
    )
    if record.a == record.b:
        raise Conflict("b: cannot introduce a member to itself")
    return records.save_introduction(db, record, create=True, updated=today)


@router.patch("/{introduction_id}", response_model=IntroductionOut,
              responses={404: {"description": "No such introduction"}})
def update_introduction(db: DatabaseDep, introduction_id: IntroductionId, body: IntroductionUpdate) -> dict:
    current = records.get_introduction(db, introduction_id)
    current.pop("updated", None)
    record = IntroductionRecord.model_validate(
        {**{k: v for k, v in current.items() if v is not None}, **body.model_dump(exclude_unset=True)}
    )
    return records.save_introduction(db, record, create=False, updated=date.today())
