"""Communities (Leiden and Louvain, on ties or on all the evidence), modularity and normalised
mutual information, on hand-known graphs; and the communities answer over HTTP."""

from __future__ import annotations

import math
import random
from typing import Any

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from graph_service.analytics import (
    build_collaboration_graph,
    detect_communities,
    event_weight,
    normalised_mutual_information,
)
from graph_service.analytics.communities import community_graph
from seed.generator import generate_cluster

A = [f"a{i}" for i in range(1, 6)]
B = [f"b{i}" for i in range(1, 6)]


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


@pytest.mark.parametrize("method", ["leiden", "louvain"])
def test_deterministic_whatever_the_document_order(doc_factory, method):
    first = detect_communities(two_cliques(doc_factory), method=method)
    assert first.method == method and first.evidence == "all" and first.seed == 42
    assert detect_communities(two_cliques(doc_factory), method=method) == first
    assert detect_communities(two_cliques(doc_factory, random.Random(3)), method=method) == first
    with pytest.raises(ValueError):
        detect_communities(two_cliques(doc_factory), method=method, resolution=0)


def test_unknown_options_are_refused(doc_factory):
    G = two_cliques(doc_factory)
    with pytest.raises(ValueError, match="evidence"):
        detect_communities(G, evidence="rumours")
    with pytest.raises(ValueError, match="method"):
        detect_communities(G, method="girvan-newman")


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


# --- Attendance as evidence -------------------------------------------------------------------


def round_tables(doc_factory, *, reception: int = 0):
    """The two-mode network of two known groups and no ties: a1..a5 (design) meet at the round
    tables e1 and e2, b1..b5 (music) at e3 and e4. With ``reception``, that many more members
    and all ten attend one big event, which must glue nobody together."""
    members: dict[str, Any] = {m: {"subsectors": "design"} for m in A} | {m: {"subsectors": "music"} for m in B}
    guests = [f"g{i:02d}" for i in range(reception)]
    members |= {g: {"subsectors": "gaming"} for g in guests}
    events: list[tuple[str, list[str]]] = [("e1", A), ("e2", A), ("e3", B), ("e4", B)]
    if reception:
        events.append(("e5", A + B + guests))
    return build_collaboration_graph(doc_factory(members, [], events=events))


@pytest.mark.parametrize("method", ["leiden", "louvain"])
def test_attendance_alone_gives_the_two_groups(doc_factory, method):
    G = round_tables(doc_factory)
    report = detect_communities(G, method=method)
    assert [c.members for c in report.communities] == [tuple(A), tuple(B)]
    assert [c.subsector_mix for c in report.communities] == [{"design": 5}, {"music": 5}]
    assert report.nmi == pytest.approx(1.0)
    # Each group is a 5-clique of contacts of one weight, 1 - (1 - 1/4)^2 (two events of five):
    # the projection's weight, not a second rule.
    w = 1 - (1 - event_weight(5)) ** 2
    assert G.number_of_edges() == 20
    assert all(d["weight"] == pytest.approx(w) for _, _, d in G.edges(data=True))
    # Q = sum over the two groups of 10w/20w - (20w/40w)^2 = 2 * (1/2 - 1/4)
    assert report.modularity == pytest.approx(0.5)


@pytest.mark.parametrize("method", ["leiden", "louvain"])
def test_ties_only_gives_one_community_per_member(doc_factory, method):
    report = detect_communities(round_tables(doc_factory), evidence="ties", method=method)
    assert report.evidence == "ties"
    assert [c.members for c in report.communities] == [(m,) for m in sorted(A + B)]
    assert report.modularity is None  # no ties: modularity undefined


def test_events_above_fifty_people_glue_nobody(doc_factory):
    G = round_tables(doc_factory, reception=45)  # e5: 55 people
    report = detect_communities(G)
    assert [c.members for c in report.communities[:2]] == [tuple(A), tuple(B)]
    assert all(c.size == 1 for c in report.communities[2:]) and len(report.communities) == 47


def test_ties_and_attendance_add_up(doc_factory):
    # Two ties of strength 0.5 across the groups (a1-b1, a2-b2) do not undo what the round
    # tables hold together; with ties only, those two pairs are the only communities of two.
    members: dict[str, Any] = {m: {"subsectors": "design"} for m in A} | {m: {"subsectors": "music"} for m in B}
    doc = doc_factory(members, [("a1", "b1", "knows", 0.5), ("a2", "b2", "knows", 0.5)],
                      events=[("e1", A), ("e2", A), ("e3", B), ("e4", B)])
    G = build_collaboration_graph(doc)
    everything = detect_communities(G)
    assert [c.members for c in everything.communities] == [tuple(A), tuple(B)]
    ties = detect_communities(G, evidence="ties")
    assert [c.members for c in ties.communities if c.size > 1] == [("a1", "b1"), ("a2", "b2")]


# --- Leiden: connected, seeded, deterministic; modularity on the graph partitioned ------------


def _disconnected(H: nx.Graph, report) -> list[tuple[str, ...]]:
    return [c.members for c in report.communities if c.size > 1 and not nx.is_connected(H.subgraph(c.members))]


def _random_weighted(kind: str, seed: int) -> nx.Graph:
    rng = random.Random(seed)
    if kind == "partition":
        G = nx.random_partition_graph([30, 25, 20, 15, 10], 0.25, 0.03, seed=seed)
    elif kind == "powerlaw":
        G = nx.powerlaw_cluster_graph(150, 2, 0.3, seed=seed)
    else:
        G = nx.gnp_random_graph(120, 0.03, seed=seed)  # sparse: several components and isolates
    H: nx.Graph = nx.Graph()
    H.add_nodes_from((f"n{v:03d}", {"subsector": "design" if v % 2 else "music"}) for v in G.nodes)
    H.add_edges_from((f"n{u:03d}", f"n{v:03d}", {"weight": rng.uniform(0.05, 1.0)}) for u, v in G.edges)
    return H


@pytest.mark.parametrize("kind", ["partition", "powerlaw", "sparse"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_leiden_communities_are_connected(kind, seed):
    H = _random_weighted(kind, seed)
    report = detect_communities(H, seed=seed)
    assert _disconnected(H, report) == []
    assert sorted(m for c in report.communities for m in c.members) == sorted(H.nodes)


def test_leiden_connects_what_louvain_splits():
    # On the ties of the 20,000-member seed cluster of seed 3, networkx's Louvain (seed 42) returns
    # one community of 304 members in two pieces (4 and 300) that no tie joins: the defect
    # Traag, Waltman & van Eck (2019) set out to fix. (The first assertion is the premise, found
    # by search with networkx 3.6; if a later networkx no longer splits it, find another graph.)
    G = build_collaboration_graph(generate_cluster(20_000, 3)[0])
    T = community_graph(G, "ties")
    louvain = detect_communities(G, evidence="ties", method="louvain")
    split = _disconnected(T, louvain)
    assert [sorted(len(p) for p in nx.connected_components(T.subgraph(c))) for c in split] == [[4, 300]]
    leiden = detect_communities(G, evidence="ties")
    assert _disconnected(T, leiden) == []
    assert leiden.modularity > louvain.modularity


@pytest.mark.parametrize("evidence", ["all", "ties"])
def test_leiden_on_the_seeded_cluster(evidence):
    G = build_collaboration_graph(generate_cluster(300, 42)[0])
    H = community_graph(G, evidence)
    report = detect_communities(G, evidence=evidence)
    assert _disconnected(H, report) == []
    assert detect_communities(G, evidence=evidence) == report  # two runs, one partition
    louvain = detect_communities(G, evidence=evidence, method="louvain")
    assert report.modularity >= louvain.modularity - 0.01  # at least as good a partition


def test_leiden_is_seeded_and_leaves_the_random_module_alone():
    H = _random_weighted("powerlaw", 7)
    random.seed(1)
    expected = random.random()
    random.seed(1)
    first = detect_communities(H, seed=42)
    assert random.random() == expected  # igraph drew from its own generator, not from `random`
    random.seed(99)  # whatever the state of `random`, the same seed gives the same partition
    assert detect_communities(H, seed=42) == first


@pytest.mark.parametrize("method", ["leiden", "louvain"])
@pytest.mark.parametrize("evidence", ["all", "ties"])
@pytest.mark.parametrize("resolution", [1.0, 1.5])
def test_modularity_is_that_of_the_graph_partitioned(method, evidence, resolution):
    G = build_collaboration_graph(generate_cluster(300, 42)[0])
    H = community_graph(G, evidence)
    report = detect_communities(G, evidence=evidence, method=method, resolution=resolution)
    parts = [set(c.members) for c in report.communities]
    assert report.modularity == pytest.approx(
        nx.community.modularity(H, parts, weight="weight", resolution=resolution), abs=1e-12)
    if evidence == "all":  # ... and not that of the ties graph, which has fewer edges
        T = community_graph(G, "ties")
        assert report.modularity != pytest.approx(
            nx.community.modularity(T, parts, weight="weight", resolution=resolution))


# --- Over HTTP, against the real Neo4j -------------------------------------------------------


def _round_tables_document() -> dict[str, Any]:
    def member(ident: str, subsector: str) -> dict[str, Any]:
        return {"id": ident, "name": f"Member {ident}", "subsectors": [subsector], "skills": [],
                "visibility": "members", "joined": "2020-01-01"}

    def event(ident: str, day: int, attendees: list[str]) -> dict[str, Any]:
        return {"id": ident, "title": f"Round table {ident}", "date": f"2025-03-{day:02d}",
                "format": "round-table", "attendees": attendees}

    return {"members": [member(m, "design") for m in A] + [member(m, "music") for m in B],
            "events": [event("e1", 1, A), event("e2", 8, A), event("e3", 2, B), event("e4", 9, B)]}


def test_communities_over_http_from_attendance_or_ties_only(client: TestClient) -> None:
    r = client.post("/api/v1/import", json=_round_tables_document(), params={"replace": True})
    assert r.status_code == 200, r.text
    default = client.get("/api/v1/analytics/communities").json()
    assert default["method"] == "leiden" and default["evidence"] == "all" and default["seed"] == 42
    assert [c["members"] for c in default["communities"]] == [A, B]
    assert default["modularity"] == pytest.approx(0.5) and default["nmi"] == pytest.approx(1.0)
    ties = client.get("/api/v1/analytics/communities", params={"evidence": "ties"}).json()
    assert ties["evidence"] == "ties" and ties["modularity"] is None
    assert [c["members"] for c in ties["communities"]] == [[m] for m in sorted(A + B)]
    louvain = client.get("/api/v1/analytics/communities", params={"method": "louvain"}).json()
    assert louvain["method"] == "louvain" and louvain["communities"] == default["communities"]
    design = client.get("/api/v1/analytics/communities", params={"subsector": "design"}).json()
    assert [c["members"] for c in design["communities"]] == [A]
    bad = client.get("/api/v1/analytics/communities", params={"evidence": "rumours"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "evidence"]
    assert client.get("/api/v1/analytics/communities", params={"method": "girvan"}).status_code == 422


@pytest.mark.parametrize("method", ["leiden", "louvain"])
def test_a_filtered_view_gives_the_answer_of_its_copy(doc_factory, method):
    # A view of the graph (what a member's map computes on: networkx hands out read-only
    # filtered adjacency rows there, not dicts) gives the same communities as a plain copy of it.
    G = two_cliques(doc_factory)
    view = nx.subgraph_view(G, filter_node=lambda n: n != "a1")
    copy = nx.Graph(view)
    seen, expected = detect_communities(view, method=method), detect_communities(copy, method=method)
    assert [c.members for c in seen.communities] == [c.members for c in expected.communities]
    assert seen.modularity == pytest.approx(expected.modularity)
