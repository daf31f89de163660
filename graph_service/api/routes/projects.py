"""Past projects and calls for tender with their required skills and teams: read by the manager
and members (teams cut to the members the caller may see), kept by the manager
(:mod:`graph_service.services.records`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from graph_service.api.deps import DatabaseDep, ManagerDep, PersonDep, ViewDep
from graph_service.api.problems import body_problems
from graph_service.api.schemas import Participant, ProjectCreate, ProjectUpdate, Team
from graph_service.domain import ProjectKind, ProjectStatus
from graph_service.interchange import ProjectRecord
from graph_service.services import records

router = APIRouter(prefix="/projects", tags=["projects"])

ProjectId = Annotated[str, Path(description="A project or tender id, e.g. p-001.", max_length=64)]
PartyId = Annotated[str, Path(description="On the team: a member or organisation id.", max_length=64)]

_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such project"}}


@router.get("", response_model=list[ProjectRecord])
def list_projects(
    db: DatabaseDep,
    _caller: PersonDep,
    view: ViewDep,
    status: Annotated[ProjectStatus | None, Query()] = None,
    kind: Annotated[ProjectKind | None, Query()] = None,
) -> list[ProjectRecord]:
    """Past projects and calls for tender, with required skills and team (for a member, only the
    team members who agreed to be shown)."""
    return records.list_projects(view, db=db, status=status, kind=kind)


@router.get("/{project_id}", response_model=ProjectRecord, responses=_NOT_FOUND)
def get_project(db: DatabaseDep, _caller: PersonDep, view: ViewDep, project_id: ProjectId) -> ProjectRecord:
    return records.get_project(view, project_id, db=db)


@router.post("", response_model=ProjectRecord, status_code=201,
             responses={409: {"description": "The id is taken"}})
def create_project(db: DatabaseDep, manager: ManagerDep, project: ProjectCreate) -> ProjectRecord:
    """Record a past project, or a call for tender (``kind: tender``), with the skills it requires
    and its team (members or organisations, in order). Without an ``id`` it gets ``p-`` and the
    next free number. An unknown skill or team member is a 422 naming its place, with the
    closest id; so is an ``end`` before the ``start``."""
    with body_problems():
        return records.create_project(db, project.model_dump(exclude_unset=True), actor=manager.viewer)


@router.patch("/{project_id}", response_model=ProjectRecord, responses=_NOT_FOUND)
def update_project(db: DatabaseDep, manager: ManagerDep, project_id: ProjectId,
                   changes: ProjectUpdate) -> ProjectRecord:
    """Change a project: a field left out keeps its value, null clears it (``kind`` and ``status``
    go back to their defaults; ``title`` cannot be cleared), ``requires`` and ``team`` replace the
    lists. Nothing is written when any change is refused."""
    with body_problems():
        return records.update_project(db, project_id, changes.model_dump(exclude_unset=True),
                                      actor=manager.viewer)


@router.delete("/{project_id}", status_code=204, responses=_NOT_FOUND)
def delete_project(db: DatabaseDep, manager: ManagerDep, project_id: ProjectId) -> Response:
    """Delete the project with its team places and required skills; members and skills stay."""
    records.delete_project(db, project_id, actor=manager.viewer)
    return Response(status_code=204)


@router.put("/{project_id}/team", response_model=ProjectRecord, responses=_NOT_FOUND)
def set_team(db: DatabaseDep, manager: ManagerDep, project_id: ProjectId, body: Team) -> ProjectRecord:
    """Replace the whole team, in the order given."""
    with body_problems():
        return records.set_team(db, project_id, body.team, actor=manager.viewer)


@router.post("/{project_id}/team", response_model=ProjectRecord, responses=_NOT_FOUND)
def add_team_member(db: DatabaseDep, manager: ManagerDep, project_id: ProjectId,
                    body: Participant) -> ProjectRecord:
    """Add one at the end of the team; one already on it stays where it is."""
    with body_problems(rename={"team": ("member",)}):
        return records.add_team_member(db, project_id, body.member, actor=manager.viewer)


@router.delete("/{project_id}/team/{member}", response_model=ProjectRecord,
               responses={404: {"description": "No such project, or the member is not on its team"}})
def remove_team_member(db: DatabaseDep, manager: ManagerDep, project_id: ProjectId,
                       member: PartyId) -> ProjectRecord:
    """Take one off the team."""
    return records.remove_team_member(db, project_id, member, actor=manager.viewer)
