"""What the maps need from the analyses, computed on the page's view and memoised on it.

Betweenness is the one of ``/api/v1/analytics/bridges``: the maps read
:func:`graph_service.services.analyses.betweenness_as_of`, the same value the bridges answer is
built from (:func:`graph_service.analytics.brokerage.tie_betweenness`: on the ties graph,
unweighted and normalised, exact up to the policy's limit, else KADABRA's estimate with its
error bound, which the legend states). So a map's node sizes and the bridges answer agree at
every size. On a big graph both, and the communities, are the background worker's latest
(:mod:`graph_service.services.background`); the legend then says which graph they are of.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from graph_service.analytics import Betweenness, Community
from graph_service.services import analyses
from graph_service.services.analyses import AsOf
from graph_service.services.views import GraphView

__all__ = ["MapAnalyses", "communities", "map_analyses", "ties", "brokerage_note"]

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
    """Member id -> the id of their Leiden community (a member newer than the communities has none)."""
    as_of: AsOf | None = None
    """The graph the betweenness and the communities were computed on."""


def ties(view: GraphView) -> nx.Graph[str]:
    """The ties graph of the view's members (the one the analyses memoise)."""
    return analyses.ties(view)


def communities(view: GraphView) -> tuple[tuple[Community, ...], dict[str, str]]:
    """The view's Leiden communities (as ``/analytics/communities`` has them) and each member's."""
    report = analyses.communities(view)
    where = {n: c.id for c in report.communities for n in c.members}
    return report.communities, where


def map_analyses(view: GraphView) -> MapAnalyses:
    """Everything a map of members needs from ``view`` (each part memoised on it)."""
    found, where = communities(view)
    centrality, as_of = analyses.betweenness_as_of(view)
    return MapAnalyses(
        members=view.current().members,
        ties=ties(view),
        betweenness=centrality,
        communities=found,
        community_of=where,
        as_of=as_of,
    )


def brokerage_note(data: MapAnalyses, what: str = "brokerage (betweenness on the ties)") -> str:
    """The legend's line on node sizes: what they are, the bound when betweenness is estimated,
    and which graph it is of when the background worker computed it."""
    bc = data.betweenness
    note = f"Size: {what}" + (f"; {bc.approximation}" if bc.approximation else "")
    if data.as_of is not None and data.as_of.background:
        note += f". Brokerage and communities {data.as_of.note}"
    return note + "."
