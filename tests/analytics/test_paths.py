"""Warm paths: no detours, the per-introducer rule, mutual contacts, evidence, bounds and errors."""

from __future__ import annotations

import itertools
import random
import time

import networkx as nx
import pytest

from graph_service.analytics import MAX_HOPS, UnknownMember, build_collaboration_graph, warm_paths
from graph_service.analytics import paths as paths_module
from graph_service.analytics.paths import HOP_DISCOUNT, is_induced, search_warm_paths


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


def _knows(*chain: str, w: float = 1.0) -> list[tuple[str, str, str, float]]:
    return [(a, b, "knows", w) for a, b in itertools.pairwise(chain)]


def test_ranked_by_trust_discounted_per_introducer(routes):
    # Before issue 13 the 3-hop path of trust 1.0 came first; now each introducer after the first divides
    # the score by four: a (0.81 x 0.25 = 0.2025), b (0.5 x 0.25 = 0.125), c-d (1.0 x 0.0625 = 0.0625).
    paths = warm_paths(routes, "s", "t", k=3, max_hops=4)
    assert [p.members for p in paths] == [("s", "a", "t"), ("s", "b", "t"), ("s", "c", "d", "t")]
    assert [p.trust for p in paths] == pytest.approx([0.81, 0.5, 1.0])
    assert [p.score for p in paths] == pytest.approx([0.2025, 0.125, 0.0625])
    assert [p.length for p in paths] == [2, 2, 3]
    assert [p.introducers for p in paths] == [1, 1, 2]
    assert [p.mutual_contact for p in paths] == [True, True, False]
    hop = paths[0].hops[0]
    assert (hop.source, hop.target, hop.kinds, hop.strength, hop.weight, hop.evidence) == (
        "s", "a", ("knows",), 0.9, 0.9, "knows")


def test_rank_reason_states_the_rule(routes):
    first, _, last = warm_paths(routes, "s", "t")
    assert first.rank_reason == "1 introducer (A, a contact you share); trust 0.81; score 0.203 = trust × 0.25^1"
    assert last.rank_reason == "2 introducers; trust 1.00; score 0.062 = trust × 0.25^2"


def test_max_hops_and_k(routes):
    assert [p.members for p in warm_paths(routes, "s", "t", max_hops=2)] == [("s", "a", "t"), ("s", "b", "t")]
    assert [p.members for p in warm_paths(routes, "s", "t", k=1)] == [("s", "a", "t")]  # was s-c-d-t
    assert all(p.length <= 2 for p in warm_paths(routes, "s", "t", k=10, max_hops=2))
    assert len(warm_paths(routes, "s", "t", k=10, max_hops=6)) == 3


def test_equal_trust_fewer_hops_first(doc_factory):
    ties = [("s", "c"), ("c", "d"), ("d", "t"), ("s", "x"), ("x", "t")]
    G = build_collaboration_graph(doc_factory(["s", "t", "x", "c", "d"], ties))
    assert [p.members for p in warm_paths(G, "s", "t")] == [("s", "x", "t"), ("s", "c", "d", "t")]


def test_a_detour_is_never_offered(doc_factory):
    # s knows x and y, x knows y: s-x-y-t is a detour of s-y-t, however strong its ties.
    # In the middle: a-b-c with a also tied to c (by a project) makes s-a-b-c-t a detour of s-a-c-t.
    doc = doc_factory(
        ["s", "t", "x", "y", "a", "b", "c"],
        _knows("s", "x", "y", "t") + [("s", "y", "knows", 0.2)]
        + _knows("s", "a", "b", "c", "t") + [("a", "c", "knows", 0.3)],
    )
    G = build_collaboration_graph(doc)
    paths = warm_paths(G, "s", "t", k=10, max_hops=6)
    assert [p.members for p in paths] == [("s", "y", "t"), ("s", "a", "c", "t")]
    assert all(is_induced(G, p.members) for p in paths)


def test_a_co_attendance_is_no_hop_and_no_detour(doc_factory):
    # s and y only met at a round table: not a tie, so s-x-y-t is no detour, and s-y is no hop.
    doc = doc_factory(["s", "t", "x", "y"], _knows("s", "x", "y", "t"), events=[("e", ["s", "y"])])
    G = build_collaboration_graph(doc)
    assert [p.members for p in warm_paths(G, "s", "t")] == [("s", "x", "y", "t")]


def test_tied_ends_have_the_tie_only(doc_factory):
    # Every longer path has the tie s-t as a chord.
    doc = doc_factory(["s", "t", "x"], [("s", "t", "knows", 0.2)] + _knows("s", "x", "t"))
    paths = warm_paths(build_collaboration_graph(doc), "s", "t", k=5)
    assert [p.members for p in paths] == [("s", "t")]
    assert paths[0].introducers == 0 and paths[0].score == pytest.approx(0.2)
    assert paths[0].rank_reason.startswith("no introducer (a direct tie); trust 0.20")


def _rule_graph(doc_factory, mutual_ties: tuple[float, float]):
    """s-m-t through the mutual contact m with the given ties, and s-a-b-c-t of four ties of 1."""
    ties = [("s", "m", "knows", mutual_ties[0]), ("m", "t", "knows", mutual_ties[1])] + _knows("s", "a", "b", "c", "t")
    return build_collaboration_graph(doc_factory(["s", "t", "m", "a", "b", "c"], ties))


def test_one_introducer_before_a_more_trusted_long_chain(doc_factory):
    # The 4-hop chain has trust 1.0 > 0.3, but three introducers: score 1.0 x 0.25^3 < 0.3 x 0.25.
    paths = warm_paths(_rule_graph(doc_factory, (0.6, 0.5)), "s", "t", k=2)
    assert [p.members for p in paths] == [("s", "m", "t"), ("s", "a", "b", "c", "t")]
    assert paths[1].trust > paths[0].trust and paths[0].score > paths[1].score


def test_a_long_chain_first_when_clearly_more_trusted(doc_factory):
    # Trust 1.0 is more than 1 / 0.25^2 = 16 times 0.05: the rule puts the chain first, and says why.
    paths = warm_paths(_rule_graph(doc_factory, (0.25, 0.2)), "s", "t", k=2)
    assert [p.members for p in paths] == [("s", "a", "b", "c", "t"), ("s", "m", "t")]
    assert paths[0].score == pytest.approx(0.015625) and paths[1].score == pytest.approx(0.0125)
    assert paths[0].rank_reason.endswith("ahead of the 1 introducer path below: its trust is more than 16 times 0.05")


def test_exactly_the_discount_keeps_fewer_introducers_first(doc_factory):
    # 16 times the trust is not more than 16 times: equal scores, fewer hops first.
    paths = warm_paths(_rule_graph(doc_factory, (0.25, 0.25)), "s", "t", k=2)
    assert paths[0].score == pytest.approx(paths[1].score)
    assert [p.length for p in paths] == [2, 4]


def test_every_mutual_contact_is_offered(doc_factory):
    # Five mutual contacts of falling trust (scores 0.25, 0.2, 0.1, 0.0625, 0.025); two strong chains
    # s-a-b-t and s-c-d-t (trust 1, score 0.0625) beat only the weakest mutual contact by the rule, and
    # tie with m4, which has fewer hops.
    mutual = {"m1": 1.0, "m2": 0.8, "m3": 0.4, "m4": 0.25, "m5": 0.1}
    ties = [(x, e, "knows", w) for x, w in mutual.items() for e in ("s", "t")]
    ties = [(a, b, k, w ** 0.5) for a, b, k, w in ties] + _knows("s", "a", "b", "t") + _knows("s", "c", "d", "t")
    G = build_collaboration_graph(doc_factory(["s", "t", "a", "b", "c", "d", *mutual], ties))
    five = warm_paths(G, "s", "t", k=5)
    assert [p.members[1] for p in five] == ["m1", "m2", "m3", "m4", "m5"]  # k = 5 mutual contacts: all of them
    assert all(p.mutual_contact and p.introducers == 1 for p in five)
    assert [p.members[1] for p in warm_paths(G, "s", "t", k=3)] == ["m1", "m2", "m3"]  # the best ones
    seven = warm_paths(G, "s", "t", k=7)
    assert [p.members[1] for p in seven] == ["m1", "m2", "m3", "m4", "a", "c", "m5"]  # then ordered by the rule
    six = warm_paths(G, "s", "t", k=6)
    assert {p.members for p in six} <= {p.members for p in seven}  # growing k only adds
    assert {p.members[1] for p in six if p.mutual_contact} == set(mutual)


def test_hop_strength_from_its_strongest_evidence(doc_factory):
    doc = doc_factory(
        ["s", "t", "x", "y"],
        [("s", "x", "knows", 0.3), ("y", "t", "knows", 0.4)],
        projects=[("p", ["s", "x"])],  # s-x: knows 0.3 and a project (0.8)
        introductions=[("x", "y", "collaborating")],  # x-y: an introduction that worked (0.5)
        events=[("round-table", ["y", "t", "s"])],  # y-t: knows 0.4 and a three-person event (0.5)
    )
    G = build_collaboration_graph(doc)
    (path,) = warm_paths(G, "s", "t")
    assert [(h.evidence, h.kinds) for h in path.hops] == [
        ("collaborated", ("knows", "collaborated")),
        ("introduced", ("introduced",)),
        ("co-attended", ("knows", "co-attended")),
    ]
    assert [h.strength for h in path.hops] == pytest.approx([0.8, 0.5, 0.5])
    assert [h.weight for h in path.hops] == pytest.approx([1 - 0.7 * 0.2, 0.5, 1 - 0.6 * 0.5])
    assert path.trust == pytest.approx(0.86 * 0.5 * 0.7)


def test_intermediaries_carry_their_load(routes):
    (_, _, chain) = warm_paths(routes, "s", "t")
    assert [(i.id, i.load) for i in chain.intermediaries] == [("c", 1), ("d", 0)]
    (_, _, chain) = warm_paths(routes, "s", "t", loads={"d": 5})
    assert [(i.id, i.load) for i in chain.intermediaries] == [("c", 0), ("d", 5)]


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
    assert search_warm_paths(routes, "s", "t", deadline=time.monotonic() - 1).complete is False
    assert len(warm_paths(routes, "s", "t", deadline=time.monotonic() + 60)) == 3


def _grid() -> nx.Graph[str]:
    """A 7 x 7 grid of ties: from corner 0.0 to 3.3, twenty induced paths of six hops, no mutual contact."""
    G: nx.Graph[str] = nx.Graph()
    for (a, b) in nx.grid_2d_graph(7, 7).edges():
        G.add_edge(f"{a[0]}.{a[1]}", f"{b[0]}.{b[1]}", weight=0.9, knows=0.9, structural=True)
    return G


def test_deadline_passing_mid_search_returns_what_was_found(routes, monkeypatch):
    clock = itertools.count()  # each reading of the clock is one second later
    monkeypatch.setattr(paths_module.time, "monotonic", lambda: float(next(clock)))
    found = search_warm_paths(routes, "s", "t", k=3, deadline=0.5)  # passes after the first reading
    assert found.complete is False
    assert [p.members for p in found.paths] == [("s", "a", "t"), ("s", "b", "t")]  # the chain was not reached


def test_the_work_is_bounded(monkeypatch):
    whole = search_warm_paths(_grid(), "0.0", "3.3", k=10, max_hops=6)
    assert whole.complete and len(whole.paths) == 10 and all(p.length == 6 for p in whole.paths)
    assert warm_paths(_grid(), "0.0", "3.3", k=10, max_hops=5) == []
    monkeypatch.setattr(paths_module, "MAX_EXPANSIONS", 5)
    cut = search_warm_paths(_grid(), "0.0", "3.3", k=10, max_hops=6)
    assert cut.complete is False and cut.expanded == 5
    assert all(is_induced(_grid(), p.members) for p in cut.paths)


def _every_induced_path_by_the_rule(G: nx.Graph[str], s: str, t: str, k: int, max_hops: int) -> list[tuple[str, ...]]:
    """The answer by brute force: every simple path of ties, the induced ones, ranked by the rule,
    the best min(k, m) mutual contacts kept."""
    T = nx.Graph([(a, b, d) for a, b, d in G.edges(data=True) if d.get("structural", True)])
    T.add_nodes_from(G)

    def key(p: tuple[str, ...]) -> tuple[float, int, float, tuple[str, ...]]:
        trust = 1.0
        for a, b in itertools.pairwise(p):
            trust *= T[a][b]["weight"]
        return (-round(trust * HOP_DISCOUNT ** (len(p) - 2), 12), len(p), -round(trust, 12), p)

    every = sorted((tuple(p) for p in nx.all_simple_paths(T, s, t, cutoff=max_hops) if is_induced(G, p)), key=key)
    mutual = [p for p in every if len(p) == 3]
    if len(mutual) >= k:
        return mutual[:k]
    return sorted(mutual + [p for p in every if len(p) != 3][: k - len(mutual)], key=key)


def test_exactly_the_best_induced_paths_on_random_graphs():
    rng = random.Random(13)
    for trial in range(120):
        n = rng.randint(5, 13)
        G: nx.Graph[str] = nx.Graph()
        G.add_nodes_from(str(i) for i in range(n))
        for a, b in nx.gnp_random_graph(n, rng.uniform(0.15, 0.5), seed=trial).edges():
            w = rng.choice([1.0, 0.5, 0.25, round(rng.uniform(0.05, 1.0), 3)])
            G.add_edge(str(a), str(b), weight=w, knows=w, structural=rng.random() > 0.15)
        for _ in range(4):
            s, t = rng.sample(sorted(G), 2)
            k, max_hops = rng.randint(1, 8), rng.randint(1, MAX_HOPS)
            paths = warm_paths(G, s, t, k=k, max_hops=max_hops)
            assert [p.members for p in paths] == _every_induced_path_by_the_rule(G, s, t, k, max_hops), (trial, s, t)
            assert all(is_induced(G, p.members) and 1 <= p.length <= max_hops for p in paths)
            assert [p.score for p in paths] == sorted((p.score for p in paths), reverse=True)


def test_works_on_a_subgraph_view(routes):
    # the service hides members a viewer may not see by passing a subgraph view
    view = routes.subgraph([n for n in routes if n != "c"])
    assert [p.members for p in warm_paths(view, "s", "t")] == [("s", "a", "t"), ("s", "b", "t")]
