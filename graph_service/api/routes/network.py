"""Per-member answers: recommended partners and warm introduction paths."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from graph_service.analytics import MAX_HOPS
from graph_service.api.deps import CallerDep, DatabaseDep, PersonDep, SettingsDep, ViewDep
from graph_service.interchange import Id, SubsectorId
from graph_service.services.recommendations import Paths, Recommendations, paths_between, recommendations_for
from graph_service.services.visibility import ensure_own

router = APIRouter(prefix="/members", tags=["recommendations and paths"])

MemberId = Annotated[str, Path(description="A member id, e.g. m-042.", max_length=64)]


@router.get("/{member_id}/recommendations", response_model=Recommendations,
            responses={404: {"description": "No such member"}})
def recommendations(
    view: ViewDep,
    db: DatabaseDep,
    principal: CallerDep,
    member_id: MemberId,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    subsector: Annotated[SubsectorId | None, Query(description="Only candidates active in this subsector.")] = None,
    skill: Annotated[Id | None, Query(description="Only candidates with this skill.")] = None,
    cross_sector: Annotated[bool, Query(description="Only candidates from subsectors the member is not in.")] = False,
    organisations: Annotated[bool, Query(description="Also suggest organisations of the other clusters.")] = False,
    record: Annotated[bool, Query(description="These suggestions are being shown to the member: remember it, "
                                  "so suggestions shown several times and never acted on drop in rank.")] = False,
) -> Recommendations:
    """Members to meet, best first, each with a score and reasons a person understands.

    Score: resource allocation over shared contacts (structure), plus complementary skills,
    the subsector gap it would bridge and shared events; see docs/analytics.md.

    ``model``: which fit of the learned link predictor ranked them: the graph version it was
    fitted on and whether a newer fit is under way (it is refitted in the background once the
    graph has drifted enough); null when the graph is too small to learn from (classic score).

    A member asks for their own; a client application for any public member. Only members who
    agreed to be shown, and confirmed ties, take part (the manager sees everything).
    """
    if principal.role == "member":
        ensure_own(principal.viewer, member_id)
    return recommendations_for(view, member_id, db=db, record=record, limit=limit, subsector=subsector,
                               skill=skill, cross_sector=cross_sector, organisations=organisations)


@router.get("/{member_id}/paths/{target}", response_model=Paths,
            responses={404: {"description": "No such member"}})
def paths(
    view: ViewDep,
    principal: PersonDep,
    settings: SettingsDep,
    member_id: MemberId,
    target: Annotated[str, Path(description="The member to reach.", max_length=64)],
    k: Annotated[int, Query(ge=1, le=10, description="How many paths at most.")] = 3,
    max_hops: Annotated[int, Query(ge=1, le=MAX_HOPS, description=f"Longest path, at most {MAX_HOPS}.")] = 4,
) -> Paths:
    """Who can introduce the member to ``target``: up to k paths of ties, most trusted first.

    No path within ``max_hops`` is an answer (empty ``items`` and a message), not an error.
    """
    if principal.role == "member":
        ensure_own(principal.viewer, member_id)
    return paths_between(view, member_id, target, k=k, max_hops=max_hops, timeout_s=settings.path_timeout_s)
