"""Import and export against the real database: validation, nothing half-written, idempotency, round trip."""

from __future__ import annotations

import copy
import json

import pytest
from fastapi.testclient import TestClient

from graph_service.errors import DocumentInvalid
from graph_service.interchange import parse_document
from graph_service.services.imports import csv_problems, parse_members_csv
from graph_service.store import documents
from graph_service.store.database import Database
from graph_service.store.graph import count_nodes
from graph_service.store.members import get_member
from tests.factories import small_document


def _load(db: Database, raw: dict, replace: bool = False) -> documents.ImportResult:
    return documents.import_document(db, parse_document(raw), replace=replace)


def _dump(db: Database) -> dict:
    return documents.export_document(db).model_dump(mode="json", exclude_none=True)


def test_import_then_export_holds_every_record(db: Database) -> None:
    _load(db, small_document())
    out = _dump(db)
    assert [m["id"] for m in out["members"]] == ["m-001", "m-002", "m-003", "m-004"]
    first = out["members"][0]
    assert first["subsectors"] == ["architecture", "design"]  # order kept: the first is primary
    assert first["skills"] == ["bim-modelling", "tendering"]
    assert first["joined"] == "2019-03-01" and first["languages"] == ["lb", "fr"]
    assert {(t["source"], t["target"], t["kind"]) for t in out["ties"]} == {
        ("m-001", "m-002", "knows"), ("m-002", "m-003", "knows"),
        ("m-001", "m-004", "collaborated"), ("m-004", "o-01", "knows")}
    assert out["projects"][0]["team"] == ["m-002", "m-003"]
    assert out["events"][0]["attendees"] == ["m-001", "m-002", "m-004"]
    assert out["introductions"][0] == {"id": "i-001", "a": "m-001", "b": "m-003", "facilitator": "manager",
                                       "date": "2025-04-01", "status": "met", "outcome": "Met at the hub"}
    assert len(out["subsectors"]) == 12


def test_second_import_changes_nothing(db: Database) -> None:
    _load(db, small_document())
    before, counts = _dump(db), count_nodes(db)
    _load(db, small_document())
    assert _dump(db) == before
    assert count_nodes(db) == counts


def test_export_replace_export_round_trip(db: Database) -> None:
    _load(db, small_document())
    first = _dump(db)
    _load(db, {"members": [{"id": "m-999", "name": "To be replaced", "subsectors": ["music"]}]})
    _load(db, first, replace=True)
    assert _dump(db) == first


def test_bad_document_lists_every_problem_and_writes_nothing(db: Database) -> None:
    _load(db, small_document())
    before, version = _dump(db), db.version()
    bad = copy.deepcopy(small_document())
    bad["members"].append({"id": "m-005", "name": "New", "subsectors": ["music"], "skills": ["sound-desing"]})
    bad["ties"].append({"source": "m-001", "target": "m-999", "kind": "knows"})
    bad["ties"].append({"source": "m-002", "target": "m-001", "kind": "knows"})  # duplicate, reversed
    bad["events"][0]["attendees"].append("m-404")
    bad["introductions"][0]["facilitator"] = "m-777"
    with pytest.raises(DocumentInvalid) as caught:
        _load(db, bad)
    problems = {(p.loc, p.msg) for p in caught.value.problems}
    assert ("members[4].skills[0]", "unknown skill 'sound-desing' (did you mean 'sound-design'?)") in problems
    assert ("ties[4].target", "no member or organisation 'm-999'") in problems
    assert any(loc == "ties[5]" and "duplicate knows tie" in msg for loc, msg in problems)
    assert ("events[0].attendees[3]", "no member or organisation 'm-404'") in problems
    assert any(loc == "introductions[0].facilitator" for loc, _ in problems)
    assert _dump(db) == before and db.version() == version


def test_shape_errors_name_the_field(db: Database) -> None:
    raw = {"members": [{"id": "m-1", "name": "A", "subsectors": ["gamming"], "visibility": "secret"}],
           "ties": [{"source": "m-1", "target": "m-1", "weight": 3}]}
    with pytest.raises(DocumentInvalid) as caught:
        parse_document(raw)
    locs = {p.loc: p.msg for p in caught.value.problems}
    assert locs["members[0].subsectors[0]"] == "unknown subsector 'gamming' (did you mean 'gaming'?)"
    assert "members[0].visibility" in locs and "ties[0].weight" in locs


def test_merge_import_may_refer_to_what_the_graph_holds(db: Database) -> None:
    _load(db, small_document())
    _load(db, {"members": [{"id": "m-010", "name": "Newcomer", "subsectors": ["literature"], "skills": ["tendering"]}],
               "ties": [{"source": "m-010", "target": "m-001", "kind": "knows", "weight": 0.3}]})
    assert get_member(db, "m-010").skills == ["tendering"]
    assert count_nodes(db)["members"] == 5


def test_replace_needs_a_self_contained_document(db: Database) -> None:
    _load(db, small_document())
    with pytest.raises(DocumentInvalid) as caught:
        _load(db, {"ties": [{"source": "m-001", "target": "m-002"}]}, replace=True)
    assert {p.loc for p in caught.value.problems} == {"ties[0].source", "ties[0].target"}
    assert count_nodes(db)["members"] == 4


def test_batched_import_of_many_transactions_is_idempotent(db: Database) -> None:
    members = [{"id": f"m-{i:05d}", "name": f"Member {i}", "subsectors": ["design"]} for i in range(25_000)]
    doc = parse_document({"members": members})
    result = documents.import_document(db, doc, batch_size=5000)
    # Above SINGLE_TX_ROWS: one transaction per batch of 5 * 5000 nodes and relationships (25,000
    # new members, then their 25,000 subsectors), between the marks of an unfinished import.
    assert result.transactions == 4
    assert documents.unfinished_import(db) is None
    documents.import_document(db, doc, batch_size=5000)
    assert count_nodes(db)["members"] == 25_000


def test_csv_spreadsheet_imports_with_the_same_validation(db: Database) -> None:
    _load(db, small_document())
    csv_text = ("id,name,kind,subsectors,skills,visibility,city\n"
                "m-020,Studio Nord,company,design;gaming,game-design;tendering,public,Wiltz\n"
                "m-021,Bad Row,company,gamming,unknown-skill,public,Wiltz\n")
    with pytest.raises(DocumentInvalid) as caught:
        documents.import_document(db, parse_members_csv(csv_text))
    assert {p.loc for p in caught.value.problems} >= {"line 3, subsectors[0]"}
    good = csv_text.splitlines()[:2]
    documents.import_document(db, parse_members_csv("\n".join(good) + "\n"))
    m = get_member(db, "m-020")
    assert m.subsectors == ["design", "gaming"] and m.skills == ["game-design", "tendering"]


def test_unknown_skill_in_csv_is_reported_by_line(db: Database) -> None:
    csv_text = "id,name,subsectors,skills\nm-1,A,design,nope\n"
    with pytest.raises(DocumentInvalid) as caught:
        documents.import_document(db, parse_members_csv(csv_text))
    assert [p.loc for p in csv_problems(caught.value).problems] == ["line 2, skills[0]"]


def test_document_json_is_stable(db: Database) -> None:
    _load(db, small_document())
    assert json.dumps(_dump(db), sort_keys=True) == json.dumps(_dump(db), sort_keys=True)


def test_csv_that_the_csv_reader_refuses_is_a_422_not_a_500(client: TestClient) -> None:
    """Found by the long schemathesis run: a stray carriage return in an unquoted cell raised
    csv.Error, which became a 500."""
    headers = {"Content-Type": "text/csv"}
    ok = client.post("/api/v1/import", content="id,name,subsectors\r\nm-1,A\rB,music\r\n", headers=headers)
    assert ok.status_code == 422 and ok.json()["problems"]  # cells checked, nothing written
    huge = "id,name,subsectors\nm-1,\"" + "x" * 200_000 + "\",music\n"
    r = client.post("/api/v1/import", content=huge, headers=headers)
    assert r.status_code == 422
    assert r.json()["problems"] == [{"loc": "line 2", "msg": "not a valid CSV file: field larger than field "
                                                            "limit (131072)"}]
    assert client.get("/api/v1/members").json()["total"] == 0


def test_clearing_the_graph_goes_relationships_first_in_bounded_batches(db: Database) -> None:
    """A node with many relationships (a large event) is never deleted with them in one
    transaction: the relationships go first, a batch at a time, then the nodes; the subsectors
    and the version stamp stay."""
    doc = small_document()
    doc["events"] = [{"id": "e-big", "title": "Open day", "date": "2025-03-01",
                      "attendees": [m["id"] for m in doc["members"]]}]
    _load(db, doc, replace=True)
    deleted = documents.clear_graph(db, batch=2, relationship_batch=3)
    assert deleted >= len(doc["members"]) + 1
    after = documents.export_document(db)
    assert len(after.subsectors) == 12  # the built-in subsectors stay
    assert after.model_dump(exclude_defaults=True, exclude={"subsectors"}) == {}  # nothing else does
