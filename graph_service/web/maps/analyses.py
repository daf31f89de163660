"""What the maps need from the analyses, computed on the page's view and memoised on it.

Betweenness follows **one policy**, the one of ``/api/v1/analytics/bridges``
(:func:`graph_service.services.analyses.bridges` →
:func:`graph_service.analytics.brokerage.brokers`): on the ties graph, unweighted and
normalised, exact up to :data:`~graph_service.services.analyses.EXACT_BETWEENNESS_LIMIT`
members, else from :data:`~graph_service.services.analyses.BETWEENNESS_SAMPLE` sources sampled
with seed :data:`SEED` (and exact again when the sample would cover every member). So a map's
node sizes and the bridges answer agree at every size.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from graph_service.analytics import Community, ties_graph
from graph_service.services import analyses
from graph_service.services.views import GraphView, Projection

__all__ = ["SEED", "Betweenness", "MapAnalyses", "betweenness", "communities", "map_analyses", "ties"]

SEED = 42
"""The seed of the betweenness source sample: the default of :func:`analyses.bridges`."""


@dataclass(frozen=True, slots=True)
class Betweenness:
    """Betweenness of every member; ``sampled_sources`` is None when it is exact."""

    values: Mapping[str, float]
    sampled_sources: int | None


@dataclass(frozen=True, slots=True)
class MapAnalyses:
    """What a map of members needs from the analyses of its view, gathered once per page."""

    members: nx.Graph[str]
    """The members and every contact between them (the projection of the view)."""
    ties: nx.Graph[str]
    """The same members and only their ties (what the maps draw)."""
    betweenness: Betweenness
    communities: tuple[Community, ...]
    community_of: Mapping[str, str]
    """Member id -> the id of their Louvain community."""


def ties(view: GraphView) -> nx.Graph[str]:
    """The ties graph of the view's members."""
    return view.memo(("viz", "ties"), lambda p: ties_graph(p.members))


def betweenness(view: GraphView) -> Betweenness:
    """Betweenness of every member of ``view``, with the policy of the bridges analysis."""

    def compute(_p: Projection) -> Betweenness:
        T = ties(view)
        n = T.number_of_nodes()
        k: int | None = analyses.BETWEENNESS_SAMPLE if n > analyses.EXACT_BETWEENNESS_LIMIT else None
        if k is not None and k >= n:  # as brokers() does: a sample of everyone is exact
            k = None
        values = nx.betweenness_centrality(T, k=k, normalized=True, weight=None, seed=SEED if k else None)
        return Betweenness(values, k)

    return view.memo(("betweenness", analyses.Subset(), SEED), compute)


def communities(view: GraphView) -> tuple[tuple[Community, ...], dict[str, str]]:
    """The view's Louvain communities (as ``/analytics/communities`` has them) and each member's."""
    report = analyses.communities(view)
    where = {n: c.id for c in report.communities for n in c.members}
    return report.communities, where


def map_analyses(view: GraphView) -> MapAnalyses:
    """Everything a map of members needs from ``view`` (each part memoised on it)."""
    found, where = communities(view)
    return MapAnalyses(
        members=view.current().members,
        ties=ties(view),
        betweenness=betweenness(view),
        communities=found,
        community_of=where,
    )
