"""A member's ties: list, record, confirm and withdraw (the manager, or the member themselves)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field

from graph_service.api.deps import CallerDep, DatabaseDep
from graph_service.domain import TieKind
from graph_service.interchange import Id
from graph_service.services import ties
from graph_service.services.ties import Tie, TieRecorded
from graph_service.services.visibility import ensure_own

router = APIRouter(prefix="/members/{member_id}/ties", tags=["ties"])

MemberId = Annotated[str, Path(description="A member id, e.g. m-042.", max_length=64)]
OtherId = Annotated[str, Path(description="The other side of the tie: a member or organisation id.",
                              max_length=64)]
KindFilter = Annotated[TieKind | None, Query(description="Only this kind of tie (default: every kind).")]


class TieCreate(BaseModel):
    """A tie the member records; it stays unconfirmed until the other side confirms it."""

    model_config = ConfigDict(extra="forbid")

    other: Id = Field(description="The other side: a member or an organisation of another cluster.")
    kind: TieKind = "knows"
    weight: float = Field(default=0.5, gt=0, le=1, description="Strength of the tie, in (0, 1].")
    since: dt.date | None = Field(default=None, description="When the tie began.")
    confirmed: bool = Field(default=False, description="Manager only: record the tie as confirmed at once.")


@router.get("", response_model=list[Tie], responses={404: {"description": "No such member"}})
def list_ties(db: DatabaseDep, principal: CallerDep, member_id: MemberId) -> list[Tie]:
    """The member's ties in both directions, confirmed or not. ``awaiting`` marks the ones the
    member has to confirm; a private member on the other side is shown, since the tie is theirs."""
    ensure_own(principal.viewer, member_id)
    return ties.member_ties(db, member_id)


@router.post(
    "",
    response_model=TieRecorded,
    status_code=201,
    responses={
        200: {"model": TieRecorded,
              "description": "The other side had recorded this tie: it is now confirmed"},
        404: {"description": "No such member, or no such other member or organisation"},
        409: {"description": "The tie is already confirmed, or already recorded and waiting for the "
                             "other side"},
    },
)
def record_tie(
    db: DatabaseDep, principal: CallerDep, member_id: MemberId, body: TieCreate, response: Response
) -> TieRecorded:
    """Record a tie as the member: 201 with ``status: recorded`` (unconfirmed: the other side
    confirms it), or 200 with ``status: confirmed`` when the other side had already recorded it.
    Only the manager may send ``confirmed: true`` (403 for anyone else)."""
    ensure_own(principal.viewer, member_id)
    if body.other == member_id:
        raise RequestValidationError(
            [{"loc": ("body", "other"), "msg": "a member cannot record a tie with itself",
              "type": "value_error"}]
        )
    done = ties.record_tie(db, member_id, body.other, kind=body.kind, weight=body.weight, since=body.since,
                           confirmed=body.confirmed, actor=principal.viewer)
    if done.status == "confirmed":
        response.status_code = 200
    return done


@router.post(
    "/{other_id}/confirm",
    response_model=list[Tie],
    responses={
        404: {"description": "No such member, or no tie of the other side waiting for this member"},
        409: {"description": "Already confirmed, or recorded by this member (the other side confirms it)"},
    },
)
def confirm_tie(
    db: DatabaseDep, principal: CallerDep, member_id: MemberId, other_id: OtherId, kind: KindFilter = None
) -> list[Tie]:
    """The member confirms the tie(s) the other side recorded with them; the ties confirmed."""
    ensure_own(principal.viewer, member_id)
    return ties.confirm_tie(db, member_id, other_id, kind=kind)


@router.delete("/{other_id}", status_code=204, responses={404: {"description": "No such member or tie"}})
def withdraw_tie(
    db: DatabaseDep, principal: CallerDep, member_id: MemberId, other_id: OtherId, kind: KindFilter = None
) -> Response:
    """Either side withdraws the tie(s) with the other (of ``kind``, or all): deleted, and gone from
    every view at once."""
    ensure_own(principal.viewer, member_id)
    ties.withdraw_tie(db, member_id, other_id, kind=kind)
    return Response(status_code=204)
