"""Brokers, bridges and the members who link the creative sector to the other clusters.

Betweenness is computed on the ties graph **unweighted** (a path's length is its number of
hops): brokerage is about who sits between otherwise unconnected people, and turning the
noisy-or weights into distances would let one strong but redundant tie outweigh a structural
hole. Burt's constraint and effective size, on the other hand, are about how a member spends
their relationships, so they use the tie weights.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import cast

import networkx as nx

from graph_service.analytics.graph import adjacency, is_tie, ties_graph
from graph_service.domain import OTHER_CLUSTERS

__all__ = [
    "BrokerageRoles",
    "Broker",
    "BridgeTie",
    "BrokerageReport",
    "Betweenness",
    "tie_betweenness",
    "LinkedMember",
    "ClusterLink",
    "brokers",
    "brokerage_roles",
    "cluster_links",
]


@dataclass(frozen=True, slots=True)
class BrokerageRoles:
    """Gould & Fernandez (1989) brokerage role counts over the open triads a-b-c a member b
    brokers (a and c tied to b, not to each other), groups being primary subsectors.

    With undirected ties a triad where b shares a group with exactly one end is a gatekeeper
    triad in one direction and a representative triad in the other; each such triad counts
    0.5 to ``gatekeeper`` and 0.5 to ``representative``. ``total`` is the number of open triads.
    """

    coordinator: float
    consultant: float
    gatekeeper: float
    representative: float
    liaison: float
    total: float


@dataclass(frozen=True, slots=True)
class Broker:
    """One member's brokerage position. ``constraint`` is None for a member without ties."""

    id: str
    name: str
    subsector: str | None
    degree: int
    betweenness: float
    constraint: float | None
    effective_size: float | None
    subsectors_connected: dict[str, int]
    roles: BrokerageRoles


@dataclass(frozen=True, slots=True)
class BridgeTie:
    """A tie whose removal disconnects its ends; ``leaf`` when one end has no other tie."""

    a: str
    b: str
    leaf: bool


@dataclass(frozen=True, slots=True)
class BrokerageReport:
    """Top brokers by betweenness, every bridge tie and every articulation point.

    ``betweenness_k`` is the number of sampled sources (None: exact betweenness).
    """

    brokers: tuple[Broker, ...]
    bridge_ties: tuple[BridgeTie, ...]
    articulation_points: tuple[str, ...]
    betweenness_k: int | None
    seed: int


@dataclass(frozen=True, slots=True)
class Betweenness:
    """Betweenness of every node of a tie network; ``sampled_sources`` is None when it is exact,
    else the number of sources sampled with ``seed`` (Brandes & Pich 2007)."""

    values: Mapping[str, float]
    sampled_sources: int | None
    seed: int


def tie_betweenness(T: nx.Graph[str], *, sample: int | None = None, seed: int = 42) -> Betweenness:
    """Betweenness centrality of the tie network ``T`` (a :func:`ties_graph`).

    Brandes (2001), unweighted and normalised by ``(n - 1)(n - 2) / 2``; with ``sample``, estimated
    from that many source nodes drawn with ``seed`` (Brandes & Pich 2007), and exact when the
    sample would cover every node. The one betweenness of the service: the bridges analysis and
    the maps' node sizes both come from it.

    Raises
    ------
    ValueError
        If ``sample`` is smaller than 1.
    """
    if sample is not None and sample < 1:
        raise ValueError("betweenness_k must be at least 1")
    k = sample if sample is not None and sample < T.number_of_nodes() else None
    values = nx.betweenness_centrality(T, k=k, normalized=True, weight=None, seed=seed if k else None)
    return Betweenness(values, k, seed)


@dataclass(frozen=True, slots=True)
class LinkedMember:
    """A member with ties to organisations of one cluster (sorted ids)."""

    id: str
    name: str
    organisations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClusterLink:
    """Who links the creative sector to one other cluster: members sorted by the number of that
    cluster's organisations they are tied to (descending), then id."""

    cluster: str
    organisations: int
    members: tuple[LinkedMember, ...]
    ties: int


def _group(G: nx.Graph[str], n: str) -> str:
    d = G.nodes[n]
    if d.get("node_type", "member") == "organisation":
        return f"cluster:{d.get('cluster')}"
    s = d.get("subsector")
    return s if s is not None else f"node:{n}"


def brokerage_roles(G: nx.Graph[str], broker: str) -> BrokerageRoles:
    """Gould-Fernandez brokerage roles of one node on the ties graph.

    Gould & Fernandez (1989), "Structures of mediation: a formal approach to brokerage in
    transaction networks", Sociological Methodology 19, 89-126. Groups are primary subsectors
    (an organisation's group is its cluster). For broker b in the open triad a-b-c:

    * coordinator -- a, b and c in one group;
    * consultant (itinerant) -- a and c in one group, b in another;
    * gatekeeper / representative -- b shares its group with exactly one of a and c (0.5 each,
      since an undirected tie has no direction of flow);
    * liaison -- three different groups.

    Counts all pairs of neighbours by group, then subtracts the closed pairs, so the cost is the
    sum of the neighbours' degrees rather than the square of the broker's degree.
    """
    if broker not in G:
        raise nx.NodeNotFound(f"no node '{broker}'")
    adj = adjacency(G)
    nbrs = [z for z, d in adj[broker].items() if is_tie(d)]
    nbr_set = set(nbrs)
    gb = _group(G, broker)
    groups = {z: _group(G, z) for z in nbrs}
    per_group = Counter(groups.values())
    n_same = per_group.get(gb, 0)
    n_other = len(nbrs) - n_same
    pairs_in_other_groups = sum(c * (c - 1) // 2 for g, c in per_group.items() if g != gb)
    coordinator = n_same * (n_same - 1) // 2
    consultant = pairs_in_other_groups
    mixed = n_same * n_other
    liaison = n_other * (n_other - 1) // 2 - pairs_in_other_groups
    for a in nbrs:
        ga = groups[a]
        for c, d in adj[a].items():
            if c in nbr_set and a < c and is_tie(d):
                gc = groups[c]
                if ga == gb and gc == gb:
                    coordinator -= 1
                elif ga == gc:
                    consultant -= 1
                elif ga == gb or gc == gb:
                    mixed -= 1
                else:
                    liaison -= 1
    total = coordinator + consultant + mixed + liaison
    return BrokerageRoles(
        coordinator=float(coordinator),
        consultant=float(consultant),
        gatekeeper=mixed / 2,
        representative=mixed / 2,
        liaison=float(liaison),
        total=float(total),
    )


def _none_if_nan(x: float | None) -> float | None:
    if x is None or math.isnan(x):
        return None
    return float(x)


def brokers(
    G: nx.Graph[str],
    *,
    limit: int = 20,
    seed: int = 42,
    betweenness_k: int | None = None,
    centrality: Betweenness | None = None,
) -> BrokerageReport:
    """Rank members as brokers and list the bridges and articulation points of the tie network.

    Parameters
    ----------
    G : networkx.Graph
        The collaboration graph (only ties are used).
    limit : int, default 20
        How many brokers to describe in full (>= 1).
    seed : int, default 42
        Seed of the betweenness source sample.
    betweenness_k : int, optional
        Sample this many source nodes for betweenness (Brandes & Pich 2007) -- for graphs of
        tens of thousands of members. None computes it exactly.
    centrality : Betweenness, optional
        The betweenness of ``G``'s tie network, already computed by :func:`tie_betweenness`
        (so a caller that memoises it computes it once); ``betweenness_k`` is then ignored.

    Returns
    -------
    BrokerageReport
        Brokers sorted by betweenness descending, then id; bridge ties as sorted id pairs
        (sorted), with ``leaf`` set when one end has degree 1; articulation points sorted.

    Raises
    ------
    ValueError
        If ``limit`` or ``betweenness_k`` is smaller than 1.

    Notes
    -----
    Betweenness: Brandes (2001), "A faster algorithm for betweenness centrality", J. Math.
    Sociol. 25(2), unweighted and normalised by ``(n - 1)(n - 2) / 2``, the number of pairs of
    other nodes. Constraint and effective size: Burt (1992), *Structural Holes*, with tie
    weights, via :func:`networkx.constraint` and :func:`networkx.effective_size`; they are slow
    on large graphs, so they are computed only for the ``limit`` top members. Bridges and
    articulation points via :func:`networkx.bridges` (chain decomposition) and
    :func:`networkx.articulation_points` (Hopcroft & Tarjan 1973).
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    T = ties_graph(G)
    if centrality is None:
        centrality = tie_betweenness(T, sample=betweenness_k, seed=seed)
    bc, k = centrality.values, centrality.sampled_sources
    members = [m for m, d in T.nodes(data=True) if d.get("node_type", "member") == "member"]
    ranked = sorted(members, key=lambda m: (-bc.get(m, 0.0), m))[:limit]

    constraint = nx.constraint(T, nodes=ranked, weight="weight") if ranked else {}
    effective = nx.effective_size(T, nodes=ranked, weight="weight") if ranked else {}
    items = []
    for m in ranked:
        d = T.nodes[m]
        mix: Counter[str] = Counter()
        for z in adjacency(T)[m]:
            s = T.nodes[z].get("subsector")
            if s is not None:
                mix[s] += 1
        items.append(
            Broker(
                id=m,
                name=d.get("name", m),
                subsector=d.get("subsector"),
                degree=T.degree(m),
                betweenness=float(bc.get(m, 0.0)),
                constraint=_none_if_nan(constraint.get(m)),
                effective_size=_none_if_nan(effective.get(m)),
                subsectors_connected=dict(sorted(mix.items(), key=lambda kv: (-kv[1], kv[0]))),
                roles=brokerage_roles(T, m),
            )
        )

    bridges = []
    # The networkx stubs declare bridges() as yielding nodes; it yields edges, as pairs of nodes.
    for a, b in cast("Iterator[tuple[str, str]]", nx.bridges(T)):
        a, b = (a, b) if a < b else (b, a)
        bridges.append(BridgeTie(a, b, T.degree(a) == 1 or T.degree(b) == 1))
    bridges.sort(key=lambda t: (t.a, t.b))
    points = tuple(sorted(nx.articulation_points(T)))
    return BrokerageReport(tuple(items), tuple(bridges), points, k, centrality.seed)


def cluster_links(G: nx.Graph[str]) -> tuple[ClusterLink, ...]:
    """For each other cluster, the members tied to its organisations.

    Parameters
    ----------
    G : networkx.Graph
        A collaboration graph built with ``include_organisations=True``.

    Returns
    -------
    tuple of ClusterLink
        One per cluster of :data:`graph_service.domain.OTHER_CLUSTERS` (in that order, even
        when nobody links to it), followed by any other cluster found on organisations, sorted.

    Raises
    ------
    ValueError
        If ``G`` was built without organisations.
    """
    if not G.graph.get("include_organisations") and not any(
        d.get("node_type") == "organisation" for _, d in G.nodes(data=True)
    ):
        raise ValueError("cluster_links needs a graph built with include_organisations=True")
    orgs_by_cluster: dict[str, list[str]] = {c: [] for c in OTHER_CLUSTERS}
    for n, d in G.nodes(data=True):
        if d.get("node_type") == "organisation":
            orgs_by_cluster.setdefault(d.get("cluster") or "unknown", []).append(n)
    order = list(OTHER_CLUSTERS) + sorted(set(orgs_by_cluster) - set(OTHER_CLUSTERS))
    adj = adjacency(G)
    out = []
    for cluster in order:
        linked: dict[str, list[str]] = {}
        ties = 0
        for o in orgs_by_cluster[cluster]:
            for m, d in adj[o].items():
                if is_tie(d) and G.nodes[m].get("node_type", "member") == "member":
                    linked.setdefault(m, []).append(o)
                    ties += 1
        members = sorted(linked, key=lambda m: (-len(linked[m]), m))
        out.append(
            ClusterLink(
                cluster=cluster,
                organisations=len(orgs_by_cluster[cluster]),
                members=tuple(
                    LinkedMember(m, G.nodes[m].get("name", m), tuple(sorted(linked[m]))) for m in members
                ),
                ties=ties,
            )
        )
    return tuple(out)
