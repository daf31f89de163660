"""The collaboration graph: weights, ties versus contacts, graph attributes and subsets."""

from __future__ import annotations

import math
from datetime import date

import networkx as nx
import pytest

from graph_service.analytics import build_collaboration_graph, edge_kinds, subset, ties_graph


def test_noisy_or_weights_and_evidence(doc_factory):
    doc = doc_factory(
        ["a", "b", "c", "d", "e"] + [f"x{i}" for i in range(9)],
        [("a", "b", "knows", 0.5), ("c", "d", "collaborated", 0.6)],
        projects=[("p1", ["a", "b"])],
        events=[("small", ["a", "b", "c"]), ("big", ["c", "e"] + [f"x{i}" for i in range(9)])],
        introductions=[("d", "e", "collaborating")],
    )
    G = build_collaboration_graph(doc)
    ab = G["a"]["b"]
    # knows 0.5, one project 0.8, a 3-person event min(0.5, 1/2) = 0.5
    assert ab["knows"] == 0.5 and ab["collaborated"] == 1 and ab["events"] == ("small",)
    assert ab["weight"] == pytest.approx(1 - 0.5 * 0.2 * 0.5)
    assert ab["structural"] and edge_kinds(ab) == ("knows", "collaborated", "co-attended")
    # explicit collaborated tie contributes its own weight; co-attendance of 3 adds 0.5
    cd = G["c"]["d"]
    assert cd["collaborated"] == 1 and cd["weight"] == pytest.approx(1 - 0.4)
    # co-attendance only: a contact, not a tie; an 11-person event is worth 1/10
    ce = G["c"]["e"]
    assert ce["structural"] is False and ce["events"] == ("big",)
    assert ce["weight"] == pytest.approx(0.1)
    ac = G["a"]["c"]
    assert ac["structural"] is False and ac["weight"] == pytest.approx(0.5)
    de = G["d"]["e"]
    assert de["introduced"] and de["structural"] and de["weight"] == pytest.approx(0.5)
    assert G.graph["event_sizes"] == {"small": 3, "big": 11}


def test_node_attributes_and_intro_bookkeeping(doc_factory):
    doc = doc_factory(
        {
            "a": {"subsectors": ["gaming", "music"], "skills": ["s1"], "joined": "2020-05-01"},
            "b": {},
            "c": {},
        },
        [("a", "b")],
        events=[("e1", ["a", "c"])],
        introductions=[("a", "c", "proposed"), ("b", "c", "declined"), ("a", "b", "no-follow-up")],
    )
    G = build_collaboration_graph(doc)
    a = G.nodes["a"]
    assert a["subsector"] == "gaming" and a["subsectors"] == ("gaming", "music")
    assert a["skills"] == frozenset({"s1"}) and a["joined"] == "2020-05-01"
    assert a["events"] == frozenset({"e1"}) and a["node_type"] == "member"
    assert G.graph["open_pairs"] == frozenset({frozenset({"a", "c"})})
    assert G.graph["declined_pairs"] == frozenset({frozenset({"b", "c"})})
    assert G.graph["intro_load"] == {"a": 1, "c": 1}  # the manager facilitated it


def test_ties_graph_keeps_nodes_and_drops_contacts(doc_factory):
    doc = doc_factory(["a", "b", "c"], [("a", "b")], events=[("e", ["b", "c"])])
    G = build_collaboration_graph(doc)
    T = ties_graph(G)
    assert set(T.nodes) == {"a", "b", "c"}
    assert sorted(T.edges) == [("a", "b")]
    assert ties_graph(T) is T
    assert G.number_of_edges() == 2  # the original is untouched


def test_organisations_only_on_request(doc_factory):
    doc = doc_factory(["a", "b"], [("a", "o1"), ("a", "b")], organisations=[("o1", "space")])
    assert "o1" not in build_collaboration_graph(doc)
    G = build_collaboration_graph(doc, include_organisations=True)
    assert G.nodes["o1"]["node_type"] == "organisation" and G.nodes["o1"]["cluster"] == "space"
    assert G.nodes["o1"]["subsector"] is None and G.has_edge("a", "o1")


def test_nodes_and_edges_are_sorted_whatever_the_document_order(doc_factory):
    ties = [("c", "a"), ("b", "c"), ("a", "b")]
    G1 = build_collaboration_graph(doc_factory(["c", "b", "a"], ties))
    G2 = build_collaboration_graph(doc_factory(["a", "b", "c"], list(reversed(ties))))
    assert list(G1.nodes) == list(G2.nodes) == ["a", "b", "c"]
    assert list(G1.edges) == list(G2.edges)


def test_subset(doc_factory):
    doc = doc_factory(
        {
            "a": {"subsectors": ["gaming"], "joined": "2019-01-01", "skills": ["s"]},
            "b": {"subsectors": ["music", "gaming"], "joined": "2022-01-01"},
            "c": {"subsectors": ["music"]},
        },
        [("a", "b"), ("b", "c")],
    )
    G = build_collaboration_graph(doc)
    H = subset(G, subsector="gaming")
    assert sorted(H.nodes) == ["a", "b"] and H.has_edge("a", "b")
    assert H.graph["member_count"] == 2
    assert sorted(subset(G, joined_before=date(2020, 1, 1)).nodes) == ["a"]
    assert sorted(subset(G, subsector="gaming", joined_before=date(2023, 1, 1)).nodes) == ["a", "b"]
    with pytest.raises(ValueError):
        subset(G, subsector="cooking")


def test_event_weight_bounds():
    from graph_service.analytics import event_weight

    assert event_weight(1) == 0.0
    assert event_weight(2) == 0.5 and event_weight(3) == 0.5
    assert math.isclose(event_weight(201), 0.005)


def test_large_events_create_no_contacts_but_still_count(doc_factory):
    people = [f"p{i:03d}" for i in range(300)]
    G = build_collaboration_graph(doc_factory(people, events=[("gala", people)]), max_event_size=250)
    assert G.number_of_edges() == 0
    assert G.nodes["p000"]["events"] == frozenset({"gala"})
    assert isinstance(G, nx.Graph)
