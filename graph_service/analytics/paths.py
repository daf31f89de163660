"""Warm paths: the most trusted chains of ties from one member to another.

The trust of a path is the product of the weights of its hops (each weight is the noisy-or
combination of the evidence behind a tie, in (0, 1]); equivalently its cost is the sum of
``-ln(weight)``. Paths are enumerated in increasing cost with Yen's algorithm for the k shortest
loopless paths (Yen 1971, "Finding the k shortest loopless paths in a network", Management
Science 17(11), 712-716), as implemented by :func:`networkx.shortest_simple_paths`.

Ranking, exactly: trust descending, then fewer hops, then the lower largest introduction load
among the intermediaries, then the member ids in lexicographic order. To make Yen's enumeration
follow the same order each hop costs ``-ln(weight) + 1e-9``: the epsilon only decides between
paths of equal trust.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

from graph_service.analytics.graph import adjacency, edge_kinds, is_tie

if TYPE_CHECKING:
    from _typeshed import SupportsGetItem
from graph_service.errors import UnknownMember

__all__ = ["MAX_HOPS", "Hop", "Intermediary", "WarmPath", "warm_paths"]

MAX_HOPS = 6
"""The largest ``max_hops`` accepted: beyond six steps nobody's introduction is warm."""

_HOP_EPSILON = 1e-9
_EXAMINE_BASE = 200
_EXAMINE_PER_PATH = 50


@dataclass(frozen=True, slots=True)
class Hop:
    """One tie along a path.

    ``kinds`` is a subset of ``("knows", "collaborated", "introduced", "co-attended")``;
    ``strength`` is the strength of the knows tie (0 when there is none); ``weight`` the
    combined weight of the tie.
    """

    source: str
    target: str
    kinds: tuple[str, ...]
    strength: float
    weight: float


@dataclass(frozen=True, slots=True)
class Intermediary:
    """Someone along the path who would have to make an introduction, with their current load
    (open introductions they facilitate or take part in)."""

    id: str
    name: str
    load: int


@dataclass(frozen=True, slots=True)
class WarmPath:
    """A chain of ties from the source to the target. ``length`` is the number of hops."""

    members: tuple[str, ...]
    hops: tuple[Hop, ...]
    trust: float
    length: int
    intermediaries: tuple[Intermediary, ...] = ()


def _tie_distances(G: nx.Graph[str], start: str, cutoff: int) -> dict[str, int]:
    """Hop distances from ``start`` along ties only, up to ``cutoff`` (breadth-first)."""
    adj = adjacency(G)
    dist = {start: 0}
    frontier = [start]
    for level in range(1, cutoff + 1):
        nxt = []
        for n in frontier:
            for m, d in adj[n].items():
                if m not in dist and is_tie(d):
                    dist[m] = level
                    nxt.append(m)
        if not nxt:
            break
        frontier = nxt
    return dist


def _cost(u: str, v: str, d: SupportsGetItem[str, Any]) -> float:
    return -math.log(d["weight"]) + _HOP_EPSILON


def warm_paths(
    G: nx.Graph[str],
    source: str,
    target: str,
    *,
    k: int = 3,
    max_hops: int = 4,
    loads: Mapping[str, int] | None = None,
    deadline: float | None = None,
) -> list[WarmPath]:
    """The ``k`` most trusted paths of ties from ``source`` to ``target`` within ``max_hops``.

    Parameters
    ----------
    G : networkx.Graph
        The collaboration graph; only its ties (``structural`` edges) are walked.
    source, target : str
        Two different nodes of ``G``.
    k : int, default 3
        How many paths at most (>= 1).
    max_hops : int, default 4
        Longest path, in hops; at most :data:`MAX_HOPS`.
    loads : mapping, optional
        Node id -> number of open introductions, reported for each intermediary and used as a
        tie-breaker. Defaults to ``G.graph["intro_load"]``.
    deadline : float, optional
        A :func:`time.monotonic` value; enumeration stops once it has passed and the paths
        found so far are returned.

    Returns
    -------
    list of WarmPath
        Best first (see the module docstring for the exact order). Empty when no path of at
        most ``max_hops`` exists -- that is an answer, not an error.

    Raises
    ------
    UnknownMember
        If ``source`` or ``target`` is not in ``G``.
    ValueError
        If ``source == target``, ``k < 1`` or ``max_hops`` is outside 1..6.

    Notes
    -----
    The search is restricted to nodes ``v`` with ``hops(source, v) + hops(v, target) <=
    max_hops`` (two breadth-first searches), the only nodes any admissible path can visit. Yen's
    algorithm yields paths by cost, not by hops, so a path longer than ``max_hops`` is skipped
    rather than ending the search. At most ``200 + 50 k`` candidate paths are examined, which
    bounds the work on dense graphs.
    """
    for n in (source, target):
        if n not in G:
            raise UnknownMember(n)
    if source == target:
        raise ValueError("source and target must be different")
    if k < 1:
        raise ValueError("k must be at least 1")
    if not 1 <= max_hops <= MAX_HOPS:
        raise ValueError(f"max_hops must be between 1 and {MAX_HOPS}")
    if loads is None:
        loads = G.graph.get("intro_load", {})

    from_source = _tie_distances(G, source, max_hops)
    if target not in from_source:
        return []
    from_target = _tie_distances(G, target, max_hops)
    ball = {v for v, d in from_source.items() if d + from_target.get(v, max_hops + 1) <= max_hops}
    adj = adjacency(G)
    H: nx.Graph[str] = nx.Graph()
    H.add_nodes_from(sorted(ball))
    H.add_edges_from(
        (a, b, d)
        for a in sorted(ball)
        for b, d in adj[a].items()
        if a < b and b in ball and is_tie(d)
    )

    found: list[tuple[float, list[str]]] = []
    limit_cost: float | None = None
    for examined, path in enumerate(nx.shortest_simple_paths(H, source, target, weight=_cost), start=1):
        if deadline is not None and time.monotonic() > deadline:
            break
        cost = sum(_cost(a, b, H[a][b]) for a, b in zip(path, path[1:], strict=False))
        if limit_cost is not None and cost > limit_cost + 1e-12:
            break
        if len(path) - 1 <= max_hops:
            found.append((cost, path))
            if len(found) == k:
                limit_cost = cost  # keep collecting exact ties in cost, then sort
        if examined >= _EXAMINE_BASE + _EXAMINE_PER_PATH * k:
            break

    result = [_make_path(G, H, p, loads) for _, p in found]
    result.sort(
        key=lambda wp: (
            -round(wp.trust, 12),
            wp.length,
            max((i.load for i in wp.intermediaries), default=0),
            wp.members,
        )
    )
    return result[:k]


def _make_path(G: nx.Graph[str], H: nx.Graph[str], path: list[str], loads: Mapping[str, int]) -> WarmPath:
    hops = []
    trust = 1.0
    for a, b in zip(path, path[1:], strict=False):  # consecutive pairs: one fewer than nodes
        d = H[a][b]
        trust *= d["weight"]
        hops.append(Hop(a, b, edge_kinds(d), float(d.get("knows", 0.0)), float(d["weight"])))
    inter = tuple(
        Intermediary(n, G.nodes[n].get("name", n), int(loads.get(n, 0))) for n in path[1:-1]
    )
    return WarmPath(tuple(path), tuple(hops), trust, len(path) - 1, inter)
