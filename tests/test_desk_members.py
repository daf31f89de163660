"""The manager's members and keys pages (``/desk/members``, ``/desk/keys``), through a logged-in
browser session (TestClient with its cookie and anti-forgery token), against the real Neo4j."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from graph_service.services.keys import create_key
from graph_service.store.database import Database
from tests.factories import MANAGER_KEY
from tests.test_web_sessions import OWN, loaded, login, token_of

__all__ = ["loaded"]  # the fixture, imported for the tests below


@pytest.fixture
def manager(loaded: TestClient) -> TestClient:
    return login(loaded.app, MANAGER_KEY)


def _post(browser: TestClient, url: str, data: dict[str, object], page: str = "/desk/members") -> object:
    return browser.post(url, data={"csrf_token": token_of(browser, page), **data}, headers={"Origin": OWN},
                        follow_redirects=False)


def _errors(page: str) -> dict[str, str]:
    """Each field's error beside it: {field id: message}."""
    return {m.group(1): html.unescape(re.sub(r"\s+", " ", m.group(2)).strip())
            for m in re.finditer(r'<p class="error-message" id="([\w-]+)-error"><span class="visually-hidden">'
                                 r"Error:</span>(.*?)</p>", page, re.S)}


def test_the_list_shows_names_subsectors_and_searches(manager: TestClient) -> None:
    page = manager.get("/desk/members")
    assert page.status_code == 200 and "/viz/assets/members.css" in page.text
    for text in ("Atelier Weber", "Architecture, Design", "Luxembourg", "Sonic Moselle", "private", "4 members"):
        assert text in page.text, text
    assert 'href="/desk/members/m-001/edit"' in page.text
    found = manager.get("/desk/members", params={"q": "remich"})
    assert "Sonic Moselle" in found.text and "Atelier Weber" not in found.text and "1 member match" in found.text
    gaming = manager.get("/desk/members", params={"subsector": "gaming"})
    assert "Pixel Kayl" in gaming.text and "Sonic Moselle" not in gaming.text


def test_add_a_member_with_skills_by_name(manager: TestClient, loaded: TestClient) -> None:
    form = manager.get("/desk/members/new")
    assert form.status_code == 200 and "m-005" in form.text  # the next free id, offered
    r = _post(manager, "/desk/members/new", {
        "name": "Kayl Sound Lab", "kind": "company", "subsector": "music", "subsectors": ["gaming", "music"],
        "skills": "sound design; GAME DESIGN", "city": "Kayl", "languages": "LB, fr", "visibility": "members",
        "joined": "2025-02-01", "description": "Sound for games <b>and</b> film",
    })
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]  # a Response
    assert r.headers["location"].startswith("/desk/members?saved=m-005")  # type: ignore[attr-defined]
    stored = loaded.get("/api/v1/members/m-005").json()
    assert stored["name"] == "Kayl Sound Lab" and stored["subsectors"] == ["music", "gaming"]
    assert stored["skills"] == ["sound-design", "game-design"] and stored["languages"] == ["lb", "fr"]
    assert stored["visibility"] == "members" and stored["joined"] == "2025-02-01"
    listed = manager.get(r.headers["location"]).text  # type: ignore[attr-defined]
    assert "Saved Kayl Sound Lab." in listed and "Sound for games" not in listed


def test_each_field_has_its_error_beside_it(manager: TestClient, loaded: TestClient) -> None:
    r = _post(manager, "/desk/members/new", {
        "name": "", "kind": "company", "subsector": "", "skills": "Game desing; Juggling",
        "website": "atelier.lu", "languages": "french", "joined": "someday", "id": "bad id!",
    })
    assert r.status_code == 422  # type: ignore[attr-defined]
    page = r.text  # type: ignore[attr-defined]
    errors = _errors(page)
    assert errors["name"] == "Enter the member's name."
    assert errors["subsector"] == "Choose the member's main subsector."
    assert "Unknown skill 'Game desing' (did you mean 'Game design'?), 'Juggling'" in errors["skills"]
    assert errors["website"].startswith("Enter a web address")
    assert errors["languages"].startswith("Give each language")
    assert errors["joined"].startswith("Enter the date joined")
    assert errors["id"].startswith("The id may hold only")
    assert 'class="error-summary"' in page and 'href="#skills"' in page
    assert 'value="atelier.lu"' in page  # what was typed is kept
    assert loaded.get("/api/v1/members").json()["total"] == 4
    taken = _post(manager, "/desk/members/new", {"id": "m-001", "name": "Copy", "subsector": "design"})
    assert _errors(taken.text)["id"] == "A member 'm-001' already exists."  # type: ignore[attr-defined]
    org = _post(manager, "/desk/members/new", {"id": "o-01", "name": "Copy", "subsector": "design"})
    assert _errors(org.text)["id"] == "'o-01' is an organisation's id."  # type: ignore[attr-defined]


def test_edit_a_member(manager: TestClient, loaded: TestClient) -> None:
    form = manager.get("/desk/members/m-001/edit")
    assert form.status_code == 200
    assert "Edit Atelier Weber" in form.text and "BIM modelling; Tendering" in form.text
    assert re.search(r'<option value="architecture" selected>', form.text)
    r = _post(manager, "/desk/members/m-001/edit", {
        "name": "Atelier Weber & Fils", "kind": "company", "subsector": "design", "subsectors": ["architecture"],
        "skills": "Tendering", "city": "Esch", "visibility": "private", "languages": "lb",
    })
    assert r.status_code == 303  # type: ignore[attr-defined]
    stored = loaded.get("/api/v1/members/m-001").json()
    assert stored["name"] == "Atelier Weber & Fils" and stored["subsectors"] == ["design", "architecture"]
    assert stored["skills"] == ["tendering"] and stored["visibility"] == "private" and stored.get("website") is None
    ties = loaded.get("/api/v1/members/m-001/ties").json()
    assert ties, "the ties stay"
    bad = _post(manager, "/desk/members/m-001/edit", {"name": " ", "subsector": "design"})
    assert bad.status_code == 422 and _errors(bad.text)["name"] == "Enter the member's name."  # type: ignore[attr-defined]
    assert manager.get("/desk/members/m-999/edit").status_code == 404


def test_a_key_is_shown_once_and_revoked_after_a_confirmation(manager: TestClient, loaded: TestClient) -> None:
    page = manager.get("/desk/keys")
    assert page.status_code == 200 and "manager's key is not listed" in html.unescape(page.text)
    r = _post(manager, "/desk/keys", {"role": "member", "member": "m-002", "name": "Pixel's laptop"}, "/desk/keys")
    assert r.status_code == 200  # type: ignore[attr-defined]  # answered by the POST itself, no redirect
    assert r.headers["cache-control"] == "no-store"  # type: ignore[attr-defined]
    secret = re.search(r'<code class="secret" id="secret">(gsk_[\w-]+)</code>', r.text)  # type: ignore[attr-defined]
    assert secret and "Pixel Kayl" in r.text  # type: ignore[attr-defined]
    listed = manager.get("/desk/keys").text
    assert secret.group(1) not in listed and "Pixel&#39;s laptop" in listed and "Pixel Kayl" in listed
    member = login(loaded.app, secret.group(1))  # the key works
    assert "Pixel Kayl" in member.get("/me").text
    key_id = re.search(r'href="/desk/keys/(k-[0-9a-f]+)/revoke"', listed)
    assert key_id
    confirm = manager.get(f"/desk/keys/{key_id.group(1)}/revoke")
    assert "Revoke “Pixel&#39;s laptop”?" in confirm.text and "Pixel Kayl" in confirm.text
    done = _post(manager, f"/desk/keys/{key_id.group(1)}/revoke", {}, "/desk/keys")
    assert done.status_code == 303  # type: ignore[attr-defined]
    after = manager.get(done.headers["location"]).text  # type: ignore[attr-defined]
    assert "is revoked" in after and "revoked 20" in after
    assert member.get("/me", follow_redirects=False).status_code == 303  # its session ended: to the login


def test_an_application_key_and_the_forms_errors(manager: TestClient, db: Database) -> None:
    r = _post(manager, "/desk/keys", {"role": "client", "member": "m-001", "name": "cluster website"}, "/desk/keys")
    assert r.status_code == 200 and "a client application" in r.text  # type: ignore[attr-defined]
    keys = [k for k in __import__("graph_service.services.keys", fromlist=["list_keys"]).list_keys(db)]
    assert [(k.role, k.member) for k in keys] == [("client", None)]  # the member is ignored for an application
    bad = _post(manager, "/desk/keys", {"role": "member", "member": "", "name": ""}, "/desk/keys")
    assert bad.status_code == 422  # type: ignore[attr-defined]
    errors = _errors(bad.text)  # type: ignore[attr-defined]
    assert errors["member"] == "Choose the member the key belongs to." and errors["name"].startswith("Say what")


def test_only_the_manager_and_only_with_the_token(loaded: TestClient, db: Database) -> None:
    key = create_key(db, role="member", member="m-002", name="Pixel")
    member = login(loaded.app, key.key)
    for url in ("/desk/members", "/desk/members/new", "/desk/keys", "/desk/members/m-001/edit"):
        assert member.get(url).status_code == 403, url
    anonymous = TestClient(loaded.app)
    assert anonymous.get("/desk/keys", follow_redirects=False).headers["location"].startswith("/login")
    manager = login(loaded.app, MANAGER_KEY)
    forged = manager.post("/desk/keys", data={"role": "client", "name": "x"}, headers={"Origin": OWN})
    assert forged.status_code == 403
