"""A member's own space (/me and its pages) through a logged-in browser session (TestClient with
the session cookie and its anti-forgery token), against the real Neo4j: the profile and its form
(the API's rules, errors beside the fields, Post/Redirect/Get), ties picked by name (recorded,
confirmed by the other side, withdrawn), introductions answered with a note, partners with their
warm paths, "who can introduce me to…", privacy (visibility, the export, erasure), and other
members' cards and the member page offering only what the member may do."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from graph_service.services.keys import create_key
from graph_service.store.database import Database
from tests.factories import MANAGER_KEY
from tests.test_web_sessions import OWN, loaded, login, member_browser, token_of

__all__ = ["loaded", "member_browser"]  # fixtures, imported for pytest

FORBIDDEN_TEXT = "Forbidden: only the manager or member"


def post(browser: TestClient, path: str, data: dict[str, object], page: str = "/me") -> object:
    """A form post with the session's token and the page's Origin, not following the redirect."""
    return browser.post(path, data={**data, "csrf_token": token_of(browser, page)}, headers={"Origin": OWN},
                        follow_redirects=False)


def hub_browser(loaded: TestClient, db: Database) -> TestClient:
    """1535 Hub (m-004, public) logged in in a second browser."""
    return login(loaded.app, create_key(db, role="member", member="m-004", name="Hub's laptop").key)


# -- the profile ----------------------------------------------------------------------------------

def test_me_shows_the_profile_and_the_way_to_every_page(member_browser: TestClient) -> None:
    page = member_browser.get("/me").text
    for text in ("Pixel Kayl", "freelancer", "Gaming", "Game design", "Esch-sur-Alzette", "members</strong>",
                 'href="/me/edit"', 'href="/me/ties"', 'href="/me/introductions"', 'href="/me/partners"',
                 'href="/me/introduce"', 'href="/me/privacy"', 'href="/viz/members/m-002"',
                 'href="/members-app"', 'href="/viz/assets/me.css"'):
        assert text in page, text
    nav = re.search(r'<nav aria-label="Pages">(.*?)</nav>', page, re.S)
    assert nav and all(f'href="{p}"' in nav.group(1) for p in
                       ("/me", "/me/ties", "/me/introductions", "/me/partners", "/me/privacy"))


def test_editing_the_profile_with_errors_beside_the_fields_then_saving(
    loaded: TestClient, member_browser: TestClient,
) -> None:
    form = member_browser.get("/me/edit").text
    assert 'name="csrf_token"' in form and 'value="Pixel Kayl"' in form
    assert re.search(r'<option value="gaming" selected>', form)
    assert re.search(r'value="game-design" checked', form)
    assert 'name="joined"' not in form and 'name="visibility"' not in form  # not a member's, or elsewhere
    bad = {"name": "", "kind": "freelancer", "subsector": "gaming", "skills": ["game-design"],
           "website": "pixel-kayl.lu", "languages": "lb, french", "city": "Esch-sur-Alzette"}
    r = post(member_browser, "/me/edit", bad)
    assert r.status_code == 422
    html = r.text
    assert 'class="error-summary"' in html
    assert re.search(r'id="website-error".*starting with https://', html)
    assert re.search(r'id="languages-error".*two- or three-letter codes', html)
    assert 'value="pixel-kayl.lu"' in html  # what was typed is kept
    assert loaded.get("/api/v1/members/m-002").json()["name"] == "Pixel Kayl"  # nothing saved
    # The name is required (the merged profile's rule, as the API's {"name": null}).
    r = post(member_browser, "/me/edit", {**bad, "website": "", "languages": "lb"})
    assert r.status_code == 422 and re.search(r'id="name-error".*Enter your name', r.text)
    assert loaded.get("/api/v1/members/m-002").json()["website"] is None  # nothing saved

    good = {**bad, "name": "Pixel Kayl Studio", "website": "https://pixel-kayl.example.lu", "languages": "lb, FR en",
            "subsectors": ["design", "gaming"], "skills": ["game-design", "sound-design"],
            "description": "Games <for> museums"}
    r = post(member_browser, "/me/edit", good)
    assert r.status_code == 303 and r.headers["location"] == "/me?done=profile"
    saved = loaded.get("/api/v1/members/m-002").json()
    assert saved["name"] == "Pixel Kayl Studio" and saved["subsectors"] == ["gaming", "design"]
    assert saved["languages"] == ["lb", "fr", "en"] and saved["skills"] == ["game-design", "sound-design"]
    assert saved["joined"] == "2021-06-15" and saved["visibility"] == "members"  # kept
    page = member_browser.get("/me?done=profile").text
    assert "Your profile is saved." in page and "Games &lt;for&gt; museums" in page
    # Posting the same again changes nothing, and says so.
    r = post(member_browser, "/me/edit", good)
    assert r.headers["location"] == "/me?done=unchanged"
    # Without the token, nothing is saved.
    r = member_browser.post("/me/edit", data={**good, "name": "Forged"}, headers={"Origin": OWN})
    assert r.status_code == 403
    assert loaded.get("/api/v1/members/m-002").json()["name"] == "Pixel Kayl Studio"


def test_the_manager_has_no_member_space(loaded: TestClient) -> None:
    manager = login(loaded.app, MANAGER_KEY)
    for path in ("/me", "/me/edit", "/me/ties", "/me/introductions", "/me/partners", "/me/privacy", "/me/introduce"):
        r = manager.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/desk", path
    assert TestClient(loaded.app).get("/me/ties", follow_redirects=False).headers["location"].startswith("/login")


# -- names, as typed ------------------------------------------------------------------------------

def test_names_as_typed_only_those_the_member_may_see(member_browser: TestClient) -> None:
    r = member_browser.get("/me/names?person=weber")
    assert r.status_code == 200 and '<option value="Atelier Weber">Luxembourg · Architecture</option>' in r.text
    assert "<option" not in member_browser.get("/me/names?person=sonic").text  # Sonic Moselle is private
    assert "<option" not in member_browser.get("/me/names?person=pixel").text  # not oneself
    assert member_browser.get("/me/names?person=").text.strip() == ""


# -- ties -----------------------------------------------------------------------------------------

def test_ties_by_name_recorded_confirmed_by_the_other_side_and_withdrawn(
    loaded: TestClient, member_browser: TestClient, db: Database,
) -> None:
    page = member_browser.get("/me/ties").text
    assert "Atelier Weber" in page and "Sonic Moselle" in page  # a private member on their own tie: named
    assert 'href="/viz/members/m-001"' in page and 'href="/viz/members/m-003"' not in page
    assert 'list="person-options"' in page and 'hx-get="/me/names"' in page
    assert "m-004" not in page

    # A name matching nobody, then part of a name: the member picks among the matches.
    r = post(member_browser, "/me/ties", {"person": "Nobody at all", "kind": "knows", "weight": "0.5"}, "/me/ties")
    assert r.status_code == 422 and "No member you can see has a name containing" in r.text
    r = post(member_browser, "/me/ties", {"person": "hub", "kind": "knows", "weight": "0.5"}, "/me/ties")
    assert r.status_code == 422 and "pick one of these" in r.text
    assert re.search(r'<input type="radio" name="chosen" value="m-004" checked> 1535 Hub', r.text)
    # The name typed in full (any case) is enough.
    r = post(member_browser, "/me/ties", {"person": "1535 hub", "kind": "collaborated", "weight": "0.8",
                                          "since": "2024-05-01"}, "/me/ties")
    assert r.status_code == 303 and r.headers["location"] == "/me/ties?done=recorded"
    page = member_browser.get("/me/ties?done=recorded").text
    assert "Your tie is recorded." in page
    waiting = page.split('id="waiting"')[1].split('id="confirmed"')[0]
    assert "1535 Hub" in waiting and "worked together" in waiting and "Strong (0.80)" in waiting
    # Again: refused, in words, with names.
    r = post(member_browser, "/me/ties", {"person": "1535 Hub", "kind": "collaborated", "weight": "0.8"}, "/me/ties")
    assert r.status_code == 422 and "You already recorded this collaborated tie" in r.text
    assert "1535 Hub" in r.text

    # The other side confirms it on their own page.
    hub = hub_browser(loaded, db)
    page = hub.get("/me/ties").text
    awaiting = page.split('id="awaiting"')[1].split('id="record"')[0]
    assert "Pixel Kayl" in awaiting and "Confirm" in awaiting
    r = post(hub, "/me/ties/confirm", {"other": "m-002", "kind": "collaborated"}, "/me/ties")
    assert r.status_code == 303 and r.headers["location"] == "/me/ties?done=confirmed"
    ties = {(t["other"]["id"], t["kind"]): t for t in loaded.get("/api/v1/members/m-002/ties").json()}
    assert ties[("m-004", "collaborated")]["confirmed"] is True
    r = post(hub, "/me/ties/confirm", {"other": "m-002", "kind": "collaborated"}, "/me/ties")
    assert r.status_code == 409 and "already confirmed" in r.text

    # Withdrawing asks first, then deletes it for both.
    r = member_browser.get("/me/ties/withdraw?other=m-004&kind=collaborated")
    assert r.status_code == 200 and "Withdraw the tie with 1535 Hub?" in r.text and "leaves every map" in r.text
    r = post(member_browser, "/me/ties/withdraw", {"other": "m-004", "kind": "collaborated"}, "/me/ties")
    assert r.status_code == 303 and r.headers["location"] == "/me/ties?done=withdrawn"
    assert not any(t["other"]["id"] == "m-004" for t in loaded.get("/api/v1/members/m-002/ties").json())


# -- introductions --------------------------------------------------------------------------------

def test_an_introduction_accepted_with_a_note_and_one_declined(
    loaded: TestClient, member_browser: TestClient, db: Database,
) -> None:
    made = loaded.post("/api/v1/introductions",
                       json={"a": "m-002", "b": "m-004", "notes": "Both work on games for museums"})
    assert made.status_code == 201, made.text
    ident = made.json()["id"]
    page = member_browser.get("/me/introductions").text
    assert "1535 Hub" in page and "Both work on games for museums" in page and "the cluster manager" in page
    assert f'action="/me/introductions/{ident}/respond"' in page
    r = post(member_browser, f"/me/introductions/{ident}/respond",
              {"answer": "accept", f"note-{ident}": "Happy to meet in Esch"}, "/me/introductions")
    assert r.status_code == 303 and r.headers["location"] == "/me/introductions?done=accepted"
    stored = loaded.get(f"/api/v1/introductions/{ident}").json()
    assert stored["a_response"] == "accepted" and stored["status"] == "proposed"
    assert stored["outcome"] == "Both work on games for museums\nPixel Kayl, accepting: Happy to meet in Esch"
    page = member_browser.get("/me/introductions?done=accepted").text
    assert "You accepted the introduction." in page and f'action="/me/introductions/{ident}/respond"' not in page
    # The other side declines, without a note.
    hub = hub_browser(loaded, db)
    r = post(hub, f"/me/introductions/{ident}/respond", {"answer": "decline"}, "/me/introductions")
    assert r.status_code == 303 and r.headers["location"] == "/me/introductions?done=declined"
    assert loaded.get(f"/api/v1/introductions/{ident}").json()["status"] == "declined"
    # Once it is closed, an answer is refused in words.
    r = post(member_browser, f"/me/introductions/{ident}/respond", {"answer": "accept"}, "/me/introductions")
    assert r.status_code == 409 and "The introduction is already declined; answers are closed." in r.text
    assert "Closed (1)" in member_browser.get("/me/introductions").text


def test_an_introduction_with_a_private_member_does_not_name_them(
    loaded: TestClient, db: Database,
) -> None:
    made = loaded.post("/api/v1/introductions", json={"a": "m-004", "b": "m-003"})
    assert made.status_code == 201, made.text
    page = hub_browser(loaded, db).get("/me/introductions").text
    assert "a member whose profile is private" in page and "Sonic Moselle" not in page


# -- partners and who can introduce me ------------------------------------------------------------

def test_partners_with_reasons_and_who_can_introduce_me(member_browser: TestClient) -> None:
    page = member_browser.get("/me/partners").text
    assert '<ol class="partners">' in page
    assert "1535 Hub" in page and 'href="/viz/members/m-004"' in page
    assert "Who can introduce me to 1535 Hub?" in page
    assert "Ask <strong>Atelier Weber</strong>" in page
    assert "Pixel Kayl and Atelier Weber know each other" in page
    assert FORBIDDEN_TEXT not in page


def test_who_can_introduce_me_by_name(member_browser: TestClient) -> None:
    page = member_browser.get("/me/introduce").text
    assert 'hx-get="/me/names"' in page and "m-150" not in page
    r = member_browser.get("/me/introduce?person=" + quote("1535 HUB"))
    assert r.status_code == 200
    assert "Who can introduce me to 1535 Hub" in r.text and "Ask <strong>Atelier Weber</strong>" in r.text
    assert "Atelier Weber and 1535 Hub worked together on projects" in r.text
    assert 'href="/viz/paths/m-002/m-004"' in r.text
    r = member_browser.get("/me/introduce?person=a")  # several names contain an "a"
    assert r.status_code == 422 and "pick one of these" in r.text and 'name="chosen"' in r.text
    r = member_browser.get("/me/introduce?person=a&chosen=m-001")
    assert r.status_code == 200 and "Who can introduce me to Atelier Weber" in r.text
    r = member_browser.get("/me/introduce?person=Sonic")  # private: not offered
    assert r.status_code == 422 and "No member you can see" in r.text


# -- privacy --------------------------------------------------------------------------------------

def test_privacy_visibility_and_the_download(loaded: TestClient, member_browser: TestClient) -> None:
    page = member_browser.get("/me/privacy").text
    for text in ("Only the cluster manager sees your profile", "website included",
                 'value="members" checked', 'href="/me/privacy/export"', 'href="/me/privacy/erase"'):
        assert text in page, text
    r = post(member_browser, "/me/privacy/visibility", {"visibility": "everyone"}, "/me/privacy")
    assert r.status_code == 422 and 'id="visibility-error"' in r.text
    r = post(member_browser, "/me/privacy/visibility", {"visibility": "public"}, "/me/privacy")
    assert r.status_code == 303 and r.headers["location"] == "/me/privacy?done=visibility"
    assert loaded.get("/api/v1/members/m-002").json()["visibility"] == "public"
    r = member_browser.get("/me/privacy/export")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert re.match(r'attachment; filename="my-data-m-002-\d{4}-\d\d-\d\d\.json"', r.headers["content-disposition"])
    data = json.loads(r.text)
    assert data == loaded.get("/api/v1/members/m-002/export").json() | {"generated_at": data["generated_at"]}


def test_erasure_asks_first_then_erases_and_ends_the_session(loaded: TestClient, member_browser: TestClient) -> None:
    page = member_browser.get("/me/privacy/erase").text
    assert "Erase Pixel Kayl?" in page and "cannot be undone" in page and "logged out everywhere" in page
    r = post(member_browser, "/me/privacy/erase", {}, "/me/privacy")
    assert r.status_code == 422 and "Tick the box" in r.text
    assert loaded.get("/api/v1/members/m-002").status_code == 200
    r = post(member_browser, "/me/privacy/erase", {"confirm": "yes"}, "/me/privacy")
    assert r.status_code == 200 and "You have been erased" in r.text and "Pixel Kayl" not in r.text
    assert loaded.get("/api/v1/members/m-002").status_code == 404
    assert member_browser.get("/me", follow_redirects=False).headers["location"].startswith("/login")


# -- other members' cards and the member page -----------------------------------------------------

def test_another_members_card_offers_only_what_the_member_may_do(member_browser: TestClient) -> None:
    card = member_browser.get("/viz/members/m-001")
    assert card.status_code == 200 and FORBIDDEN_TEXT not in card.text
    assert "Who can introduce me to Atelier Weber" in card.text
    assert "/me/introduce?person=Atelier+Weber&amp;chosen=m-001" in card.text
    own = member_browser.get("/viz/members/m-002").text
    assert 'href="/me/partners"' in own and "Who can introduce me to" not in own
    app = member_browser.get("/members-app").text
    assert 'data-role="member" data-me="m-002"' in app and "m-150" not in app
    assert 'list="target-options"' in app


@pytest.mark.parametrize("path", ["/members-app", "/explore"])
def test_the_member_page_for_the_manager_names_no_member(loaded: TestClient, path: str) -> None:
    page = login(loaded.app, MANAGER_KEY).get(path).text
    assert 'data-role="manager" data-me=""' in page
