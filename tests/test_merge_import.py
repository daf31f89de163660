"""Merge imports never destroy, dry runs write nothing, every problem comes in one answer (real Neo4j)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graph_service.cli import app
from graph_service.store import documents
from graph_service.store.database import Database
from tests.factories import small_document

CSV = {"Content-Type": "text/csv"}


def _seed(client: TestClient) -> None:
    doc = small_document()
    # m-002 gets a second subsector, a description and languages, so every field has a value.
    doc["members"][1].update(subsectors=["gaming", "design"], languages=["lb", "en"], description="Pixel art",
                             website="https://pixel.example.lu", skills=["game-design", "tendering"])
    r = client.post("/api/v1/import", json=doc, params={"replace": True})
    assert r.status_code == 200, r.text


def _export(db: Database) -> dict[str, Any]:
    return documents.export_document(db).model_dump(mode="json")


def _member(db: Database, ident: str) -> dict[str, Any]:
    return next(m for m in _export(db)["members"] if m["id"] == ident)


def test_three_column_csv_merge_keeps_every_other_field(client: TestClient, db: Database) -> None:
    _seed(client)
    before = _export(db)
    r = client.post("/api/v1/import", content="id,name,subsectors\nm-002,Tessy Wolter-Schmit,gaming;design\n",
                    headers=CSV)
    assert r.status_code == 200, r.text
    assert r.json()["counts"]["members"] == 1
    after = _export(db)
    old = next(m for m in before["members"] if m["id"] == "m-002")
    assert next(m for m in after["members"] if m["id"] == "m-002") == {**old, "name": "Tessy Wolter-Schmit"}
    assert old["visibility"] == "members" and old["kind"] == "freelancer" and old["skills"] == [
        "game-design", "tendering"]
    # Nothing else in the graph moved.
    assert [m for m in after["members"] if m["id"] != "m-002"] == [m for m in before["members"] if m["id"] != "m-002"]
    assert {k: v for k, v in after.items() if k != "members"} == {k: v for k, v in before.items() if k != "members"}


def test_csv_subsector_column_present_replaces_the_list_and_keeps_the_rest(client: TestClient, db: Database) -> None:
    _seed(client)
    old = _member(db, "m-002")
    r = client.post("/api/v1/import", content="id,name,subsectors\nm-002,Pixel Kayl,design\n", headers=CSV)
    assert r.status_code == 200, r.text
    assert _member(db, "m-002") == {**old, "subsectors": ["design"]}


def test_partial_json_member_updates_the_name_only(client: TestClient, db: Database) -> None:
    _seed(client)
    old = _member(db, "m-002")
    r = client.post("/api/v1/import", json={"members": [{"id": "m-002", "name": "Pixel Kayl Studio"}]})
    assert r.status_code == 200, r.text
    assert _member(db, "m-002") == {**old, "name": "Pixel Kayl Studio"}


def test_explicit_null_and_empty_cell_clear_and_defaults_return(client: TestClient, db: Database) -> None:
    _seed(client)
    old = _member(db, "m-002")
    r = client.post("/api/v1/import", json={"members": [
        {"id": "m-002", "city": None, "visibility": None, "skills": None, "languages": ["fr"]}]})
    assert r.status_code == 200, r.text
    assert _member(db, "m-002") == {**old, "city": None, "visibility": "private", "skills": [], "languages": ["fr"]}
    r = client.post("/api/v1/import", content="id,description,kind,website\nm-002,,,\n", headers=CSV)
    assert r.status_code == 200, r.text
    assert _member(db, "m-002") == {**old, "city": None, "visibility": "private", "skills": [], "languages": ["fr"],
                                    "description": None, "kind": "company", "website": None}


def test_a_required_field_cannot_be_cleared(client: TestClient, db: Database) -> None:
    _seed(client)
    before, version = _export(db), db.version()
    r = client.post("/api/v1/import", json={"members": [{"id": "m-002", "name": None, "subsectors": []}]})
    assert r.status_code == 422
    problems = {p["loc"]: p["msg"] for p in r.json()["problems"]}
    assert problems["members[0].name"] == "cannot be cleared: a member needs its name"
    assert "members[0].subsectors" in problems
    assert _export(db) == before and db.version() == version


def test_new_member_without_subsectors_is_refused_with_the_reason(client: TestClient, db: Database) -> None:
    _seed(client)
    before, version = _export(db), db.version()
    r = client.post("/api/v1/import", json={"members": [
        {"id": "m-002", "name": "Fine"}, {"id": "m-010", "name": "A"}, {"id": "m-011", "name": "B"},
        {"id": "m-900", "name": "New"}]})
    assert r.status_code == 422
    assert {"loc": "members[3].subsectors",
            "msg": "required for a new member ('m-900' does not exist yet)"} in r.json()["problems"]
    assert _export(db) == before and db.version() == version
    r = client.post("/api/v1/import", content="id,name\nm-002,Fine\nm-901,Newer\n", headers=CSV)
    assert r.status_code == 422
    assert r.json()["problems"] == [
        {"loc": "line 3, subsectors", "msg": "required for a new member ('m-901' does not exist yet)"}]
    assert _export(db) == before


def test_dry_run_reports_the_changes_and_writes_nothing(client: TestClient, db: Database) -> None:
    _seed(client)
    before, version = _export(db), db.version()
    doc = {"members": [{"id": "m-002", "name": "Pixel Kayl Studio", "city": None},
                       {"id": "m-001"},
                       {"id": "m-050", "name": "Newcomer", "subsectors": ["music"]}]}
    r = client.post("/api/v1/import", json=doc, params={"dry_run": True})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["valid"] is True and body["problems"] == [] and body["dry_run"] is True
    members = body["sections"]["members"]
    assert members["created"] == ["m-050"] and members["unchanged"] == 1
    assert members["updated"] == [{"id": "m-002", "changes": [
        {"field": "name", "old": "Pixel Kayl", "new": "Pixel Kayl Studio"},
        {"field": "city", "old": "Esch-sur-Alzette", "new": None}]}]
    assert _export(db) == before and db.version() == version
    # A dry run with problems answers them too, still writing nothing.
    r = client.post("/api/v1/import", json={"members": [{"id": "m-777", "name": "X"}]}, params={"dry_run": True})
    assert r.status_code == 200 and r.json()["valid"] is False
    assert r.json()["problems"][0]["loc"] == "members[0].subsectors"
    assert _export(db) == before and db.version() == version


def test_every_problem_in_one_answer(client: TestClient, db: Database) -> None:
    _seed(client)
    before = _export(db)
    doc = {"members": [{"id": "m-020", "name": "Good", "subsectors": ["design"]},
                       {"id": "m-021", "name": "Broken", "subsectors": ["gamming"]},
                       {"id": "m-020", "name": "Again", "subsectors": ["music"]}],
           "ties": [{"source": "m-020", "target": "m-999"}, {"source": "m-021", "target": "m-001"}]}
    r = client.post("/api/v1/import", json=doc)
    assert r.status_code == 422
    problems = {(p["loc"], p["msg"]) for p in r.json()["problems"]}
    assert problems == {
        ("members[1].subsectors[0]", "unknown subsector 'gamming' (did you mean 'gaming'?)"),
        ("members[2].id", "duplicate id 'm-020' (first at members[0])"),
        ("ties[0].target", "no member or organisation 'm-999'"),
    }  # the tie to the broken m-021 is not reported: m-021 is in the document
    assert r.json()["detail"] == "3 problem(s); nothing was written."
    assert _export(db) == before


def test_problems_are_capped_at_200_with_the_total(client: TestClient, db: Database) -> None:
    doc = {"members": [{"id": f"m-{i:03d}", "name": "X", "subsectors": ["nope"]} for i in range(312)]}
    r = client.post("/api/v1/import", json=doc)
    assert r.status_code == 422
    assert r.json()["detail"] == "312 problem(s); the first 200 are listed; nothing was written."
    assert len(r.json()["problems"]) == 200 and r.json()["problems"][0]["loc"] == "members[0].subsectors[0]"
    assert client.get("/api/v1/members").json()["total"] == 0


def test_projects_events_organisations_and_skills_merge_field_by_field(client: TestClient, db: Database) -> None:
    _seed(client)
    before = _export(db)
    r = client.post("/api/v1/import", json={
        "projects": [{"id": "p-001", "status": "running", "team": ["m-001"]}],
        "events": [{"id": "e-001", "theme": None}],
        "organisations": [{"id": "o-01", "city": "Bissen"}],
        "skills": [{"id": "tendering", "name": "Public tendering"}],
    })
    assert r.status_code == 200, r.text
    after = _export(db)
    assert after["projects"] == [{**before["projects"][0], "status": "running", "team": ["m-001"]}]
    assert after["events"] == [{**before["events"][0], "theme": None}]
    assert after["organisations"] == [{**before["organisations"][0], "city": "Bissen"}]
    tendering = next(s for s in after["skills"] if s["id"] == "tendering")
    assert tendering == {"id": "tendering", "name": "Public tendering", "subsector": None}
    assert after["members"] == before["members"]
    # A new project still needs its title.
    r = client.post("/api/v1/import", json={"projects": [{"id": "p-404", "status": "open"}],
                                           "events": [{"id": "e-404", "title": "No date"}]})
    assert r.status_code == 422
    assert {(p["loc"], p["msg"]) for p in r.json()["problems"]} == {
        ("projects[0].title", "required for a new project ('p-404' does not exist yet)"),
        ("events[0].date", "required for a new event ('e-404' does not exist yet)")}


def test_a_second_identical_merge_writes_nothing(client: TestClient, db: Database) -> None:
    _seed(client)
    r = client.post("/api/v1/import", json={"members": [{"id": "m-002", "name": "Pixel Kayl"}]})
    assert r.status_code == 200 and r.json()["counts"]["members"] == 0


def test_cli_dry_run_prints_a_table_and_json(cli: CliRunner, client: TestClient, db: Database,
                                             tmp_path: Path) -> None:
    _seed(client)
    before = _export(db)  # (opening the database from the CLI applies the schema: a write of its own)
    f = tmp_path / "fix.csv"
    f.write_text("id,name,subsectors\nm-002,Tessy Wolter-Schmit,gaming;design\n", encoding="utf-8")
    result = cli.invoke(app, ["import", str(f), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Tessy Wolter-Schmit" in result.output and "dry run" in result.output
    result = cli.invoke(app, ["import", str(f), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["sections"]["members"]["updated"] == [
        {"id": "m-002", "changes": [{"field": "name", "old": "Pixel Kayl", "new": "Tessy Wolter-Schmit"}]}]
    assert _export(db) == before
    result = cli.invoke(app, ["import", str(f)])
    assert result.exit_code == 0, result.output
    assert _member(db, "m-002")["name"] == "Tessy Wolter-Schmit"
    assert _member(db, "m-002")["kind"] == "freelancer"
