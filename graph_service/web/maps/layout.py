"""Seeded layouts, computed on the server (the browser only draws them, ``physics: false``).

Pure functions of a graph and a seed: the same graph always gives the same picture.

:func:`seeded_layout` lays a graph out afresh (communities as groups, :func:`community_layout`).
:func:`carry_layout` carries the positions of the last map over to a new version of the graph,
so that only new or changed members move (the ecosystem map's stable layout, kept in Neo4j by
:mod:`graph_service.services.layout`). The rule, in the order it is applied:

1. **Afresh.** With no previous positions, or when fewer than half of the members or fewer than
   half of the ties were on the last map (a new graph, not a new version of the old one), the
   graph gets the seeded layout.
2. **Removed** members disappear. **Kept**: every other member of the last map stays exactly
   where it was, unless one of the next two rules applies to it.
3. **New** members (and members who had no tie on the last map and have one now, who leave the
   row of members without ties) are placed with everyone else fixed: in rounds, each one whose
   tie contacts are placed goes to the free spot (at least :data:`GAP` from every member) nearest
   the mean of their positions; then one whose community has placed members goes near them; a
   group of newcomers tied only among themselves is laid out on its own (seeded) and set to the
   right of the map; newcomers without ties go on a row below it.
4. **Changed**: a member whose ties to members of the last map changed (a tie between two
   members who were both on it was added or removed) moves by half the shift of the mean
   position of its contacts, at most :data:`NUDGE` pixels, and not onto another member.
   A tie to a new member, or the loss of a contact who left, moves nobody.

Everything is sorted before it is iterated, so the same previous positions and the same graph
always give the same positions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt

from graph_service.analytics import detect_communities

__all__ = ["GAP", "NUDGE", "SPACING", "Carried", "Positions", "carry_layout", "community_layout",
           "seeded_layout", "separate", "spring"]

Positions = dict[str, tuple[float, float]]

SPACING = 28.0
"""The distance (pixels) between neighbouring members that :func:`community_layout` aims at."""
GAP = 0.75 * SPACING
"""A member placed on a carried layout lands at least this far (pixels) from every other member."""
NUDGE = SPACING
"""How far (pixels) a member whose ties changed moves at most from one graph version to the next."""


def community_layout(
    T: nx.Graph[str], groups: Sequence[Sequence[str]], *, seed: int = 42, spacing: float = SPACING
) -> Positions:
    """Positions (pixels) for the nodes of ``groups``: each group laid out on its own, groups
    placed by the ties between them and pushed apart until they do not overlap.

    ``groups`` partition the nodes to place (e.g. Leiden communities); one-member groups (no
    ties) go on a grid under the rest. Deterministic for a given ``seed`` and group order.
    Cost: a spring layout per group plus one of the graph of groups, so it stays well under a
    second at 2,000 members where a spring layout of the whole graph takes ~10 s.
    """
    multi = [list(g) for g in groups if len(g) > 1]
    singles = sorted(g[0] for g in groups if len(g) == 1)
    local: list[dict[str, Any]] = []
    radius: list[float] = []
    for g in multi:
        if len(g) == 2:
            p: dict[str, Any] = {g[0]: np.array([-0.5, 0.0]), g[1]: np.array([0.5, 0.0])}
        else:
            sub = T.subgraph(g)
            p = nx.spring_layout(sub, seed=seed, iterations=60 if len(g) <= 300 else 30)
        local.append(p)
        radius.append(spacing * math.sqrt(len(g)) * 1.1)

    pos: dict[str, Any] = {}
    if multi:
        index = {n: i for i, g in enumerate(multi) for n in g}
        Q: nx.Graph[int] = nx.Graph()
        Q.add_nodes_from(range(len(multi)))
        for u, v in T.edges():
            a, b = index.get(u), index.get(v)
            if a is None or b is None or a == b:
                continue
            w = Q[a][b]["weight"] + 1 if Q.has_edge(a, b) else 1
            Q.add_edge(a, b, weight=w)
        R = np.array(radius)
        if len(multi) == 1:
            centres = np.zeros((1, 2))
        else:
            qp = nx.spring_layout(Q, seed=seed, weight="weight", iterations=100)
            centres = np.array([qp[i] for i in range(len(multi))], dtype=float) * (R.sum() / 2)
            centres = separate(centres, R, gap=spacing)
        for i, placed in enumerate(local):
            for n, xy in placed.items():
                pos[n] = centres[i] + np.asarray(xy, dtype=float) * radius[i]
    if singles:
        xs = [p[0] for p in pos.values()] or [0.0]
        ys = [p[1] for p in pos.values()] or [0.0]
        step = spacing * 1.5
        per_row = max(8, int((max(xs) - min(xs)) // step) + 1)
        top = max(ys) + 3 * spacing
        for k, n in enumerate(singles):
            pos[n] = (min(xs) + (k % per_row) * step, top + (k // per_row) * step)
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in pos.items()}


def separate(
    centres: npt.ArrayLike, radii: npt.ArrayLike, *, gap: float, rounds: int = 400
) -> npt.NDArray[np.float64]:
    """Push apart circles (centres and radii) until no two overlap (or ``rounds``)."""
    out = np.array(centres, dtype=float)
    R = np.asarray(radii, dtype=float)
    for _ in range(rounds):
        moved = False
        for i in range(len(out)):
            d = out - out[i]
            dist = np.hypot(d[:, 0], d[:, 1])
            need = R + R[i] + gap
            over = dist < need
            over[i] = False
            for j in np.nonzero(over)[0]:
                moved = True
                unit = d[j] / dist[j] if dist[j] > 1e-9 else np.array([math.cos(j), math.sin(j)])
                push = (need[j] - dist[j]) / 2
                out[j] += unit * push
                out[i] -= unit * push
        if not moved:
            break
    return out


def spring(
    T: nx.Graph[str], nodes: Sequence[str], *, centre: str | None = None, seed: int = 42, spacing: float = 34.0
) -> Positions:
    """A seeded spring layout of a small subgraph, in pixels, ``centre`` pinned at the origin."""
    sub = T.subgraph(nodes)
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    kwargs: dict[str, Any] = {}
    if centre is not None:
        kwargs = {"pos": {centre: (0.0, 0.0)}, "fixed": [centre]}
    p = nx.spring_layout(sub, seed=seed, iterations=80, **kwargs)
    if centre is not None:  # spring_layout does not rescale when a node is fixed
        far = max((float(np.hypot(*xy)) for xy in p.values()), default=1.0) or 1.0
        p = {n: np.asarray(xy) / far for n, xy in p.items()}
    scale = spacing * math.sqrt(len(nodes)) * 1.2
    return {n: (round(float(x) * scale, 1), round(float(y) * scale, 1)) for n, (x, y) in p.items()}


def seeded_layout(
    T: nx.Graph[str], members: Iterable[str], community_of: Mapping[str, str], *, seed: int = 42
) -> Positions:
    """The seeded layout of ``members`` (of the ties graph ``T``): their communities
    (``community_of``; a member without one is a group of its own) laid out as groups by
    :func:`community_layout`, largest first; or, when they are all one community (a drill-down
    into it), its own sub-communities (:func:`~graph_service.analytics.detect_communities`, the
    communities function of the analyses: Leiden on the ties among them, ``seed``)."""
    chosen = sorted(members)
    groups: dict[str, list[str]] = {}
    for n in chosen:
        groups.setdefault(community_of.get(n, n), []).append(n)
    sub = T.subgraph(chosen)
    if len(groups) == 1 and len(chosen) > 2:
        found = detect_communities(sub, evidence="ties", seed=seed).communities  # sorted: largest first
        return community_layout(sub, [list(c.members) for c in found], seed=seed)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), g[0]))
    return community_layout(sub, ordered, seed=seed)


@dataclass(frozen=True, slots=True)
class Carried:
    """The positions :func:`carry_layout` gives, and what happened to each member."""

    positions: Positions
    fresh: bool
    """Laid out afresh (:func:`seeded_layout`): there was no previous layout to carry."""
    kept: frozenset[str] = frozenset()
    """At exactly their previous position."""
    moved: frozenset[str] = frozenset()
    """Their ties changed: moved by at most :data:`NUDGE` (some of them may not have moved)."""
    placed: frozenset[str] = frozenset()
    """New on the map, or back from the row of members without ties: placed with the rest fixed."""


def _pair(u: str, v: str) -> tuple[str, str]:
    return (u, v) if u < v else (v, u)


class _Board:
    """The members placed so far, for finding free spots (at least ``gap`` from all of them)."""

    def __init__(self, pos: Positions, gap: float):
        self.pos = pos
        self.gap = gap
        self._names = list(pos)
        self._xy = np.array([pos[n] for n in self._names], dtype=float).reshape(-1, 2)

    def put(self, n: str, xy: tuple[float, float]) -> None:
        self.pos[n] = xy
        self._names.append(n)
        self._xy = np.vstack([self._xy, np.asarray(xy, dtype=float).reshape(1, 2)])

    def move(self, n: str, xy: tuple[float, float]) -> None:
        self.pos[n] = xy
        self._xy[self._names.index(n)] = xy

    def nearest(self, xy: npt.ArrayLike, *, without: str | None = None) -> float:
        """The distance from ``xy`` to the nearest placed member (but ``without``)."""
        d = np.hypot(*(self._xy - np.asarray(xy, dtype=float)).T)
        if without is not None:
            d[self._names.index(without)] = np.inf
        return float(d.min()) if d.size else math.inf

    def free_spot(self, anchor: npt.ArrayLike, tries: int = 800) -> tuple[float, float]:
        """The first point of a golden-angle spiral around ``anchor`` (the anchor itself first)
        at least ``gap`` from every placed member."""
        a = np.asarray(anchor, dtype=float)
        i = np.arange(tries, dtype=float)
        r = self.gap * 0.5 * np.sqrt(i)
        theta = i * math.pi * (3.0 - math.sqrt(5.0))
        cand = np.round(a + np.column_stack([r * np.cos(theta), r * np.sin(theta)]), 1)
        if self._xy.size:
            near = self._xy[np.hypot(*(self._xy - a).T) <= r[-1] + self.gap]
            if near.size:
                d = np.hypot(cand[:, None, 0] - near[None, :, 0], cand[:, None, 1] - near[None, :, 1])
                ok = np.nonzero(d.min(axis=1) >= self.gap)[0]
                cand = cand[ok] if ok.size else cand[-1:]
        return float(cand[0][0]), float(cand[0][1])

    def mean(self, names: Iterable[str]) -> npt.NDArray[np.float64] | None:
        xy = [self.pos[n] for n in sorted(names) if n in self.pos]
        return np.mean(np.array(xy, dtype=float), axis=0) if xy else None

    def bounds(self) -> tuple[float, float, float, float]:
        """min x, min y, max x, max y (zeros when nothing is placed)."""
        if not self._xy.size:
            return 0.0, 0.0, 0.0, 0.0
        (x0, y0), (x1, y1) = self._xy.min(axis=0), self._xy.max(axis=0)
        return float(x0), float(y0), float(x1), float(y1)


def carry_layout(
    T: nx.Graph[str],
    previous: Mapping[str, tuple[float, float]],
    previous_ties: Iterable[tuple[str, str]],
    community_of: Mapping[str, str],
    *,
    seed: int = 42,
    spacing: float = SPACING,
) -> Carried:
    """Positions for every node of the ties graph ``T``, carried over from the last map:
    ``previous`` (member id -> position) drawn with the ties ``previous_ties``.

    The rule is the module's (:mod:`graph_service.web.maps.layout`): afresh
    (:func:`seeded_layout`, ``seed``) when fewer than half of the members or of the ties were on
    the last map;
    otherwise removed members disappear, the others keep their positions exactly, new members
    are placed near their contacts with everyone else fixed, and members whose ties to members of
    the last map changed move by at most :data:`NUDGE`. Deterministic: the same arguments
    always give the same positions.
    """
    members = sorted(T.nodes)
    before = {n: (float(previous[n][0]), float(previous[n][1])) for n in members if n in previous}
    old_ties = {_pair(u, v) for u, v in previous_ties if u != v}
    now_ties = {_pair(u, v) for u, v in T.edges() if u != v}
    if not members or 2 * len(before) < len(members) or 2 * len(now_ties & old_ties) < len(now_ties):
        return Carried(seeded_layout(T, members, community_of, seed=seed), fresh=True)
    had_ties = {n for pair in old_ties for n in pair}
    back = {n for n in before if n not in had_ties and T.degree(n) > 0}
    board = _Board({n: xy for n, xy in before.items() if n not in back}, GAP * spacing / SPACING)
    continuing = set(board.pos)

    # New members (and those back from the row without ties), placed around the others.
    pending = {n for n in members if n not in board.pos}
    placed = frozenset(pending)
    while pending:
        ready = sorted(n for n in pending if any(m in board.pos for m in T[n]))
        if ready:
            for n in ready:
                anchor = board.mean(T[n])
                assert anchor is not None  # n has a placed contact
                board.put(n, board.free_spot(anchor))
                pending.discard(n)
            continue
        mates: dict[str, list[str]] = {}
        for m in sorted(board.pos):
            if m in community_of:
                mates.setdefault(community_of[m], []).append(m)
        ready = sorted(n for n in pending if community_of.get(n) in mates)
        if not ready:
            break
        for n in ready:
            anchor = board.mean(mates[community_of[n]])
            assert anchor is not None  # the community has placed members
            board.put(n, board.free_spot(anchor))
            pending.discard(n)
    tied = sorted(n for n in pending if T.degree(n) > 0)
    if tied:  # groups of newcomers tied only among themselves: laid out on their own, to the right
        block = seeded_layout(T, tied, community_of, seed=seed)
        x0, y0, x1, _y1 = board.bounds()
        bx0 = min(x for x, _ in block.values())
        by0 = min(y for _, y in block.values())
        dx, dy = (x1 + 3 * spacing - bx0, y0 - by0) if len(board.pos) else (0.0, 0.0)
        for n in tied:
            x, y = block[n]
            board.put(n, (round(x + dx, 1), round(y + dy, 1)))
    alone = sorted(n for n in pending if T.degree(n) == 0)
    if alone:  # newcomers without ties: on a row below the map
        x0, _y0, x1, y1 = board.bounds()
        step = spacing * 1.5
        per_row = max(8, int((x1 - x0) // step) + 1)
        top = y1 + step if len(board.pos) else 0.0
        for k, n in enumerate(alone):
            board.put(n, (round(x0 + (k % per_row) * step, 1), round(top + (k // per_row) * step, 1)))

    # Members whose ties to members of the last map changed: a small step, not onto another member.
    old_of: dict[str, set[str]] = {}
    new_of: dict[str, set[str]] = {}
    for ties, of in ((old_ties, old_of), (now_ties, new_of)):
        for u, v in ties:
            if u in continuing and v in continuing:
                of.setdefault(u, set()).add(v)
                of.setdefault(v, set()).add(u)
    changed = sorted(n for n in continuing if old_of.get(n, set()) != new_of.get(n, set()))
    snapshot = dict(board.pos)
    steps: dict[str, npt.NDArray[np.float64]] = {}
    for n in changed:
        new = sorted(new_of.get(n, set()))
        if not new:
            continue
        p = np.array(snapshot[n], dtype=float)
        now = np.mean([snapshot[m] for m in new], axis=0)
        old = sorted(old_of.get(n, set()))
        shift = (now - np.mean([snapshot[m] for m in old], axis=0)) if old else (now - p)
        step = 0.5 * shift
        length = float(np.hypot(*step))
        limit = NUDGE * spacing / SPACING - 0.1  # room for the rounding to 0.1 px
        if length > limit:
            step = step * (limit / length)
        steps[n] = step
    for n in sorted(steps):
        p = np.array(board.pos[n], dtype=float)
        crowd = min(board.gap, board.nearest(p, without=n))
        for f in (1.0, 0.5, 0.25):
            q = np.round(p + f * steps[n], 1)
            if not np.array_equal(q, p) and board.nearest(q, without=n) >= crowd:
                board.move(n, (float(q[0]), float(q[1])))
                break
    return Carried(
        {n: board.pos[n] for n in members},
        fresh=False,
        kept=frozenset(n for n in continuing if board.pos[n] == before[n]),
        moved=frozenset(changed),
        placed=placed,
    )
