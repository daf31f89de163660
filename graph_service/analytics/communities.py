"""Communities of the tie network (Louvain) and how far they follow the subsectors (NMI)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import networkx as nx

from graph_service.analytics.graph import ties_graph

__all__ = ["Community", "CommunityReport", "detect_communities", "normalised_mutual_information"]


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
    """Louvain communities of the ties graph.

    ``modularity`` is None when the graph has no ties (it is undefined). ``nmi`` compares the
    community of each member with its primary subsector: 1 means communities are exactly the
    subsectors, 0 that they are independent of them.
    """

    modularity: float | None
    communities: tuple[Community, ...]
    nmi: float
    seed: int
    resolution: float


def detect_communities(G: nx.Graph[str], *, seed: int = 42, resolution: float = 1.0) -> CommunityReport:
    """Find communities with the Louvain method on the ties graph, weighted by tie weight.

    Parameters
    ----------
    G : networkx.Graph
        The collaboration graph; co-attendance-only contacts are ignored (see
        :func:`~graph_service.analytics.graph.ties_graph`).
    seed : int, default 42
        Seed of the Louvain node order, so the same graph always gives the same communities.
    resolution : float, default 1.0
        Modularity resolution (> 0); above 1 favours smaller communities.

    Returns
    -------
    CommunityReport
        Communities sorted by size descending, then by their smallest member id.

    Raises
    ------
    ValueError
        If ``resolution`` is not positive.

    Notes
    -----
    Blondel, Guillaume, Lambiotte & Lefebvre (2008), "Fast unfolding of communities in large
    networks", J. Stat. Mech. P10008, via :func:`networkx.community.louvain_communities`.
    A member without ties forms a singleton community of its own (Louvain never moves a node
    with no edges). Modularity uses the same weight and resolution.
    """
    if not resolution > 0:
        raise ValueError("resolution must be positive")
    T = ties_graph(G)
    if T.number_of_nodes() == 0:
        return CommunityReport(None, (), 1.0, seed, resolution)
    found = nx.community.louvain_communities(T, weight="weight", resolution=resolution, seed=seed)
    parts = sorted((sorted(p) for p in found), key=lambda p: (-len(p), p[0]))
    modularity: float | None = None
    if T.number_of_edges() > 0:
        score = nx.community.modularity(
            T, parts, weight="weight", resolution=resolution  # type: ignore[arg-type]  # stubs want sets; lists work
        )
        modularity = float(score)

    communities = []
    labels_c: list[int] = []
    labels_s: list[str] = []
    for i, members in enumerate(parts):
        mix: Counter[str] = Counter()
        for n in members:
            d = T.nodes[n]
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
    return CommunityReport(modularity, tuple(communities), nmi, seed, resolution)


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
