"""The learned recommender over HTTP, against the real database: its reasons reach the answer."""

from __future__ import annotations

import random
from typing import Any

from fastapi.testclient import TestClient


def _round_tables() -> dict[str, Any]:
    """60 members at 6 round tables of 10 with ties mostly inside a table (enough ties to fit the
    link model); member m000 has many skills the others lack."""
    rng = random.Random(5)
    ids = [f"m{i:03d}" for i in range(60)]
    tables = [ids[i:i + 10] for i in range(0, 60, 10)]
    skills = [{"id": f"s{k}", "name": f"Skill {k}"} for k in range(8)]
    members = [{"id": m, "name": f"Member {m}", "subsectors": ["design" if i < 30 else "music"],
                "skills": [f"s{k}" for k in range(8)] if i == 5 else [], "visibility": "members",
                "joined": "2020-01-01"} for i, m in enumerate(ids)]
    ties = set()
    for t in tables:
        for i, a in enumerate(t):
            for b in t[i + 1:]:
                if rng.random() < 0.4:
                    ties.add((a, b))
    while len(ties) < 130:
        a, b = sorted(rng.sample(ids, 2))
        ties.add((a, b))
    events = [{"id": f"e{k}", "title": f"Round table {k}", "date": f"2026-01-{k + 1:02d}", "attendees": t}
              for k, t in enumerate(tables)]
    return {"skills": skills, "members": members, "events": events,
            "ties": [{"source": a, "target": b, "kind": "knows", "weight": 0.8} for a, b in sorted(ties)]}


def test_recommendations_answer_carries_the_learned_reasons(client: TestClient) -> None:
    r = client.post("/api/v1/import", json=_round_tables(), params={"replace": True})
    assert r.status_code == 200, r.text
    body = client.get("/api/v1/members/m000/recommendations", params={"limit": 10}).json()
    items = body["items"]
    assert items
    assert all("probability" in x["components"] and "bonus" in x["components"] for x in items)
    reasons = [s for x in items for s in x["reasons"]]
    assert any(s.startswith(("You both know", "You both attended")) for s in reasons)
    for x in items:
        for s in x["reasons"]:
            if s.startswith("Brings skills you lack"):
                assert s.endswith(" more.") or s.count(",") <= 1
    scores = [x["score"] for x in items]
    for i, x in enumerate(items[:-1]):
        near = any(s.startswith("Ranked above") for s in x["reasons"])
        assert near == (scores[i + 1] >= 0.95 * scores[i])
    again = client.get("/api/v1/members/m000/recommendations", params={"limit": 10}).json()
    assert again["items"] == items  # same graph, same model, same answer
