"""Louvain communities, modularity and normalised mutual information."""

from __future__ import annotations

import math
import random

import pytest

from graph_service.analytics import (
    build_collaboration_graph,
    detect_communities,
    normalised_mutual_information,
)


def two_cliques(doc_factory, order=None):
    left, right = ["a1", "a2", "a3", "a4"], ["b1", "b2", "b3", "b4"]
    members = {m: {"subsectors": "design"} for m in left} | {m: {"subsectors": "music"} for m in right}
    ties = [(x, y) for grp in (left, right) for i, x in enumerate(grp) for y in grp[i + 1:]] + [("a4", "b1")]
    if order is not None:
        order.shuffle(ties)
        members = dict(sorted(members.items(), key=lambda kv: order.random()))
    return build_collaboration_graph(doc_factory(members, ties))


def test_two_cliques(doc_factory):
    report = detect_communities(two_cliques(doc_factory))
    assert [c.members for c in report.communities] == [("a1", "a2", "a3", "a4"), ("b1", "b2", "b3", "b4")]
    assert [c.id for c in report.communities] == ["c-1", "c-2"]
    assert report.communities[0].subsector_mix == {"design": 4}
    # m = 13 ties; each side: 6 internal ties, degree sum 3+3+3+4 = 13
    assert report.modularity == pytest.approx(2 * (6 / 13 - (13 / 26) ** 2))
    assert report.nmi == pytest.approx(1.0)


def test_isolated_members_are_singletons_and_sorting(doc_factory):
    triangle = [("a", "b"), ("b", "c"), ("a", "c")]
    G = build_collaboration_graph(doc_factory(["z", "y", "a", "b", "c"], triangle))
    report = detect_communities(G)
    assert [c.members for c in report.communities] == [("a", "b", "c"), ("y",), ("z",)]


def test_no_ties(doc_factory):
    report = detect_communities(build_collaboration_graph(doc_factory(["a", "b"])))
    assert report.modularity is None and len(report.communities) == 2


def test_deterministic_whatever_the_document_order(doc_factory):
    first = detect_communities(two_cliques(doc_factory))
    assert detect_communities(two_cliques(doc_factory)) == first
    assert detect_communities(two_cliques(doc_factory, random.Random(3))) == first
    with pytest.raises(ValueError):
        detect_communities(two_cliques(doc_factory), resolution=0)


def test_nmi_identical_and_independent():
    assert normalised_mutual_information([0, 0, 1, 1, 2], ["x", "x", "y", "y", "z"]) == pytest.approx(1.0)
    assert normalised_mutual_information([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(0.0)
    assert normalised_mutual_information([0, 0, 0], [1, 1, 1]) == 1.0
    assert normalised_mutual_information([0, 0, 0, 0], [0, 0, 1, 1]) == 0.0
    with pytest.raises(ValueError):
        normalised_mutual_information([0], [0, 1])


def test_nmi_hand_computed():
    # A = [0,0,1,1], B = [0,0,0,1]: joint counts (0,0)=2, (1,0)=1, (1,1)=1 over n = 4.
    mi = 0.5 * math.log(4 / 3) + 0.25 * math.log(2 / 3) + 0.25 * math.log(2)
    ha = math.log(2)
    hb = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    expected = mi / ((ha + hb) / 2)
    assert expected == pytest.approx(0.343712, abs=1e-5)  # = sklearn's normalized_mutual_info_score
    assert normalised_mutual_information([0, 0, 1, 1], [0, 0, 0, 1]) == pytest.approx(expected)
