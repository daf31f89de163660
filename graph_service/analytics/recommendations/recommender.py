""":func:`recommend`: the candidate rule and filters, around the search and the explanations."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import networkx as nx
import numpy as np

from graph_service.analytics.recommendations.index import _index_for
from graph_service.analytics.recommendations.learned import EVIDENCE, LinkModel, learned_scores
from graph_service.analytics.recommendations.reasons import (
    Recommendation,
    _explain,
    _explain_learned,
    explain_near_ties,
)
from graph_service.analytics.recommendations.score import (
    NodeData,
    RecommenderWeights,
    _check_member,
    _Context,
    _Scorer,
)
from graph_service.analytics.recommendations.search import _boundable, _scan, _top_k
from graph_service.domain import SUBSECTOR_IDS


def recommend(
    G: nx.Graph[str],
    member_id: str,
    *,
    limit: int = 10,
    subsector: str | None = None,
    skill: str | None = None,
    cross_sector: bool = False,
    viewer_can_see: Callable[[str], bool] | None = None,
    exclude: frozenset[str] = frozenset(),
    penalties: Mapping[str, float] | None = None,
    include_organisations: bool = False,
    weights: RecommenderWeights | None = None,
    exhaustive: bool = False,
    model: LinkModel | None = None,
) -> list[Recommendation]:
    """Suggest the people ``member_id`` should meet, best first, each with its reasons.

    Parameters
    ----------
    G : networkx.Graph
        A graph from :func:`~graph_service.analytics.graph.build_collaboration_graph`.
    member_id : str
        The member to recommend for.
    limit : int, default 10
        At most this many recommendations (>= 1).
    subsector : str, optional
        Only candidates that list this subsector.
    skill : str, optional
        Only candidates that have this skill.
    cross_sector : bool, default False
        Only candidates whose primary subsector differs from the member's and who share no
        subsector with the member.
    viewer_can_see : callable, optional
        ``viewer_can_see(id)`` says whether whoever reads the result may see that member.
        Candidates the viewer cannot see are left out, and shared contacts the viewer cannot
        see are counted but not named. ``None`` means the viewer sees everybody.
    exclude : frozenset of str
        Ids never to suggest.
    penalties : mapping, optional
        Member id -> multiplier in (0, 1] applied to that candidate's score (suggestions
        shown before and ignored).
    include_organisations : bool, default False
        Also suggest organisation nodes (when ``G`` has them).
    weights : RecommenderWeights, optional
        The constants of the score; the defaults are documented in the package docstring.
    exhaustive : bool, default False
        Score every node of ``G`` instead of the bounded search, and neither build nor use the
        candidate index. The answer is the same; this is the reference the bounded search is
        tested and benchmarked against, and it is slower on large graphs.
    model : LinkModel, optional
        A link predictor fitted on the graph's own ties
        (:func:`~graph_service.analytics.recommendations.learned.fit_link_model`). With it the
        score is the predicted probability of a tie plus the subsector bonus, times the penalty;
        every node is scored (vectorised, one sparse pass per feature) and the reasons come from
        the largest contributions. ``weights`` and ``exhaustive`` then do not apply.

    Returns
    -------
    list of Recommendation
        Sorted by score descending, then id. Candidates with a zero score (nothing at all in
        favour of the meeting) are not returned.

    Raises
    ------
    UnknownMember
        If ``member_id`` is not a member node of ``G``.
    ValueError
        For a bad ``limit``, an unknown ``subsector`` or ``skill`` or a penalty outside (0, 1].

    Notes
    -----
    Candidates exclude the member, everyone already tied to them (a knows tie, a collaboration
    or a successful introduction; co-attendance alone does not count), everyone with an open
    introduction (proposed, accepted, met) or a declined one with them, and ``exclude``.

    The result is the exact top ``limit`` of the score over every node of ``G``, but only a
    few nodes are scored: everyone with a shared tie contact or a shared event, then the
    others (whose score is content only, at most ``lambda``) in decreasing order of an upper
    bound of their score, until the bound falls below the current ``limit``-th score (see
    :func:`~graph_service.analytics.recommendations.search._top_k`). The bound comes from a
    per-graph index built on the first call for a graph object and cached in
    ``G.__networkx_cache__``, which networkx clears whenever the graph is modified through its
    API; editing node attribute dicts in place does not clear it, so call
    :func:`clear_recommendation_index` after doing that. Every node is scored instead when
    ``exhaustive`` is set, when ``G`` has no such cache, and when a weight is negative or not
    finite (the bounds need a score that grows with each term).
    """
    _check_member(G, member_id)
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if subsector is not None and subsector not in SUBSECTOR_IDS:
        raise ValueError(f"unknown subsector '{subsector}'")
    w = weights or RecommenderWeights()
    index = _index_for(G) if _boundable(w) and not exhaustive else None
    scorer = _Scorer(G, w) if index is None else _Scorer(G, w, index.skill_counts, index.n_members)
    if skill is not None and skill not in G.graph.get("skill_names", {}) and skill not in scorer.skill_counts:
        raise ValueError(f"unknown skill '{skill}'")
    penalties = dict(penalties or {})
    for pid, mult in penalties.items():
        if not (0.0 < mult <= 1.0):
            raise ValueError(f"penalty for '{pid}' must be in (0, 1], got {mult}")

    ctx = scorer.context(member_id)
    open_pairs = G.graph.get("open_pairs", frozenset())
    declined = G.graph.get("declined_pairs", frozenset())
    u_subs = ctx.subsectors
    tie_nbrs = ctx.tie_nbrs

    def eligible(v: str, vdata: NodeData) -> bool:
        """The candidate filters, in the order (and with the calls) of the full scan."""
        if v == member_id or v in tie_nbrs or v in exclude:
            return False
        ntype = vdata.get("node_type", "member")
        if ntype != "member" and not (include_organisations and ntype == "organisation"):
            return False
        if subsector is not None and subsector not in vdata.get("subsectors", ()):
            return False
        if skill is not None and skill not in vdata.get("skills", ()):
            return False
        if cross_sector:
            subs = vdata.get("subsectors", ())
            if not subs or subs[0] == ctx.primary or u_subs.intersection(subs):
                return False
        if open_pairs or declined:
            pair = frozenset((member_id, v))
            if pair in open_pairs or pair in declined:
                return False
        return viewer_can_see is None or viewer_can_see(v)

    if model is not None:
        return explain_near_ties(_learned(G, model, scorer, ctx, eligible, penalties, limit, viewer_can_see))
    if index is None:
        best = _scan(scorer, ctx, eligible, penalties, limit)
    else:
        best = _top_k(index, scorer, ctx, eligible, penalties, limit, subsector, skill, cross_sector)
    return explain_near_ties(
        [_explain(G, scorer, ctx, v, score, penalties.get(v, 1.0), viewer_can_see) for score, v in best]
    )


def explain_pair(
    G: nx.Graph[str],
    member_id: str,
    other: str,
    *,
    weights: RecommenderWeights | None = None,
) -> Recommendation:
    """Why ``member_id`` should meet ``other``: the score of the pair and its reasons, said to
    ``member_id`` ("You both know ...", "Brings skills you lack: ..."), as :func:`recommend` would
    give them, but for one given pair, whatever the candidate rule says (a pair already proposed
    for an introduction is never a candidate).

    Either side may be an organisation node. :class:`UnknownMember` when a side is not in ``G``.
    The score is the classic one (``weights``), never a learned model's.
    """
    _check_member(G, member_id, allow_organisation=True)
    vdata = _check_member(G, other, allow_organisation=True)
    if member_id == other:
        raise ValueError("a pair needs two different nodes")
    scorer = _Scorer(G, weights or RecommenderWeights())
    ctx = scorer.context(member_id)
    return _explain(G, scorer, ctx, other, scorer.score(ctx, other, vdata), 1.0, None)


def _learned(
    G: nx.Graph[str],
    model: LinkModel,
    scorer: _Scorer,
    ctx: _Context,
    eligible: Callable[[str, NodeData], bool],
    penalties: Mapping[str, float],
    limit: int,
    viewer_can_see: Callable[[str], bool] | None,
) -> list[Recommendation]:
    """The ``limit`` best eligible nodes under the learned score, exactly: every node is scored
    at once, then the eligible ones are taken in (score descending, id) order."""
    table, X, P, S = learned_scores(G, model, ctx.u)
    final = P + model.subsector_bonus * S
    for pid, mult in penalties.items():
        r = table.rank.get(pid)
        if r is not None:
            final[r] *= mult
    order = np.lexsort((np.arange(table.n), -final))
    chosen: list[int] = []
    nodes = G.nodes
    for r in order:
        v = table.ids[int(r)]
        if eligible(v, nodes[v]):
            chosen.append(int(r))
            if len(chosen) == limit:
                break
    if not chosen:
        return []
    contrib = model.contributions(X[chosen])
    keys = sorted(set(EVIDENCE.values()))
    out: list[Recommendation] = []
    for row, r in enumerate(chosen):
        parts = {k: 0.0 for k in keys}
        for f, name in enumerate(model.features):
            parts[EVIDENCE[name]] += float(contrib[row, f])
        parts["probability"] = float(P[r])
        parts["bonus"] = model.subsector_bonus * float(S[r])
        v = table.ids[r]
        out.append(_explain_learned(G, scorer, ctx, v, float(final[r]), penalties.get(v, 1.0), parts,
                                    viewer_can_see))
    return out
