"""Brokers, bridges and the members who link the creative sector to the other clusters.

Betweenness is computed on the ties graph **unweighted** (a path's length is its number of
hops): brokerage is about who sits between otherwise unconnected people, and turning the
noisy-or weights into distances would let one strong but redundant tie outweigh a structural
hole. Burt's constraint and effective size, on the other hand, are about how a member spends
their relationships, so they use the tie weights.

Betweenness runs in compiled code: exact (Brandes 2001, igraph) for the sizes where that takes
seconds, or KADABRA's estimate (Borassi & Natale 2016, networkit) with its stated error bound for
bigger graphs. networkx's own betweenness stays available (``kernel="networkx"``) as the
reference the compiled kernel is tested against.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal, cast

import igraph as ig
import networkit as nk
import networkx as nx
import numpy as np

from graph_service.analytics.graph import adjacency, is_tie, ties_graph
from graph_service.domain import OTHER_CLUSTERS

__all__ = [
    "BrokerageRoles",
    "Broker",
    "BridgeTie",
    "BrokerageReport",
    "Betweenness",
    "Kernel",
    "KERNELS",
    "NETWORKIT_THREADS",
    "KADABRA_START_FACTOR",
    "tie_betweenness",
    "LinkedMember",
    "ClusterLink",
    "brokers",
    "brokerage_roles",
    "structural_holes",
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

    ``betweenness_k`` is the number of sampled sources (None: exact betweenness, or KADABRA's
    estimate when ``betweenness_epsilon`` is set: each value within it of the exact one with
    probability ``1 - betweenness_delta``).
    """

    brokers: tuple[Broker, ...]
    bridge_ties: tuple[BridgeTie, ...]
    articulation_points: tuple[str, ...]
    betweenness_k: int | None
    seed: int
    betweenness_epsilon: float | None = None
    betweenness_delta: float | None = None


Kernel = Literal["igraph", "networkit", "networkx"]
"""Who computes exact betweenness: igraph (compiled; the service's), networkit (compiled, slower
on one thread) or networkx (the reference the others are tested against)."""
KERNELS: tuple[Kernel, ...] = ("igraph", "networkit", "networkx")

NETWORKIT_THREADS = 1
"""Threads of a networkit run (KADABRA): one, so that the seeded answer is the same number on every run and
every machine. KADABRA's ``deterministic`` mode draws each thread's samples from the seed and the
thread's number, yet with two threads two runs at epsilon 0.001 on the 20,000-member cluster
stopped after different numbers of samples (786,066 and 817,032); with one thread they never did,
and on this 2-core machine the CPU time was the same (docs/benchmarks.md, Global analytics)."""

KADABRA_START_FACTOR = 10_000
"""KADABRA's ``startFactor``: its first phase draws ``omega / startFactor`` pairs to tune the
bounds (``omega``: the worst-case number of samples). networkit 11.3 leaves that phase's path
counts in the estimate without counting its pairs, which inflates every value by about
``1 / startFactor`` of ``omega`` over the samples drawn: at its default of 100, +1.0% to +1.2%
on the sum of all values of the path of 30 nodes and of a 2,000-node Barabási-Albert graph, and
errors of 0.003-0.005 where the bound was 0.001 (2 x 0.0005 as reported). At 10,000 the sum is
within 0.003% and every error within the bound, for about 13% more samples."""

# networkit keeps its random generator and its thread count process-wide; a run sets both for
# itself under this lock, so concurrent runs (a request and the background worker) cannot change
# each other's answer.
_NETWORKIT = threading.Lock()


@dataclass(frozen=True, slots=True)
class Betweenness:
    """Betweenness of every node of a tie network, normalised by ``(n - 1)(n - 2) / 2``.

    Exact when ``sampled_sources`` and ``epsilon`` are both None. ``sampled_sources``: estimated
    from that many sources drawn with ``seed`` (Brandes & Pich 2007; no error bound).
    ``epsilon``/``delta``: KADABRA's estimate (Borassi & Natale 2016), every value within
    ``epsilon`` of the exact one (in this normalisation), all at once, with probability at least
    ``1 - delta``; :attr:`approximation` says so in words."""

    values: Mapping[str, float]
    sampled_sources: int | None
    seed: int
    epsilon: float | None = None
    delta: float | None = None

    @property
    def exact(self) -> bool:
        return self.sampled_sources is None and self.epsilon is None

    @property
    def approximation(self) -> str | None:
        """How far the values may be from the exact ones, in words; None when they are exact."""
        if self.epsilon is not None and self.delta is not None:
            return (f"approximate: each value within ±{self.epsilon:.2g} of the exact normalised betweenness "
                    f"with probability {1 - self.delta:.2g} (KADABRA, seed {self.seed})")
        if self.sampled_sources is not None:
            return f"estimated from {self.sampled_sources} sampled sources (seed {self.seed}), no error bound"
        return None


def _indexed(T: nx.Graph[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The nodes of ``T`` sorted, and its edges as sorted pairs of positions in that list (so a
    compiled kernel sees the same graph whatever order ``T`` was built in)."""
    nodes = sorted(T.nodes)
    index = {v: i for i, v in enumerate(nodes)}
    n = len(nodes)
    keys = sorted({min(index[u], index[v]) * n + max(index[u], index[v]) for u, v in T.edges() if u != v})
    pairs = np.array(keys, dtype=np.int64)
    return nodes, pairs // max(n, 1), pairs % max(n, 1)


def _networkit_graph(n: int, us: np.ndarray, vs: np.ndarray) -> nk.Graph:
    g = nk.Graph(n)
    if len(us):
        g.addEdges((us.astype(np.uint64), vs.astype(np.uint64)))
    return g


def tie_betweenness(
    T: nx.Graph[str],
    *,
    sample: int | None = None,
    epsilon: float | None = None,
    delta: float = 0.1,
    seed: int = 42,
    kernel: Kernel = "igraph",
) -> Betweenness:
    """Betweenness centrality of the tie network ``T`` (a :func:`ties_graph`), unweighted and
    normalised by ``(n - 1)(n - 2) / 2``, the number of pairs of other nodes.

    The one betweenness of the service: the bridges analysis, the report's brokers and the maps'
    node sizes all come from it.

    Parameters
    ----------
    T : networkx.Graph
        The ties graph.
    sample : int, optional
        Estimate from this many source nodes drawn with ``seed`` (Brandes & Pich 2007, networkx);
        exact when the sample would cover every node. No error bound.
    epsilon : float, optional
        Estimate with KADABRA (Borassi & Natale 2016, networkit's parallel implementation of van
        der Grinten, Angriman & Meyerhenke 2019) so that every value is within ``epsilon`` of the
        exact *normalised over all ordered pairs* betweenness, all nodes at once, with probability
        at least ``1 - delta``. The values and the bound are then converted to this function's
        normalisation, which multiplies both by ``n / (n - 2)``: the returned
        :attr:`Betweenness.epsilon` is the bound that holds for the returned values.
    delta : float, default 0.1
        KADABRA's failure probability (0 < delta < 1).
    seed : int, default 42
        Seed of the sample (either kind), so the same graph always gives the same numbers.
    kernel : {"igraph", "networkit", "networkx"}, default "igraph"
        Who computes the exact betweenness (Brandes 2001): igraph's ``Graph.betweenness``,
        networkit's ``Betweenness`` or :func:`networkx.betweenness_centrality`. They agree to
        1e-9; igraph is the fastest on one thread (docs/benchmarks.md, Global analytics).

    Raises
    ------
    ValueError
        If ``sample`` is smaller than 1, ``epsilon`` or ``delta`` not in (0, 1), both ``sample``
        and ``epsilon`` are given, or ``kernel`` is unknown.

    Notes
    -----
    igraph's exact betweenness of an undirected graph counts every unordered pair {s, t}, so it
    is divided by ``(n - 1)(n - 2) / 2``; networkit's counts every ordered pair, divided by
    ``(n - 1)(n - 2)``, as networkx does. KADABRA samples ordered pairs s != t
    uniformly among all ``n (n - 1)`` of them, estimates the fraction ``f(v)`` of them whose
    sampled shortest path runs through v, stops once every ``f(v)`` is within ``epsilon`` with
    probability ``1 - delta``, and reports ``2 f(v)`` for an undirected graph; this normalisation
    is ``f(v) n / (n - 2)``. Its deterministic mode with a fixed number of threads
    (:data:`NETWORKIT_THREADS`) and ``networkit.setSeed(seed, useThreadId=False)`` gives the same
    estimate on every run; :data:`KADABRA_START_FACTOR` keeps networkit's first-phase counts
    out of it.
    """
    if sample is not None and sample < 1:
        raise ValueError("betweenness_k must be at least 1")
    if sample is not None and epsilon is not None:
        raise ValueError("give either a sample of sources or an error bound, not both")
    if epsilon is not None and not 0 < epsilon < 1:
        raise ValueError("epsilon must be between 0 and 1")
    if not 0 < delta < 1:
        raise ValueError("delta must be between 0 and 1")
    if kernel not in KERNELS:
        raise ValueError(f"kernel must be one of {', '.join(KERNELS)}")
    n = T.number_of_nodes()
    if n <= 2 or T.number_of_edges() == 0:
        return Betweenness(dict.fromkeys(T.nodes, 0.0), None, seed)  # no pair of other nodes to be between
    if sample is not None and sample < n:
        values = nx.betweenness_centrality(T, k=sample, normalized=True, weight=None, seed=seed)
        return Betweenness(values, sample, seed)
    if epsilon is None and kernel == "networkx":
        return Betweenness(nx.betweenness_centrality(T, normalized=True, weight=None), None, seed)
    nodes, us, vs = _indexed(T)
    if epsilon is None and kernel == "igraph":
        g = ig.Graph(n=n, edges=np.column_stack((us, vs)).tolist())
        pairs = (n - 1) * (n - 2) / 2
        return Betweenness({v: float(x) / pairs for v, x in zip(nodes, g.betweenness(directed=False), strict=True)},
                           None, seed)
    g = _networkit_graph(n, us, vs)
    with _NETWORKIT:
        threads = nk.getMaxNumberOfThreads()
        nk.setNumberOfThreads(NETWORKIT_THREADS)
        try:
            if epsilon is None:
                raw = nk.centrality.Betweenness(g, normalized=False).run().scores()
                scale = 1.0 / ((n - 1) * (n - 2))
            else:
                nk.setSeed(seed, False)
                kadabra = nk.centrality.KadabraBetweenness(g, epsilon, delta, True, 0, 0, KADABRA_START_FACTOR)
                raw = kadabra.run().scores()
                scale = n / (2.0 * (n - 2))
        finally:
            nk.setNumberOfThreads(threads)
    values = {v: float(x) * scale for v, x in zip(nodes, raw, strict=True)}
    if epsilon is None:
        return Betweenness(values, None, seed)
    return Betweenness(values, None, seed, epsilon * n / (n - 2), delta)


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


def structural_holes(T: nx.Graph[str], u: str) -> tuple[float, float]:
    """Burt's constraint and effective size of ``u`` in the weighted ties graph ``T``.

    Burt (1992), *Structural Holes*, as networkx defines them for an undirected weighted graph
    (:func:`networkx.constraint`, :func:`networkx.effective_size`): with ``p(u, v)`` the weight
    of the tie u-v over the sum of u's tie weights and ``m(v, w)`` the weight of v-w over v's
    heaviest tie,

    * constraint ``c(u) = sum_v (p(u, v) + sum_w p(u, w) p(w, v))^2``,
    * effective size ``e(u) = sum_v (1 - sum_w p(u, w) m(v, w))``,

    v and w ranging over u's contacts. networkx recomputes every normalising sum inside the
    double sum (cubic in the degree, about a quarter of a minute for the 200 top brokers of a
    1,000-member cluster); here each contact's sum and maximum are taken once and the inner sums
    gathered in one pass over the contacts' ties. Both are NaN for a member without ties.
    """
    adj = adjacency(T)
    nbrs = {v: float(d.get("weight", 1.0)) for v, d in adj[u].items() if v != u}
    if not nbrs:
        return math.nan, math.nan
    total = sum(nbrs.values())
    p = {v: w / total for v, w in nbrs.items()}
    indirect = dict.fromkeys(nbrs, 0.0)  # v -> sum_w p(u, w) p(w, v)
    redundant = dict.fromkeys(nbrs, 0.0)  # v -> sum_w p(u, w) w(v, w)
    for w, p_uw in p.items():
        row = {x: float(d.get("weight", 1.0)) for x, d in adj[w].items() if x != w}
        s_w = sum(row.values())
        for x, w_wx in row.items():
            if x in indirect:
                indirect[x] += p_uw * w_wx / s_w
                redundant[x] += p_uw * w_wx
    constraint = sum((p[v] + indirect[v]) ** 2 for v in nbrs)
    heaviest = {v: max(float(d.get("weight", 1.0)) for x, d in adj[v].items() if x != v) for v in nbrs}
    effective = sum(1.0 - redundant[v] / heaviest[v] for v in nbrs)
    return constraint, effective


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
    ties: nx.Graph[str] | None = None,
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
    ties : networkx.Graph, optional
        ``ties_graph(G)``, when the caller already has it.

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
    Betweenness: :func:`tie_betweenness`, Brandes (2001), "A faster algorithm for betweenness
    centrality", J. Math. Sociol. 25(2), unweighted and normalised by ``(n - 1)(n - 2) / 2``, the
    number of pairs of other nodes. Constraint and effective size: Burt (1992), *Structural Holes*, with tie
    weights, by :func:`structural_holes` (networkx's :func:`~networkx.constraint` and
    :func:`~networkx.effective_size` to 1e-12, in time linear in the ties of the member's
    contacts), for the ``limit`` top members. Bridges and
    articulation points via :func:`networkx.bridges` (chain decomposition) and
    :func:`networkx.articulation_points` (Hopcroft & Tarjan 1973).
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    T = ties if ties is not None else ties_graph(G)
    if centrality is None:
        centrality = tie_betweenness(T, sample=betweenness_k, seed=seed)
    bc, k = centrality.values, centrality.sampled_sources
    members = [m for m, d in T.nodes(data=True) if d.get("node_type", "member") == "member"]
    ranked = sorted(members, key=lambda m: (-bc.get(m, 0.0), m))[:limit]

    burt = {m: structural_holes(T, m) for m in ranked}
    constraint = {m: c for m, (c, _e) in burt.items()}
    effective = {m: e for m, (_c, e) in burt.items()}
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
    return BrokerageReport(tuple(items), tuple(bridges), points, k, centrality.seed, centrality.epsilon,
                           centrality.delta)


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
