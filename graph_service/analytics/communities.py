"""Communities of the collaboration network (Leiden or Louvain) and how far they follow the
subsectors (NMI)."""

from __future__ import annotations

import math
import random
import threading
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter, methodcaller
from typing import Literal

import igraph as ig
import networkx as nx
import numpy as np

from graph_service.analytics.graph import adjacency, ties_graph

__all__ = [
    "Community",
    "CommunityReport",
    "Evidence",
    "Method",
    "EVIDENCE",
    "METHODS",
    "LEIDEN_TOLERANCE",
    "LEIDEN_MAX_ITERATIONS",
    "community_graph",
    "detect_communities",
    "normalised_mutual_information",
]

Evidence = Literal["all", "ties"]
"""What links members for the communities: ``"all"`` (ties and co-attendance contacts, with the
projection's weights) or ``"ties"`` (ties only)."""
Method = Literal["leiden", "louvain"]
"""How the partition is found: Leiden (igraph, connected communities) or Louvain (networkx)."""
EVIDENCE: tuple[Evidence, ...] = ("all", "ties")
METHODS: tuple[Method, ...] = ("leiden", "louvain")

# igraph draws its random numbers from one process-wide generator (Python's ``random`` module
# by default). Leiden swaps in its own seeded generator for the run, under this lock, so neither
# a concurrent run nor anybody else's use of ``random`` changes the answer.
_IGRAPH_RNG = threading.Lock()

LEIDEN_TOLERANCE = 1e-4
"""Leiden stops after the first iteration that raises the modularity by less than this."""
LEIDEN_MAX_ITERATIONS = 50
"""... and after this many iterations in any case.

Iterating until no iteration improves at all (igraph's ``n_iterations=-1``) is free at the
cluster's size but takes several times longer at 100,000 members, where every iteration still
adds a few 1e-5 of modularity: the measured trade-off is in ``docs/analytics.md``
(``bench/communities.py --until-stable``)."""


@dataclass(frozen=True, slots=True)
class Community:
    """One community: ``id`` ("c-1" is the largest), sorted ``members`` and their primary
    subsectors in ``subsector_mix`` (count descending, then subsector id)."""

    id: str
    members: tuple[str, ...]
    size: int
    subsector_mix: dict[str, int]


@dataclass(frozen=True, slots=True)
class CommunityReport:
    """Communities of the graph of the chosen ``evidence``, found by ``method``.

    ``modularity`` is the modularity of the partition on that graph (the one partitioned: same
    edges, weights and resolution); None when it has no edges (it is undefined). ``nmi``
    compares the community of each member with its primary subsector: 1 means communities are
    exactly the subsectors, 0 that they are independent of them.
    """

    modularity: float | None
    communities: tuple[Community, ...]
    nmi: float
    seed: int
    resolution: float
    method: Method = "leiden"
    evidence: Evidence = "all"


def community_graph(G: nx.Graph[str], evidence: Evidence = "all") -> nx.Graph[str]:
    """The graph the communities partition: every node of ``G`` and the edges of ``evidence``.

    ``"all"`` is ``G`` itself, as :func:`~graph_service.analytics.graph.build_collaboration_graph`
    projects it: ties, and the weak co-attendance contacts of events of at most
    :data:`~graph_service.analytics.graph.MAX_EVENT_SIZE` people, each edge weighted by the
    noisy-or of its evidence (an event of n people contributes ``min(0.5, 1/(n - 1))``).
    ``"ties"`` is :func:`~graph_service.analytics.graph.ties_graph`: the contacts left out, the
    ties keep their weight. Read-only (both share ``G``'s attribute dicts).

    Raises
    ------
    ValueError
        If ``evidence`` is not ``"all"`` or ``"ties"``.
    """
    if evidence == "all":
        return G
    if evidence == "ties":
        return ties_graph(G)
    raise ValueError(f"evidence must be one of {', '.join(EVIDENCE)}")


def detect_communities(
    G: nx.Graph[str],
    *,
    evidence: Evidence = "all",
    method: Method = "leiden",
    seed: int = 42,
    resolution: float = 1.0,
) -> CommunityReport:
    """Find communities by maximising weighted modularity on the graph of the chosen evidence.

    Parameters
    ----------
    G : networkx.Graph
        The collaboration graph (from
        :func:`~graph_service.analytics.graph.build_collaboration_graph`, or a subset of it).
    evidence : {"all", "ties"}, default "all"
        ``"all"``: ties and co-attendance at small events, as weighted in the projection (see
        :func:`community_graph`), so members who keep meeting at the same round tables form a
        community even without recorded ties (the two-mode attendance network, projected).
        ``"ties"``: ties only.
    method : {"leiden", "louvain"}, default "leiden"
        Leiden through igraph's ``community_leiden(objective_function="modularity",
        n_iterations=-1)``, or Louvain through :func:`networkx.community.louvain_communities`.
    seed : int, default 42
        Seed of the method's random choices, so the same graph always gives the same communities.
    resolution : float, default 1.0
        Modularity resolution (> 0); above 1 favours smaller communities.

    Returns
    -------
    CommunityReport
        Communities sorted by size descending, then by their smallest member id, numbered
        ``c-1``, ``c-2``, ...

    Raises
    ------
    ValueError
        If ``resolution`` is not positive, or ``evidence`` or ``method`` is unknown.

    Notes
    -----
    Leiden: Traag, Waltman & van Eck (2019), "From Louvain to Leiden: guaranteeing
    well-connected communities", Sci. Rep. 9, 5233. Every community it returns induces a
    connected subgraph of the partitioned graph; Louvain (Blondel, Guillaume, Lambiotte &
    Lefebvre 2008, "Fast unfolding of communities in large networks", J. Stat. Mech. P10008) can
    return communities that are not even connected. A member with no edge in the partitioned
    graph forms a singleton community of its own.

    Modularity (Newman & Girvan 2004; with the resolution gamma of Reichardt & Bornholdt 2006) is
    ``Q = sum_c [ W_c / W - gamma * (S_c / 2W)^2 ]`` over the communities c, where W is the total
    edge weight, W_c the weight of the edges inside c and S_c the sum of the weighted degrees of
    its members; it equals :func:`networkx.community.modularity` on the partitioned graph
    (computed by igraph, several times faster at 100,000 members).
    """
    if not resolution > 0:
        raise ValueError("resolution must be positive")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}")
    H = community_graph(G, evidence)
    if H.number_of_nodes() == 0:
        return CommunityReport(None, (), 1.0, seed, resolution, method, evidence)
    indexed = _Indexed(H)
    if method == "leiden":
        found = _leiden(indexed, seed=seed, resolution=resolution)
    else:
        found = [list(p) for p in nx.community.louvain_communities(H, weight="weight", resolution=resolution,
                                                                    seed=seed)]
    parts = sorted((sorted(p) for p in found), key=lambda p: (-len(p), p[0]))
    modularity: float | None = None
    if H.number_of_edges() > 0:
        modularity = indexed.modularity(parts, resolution)

    communities = []
    labels_c: list[int] = []
    labels_s: list[str] = []
    for i, members in enumerate(parts):
        mix: Counter[str] = Counter()
        for n in members:
            d = H.nodes[n]
            if d.get("node_type", "member") == "member" and d.get("subsector") is not None:
                mix[d["subsector"]] += 1
                labels_c.append(i)
                labels_s.append(d["subsector"])
        communities.append(
            Community(
                id=f"c-{i + 1}",
                members=tuple(members),
                size=len(members),
                subsector_mix=dict(sorted(mix.items(), key=lambda kv: (-kv[1], kv[0]))),
            )
        )
    nmi = normalised_mutual_information(labels_c, labels_s)
    return CommunityReport(modularity, tuple(communities), nmi, seed, resolution, method, evidence)


_VALUES = methodcaller("values")  # the neighbour rows may be views (a filtered graph's FilterAtlas), not dicts


class _Indexed:
    """``H`` as an igraph graph: the nodes sorted, the edges sorted by their ends' positions, with
    their weights (so the answer does not depend on the order ``H`` was built in; an edge without
    a ``weight`` weighs 1)."""

    def __init__(self, H: nx.Graph[str]) -> None:
        self.nodes = sorted(H.nodes)
        n = len(self.nodes)
        position = {v: i for i, v in enumerate(self.nodes)}.__getitem__
        adj = adjacency(H)
        # Every (node, neighbour) entry of the adjacency at once, in C loops (map, chain,
        # fromiter): the Python loop over the 4.9 million entries took seconds at 100,000 members.
        entries = sum(map(len, adj.values()))
        src = np.repeat(np.fromiter(map(position, adj), np.int64, len(adj)),
                        np.fromiter(map(len, adj.values()), np.int64, len(adj)))
        dst = np.fromiter(map(position, chain.from_iterable(adj.values())), np.int64, entries)
        try:
            weight = np.fromiter(map(itemgetter("weight"), chain.from_iterable(map(_VALUES, adj.values()))),
                                 np.float64, entries)
        except KeyError:  # an edge without a weight weighs 1
            weight = np.fromiter((d.get("weight", 1.0) for d in chain.from_iterable(map(_VALUES, adj.values()))),
                                 np.float64, entries)
        once = src < dst
        src, dst, weight = src[once], dst[once], weight[once]
        by_pair = np.argsort(src * n + dst)
        self.graph = ig.Graph(n=n, edges=list(zip(src[by_pair].tolist(), dst[by_pair].tolist(), strict=True)))
        self.weights: list[float] = weight[by_pair].tolist()

    def modularity(self, parts: Sequence[Sequence[str]], resolution: float) -> float:
        """Weighted modularity of the partition ``parts`` (igraph's, which is networkx's
        :func:`~networkx.community.modularity` of the same graph and weights, to rounding)."""
        membership = [0] * len(self.nodes)
        position = {v: i for i, v in enumerate(self.nodes)}
        for c, members in enumerate(parts):
            for v in members:
                membership[position[v]] = c
        return float(self.graph.modularity(membership, weights=self.weights, resolution=resolution, directed=False))


def _leiden(H: _Indexed, *, seed: int, resolution: float) -> list[list[str]]:
    """Leiden communities of ``H`` (weighted modularity), as lists of node ids.

    igraph's random numbers come from ``random.Random(seed)``, swapped in for the run and
    swapped back after it. Iterations run until one raises the modularity by less than
    :data:`LEIDEN_TOLERANCE`, at most :data:`LEIDEN_MAX_ITERATIONS` of them (each starts from the
    partition of the one before, as igraph's own ``n_iterations`` does).
    """
    g, weights, nodes = H.graph, H.weights, H.nodes
    membership: list[int] | None = None
    with _IGRAPH_RNG:
        ig.set_random_number_generator(random.Random(seed))
        try:
            best = -math.inf
            for _ in range(LEIDEN_MAX_ITERATIONS):
                found = g.community_leiden(objective_function="modularity", weights=weights, resolution=resolution,
                                           n_iterations=1, initial_membership=membership)
                quality = g.modularity(found.membership, weights=weights, resolution=resolution, directed=False)
                if quality < best:  # never seen (an iteration does not lower the quality); keep the best
                    break
                membership = list(found.membership)
                if quality - best < LEIDEN_TOLERANCE:
                    break
                best = quality
        finally:
            ig.set_random_number_generator(random)
    assert membership is not None  # the first iteration always improves on -inf
    groups: dict[int, list[str]] = {}
    for i, c in enumerate(membership):
        groups.setdefault(c, []).append(nodes[i])
    return list(groups.values())


def _entropy(counts: Counter[Hashable], n: int) -> float:
    return -sum((c / n) * math.log(c / n) for c in counts.values() if c)


def normalised_mutual_information(labels_a: Sequence[Hashable], labels_b: Sequence[Hashable]) -> float:
    """Normalised mutual information of two labelings of the same items.

    ``NMI = I(A; B) / ((H(A) + H(B)) / 2)`` -- the arithmetic-mean normalisation, which is the
    default of scikit-learn's ``normalized_mutual_info_score`` (Strehl & Ghosh 2002 use the
    geometric mean; Vinh, Epps & Bailey 2010 discuss the variants).

    Parameters
    ----------
    labels_a, labels_b : sequences of hashable
        Labels of the same items, in the same order.

    Returns
    -------
    float
        In [0, 1]. 1.0 when both labelings have a single class (or no items), like scikit-learn;
        0.0 when either has a single class and the other does not.

    Raises
    ------
    ValueError
        If the sequences differ in length.
    """
    if len(labels_a) != len(labels_b):
        raise ValueError("the two labelings must have the same length")
    n = len(labels_a)
    ca, cb = Counter(labels_a), Counter(labels_b)
    if n == 0 or (len(ca) == 1 and len(cb) == 1):
        return 1.0
    joint = Counter(zip(labels_a, labels_b, strict=True))  # same length, checked above
    mi = 0.0
    for (a, b), nab in joint.items():
        mi += (nab / n) * math.log(n * nab / (ca[a] * cb[b]))
    ha, hb = _entropy(ca, n), _entropy(cb, n)
    denom = (ha + hb) / 2
    if mi <= 0.0 or denom <= 0.0:
        return 0.0
    return max(0.0, min(1.0, mi / denom))
