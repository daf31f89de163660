from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from graph_service.api.deps import DatabaseDep
from graph_service.api.schemas import SkillOut, SubsectorOut
from graph_service.interchange import SubsectorId
from graph_service.store import taxonomy
from graph_service.store.taxonomy import SkillRow, SubsectorRow

router = APIRouter(tags=["taxonomy"])


@router.get("/subsectors", response_model=list[SubsectorOut])
def list_subsectors(db: DatabaseDep) -> list[SubsectorRow]:
    """The 12 subsectors with their NACE codes and member counts."""
    return taxonomy.list_subsectors(db)


@router.get("/skills", response_model=list[SkillOut])
def list_skills(
    db: DatabaseDep,
    subsector: Annotated[SubsectorId | None, Query(description="Only skills of this subsector.")] = None,
    cross_cutting: Annotated[bool | None, Query(description="Only cross-cutting (or only subsector) skills.")] = None,
) -> list[SkillRow]:
    return taxonomy.list_skills(db, subsector=subsector, cross_cutting=cross_cutting)
