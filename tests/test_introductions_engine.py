"""The introductions engine over HTTP, against the real database, on graphs whose answers are known by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from graph_service.services.views import ProjectionCache


def _member(ident: str, subsector: str, skills: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {"id": ident, "name": f"Member {ident}", "subsectors": [subsector], "skills": skills or [],
            "visibility": "members", "joined": "2020-01-01", **extra}


def _knows(a: str, b: str, w: float = 0.8) -> dict[str, Any]:
    return {"source": a, "target": b, "kind": "knows", "weight": w}


def _load(client: TestClient, doc: dict[str, Any]) -> None:
    r = client.post("/api/v1/import", json=doc, params={"replace": True})
    assert r.status_code == 200, r.text


SKILLS = [
    {"id": "bim-modelling", "name": "BIM modelling", "subsector": "architecture"},
    {"id": "game-design", "name": "Game design", "subsector": "gaming"},
    {"id": "sound-design", "name": "Sound design", "subsector": "music"},
    {"id": "3d-animation", "name": "3D animation", "subsector": "film-audiovisual"},
]


def path_graph() -> dict[str, Any]:
    """a - b - c - d - e, in two subsectors."""
    ids = ["a", "b", "c", "d", "e"]
    return {"skills": SKILLS,
            "members": [_member(i, "design" if i in "abc" else "music") for i in ids],
            "ties": [_knows(x, y) for x, y in zip(ids, ids[1:], strict=False)]}


def two_cliques() -> dict[str, Any]:
    """Two 4-cliques (design: p1..p4, gaming: q1..q4) joined by the single tie p4 - q1."""
    left, right = [f"p{i}" for i in range(1, 5)], [f"q{i}" for i in range(1, 5)]
    ties = [_knows(x, y) for group in (left, right) for i, x in enumerate(group) for y in group[i + 1:]]
    ties.append(_knows("p4", "q1", 0.5))
    return {"skills": SKILLS,
            "members": [_member(i, "design") for i in left] + [_member(i, "gaming") for i in right],
            "ties": ties}


def test_middle_of_a_path_is_the_top_bridge(client: TestClient) -> None:
    _load(client, path_graph())
    body = client.get("/api/v1/analytics/bridges").json()
    assert body["items"][0]["id"] == "c"
    assert body["items"][0]["betweenness"] == 4 / 6  # 4 of the 6 pairs not involving c, normalised
    assert sorted(body["articulation_points"]) == ["b", "c", "d"]
    assert len(body["bridge_ties"]) == 4


def test_two_cliques_joined_by_one_tie(client: TestClient) -> None:
    _load(client, two_cliques())
    comm = client.get("/api/v1/analytics/communities").json()
    groups = sorted(sorted(c["members"]) for c in comm["communities"])
    assert groups == [["p1", "p2", "p3", "p4"], ["q1", "q2", "q3", "q4"]]
    assert comm["nmi"] == 1.0  # the communities are exactly the subsectors
    # Modularity by hand: m = 13 ties (weights 0.8 x 12 and 0.5 x 1); see test_analytics for the unweighted case.
    assert 0.40 < comm["modularity"] < 0.47
    bridges = client.get("/api/v1/analytics/bridges").json()
    assert [(t["a"], t["b"]) for t in bridges["bridge_ties"]] == [("p4", "q1")]
    assert bridges["articulation_points"] == ["p4", "q1"]
    sub = {s["id"]: s for s in client.get("/api/v1/analytics/subsectors").json()["items"]}
    assert sub["design"]["internal_ties"] == 6 and sub["design"]["external_ties"] == 1
    assert sub["design"]["ei_index"] == (1 - 6) / (1 + 6)
    assert sub["design"]["linked_to"] == {"gaming": 1}
    assert sub["design"]["share_without_external"] == 0.75
    matrix = client.get("/api/v1/analytics/subsector-matrix").json()
    d, g = matrix["ids"].index("design"), matrix["ids"].index("gaming")
    assert matrix["counts"][d][g] == 1 and matrix["counts"][d][d] == 6
    assert matrix["densities"][d][d] == 1.0 and matrix["densities"][d][g] == 1 / 16


def test_member_without_ties_gets_recommendations_from_skills(client: TestClient) -> None:
    doc = two_cliques()
    doc["members"].append(_member("loner", "architecture", ["bim-modelling"]))
    doc["members"][0]["skills"] = ["game-design"]
    doc["members"][5]["skills"] = ["sound-design", "3d-animation"]
    _load(client, doc)
    r = client.get("/api/v1/members/loner/recommendations").json()
    ids = [x["id"] for x in r["items"]]
    assert ids[:2] == ["q2", "p1"]  # two skills they lack beat one
    assert any("Brings skills you lack" in reason for reason in r["items"][0]["reasons"])


def test_tied_and_open_pairs_are_never_recommended(client: TestClient) -> None:
    doc = two_cliques()
    doc["introductions"] = [{"id": "i-1", "a": "p4", "b": "q2", "date": "2026-01-01", "status": "proposed"},
                            {"id": "i-2", "a": "q3", "b": "p4", "date": "2026-01-01", "status": "declined"}]
    _load(client, doc)
    ids = {x["id"] for x in client.get("/api/v1/members/p4/recommendations").json()["items"]}
    assert ids.isdisjoint({"p1", "p2", "p3", "q1", "p4"})  # tied, or itself
    assert "q2" not in ids and "q3" not in ids  # open and declined introductions
    assert ids == {"q4"}


def test_recommendation_reasons_name_only_visible_contacts(
    client: TestClient, member_client: Callable[[str], TestClient]
) -> None:
    doc = path_graph()
    doc["members"][1]["visibility"] = "private"  # b is the shared contact of a and c
    doc["members"].append(_member("f", "design"))
    doc["ties"] += [_knows("a", "f"), _knows("c", "f")]
    _load(client, doc)
    # The member sees a recommendation computed without b at all: not named, not counted.
    top = member_client("a").get("/api/v1/members/a/recommendations").json()["items"][0]
    assert top["id"] == "c"
    text = " ".join(top["reasons"])
    assert "Member f" in text and "Member b" not in text
    assert top["shared_contact_count"] == 1
    # The manager sees everything.
    top = client.get("/api/v1/members/a/recommendations").json()["items"][0]
    assert top["id"] == "c" and top["shared_contact_count"] == 2 and "Member b" in " ".join(top["reasons"])


def test_recommendations_filters_and_determinism(client: TestClient) -> None:
    _load(client, two_cliques())
    first = client.get("/api/v1/members/p1/recommendations").json()
    assert first == client.get("/api/v1/members/p1/recommendations").json()
    assert {x["id"] for x in first["items"]} == {"q1", "q2", "q3", "q4"}
    assert first["items"][0]["id"] == "q1"  # the only one two hops away
    cross = client.get("/api/v1/members/p1/recommendations", params={"cross_sector": True}).json()
    assert {x["id"] for x in cross["items"]} == {"q1", "q2", "q3", "q4"}
    assert client.get("/api/v1/members/p1/recommendations", params={"subsector": "music"}).json()["items"] == []
    r = client.get("/api/v1/members/p1/recommendations", params={"skill": "no-such-skill"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "skill"]
    assert client.get("/api/v1/members/zz/recommendations").status_code == 404


def test_paths_respect_max_hops_and_rank_by_trust(client: TestClient) -> None:
    doc = path_graph()
    doc["ties"].append(_knows("a", "e", 0.1))  # a weak direct tie closes the ring
    doc["members"].append(_member("x", "music"))
    doc["ties"] += [_knows("a", "x", 0.9), _knows("x", "d", 0.9)]
    _load(client, doc)
    body = client.get("/api/v1/members/a/paths/d", params={"k": 3, "max_hops": 3}).json()
    paths = [p["members"] for p in body["items"]]
    assert paths[0] == ["a", "x", "d"]
    assert all(len(p) - 1 <= 3 for p in paths)
    assert ["a", "b", "c", "d"] in paths and ["a", "e", "d"] in paths
    hop = body["items"][0]["hops"][0]
    assert hop["kinds"] == ["knows"] and hop["strength"] == 0.9
    assert body["items"][0]["intermediaries"][0]["id"] == "x"
    none = client.get("/api/v1/members/b/paths/x", params={"max_hops": 1}).json()
    assert none["items"] == [] and "No path of at most 1 hops" in none["message"]
    assert client.get("/api/v1/members/a/paths/d", params={"max_hops": 7}).status_code == 422


def test_analyses_on_a_subset(client: TestClient) -> None:
    doc = two_cliques()
    for m in doc["members"]:
        if m["id"].startswith("q"):
            m["joined"] = "2024-06-01"
    _load(client, doc)
    early = client.get("/api/v1/analytics/communities", params={"joined_before": "2023-01-01"}).json()
    assert [c["members"] for c in early["communities"]] == [["p1", "p2", "p3", "p4"]]
    gaming = client.get("/api/v1/analytics/bridges", params={"subsector": "gaming"}).json()
    assert gaming["articulation_points"] == []


def test_projection_refreshes_when_the_graph_changes(client: TestClient) -> None:
    _load(client, two_cliques())
    cache: ProjectionCache = client.app.state.projection  # type: ignore[attr-defined]  # app typed as plain ASGI
    assert {x["id"] for x in client.get("/api/v1/members/p4/recommendations").json()["items"]} == {"q2", "q3", "q4"}
    builds = cache.builds
    client.get("/api/v1/members/p4/recommendations")
    assert cache.builds == builds  # nothing changed: no re-read
    r = client.post("/api/v1/import", json={"ties": [_knows("p4", "q2")]})
    assert r.status_code == 200
    assert {x["id"] for x in client.get("/api/v1/members/p4/recommendations").json()["items"]} == {"q3", "q4"}
    assert cache.builds == builds + 1


def test_seed_cluster_keeps_its_promises(client: TestClient) -> None:
    from seed.generator import generate_cluster

    doc, facts = generate_cluster(members=300, seed=42)
    r = client.post("/api/v1/import", json=doc.model_dump(mode="json"), params={"replace": True})
    assert r.status_code == 200, r.text
    subsectors = client.get("/api/v1/subsectors").json()
    assert len(subsectors) == 12 and sum(s["primary_members"] for s in subsectors) == 300
    items = client.get("/api/v1/analytics/subsectors").json()["items"]
    assert {s["id"] for s in items[:2]} == set(facts.isolated_subsectors)
    bridges = client.get("/api/v1/analytics/bridges", params={"limit": 30}).json()["items"]
    assert set(facts.brokers) & {b["id"] for b in bridges}
    isolated = client.get("/api/v1/analytics/subsectors").json()["isolated_members"]
    assert sorted(isolated["no_ties"]) == sorted(facts.unconnected_members)
    recs = client.get(f"/api/v1/members/{facts.unconnected_members[0]}/recommendations").json()["items"]
    assert len(recs) == 10 and all(r["reasons"] for r in recs)
