"""The HTTP API against the real database."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.settings import Settings
from graph_service.store.database import Connection, Database
from tests.factories import MANAGER, small_document


def _seed(client: TestClient) -> None:
    r = client.post("/api/v1/import", json=small_document())
    assert r.status_code == 200, r.text


def test_health_says_neo4j_answers(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["neo4j"].startswith("Neo4j/5.26")


def test_list_members_filters_and_pages(client: TestClient) -> None:
    _seed(client)
    page = client.get("/api/v1/members", params={"limit": 2}).json()
    assert page["total"] == 4 and [m["id"] for m in page["items"]] == ["m-001", "m-002"]
    page2 = client.get("/api/v1/members", params={"limit": 2, "offset": 2}).json()
    assert [m["id"] for m in page2["items"]] == ["m-003", "m-004"]
    design = client.get("/api/v1/members", params={"subsector": "design"}).json()
    assert [m["id"] for m in design["items"]] == ["m-001", "m-004"]
    skilled = client.get("/api/v1/members", params={"skill": "game-design"}).json()
    assert [m["id"] for m in skilled["items"]] == ["m-002"]
    text = client.get("/api/v1/members", params={"q": "REMICH"}).json()
    assert [m["id"] for m in text["items"]] == ["m-003"]


def test_page_size_is_capped(client: TestClient) -> None:
    r = client.get("/api/v1/members", params={"limit": 5000})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "limit"]


def test_member_crud(client: TestClient) -> None:
    _seed(client)
    new = {"id": "m-100", "name": "Studio <b>Nord</b>", "subsectors": ["film-audiovisual"], "skills": ["tendering"],
           "visibility": "members"}
    r = client.post("/api/v1/members", json=new)
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "Studio <b>Nord</b>" and r.json()["visibility"] == "members"
    assert client.post("/api/v1/members", json=new).status_code == 409
    r = client.patch("/api/v1/members/m-100", json={"city": "Wiltz", "subsectors": ["music", "gaming"]})
    assert r.status_code == 200 and r.json()["city"] == "Wiltz" and r.json()["subsectors"] == ["music", "gaming"]
    assert r.json()["skills"] == ["tendering"]
    assert client.get("/api/v1/members/m-100").json()["city"] == "Wiltz"
    assert client.delete("/api/v1/members/m-100").status_code == 204
    assert client.get("/api/v1/members/m-100").status_code == 404
    assert client.delete("/api/v1/members/m-100").status_code == 404


def test_invalid_bodies_name_the_field(client: TestClient) -> None:
    r = client.post("/api/v1/members", json={"id": "m-1", "name": "A", "subsectors": ["gamming"]})
    assert r.status_code == 422
    detail = r.json()["detail"][0]
    assert detail["loc"] == ["body", "subsectors", 0] and "did you mean 'gaming'" in detail["msg"]
    r = client.post("/api/v1/members", json={"id": "m 1", "name": "A", "subsectors": ["music"]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "id"]
    r = client.post("/api/v1/members", json={"id": "m-2", "name": "A", "subsectors": ["music"], "skills": ["nope"]})
    assert r.status_code == 409 and "nope" in r.json()["detail"]


def test_unknown_ids_give_404(client: TestClient) -> None:
    for path in ("/api/v1/members/m-404", "/api/v1/projects/p-404", "/api/v1/events/e-404",
                 "/api/v1/introductions/i-404"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "404" in r.json()["detail"]


def test_subsectors_skills_projects_events(client: TestClient) -> None:
    _seed(client)
    subsectors = {s["id"]: s for s in client.get("/api/v1/subsectors").json()}
    assert len(subsectors) == 12
    assert subsectors["design"]["members"] == 2 and subsectors["design"]["primary_members"] == 1
    assert "74.10" in subsectors["design"]["nace"]
    skills = client.get("/api/v1/skills", params={"cross_cutting": True}).json()
    assert [s["id"] for s in skills] == ["tendering"]
    assert client.get("/api/v1/projects/p-001").json()["requires"] == ["game-design", "sound-design"]
    assert client.get("/api/v1/projects", params={"kind": "tender"}).json()[0]["id"] == "p-001"
    assert client.get("/api/v1/events/e-001").json()["format"] == "round-table"
    assert client.get("/api/v1/organisations").json()[0]["cluster"] == "automobility"


def test_introductions_create_list_update(client: TestClient) -> None:
    _seed(client)
    r = client.post("/api/v1/introductions", json={"a": "m-002", "b": "m-004"})
    assert r.status_code == 201, r.text
    ident = r.json()["id"]
    assert r.json()["status"] == "proposed" and r.json()["facilitator"] == "manager"
    assert r.json()["a_response"] == "pending" and r.json()["b_response"] == "pending"
    listed = client.get("/api/v1/introductions", params={"member": "m-004"}).json()
    assert [x["id"] for x in listed] == [ident]
    assert client.post("/api/v1/introductions", json={"a": "m-002", "b": "m-404"}).status_code == 409
    assert client.post("/api/v1/introductions", json={"a": "m-002", "b": "m-002"}).status_code == 409
    r = client.patch(f"/api/v1/introductions/{ident}", json={"status": "maybe"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "status"]


def test_bad_import_is_refused_whole_over_http(client: TestClient) -> None:
    _seed(client)
    before = client.get("/api/v1/export").json()
    bad = small_document()
    bad["members"][1]["subsectors"] = ["gamming"]
    bad["ties"][0]["target"] = "m-999"
    r = client.post("/api/v1/import", json=bad, params={"replace": True})
    assert r.status_code == 422
    # Every problem in one answer: the malformed value and the dangling reference together.
    assert r.json()["problems"] == [
        {"loc": "members[1].subsectors[0]", "msg": "unknown subsector 'gamming' (did you mean 'gaming'?)"},
        {"loc": "ties[0].target", "msg": "no member or organisation 'm-999'"},
    ]
    assert client.get("/api/v1/export").json() == before
    assert client.post("/api/v1/import", content=b"{not json", headers={"content-type": "application/json"}
                       ).status_code == 422


def test_csv_import_over_http(client: TestClient) -> None:
    _seed(client)
    body = "id,name,subsectors,skills\nm-050,Nord,design,tendering\nm-051,Sud,design,nope\n"
    r = client.post("/api/v1/import", content=body.encode(), headers={"content-type": "text/csv"})
    assert r.status_code == 422 and r.json()["problems"][0]["loc"] == "line 3, skills[0]"
    assert client.get("/api/v1/members/m-050").status_code == 404


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert "/api/v1/members" in spec["paths"] and "Document" in spec["components"]["schemas"]


def test_neo4j_outage_gives_503_not_a_stack_trace(settings: Settings) -> None:
    # A driver pointed at a port where no Neo4j listens behaves as an outage does.
    dead = Database(settings.model_copy(update={"connection_timeout_s": 1.0}),
                    Connection("bolt://127.0.0.1:9", "neo4j", "x" * 20, "neo4j"))
    with TestClient(create_app(settings, dead), raise_server_exceptions=False, headers=MANAGER) as c:
        r = c.get("/api/v1/members")
        assert r.status_code == 503
        assert r.json() == {"detail": "The graph database (Neo4j) is not available right now; try again shortly."}
        assert r.headers["retry-after"] == "5"
        h = c.get("/health")
        assert h.status_code == 503 and h.json()["status"] == "unavailable"
    dead.close()


def test_generated_passwords_are_never_read_as_options(tmp_path: Path) -> None:
    # The admin tool takes the password on its command line: it must never start with '-'.
    import re

    from graph_service.neo4j_server import managed

    alphabet = set(managed._PASSWORD_ALPHABET)
    assert "-" not in alphabet and re.fullmatch(r"[A-Za-z0-9]+", managed._PASSWORD_ALPHABET)
