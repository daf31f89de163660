"""The records the manager keeps, through the HTTP API on the real Neo4j: events and their
attendance, projects and calls for tender with their required skills and team, organisations
of the other clusters with the skills they offer (issue 11, item 6)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from graph_service.store import events as event_store
from graph_service.store.database import Database
from graph_service.store.records import next_id
from tests.factories import small_document

API = "/api/v1"


def _seed(client: TestClient) -> None:
    r = client.post(f"{API}/import", json=small_document())
    assert r.status_code == 200, r.text


def _export(client: TestClient) -> dict[str, Any]:
    r = client.get(f"{API}/export")
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _errors(r: Any) -> dict[tuple[Any, ...], str]:
    """A 422's validation errors, by place in the body."""
    assert r.status_code == 422, r.text
    return {tuple(e["loc"]): e["msg"] for e in r.json()["detail"]}


# -- ids ------------------------------------------------------------------------------------------
def test_a_generated_id_is_the_next_free_number_as_wide_as_the_highest() -> None:
    assert next_id("e-", []) == "e-001"
    assert next_id("e-", ["e-001", "e-040", "e-7", "x-999", "e-abc"]) == "e-041"
    assert next_id("o-", ["o-01", "o-25"]) == "o-26"
    assert next_id("e-", ["e-999"]) == "e-1000"
    assert next_id("p-", ["p-9", "p-010"]) == "p-011"


# -- events ---------------------------------------------------------------------------------------
def test_event_create_read_update_delete(client: TestClient) -> None:
    _seed(client)
    r = client.post(f"{API}/events", json={"id": "e-100", "title": "Workshop: sound for games",
                                           "date": "2025-05-20", "format": "workshop", "theme": "audio",
                                           "attendees": ["m-002", "m-003"]})
    assert r.status_code == 201, r.text
    assert r.json() == {"id": "e-100", "title": "Workshop: sound for games", "date": "2025-05-20",
                        "format": "workshop", "theme": "audio", "attendees": ["m-002", "m-003"]}
    assert client.get(f"{API}/events/e-100").json() == r.json()

    # no id: e- and the next free number (e-100 is the highest)
    r = client.post(f"{API}/events", json={"title": "Networking night", "date": "2025-06-01"})
    assert r.status_code == 201, r.text
    assert r.json()["id"] == "e-101" and r.json()["format"] == "networking" and r.json()["attendees"] == []

    r = client.patch(f"{API}/events/e-100", json={"title": "Workshop: game audio"})
    assert r.status_code == 200, r.text
    assert r.json()["title"] == "Workshop: game audio" and r.json()["attendees"] == ["m-002", "m-003"]

    assert client.delete(f"{API}/events/e-100").status_code == 204
    assert client.get(f"{API}/events/e-100").status_code == 404
    assert client.delete(f"{API}/events/e-100").status_code == 404
    # its attendance went with it; the attendees stay
    assert client.get(f"{API}/members/m-003").status_code == 200
    doc = _export(client)
    assert [e["id"] for e in doc["events"]] == ["e-001", "e-101"]
    assert len(doc["members"]) == 4


def test_event_attendance_replace_add_remove(client: TestClient) -> None:
    _seed(client)
    r = client.put(f"{API}/events/e-001/attendees", json={"attendees": ["m-004", "o-01", "m-001"]})
    assert r.status_code == 200, r.text
    assert r.json()["attendees"] == ["m-004", "o-01", "m-001"]

    r = client.post(f"{API}/events/e-001/attendees", json={"member": "m-003"})
    assert r.status_code == 200 and r.json()["attendees"] == ["m-004", "o-01", "m-001", "m-003"]
    again = client.post(f"{API}/events/e-001/attendees", json={"member": "m-004"})  # already there: unchanged
    assert again.status_code == 200 and again.json()["attendees"] == ["m-004", "o-01", "m-001", "m-003"]

    r = client.delete(f"{API}/events/e-001/attendees/o-01")
    assert r.status_code == 200 and r.json()["attendees"] == ["m-004", "m-001", "m-003"]
    r = client.delete(f"{API}/events/e-001/attendees/o-01")
    assert r.status_code == 404 and "attendee" in r.json()["detail"]
    assert client.delete(f"{API}/events/e-404/attendees/m-001").status_code == 404
    assert client.get(f"{API}/events/e-001").json()["attendees"] == ["m-004", "m-001", "m-003"]

    errors = _errors(client.post(f"{API}/events/e-001/attendees", json={"member": "m-0002"}))
    assert errors == {("body", "member"): "no member or organisation 'm-0002' (did you mean 'm-002'?)"}
    assert client.put(f"{API}/events/e-001/attendees", json={"attendees": []}).json()["attendees"] == []


def test_event_patch_absent_keeps_null_clears_a_list_replaces(client: TestClient) -> None:
    _seed(client)
    before = client.get(f"{API}/events/e-001").json()
    r = client.patch(f"{API}/events/e-001", json={"theme": None, "format": None, "attendees": ["m-003"]})
    assert r.status_code == 200, r.text
    after = r.json()
    assert "theme" not in after or after["theme"] is None  # cleared
    assert after["format"] == "networking"  # back to the default
    assert after["attendees"] == ["m-003"]  # replaced
    assert after["title"] == before["title"] and after["date"] == before["date"]  # kept

    errors = _errors(client.patch(f"{API}/events/e-001", json={"title": None}))
    assert errors == {("body", "title"): "cannot be cleared: an event needs its title"}
    assert _errors(client.patch(f"{API}/events/e-001", json={"id": "e-002"}))  # the id is not a field to change
    assert client.patch(f"{API}/events/e-404", json={"title": "x"}).status_code == 404


def test_event_refusals_name_the_field(client: TestClient) -> None:
    _seed(client)
    taken = client.post(f"{API}/events", json={"id": "e-001", "title": "Again", "date": "2025-01-01"})
    assert taken.status_code == 409 and "e-001" in taken.json()["detail"]
    errors = _errors(client.post(f"{API}/events", json={"title": "Fair", "date": "2025-01-01",
                                                        "attendees": ["m-001", "m-0004", "m-001"]}))
    assert errors[("body", "attendees", 1)] == "no member or organisation 'm-0004' (did you mean 'm-004'?)"
    assert errors[("body", "attendees")] == "'m-001' is listed twice"
    assert ("body", "date") in _errors(client.post(f"{API}/events", json={"title": "No date"}))
    assert ("body", "colour") in _errors(client.post(f"{API}/events", json={"title": "x", "date": "2025-01-01",
                                                                          "colour": "red"}))
    assert [e["id"] for e in _export(client)["events"]] == ["e-001"]


# -- projects and calls for tender ----------------------------------------------------------------
def test_tender_create_update_delete_with_skills_and_team(client: TestClient) -> None:
    _seed(client)
    r = client.post(f"{API}/projects", json={"title": "Heritage trail app", "kind": "tender", "status": "open",
                                             "client": "Ministry of Culture", "requires": ["game-design", "tendering"],
                                             "team": ["m-002"], "start": "2025-09-01"})
    assert r.status_code == 201, r.text
    tender = r.json()
    assert tender["id"] == "p-002" and tender["kind"] == "tender" and tender["requires"] == ["game-design",
                                                                                               "tendering"]
    assert client.get(f"{API}/projects", params={"kind": "tender", "status": "open"}).json() == [tender]

    r = client.patch(f"{API}/projects/p-002", json={"status": "won", "requires": ["sound-design"],
                                                    "end": "2026-03-31", "client": None})
    assert r.status_code == 200, r.text
    won = r.json()
    assert won["status"] == "won" and won["requires"] == ["sound-design"] and won["end"] == "2026-03-31"
    assert won.get("client") is None and won["team"] == ["m-002"] and won["start"] == "2025-09-01"

    assert client.delete(f"{API}/projects/p-002").status_code == 204
    assert client.get(f"{API}/projects/p-002").status_code == 404
    doc = _export(client)
    assert [p["id"] for p in doc["projects"]] == ["p-001"]
    assert {s["id"] for s in doc["skills"]} >= {"sound-design", "game-design", "tendering"}  # skills stay
    assert "m-002" in {m["id"] for m in doc["members"]}


def test_project_team_replace_add_remove(client: TestClient) -> None:
    _seed(client)
    r = client.put(f"{API}/projects/p-001/team", json={"team": ["m-001", "o-01"]})
    assert r.status_code == 200 and r.json()["team"] == ["m-001", "o-01"]
    r = client.post(f"{API}/projects/p-001/team", json={"member": "m-004"})
    assert r.status_code == 200 and r.json()["team"] == ["m-001", "o-01", "m-004"]
    r = client.delete(f"{API}/projects/p-001/team/m-001")
    assert r.status_code == 200 and r.json()["team"] == ["o-01", "m-004"]
    assert client.delete(f"{API}/projects/p-001/team/m-001").status_code == 404
    assert client.post(f"{API}/projects/p-404/team", json={"member": "m-001"}).status_code == 404
    errors = _errors(client.put(f"{API}/projects/p-001/team", json={"team": ["m-001", "m-0003"]}))
    assert errors == {("body", "team", 1): "no member or organisation 'm-0003' (did you mean 'm-003'?)"}
    assert client.get(f"{API}/projects/p-001").json()["team"] == ["o-01", "m-004"]


def test_project_refusals_name_the_field(client: TestClient) -> None:
    _seed(client)
    assert client.post(f"{API}/projects", json={"id": "p-001", "title": "Again"}).status_code == 409
    errors = _errors(client.post(f"{API}/projects", json={"title": "Museum VR", "requires": ["game-desing"],
                                                          "start": "2025-05-01", "end": "2025-04-01"}))
    assert errors[("body", "requires", 0)] == "unknown skill 'game-desing' (did you mean 'game-design'?)"
    assert errors[("body", "end")].startswith("ends before it starts")
    assert _errors(client.patch(f"{API}/projects/p-001", json={"title": None})) == {
        ("body", "title"): "cannot be cleared: a project needs its title"}
    assert client.patch(f"{API}/projects/p-404", json={"status": "won"}).status_code == 404


def test_a_refused_patch_writes_nothing(client: TestClient) -> None:
    _seed(client)
    before = _export(client)
    r = client.patch(f"{API}/projects/p-001", json={"title": "Museum app v2", "status": "completed",
                                                    "team": ["m-001"], "requires": ["game-design", "nope"]})
    assert _errors(r) == {("body", "requires", 1): "unknown skill 'nope'"}
    r = client.patch(f"{API}/events/e-001", json={"title": "Renamed", "attendees": ["m-001", "ghost"]})
    assert ("body", "attendees", 1) in _errors(r)
    r = client.patch(f"{API}/organisations/o-01", json={"name": "Renamed", "skills": ["tendering", "bim-modeling"]})
    assert _errors(r) == {("body", "skills", 1): "unknown skill 'bim-modeling' (did you mean 'bim-modelling'?)"}
    assert _export(client) == before


# -- organisations --------------------------------------------------------------------------------
def test_organisation_create_read_update_delete_with_skills(client: TestClient) -> None:
    _seed(client)
    r = client.get(f"{API}/organisations/o-01")
    assert r.status_code == 200 and r.json()["skills"] == [] and r.json()["cluster"] == "automobility"
    assert client.get(f"{API}/organisations/o-404").status_code == 404

    r = client.post(f"{API}/organisations", json={"name": "Space Render Lab", "cluster": "space",
                                                  "skills": ["game-design", "bim-modelling"]})
    assert r.status_code == 201, r.text
    assert r.json()["id"] == "o-02" and r.json()["skills"] == ["game-design", "bim-modelling"]

    r = client.patch(f"{API}/organisations/o-02", json={"city": "Betzdorf"})
    assert r.status_code == 200 and r.json()["skills"] == ["game-design", "bim-modelling"]  # absent: kept
    r = client.patch(f"{API}/organisations/o-02", json={"skills": ["tendering"], "city": None})
    assert r.status_code == 200 and r.json()["skills"] == ["tendering"] and r.json().get("city") is None
    assert [o["id"] for o in client.get(f"{API}/organisations").json()] == ["o-01", "o-02"]

    # a merge import without skills keeps them too; one with skills replaces them
    assert client.post(f"{API}/import", json={"organisations": [{"id": "o-02", "name": "Space Render Lab SA"}]}
                       ).status_code == 200
    assert client.get(f"{API}/organisations/o-02").json()["skills"] == ["tendering"]

    assert client.post(f"{API}/events/e-001/attendees", json={"member": "o-02"}).status_code == 200
    assert client.delete(f"{API}/organisations/o-02").status_code == 204
    assert client.get(f"{API}/organisations/o-02").status_code == 404
    assert client.get(f"{API}/events/e-001").json()["attendees"] == ["m-001", "m-002", "m-004"]
    assert client.delete(f"{API}/organisations/o-02").status_code == 404


def test_organisation_refusals(client: TestClient) -> None:
    _seed(client)
    assert client.post(f"{API}/organisations", json={"id": "o-01", "name": "x", "cluster": "ict"}).status_code == 409
    member_id = client.post(f"{API}/organisations", json={"id": "m-001", "name": "x", "cluster": "ict"})
    assert member_id.status_code == 409 and "member" in member_id.json()["detail"]
    errors = _errors(client.post(f"{API}/organisations", json={"name": "x", "cluster": "ict",
                                                               "skills": ["sound-desgn"]}))
    assert errors == {("body", "skills", 0): "unknown skill 'sound-desgn' (did you mean 'sound-design'?)"}
    assert ("body", "cluster") in _errors(client.post(f"{API}/organisations", json={"name": "x", "cluster": "ICT"}))
    assert _errors(client.patch(f"{API}/organisations/o-01", json={"cluster": None})) == {
        ("body", "cluster"): "cannot be cleared: an organisation needs its cluster"}

    # a side of an introduction: kept for the history
    r = client.post(f"{API}/introductions", json={"a": "m-002", "b": "o-01"})
    assert r.status_code == 201, r.text
    refused = client.delete(f"{API}/organisations/o-01")
    assert refused.status_code == 409 and "introduction" in refused.json()["detail"]
    assert client.get(f"{API}/organisations/o-01").status_code == 200


def test_organisation_delete_takes_its_ties_and_team_places(client: TestClient) -> None:
    _seed(client)
    assert client.put(f"{API}/projects/p-001/team", json={"team": ["m-002", "o-01"]}).status_code == 200
    assert client.delete(f"{API}/organisations/o-01").status_code == 204
    doc = _export(client)
    assert doc["organisations"] == []
    assert all("o-01" not in (t["source"], t["target"]) for t in doc["ties"]) and len(doc["ties"]) == 3
    assert doc["projects"][0]["team"] == ["m-002"]


def test_organisation_skills_survive_export_and_import(client: TestClient) -> None:
    _seed(client)
    assert client.patch(f"{API}/organisations/o-01", json={"skills": ["tendering", "bim-modelling"]}
                        ).status_code == 200
    doc = _export(client)
    assert doc["organisations"][0]["skills"] == ["tendering", "bim-modelling"]
    r = client.post(f"{API}/import", params={"replace": "true"}, json=doc)
    assert r.status_code == 200, r.text
    assert _export(client) == doc
    assert client.get(f"{API}/organisations/o-01").json()["skills"] == ["tendering", "bim-modelling"]
    bad = {"organisations": [{"id": "o-01", "name": "x", "cluster": "ict", "skills": ["tenderin"]}]}
    r = client.post(f"{API}/import", json=bad)
    assert r.status_code == 422
    assert r.json()["problems"] == [{"loc": "organisations[0].skills[0]", "msg": "unknown skill 'tenderin'"}]


# -- who may ------------------------------------------------------------------------------------
WRITES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/events", {"title": "x", "date": "2025-01-01"}),
    ("PATCH", "/events/e-001", {"title": "x"}),
    ("DELETE", "/events/e-001", None),
    ("PUT", "/events/e-001/attendees", {"attendees": []}),
    ("POST", "/events/e-001/attendees", {"member": "m-003"}),
    ("DELETE", "/events/e-001/attendees/m-001", None),
    ("POST", "/projects", {"title": "x"}),
    ("PATCH", "/projects/p-001", {"title": "x"}),
    ("DELETE", "/projects/p-001", None),
    ("PUT", "/projects/p-001/team", {"team": []}),
    ("POST", "/projects/p-001/team", {"member": "m-001"}),
    ("DELETE", "/projects/p-001/team/m-002", None),
    ("POST", "/organisations", {"name": "x", "cluster": "ict"}),
    ("PATCH", "/organisations/o-01", {"name": "x"}),
    ("DELETE", "/organisations/o-01", None),
]


def test_members_and_client_applications_may_not_write(
    client: TestClient, member_client: Callable[[str], TestClient], app_client: TestClient,
) -> None:
    _seed(client)
    before = _export(client)
    for caller in (member_client("m-001"), app_client):
        for method, path, body in WRITES:
            r = caller.request(method, API + path, json=body)
            assert r.status_code == 403, (method, path, r.status_code, r.text)
    assert _export(client) == before


def test_members_see_only_the_attendees_and_team_members_they_may(
    client: TestClient, member_client: Callable[[str], TestClient], app_client: TestClient,
) -> None:
    _seed(client)
    assert client.put(f"{API}/events/e-001/attendees", json={"attendees": ["m-003", "m-001", "o-01"]}
                      ).status_code == 200
    member = member_client("m-002")
    # m-003 is private: the manager sees them, another member does not
    assert member.get(f"{API}/events/e-001").json()["attendees"] == ["m-001", "o-01"]
    assert [e["attendees"] for e in member.get(f"{API}/events").json()] == [["m-001", "o-01"]]
    assert member.get(f"{API}/projects/p-001").json()["team"] == ["m-002"]
    assert client.get(f"{API}/projects/p-001").json()["team"] == ["m-002", "m-003"]
    # m-003 sees themselves
    assert member_client("m-003").get(f"{API}/events/e-001").json()["attendees"] == ["m-003", "m-001", "o-01"]
    # organisations are not people: every caller reads them
    assert app_client.get(f"{API}/organisations/o-01").status_code == 200
    assert member.get(f"{API}/organisations").status_code == 200


# -- the projection -------------------------------------------------------------------------------
def test_the_projection_sees_a_new_events_attendance_on_the_next_request(client: TestClient) -> None:
    _seed(client)

    def shared_events(member: str, other: str) -> list[str] | None:
        r = client.get(f"{API}/members/{member}/recommendations", params={"limit": 20})
        assert r.status_code == 200, r.text
        for item in r.json()["items"]:
            if item["id"] == other:
                return list(item["shared_events"])
        return None

    assert not shared_events("m-004", "m-003")
    r = client.post(f"{API}/events", json={"title": "Sound and space", "date": "2025-10-02",
                                           "attendees": ["m-003", "m-004"]})
    assert r.status_code == 201, r.text
    assert shared_events("m-004", "m-003") == [r.json()["id"]]
    assert client.delete(f"{API}/events/{r.json()['id']}/attendees/m-003").status_code == 200
    assert not shared_events("m-004", "m-003")


# -- one at a time --------------------------------------------------------------------------------
def test_concurrent_creates_never_get_the_same_id(client: TestClient, db: Database) -> None:
    _seed(client)
    made: list[str] = []
    failures: list[BaseException] = []
    start = threading.Barrier(6)

    def create(k: int) -> None:
        try:
            start.wait()
            made.append(event_store.create_event(db, {"title": f"Meet-up {k}", "date": "2025-11-0" + str(k + 1)}).id)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=create, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    assert sorted(made) == [f"e-00{k}" for k in range(2, 8)]
    assert len(_export(client)["events"]) == 7
