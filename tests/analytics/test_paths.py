"""Warm paths: trust, ranking, bounds and errors."""

from __future__ import annotations

import time

import pytest

from graph_service.analytics import MAX_HOPS, UnknownMember, build_collaboration_graph, warm_paths


@pytest.fixture
def routes(doc_factory):
    """s to t three ways: via a (0.9 * 0.9), via b (0.5 * 1), via c-d (1 * 1 * 1)."""
    doc = doc_factory(
        ["s", "t", "a", "b", "c", "d", "lone"],
        [
            ("s", "a", "knows", 0.9), ("a", "t", "knows", 0.9),
            ("s", "b", "knows", 0.5), ("b", "t", "knows", 1.0),
            ("s", "c"), ("c", "d"), ("d", "t"),
        ],
        events=[("e", ["s", "lone"])],  # a contact, never a hop
        introductions=[("c", "b", "proposed")],
    )
    return build_collaboration_graph(doc)


def test_ranked_by_trust(routes):
    paths = warm_paths(routes, "s", "t", k=3, max_hops=4)
    assert [p.members for p in paths] == [("s", "c", "d", "t"), ("s", "a", "t"), ("s", "b", "t")]
    assert [p.trust for p in paths] == pytest.approx([1.0, 0.81, 0.5])
    assert [p.length for p in paths] == [3, 2, 2]
    hop = paths[1].hops[0]
    assert (hop.source, hop.target, hop.kinds, hop.strength, hop.weight) == ("s", "a", ("knows",), 0.9, 0.9)


def test_max_hops_and_k(routes):
    assert [p.members for p in warm_paths(routes, "s", "t", max_hops=2)] == [("s", "a", "t"), ("s", "b", "t")]
    assert [p.members for p in warm_paths(routes, "s", "t", k=1)] == [("s", "c", "d", "t")]
    assert all(p.length <= 2 for p in warm_paths(routes, "s", "t", k=10, max_hops=2))
    assert len(warm_paths(routes, "s", "t", k=10, max_hops=6)) == 3


def test_equal_trust_fewer_hops_first(doc_factory):
    ties = [("s", "c"), ("c", "d"), ("d", "t"), ("s", "x"), ("x", "t")]
    G = build_collaboration_graph(doc_factory(["s", "t", "x", "c", "d"], ties))
    assert [p.members for p in warm_paths(G, "s", "t")] == [("s", "x", "t"), ("s", "c", "d", "t")]


def test_intermediaries_carry_their_load(routes):
    paths = warm_paths(routes, "s", "t")
    assert [(i.id, i.load) for i in paths[0].intermediaries] == [("c", 1), ("d", 0)]
    paths = warm_paths(routes, "s", "t", loads={"d": 5})
    assert [(i.id, i.load) for i in paths[0].intermediaries] == [("c", 0), ("d", 5)]


def test_no_path_is_empty(routes):
    assert warm_paths(routes, "s", "lone") == []  # co-attendance is not a tie
    assert warm_paths(routes, "s", "t", max_hops=1) == []


def test_errors(routes):
    with pytest.raises(ValueError):
        warm_paths(routes, "s", "s")
    with pytest.raises(ValueError):
        warm_paths(routes, "s", "t", max_hops=MAX_HOPS + 1)
    with pytest.raises(ValueError):
        warm_paths(routes, "s", "t", k=0)
    with pytest.raises(UnknownMember):
        warm_paths(routes, "s", "nobody")


def test_deadline_in_the_past_returns_what_was_found(routes):
    assert warm_paths(routes, "s", "t", deadline=time.monotonic() - 1) == []
    assert len(warm_paths(routes, "s", "t", deadline=time.monotonic() + 60)) == 3


def test_works_on_a_subgraph_view(routes):
    # the service hides members a viewer may not see by passing a subgraph view
    view = routes.subgraph([n for n in routes if n != "c"])
    assert [p.members for p in warm_paths(view, "s", "t")] == [("s", "a", "t"), ("s", "b", "t")]
