"""The learned link predictor's leave-one-out, per-member ranking training (issue 13, item 6)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from graph_service.analytics import build_collaboration_graph, recommend, score_pairs
from graph_service.analytics.recommendations import fit_link_model
from graph_service.analytics.recommendations.learned import (
    FEATURES,
    L2_GRID,
    SINGLE_INDICES,
    _softmax_loss,
    _tie_pairs,
    leave_one_out_groups,
    table_for,
    without_ties,
)
from tests.analytics.test_recommendations import _events_graph


def _karate(doc_factory):
    G = nx.karate_club_graph()
    members = [f"k{n:02d}" for n in G.nodes]
    return build_collaboration_graph(doc_factory(members, [(f"k{a:02d}", f"k{b:02d}") for a, b in G.edges]))


def test_leave_one_out_rows_are_the_features_without_that_tie(doc_factory):
    G = _events_graph(doc_factory)
    table = table_for(G)
    for u in ("m000", "m041", "m117"):
        F = table.features(u, leave_out=True)
        plain = table.features(u)
        for v in sorted(z for z, d in G[u].items() if d["structural"]):
            H = without_ties(G, [(min(u, v), max(u, v))])
            expected = table_for(H).features(u)[table_for(H).rank[v]]
            assert F[table.rank[v]] == pytest.approx(expected)
        untied = [table.rank[v] for v in G if v != u and not G.has_edge(u, v)]
        assert F[untied] == pytest.approx(plain[untied])  # only tied rows change
    # the degrees of a tied pair lose the tie itself
    u, v = _tie_pairs(G)[0]
    row = table.features(u, leave_out=True)[table.rank[v]]
    lo, hi = row[FEATURES.index("degree_low")], row[FEATURES.index("degree_high")]
    degs = sorted(sum(1 for _, d in G[x].items() if d["structural"]) - 1 for x in (u, v))
    assert (lo, hi) == pytest.approx(tuple(np.log1p(degs)))


def test_every_present_tie_is_a_positive_against_its_sources_candidates(doc_factory):
    G = _events_graph(doc_factory)
    groups = leave_one_out_groups(G, seed=0)
    assert groups is not None
    ties = _tie_pairs(G)
    assert sum(len(p) for p in groups.pos) == 2 * len(ties)  # each tie from both of its ends
    assert int(groups.y.sum()) == 2 * len(ties)
    # per positive: two candidates at distance 2 and four drawn from everybody not tied
    assert len(groups.y) - int(groups.y.sum()) <= 6 * 2 * len(ties)
    assert len(groups.y) - int(groups.y.sum()) >= 4 * 2 * len(ties)
    assert all(len(w) == len(n) for w, n in zip(groups.log_w, groups.neg, strict=True))
    assert min(float(w.min()) for w in groups.log_w) >= 0.0


def test_softmax_gradient_is_the_loss_derivative():
    rng = np.random.default_rng(0)
    P = rng.normal(size=(5, 3))
    gp = np.array([0, 0, 1, 2, 2])
    N = rng.normal(size=(9, 3))
    starts = np.array([0, 4, 6])
    lw = rng.uniform(0, 1, size=9)
    w = rng.normal(size=3)
    loss, grad = _softmax_loss(w, P, gp, N, starts, lw, 0.01)
    eps = 1e-6
    numeric = [(_softmax_loss(w + eps * e, P, gp, N, starts, lw, 0.01)[0] - loss) / eps for e in np.eye(3)]
    assert grad == pytest.approx(numeric, abs=1e-4)


def test_the_ranking_model_is_deterministic_and_records_its_choice(doc_factory):
    G = _events_graph(doc_factory)
    m1, m2 = fit_link_model(G, seed=0), fit_link_model(_events_graph(doc_factory), seed=0)
    assert m1 is not None and m1 == m2
    allowed = {f"all features, l2={x:g}" for x in L2_GRID} | set(SINGLE_INDICES)
    assert m1.choice in allowed
    assert m1.positives == 2 * len(_tie_pairs(G))
    assert recommend(G, "m005", model=m1) == recommend(G, "m005", model=m2)
    if m1.choice in SINGLE_INDICES:  # an index alone: every other weight is zero
        assert [c != 0 for c in m1.coef] == [f == m1.choice for f in FEATURES]


def test_the_ranking_model_puts_round_table_members_first(doc_factory):
    # the signal is in the shared events: the ranking model must learn it
    G = _events_graph(doc_factory)
    model = fit_link_model(G, seed=0)
    assert model is not None and model.coef[FEATURES.index("shared_events")] > 0
    u = "m000"
    top = recommend(G, u, limit=5, model=model)
    assert sum(bool(r.shared_events) for r in top) >= 4
    assert all(0 < r.components["probability"] <= 1.0 and r.reasons for r in top)


def test_held_out_ties_rank_above_classical_indices_on_karate(doc_factory):
    import random

    G = _karate(doc_factory)
    ties = _tie_pairs(G)
    hidden = sorted(random.Random(7).sample(ties, 8))
    H = without_ties(G, hidden)
    model = fit_link_model(H, seed=7)
    assert model is not None
    members = sorted(H.nodes)
    tied = set(ties)
    neg = [(a, b) for i, a in enumerate(members) for b in members[i + 1:] if (a, b) not in tied]

    def auc(method, **kw):
        sp = score_pairs(H, hidden, method, **kw)
        sn = score_pairs(H, neg, method, **kw)
        return sum(1.0 if p > q else 0.5 if p == q else 0.0 for p in sp for q in sn) / (len(sp) * len(sn))

    assert auc("learned", model=model) > auc("adamic_adar")


def test_the_log_of_resource_allocation_is_a_feature_of_its_own(doc_factory):
    from graph_service.analytics import resource_allocation_scores
    from graph_service.analytics.recommendations.learned import RA_LOG_SCALE

    G = _karate(doc_factory)
    table = table_for(G)
    F = table.features("k00")
    ra = resource_allocation_scores(G, "k00")
    i, j = FEATURES.index("resource_allocation"), FEATURES.index("resource_allocation_log")
    for v, score in ra.items():
        assert F[table.rank[v], i] == pytest.approx(score)
        assert F[table.rank[v], j] == pytest.approx(np.log1p(RA_LOG_SCALE * score))
