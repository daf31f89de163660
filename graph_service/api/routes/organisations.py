"""Organisations of the other national clusters, with the skills they offer: read by every caller
(they are not people), kept by the manager (:mod:`graph_service.services.records`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from graph_service.api.deps import DatabaseDep, ManagerDep
from graph_service.api.problems import body_problems
from graph_service.api.schemas import OrganisationCreate, OrganisationUpdate
from graph_service.interchange import OrganisationRecord
from graph_service.services import records

router = APIRouter(prefix="/organisations", tags=["organisations"])

OrganisationId = Annotated[str, Path(description="An organisation id, e.g. o-01.", max_length=64)]

_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such organisation"}}


@router.get("", response_model=list[OrganisationRecord])
def list_organisations(db: DatabaseDep) -> list[OrganisationRecord]:
    """Organisations of the other national clusters that creatives are linked to."""
    return records.list_organisations(db)


@router.get("/{organisation_id}", response_model=OrganisationRecord, responses=_NOT_FOUND)
def get_organisation(db: DatabaseDep, organisation_id: OrganisationId) -> OrganisationRecord:
    return records.get_organisation(db, organisation_id)


@router.post("", response_model=OrganisationRecord, status_code=201,
             responses={409: {"description": "The id is taken, by an organisation or a member"}})
def create_organisation(db: DatabaseDep, manager: ManagerDep, organisation: OrganisationCreate) -> OrganisationRecord:
    """Record an organisation of another cluster and the skills it offers (what a tender team
    may call on when no member has a skill). Without an ``id`` it gets ``o-`` and the next free
    number. An unknown skill is a 422 naming its place in ``skills``, with the closest id."""
    with body_problems():
        return records.create_organisation(db, organisation.model_dump(exclude_unset=True), actor=manager.viewer)


@router.patch("/{organisation_id}", response_model=OrganisationRecord, responses=_NOT_FOUND)
def update_organisation(db: DatabaseDep, manager: ManagerDep, organisation_id: OrganisationId,
                        changes: OrganisationUpdate) -> OrganisationRecord:
    """Change an organisation: a field left out keeps its value, null clears it (``name`` and
    ``cluster`` cannot be cleared), ``skills`` replaces the list. Nothing is written when any
    change is refused."""
    with body_problems():
        return records.update_organisation(db, organisation_id, changes.model_dump(exclude_unset=True),
                                           actor=manager.viewer)


@router.delete("/{organisation_id}", status_code=204, responses={
    **_NOT_FOUND, 409: {"description": "The organisation is a side of an introduction (kept for the history)"}})
def delete_organisation(db: DatabaseDep, manager: ManagerDep, organisation_id: OrganisationId) -> Response:
    """Delete the organisation with its ties, team places, attendance and the skills it offers;
    members, projects, events and skills stay. Refused (409) while it is a side of an introduction."""
    records.delete_organisation(db, organisation_id, actor=manager.viewer)
    return Response(status_code=204)
