"""The manager's calls for tender and events in a real headless Chromium against the seeded
cluster of ``live_server`` (300 members, seed 42):

* a call for tender created through the form (an error first, then the skills ticked by name),
  its proposed teams by name, the missing skill with the organisation that offers it, one team
  saved onto the project and shown saved, then drawn on the ecosystem map;
* an event created through the form, attendees registered by name with the suggestions fetched
  while typing (htmx), an unknown name said beside the field, the attendees seated, and the table
  plan and the place cards printed to PDF (A4) with every seated name in the PDF's text.

The screenshots (``tenders-*``, ``events-*``) go to ``test-artifacts/browser/`` and are the ones
docs/workspace/tenders.md and events.md show; so do the PDFs.
"""

from __future__ import annotations

import io
import json
import math
import re
import time
import unicodedata
from typing import Any
from urllib.request import Request, urlopen

from tests.browser.axe import audit, describe, serious
from tests.browser.conftest import LiveServer, Tab
from tests.factories import MANAGER

MISSING_SKILL = "virtual-production"  # the seed's skill nobody holds (seed/projects.py)


def _api(live_server: LiveServer, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = Request(live_server.url + path, data=data, method=method,
                      headers={"Content-Type": "application/json", **MANAGER})
    with urlopen(request, timeout=120) as r:
        text = r.read()
    return json.loads(text) if text else None


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def _pdf(tab: Tab, name: str) -> tuple[int, str]:
    """The page printed to an A4 PDF: its number of pages and its text, squashed."""
    from pypdf import PdfReader

    page = tab.page
    page.emulate_media(media="print")
    tab.screenshot(name, full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    page.emulate_media(media="screen")
    assert pdf[:4] == b"%PDF"
    tab.artifact(f"{name}.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), _squash(" ".join(p.extract_text() for p in reader.pages))


def _accessible(tab: Tab) -> None:
    """axe finds no serious or critical violation on the page as it stands (tests/browser/axe.py)."""
    found = serious(audit(tab.page))
    assert not found, f"{tab.page.url}:\n{describe(found)}"


def _expected_422(tab: Tab) -> None:
    """The form came back with its 422 status, which Chromium logs; nothing else went wrong."""
    assert tab.errors == ["Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"]
    tab.errors.clear()


def _wait(tab: Tab, script: str, arg: Any = None, timeout: float = 15.0) -> Any:
    """Poll ``script`` (through the DevTools protocol: the pages' policy forbids string eval) until truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = tab.page.evaluate(script, arg)
        if value:
            return value
        tab.page.wait_for_timeout(50)
    raise AssertionError(f"not true within {timeout} s: {script}; console errors: {tab.errors}")


def test_a_call_for_tender_its_teams_and_a_saved_team(live_server: LiveServer, tab: Tab) -> None:
    page = tab.page
    organisation = _api(live_server, "GET", "/api/v1/organisations")[0]
    _api(live_server, "PATCH", f"/api/v1/organisations/{organisation['id']}",
         {"skills": [*organisation["skills"], MISSING_SKILL]})
    created: str | None = None
    try:
        page.goto(live_server.url + "/desk/tenders")
        assert page.inner_text("main h1") == "Calls for tender"
        assert page.locator("table.tenders-list tbody tr").count() >= 5
        tab.screenshot("tenders-list", full_page=True)
        _accessible(tab)

        page.click("text=Record a new call for tender")
        page.click("main button[type=submit]")  # nothing filled in
        assert page.locator(".error-summary").is_visible()
        assert "Enter the title of the call for tender." in page.inner_text("#title-error")
        assert "Tick at least one skill the tender requires." in page.inner_text("#requires-error")
        tab.screenshot("tenders-form-errors")
        _accessible(tab)
        _expected_422(tab)

        page.fill("#title", "Immersive heritage trail for Vianden castle")
        page.fill("#client", "Commune de Vianden")
        page.fill("#deadline", "2026-11-30")
        for group, skill in (("Gaming", "Serious games"), ("Design", "Typography"),
                             ("Film and audiovisual", "Virtual production (LED volume)"),
                             ("Cross-cutting", "Public tenders and procurement")):
            summary = page.locator("summary", has_text=re.compile(rf"^\s*{group}\b"))
            details = page.locator("details.skill-group", has=summary).first
            if details.get_attribute("open") is None:
                details.locator("summary").click()
            details.get_by_label(skill, exact=True).check()
        tab.screenshot("tenders-form", full_page=True)
        page.click("main form button.primary")
        page.wait_for_load_state()
        assert "?done=created" in page.url
        created = page.url.split("/desk/tenders/")[1].split("?")[0]
        assert page.inner_text("p.notice") == "The call for tender is recorded."
        assert "Nobody is on the team yet" in page.inner_text("#saved-team")

        # Proposed teams, by name, with who covers which skill.
        assert page.locator("article.team-proposal").count() >= 1
        first = page.locator("article.team-proposal").first
        team_names = [n.strip() for n in first.locator("table.team td .party-name").all_inner_texts()]
        assert team_names and all(team_names)
        coverage = first.locator("ul.coverage").inner_text()
        assert "Serious games:" in coverage and "Typography:" in coverage
        assert "Virtual production (LED volume): nobody in the cluster" in coverage
        missing = page.inner_text("#missing-skills")
        assert organisation["name"] in missing and "offers Virtual production (LED volume)" in missing
        tab.screenshot("tenders-teams", full_page=True)
        _accessible(tab)

        # Save the first team onto the project: the page after the redirect says so and shows it.
        first.locator("button", has_text="Save this team onto the project").click()
        page.wait_for_load_state()
        assert page.url.endswith("?done=team-saved")
        assert page.inner_text("p.notice").startswith("The team is saved onto the project: ")
        saved = [n.strip() for n in page.locator("#saved-team .party-name").all_inner_texts()]
        assert saved == team_names
        assert _api(live_server, "GET", f"/api/v1/projects/{created}")["team"]
        kept = page.locator("article.team-proposal").first.locator(".badge.kept").count()
        assert kept == len(team_names)  # every proposal keeps the saved team, marked
        tab.screenshot("tenders-saved", full_page=True)
        _accessible(tab)

        page.click("text=See the team on the ecosystem map")
        page.wait_for_url(re.compile(r".*/viz/ecosystem\?team=.*"))
        tab.wait_ready()
        tab.screenshot("tenders-map")
        tab.assert_clean()
    finally:
        if created:
            _api(live_server, "DELETE", f"/api/v1/projects/{created}")
        _api(live_server, "PATCH", f"/api/v1/organisations/{organisation['id']}",
             {"skills": organisation["skills"]})


def test_an_event_attendees_by_name_seated_and_printed(live_server: LiveServer, tab: Tab) -> None:
    page = tab.page
    members = _api(live_server, "GET", "/api/v1/members?limit=40&offset=20")["items"]
    names = [m["name"] for m in members if m["id"].startswith("m-0")][:14]
    created: str | None = None
    try:
        page.goto(live_server.url + "/desk/events")
        assert page.inner_text("main h1") == "Events and round tables"
        tab.screenshot("events-list", full_page=True)
        _accessible(tab)

        page.click("text=Record a new event")
        page.fill("#date", "2026-10-15")
        page.click("main form button.primary")
        assert "Enter the event's title." in page.inner_text("#title-error")
        _expected_422(tab)
        page.fill("#title", "Round table: heritage and games")
        page.select_option("#format", "round-table")
        page.fill("#theme", "Heritage")
        tab.screenshot("events-form")
        page.click("main form button.primary")
        page.wait_for_load_state()
        assert "?done=created" in page.url
        created = page.url.split("/desk/events/")[1].split("?")[0]
        assert page.inner_text("p.notice") == "The event is recorded."

        # Register by name: the picker's suggestions come while typing (htmx fills the datalist).
        for i, name in enumerate(names):
            page.fill("#name", name[:5])
            found = _wait(tab, """([typed]) => {
                const bare = t => t.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
                const values = [...document.querySelectorAll('#member-names option')].map(o => o.value);
                return values.length <= 20 && values.length > 0
                    && values.every(v => bare(v).includes(bare(typed))) ? values : null;
            }""", [name[:5].strip()])
            assert name in found
            page.fill("#name", name)
            page.click("form.register button[type=submit]")
            page.wait_for_load_state()
            assert page.inner_text("p.notice") == f"{name} is registered."
            if i == 0:
                tab.screenshot("events-registered")
        page.fill("#name", "Nobody Of This Name")
        page.click("form.register button[type=submit]")
        page.wait_for_load_state()
        assert page.inner_text("#name-error").endswith("No member is called 'Nobody Of This Name'.")
        tab.screenshot("events-unknown-name")
        _accessible(tab)
        _expected_422(tab)
        assert _api(live_server, "GET", f"/api/v1/events/{created}")["attendees"] == [m["id"] for m in members
                                                                                       if m["name"] in names]
        # Take one off.
        gone = names.pop()
        page.goto(f"{live_server.url}/desk/events/{created}")
        page.click(f"text=Take {gone} off")
        page.wait_for_load_state()
        assert page.inner_text("p.notice") == f"{gone} is taken off the attendance."
        assert page.locator("table.attendees tbody tr").count() == len(names)
        tab.screenshot("events-attendees", full_page=True)

        # Seat them at tables of 4.
        page.fill("#table_size", "4")
        page.click("section.seating form button.primary")
        page.wait_for_load_state()
        tables = page.locator("article.table-card")
        assert tables.count() == math.ceil(len(names) / 4)
        seated = {}
        for i in range(tables.count()):
            for n in tables.nth(i).locator(".party-name").all_inner_texts():
                seated[n.strip()] = i + 1
        assert sorted(seated) == sorted(names)
        assert "pairs at the table have no tie yet" in tables.first.inner_text()
        tab.screenshot("events-tables", full_page=True)
        _accessible(tab)
        seating_url = page.url

        # The table plan printed to PDF: the same tables, every name in the PDF's text.
        with page.expect_navigation():
            page.click("text=Print the table plan")
        assert "table_size=4" in page.url and "plan=" in page.url
        assert page.locator(".plan-changed").count() == 0
        printed = {n.strip(): i + 1 for i, sec in enumerate(page.locator("section.plan-table").all())
                   for n in sec.locator(".party-name").all_inner_texts()}
        assert printed == seated
        _accessible(tab)
        pages, text = _pdf(tab, "events-print-plan")
        assert pages >= 1 and "Round table: heritage and games" in text
        for name in names:
            assert _squash(name) in text, f"{name} is not in the printed table plan"
        for number in set(seated.values()):
            assert f"Table {number}" in text

        # The place cards: one per attendee, eight to an A4 sheet, with the name and table number.
        page.goto(seating_url)
        with page.expect_navigation():
            page.click("text=Print place cards")
        cards = page.locator(".place-card")
        assert cards.count() == len(names)
        for i in range(cards.count()):
            card_name = cards.nth(i).locator(".card-name").inner_text().strip()
            assert cards.nth(i).locator(".card-table").inner_text().strip().lower() == f"table {seated[card_name]}"
        _accessible(tab)
        pages, text = _pdf(tab, "events-place-cards")
        assert pages == math.ceil(len(names) / 8)
        for name in names:
            assert _squash(name) in text, f"{name} has no place card in the PDF"
        tab.assert_clean()
    finally:
        if created:
            _api(live_server, "DELETE", f"/api/v1/events/{created}")
