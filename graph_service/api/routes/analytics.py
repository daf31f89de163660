"""Network analyses for the manager, on the whole cluster or a subset."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from graph_service.analytics import Matrix
from graph_service.analytics.communities import Evidence, Method
from graph_service.api.deps import ViewDep
from graph_service.interchange import SubsectorId
from graph_service.services import analyses
from graph_service.services.analyses import BridgesAnswer, CommunitiesAnswer, SubsectorsAnswer, Subset

router = APIRouter(prefix="/analytics", tags=["analytics"])


def subset_params(
    subsector: Annotated[SubsectorId | None, Query(description="Only members active in this subsector.")] = None,
    joined_before: Annotated[date | None, Query(description="Only members who joined before this date.")] = None,
) -> Subset:
    return Subset(subsector=subsector, joined_before=joined_before)


SubsetDep = Annotated[Subset, Depends(subset_params)]


@router.get("/communities", response_model=CommunitiesAnswer)
def communities(
    view: ViewDep,
    where: SubsetDep,
    evidence: Annotated[Evidence, Query(
        description="'all': ties and co-attendance at events of at most 50 people (weighted 1/(n-1) as in "
                    "the projection); 'ties': ties only.")] = "all",
    method: Annotated[Method, Query(
        description="'leiden' (connected communities, Traag et al. 2019) or 'louvain'.")] = "leiden",
) -> CommunitiesAnswer:
    """Communities (Leiden by default, seed 42) with their subsector mix, the modularity of the
    partition on the graph partitioned, and NMI against subsectors; ``as_of``: the graph they
    were computed on (on a big graph the background's latest, "updating" while a newer one is
    being computed)."""
    return analyses.communities(view, where, evidence=evidence, method=method)


@router.get("/subsectors", response_model=SubsectorsAnswer)
def subsectors(view: ViewDep, where: SubsetDep) -> SubsectorsAnswer:
    """The 12 subsectors, most isolated first (E-I index), and the isolated members."""
    return analyses.subsectors(view, where)


@router.get("/subsector-matrix", response_model=Matrix)
def subsector_matrix(view: ViewDep, where: SubsetDep) -> Matrix:
    """Tie counts and densities between the 12 subsectors (12 x 12)."""
    return analyses.matrix(view, where)


@router.get("/bridges", response_model=BridgesAnswer)
def bridges(
    view: ViewDep, where: SubsetDep, limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> BridgesAnswer:
    """Members ranked by brokerage (betweenness, Burt's constraint and effective size,
    Gould-Fernandez roles), the bridge ties, the articulation points, and who links the
    creative sector to each other cluster. ``betweenness_method`` says how betweenness was found:
    "exact", or "kadabra" above the exact limit, when ``betweenness_note`` states the bound
    ("approximate: each value within ±epsilon of the exact normalised betweenness with
    probability 1 - delta"); ``as_of``: the graph it was computed on."""
    return analyses.bridges(view, where, limit=limit)
