"""The candidate index: what the bounded top-k needs about every node of one graph object."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from graph_service.analytics.recommendations.score import RecommenderWeights, _Scorer, _skill_counts

_CACHE_KEY = "graph_service.analytics.recommendations.index"


@dataclass(slots=True)
class _Group:
    """The nodes with one ``subsectors`` tuple (so one subsector-crossing value for a member),
    as ranks (positions in id order): ``by_rank`` in id order, ``by_k`` by ``notp`` ascending
    (the best complementary-skills bound first) then id, ``run_end[i]`` the end of the run of
    equal ``notp`` that ``by_k[i]`` belongs to."""

    subs: tuple[str, ...]
    by_rank: list[int]
    by_k: list[int]
    notp: list[float]
    run_end: list[int]


def _group(subs: tuple[str, ...], ranks: list[int], notp: Sequence[float]) -> _Group:
    by_k = sorted(ranks, key=lambda r: (notp[r], r))
    values = [notp[r] for r in by_k]
    run_end = [0] * len(values)
    end = len(values)
    for i in range(len(values) - 1, -1, -1):
        if i + 1 < len(values) and values[i + 1] != values[i]:
            end = i + 1
        run_end[i] = end
    return _Group(subs, ranks, by_k, values, run_end)


class _Index:
    """What the bounded top-k needs about every node of one graph, built once per graph object.

    ``notp[r]`` is :meth:`_Scorer.not_product` over *all* the skills of the node of rank ``r``,
    in the order the exact score multiplies them: the complementary-skills product for any
    member multiplies a subsequence of the same factors (all in [0.5, 1]), so it is never
    smaller, in floating point too (rounding is monotone). Nothing here depends on the edges, so
    tie changes cannot make it stale; it depends on the node set and attributes and on
    ``skill_counts`` / ``member_count``, which :meth:`matches` checks.
    """

    def __init__(self, G: nx.Graph[str]):
        self.n_nodes = len(G)
        self.src_counts = G.graph.get("skill_counts")
        self.src_members = G.graph.get("member_count")
        self.skill_counts, self.n_members = _skill_counts(G)
        not_product = _Scorer(G, RecommenderWeights(), self.skill_counts, self.n_members).not_product
        nodes = G.nodes
        self.ids: list[str] = sorted(nodes)
        self.rank: dict[str, int] = {v: r for r, v in enumerate(self.ids)}
        notp: list[float] = []
        by_subs: dict[tuple[str, ...], list[int]] = {}
        holders: dict[str, list[int]] = {}
        attendees: dict[str, list[str]] = {}
        for r, v in enumerate(self.ids):
            vdata = nodes[v]
            skills = vdata.get("skills", ())
            notp.append(not_product(skills))
            for s in skills:
                holders.setdefault(s, []).append(r)
            by_subs.setdefault(tuple(vdata.get("subsectors", ())), []).append(r)
            for e in vdata.get("events", ()):
                attendees.setdefault(e, []).append(v)
        self.notp = notp
        self.min_notp = min(notp, default=1.0)
        self.groups = [_group(subs, ranks, notp) for subs, ranks in sorted(by_subs.items())]
        self.group_of = [0] * len(notp)
        for gi, g in enumerate(self.groups):
            for r in g.by_rank:
                self.group_of[r] = gi
        self.holders = holders
        self.attendees = attendees
        self._skill_groups: dict[str, list[_Group]] = {}

    def matches(self, G: nx.Graph[str]) -> bool:
        return (
            len(G) == self.n_nodes
            and G.graph.get("skill_counts") is self.src_counts
            and G.graph.get("member_count") == self.src_members
        )

    def skill_groups(self, skill: str) -> list[_Group]:
        """The groups restricted to the holders of ``skill`` (built on first use)."""
        groups = self._skill_groups.get(skill)
        if groups is None:
            by_group: dict[int, list[int]] = {}
            for r in self.holders.get(skill, ()):  # ascending ranks
                by_group.setdefault(self.group_of[r], []).append(r)
            groups = [_group(self.groups[gi].subs, ranks, self.notp)
                      for gi, ranks in sorted(by_group.items())]
            self._skill_groups[skill] = groups
        return groups


def _index_for(G: nx.Graph[str]) -> _Index | None:
    """The index of ``G``, built on first use and kept in ``G.__networkx_cache__``.

    That cache belongs to the graph object: ``copy()``, ``subgraph()``, :func:`subset` and
    :func:`ties_graph` all give new graphs with an empty one, and networkx clears it whenever
    nodes or edges are added or removed through its API. ``None`` (the caller then scans every
    node) when the graph has no cache or its node ids cannot be sorted.
    """
    cache = getattr(G, "__networkx_cache__", None)
    if not isinstance(cache, dict):
        return None
    index = cache.get(_CACHE_KEY)
    if isinstance(index, _Index) and index.matches(G):
        return index
    try:
        index = _Index(G)
    except TypeError:  # ids of mixed types: no id order to rank them by
        return None
    cache[_CACHE_KEY] = index
    return index


def clear_recommendation_index(G: nx.Graph[str]) -> None:
    """Forget the candidate index of ``G`` (after editing node attributes in place)."""
    cache = getattr(G, "__networkx_cache__", None)
    if isinstance(cache, dict):
        cache.pop(_CACHE_KEY, None)
