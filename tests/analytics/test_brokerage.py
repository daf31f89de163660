"""Brokers, Gould-Fernandez roles, bridges, articulation points and cluster links."""

from __future__ import annotations

import pytest

from graph_service.analytics import brokerage_roles, brokers, build_collaboration_graph, cluster_links
from graph_service.domain import OTHER_CLUSTERS


def test_path(doc_factory):
    path = [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")]
    G = build_collaboration_graph(doc_factory(["a", "b", "c", "d", "e"], path))
    report = brokers(G)
    assert [b.id for b in report.brokers] == ["c", "b", "d", "a", "e"]
    top = report.brokers[0]
    assert top.betweenness == pytest.approx(4 / 6)  # 4 of the 6 pairs of other nodes
    assert report.brokers[1].betweenness == pytest.approx(3 / 6)
    assert top.effective_size == pytest.approx(2.0) and top.constraint == pytest.approx(0.5)
    assert top.roles.coordinator == 1 and top.roles.total == 1
    assert [(t.a, t.b, t.leaf) for t in report.bridge_ties] == [
        ("a", "b", True), ("b", "c", False), ("c", "d", False), ("d", "e", True)
    ]
    assert report.articulation_points == ("b", "c", "d")
    assert brokers(G) == report
    assert len(brokers(G, limit=2).brokers) == 2


def test_two_cliques_bridge(doc_factory):
    left, right = ["a1", "a2", "a3", "a4"], ["b1", "b2", "b3", "b4"]
    ties = [(x, y) for grp in (left, right) for i, x in enumerate(grp) for y in grp[i + 1:]] + [("a4", "b1")]
    G = build_collaboration_graph(doc_factory(left + right, ties))
    report = brokers(G)
    assert [(t.a, t.b, t.leaf) for t in report.bridge_ties] == [("a4", "b1", False)]
    assert report.articulation_points == ("a4", "b1")
    assert {b.id for b in report.brokers[:2]} == {"a4", "b1"}
    sampled = brokers(G, betweenness_k=4, seed=1)
    assert sampled.betweenness_k == 4 and sampled == brokers(G, betweenness_k=4, seed=1)


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        (("design", "design", "design"), "coordinator"),
        (("design", "gaming", "design"), "consultant"),
        (("design", "gaming", "gaming"), "gatekeeper/representative"),
        (("gaming", "gaming", "design"), "gatekeeper/representative"),
        (("design", "gaming", "music"), "liaison"),
    ],
)
def test_gould_fernandez_roles(doc_factory, groups, role):
    a, b, c = groups
    members = {"a": {"subsectors": a}, "b": {"subsectors": b}, "c": {"subsectors": c}}
    G = build_collaboration_graph(doc_factory(members, [("a", "b"), ("b", "c")]))
    roles = brokerage_roles(G, "b")
    expected = dict(coordinator=0.0, consultant=0.0, gatekeeper=0.0, representative=0.0, liaison=0.0)
    if role == "gatekeeper/representative":
        expected.update(gatekeeper=0.5, representative=0.5)
    else:
        expected[role] = 1.0
    assert {k: getattr(roles, k) for k in expected} == expected
    assert roles.total == 1
    # closing the triad removes the brokerage
    G2 = build_collaboration_graph(doc_factory(members, [("a", "b"), ("b", "c"), ("a", "c")]))
    assert brokerage_roles(G2, "b").total == 0


def test_roles_count_only_open_pairs(doc_factory):
    members = {"b": {"subsectors": "design"}, "s": {"subsectors": "design"}}
    members |= {x: {"subsectors": "gaming"} for x in "pqr"}
    ties = [("b", "p"), ("b", "q"), ("b", "r"), ("b", "s"), ("p", "q")]
    G = build_collaboration_graph(doc_factory(members, ties))
    roles = brokerage_roles(G, "b")
    # pairs: pq closed; pr, qr consultant; ps, qs, rs mixed
    assert (roles.consultant, roles.gatekeeper, roles.representative, roles.total) == (2, 1.5, 1.5, 5)


def test_cluster_links(doc_factory):
    doc = doc_factory(
        ["a", "b", "c"],
        [("a", "o1"), ("a", "o2"), ("b", "o1"), ("a", "b")],
        organisations=[("o1", "space"), ("o2", "space"), ("o3", "healthtech"), ("o4", "gastronomy")],
        events=[("e", ["c", "o3"])],
    )
    with pytest.raises(ValueError):
        cluster_links(build_collaboration_graph(doc))
    links = cluster_links(build_collaboration_graph(doc, include_organisations=True))
    assert [x.cluster for x in links] == list(OTHER_CLUSTERS) + ["gastronomy"]
    space = next(x for x in links if x.cluster == "space")
    assert space.organisations == 2 and space.ties == 3
    assert [(m.id, m.organisations) for m in space.members] == [("a", ("o1", "o2")), ("b", ("o1",))]
    health = next(x for x in links if x.cluster == "healthtech")
    assert health.members == ()  # meeting at an event is not a tie
