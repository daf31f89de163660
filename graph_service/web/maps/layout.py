"""Seeded layouts, computed on the server (the browser only draws them, ``physics: false``).

Pure functions of a graph and a seed: the same graph always gives the same picture.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt

__all__ = ["community_layout", "separate", "spring"]

Positions = dict[str, tuple[float, float]]


def community_layout(
    T: nx.Graph[str], groups: Sequence[Sequence[str]], *, seed: int = 42, spacing: float = 28.0
) -> Positions:
    """Positions (pixels) for the nodes of ``groups``: each group laid out on its own, groups
    placed by the ties between them and pushed apart until they do not overlap.

    ``groups`` partition the nodes to place (e.g. Louvain communities); one-member groups (no
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
