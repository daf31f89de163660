"""The manager's calls for tender in the browser (``/desk/tenders``), through a logged-in session
against the real Neo4j: the list, the form with each error beside its field, a tender's proposed
teams by name (the project's team kept and marked, the missing skill with the organisation that
offers it and why), and saving a team onto the project with Post/Redirect/Get."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from tests.factories import MANAGER_KEY, small_document
from tests.test_web_sessions import OWN, login, token_of

VP = {"id": "virtual-production", "name": "Virtual production", "subsector": "film-audiovisual"}


@pytest.fixture
def desk(client: TestClient) -> TestClient:
    """The manager logged in, on the small cluster plus a skill nobody has but o-01 offers, and a
    past project that is not a tender."""
    doc = small_document()
    doc["skills"].append(VP)
    doc["organisations"][0]["skills"] = ["virtual-production"]
    doc["projects"].append({"id": "p-002", "title": "Old brochure", "kind": "project", "requires": ["tendering"],
                            "team": ["m-001"], "status": "completed"})
    assert client.post("/api/v1/import", json=doc).status_code == 200
    return login(client.app, MANAGER_KEY)


def _post(desk: TestClient, path: str, data: dict[str, object]) -> object:
    token = token_of(desk, "/desk/tenders")
    return desk.post(path, data={**data, "csrf_token": token}, headers={"Origin": OWN}, follow_redirects=False)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _field_error(html: str, name: str) -> str:
    """The error shown inside the field ``name`` (its own block, beside it)."""
    found = re.search(rf'<p class="error-message" id="{name}-error">(.*?)</p>', html, re.S)
    assert found, f"no error beside {name}"
    return _text(found.group(1)).replace("Error:", "").strip()


def test_the_list_shows_the_calls_for_tender_by_name(desk: TestClient, client: TestClient) -> None:
    r = desk.get("/desk/tenders")
    assert r.status_code == 200
    text = _text(r.text)
    assert "Museum app" in text and "City museum" in text and "2024-06-30" in text
    assert "Game design, Sound design" in text  # skills by name
    assert "Pixel Kayl, Sonic Moselle" in text  # the team by name
    assert "Old brochure" not in text  # a project, not a call for tender
    assert '<link rel="stylesheet" href="/viz/assets/tenders.css">' in r.text
    # Only the manager: a browser without a login goes to the login page, a member is refused.
    anonymous = TestClient(client.app)
    r = anonymous.get("/desk/tenders", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code in (302, 303, 307) and r.headers["location"].startswith("/login")


def test_the_form_says_what_is_wrong_beside_each_field_and_writes_nothing(desk: TestClient) -> None:
    form = desk.get("/desk/tenders/new").text
    assert 'name="csrf_token"' in form
    assert "Virtual production" in form and "Cross-cutting" in form  # skills by name, by subsector
    r = _post(desk, "/desk/tenders/new", {"title": "  ", "deadline": "30/09/2026", "status": "open"})
    assert r.status_code == 422  # type: ignore[attr-defined]
    html = r.text  # type: ignore[attr-defined]
    assert _field_error(html, "title") == "Enter the title of the call for tender."
    assert _field_error(html, "deadline") == "Enter the deadline as a date, for example 2026-09-30."
    assert _field_error(html, "requires") == "Tick at least one skill the tender requires."
    assert 'class="error-summary"' in html and 'href="#deadline"' in html
    assert 'value="30/09/2026"' in html  # what was typed is kept
    r = _post(desk, "/desk/tenders/new", {"title": "x" * 201, "requires": ["no-such-skill"]})
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert "200 characters or fewer" in _field_error(r.text, "title")  # type: ignore[attr-defined]
    assert "'no-such-skill' is not a skill of the taxonomy" in _field_error(r.text, "requires")  # type: ignore[attr-defined]
    assert "x" * 10 not in _text(desk.get("/desk/tenders").text)


def test_create_then_edit_a_call_for_tender(desk: TestClient, client: TestClient) -> None:
    r = _post(desk, "/desk/tenders/new", {"title": "Heritage trail <app>", "client": "Commune de Clervaux",
                                          "deadline": "2026-09-30", "status": "open",
                                          "requires": ["game-design", "virtual-production"]})
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    assert r.headers["location"] == "/desk/tenders/p-003?done=created"  # type: ignore[attr-defined]
    stored = client.get("/api/v1/projects/p-003").json()
    assert stored["kind"] == "tender" and stored["end"] == "2026-09-30" and stored["client"] == "Commune de Clervaux"
    assert stored["requires"] == ["game-design", "virtual-production"]
    page = desk.get("/desk/tenders/p-003?done=created").text
    assert "The call for tender is recorded." in page
    assert "Heritage trail &lt;app&gt;" in page and "<app>" not in page

    edit = desk.get("/desk/tenders/p-003/edit").text
    assert 'value="2026-09-30"' in edit and re.search(r'value="game-design" checked', edit)
    # An end before a stored start is refused at the deadline, and nothing changes.
    assert client.patch("/api/v1/projects/p-003", json={"start": "2026-08-01"}).status_code == 200
    r = _post(desk, "/desk/tenders/p-003/edit", {"title": "Heritage trail", "client": "", "deadline": "2026-07-01",
                                                 "status": "open", "requires": ["game-design"]})
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert "Ends before it starts" in _field_error(r.text, "deadline")  # type: ignore[attr-defined]
    assert client.get("/api/v1/projects/p-003").json()["title"] == "Heritage trail <app>"
    r = _post(desk, "/desk/tenders/p-003/edit", {"title": "Heritage trail", "client": "", "deadline": "2026-12-01",
                                                 "status": "lost", "requires": ["game-design"]})
    assert r.status_code == 303  # type: ignore[attr-defined]
    stored = client.get("/api/v1/projects/p-003").json()
    assert stored["title"] == "Heritage trail" and "client" not in stored or stored.get("client") is None
    assert stored["status"] == "lost" and stored["requires"] == ["game-design"]
    assert "The call for tender is saved." in desk.get(r.headers["location"]).text  # type: ignore[attr-defined]


def test_proposed_teams_by_name_keep_the_team_and_name_who_offers_a_missing_skill(desk: TestClient,
                                                                                client: TestClient) -> None:
    client.patch("/api/v1/projects/p-001", json={"requires": ["bim-modelling", "game-design", "virtual-production"],
                                                 "team": ["m-002"]})
    r = desk.get("/desk/tenders/p-001")
    assert r.status_code == 200
    html = r.text
    text = _text(html)
    assert "Team 1" in text
    assert "Atelier Weber" in text and "Pixel Kayl" in text
    assert re.search(r"Pixel Kayl</span> <span class=\"badge kept\">already on the team", html)
    assert "BIM modelling : Atelier Weber" in text and "Game design : Pixel Kayl" in text
    assert "Virtual production : nobody in the cluster" in text
    missing = text[text.index("Skills nobody in the cluster has"):]
    assert "Moselle Mobility Systems (automobility cluster) : offers Virtual production" in missing
    # Without organisations, the missing skill is still named.
    text = _text(desk.get("/desk/tenders/p-001?max_size=5&limit=2").text)
    assert "Nobody in the cluster has: Virtual production" in text and "Tick \"Name organisations" in text
    # A bad option is said beside its field.
    html = desk.get("/desk/tenders/p-001?max_size=0").text
    assert _field_error(html, "max_size") == "Enter the team's size from 1 to 20."

    # Save the first team: Post/Redirect/Get, with a notice naming the team.
    ids = re.search(r'<form method="post" action="/desk/tenders/p-001/team" class="save-team">(.*?)</form>',
                    desk.get("/desk/tenders/p-001").text, re.S)
    assert ids
    members = re.findall(r'name="member" value="([^"]+)"', ids.group(1))
    assert members[0] == "m-002" and "m-001" in members
    r = _post(desk, "/desk/tenders/p-001/team", {"member": members})
    assert r.status_code == 303  # type: ignore[attr-defined]
    assert r.headers["location"] == "/desk/tenders/p-001?done=team-saved"  # type: ignore[attr-defined]
    assert client.get("/api/v1/projects/p-001").json()["team"] == members
    page = desk.get("/desk/tenders/p-001?done=team-saved").text
    saved = _text(page[page.index('id="saved-team"'):page.index('id="proposals"')])
    assert "The team is saved onto the project: Pixel Kayl, Atelier Weber" in _text(page)
    assert "Pixel Kayl" in saved and "Atelier Weber" in saved
    assert f'href="/viz/ecosystem?team={"%2C".join(members)}"' in page

    # The organisation that offers the missing skill is added, then taken off.
    r = _post(desk, "/desk/tenders/p-001/team/add", {"party": "o-01"})
    assert r.status_code == 303  # type: ignore[attr-defined]
    assert client.get("/api/v1/projects/p-001").json()["team"] == [*members, "o-01"]
    page = desk.get("/desk/tenders/p-001").text
    assert "Virtual production : Moselle Mobility Systems" in _text(page)  # the kept organisation covers it
    r = _post(desk, "/desk/tenders/p-001/team/remove", {"party": "o-01"})
    assert r.status_code == 303  # type: ignore[attr-defined]
    assert client.get("/api/v1/projects/p-001").json()["team"] == members


def test_a_write_without_the_token_is_refused(desk: TestClient, client: TestClient) -> None:
    r = desk.post("/desk/tenders/p-001/team", data={"member": ["m-001"]}, headers={"Origin": OWN},
                  follow_redirects=False)
    assert r.status_code == 403
    assert client.get("/api/v1/projects/p-001").json()["team"] == ["m-002", "m-003"]


def test_an_unknown_tender_is_a_page_that_says_so(desk: TestClient) -> None:
    r = desk.get("/desk/tenders/p-999", headers={"Accept": "text/html"})
    assert r.status_code == 404
    assert "p-999" in r.text
