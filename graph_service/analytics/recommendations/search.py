"""The ``limit`` best candidates of the whole graph: the full scan, and the bounded top-k that
gives the same answer while scoring only a few nodes.

Both score with :meth:`_Scorer.score`. The bounded search bounds a candidate's score from above
by :func:`combine` on upper bounds of its terms: its exact structure term, ``K`` with all its
skills complementary (``_Index.notp``), its exact ``S`` (fixed by its ``subsectors`` tuple) and
its shared-event sum padded by :data:`_SUM_SLACK` (or 1, or 0, when that is all it can be).
Rounding is monotone and penalties are at most 1, so the bound holds in floating point too.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Mapping

from graph_service.analytics.graph import event_weight
from graph_service.analytics.recommendations.index import _Group, _Index
from graph_service.analytics.recommendations.score import (
    NodeData,
    RecommenderWeights,
    Terms,
    _Context,
    _Scorer,
    combine,
)

Eligible = Callable[[str, NodeData], bool]
"""``eligible(id, data)``: whether that node passes the candidate filters."""
Ranked = list[tuple[float, str]]
"""``(score, id)`` pairs, by score descending then id."""
_Bounded = list[tuple[float, int, str]]
"""``(-bound, rank, id)`` triples: sorted, the best bound (then the smallest id) first."""

_SUM_SLACK = 1.0 + 1e-9
"""Pads a sum of positive terms added in another order (which moves it by a few ulps at most)."""


def _boundable(w: RecommenderWeights) -> bool:
    """Whether the score is monotone in its terms (the bounds of :func:`_top_k` need it)."""
    return all(math.isfinite(x) and x >= 0.0 for x in (w.content_scale, w.skills, w.subsector, w.events))


def _scan(
    scorer: _Scorer, ctx: _Context, eligible: Eligible, penalties: Mapping[str, float], limit: int
) -> Ranked:
    """Score every eligible node and keep the best: the reference the bounded search agrees with."""
    found: Ranked = []
    for v, vdata in scorer.G.nodes(data=True):
        if not eligible(v, vdata):
            continue
        total = scorer.score(ctx, v, vdata)
        if total > 0.0:
            found.append((total * penalties.get(v, 1.0), v))
    return heapq.nsmallest(limit, found, key=lambda t: (-t[0], t[1]))


class _Best:
    """The ``limit`` best ``(score, id)`` so far: a min-heap of ``(score, -rank, id)``, so the
    worst of the best comes first and, of two equal scores, the larger id is the worse."""

    def __init__(self, limit: int, rank: Mapping[str, int], penalties: Mapping[str, float]):
        self.limit = limit
        self.rank = rank
        self.penalties = penalties
        self.heap: list[tuple[float, int, str]] = []

    def offer(self, total: float, v: str) -> None:
        item = (total * self.penalties.get(v, 1.0), -self.rank[v], v)
        if len(self.heap) < self.limit:
            heapq.heappush(self.heap, item)
        elif item > self.heap[0]:
            heapq.heapreplace(self.heap, item)

    def keeps_out(self, bound: float, r: int) -> bool:
        """Whether the node of rank ``r``, scoring at most ``bound``, cannot enter."""
        if len(self.heap) < self.limit:
            return False
        worst, worst_neg_rank, _ = self.heap[0]
        return bound < worst or (bound == worst and -r < worst_neg_rank)

    def closed_to(self, bound: float) -> bool:
        """Whether no node scoring at most ``bound`` can enter, whatever its id."""
        return len(self.heap) == self.limit and bound < self.heap[0][0]

    def ranked(self) -> Ranked:
        return [(s, v) for s, _, v in sorted(self.heap, reverse=True)]


class _Search:
    """One bounded top-k for the member ``ctx.u``: the bounds, the nodes seen, the best so far."""

    def __init__(
        self,
        index: _Index,
        scorer: _Scorer,
        ctx: _Context,
        eligible: Eligible,
        penalties: Mapping[str, float],
        limit: int,
    ):
        self.index = index
        self.scorer = scorer
        self.ctx = ctx
        self.eligible = eligible
        self.best = _Best(limit, index.rank, penalties)
        self.seen: set[str] = set()
        self.crossing = [ctx.subsector_term(g.subs) for g in index.groups]
        # the skills bound tells nodes apart only when skills count: then lists follow it
        self.by_skills = bool(ctx.skills and scorer.w.skills)

    def bound(self, structure: float, not_p: float, crossing: float, events: float) -> float:
        """:func:`combine` on term bounds: ``not_p`` at most the complementary-skills product,
        ``events`` at least the shared-event sum."""
        ctx = self.ctx
        terms = Terms(structure, ctx.skills_term(not_p), crossing, ctx.events_term(events))
        return combine(self.scorer.w, terms)

    def node_bound(self, structure: float, r: int, events: float) -> float:
        """The bound of the node of rank ``r``, from the index."""
        index = self.index
        return self.bound(structure, index.notp[r], self.crossing[index.group_of[r]], events)

    def content_bound(self, events: float) -> float:
        """The bound of anyone without a shared contact and with a shared-event sum of ``events``."""
        return self.bound(0.0, self.index.min_notp, 1.0, events)

    def score(self, v: str) -> None:
        vdata = self.scorer.G.nodes[v]
        if self.eligible(v, vdata):
            total = self.scorer.score(self.ctx, v, vdata)
            if total > 0.0:
                self.best.offer(total, v)

    def walk(self, bounded: _Bounded) -> None:
        """Score the nodes in decreasing bound until nobody further down can enter."""
        bounded.sort()
        for neg_b, r, v in bounded:
            if self.best.keeps_out(-neg_b, r):
                if self.best.closed_to(-neg_b):
                    return
                continue
            self.score(v)

    def with_shared_contacts(self) -> _Bounded:
        """Everyone with a shared tie contact, bounded (shared events by 1), and marked seen."""
        out: _Bounded = []
        for v, ra in self.ctx.ra.items():
            r = self.index.rank[v]
            b = self.node_bound(ra, r, 1.0)
            if b > 0.0:
                out.append((-b, r, v))
        self.seen.update(self.ctx.ra)
        return out

    def with_shared_events(self) -> _Bounded:
        """Everyone not seen yet with a shared event, bounded, and marked seen."""
        shared: dict[str, float] = {}  # node -> sum of the weights of the events it shares with u
        sizes, attendees = self.scorer.event_sizes, self.index.attendees
        for e in self.ctx.events:
            weight = event_weight(sizes.get(e, 0))
            for v in attendees.get(e, ()):
                shared[v] = shared.get(v, 0.0) + weight
        out: _Bounded = []
        for v, e_sum in shared.items():
            if v not in self.seen:
                r = self.index.rank[v]
                # the sum the exact score takes, in another order: a few ulps apart, so padded
                b = self.node_bound(0.0, r, e_sum * _SUM_SLACK)
                if b > 0.0:
                    out.append((-b, r, v))
        self.seen.update(shared)
        return out


class _ThresholdMerge:
    """Everyone else, content only: one list per group in decreasing bound, merged until the best
    bound left cannot enter -- Fagin's threshold algorithm. ``heads`` holds each list's next node
    as ``(-bound, rank, group, position)``."""

    def __init__(self, search: _Search, groups: list[_Group], subsector: str | None, cross_sector: bool):
        self.search = search
        self.groups = groups
        self.crossing: dict[int, float] = {}
        self.heads: list[tuple[float, int, int, int]] = []
        ctx = search.ctx
        for gi, g in enumerate(groups):
            subs = g.subs
            if subsector is not None and subsector not in subs:
                continue
            if cross_sector and (not subs or subs[0] == ctx.primary or ctx.subsectors.intersection(subs)):
                continue
            self.crossing[gi] = ctx.subsector_term(subs)
            head = self.head(gi, 0)
            if -head[0] > 0.0:
                self.heads.append(head)
        heapq.heapify(self.heads)

    def head(self, gi: int, pos: int) -> tuple[float, int, int, int]:
        g = self.groups[gi]
        order = g.by_k if self.search.by_skills else g.by_rank
        b = self.search.bound(0.0, g.notp[pos], self.crossing[gi], 0.0)
        return -b, order[pos], gi, pos

    def advance(self, gi: int, pos: int) -> None:
        """Move list ``gi`` on to ``pos`` (off the heap past its end)."""
        if pos < len(self.groups[gi].by_rank):
            heapq.heapreplace(self.heads, self.head(gi, pos))
        else:
            heapq.heappop(self.heads)

    def run(self) -> None:
        search, best = self.search, self.search.best
        while self.heads:
            neg_b, r, gi, pos = self.heads[0]
            if best.keeps_out(-neg_b, r):
                if best.closed_to(-neg_b):
                    return  # the best bound left: nobody can enter any more
                # a tie on score at best, with a larger id; so is the rest of this run of nodes
                # with the same notp (hence the same bound) in this group, in increasing id
                g = self.groups[gi]
                self.advance(gi, g.run_end[pos] if search.by_skills else len(g.by_rank))
                continue
            self.advance(gi, pos + 1)
            v = search.index.ids[r]
            if v not in search.seen:
                search.score(v)


def _top_k(
    index: _Index,
    scorer: _Scorer,
    ctx: _Context,
    eligible: Eligible,
    penalties: Mapping[str, float],
    limit: int,
    subsector: str | None,
    skill: str | None,
    cross_sector: bool,
) -> Ranked:
    """The ``limit`` best ``(score, id)`` of :func:`_scan`, exactly, scoring a candidate only
    while its bound can still beat the current ``limit``-th best ``(score, id)``:

    1. Everyone with a shared tie contact (tens to a few thousand nodes), in decreasing bound.
    2. Everyone else with a shared event (hundreds), in decreasing bound -- skipped, like 3,
       when the worst of the best already beats the largest possible content score.
    3. Everyone else scores content only (at most ``lambda``): :class:`_ThresholdMerge`.
    """
    search = _Search(index, scorer, ctx, eligible, penalties, limit)
    search.walk(search.with_shared_contacts())
    # content alone is worth at most lambda, often less than the worst of the best already
    if search.best.closed_to(search.content_bound(1.0)):
        return search.best.ranked()
    if ctx.events and scorer.w.events:
        search.walk(search.with_shared_events())
    if search.best.closed_to(search.content_bound(0.0)):
        return search.best.ranked()
    groups = index.groups if skill is None else index.skill_groups(skill)
    _ThresholdMerge(search, groups, subsector, cross_sector).run()
    return search.best.ranked()
