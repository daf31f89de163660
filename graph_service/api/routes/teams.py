"""Teams for tenders and projects, and round-table seating."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from graph_service.api.deps import DatabaseDep, ManagerDep, PersonDep, ViewDep
from graph_service.interchange import Id, SubsectorId
from graph_service.services.teams import SeatingAnswer, TeamsAnswer, tables_for, teams_for
from graph_service.store.projects import get_project

router = APIRouter(tags=["teams and seating"])


class TeamOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_size: int = Field(default=5, ge=1, le=20, description="At most this many members.")
    must_include: list[Id] = Field(default_factory=list, max_length=20)
    must_exclude: list[Id] = Field(default_factory=list, max_length=200)
    limit: int = Field(default=3, ge=1, le=10, description="How many teams.")
    organisations: bool = Field(default=False, description="Offer organisations of other clusters for "
                                "skills nobody in the cluster has.")


class TeamRequest(TeamOptions):
    skills: list[Id] = Field(min_length=1, max_length=30, description="The required skills (ids).")


class TableRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    table_size: int = Field(ge=2, le=50)
    skills: list[Id] = Field(default_factory=list, max_length=30, description="Themed: only attendees with one.")
    subsectors: list[SubsectorId] = Field(default_factory=list, max_length=12,
                                          description="Themed: only attendees in one.")
    seed: int = Field(default=42, description="Seed of the random seating it is compared with.")


@router.post("/teams", response_model=TeamsAnswer)
def teams(_caller: PersonDep, view: ViewDep, body: TeamRequest) -> TeamsAnswer:
    """The best few teams covering every required skill, ranked by how well the members are
    already connected (sum of distances over ties) and past collaboration. Skills nobody in the
    cluster has are named, never dropped. A member's teams are drawn from the members who agreed
    to be shown."""
    return teams_for(view, body.skills, max_size=body.max_size, must_include=body.must_include,
                     must_exclude=body.must_exclude, limit=body.limit, organisations=body.organisations)


@router.post("/projects/{project_id}/teams", response_model=TeamsAnswer,
             responses={404: {"description": "No such project"}})
def project_teams(_caller: PersonDep, view: ViewDep, db: DatabaseDep, project_id: Annotated[str, Path(max_length=64)],
                  body: TeamOptions) -> TeamsAnswer:
    """Teams for a project or tender stored in the graph, from its required skills. The project's
    current team is kept in every proposed team and counted toward ``max_size``."""
    project = get_project(db, project_id)
    return teams_for(view, project.requires, max_size=body.max_size, must_include=body.must_include,
                     must_exclude=body.must_exclude, limit=body.limit, organisations=body.organisations,
                     existing=project.team)


@router.post("/events/{event_id}/tables", response_model=SeatingAnswer,
             responses={404: {"description": "No such event"}})
def tables(_manager: ManagerDep, view: ViewDep, event_id: Annotated[str, Path(max_length=64)],
           body: TableRequest) -> SeatingAnswer:
    """Seat the registered attendees at tables: many new, promising, cross-subsector pairs, few
    people who already know each other; compared with random seatings of the same people."""
    return tables_for(view, event_id, table_size=body.table_size, skills=body.skills, subsectors=body.subsectors,
                      seed=body.seed)
