"""GDPR export and erasure of a member, against the real database (services/privacy.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph_service.domain import ERASED_FACILITATOR
from graph_service.errors import NotFound
from graph_service.interchange import parse_document
from graph_service.services import backup, privacy
from graph_service.services.kpis import introduction_kpis
from graph_service.store import documents
from graph_service.store.database import Database, native
from graph_service.store.events import get_event
from graph_service.store.graph import count_nodes
from graph_service.store.introductions import list_introductions
from graph_service.store.projects import get_project
from tests.factories import small_document

ERASED = "m-002"  # Pixel Kayl, visibility "members"
NAME = "Pixel Kayl"
PRIVATE = ("m-003", "Sonic Moselle")  # visibility "private"
KPI_FIELDS = ("total", "per_month", "acceptance_rate", "success_rate", "cross_subsector_share",
              "by_subsector_pair", "manager_share")


def _cluster(db: Database) -> None:
    """small_document plus introductions of every kind around m-002, a second project, a tie
    recorded by another member, and suggestions shown to and of m-002."""
    doc = small_document()
    doc["projects"].append({"id": "p-002", "title": "Heritage trail", "team": ["m-001", "m-002", "m-004"],
                            "status": "completed"})
    doc["ties"].append({"source": "m-004", "target": "m-002", "kind": "collaborated", "weight": 0.7,
                        "since": "2023-05-01", "confirmed": False})
    doc["introductions"] += [
        {"id": "i-002", "a": "m-002", "b": "m-003", "date": "2025-01-10", "status": "collaborating",
         "outcome": "Pixel Kayl made a game with them", "a_response": "accepted",
         "b_response": "accepted", "accepted_on": "2025-01-12", "closed_on": "2025-02-20"},
        {"id": "i-003", "a": "m-004", "b": "m-002", "facilitator": "m-001", "date": "2025-02-01",
         "status": "declined", "a_response": "accepted", "b_response": "declined"},
        {"id": "i-004", "a": "m-001", "b": "m-004", "facilitator": "m-002", "date": "2025-03-01",
         "status": "proposed", "a_response": "pending", "b_response": "pending"},
        {"id": "i-005", "a": "m-002", "b": "o-01", "date": "2025-03-05", "status": "met",
         "outcome": "Talked about mobility games"},
    ]
    documents.import_document(db, parse_document(doc), replace=True)
    for member, shown, day in (("m-002", ["m-001", "m-003"], date(2025, 5, 1)),
                               ("m-002", ["m-001"], date(2025, 5, 2)),
                               ("m-001", ["m-002", "m-004"], date(2025, 5, 3))):
        db.write(lambda tx, m=member, s=shown, d=day: tx.run("recommendations/record_impressions",
                                                             member=m, shown=s, today=d), bump=False)


def _values(db: Database) -> list[tuple[str, Any]]:
    """Every property value of every node and relationship (lists flattened), read directly; not
    the version stamp's counter, nor the change records (they grow with every write)."""
    with db.driver.session(database=db.connection.database) as session:
        props = [native(r["p"]) for r in session.run(
            "MATCH (n) WHERE NOT n:Change AND NOT n:ChangeShard RETURN properties(n) AS p")]
        props += [native(r["p"]) for r in session.run("MATCH ()-[r]->() RETURN properties(r) AS p")]
    out: list[tuple[str, Any]] = []
    for p in props:
        for key, value in p.items():
            if key != "version":
                out += [(key, v) for v in (value if isinstance(value, list) else [value])]
    return out


def _kpis(client: TestClient) -> dict[str, Any]:
    """The introduction KPIs as GET /api/v1/introductions/kpis computes them (the app's projection)."""
    found = asdict(introduction_kpis(client.app.state.projection))
    return {k: found[k] for k in KPI_FIELDS}


def _intro_node(db: Database, ident: str) -> tuple[dict[str, Any], list[str]]:
    with db.driver.session(database=db.connection.database) as session:
        row = session.run("MATCH (x:Introduction {id: $id}) RETURN properties(x) AS p, "
                          "[(x)-[r:INTRODUCES]->(q) | r.side + ':' + q.id] AS sides", id=ident).single()
    return native(row["p"]), sorted(row["sides"])


# -- export ---------------------------------------------------------------------------------------
def test_export_holds_everything_about_the_member_and_names_no_private_member(
        db: Database, client: TestClient) -> None:
    _cluster(db)
    answer = client.get(f"/api/v1/members/{ERASED}/export")
    assert answer.status_code == 200, answer.text
    out = answer.json()
    assert out["format"] == privacy.EXPORT_FORMAT and out["generated_at"]
    assert out["member"]["id"] == ERASED and out["member"]["name"] == NAME
    assert out["subsectors"] == [{"id": "gaming", "name": "Gaming", "primary": True}]
    assert out["skills"] == [{"id": "game-design", "name": "Game design"}]

    # Ties both ways, the private counterpart counted but not named.
    ties = {(t["kind"], t["other"]["id"]): t for t in out["ties"]}
    assert len(out["ties"]) == 3
    assert ties[("knows", "m-001")]["other"]["name"] == "Atelier Weber"
    assert ties[("knows", "m-001")]["recorded_by"] == "counterpart"  # imported m-001 -> m-002
    assert ties[("knows", None)]["other"] == {"id": None, "name": None, "kind": "member", "private": True,
                                             "erased": False}
    assert ties[("knows", None)]["recorded_by"] == "member" and ties[("knows", None)]["weight"] == 0.4
    collab = ties[("collaborated", "m-004")]
    assert (collab["confirmed"], collab["since"]) == (False, "2023-05-01")
    assert collab["recorded_by"] == "counterpart"

    projects = [(p["id"], p["position"], p["team_size"]) for p in out["projects"]]
    assert projects == [("p-001", 0, 2), ("p-002", 1, 3)]
    assert [(e["id"], e["attendees"]) for e in out["events"]] == [("e-001", 3)]

    intros = {x["id"]: x for x in out["introductions"]}
    assert sorted(intros) == ["i-002", "i-003", "i-005"]
    assert intros["i-002"]["response"] == "accepted" and intros["i-002"]["other"]["private"] is True
    assert intros["i-002"]["facilitator"]["kind"] == "manager"
    assert intros["i-003"]["side"] == "b" and intros["i-003"]["response"] == "declined"
    assert intros["i-003"]["other"]["name"] == "1535 Hub" and intros["i-003"]["facilitator"]["id"] == "m-001"
    assert intros["i-005"]["other"] == {"id": "o-01", "name": "Moselle Mobility Systems",
                                        "kind": "organisation", "private": False, "erased": False}
    assert intros["i-005"]["outcome"] == "Talked about mobility games"
    assert [(x["id"], x["a"]["id"], x["b"]["id"]) for x in out["introductions_facilitated"]] == [
        ("i-004", "m-001", "m-004")]

    shown = [(i["other"]["id"], i["count"], i["other"]["private"]) for i in out["impressions"]]
    assert shown == [("m-001", 2, False), (None, 1, True)]
    assert out["suggested_to_others"] == {"members": 1, "times": 1}

    # Nothing in the whole export gives the private member away.
    assert PRIVATE[0] not in answer.text and PRIVATE[1] not in answer.text


def test_unknown_member_is_404_and_nothing_is_written(db: Database, client: TestClient) -> None:
    _cluster(db)
    version = db.version()
    assert client.get("/api/v1/members/m-999/export").status_code == 404
    assert client.delete("/api/v1/members/m-999").status_code == 404
    assert client.delete("/api/v1/members/o-01").status_code == 404  # an organisation is not a member
    assert db.version() == version
    with pytest.raises(NotFound):
        privacy.erase_member(db, "m-999")


# -- erasure --------------------------------------------------------------------------------------
def test_erasure_removes_every_trace_and_keeps_the_kpis(db: Database, client: TestClient) -> None:
    _cluster(db)
    before = _kpis(client)
    counts_before = count_nodes(db)

    assert client.delete(f"/api/v1/members/{ERASED}").status_code == 204

    # No property anywhere holds the id or the name.
    leftovers = [(k, v) for k, v in _values(db)
                 if isinstance(v, str) and (v == ERASED or NAME.lower() in v.lower())]
    assert leftovers == []
    assert privacy.find_mentions(db, ERASED, NAME) == []
    # The KPIs count the anonymised introductions exactly as before.
    assert _kpis(client) == before

    counts = count_nodes(db)
    assert counts["members"] == counts_before["members"] - 1
    assert counts["introductions"] == counts_before["introductions"]  # anonymised, not deleted
    assert (counts["knows"], counts["collaborated"]) == (1, 1)  # m-004--o-01, m-001--m-004 untouched
    ties = {(t.source, t.target, t.kind, t.weight) for t in documents.export_document(db).ties}
    assert ties == {("m-001", "m-004", "collaborated", 1.0), ("m-004", "o-01", "knows", 0.5)}

    # Anonymised introductions: status and dates kept, no link, no notes, no answer of the erased side.
    props, sides = _intro_node(db, "i-002")
    assert sides == ["b:m-003"]
    assert props["a_erased_subsector"] == "gaming" and props["status"] == "collaborating"
    assert "outcome" not in props and "a_response" not in props and props["b_response"] == "accepted"
    props, sides = _intro_node(db, "i-005")
    assert sides == ["b:o-01"] and "outcome" not in props
    # Introductions listed are only the complete ones; the one m-002 facilitated keeps its parties.
    listed = {x["id"]: x for x in list_introductions(db)}  # what GET /api/v1/introductions lists
    assert sorted(listed) == ["i-001", "i-004"]
    assert listed["i-004"]["facilitator"] == ERASED_FACILITATOR
    # Teams and attendee lists close ranks.
    assert get_project(db, "p-002").team == ["m-001", "m-004"]
    assert get_event(db, "e-001").attendees == ["m-001", "m-004"]
    with db.driver.session(database=db.connection.database) as session:
        ranks = session.run("MATCH ()-[r:WORKED_ON|ATTENDED]->(x) RETURN x.id AS x, collect(r.rank) AS ranks")
        assert all(sorted(r["ranks"]) == list(range(len(r["ranks"]))) for r in ranks)

    # The other side still sees its introduction, with the counterpart shown as erased.
    other = client.get("/api/v1/members/m-003/export").json()
    [intro] = [x for x in other["introductions"] if x["id"] == "i-002"]
    assert intro["other"] == {"id": None, "name": None, "kind": None, "private": False, "erased": True}
    assert intro["response"] == "accepted" and intro["other_response"] is None and intro["outcome"] is None

    # Gone: a second erasure, the profile and the export answer 404.
    assert client.delete(f"/api/v1/members/{ERASED}").status_code == 404
    assert client.get(f"/api/v1/members/{ERASED}").status_code == 404
    assert client.get(f"/api/v1/members/{ERASED}/export").status_code == 404


def test_erasing_both_sides_leaves_only_anonymous_counts(db: Database, client: TestClient) -> None:
    _cluster(db)
    before = _kpis(client)
    first = privacy.erase_member(db, ERASED)
    assert (first.knows, first.collaborated, first.projects, first.events) == (2, 1, 2, 1)
    assert (first.introductions, first.introductions_fully_anonymised, first.facilitations) == (3, 0, 1)
    assert (first.impressions_shown_to_member, first.impressions_of_member) == (2, 1)
    second = privacy.erase_member(db, PRIVATE[0])
    assert (second.introductions, second.introductions_fully_anonymised) == (2, 1)  # i-001, and i-002 now
    props, sides = _intro_node(db, "i-002")
    assert sides == []
    assert sorted(props) == ["a_erased_subsector", "accepted_on", "b_erased_subsector", "closed_on", "date",
                             "facilitator", "id", "status"]
    assert (props["a_erased_subsector"], props["b_erased_subsector"]) == ("gaming", "music")
    assert _kpis(client) == before
    found = [v for _k, v in _values(db) if v in (ERASED, NAME, *PRIVATE)]
    assert found == []


def test_mentions_in_free_text_are_reported(db: Database) -> None:
    doc = small_document()
    doc["projects"][0]["client"] = "Pixel Kayl s.à r.l."
    documents.import_document(db, parse_document(doc), replace=True)
    summary = privacy.erase_member(db, ERASED)
    assert [m.model_dump() for m in summary.mentions] == [{"kind": "Project", "id": "p-001", "key": "client"}]


def test_member_may_export_and_erase_only_themselves(
        db: Database, client: TestClient, member_client: Callable[[str], TestClient]) -> None:
    _cluster(db)
    me = member_client(ERASED)
    assert me.get("/api/v1/members/m-001/export").status_code == 403
    assert me.delete("/api/v1/members/m-001").status_code == 403
    mine = me.get(f"/api/v1/members/{ERASED}/export")
    assert mine.status_code == 200
    assert [k["name"] for k in mine.json()["api_keys"]] == [f"test key of {ERASED}"]
    assert me.delete(f"/api/v1/members/{ERASED}").status_code == 204
    assert me.get(f"/api/v1/members/{ERASED}/export").status_code == 401  # the key went with the member
    assert client.get("/api/v1/members/m-001").status_code == 200


# -- round trips ----------------------------------------------------------------------------------
def test_interchange_and_backup_round_trip_after_erasure(
        db: Database, client: TestClient, tmp_path: Path) -> None:
    _cluster(db)
    privacy.erase_member(db, ERASED)
    kpis = _kpis(client)
    exported = documents.export_document(db)
    assert [x.id for x in exported.introductions] == ["i-001", "i-004"]

    # The interchange document is valid and comes back the same (anonymised introductions are not in it).
    documents.import_document(db, parse_document(exported.model_dump(mode="json")), replace=True)
    assert documents.export_document(db) == exported

    # A backup carries the anonymised introductions, so the KPIs survive backup and restore.
    _cluster(db)
    privacy.erase_member(db, ERASED)
    graph = sorted(json.dumps(v, sort_keys=True, default=str) for v in _values(db))
    info = backup.write_backup(db, tmp_path / "after-erasure.json.gz")
    assert info.omitted == []
    documents.import_document(db, parse_document(small_document()), replace=True)
    assert _kpis(client) != kpis
    backup.restore_backup(db, tmp_path / "after-erasure.json.gz")
    assert _kpis(client) == kpis
    assert sorted(json.dumps(v, sort_keys=True, default=str) for v in _values(db)) == graph
    assert _intro_node(db, "i-002")[1] == ["b:m-003"]


def test_erasing_seeded_members_keeps_the_kpis(db: Database, client: TestClient) -> None:
    from seed.generator import generate_cluster

    doc, _facts = generate_cluster(members=150, seed=7)
    documents.import_document(db, doc, replace=True)
    before = _kpis(client)
    busiest = sorted(doc.members,
                     key=lambda m: -sum(m.id in (x.a, x.b, x.facilitator) for x in doc.introductions))
    for m in busiest[:3]:
        privacy.erase_member(db, m.id)
        assert _kpis(client) == before
        assert not [v for _k, v in _values(db) if v in (m.id, m.name)]
    assert count_nodes(db)["introductions"] == len(doc.introductions)
