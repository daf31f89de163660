"""A batch introduction plan: which introductions to make this month, and what they would change.

Selection is a capacitated matching (a b-matching: nobody above their maximum) whose objective is
the summed recommendation score plus a bonus for every subsector pair the plan connects: one bonus
the first time the plan links a pair of subsectors, and another when no tie links that pair in
the network yet. It is solved greedily: repeatedly take the candidate with the largest marginal
gain whose two members both have room left. For a linear objective the greedy b-matching is a
1/2-approximation; the pair bonus is a coverage (submodular) term, for which greedy selection is
the classic choice (Nemhauser, Wolsey & Fisher 1978). Ties are broken by member ids, so plans are deterministic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from graph_service.analytics.graph import ties_graph
from graph_service.analytics.recommendations import Recommendation, recommend
from graph_service.analytics.subsectors import subsector_isolation

__all__ = ["Candidate", "PlannedPair", "EffectFigures", "PlanEffect", "select_pairs", "candidates_for",
           "plan_effect", "PAIR_BONUS_SHARE"]

# The bonus for connecting a new subsector pair, as a share of the best candidate's score.
PAIR_BONUS_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Candidate:
    a: str
    b: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlannedPair:
    a: str
    b: str
    score: float
    reasons: tuple[str, ...]
    subsectors: tuple[str | None, str | None]
    new_subsector_pair: bool  # no tie linked these two subsectors before


@dataclass(frozen=True, slots=True)
class EffectFigures:
    cross_subsector_ties: int
    members_without_outside_tie: int
    subsector_pairs_connected: int
    ei_index: dict[str, float | None]


@dataclass(frozen=True, slots=True)
class PlanEffect:
    """The network before the plan and after it, if every introduction succeeded.

    ``ei_index`` covers the most isolated subsectors before the plan (lowest E-I index first).
    """

    before: EffectFigures
    after: EffectFigures


def candidates_for(
    G: nx.Graph[str],
    sources: Iterable[str],
    *,
    per_source: int = 10,
    cross_sector: bool = False,
    recommender: Callable[..., list[Recommendation]] = recommend,
) -> list[Candidate]:
    """The best ``per_source`` recommendations of every source member, as unordered pairs
    (the higher score kept when both directions come up)."""
    best: dict[frozenset[str], Candidate] = {}
    for u in sources:
        for r in recommender(G, u, limit=per_source, cross_sector=cross_sector):
            key = frozenset((u, r.id))
            if key not in best or r.score > best[key].score:
                best[key] = Candidate(u, r.id, r.score, r.reasons)
    return sorted(best.values(), key=lambda c: (-c.score, c.a, c.b))


def _primary(G: nx.Graph[str], n: str) -> str | None:
    return G.nodes[n].get("subsector")


def _pair(a: str | None, b: str | None) -> tuple[str, str] | None:
    if a is None or b is None or a == b:
        return None
    return (a, b) if a < b else (b, a)


def select_pairs(
    G: nx.Graph[str],
    candidates: list[Candidate],
    *,
    total: int,
    max_per_member: int,
    load: Mapping[str, int] | None = None,
) -> list[PlannedPair]:
    """Pick at most ``total`` candidates, nobody above ``max_per_member`` (counting ``load``:
    introductions they already carry), maximising score plus new subsector pairs connected."""
    if total < 1 or max_per_member < 1:
        raise ValueError("total and max_per_member must be at least 1")
    load = Counter(load or {})
    used: Counter[str] = Counter()
    covered: set[tuple[str, str]] = set()
    existing = {p for u, v, d in G.edges(data=True)
                if d.get("structural", True) and (p := _pair(_primary(G, u), _primary(G, v))) is not None}
    bonus = PAIR_BONUS_SHARE * max((c.score for c in candidates), default=0.0)
    remaining = list(candidates)
    chosen: list[PlannedPair] = []
    while remaining and len(chosen) < total:
        best_i, best_gain = -1, float("-inf")
        for i, c in enumerate(remaining):
            if used[c.a] + load[c.a] >= max_per_member or used[c.b] + load[c.b] >= max_per_member:
                continue
            sp = _pair(_primary(G, c.a), _primary(G, c.b))
            gain = c.score
            if sp is not None:
                gain += bonus * ((sp not in covered) + (sp not in existing))
            if gain > best_gain:
                best_i, best_gain = i, gain
        if best_i < 0:
            break
        c = remaining.pop(best_i)
        sa, sb = _primary(G, c.a), _primary(G, c.b)
        sp = _pair(sa, sb)
        chosen.append(PlannedPair(c.a, c.b, c.score, c.reasons, (sa, sb), sp is not None and sp not in existing))
        if sp is not None:
            covered.add(sp)
        used[c.a] += 1
        used[c.b] += 1
    return chosen


def _figures(H: nx.Graph[str], watched: list[str]) -> EffectFigures:
    report = subsector_isolation(H)
    by_id = {s.id: s for s in report.subsectors}
    pairs = {p for u, v in H.edges if (p := _pair(_primary(H, u), _primary(H, v))) is not None}
    return EffectFigures(
        cross_subsector_ties=sum(s.external_ties for s in report.subsectors) // 2,
        members_without_outside_tie=len(report.isolated_members.no_ties) + len(report.isolated_members.only_internal),
        subsector_pairs_connected=len(pairs),
        ei_index={s: by_id[s].ei_index for s in watched},
    )


def plan_effect(G: nx.Graph[str], pairs: Iterable[tuple[str, str]], *, isolated: int = 3,
                strength: float = 0.6) -> PlanEffect:
    """Figures before and after adding ``pairs`` as ties (every introduction succeeding)."""
    T = ties_graph(G)
    members = [n for n, d in T.nodes(data=True) if d.get("node_type", "member") == "member"]
    before_graph = T.subgraph(members)
    report = subsector_isolation(before_graph)
    watched = [s.id for s in report.subsectors if s.ei_index is not None][:isolated]
    after_graph: nx.Graph[str] = nx.Graph(before_graph)
    for a, b in pairs:
        if a in after_graph and b in after_graph:
            after_graph.add_edge(a, b, knows=strength, weight=strength, structural=True)
    return PlanEffect(_figures(before_graph, watched), _figures(after_graph, watched))
