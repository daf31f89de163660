from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from graph_service.api.deps import DatabaseDep, PersonDep, ViewDep
from graph_service.domain import ProjectKind, ProjectStatus
from graph_service.interchange import ProjectRecord
from graph_service.store import projects as project_store

router = APIRouter(prefix="/projects", tags=["projects"])


def _shown(project: ProjectRecord, members: frozenset[str] | None) -> ProjectRecord:
    """The project with its team cut to the members the caller may see."""
    if members is None:
        return project
    return project.model_copy(update={"team": [m for m in project.team if m in members]})


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
    members = view.visible_ids()
    return [_shown(p, members) for p in project_store.list_projects(db, status=status, kind=kind)]


@router.get("/{project_id}", response_model=ProjectRecord, responses={404: {"description": "No such project"}})
def get_project(db: DatabaseDep, _caller: PersonDep, view: ViewDep,
                project_id: Annotated[str, Path(max_length=64)]) -> ProjectRecord:
    return _shown(project_store.get_project(db, project_id), view.visible_ids())
