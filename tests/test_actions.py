"""From analysis to action, against the real database: the introduction lifecycle, KPIs, the
batch plan, team assembly and round-table seating, on cases whose answers are known."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.test_introductions_engine import SKILLS, _knows, _load, _member, two_cliques


def _intro(ident: str, a: str, b: str, status: str, when: date, **extra: Any) -> dict[str, Any]:
    return {"id": ident, "a": a, "b": b, "date": when.isoformat(), "status": status, **extra}


def test_double_opt_in_then_outcome_becomes_a_tie(client: TestClient) -> None:
    _load(client, two_cliques())
    r = client.post("/api/v1/introductions", json={"a": "p1", "b": "q4"})
    ident = r.json()["id"]
    r = client.post(f"/api/v1/introductions/{ident}/responses", json={"member": "p1", "answer": "accept"})
    assert r.json()["status"] == "proposed" and r.json()["a_response"] == "accepted"
    assert client.patch(f"/api/v1/introductions/{ident}", json={"status": "met"}).status_code == 409
    r = client.post(f"/api/v1/introductions/{ident}/responses", json={"member": "q4", "answer": "accept"})
    assert r.json()["status"] == "accepted" and r.json()["accepted_on"] == date.today().isoformat()
    assert client.post(f"/api/v1/introductions/{ident}/responses",
                       json={"member": "q4", "answer": "decline"}).status_code == 409
    assert client.post(f"/api/v1/introductions/{ident}/responses",
                       json={"member": "p2", "answer": "accept"}).status_code == 409
    assert client.patch(f"/api/v1/introductions/{ident}", json={"status": "met"}).json()["status"] == "met"
    r = client.patch(f"/api/v1/introductions/{ident}", json={"status": "collaborating", "outcome": "Joint bid"})
    assert r.json()["status"] == "collaborating" and r.json()["outcome"] == "Joint bid"
    ties = client.get("/api/v1/export").json()["ties"]
    assert any({t["source"], t["target"]} == {"p1", "q4"} and t["kind"] == "knows" for t in ties)
    assert client.patch(f"/api/v1/introductions/{ident}", json={"status": "met"}).status_code == 409


def test_declined_pair_never_comes_back(client: TestClient) -> None:
    _load(client, two_cliques())
    before = {x["id"] for x in client.get("/api/v1/members/p4/recommendations").json()["items"]}
    assert "q2" in before
    ident = client.post("/api/v1/introductions", json={"a": "p4", "b": "q2"}).json()["id"]
    r = client.post(f"/api/v1/introductions/{ident}/responses",
                    json={"member": "q2", "answer": "decline", "note": "Fully booked until June."})
    assert r.json()["status"] == "declined" and "Fully booked until June." in r.json()["outcome"]
    for member, other in (("p4", "q2"), ("q2", "p4")):
        ids = {x["id"] for x in client.get(f"/api/v1/members/{member}/recommendations").json()["items"]}
        assert other not in ids
    assert client.post("/api/v1/introductions", json={"a": "q2", "b": "p4"}).status_code == 409
    plan = client.post("/api/v1/introductions/plan", json={"total": 50, "max_per_member": 5}).json()
    assert all({i["a"], i["b"]} != {"p4", "q2"} for i in plan["items"])


def test_suggestion_shown_and_ignored_drops_in_rank(client: TestClient) -> None:
    _load(client, two_cliques())
    first = client.get("/api/v1/members/p1/recommendations").json()["items"]
    assert first[0]["id"] == "q1"
    scores = []
    for _ in range(8):  # the website shows the top suggestion eight times; nobody acts on it
        top = client.get("/api/v1/members/p1/recommendations", params={"record": True, "limit": 1}).json()["items"]
        scores.append(top[0]["score"] if top[0]["id"] == "q1" else 0.0)
    assert scores[0] == scores[2] > scores[3]  # two free showings, then it loses rank at every showing
    after = [x["id"] for x in client.get("/api/v1/members/p1/recommendations").json()["items"]]
    assert after[0] != "q1" and "q1" in after


def test_due_follow_ups(client: TestClient) -> None:
    doc = two_cliques()
    today = date.today()
    doc["introductions"] = [
        _intro("i-old-met", "p1", "q2", "met", today - timedelta(days=90),
               met_on=(today - timedelta(days=45)).isoformat()),
        _intro("i-new-met", "p2", "q3", "met", today - timedelta(days=20),
               met_on=(today - timedelta(days=10)).isoformat()),
        _intro("i-old-acc", "p3", "q4", "accepted", today - timedelta(days=70),
               accepted_on=(today - timedelta(days=60)).isoformat()),
        _intro("i-done", "p1", "q3", "collaborating", today - timedelta(days=200)),
    ]
    _load(client, doc)
    due = client.get("/api/v1/introductions", params={"due": True}).json()
    assert [(x["id"], x["waiting_days"]) for x in due] == [("i-old-acc", 60), ("i-old-met", 45)]
    assert client.get("/api/v1/introductions", params={"due": True, "due_days": 5}).json()[-1]["id"] == "i-new-met"


def test_kpis_on_a_known_history(client: TestClient) -> None:
    doc = two_cliques()
    doc["introductions"] = [
        _intro("i-1", "p1", "q2", "collaborating", date(2026, 1, 10)),
        _intro("i-2", "p2", "q3", "no-follow-up", date(2026, 1, 20)),
        _intro("i-3", "p1", "p3", "declined", date(2026, 2, 5), facilitator="q1"),
        _intro("i-4", "p2", "q4", "proposed", date(2026, 2, 6)),
    ]
    _load(client, doc)
    k = client.get("/api/v1/introductions/kpis").json()
    assert k["total"] == 4
    assert k["acceptance_rate"] == 2 / 3 and k["success_rate"] == 0.5
    assert k["cross_subsector_share"] == 0.75 and k["manager_share"] == 0.75
    assert [(m["month"], m["total"]) for m in k["per_month"]] == [("2026-01", 2), ("2026-02", 2)]
    assert k["by_subsector_pair"][0] == {"a": "design", "b": "gaming", "total": 3, "accepted": 2, "successful": 1}
    assert client.get("/api/v1/introductions/kpis", params={"since": "2026-02-01"}).json()["total"] == 2


def test_plan_never_exceeds_a_members_maximum(client: TestClient) -> None:
    doc = two_cliques()
    doc["members"] += [_member(f"r{i}", "music") for i in range(1, 4)]
    doc["ties"] += [_knows("r1", "r2"), _knows("r2", "r3"), _knows("r3", "q4")]
    doc["introductions"] = [_intro("i-open", "p1", "r1", "proposed", date.today())]
    _load(client, doc)
    for cap in (1, 2):
        plan = client.post("/api/v1/introductions/plan", json={"total": 30, "max_per_member": cap}).json()
        load: dict[str, int] = {"p1": 1, "r1": 1}  # the open introduction counts
        for item in plan["items"]:
            for m in (item["a"], item["b"]):
                load[m] = load.get(m, 0) + 1
            assert item["status"] == "proposed" and item["reasons"]
        assert max(load.values()) <= max(cap, 1)
        assert plan["effect"]["after"]["cross_subsector_ties"] >= plan["effect"]["before"]["cross_subsector_ties"]


def test_plan_records_and_focuses_isolated_subsectors(client: TestClient) -> None:
    doc = two_cliques()
    writers = [f"lit{i}" for i in range(1, 6)]
    doc["members"] += [_member(w, "literature") for w in writers]
    doc["ties"] += [_knows(a, b) for i, a in enumerate(writers) for b in writers[i + 1:]]
    doc["ties"].append(_knows("lit2", "p1", 0.3))
    _load(client, doc)
    # E-I: literature (1 - 10) / 11 = -0.82 and gaming (1 - 6) / 7 = -0.71 are the most isolated; design -0.5.
    plan = client.post("/api/v1/introductions/plan",
                       json={"total": 3, "max_per_member": 1, "focus": "isolated-subsectors", "record": True}).json()
    assert plan["recorded"] and plan["items"]
    assert all({"literature", "gaming"} & set(item["subsectors"]) for item in plan["items"])
    assert all(item["subsectors"][0] != item["subsectors"][1] for item in plan["items"])
    stored = {x["id"] for x in client.get("/api/v1/introductions", params={"status": "proposed"}).json()}
    assert {i["id"] for i in plan["items"]} <= stored
    before, after = plan["effect"]["before"], plan["effect"]["after"]
    assert after["ei_index"]["literature"] > before["ei_index"]["literature"]


def test_team_covers_existing_skills_and_names_missing_ones(client: TestClient) -> None:
    doc = two_cliques()
    skill_of = {"p1": ["bim-modelling"], "p3": ["bim-modelling"], "q2": ["game-design"], "q4": ["sound-design"]}
    for m in doc["members"]:
        m["skills"] = skill_of.get(m["id"], [])
    doc["skills"] = SKILLS + [
        {"id": "virtual-production", "name": "Virtual production", "subsector": "film-audiovisual"}]
    doc["organisations"] = [{"id": "o-1", "name": "Studio Volume", "cluster": "ict", "skills": ["virtual-production"]}]
    doc["projects"] = [{"id": "p-x", "title": "LED stage", "requires": ["virtual-production"], "team": ["o-1", "q1"]},
                       {"id": "t-1", "title": "Tender", "kind": "tender", "status": "open",
                        "requires": ["bim-modelling", "game-design", "sound-design", "virtual-production"]}]
    _load(client, doc)
    body = client.post("/api/v1/teams", json={"skills": ["bim-modelling", "game-design", "sound-design",
                                                         "virtual-production"], "max_size": 4,
                                              "organisations": True}).json()
    assert body["missing_skills"][0]["id"] == "virtual-production"
    assert body["missing_skills"][0]["organisations"][0]["id"] == "o-1"
    for team in body["items"]:
        assert set(team["coverage"]) == {"bim-modelling", "game-design", "sound-design"}
        assert len(team["members"]) <= 4
    best = body["items"][0]
    # p1 and p3 are both three hops from q2 (through the bridge p4 - q1); the id breaks the tie.
    assert {m["id"] for m in best["members"]} == {"p1", "q2", "q4"}
    excluded = client.post("/api/v1/teams", json={"skills": ["bim-modelling", "game-design"],
                                                  "must_exclude": ["p1"], "must_include": ["q4"]}).json()
    ids = {m["id"] for m in excluded["items"][0]["members"]}
    assert "p1" not in ids and "q4" in ids and "p3" in ids
    stored = client.post("/api/v1/projects/t-1/teams", json={"max_size": 4}).json()
    assert stored["required"] == ["bim-modelling", "game-design", "sound-design", "virtual-production"]
    assert stored["items"] and stored["missing_skills"][0]["organisations"] == []
    r = client.post("/api/v1/teams", json={"skills": ["no-such-skill"]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "skills[0]"]


def test_seating_never_puts_tied_members_together_when_it_can_avoid_it(client: TestClient) -> None:
    people = ["a1", "a2", "b1", "b2", "c1", "c2"]
    doc = {"skills": SKILLS,
           "members": [_member(p, {"a": "design", "b": "music", "c": "gaming"}[p[0]]) for p in people],
           "ties": [_knows("a1", "b1"), _knows("a2", "b2"), _knows("c1", "c2"), _knows("a1", "c1")],
           "events": [{"id": "e-1", "title": "Round table", "date": "2026-12-03", "format": "round-table",
                       "attendees": people}]}
    _load(client, doc)
    body = client.post("/api/v1/events/e-1/tables", json={"table_size": 3}).json()["seating"]
    assert body["tied_pairs_together"] == 0
    assert sorted(len(t["members"]) for t in body["tables"]) == [3, 3]
    assert body["new_cross_pairs"] >= body["random_new_cross_pairs"]
    themed = client.post("/api/v1/events/e-1/tables", json={"table_size": 2, "subsectors": ["design", "music"]}).json()
    assert sorted(m for t in themed["seating"]["tables"] for m in t["members"]) == ["a1", "a2", "b1", "b2"]
    assert themed["seating"]["tied_pairs_together"] == 0
    assert client.post("/api/v1/events/e-404/tables", json={"table_size": 3}).status_code == 404
