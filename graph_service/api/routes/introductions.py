from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from graph_service.analytics.kpis import IntroductionKPIs
from graph_service.api.auth.principals import Principal
from graph_service.api.deps import DatabaseDep, ManagerDep, PersonDep, ViewDep
from graph_service.api.schemas import (
    IntroductionCreate,
    IntroductionOut,
    IntroductionResponse,
    IntroductionUpdate,
)
from graph_service.domain import IntroductionStatus
from graph_service.errors import Forbidden
from graph_service.interchange import Id
from graph_service.services import introductions
from graph_service.services.kpis import introduction_kpis
from graph_service.services.planning import Focus, Plan, plan_introductions
from graph_service.store import introductions as introduction_store
from graph_service.store.introductions import IntroductionRow

router = APIRouter(prefix="/introductions", tags=["introductions"])

IntroductionId = Annotated[str, Path(max_length=64)]
_CONFLICT: dict[int | str, dict[str, Any]] = {409: {"description": "Not allowed in the introduction's current state"}}


class DueIntroductionRow(IntroductionRow):
    """An introduction waiting for a follow-up: how long, and what to do next."""

    waiting_days: int
    follow_up: str


def _ensure_party(principal: Principal, introduction: IntroductionRow) -> None:
    """The manager, or one of the two members the introduction is between."""
    if principal.is_manager or principal.member_id in (introduction["a"], introduction["b"]):
        return
    raise Forbidden("only the manager or the two members of an introduction may see or change it")


@router.get("", response_model=list[IntroductionOut])
def list_introductions(
    db: DatabaseDep,
    principal: PersonDep,
    member: Annotated[Id | None, Query(description="Introductions this member takes part in.")] = None,
    status: Annotated[list[IntroductionStatus] | None, Query(description="Any of these statuses.")] = None,
    due: Annotated[bool, Query(description="Only those waiting for a follow-up, longest first.")] = False,
    due_days: Annotated[int, Query(ge=1, le=365, description="Waiting longer than this many days.")] = 30,
) -> Sequence[IntroductionRow]:
    """Introductions, newest first; a member sees only their own."""
    if not principal.is_manager:
        if member is not None and member != principal.member_id:
            raise Forbidden("member: a member may list only their own introductions")
        member = principal.member_id
    if due:
        rows: list[DueIntroductionRow] = [
            {**d.introduction, "waiting_days": d.waiting_days, "follow_up": d.action}
            for d in introductions.due_for_follow_up(db, days=due_days)
        ]
        return [r for r in rows if (member is None or member in (r["a"], r["b"]))
                and (status is None or r["status"] in status)]
    return introduction_store.list_introductions(db, member=member, statuses=status)


@router.get("/kpis", response_model=IntroductionKPIs)
def kpis(
    view: ViewDep,
    _manager: ManagerDep,
    since: Annotated[date | None, Query(description="Only introductions from this date.")] = None,
) -> IntroductionKPIs:
    """Introductions per month, acceptance and success rates, by subsector pair, the share that
    crosses subsectors, and how much of the network hangs on the manager."""
    return introduction_kpis(view, since=since)


@router.get("/{introduction_id}", response_model=IntroductionOut,
            responses={404: {"description": "No such introduction"}})
def get_introduction(db: DatabaseDep, principal: PersonDep, introduction_id: IntroductionId) -> IntroductionRow:
    found = introduction_store.get_introduction(db, introduction_id)
    _ensure_party(principal, found)
    return found


@router.post("", response_model=IntroductionOut, status_code=201, responses=_CONFLICT)
def propose(db: DatabaseDep, _manager: ManagerDep, body: IntroductionCreate) -> IntroductionRow:
    """Propose an introduction; it is made only when both sides accept."""
    return introductions.propose(db, a=body.a, b=body.b, facilitator=body.facilitator, ident=body.id,
                                 outcome=body.notes)


@router.post("/{introduction_id}/responses", response_model=IntroductionOut,
             responses={404: {"description": "No such introduction"}, **_CONFLICT})
def respond(db: DatabaseDep, principal: PersonDep, introduction_id: IntroductionId,
            body: IntroductionResponse) -> IntroductionRow:
    """One side accepts or declines (double opt-in). A member answers only for themselves."""
    if not principal.is_manager and body.member != principal.member_id:
        raise Forbidden("member: a member answers only for themselves")
    return introductions.respond(db, introduction_id, member=body.member, answer=body.answer, note=body.note)


@router.patch("/{introduction_id}", response_model=IntroductionOut,
              responses={404: {"description": "No such introduction"}, **_CONFLICT})
def update_introduction(db: DatabaseDep, principal: PersonDep, introduction_id: IntroductionId,
                        body: IntroductionUpdate) -> IntroductionRow:
    """Record that they met, and then the outcome; 'collaborating' adds a knows tie. The manager
    or one of the two members."""
    _ensure_party(principal, introduction_store.get_introduction(db, introduction_id))
    return introductions.advance(db, introduction_id, status=body.status, outcome=body.outcome)


class PlanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    total: int = Field(ge=1, le=500, description="How many introductions at most.")
    max_per_member: int = Field(default=2, ge=1, le=20, description="Nobody gets more than this many "
                                "(open introductions they already carry count).")
    focus: Focus = "all"
    theme: Id | None = Field(default=None, description="With focus 'theme': a skill id or a subsector id.")
    new_member_days: int = Field(default=365, ge=1, le=3650, description="With focus 'new-members'.")
    organisations: bool = Field(default=False, description="Also introduce organisations of the other clusters.")
    record: bool = Field(default=False, description="Record the introductions as proposed.")


@router.post("/plan", response_model=Plan)
def plan(view: ViewDep, db: DatabaseDep, _manager: ManagerDep, body: PlanRequest) -> Plan:
    """A batch of introductions maximising the summed score and the subsector pairs connected,
    nobody above their maximum, with what the plan would change if every one succeeded."""
    return plan_introductions(view, db, total=body.total, max_per_member=body.max_per_member, focus=body.focus,
                              theme=body.theme, new_member_days=body.new_member_days,
                              organisations=body.organisations, record=body.record)
