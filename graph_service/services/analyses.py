"""Network analyses for the manager: communities, isolated subsectors, the subsector matrix, bridges.

Every analysis can run on a subset (one subsector, or the members who joined before a date) so
the network can be compared over time. Results are memoised per graph version and subset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx

from graph_service.analytics import (
    Betweenness,
    BrokerageReport,
    ClusterLink,
    CommunityReport,
    IsolatedMembers,
    Matrix,
    SubsectorIsolation,
    brokers,
    cluster_links,
    detect_communities,
    subsector_isolation,
    subsector_matrix,
    subset,
    tie_betweenness,
    ties_graph,
)
from graph_service.analytics.communities import Evidence, Method
from graph_service.services.views import GraphView, Projection

__all__ = [
    "Subset",
    "SubsectorsAnswer",
    "BridgesAnswer",
    "communities",
    "subsectors",
    "matrix",
    "bridges",
    "betweenness",
    "EXACT_BETWEENNESS_LIMIT",
    "BETWEENNESS_SAMPLE",
]

# Above this many members, betweenness is estimated from a seeded sample of sources.
EXACT_BETWEENNESS_LIMIT = 5_000
BETWEENNESS_SAMPLE = 100


@dataclass(frozen=True, slots=True)
class Subset:
    """Which members an analysis covers; both None means the whole cluster."""

    subsector: str | None = None
    joined_before: date | None = None

    def apply(self, G: nx.Graph[str]) -> nx.Graph[str]:
        if self.subsector is None and self.joined_before is None:
            return G
        return subset(G, subsector=self.subsector, joined_before=self.joined_before)


@dataclass(frozen=True, slots=True)
class SubsectorsAnswer:
    items: tuple[SubsectorIsolation, ...]
    isolated_members: IsolatedMembers
    overall_ei_index: float | None
    subset: Subset


@dataclass(frozen=True, slots=True)
class BridgesAnswer:
    # Broker and BridgeTie values. Left as Any: this is a response model, and naming the types
    # would add their schemas to the OpenAPI document, which shows these arrays untyped.
    items: tuple[Any, ...]
    bridge_ties: tuple[Any, ...]
    articulation_points: tuple[str, ...]
    cluster_links: tuple[ClusterLink, ...]
    betweenness_sampled_sources: int | None
    subset: Subset


def communities(view: GraphView, where: Subset = Subset(), *, evidence: Evidence = "all",
                method: Method = "leiden", seed: int = 42, resolution: float = 1.0) -> CommunityReport:
    """Communities of the view's members (:func:`~graph_service.analytics.detect_communities`):
    by default Leiden (seed 42) on ties and co-attendance at small events, ``evidence="ties"``
    for ties only; memoised on the view per subset and options."""

    def compute(p: Projection) -> CommunityReport:
        return detect_communities(where.apply(p.members), evidence=evidence, method=method, seed=seed,
                                  resolution=resolution)

    return view.memo(("communities", where, evidence, method, seed, resolution), compute)


def subsectors(view: GraphView, where: Subset = Subset()) -> SubsectorsAnswer:
    def compute(p: Projection) -> SubsectorsAnswer:
        report = subsector_isolation(where.apply(p.members))
        return SubsectorsAnswer(report.subsectors, report.isolated_members, report.overall_ei_index, where)

    return view.memo(("subsectors", where), compute)


def matrix(view: GraphView, where: Subset = Subset()) -> Matrix:
    return view.memo(("matrix", where), lambda p: subsector_matrix(where.apply(p.members)))


def betweenness(view: GraphView, where: Subset = Subset(), *, seed: int = 42) -> Betweenness:
    """Betweenness of the members' tie network, the one policy of the service: exact up to
    :data:`EXACT_BETWEENNESS_LIMIT` members, else from :data:`BETWEENNESS_SAMPLE` sources drawn
    with ``seed``. The bridges answer and the maps' node sizes both read it, so they agree."""

    def compute(p: Projection) -> Betweenness:
        T = ties_graph(where.apply(p.members))
        sample = BETWEENNESS_SAMPLE if T.number_of_nodes() > EXACT_BETWEENNESS_LIMIT else None
        return tie_betweenness(T, sample=sample, seed=seed)

    return view.memo(("betweenness", where, seed), compute)


def bridges(view: GraphView, where: Subset = Subset(), *, limit: int = 20, seed: int = 42) -> BridgesAnswer:
    def compute(p: Projection) -> BridgesAnswer:
        report: BrokerageReport = brokers(where.apply(p.members), limit=limit, seed=seed,
                                          centrality=betweenness(view, where, seed=seed))
        links = cluster_links(where.apply(p.full))
        return BridgesAnswer(report.brokers, report.bridge_ties, report.articulation_points, links,
                             report.betweenness_k, where)

    return view.memo(("bridges", where, limit, seed), compute)
