"""Teams that respect the tender, against the real database: the project's team is kept and
counted, organisations are offered only for a missing skill they offer, and each member's part
is said in words."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from graph_service.settings import PROJECT_ROOT
from tests.test_introductions_engine import SKILLS, _knows, _load, _member, two_cliques

VP = {"id": "virtual-production", "name": "Virtual production (LED volume)", "subsector": "film-audiovisual"}


def _tender_cluster() -> dict[str, Any]:
    doc = two_cliques()
    skill_of = {"p1": ["bim-modelling"], "p3": ["bim-modelling"], "q2": ["game-design"], "q4": ["sound-design"]}
    for m in doc["members"]:
        m["skills"] = skill_of.get(m["id"], [])
    doc["members"].append(_member("f1", "film-audiovisual", ["3d-animation"]))
    doc["ties"].append(_knows("f1", "q3"))
    doc["skills"] = [*SKILLS, VP]
    doc["organisations"] = [
        # Well connected to the film member, but offers nothing the tender lacks.
        {"id": "o-space", "name": "Orbit Instruments", "cluster": "materials-manufacturing"},
        {"id": "o-cloud", "name": "Cloudy Hosting", "cluster": "ict", "skills": ["sound-design"]},
        {"id": "o-led", "name": "Volume Studios", "cluster": "ict", "skills": ["virtual-production"]},
    ]
    doc["ties"] += [_knows("o-space", "f1"), _knows("o-cloud", "f1")]
    doc["projects"] = [
        {"id": "t-1", "title": "Museum film", "kind": "tender", "status": "open",
         "requires": ["bim-modelling", "game-design", "sound-design", "virtual-production"], "team": ["p2"]},
        {"id": "t-2", "title": "LED stage", "kind": "tender", "status": "open",
         "requires": ["game-design", "virtual-production"], "team": ["o-led"]},
    ]
    return doc


def test_a_team_for_a_project_with_a_team_keeps_it_and_counts_it(client: TestClient) -> None:
    _load(client, _tender_cluster())
    body = client.post("/api/v1/projects/t-1/teams", json={"max_size": 4, "organisations": True}).json()
    assert body["items"], body["message"]
    for team in body["items"]:
        ids = [m["id"] for m in team["members"]]
        assert "p2" in ids and len(ids) <= 4  # kept, and counted toward the size
        kept = next(m for m in team["members"] if m["id"] == "p2")
        assert kept["on_project"] and kept["part"].startswith("Already on the project's team")
        assert team["reasons"][0] == "Keeps the project's team: Member p2."
        for m in team["members"]:  # every member's part is explained, by name
            assert m["part"] and f"{m['name']}: {m['part']}." in team["reasons"]
    assert "keeps the project's current team" in body["message"]
    # A team already as large as max_size leaves no room to cover the rest: no team, and why.
    full = client.post("/api/v1/projects/t-1/teams", json={"max_size": 1}).json()
    assert full["items"] == [] and "allow a larger team" in full["message"]
    too_small = client.post("/api/v1/teams", json={"skills": ["game-design"], "max_size": 1,
                                                   "must_include": ["p2", "q1"]})
    assert too_small.status_code == 422


def test_organisations_are_offered_only_for_a_skill_they_offer(client: TestClient) -> None:
    _load(client, _tender_cluster())
    body = client.post("/api/v1/teams", json={"skills": ["virtual-production", "game-design"],
                                              "organisations": True}).json()
    missing = {m["id"]: m for m in body["missing_skills"]}
    offered = [o["id"] for o in missing["virtual-production"]["organisations"]]
    assert offered == ["o-led"]  # not the well-tied firms that do not offer it
    assert missing["virtual-production"]["organisations"][0]["why"].startswith(
        "offers Virtual production (LED volume)")
    # An organisation on the project's team covers the skill it offers: nothing is missing then.
    kept = client.post("/api/v1/projects/t-2/teams", json={"organisations": True}).json()
    assert kept["missing_skills"] == []
    for team in kept["items"]:
        led = team["members"][0]
        assert led["id"] == "o-led" and led["on_project"] and led["covers"] == ["virtual-production"]
        assert team["coverage"]["virtual-production"] == "o-led"
        assert team["reasons"][0] == "Keeps the project's team: Volume Studios."


def test_the_seeded_tender_keeps_faber_design(client: TestClient) -> None:
    doc = json.loads((PROJECT_ROOT / "seed" / "cluster.json").read_text(encoding="utf-8"))
    _load(client, doc)
    tender = next(p for p in doc["projects"] if p["id"] == "p-060")
    assert tender["team"] == ["m-086"]
    body = client.post("/api/v1/projects/p-060/teams", json={"max_size": 8, "organisations": True}).json()
    assert body["items"]
    for team in body["items"]:
        faber = next(m for m in team["members"] if m["id"] == "m-086")
        assert faber["on_project"] and faber["name"] == "Faber Design"
    offers = [o for m in body["missing_skills"] for o in m["organisations"]]
    orgs = {o["id"]: o for o in doc["organisations"]}
    for m in body["missing_skills"]:  # no organisation is offered for a skill it does not hold
        for o in m["organisations"]:
            assert m["id"] in orgs[o["id"]].get("skills", [])
    assert offers == []  # the seed's organisations offer no skills: none is proposed
