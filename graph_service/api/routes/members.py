from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from graph_service.api.deps import CallerDep, DatabaseDep, ManagerDep, PersonDep, SettingsDep
from graph_service.api.schemas import MemberUpdate, Page
from graph_service.domain import SUBSECTOR_IDS
from graph_service.errors import Forbidden, NotFound
from graph_service.interchange import Id, MemberRecord
from graph_service.services.visibility import as_seen_by, ensure_own, may_see_member, visible_levels
from graph_service.store import members as member_store

router = APIRouter(prefix="/members", tags=["members"])

MemberId = Annotated[str, Path(description="A member id, e.g. m-042.", max_length=64)]


@router.get("", response_model=Page[MemberRecord])
def list_members(
    db: DatabaseDep,
    settings: SettingsDep,
    principal: CallerDep,
    subsector: Annotated[str | None, Query(description="Members active in this subsector.",
                                           pattern="^(" + "|".join(SUBSECTOR_IDS) + ")$")] = None,
    skill: Annotated[Id | None, Query(description="Members with this skill id.")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100,
                                   description="Text in the name, city or description.")] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200, description="Page size, at most 200.")] = 50,
) -> Page[MemberRecord]:
    """Members the caller may see: all for the manager, ``members`` and ``public`` profiles for a
    member, ``public`` ones for a client application."""
    limit = min(limit, settings.max_page_size)
    total, items = member_store.list_members(
        db, subsector=subsector, skill=skill, text=q,
        visibilities=visible_levels(principal.viewer), offset=offset, limit=limit,
    )
    return Page(items=[as_seen_by(m, principal.viewer) for m in items], total=total, offset=offset, limit=limit)


@router.get("/{member_id}", response_model=MemberRecord, responses={404: {"description": "No such member"}})
def get_member(db: DatabaseDep, principal: CallerDep, member_id: MemberId) -> MemberRecord:
    """One profile; a profile the caller may not see answers 404, as if it did not exist."""
    member = member_store.get_member(db, member_id)
    if not may_see_member(principal.viewer, member.id, member.visibility):
        raise NotFound("member", member_id)
    return as_seen_by(member, principal.viewer)


@router.post("", response_model=MemberRecord, status_code=201,
             responses={409: {"description": "The id is taken, or a skill is unknown"}})
def create_member(db: DatabaseDep, _manager: ManagerDep, member: MemberRecord) -> MemberRecord:
    return member_store.create_member(db, member)


@router.patch("/{member_id}", response_model=MemberRecord, responses={404: {"description": "No such member"}})
def update_member(db: DatabaseDep, principal: PersonDep, member_id: MemberId, changes: MemberUpdate) -> MemberRecord:
    """Change a profile: the manager, or the member themselves. Setting ``visibility`` to
    ``private`` withdraws consent to be shown, at once."""
    ensure_own(principal.viewer, member_id)
    if not principal.is_manager and "joined" in changes.model_fields_set:
        raise Forbidden("joined: only the manager records when a member joined")
    current = member_store.get_member(db, member_id)
    try:
        merged = MemberRecord.model_validate(
            {**current.model_dump(), **changes.model_dump(exclude_unset=True), "id": member_id}
        )
    except ValidationError as exc:  # e.g. {"name": null}: the field named, as for any bad body
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None
    return member_store.replace_member(db, merged)
