from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from graph_service.api.deps import DatabaseDep
from graph_service.domain import ProjectKind, ProjectStatus
from graph_service.interchange import ProjectRecord
from graph_service.store import records

router = APIRouter(prefix="/projects", tags=["projects"])


@router.get("", response_model=list[ProjectRecord])
def list_projects(
    db: DatabaseDep,
    status: Annotated[ProjectStatus | None, Query()] = None,
    kind: Annotated[ProjectKind | None, Query()] = None,
) -> list[ProjectRecord]:
    """Past projects and calls for tender, with required skills and team."""
    return records.list_projects(db, status=status, kind=kind)


@router.get("/{project_id}", response_model=ProjectRecord, responses={404: {"description": "No such project"}})
def get_project(db: DatabaseDep, project_id: Annotated[str, Path(max_length=64)]) -> ProjectRecord:
    return records.get_project(db, project_id)
