"""The manager's introductions pages, through a logged-in browser session against the real Neo4j:
the plan by name with its E-I chart and map link, bad input beside its field, recording the ticked
pairs (checked again on the server), the board by state with its follow-ups, and moving an
introduction on (collaborating: the tie is on the map at once)."""

from __future__ import annotations

import html as html_lib
import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from graph_service.services.keys import create_key
from graph_service.store.database import Database
from tests.factories import MANAGER_KEY
from tests.test_web_sessions import BROWSER_ACCEPT, OWN, loaded, login, token_of

__all__ = ["loaded"]  # the fixture, used by name

PLAN = "/desk/introductions"
BOARD = "/desk/introductions/board"
DATA_BLOCK = re.compile(r'<script type="application/json" id="graph-data">(.*?)</script>', re.DOTALL)


@pytest.fixture
def manager(loaded: TestClient) -> TestClient:
    """The cluster manager logged in in a browser (the small document loaded)."""
    return login(loaded.app, MANAGER_KEY)


def _post(browser: TestClient, path: str, data: dict[str, Any], **kwargs: Any) -> Any:
    body = {"csrf_token": token_of(browser, BOARD), **data}
    return browser.post(path, data=body, headers={"Origin": OWN, **kwargs.pop("headers", {})},
                        follow_redirects=False, **kwargs)


def _pairs(page: str) -> list[str]:
    return re.findall(r'name="pair" value="([^"]+)"', page)


def _intro(loaded: TestClient, ident: str) -> dict[str, Any]:
    found: dict[str, Any] = loaded.get(f"/api/v1/introductions/{ident}").json()
    return found


def _section(page: str, status: str) -> str:
    found = re.search(rf'<section class="state state-{status}".*?</section>', page, re.DOTALL)
    assert found, status
    return found.group(0)


def _edges(page: str) -> set[frozenset[str]]:
    found = DATA_BLOCK.search(page)
    assert found
    data = json.loads(found.group(1))
    return {frozenset((e["from"], e["to"])) for e in data["edges"] if not str(e["id"]).startswith("o")}


# -- the plan ---------------------------------------------------------------------------------------

def test_the_form_alone_then_a_plan_by_name_with_its_effect(manager: TestClient) -> None:
    first = manager.get(PLAN)
    assert first.status_code == 200
    assert first.headers["content-security-policy"].startswith("default-src 'self'")
    for field in ('id="total"', 'id="max_per_member"', 'id="focus"', 'id="theme"', 'id="new_member_days"'):
        assert field in first.text, field
    assert "Subsector: Gaming" in first.text and "Skill: Game design" in first.text  # themes by name
    assert 'href="/viz/assets/introductions.css"' in first.text
    assert 'name="pair"' not in first.text  # no plan until asked

    page = manager.get(PLAN, params={"total": 5, "max_per_member": 2, "focus": "all"})
    assert page.status_code == 200
    text = page.text
    pairs = _pairs(text)
    assert pairs, "the small cluster has introductions to suggest"
    assert all(re.fullmatch(r"m-00\d:m-00\d", p) for p in pairs)
    assert len(pairs) == len(re.findall(r'name="pair" value="[^"]+" checked', text))  # all ticked
    names = {"m-001": "Atelier Weber", "m-002": "Pixel Kayl", "m-003": "Sonic Moselle", "m-004": "1535 Hub"}
    for pair in pairs:
        a, b = pair.split(":")
        who = '<span class="who">{}</span>'
        assert f'{who.format(names[a])} <span class="with">and</span> {who.format(names[b])}' in text
    assert '<ul class="reasons">' in text
    # The effect: an inline SVG chart and the same figures as a table, by subsector name.
    assert '<svg class="chart ei-effect" role="img"' in text and "<title id=\"ei-chart-title\">" in text
    table = re.search(r'<table class="data ei-table">.*?</table>', text, re.DOTALL)
    assert table and "Gaming" in table.group(0) and "Before" in table.group(0)
    assert "<script>" not in text.split("</head>")[1]  # no inline script
    # "See on the map": the ecosystem map with the plan's pairs as its overlay, which draws them.
    href = html_lib.unescape(re.search(r'<a class="map-link" href="([^"]+)"', text).group(1))  # type: ignore[union-attr]
    url = urlsplit(href)
    assert url.path == "/viz/ecosystem" and parse_qs(url.query)["proposed"] == [",".join(pairs)]
    shown = manager.get(href)
    assert shown.status_code == 200 and "Proposed introduction" in shown.text
    # The hidden fields carry the plan's parameters into the record form (stateless).
    assert '<input type="hidden" name="total" value="5">' in text


@pytest.mark.parametrize(("params", "field", "words"), [
    ({"total": "0"}, "total", "whole number from 1 to 200"),
    ({"total": "ten"}, "total", "whole number from 1 to 200"),
    ({"total": "5", "max_per_member": "0"}, "max_per_member", "from 1 to 20"),
    ({"total": "5", "focus": "everyone"}, "focus", "Choose one of the focuses"),
    ({"total": "5", "focus": "theme", "theme": "juggling"}, "theme", "unknown skill or subsector 'juggling'"),
    ({"total": "5", "focus": "theme"}, "theme", "a theme (a skill id or a subsector id) is needed"),
    ({"total": "5", "theme": "<b>x</b>"}, "theme", "Choose a theme from the list"),
])
def test_bad_input_gives_the_form_back_with_the_error_beside_the_field(
        manager: TestClient, params: dict[str, str], field: str, words: str) -> None:
    r = manager.get(PLAN, params=params)
    assert r.status_code == 422
    beside = re.search(rf'<p class="error-message" id="{field}-error">(.*?)</p>', r.text, re.DOTALL)
    assert beside and words in html_lib.unescape(beside.group(1)), r.text
    assert f'<li><a href="#{field}">' in r.text  # the summary links to the field
    assert 'name="pair"' not in r.text
    assert "<b>x</b>" not in r.text


# -- recording the ticked pairs ---------------------------------------------------------------------

def test_the_ticked_pairs_are_recorded_then_the_board(manager: TestClient, loaded: TestClient) -> None:
    pairs = _pairs(manager.get(PLAN, params={"total": 5}).text)
    chosen = pairs[:1]  # the others unticked
    r = _post(manager, PLAN, {"pair": chosen, "total": "5", "focus": "all"})
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"{BOARD}?recorded=1"
    recorded = [i for i in loaded.get("/api/v1/introductions", params={"status": "proposed"}).json()]
    assert [f"{i['a']}:{i['b']}" for i in recorded] == chosen
    assert recorded[0]["facilitator"] == "manager"
    assert recorded[0]["a_response"] == recorded[0]["b_response"] == "pending"
    board = manager.get(r.headers["location"])
    assert "Recorded 1 introduction as proposed." in board.text
    assert recorded[0]["id"] in _section(board.text, "proposed")


def test_posted_pairs_are_checked_again_naming_the_people(manager: TestClient, loaded: TestClient) -> None:
    before = loaded.get("/api/v1/introductions").json()
    cases = [
        (["m-001:m-003"], "Atelier Weber and Sonic Moselle already have an open introduction (met, since 2025-04-01"),
        (["m-002:m-002"], "Pixel Kayl cannot be introduced to themselves."),
        (["m-002:m-999"], "'m-999' is no longer in the cluster"),
        (["not a pair"], "'not a pair' is not a pair of member ids"),
        ([], "Tick at least one introduction to record."),
        (["m-002:m-004", "m-001:m-003"], "Atelier Weber and Sonic Moselle already have an open introduction"),
    ]
    for pairs, words in cases:
        r = _post(manager, PLAN, {"pair": pairs, "total": "5"})
        assert r.status_code == 409, pairs
        assert words in html_lib.unescape(r.text), (pairs, r.text)
        assert "Nothing was recorded." in r.text
        assert 'class="error-summary"' in r.text
    assert loaded.get("/api/v1/introductions").json() == before  # nothing recorded, not even the good pair
    # A pair declined before is not proposed again either.
    loaded.post("/api/v1/introductions", json={"a": "m-002", "b": "m-004", "id": "i-no"})
    loaded.patch("/api/v1/introductions/i-no", json={"status": "declined"})
    r = _post(manager, PLAN, {"pair": ["m-004:m-002"], "total": "5"})
    assert r.status_code == 409
    assert "An introduction of 1535 Hub and Pixel Kayl was declined before" in html_lib.unescape(r.text)


def test_recording_needs_the_manager_and_the_token(manager: TestClient, loaded: TestClient, db: Database) -> None:
    r = manager.post(PLAN, data={"pair": ["m-002:m-004"]}, headers={"Origin": OWN}, follow_redirects=False)
    assert r.status_code == 403
    member = login(loaded.app, create_key(db, role="member", member="m-002", name="laptop").key)
    assert member.get(PLAN, headers={"Accept": BROWSER_ACCEPT}).status_code == 403
    assert member.get(BOARD, headers={"Accept": BROWSER_ACCEPT}).status_code == 403
    r = member.post(PLAN, data={"pair": ["m-002:m-004"], "csrf_token": token_of(member, "/me")},
                    headers={"Origin": OWN}, follow_redirects=False)
    assert r.status_code == 403
    nobody = TestClient(loaded.app)
    r = nobody.get(BOARD, headers={"Accept": BROWSER_ACCEPT}, follow_redirects=False)
    assert r.status_code in (302, 303, 307) and r.headers["location"].startswith("/login")
    assert loaded.get("/api/v1/introductions").json()[0]["id"] == "i-001"
    assert len(loaded.get("/api/v1/introductions").json()) == 1


# -- the board --------------------------------------------------------------------------------------

def test_the_board_by_state_with_answers_notes_and_follow_ups(manager: TestClient, loaded: TestClient) -> None:
    # A second met introduction, met today: not due, so the old one (i-001) comes first.
    assert loaded.post("/api/v1/introductions", json={"a": "m-002", "b": "m-004", "id": "i-new"}).status_code == 201
    for side in ("m-002", "m-004"):
        loaded.post("/api/v1/introductions/i-new/responses", json={"member": side, "answer": "accept"})
    assert loaded.patch("/api/v1/introductions/i-new", json={"status": "met"}).status_code == 200
    assert loaded.post("/api/v1/introductions", json={"a": "m-003", "b": "m-004", "id": "i-ask"}).status_code == 201
    loaded.post("/api/v1/introductions/i-ask/responses", json={"member": "m-004", "answer": "accept"})

    page = manager.get(BOARD)
    assert page.status_code == 200
    text = page.text
    for title, count in (("Proposed", 1), ("Accepted", 0), ("Met", 2), ("Collaborating", 0), ("Declined", 0),
                         ("No outcome", 0)):
        assert f'{title} <span class="count">{count}</span>' in text, title
    met = _section(text, "met")
    assert met.index('id="intro-i-001"') < met.index('id="intro-i-new"')  # the due one first
    assert re.search(r'<li class="card due" id="intro-i-001">', met)
    assert "Due for a follow-up" in met and "ask both sides whether it led to working together" in met
    assert "Met at the hub" in met  # the note
    assert '<li class="card" id="intro-i-new">' in met
    proposed = _section(text, "proposed")
    assert "1535 Hub: accepted" in proposed and "Sonic Moselle: waiting for an answer" in proposed
    # Buttons for the moves the introduction's state allows, and no more.
    card = re.search(r'<li class="card due" id="intro-i-001">.*?</li>\s*(?=<li|</ul>)', met, re.DOTALL)
    assert card
    assert re.findall(r'name="status" value="([^"]+)"', card.group(0)) == ["collaborating", "no-follow-up"]
    assert 'hx-post="/desk/introductions/board/i-001/advance"' in card.group(0)
    assert 'name="csrf_token"' in card.group(0)
    # The number of days is the board's own setting.
    assert manager.get(BOARD, params={"due_days": 5000}).status_code == 422
    assert 'class="card due"' not in _section(manager.get(BOARD, params={"due_days": 365}).text, "proposed")


def test_moving_one_on_to_collaborating_puts_the_tie_on_the_map(manager: TestClient, loaded: TestClient) -> None:
    assert frozenset(("m-001", "m-003")) not in _edges(manager.get("/viz/ecosystem").text)
    r = _post(manager, f"{BOARD}/i-001/advance", {"status": "collaborating", "note": "Working on the museum app"})
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"{BOARD}?moved=i-001#intro-i-001"
    board = manager.get(r.headers["location"])
    assert "Atelier Weber and Sonic Moselle: now collaborating. Their tie is now on the map." in board.text
    assert 'id="intro-i-001"' in _section(board.text, "collaborating")
    assert "Working on the museum app" in _section(board.text, "collaborating")
    intro = _intro(loaded, "i-001")
    assert intro["status"] == "collaborating" and intro["outcome"] == "Working on the museum app"
    # The write went through the service, so the projection the map is drawn from sees it at once.
    assert frozenset(("m-001", "m-003")) in _edges(manager.get("/viz/ecosystem").text)
    ties = loaded.get("/api/v1/members/m-001/ties").json()
    assert [t["kind"] for t in ties if t["other"]["id"] == "m-003"] == ["knows"]


def test_a_move_the_state_does_not_allow_is_refused_beside_the_card(manager: TestClient, loaded: TestClient) -> None:
    r = _post(manager, f"{BOARD}/i-001/advance", {"status": "met"})
    assert r.status_code == 409
    text = html_lib.unescape(r.text)
    assert "Cannot go from met to met (allowed: collaborating, no outcome)." in text
    assert '<li class="card due field-error" id="intro-i-001">' in r.text
    assert '<li><a href="#intro-i-001">' in r.text
    # Sent by htmx, the same page comes as 200 so that htmx swaps the board in.
    r = _post(manager, f"{BOARD}/i-001/advance", {"status": "accepted"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and 'id="board"' in r.text and 'field-error" id="intro-i-001"' in r.text
    r = _post(manager, f"{BOARD}/i-404/advance", {"status": "met"})
    assert r.status_code == 409 and "There is no introduction &#39;i-404&#39; any more." in r.text
    r = _post(manager, f"{BOARD}/i-001/advance", {"status": "no-follow-up", "note": "x" * 2001})
    assert r.status_code == 409 and "at most 2,000 characters" in r.text
    assert _intro(loaded, "i-001")["status"] == "met" and _intro(loaded, "i-001")["outcome"] == "Met at the hub"
    # An empty note keeps the note there was.
    assert _post(manager, f"{BOARD}/i-001/advance", {"status": "no-follow-up", "note": "  "}).status_code == 303
    assert _intro(loaded, "i-001")["status"] == "no-follow-up"
    assert _intro(loaded, "i-001")["outcome"] == "Met at the hub"


def test_answers_the_manager_was_given_are_recorded(manager: TestClient, loaded: TestClient) -> None:
    assert loaded.post("/api/v1/introductions", json={"a": "m-002", "b": "m-004", "id": "i-ask"}).status_code == 201
    assert _post(manager, f"{BOARD}/i-ask/answer", {"member": "m-002", "answer": "accept"}).status_code == 303
    card = manager.get(BOARD).text
    assert "Pixel Kayl: accepted" in card and "1535 Hub: waiting for an answer" in card
    assert _post(manager, f"{BOARD}/i-ask/answer", {"member": "m-004", "answer": "accept"}).status_code == 303
    assert _intro(loaded, "i-ask")["status"] == "accepted"
    assert 'id="intro-i-ask"' in _section(manager.get(BOARD).text, "accepted")
    r = _post(manager, f"{BOARD}/i-ask/answer", {"member": "m-001", "answer": "accept"})
    assert r.status_code == 409 and "is not a party" in r.text
    r = _post(manager, f"{BOARD}/i-ask/answer", {"member": "m-002", "answer": "maybe"})
    assert r.status_code == 409 and "Choose accepted or declined." in r.text


def test_names_are_escaped_everywhere(manager: TestClient, loaded: TestClient) -> None:
    hostile = "<script>alert(1)</script>"
    assert loaded.patch("/api/v1/members/m-004", json={"name": hostile}).status_code == 200
    loaded.post("/api/v1/introductions", json={"a": "m-002", "b": "m-004", "id": "i-h", "notes": hostile})
    for page in (manager.get(BOARD).text, manager.get(PLAN, params={"total": 5}).text,
                 _post(manager, PLAN, {"pair": ["m-002:m-004"], "total": "5"}).text):
        assert hostile not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
