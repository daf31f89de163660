"""The manager's events in the browser (``/desk/events``), through a logged-in session against the
real Neo4j: the list, the form with each error beside its field, attendees registered by name (a
name that is unknown or shared by two members is said so, with whom it may mean), taken off,
seated at tables with why they sit together, and the table plan and place cards printed from the
same parameters (the same plan; a changed one is said so)."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import MANAGER_KEY, small_document
from tests.test_web_sessions import OWN, login, token_of


@pytest.fixture
def desk(client: TestClient) -> TestClient:
    """The manager logged in, on the small cluster plus two members called "Studio Nord"."""
    doc = small_document()
    doc["members"] += [
        {"id": "m-005", "name": "Studio Nord", "kind": "company", "subsectors": ["design"], "city": "Wiltz"},
        {"id": "m-006", "name": "Studio Nord", "kind": "company", "subsectors": ["music"], "city": "Clervaux"},
        {"id": "m-007", "name": "Éditions Lëtz", "kind": "company", "subsectors": ["literature"], "city": "Mersch"},
    ]
    assert client.post("/api/v1/import", json=doc).status_code == 200
    return login(client.app, MANAGER_KEY)


def _post(desk: TestClient, path: str, data: dict[str, Any]) -> Any:
    token = token_of(desk, "/desk/events")
    return desk.post(path, data={**data, "csrf_token": token}, headers={"Origin": OWN}, follow_redirects=False)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _field_error(html: str, name: str) -> str:
    found = re.search(rf'<p class="error-message" id="{name}-error">(.*?)</p>', html, re.S)
    assert found, f"no error beside {name}"
    return _text(found.group(1)).replace("Error:", "").strip()


def _names(html: str) -> list[str]:
    return [_text(n).strip() for n in re.findall(r'<span class="party-name">(.*?)</span>', html)]


def _attendees(client: TestClient, event: str = "e-001") -> list[str]:
    found: list[str] = client.get(f"/api/v1/events/{event}").json()["attendees"]
    return found


def test_the_list_and_a_new_event_with_errors_beside_each_field(desk: TestClient, client: TestClient) -> None:
    text = _text(desk.get("/desk/events").text)
    assert "Round table: games and heritage" in text and "2025-03-12" in text and "round table" in text
    r = _post(desk, "/desk/events/new", {"title": "", "date": "12 March", "format": "party", "theme": "t" * 201})
    assert r.status_code == 422
    assert _field_error(r.text, "title") == "Enter the event's title."
    assert _field_error(r.text, "date") == "Enter the day as a date, for example 2026-10-15."
    assert _field_error(r.text, "format") == "Choose one of the formats listed."
    assert _field_error(r.text, "theme") == "The theme must be 200 characters or fewer."
    assert 'value="12 March"' in r.text
    assert len(client.get("/api/v1/events").json()) == 1  # nothing written
    r = _post(desk, "/desk/events/new", {"title": "Round table <VR>", "date": "2026-10-15", "format": "round-table",
                                         "theme": "Virtual production"})
    assert r.status_code == 303
    assert r.headers["location"] == "/desk/events/e-002?done=created"
    page = desk.get(r.headers["location"]).text
    assert "The event is recorded." in page and "Round table &lt;VR&gt;" in page and "<VR>" not in page
    stored = client.get("/api/v1/events/e-002").json()
    assert stored["date"] == "2026-10-15" and stored["theme"] == "Virtual production"
    # Edit it.
    r = _post(desk, "/desk/events/e-002/edit", {"title": "Round table: VR", "date": "2026-10-16",
                                                "format": "workshop", "theme": ""})
    assert r.status_code == 303
    stored = client.get("/api/v1/events/e-002").json()
    assert stored["title"] == "Round table: VR" and stored["format"] == "workshop" and stored.get("theme") is None


def test_attendees_are_registered_by_name(desk: TestClient, client: TestClient) -> None:
    # Any case, any accents, extra spaces: one member, registered; Post/Redirect/Get with a notice.
    r = _post(desk, "/desk/events/e-001/attendees", {"name": "  sonic   MOSELLE "})
    assert r.status_code == 303
    assert _attendees(client) == ["m-001", "m-002", "m-004", "m-003"]
    assert "Sonic Moselle is registered." in _text(desk.get(r.headers["location"]).text)
    r = _post(desk, "/desk/events/e-001/attendees", {"name": "Editions Letz"})
    assert r.status_code == 303 and _attendees(client)[-1] == "m-007"
    r = _post(desk, "/desk/events/e-001/attendees", {"name": "Sonic Moselle"})
    assert "Sonic Moselle was already registered." in _text(desk.get(r.headers["location"]).text)

    # An unknown name: said beside the field, with the closest names, and nothing written.
    r = _post(desk, "/desk/events/e-001/attendees", {"name": "Pixel Kail"})
    assert r.status_code == 422
    assert _field_error(r.text, "name") == "No member is called 'Pixel Kail'. Did you mean one of these?"
    assert "Register Pixel Kayl" in _text(r.text) and 'value="Pixel Kail"' in r.text
    # A name two members share: both offered, told apart by subsector, city and id.
    r = _post(desk, "/desk/events/e-001/attendees", {"name": "studio nord"})
    assert r.status_code == 422
    assert _field_error(r.text, "name") == "2 members are called 'studio nord': choose one below."
    text = _text(r.text)
    assert "Choose the one you mean:" in text and "Wiltz · m-005" in text and "Clervaux · m-006" in text
    assert len(_attendees(client)) == 5
    r = _post(desk, "/desk/events/e-001/attendees", {"member": "m-006"})  # the choice's button
    assert r.status_code == 303 and _attendees(client)[-1] == "m-006"
    r = _post(desk, "/desk/events/e-001/attendees", {"name": "Studio Nord (m-005)"})  # the picker's form for it
    assert r.status_code == 303 and _attendees(client)[-1] == "m-005"
    r = _post(desk, "/desk/events/e-001/attendees", {"name": ""})
    assert r.status_code == 422 and _field_error(r.text, "name") == "Type the member's name."

    # Taken off.
    r = _post(desk, "/desk/events/e-001/attendees/remove", {"member": "m-002"})
    assert r.status_code == 303 and "m-002" not in _attendees(client)
    assert "Pixel Kayl is taken off the attendance." in _text(desk.get(r.headers["location"]).text)


def test_the_name_picker_suggests_names_as_one_types(desk: TestClient) -> None:
    page = desk.get("/desk/events/e-001").text
    assert '<datalist id="member-names">' in page and 'list="member-names"' in page
    assert 'hx-get="/desk/events/names"' in page
    assert '<option value="Studio Nord (m-005)">' in page  # a shared name carries the id
    r = desk.get("/desk/events/names", params={"name": "pix"})
    assert r.status_code == 200
    assert re.findall(r'<option value="([^"]+)"', r.text) == ["Pixel Kayl"]
    options = re.findall(r'<option value="([^"]+)"', desk.get("/desk/events/names", params={"name": "nord"}).text)
    assert options == ["Studio Nord (m-005)", "Studio Nord (m-006)"]  # a word of the name
    assert desk.get("/desk/events/names", params={"name": "s"}).text.strip() == ""  # one letter: nothing yet


def test_seating_shows_tables_by_name_and_prints_the_same_plan(desk: TestClient) -> None:
    for name in ("Sonic Moselle", "Studio Nord (m-005)", "Studio Nord (m-006)", "Éditions Lëtz"):
        assert _post(desk, "/desk/events/e-001/attendees", {"name": name}).status_code == 303
    page = desk.get("/desk/events/e-001?table_size=4&seed=7").text
    text = _text(page)
    assert "7 attendees at 2 tables" in text
    assert "Table 1" in text and "Table 2" in text
    assert re.search(r"\d people from \d subsectors? \(", text)
    assert "pairs at the table have no tie yet" in text
    tables = re.findall(r'<article class="table-card" id="table-(\d+)">(.*?)</article>', page, re.S)
    seated = [name for _, body in tables for name in _names(body)]
    assert sorted(seated) == sorted(["Atelier Weber", "Pixel Kayl", "1535 Hub", "Sonic Moselle", "Studio Nord",
                                     "Studio Nord", "Éditions Lëtz"])
    links = re.findall(r'href="(/desk/events/e-001/print/(?:tables|cards)\?[^"]+)"', page)
    assert len(links) == 2
    tables_link, cards_link = (unescape(link) for link in links)
    assert "table_size=4" in tables_link and "seed=7" in tables_link and "plan=" in tables_link

    shown = {n: _names(body) for n, body in tables}
    plan = desk.get(tables_link).text
    assert "This plan is not the one shown" not in plan
    printed = re.findall(r'<section class="plan-table">\s*<h2>Table (\d+)</h2>(.*?)</section>', plan, re.S)
    assert {n: _names(body) for n, body in printed} == shown  # the same people at the same tables
    assert desk.get(tables_link).text == plan  # and again
    cards = desk.get(cards_link).text
    found = re.findall(r'<p class="card-table">Table (\d+)</p>\s*<p class="card-name">(.*?)</p>', cards)
    assert sorted((int(n), _text(name).strip()) for n, name in found) == sorted(
        (int(n), name) for n, names in shown.items() for name in names)

    # Another registration changes the plan: printing the old address says so.
    assert _post(desk, "/desk/events/e-001/attendees", {"name": "Atelier Weber"}).status_code == 303  # already
    desk_remove = _post(desk, "/desk/events/e-001/attendees/remove", {"member": "m-007"})
    assert desk_remove.status_code == 303
    assert "This plan is not the one shown" in _text(desk.get(tables_link).text)


def test_seating_options_are_checked_beside_their_fields(desk: TestClient) -> None:
    html = desk.get("/desk/events/e-001?table_size=1").text
    assert _field_error(html, "table_size") == "Enter the seats per table as a whole number from 2 to 50."
    html = desk.get("/desk/events/e-001?table_size=3&skill=no-such").text
    assert _field_error(html, "skill") == "'no-such' is not a skill of the taxonomy; choose from the list."
    # A themed seating keeps those with the theme, and names who is left out.
    text = _text(desk.get("/desk/events/e-001?table_size=2&subsector=gaming&subsector=design").text)
    assert "3 attendees at 2 tables" in text  # Atelier Weber (design second), Pixel Kayl, 1535 Hub
    text = _text(desk.get("/desk/events/e-001?table_size=2&skill=sound-design").text)
    assert "Nobody to seat: no attendee has the theme's skills or subsectors." in text
    text = _text(desk.get("/desk/events/e-001/print/cards").text)
    assert "The address names no table size" in text


def test_a_registration_without_the_token_is_refused(desk: TestClient, client: TestClient) -> None:
    r = desk.post("/desk/events/e-001/attendees", data={"name": "Sonic Moselle"}, headers={"Origin": OWN},
                  follow_redirects=False)
    assert r.status_code == 403
    assert _attendees(client) == ["m-001", "m-002", "m-004"]
