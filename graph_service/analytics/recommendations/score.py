"""The recommender score: its terms, their weights, and the one formula that combines them.

:class:`Terms` holds the four terms of a pair ``(u, v)`` (RA, K, S, E; defined in the package
docstring) and :func:`combine` turns them into the score before the penalty; that is the only
place the formula is written. :meth:`_Scorer.score` feeds it the exact terms, the explanation
splits it with :func:`contributions`, and the bounded search (``search.py``) feeds it upper bounds
of the terms, so score, breakdown and bound cannot drift apart. :class:`_Context` holds what the
terms need to know about ``u``, finds what a candidate's content terms rest on (its
complementary skills, bridged subsectors, shared events) and defines each content term from its
inputs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import networkx as nx

from graph_service.analytics.graph import event_weight
from graph_service.errors import UnknownMember

NodeData = Mapping[str, Any]
"""The attribute dict of a node of the collaboration graph."""


@dataclass(frozen=True, slots=True)
class RecommenderWeights:
    """The constants of the recommender score (see the package docstring)."""

    content_scale: float = 0.05
    skills: float = 0.3
    subsector: float = 0.2
    events: float = 0.5


class Terms(NamedTuple):
    """The terms of the score of one pair ``(u, v)``, unweighted.

    ``structure`` is ``RA(u, v)``, ``skills`` is ``K(u, v)``, ``subsector`` is ``S(u, v)`` and
    ``events`` is ``E(u, v)``. The bounded search puts upper bounds of them here instead.
    """

    structure: float
    skills: float
    subsector: float
    events: float


def combine(w: RecommenderWeights, t: Terms) -> float:
    """The score before the penalty: ``RA + lambda (w_k K + w_s S + w_e E)``.

    With non-negative weights it is monotone in every term, in floating point too (rounding is
    monotone), so upper bounds of the terms give an upper bound of the score.
    """
    return t.structure + w.content_scale * (w.skills * t.skills + w.subsector * t.subsector + w.events * t.events)


def contributions(w: RecommenderWeights, t: Terms) -> dict[str, float]:
    """The additive parts of :func:`combine`: ``RA`` and ``lambda * w * term`` for each content term.

    They are rounded one by one, so their sum may differ from :func:`combine` in the last bit; the
    score is always :func:`combine`'s.
    """
    cs = w.content_scale
    return {
        "structure": t.structure,
        "skills": cs * w.skills * t.skills,
        "subsector": cs * w.subsector * t.subsector,
        "events": cs * w.events * t.events,
    }


@dataclass(slots=True)
class _Context:
    """What the score needs to know about the member ``u``; built once per member."""

    u: str
    primary: str | None
    subsectors: frozenset[str]
    reached: frozenset[str]
    skills: frozenset[str]
    events: frozenset[str]
    tie_nbrs: frozenset[str]
    common: dict[str, list[str]] = field(default_factory=dict)  # candidate -> common neighbours
    ra: dict[str, float] = field(default_factory=dict)  # candidate -> resource allocation

    # --- what the content terms of a candidate (node data ``vdata``) rest on, in its order ---

    def complementary_skills(self, vdata: NodeData) -> list[str]:
        """The candidate's skills ``u`` lacks (none when ``u`` lists no skills)."""
        return [s for s in vdata.get("skills", ()) if s not in self.skills] if self.skills else []

    def bridged_subsectors(self, vdata: NodeData) -> list[str]:
        """The candidate's subsectors ``u`` neither belongs to nor has a tie into."""
        return [s for s in vdata.get("subsectors", ()) if s not in self.reached]

    def shared_events(self, vdata: NodeData) -> list[str]:
        """The events both attended."""
        return [e for e in vdata.get("events", ()) if e in self.events] if self.events else []

    # --- the content terms, from their inputs (exact ones, or the search's bounds of them) ---

    def skills_term(self, not_p: float) -> float:
        """``K`` from ``prod(1 - r / 2)`` over the complementary skills (noisy-or); 0 when ``u``
        lists no skills."""
        return 1.0 - not_p if self.skills else 0.0

    def subsector_term(self, subsectors: Sequence[str]) -> float:
        """``S`` of a candidate with these subsectors (primary first)."""
        for i, s in enumerate(subsectors):
            if s not in self.reached:
                return 1.0 if i == 0 else 0.5
        return 0.0

    def events_term(self, weight_sum: float) -> float:
        """``E`` from the summed weights of the shared events; 0 when ``u`` attended none."""
        return min(1.0, weight_sum) if self.events else 0.0


def _tie_neighbours(G: nx.Graph[str], n: str) -> list[str]:
    # is_tie(d), inlined, on the adjacency dict itself (not the G.adj view): this walks every
    # co-attendance contact of n too
    adj: Mapping[str, Mapping[str, Any]] = G._adj[n]  # type: ignore[attr-defined]  # the stubs declare only the G.adj view
    return [z for z, d in adj.items() if d.get("structural", True)]


def _skill_counts(G: nx.Graph[str]) -> tuple[Mapping[str, int], int]:
    """``(members per skill, members)``: from the graph attributes, else counted."""
    counts: Mapping[str, int] | None = G.graph.get("skill_counts")
    n_members: int | None = G.graph.get("member_count")
    if counts is None or n_members is None:
        counted: dict[str, int] = {}
        n_members = 0
        for _, d in G.nodes(data=True):
            if d.get("node_type", "member") == "member":
                n_members += 1
                for s in d.get("skills", ()):
                    counted[s] = counted.get(s, 0) + 1
        counts = counted
    return counts, n_members


def _check_member(G: nx.Graph[str], member_id: str, *, allow_organisation: bool = False) -> NodeData:
    if member_id not in G:
        raise UnknownMember(member_id)
    data: NodeData = G.nodes[member_id]
    if data.get("node_type", "member") != "member" and not allow_organisation:
        raise UnknownMember(member_id)
    return data


class _Scorer:
    """Per-graph caches shared by the scores of many pairs (tie degrees, skill rarity, contexts)."""

    def __init__(
        self,
        G: nx.Graph[str],
        weights: RecommenderWeights,
        counts: Mapping[str, int] | None = None,
        n_members: int | None = None,
    ):
        self.G = G
        self.w = weights
        self._deg: dict[str, int] = {}
        self._ctx: dict[str, _Context] = {}
        if counts is None or n_members is None:
            counts, n_members = _skill_counts(G)
        self.skill_counts: Mapping[str, int] = counts
        self.n_members: int = n_members
        self.event_sizes: Mapping[str, int] = G.graph.get("event_sizes", {})
        self._rarity: dict[str, float] = {}

    def tie_degree(self, n: str) -> int:
        d = self._deg.get(n)
        if d is None:
            d = self._deg[n] = len(_tie_neighbours(self.G, n))
        return d

    def rarity(self, skill: str) -> float:
        """``r = ln(N / df) / ln(N)``: 1 for a skill one member has, 0 for one everybody has."""
        r = self._rarity.get(skill)
        if r is None:
            n = self.n_members
            df = max(1, self.skill_counts.get(skill, 1))
            r = 1.0 if n <= 1 else max(0.0, math.log(n / df) / math.log(n))
            self._rarity[skill] = r
        return r

    def not_product(self, skills: Iterable[str]) -> float:
        """``prod(1 - r / 2)`` over ``skills``, multiplied in their order."""
        known, not_p = self._rarity, 1.0
        for s in skills:
            r = known.get(s)
            not_p *= 1.0 - (self.rarity(s) if r is None else r) / 2.0
        return not_p

    def event_sum(self, events: Iterable[str]) -> float:
        """The summed weights of ``events`` (Newman 2001), added in their order."""
        total = 0.0
        for e in events:
            total += event_weight(self.event_sizes.get(e, 0))
        return total

    def context(self, u: str) -> _Context:
        ctx = self._ctx.get(u)
        if ctx is not None:
            return ctx
        G = self.G
        data = G.nodes[u]
        nbrs = _tie_neighbours(G, u)
        reached = set(data.get("subsectors", ()))
        for z in nbrs:
            p = G.nodes[z].get("subsector")
            if p is not None:
                reached.add(p)
        common: dict[str, list[str]] = {}
        for z in nbrs:
            z_nbrs = _tie_neighbours(G, z)
            self._deg[z] = len(z_nbrs)
            for c in z_nbrs:
                if c != u:
                    common.setdefault(c, []).append(z)
        # math.fsum is exactly rounded: pairs whose common neighbours have the same degrees get
        # bit-identical scores whatever the order of summation, so ties are real ties.
        deg = self._deg
        ra = {c: math.fsum([1.0 / deg[z] for z in zs]) for c, zs in common.items()}
        ctx = _Context(
            u=u,
            primary=data.get("subsector"),
            subsectors=frozenset(data.get("subsectors", ())),
            reached=frozenset(reached),
            skills=frozenset(data.get("skills", ())),
            events=frozenset(data.get("events", ())),
            tie_nbrs=frozenset(nbrs),
            common=common,
            ra=ra,
        )
        self._ctx[u] = ctx
        return ctx

    def terms(self, ctx: _Context, v: str, vdata: NodeData) -> Terms:
        """The exact terms of ``(ctx.u, v)``; ``vdata`` is the node data of ``v``."""
        return Terms(
            ctx.ra.get(v, 0.0),
            ctx.skills_term(self.not_product(ctx.complementary_skills(vdata))),
            ctx.subsector_term(vdata.get("subsectors", ())),
            ctx.events_term(self.event_sum(ctx.shared_events(vdata))),
        )

    def score(self, ctx: _Context, v: str, vdata: NodeData) -> float:
        """The score of ``(ctx.u, v)`` before the penalty."""
        return combine(self.w, self.terms(ctx, v, vdata))
