from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from graph_service.api.deps import DatabaseDep, SettingsDep
from graph_service.api.schemas import MemberUpdate, Page
from graph_service.domain import SUBSECTOR_IDS
from graph_service.interchange import Id, MemberRecord
from graph_service.store import records

router = APIRouter(prefix="/members", tags=["members"])

MemberId = Annotated[str, Path(description="A member id, e.g. m-042.", max_length=64)]


@router.get("", response_model=Page[MemberRecord])
def list_members(
    db: DatabaseDep,
    settings: SettingsDep,
    subsector: Annotated[str | None, Query(description="Members active in this subsector.",
                                           pattern="^(" + "|".join(SUBSECTOR_IDS) + ")$")] = None,
    skill: Annotated[Id | None, Query(description="Members with this skill id.")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100,
                                   description="Text in the name, city or description.")] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200, description="Page size, at most 200.")] = 50,
) -> Page[MemberRecord]:
    limit = min(limit, settings.max_page_size)
    total, items = records.list_members(
        db, subsector=subsector, skill=skill, text=q,
        visibilities=["private", "members", "public"], offset=offset, limit=limit,
    )
    return Page(items=items, total=total, offset=offset, limit=limit)


@router.get("/{member_id}", response_model=MemberRecord, responses={404: {"description": "No such member"}})
def get_member(db: DatabaseDep, member_id: MemberId) -> MemberRecord:
    return records.get_member(db, member_id)


@router.post("", response_model=MemberRecord, status_code=201,
             responses={409: {"description": "The id is taken, or a skill is unknown"}})
def create_member(db: DatabaseDep, member: MemberRecord) -> MemberRecord:
    return records.create_member(db, member)


@router.patch("/{member_id}", response_model=MemberRecord, responses={404: {"description": "No such member"}})
def update_member(db: DatabaseDep, member_id: MemberId, changes: MemberUpdate) -> MemberRecord:
    current = records.get_member(db, member_id)
    merged = MemberRecord.model_validate(
        {**current.model_dump(), **changes.model_dump(exclude_unset=True), "id": member_id}
    )
    return records.replace_member(db, merged)


@router.delete("/{member_id}", status_code=204, responses={404: {"description": "No such member"}})
def delete_member(db: DatabaseDep, member_id: MemberId) -> Response:
    records.delete_member(db, member_id)
    return Response(status_code=204)
