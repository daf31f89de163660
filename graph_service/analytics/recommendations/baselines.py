"""The classic link-prediction baselines, and :func:`score_pairs` to compare methods on given pairs."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable
from typing import Literal

import networkx as nx

from graph_service.analytics.recommendations.learned import LinkModel, learned_scores
from graph_service.analytics.recommendations.score import (
    RecommenderWeights,
    _check_member,
    _Scorer,
    _tie_neighbours,
)
from graph_service.errors import UnknownMember

PairMethod = Literal["recommender", "learned", "common_neighbours", "adamic_adar", "resource_allocation", "random"]

def _baseline(G: nx.Graph[str], member_id: str, per_neighbour: Callable[[int], float]) -> dict[str, float]:
    _check_member(G, member_id, allow_organisation=True)
    nbrs = set(_tie_neighbours(G, member_id))
    parts: dict[str, list[float]] = {}
    for z in sorted(nbrs):
        zn = _tie_neighbours(G, z)
        if len(zn) < 2:  # z knows only member_id: it is nobody's common neighbour
            continue
        contrib = per_neighbour(len(zn))
        for c in zn:
            if c != member_id and c not in nbrs:
                parts.setdefault(c, []).append(contrib)
    return {c: math.fsum(parts[c]) for c in sorted(parts)}


def common_neighbours_scores(G: nx.Graph[str], member_id: str) -> dict[str, float]:
    """Common-neighbour counts between ``member_id`` and every node it is not tied to.

    Only nodes with at least one common tie neighbour appear (on the ties graph). A baseline
    (Newman 2001; Liben-Nowell & Kleinberg 2007).
    """
    return _baseline(G, member_id, lambda d: 1.0)


def adamic_adar_scores(G: nx.Graph[str], member_id: str) -> dict[str, float]:
    """Adamic-Adar index ``sum(1 / ln deg(z))`` over common tie neighbours (Adamic & Adar 2003)."""
    return _baseline(G, member_id, lambda d: 1.0 / math.log(d))


def resource_allocation_scores(G: nx.Graph[str], member_id: str) -> dict[str, float]:
    """Resource-allocation index ``sum(1 / deg(z))`` over common tie neighbours.

    Zhou, Lü & Zhang (2009), "Predicting missing links via local information".
    """
    return _baseline(G, member_id, lambda d: 1.0 / d)


def score_pairs(
    G: nx.Graph[str],
    pairs: Iterable[tuple[str, str]],
    method: PairMethod = "recommender",
    *,
    weights: RecommenderWeights | None = None,
    seed: int = 0,
    model: LinkModel | None = None,
) -> list[float]:
    """Score arbitrary ``(u, v)`` pairs with one method, e.g. to compute an AUC.

    Parameters
    ----------
    G : networkx.Graph
        The collaboration graph.
    pairs : iterable of (str, str)
        Pairs to score; ``u`` is the member the recommendation is for (the recommender score
        is not symmetric: complementary skills are the ones ``u`` lacks).
    method : {"recommender", "learned", "common_neighbours", "adamic_adar", "resource_allocation", "random"}
        ``recommender`` is the full :func:`recommend` score without filters or penalties;
        ``learned`` is :func:`recommend`'s score with ``model`` (probability plus subsector
        bonus), without penalties; ``random`` draws uniform numbers from ``random.Random(seed)``.
    weights : RecommenderWeights, optional
        Constants of the recommender score.
    seed : int, default 0
        Seed of the ``random`` method.
    model : LinkModel, optional
        The fitted model of the ``learned`` method (required for it).

    Returns
    -------
    list of float
        One score per pair, in order.

    Raises
    ------
    UnknownMember
        If a pair names a node that is not in ``G``.
    ValueError
        For an unknown ``method``.
    """
    pairs = list(pairs)
    for u, v in pairs:
        for n in (u, v):
            if n not in G:
                raise UnknownMember(n)
    if method == "random":
        rng = random.Random(seed)
        return [rng.random() for _ in pairs]
    if method == "learned":
        if model is None:
            raise ValueError("the 'learned' method needs a model")
        by_u: dict[str, list[int]] = {}
        for k, (u, _) in enumerate(pairs):
            by_u.setdefault(u, []).append(k)
        scores = [0.0] * len(pairs)
        for u in sorted(by_u):
            table, _, P, S = learned_scores(G, model, u)
            for k in by_u[u]:
                r = table.rank[pairs[k][1]]
                scores[k] = float(P[r] + model.subsector_bonus * S[r])
        return scores
    scorer = _Scorer(G, weights or RecommenderWeights())
    if method == "recommender":
        return [scorer.score(scorer.context(u), v, G.nodes[v]) for u, v in pairs]
    per: Callable[[int], float]
    if method == "common_neighbours":
        per = lambda d: 1.0
    elif method == "adamic_adar":
        per = lambda d: 1.0 / math.log(d)
    elif method == "resource_allocation":
        per = lambda d: 1.0 / d
    else:
        raise ValueError(f"unknown method '{method}'")
    out: list[float] = []
    for u, v in pairs:
        ctx = scorer.context(u)
        out.append(math.fsum([per(scorer.tie_degree(z)) for z in ctx.common.get(v, ())]))
    return out
