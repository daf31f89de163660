"""Warm paths: the chains of ties a person would actually use to reach another member.

What counts as a path
    Hops are **ties** only (``knows``, collaborated, introduced: :func:`~graph_service.analytics.graph.is_tie`);
    a contact that rests on co-attendance alone is never a hop. A path is offered only when it is
    **induced** (chordless): no member on it is tied to a member two or more steps further on. A
    path ``s - x - y - t`` where ``s`` also knows ``y`` is a detour (``s - y - t`` does the same
    with one person fewer asked), so it is never offered. In particular, when ``s`` and ``t`` are
    tied the only induced path is the tie itself, and every path ``s - x - t`` through a mutual
    contact ``x`` of two members who are not tied is induced.

How paths are ranked
    The **trust** of a path is the product of the weights of its hops (each weight is the noisy-or
    combination of the evidence behind a tie, in (0, 1]). Its **score** discounts every
    introducer after the first::

        score = trust * HOP_DISCOUNT ** (hops - 1),   HOP_DISCOUNT = 0.25

    so one more introducer must more than quadruple the trust to rank first. Read as a chance: if
    every tie holds with its weight and every introducer passes the request on with probability
    ``HOP_DISCOUNT``, the score is the chance that the request arrives. A quarter says that asking
    one more person -- the asking, the waiting and the explaining again -- is worth it only for a
    chain clearly more trusted: since trust is at most 1, a longer chain can come first only when
    the shorter path's trust is below a quarter (weak ties on both sides), and then only when it
    is more than four times as trusted (the per-step attenuation of Katz 1953, "A new status index derived from
    sociometric analysis", Psychometrika 18(1), 39-43, applied to one path). Order, exactly: score
    descending, then fewer hops, then trust descending, then the lower largest introduction load
    among the intermediaries, then the member ids. Each path carries its ``score``, its
    ``introducers`` and a ``rank_reason`` that states the rule for it (and, when it comes before a
    path with fewer introducers, by how much its trust is higher).

Mutual contacts are always offered
    The ``min(k, m)`` best paths through the ``m`` mutual contacts of ``source`` and ``target``
    (their common neighbours through ties) are always in the answer; the other places go to the
    best longer paths by the same rule, and the whole answer is ordered by the rule. So for
    ``k >= m`` every mutual contact a recommendation names is a path here, and the answers for
    growing ``k`` contain each other.

The search
    The mutual-contact paths are read off the two rows of ties; when there are at least ``k`` of
    them that is the answer and nothing is searched. Otherwise the longer paths (3 to
    ``max_hops`` hops) are searched best-first (A*: Hart, Nilsson & Raphael 1968, "A formal basis
    for the heuristic determination of minimum cost paths", IEEE Trans. SSC 4(2), 100-107) over
    partial paths, by an upper bound of the score of any completion. The bound is admissible and
    consistent (it never grows as a path grows), so completed paths come out in score order and
    the search stops as soon as the best remaining bound cannot reach the k-th best score found:
    the k-best use of A*, as in K* (Aljazzar & Leue 2011, "K*: A heuristic search algorithm for
    finding the k shortest paths", Artificial Intelligence 175(18), 2129-2154), with the
    induced-path constraint checked on every extension instead of Yen's deviations (Yen 1971,
    which the previous version ran on ``-ln(weight)`` and which cannot reject detours early).

    The bound is exact dynamic programming on a relaxation, swept out from the target:
    ``B_h(v)``, the best product of weights of a walk of exactly ``h`` hops from ``v`` to the
    target that (like an induced path) goes straight to the target from any of its neighbours
    and never comes back next to the source, for ``h <= R = ceil(max_hops / 2)`` (at most
    ``max_hops - 1``). A longer walk ends with ``R`` hops from some member ``u``, so ``B_h(v) <=
    max_u B_R(u)`` for ``h > R`` (weights are at most 1). The bound of a partial path of ``i`` hops
    ending at ``v`` with ``r`` hops left is ``trust * HOP_DISCOUNT**(i-1) * max_{h<=r} B_h(v)
    HOP_DISCOUNT**h``; it is zero, and the partial path dropped, when at most ``R`` hops are left
    and ``v`` has no such walk within them. So the search meets in the middle: it sweeps ``R`` hops out from the target
    and walks at most ``max_hops - R - 1`` hops out from the source before every member it adds
    has an exact bound. Induced-ness is checked as a path grows: a member is added only if it is
    tied to the last member and to no earlier one, and a neighbour of the target is always
    followed by the target.

Bounds on the work
    ``R`` sweeps over the ties within ``R - 1`` hops of the target, then at most
    :data:`MAX_EXPANSIONS` partial paths expanded, each in ``O(degree * max_hops)`` (so at most
    ``MAX_EXPANSIONS * degree`` partial paths are held). The deadline is checked before the
    search and every :data:`_DEADLINE_EVERY` expansions. When the deadline or the budget stops the
    search, the paths found so far are returned and :class:`PathSearch` says ``complete=False``;
    otherwise the answer is exact. On the seeded 300-member cluster no query needs more than 200
    expansions.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import networkx as nx

from graph_service.analytics.graph import INTRODUCTION_WEIGHT, adjacency, edge_kinds, event_weight, is_tie
from graph_service.errors import UnknownMember

__all__ = [
    "HOP_DISCOUNT",
    "MAX_EXPANSIONS",
    "MAX_HOPS",
    "Hop",
    "Intermediary",
    "PathSearch",
    "WarmPath",
    "is_induced",
    "search_warm_paths",
    "warm_paths",
]

MAX_HOPS = 6
"""The largest ``max_hops`` accepted: beyond six steps nobody's introduction is warm."""

HOP_DISCOUNT = 0.25
"""The score of a path is its trust times ``HOP_DISCOUNT ** (hops - 1)``: one more introducer must
more than quadruple the trust to rank first."""

MAX_EXPANSIONS = 20_000
"""At most this many partial paths are expanded by one search (the bound on the work)."""

_DEADLINE_EVERY = 64
_REL_EPS = 1e-12


@dataclass(frozen=True, slots=True)
class Hop:
    """One tie along a path.

    ``kinds`` is a subset of ``("knows", "collaborated", "introduced", "co-attended")``: all the
    evidence behind the tie. ``evidence`` is the kind that carried it (its strongest evidence)
    and ``strength`` that evidence's own contribution: the knows strength, the combined
    collaborations (shared projects at 0.8 each, collaborated ties at their weight), 0.5 for a
    successful introduction, or the co-attended events at ``min(0.5, 1/(n-1))`` each. ``weight``
    is the noisy-or of all of it, the factor the hop brings to the path's trust.
    """

    source: str
    target: str
    kinds: tuple[str, ...]
    strength: float
    weight: float
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class Intermediary:
    """Someone along the path who would have to make an introduction, with their current load
    (open introductions they facilitate or take part in)."""

    id: str
    name: str
    load: int


@dataclass(frozen=True, slots=True)
class WarmPath:
    """A chain of ties from the source to the target, without detours.

    ``length`` is the number of hops and ``introducers`` the members between the two ends
    (``length - 1``); ``score = trust * HOP_DISCOUNT ** (length - 1)`` is what the paths are ranked
    by, and ``rank_reason`` says so in a sentence. ``mutual_contact`` marks a path through a
    contact the two ends share.
    """

    members: tuple[str, ...]
    hops: tuple[Hop, ...]
    trust: float
    length: int
    intermediaries: tuple[Intermediary, ...] = ()
    score: float = 0.0
    introducers: int = 0
    mutual_contact: bool = False
    rank_reason: str = ""


@dataclass(frozen=True, slots=True)
class PathSearch:
    """The answer of :func:`search_warm_paths`: the paths, best first; whether the search ran to
    its end (``False`` when the deadline or :data:`MAX_EXPANSIONS` stopped it); and how many
    partial paths it expanded."""

    paths: tuple[WarmPath, ...]
    complete: bool
    expanded: int


def is_induced(G: nx.Graph[str], members: tuple[str, ...] | list[str]) -> bool:
    """Whether no member of ``members`` is tied in ``G`` to one two or more steps further on."""
    adj = adjacency(G)
    for i, a in enumerate(members):
        row = adj[a]
        for b in members[i + 2:]:
            d = row.get(b)
            if d is not None and is_tie(d):
                return False
    return True


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
    """The ``k`` best induced paths of ties from ``source`` to ``target`` within ``max_hops``.

    Parameters
    ----------
    G : networkx.Graph
        The collaboration graph; only its ties (``structural`` edges) are walked, and only ties
        make a detour.
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
        A :func:`time.monotonic` value; the search stops once it has passed and the paths found
        so far are returned (none when it has passed before the search starts).

    Returns
    -------
    list of WarmPath
        Best first by ``score = trust * HOP_DISCOUNT ** (hops - 1)`` (see the module docstring for
        the exact order); the best ``min(k, m)`` paths through the ``m`` mutual contacts are
        always among them. Empty when no path of at most ``max_hops`` exists -- that is an
        answer, not an error.

    Raises
    ------
    UnknownMember
        If ``source`` or ``target`` is not in ``G``.
    ValueError
        If ``source == target``, ``k < 1`` or ``max_hops`` is outside 1..6.

    See Also
    --------
    search_warm_paths : the same search, also saying whether it ran to its end.
    """
    return list(search_warm_paths(G, source, target, k=k, max_hops=max_hops, loads=loads, deadline=deadline).paths)


def search_warm_paths(
    G: nx.Graph[str],
    source: str,
    target: str,
    *,
    k: int = 3,
    max_hops: int = 4,
    loads: Mapping[str, int] | None = None,
    deadline: float | None = None,
) -> PathSearch:
    """:func:`warm_paths`, with whether the search ran to its end and how much it expanded.

    Parameters and errors are those of :func:`warm_paths`.
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
    if deadline is not None and time.monotonic() > deadline:
        return PathSearch((), False, 0)

    adj = adjacency(G)
    tie_rows: dict[str, dict[str, float]] = {}

    def ties_of(n: str) -> dict[str, float]:
        row = tie_rows.get(n)
        if row is None:
            row = tie_rows[n] = {m: float(d["weight"]) for m, d in adj[n].items() if is_tie(d)}
        return row

    near_source, near_target = ties_of(source), ties_of(target)
    if target in near_source:  # the tie itself: any longer path has it as a chord
        return PathSearch(tuple(_explain(_finish(G, [(source, target)], loads, set()))), True, 0)
    if max_hops < 2:
        return PathSearch((), True, 0)

    mutual = sorted(set(near_source) & set(near_target))
    firsts: list[tuple[str, ...]] = [(source, x, target) for x in mutual]
    if len(firsts) >= k or max_hops < 3:
        chosen = _finish(G, firsts, loads, set(mutual))[:k]
        return PathSearch(tuple(_explain(chosen)), True, 0)

    longer, complete, expanded = _longer_paths(
        adj, ties_of, source, target, need=k - len(firsts), max_hops=max_hops, deadline=deadline
    )
    result, room = [], k - len(firsts)
    for p in _finish(G, firsts + longer, loads, set(mutual)):  # every mutual contact, the best longer ones
        if p.mutual_contact or room > 0:
            result.append(p)
            room -= not p.mutual_contact
    return PathSearch(tuple(_explain(result)), complete, expanded)


def _longer_paths(
    adj: Mapping[str, Mapping[str, Mapping[str, Any]]],
    ties_of: Callable[[str], dict[str, float]],
    source: str,
    target: str,
    *,
    need: int,
    max_hops: int,
    deadline: float | None,
) -> tuple[list[tuple[str, ...]], bool, int]:
    """The ``need`` best induced paths of 3 to ``max_hops`` hops by score (all that tie with the
    ``need``-th best too), best-first under the bound of the module docstring."""
    near_source, near_target = ties_of(source), ties_of(target)
    # best[h][v], h <= reach: the best product of weights of a relaxed walk of exactly h hops from v
    # to the target (see the module docstring), by sweeps out from the target. Beyond `reach` hops
    # a walk ends with `reach` hops from some successor u, so `beyond` bounds it.
    reach = min(max_hops - 1, (max_hops + 1) // 2)
    best: list[dict[str, float]] = [{target: 1.0}, dict(near_target)]
    for h in range(2, reach + 1):
        layer: dict[str, float] = {}
        for u, bu in best[h - 1].items():
            if u in near_source or u == source:  # a successor is never next to the source
                continue
            for v, w in ties_of(u).items():
                if v == target or v in near_target:
                    continue
                value = w * bu
                if value > layer.get(v, 0.0):
                    layer[v] = value
        best.append(layer)
    beyond = max((b for u, b in best[reach].items() if u not in near_source and u != source), default=0.0)
    discount = [HOP_DISCOUNT**h for h in range(max_hops + 1)]
    beyond_bound = beyond * discount[reach + 1] if reach + 1 <= max_hops else 0.0

    def outlook(v: str, left: int) -> float:
        """An upper bound of max over h <= left of (relaxed walk of h hops to the target) * HOP_DISCOUNT**h."""
        top = beyond_bound if left > reach else 0.0
        for h in range(1, min(left, reach) + 1):
            b = best[h].get(v)
            if b is not None and b * discount[h] > top:
                top = b * discount[h]
        return top

    # Heap entries: (-bound, hops, path, trust, done); for a done path the bound is its score.
    heap: list[tuple[float, int, tuple[str, ...], float, bool]] = []
    found: list[tuple[str, ...]] = []
    kth: list[float] = []  # the `need` best scores found, as a min-heap

    def threshold() -> float:
        return kth[0] * (1.0 - _REL_EPS) if len(kth) >= need else 0.0

    def expand(path: tuple[str, ...], trust: float) -> None:
        v = path[-1]
        hops = len(path) - 1
        earlier = [ties_of(p) for p in path[:-1]]
        for u, w in ties_of(v).items():
            if u in path or u == target or any(u in row for row in earlier):
                continue  # not simple, a 2-hop path (a mutual contact), or a detour
            t2 = trust * w
            if u in near_target:  # the target must come next
                if hops + 2 > max_hops or hops == 0:
                    continue  # too long, or a mutual contact (offered apart)
                total = t2 * near_target[u]
                score = total * discount[hops + 1]
                if score >= threshold():
                    heapq.heappush(heap, (-score, hops + 2, (*path, u, target), total, True))
                continue
            left = max_hops - hops - 1
            if left < 2:
                continue
            bound = t2 * discount[hops] * outlook(u, left)
            if bound > 0.0 and bound >= threshold():
                heapq.heappush(heap, (-bound, hops + 1, (*path, u), t2, False))

    expanded = 1
    expand((source,), 1.0)
    complete = True
    while heap:
        if len(kth) >= need and -heap[0][0] < threshold():
            break
        if expanded >= MAX_EXPANSIONS:
            complete = False
            break
        if deadline is not None and (expanded - 1) % _DEADLINE_EVERY == 0 and time.monotonic() > deadline:
            complete = False
            break
        neg, _, path, trust, done = heapq.heappop(heap)
        if done:
            found.append(path)
            if len(kth) < need:
                heapq.heappush(kth, -neg)
            elif -neg > kth[0]:
                heapq.heapreplace(kth, -neg)
            continue
        expanded += 1
        expand(path, trust)
    return found, complete, expanded


def _strongest(d: Mapping[str, Any], event_sizes: Mapping[str, int]) -> tuple[str, float]:
    """The kind of evidence that carries a tie, and its own noisy-or contribution.

    The projection keeps the knows strength, the introduction flag and the events of a tie, and
    the noisy-or weight of everything; the collaborations' combined contribution is what remains
    of the weight once the others are taken out.
    """
    knows = float(d.get("knows", 0.0))
    introduced = INTRODUCTION_WEIGHT if d.get("introduced", False) else 0.0
    not_events = 1.0
    for e in d.get("events", ()):
        not_events *= 1.0 - event_weight(event_sizes.get(e, 0))
    collaborated = 0.0
    if d.get("collaborated", 0) > 0:
        rest = (1.0 - knows) * not_events * (1.0 - introduced)
        collaborated = 1.0 if rest <= 0.0 else 1.0 - (1.0 - float(d["weight"])) / rest
        collaborated = round(min(1.0, max(0.0, collaborated)), 12)
    candidates = [("knows", knows), ("collaborated", collaborated), ("introduced", introduced),
                  ("co-attended", 1.0 - not_events)]
    kind, value = max(candidates, key=lambda c: c[1])  # max keeps the first of equals
    return (kind, value) if value > 0.0 else ("", 0.0)


def _finish(
    G: nx.Graph[str], paths: Sequence[tuple[str, ...]], loads: Mapping[str, int], mutual: set[str]
) -> list[WarmPath]:
    """WarmPaths for the paths, in the order of the module docstring."""
    adj = adjacency(G)
    sizes: Mapping[str, int] = G.graph.get("event_sizes", {})
    result = []
    for path in paths:
        hops = []
        trust = 1.0
        for a, b in zip(path, path[1:], strict=False):  # consecutive pairs: one fewer than nodes
            d = adj[a][b]
            w = float(d["weight"])
            trust *= w
            kind, strength = _strongest(d, sizes)
            hops.append(Hop(a, b, edge_kinds(d), strength, w, kind))
        inter = tuple(Intermediary(n, G.nodes[n].get("name", n), int(loads.get(n, 0))) for n in path[1:-1])
        length = len(path) - 1
        result.append(WarmPath(
            members=tuple(path), hops=tuple(hops), trust=trust, length=length, intermediaries=inter,
            score=trust * HOP_DISCOUNT ** (length - 1), introducers=length - 1,
            mutual_contact=length == 2 and path[1] in mutual,
        ))
    result.sort(key=lambda p: (
        -round(p.score, 12), p.length, -round(p.trust, 12), max((i.load for i in p.intermediaries), default=0),
        p.members,
    ))
    return result


def _introducers(n: int) -> str:
    return "no introducer (a direct tie)" if n == 0 else f"{n} introducer{'s' if n != 1 else ''}"


def _explain(paths: list[WarmPath]) -> list[WarmPath]:
    """Each path with its ``rank_reason``: the rule applied to it, and why it comes before
    shorter paths below it when it does."""
    out = []
    for i, p in enumerate(paths):
        reason = f"{_introducers(p.introducers)}"
        if p.mutual_contact:
            reason += f" ({p.intermediaries[0].name}, a contact you share)"
        reason += f"; trust {p.trust:.2f}"
        if p.introducers > 0:
            reason += f"; score {p.score:.3f} = trust × {HOP_DISCOUNT:g}^{p.introducers}"
        shorter = [q for q in paths[i + 1:] if q.length < p.length]
        if shorter:
            q = shorter[0]  # the best of them
            extra = p.length - q.length
            reason += (f"; ahead of the {_introducers(q.introducers)} path below: its trust is more than "
                       f"{1 / HOP_DISCOUNT ** extra:g} times {q.trust:.2f}")
        out.append(replace(p, rank_reason=reason))
    return out
