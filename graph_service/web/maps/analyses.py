"""What the maps need from the analyses, computed on the page's view and memoised on it.

Betweenness is the one of ``/api/v1/analytics/bridges``: the maps read
:func:`graph_service.services.analyses.betweenness`, the same memoised value the bridges answer
is built from (:func:`graph_service.analytics.brokerage.tie_betweenness`: on the ties graph,
unweighted and normalised, exact up to
:data:`~graph_service.services.analyses.EXACT_BETWEENNESS_LIMIT` members, else sampled). So a
map's node sizes and the bridges answer agree at every size.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from graph_service.analytics import Betweenness, Community, ties_graph
from graph_service.services import analyses
from graph_service.services.views import GraphView

__all__ = ["MapAnalyses", "communities", "map_analyses", "ties"]

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
        betweenness=analyses.betweenness(view),
        communities=found,
        community_of=where,
    )
