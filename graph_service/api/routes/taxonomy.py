from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from graph_service.api.deps import DatabaseDep, ProjectionDep
from graph_service.api.schemas import SkillOut, SubsectorOut
from graph_service.domain import SUBSECTORS
from graph_service.interchange import SubsectorId
from graph_service.services.views import Projection
from graph_service.store import taxonomy
from graph_service.store.taxonomy import SkillRow, SubsectorRow

router = APIRouter(tags=["taxonomy"])


@router.get("/subsectors", response_model=list[SubsectorOut])
def list_subsectors(projection: ProjectionDep) -> list[SubsectorRow]:
    """The 12 subsectors with their NACE codes and member counts."""
    return projection.memo(("taxonomy.subsectors",), subsector_rows, depends={"members", "skills"})


def subsector_rows(projection: Projection) -> list[SubsectorRow]:
    """What ``cypher/subsectors/list_subsectors.cypher`` (:func:`taxonomy.list_subsectors`) answers,
    counted from the whole projection (every member, whoever asks: counts only) instead of a
    round trip to Neo4j: the 12 subsectors in id order, with the members whose primary (first)
    subsector each is, the members active in it, and its skills."""
    doc = projection.document
    primary = dict.fromkeys((s.id for s in SUBSECTORS), 0)
    active = dict(primary)
    skills = dict(primary)
    for m in doc.members:
        if m.subsectors and m.subsectors[0] in primary:
            primary[m.subsectors[0]] += 1
        for s in set(m.subsectors):
            if s in active:
                active[s] += 1
    for k in doc.skills:
        if k.subsector in skills:
            skills[k.subsector] += 1
    return [SubsectorRow(id=s.id, name=s.name, nace=list(s.nace), description=s.description,
                         primary_members=primary[s.id], members=active[s.id], skills=skills[s.id])
            for s in sorted(SUBSECTORS, key=lambda s: s.id)]


@router.get("/skills", response_model=list[SkillOut])
def list_skills(
    db: DatabaseDep,
    subsector: Annotated[SubsectorId | None, Query(description="Only skills of this subsector.")] = None,
    cross_cutting: Annotated[bool | None, Query(description="Only cross-cutting (or only subsector) skills.")] = None,
) -> list[SkillRow]:
    return taxonomy.list_skills(db, subsector=subsector, cross_cutting=cross_cutting)
