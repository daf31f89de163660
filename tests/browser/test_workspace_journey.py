"""Issue 12's "Done when", as one journey through the pages in headless Chromium, against the live
server's real Neo4j and a real SMTP server on 127.0.0.1 (aiosmtpd, tests/smtp.py):

1. the manager asks for a plan on /desk/introductions and records it; gives the first pair's two
   members a mail address on /desk/members and sends their messages from /desk/messages (both
   mails captured); one member accepts through the mailed link (a fresh browser, no login), the
   other through /me/introductions (logged in with a key the manager created on /desk/keys); the
   manager marks the introduction met, then collaborating, on the board, and the new tie is in
   the ecosystem map's data;
2. a call for tender is recorded on /desk/tenders and a proposed team saved onto it; an event is
   recorded on /desk/events, attendees registered by name, seated, and the table plan printed to
   PDF (its text holds every attendee's name);
3. an export is edited (one new member), previewed, then confirmed on /desk/data; every download
   of the page downloads;
4. a member edits their profile on /me/edit and records a tie on /me/ties with a member picked by
   name; that member (another browser) confirms it;
5. a forged form on another origin (a second local port) posts to the desk in the manager's
   browser: refused, nothing changed;
6. across the journey no request of any tab leaves 127.0.0.1 and no tab logs a console error; the
   pages that only a record or a link of the journey opens (the mailed link's page, a tender's and
   an event's page, the printed table plan, the import's result, the profile form, the refusal)
   pass axe's serious checks (tests/browser/test_accessibility.py opens the others).

Screenshots ``journey-NN-*`` in test-artifacts/browser/ (docs/workspace.md shows them, copied by
scripts/workspace_screenshots.sh). The only writes outside the pages are the live app's SMTP
settings (for this test) and, at the end, deleting the tender and the event it recorded.

The live server's graph is shared by every browser test: this test works with the members its own
plan proposes and members it picks itself, and only adds (introductions, two mail addresses, a
tie, a member by the import, keys), apart from the clean-up above."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.browser import test_sessions_browser as sessions
from tests.browser.axe import audit, describe, serious
from tests.browser.conftest import LiveServer, Tab, watch
from tests.browser.test_desk_introductions_browser import _map_edges, _tied
from tests.browser.test_desk_tenders_events_browser import _api, _pdf, _squash
from tests.browser.test_member_space_browser import _pick_by_typing, _visible
from tests.factories import MANAGER_KEY
from tests.smtp import SmtpServer, answer_links, html_of, text_of

TIMEOUT_MS = 120_000  # a loaded 2-core machine: pages that compute plans or teams may take a while
DOWNLOADS = ("json", "csv", "xlsx", "gexf", "graphml")
IMPORTED_ID = "m-journey"
IMPORTED_NAME = "Studio Journey Moselle"

other_site = sessions.other_site  # the forged pages' server (a fixture of the sessions test)


class Journey:
    """The tabs of the journey, their screenshots numbered in order."""

    def __init__(self, live_server: LiveServer, open_tab: Callable[..., Tab]) -> None:
        self.live_server = live_server
        self.url = live_server.url
        self.open_tab = open_tab
        self.tabs: list[Tab] = []
        self.step = 0
        self.inaccessible: list[str] = []

    def person(self, key: str | None = None, next_path: str = "/") -> Tab:
        t = self.open_tab(key, next_path)
        t.page.set_default_timeout(TIMEOUT_MS)
        t.page.set_default_navigation_timeout(TIMEOUT_MS)
        self.tabs.append(t)
        return t

    def shot(self, t: Tab, what: str, **kwargs: Any) -> str:
        self.step += 1
        name = f"journey-{self.step:02d}-{what}"
        t.screenshot(name, **kwargs)
        return name

    def accessible(self, t: Tab) -> None:
        """axe's serious and critical findings on the page as it stands, kept for the end (pages the
        accessibility test does not open: they need a record or a link the journey made)."""
        found = serious(audit(t.page))
        if found:
            self.inaccessible.append(f"{t.page.url}:\n{describe(found)}")
            print(f"\naccessibility: {self.inaccessible[-1]}")  # seen even when a later step fails

    def assert_clean(self) -> None:
        assert not self.inaccessible, "\n".join(self.inaccessible)
        for t in self.tabs:
            assert not t.foreign_requests(), f"requests left 127.0.0.1: {t.foreign_requests()}"
            assert not t.errors, f"console errors: {t.errors}"
            assert not t.dialogs, f"dialogs fired: {t.dialogs}"


def _notice(page: Any) -> str:
    text: str = page.locator("p.notice").first.inner_text()
    return text


def _set_email(j: Journey, manager: Tab, member: str, email: str) -> None:
    """The manager gives a member a mail address on the member's edit page."""
    page = manager.page
    page.goto(f"{j.url}/desk/members/{member}/edit")
    page.fill("#email", email)
    page.click("form.member-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/desk/members\?saved="))
    assert "Saved" in page.locator(".notice").inner_text()


def _member_key(manager: Tab, url: str, member: str, label: str) -> str:
    """The manager creates a member's key on /desk/keys; the page shows its secret once."""
    page = manager.page
    page.goto(f"{url}/desk/keys")
    page.check("input[name=role][value=member]")
    page.select_option("#member", member)
    page.fill("#name", label)
    page.click("section.new-key button[type=submit]")
    page.wait_for_selector("code.secret")
    secret = page.locator("code.secret").inner_text().strip()
    assert secret.startswith("gsk_")
    return secret


def _introductions(j: Journey, manager: Tab, smtp: SmtpServer) -> tuple[str, str, Tab]:
    """Plan, record, send; one accepts by mail, the other on their page; met, collaborating, the
    tie on the map. Returns the two members' ids (a, b) and b's tab (logged in)."""
    page = manager.page
    url = j.url

    # The plan: three introductions, one at most per member.
    page.goto(f"{url}/desk/introductions")
    page.fill("#total", "3")
    page.fill("#max_per_member", "1")
    page.select_option("#focus", "all")
    page.click("form.plan-form button[type=submit]")
    page.wait_for_selector("input[name=pair]")
    boxes = page.locator("input[name=pair]")
    values = [boxes.nth(i).get_attribute("value") or "" for i in range(boxes.count())]
    pairs = [v.split(":") for v in values if all(m.startswith("m-") for m in v.split(":"))]
    assert pairs, f"the plan has no pair of two members: {values}"
    a, b = pairs[0]
    names = {m: _api(j.live_server, "GET", f"/api/v1/members/{m}")["name"] for m in (a, b)}
    label = page.locator(f"label[for='pair-{a}-{b}']").inner_text()
    assert names[a] in label and names[b] in label
    j.shot(manager, "plan", full_page=True)

    page.click("text=Record the ticked introductions")
    page.wait_for_url(re.compile(r".*/desk/introductions/board\?recorded="))
    assert f"Recorded {len(values)} introductions as proposed." in _notice(page)
    intro = next(i["id"] for i in _api(j.live_server, "GET", "/api/v1/introductions?status=proposed")
                 if {i["a"], i["b"]} == {a, b})
    card = f"#intro-{intro}"
    assert page.locator(f"#state-proposed {card}").count() == 1
    page.locator(card).scroll_into_view_if_needed()
    j.shot(manager, "recorded")

    # Both members get a mail address; the manager sends their messages.
    for m in (a, b):
        _set_email(j, manager, m, f"{m}@journey.example.lu")
    page.goto(f"{url}/desk/messages#intro-{intro}")
    section = page.locator(f"#intro-{intro}")
    assert section.locator("h2").inner_text() in (f"{names[a]} and {names[b]}", f"{names[b]} and {names[a]}")
    section.scroll_into_view_if_needed()
    j.shot(manager, "messages")
    section.locator("form.send-one button").click()
    page.wait_for_url(re.compile(rf".*/desk/messages\?sent=2#intro-{intro}$"))
    assert "Mailed 2 messages." in page.inner_text("main")
    received = {m.rcpt_tos[0]: m.message for m in smtp.wait_for(2, timeout=60)}
    to_a, to_b = received[f"{a}@journey.example.lu"], received[f"{b}@journey.example.lu"]
    assert text_of(to_a).startswith(f"Dear {names[a]},") and names[b] in text_of(to_a)
    assert text_of(to_b).startswith(f"Dear {names[b]},") and names[a] in text_of(to_b)
    mail_view = j.person()
    mail_view.page.set_content(html_of(to_a))
    j.shot(mail_view, "mail")

    # a accepts through the mailed link, in a fresh browser without logging in.
    accept, _decline = answer_links(to_a)
    assert accept.startswith(f"{url}/answer/")
    by_mail = j.person()
    by_mail.page.goto(accept)
    assert by_mail.page.inner_text("h1") == f"Meet {names[b]}?"
    assert by_mail.page.locator("header .who").count() == 0  # nobody is logged in
    j.shot(by_mail, "mailed-link")
    j.accessible(by_mail)
    by_mail.page.click("form.answer-form button")
    by_mail.page.wait_for_url(accept + "?done=1")
    assert by_mail.page.inner_text("h1") == f"Thank you, {names[a]}"

    # b accepts on their own page, logged in with the key the manager made for them.
    member_b = j.person(_member_key(manager, url, b, "journey: b's laptop"), "/me/introductions")
    assert member_b.page.url == f"{url}/me/introductions"
    mine = member_b.page.locator(f"#introduction-{intro}")
    assert names[a] in mine.locator("h3").inner_text()
    mine.locator("textarea").fill("Happy to meet, any morning next week.")
    mine.scroll_into_view_if_needed()
    j.shot(member_b, "me-introductions")
    mine.locator("button", has_text="Accept").click()
    member_b.page.wait_for_url(f"{url}/me/introductions?done=accepted")
    assert "You accepted the introduction." in _notice(member_b.page)

    # The manager's board: both accepted; met, then collaborating, each with a note.
    page.goto(f"{url}/desk/introductions/board")
    page.wait_for_selector(f"#state-accepted {card}")
    page.fill(f"{card} input[name=note]", "Met at the cluster breakfast.")
    page.click(f"{card} button[value=met]")
    page.wait_for_selector(f"#state-met {card}")
    page.fill(f"{card} input[name=note]", "Answering the museum's call together.")
    page.click(f"{card} button[value=collaborating]")
    page.wait_for_selector(f"#state-collaborating {card}")
    assert "now collaborating" in _notice(page)
    page.locator(card).scroll_into_view_if_needed()
    j.shot(manager, "collaborating")

    # The new tie is in the map's data.
    page.goto(f"{url}/viz/ecosystem")
    assert _tied(_map_edges(manager), a, b)
    j.shot(manager, "map")
    return a, b, member_b


def _tender_and_event(j: Journey, manager: Tab, attendees: list[str], made: dict[str, str]) -> None:
    page = manager.page
    url = j.url

    # A call for tender, its proposed teams, the first saved onto it.
    page.goto(f"{url}/desk/tenders")
    page.click("text=Record a new call for tender")
    page.fill("#title", "Journey: an interactive exhibition for the Mudam")
    page.fill("#client", "Mudam Luxembourg")
    page.fill("#deadline", "2026-12-15")
    for group, skill in (("Gaming", "Serious games"), ("Design", "Typography")):
        summary = page.locator("summary", has_text=re.compile(rf"^\s*{group}\b"))
        details = page.locator("details.skill-group", has=summary).first
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        details.get_by_label(skill, exact=True).check()
    page.click("main form button.primary")
    page.wait_for_url(re.compile(r".*/desk/tenders/[^/?]+\?done=created"))
    made["tender"] = page.url.split("/desk/tenders/")[1].split("?")[0]
    first = page.locator("article.team-proposal").first
    team = [n.strip() for n in first.locator("table.team td .party-name").all_inner_texts()]
    assert team and all(team)
    j.shot(manager, "tender-teams", full_page=True)
    first.locator("button", has_text="Save this team onto the project").click()
    page.wait_for_url(re.compile(r".*\?done=team-saved$"))
    assert _notice(page).startswith("The team is saved onto the project: ")
    assert [n.strip() for n in page.locator("#saved-team .party-name").all_inner_texts()] == team
    j.shot(manager, "tender-saved", full_page=True)
    j.accessible(manager)

    # An event, its attendees registered by name, seated at tables of three, the plan printed.
    page.goto(f"{url}/desk/events")
    page.click("text=Record a new event")
    page.fill("#title", "Journey round table: museums and games")
    page.fill("#date", "2026-11-05")
    page.select_option("#format", "round-table")
    page.fill("#theme", "Museums")
    page.click("main form button.primary")
    page.wait_for_url(re.compile(r".*/desk/events/[^/?]+\?done=created"))
    made["event"] = page.url.split("/desk/events/")[1].split("?")[0]
    for name in attendees:
        page.fill("#name", name)
        with page.expect_navigation():
            page.click("form.register button[type=submit]")
        assert _notice(page) == f"{name} is registered."
    page.fill("#table_size", "3")
    page.click("section.seating form button.primary")
    page.wait_for_selector("article.table-card")
    seated = sorted(n.strip() for n in page.locator("article.table-card .party-name").all_inner_texts())
    assert seated == sorted(attendees)
    j.shot(manager, "event-tables", full_page=True)
    j.accessible(manager)
    with page.expect_navigation():
        page.click("text=Print the table plan")
    j.accessible(manager)
    j.step += 1
    pages, text = _pdf(manager, f"journey-{j.step:02d}-table-plan")
    assert pages >= 1 and "Journey round table: museums and games" in text
    for name in attendees:
        assert _squash(name) in text, f"{name} is not in the printed table plan"


def _data(j: Journey, manager: Tab, tmp_path: Path) -> None:
    page = manager.page
    page.goto(f"{j.url}/desk/data")

    # The workbook export, with one member added as a person would in a spreadsheet program.
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        page.click("a[href='/api/v1/export?format=xlsx']")
    exported = tmp_path / "export.xlsx"
    info.value.save_as(exported)
    workbook = openpyxl.load_workbook(exported)
    sheet = workbook["members"]
    header = [c.value for c in sheet[1]]
    row = {"id": IMPORTED_ID, "name": IMPORTED_NAME, "kind": "Company", "subsectors": "Design;Gaming",
           "visibility": "members", "city": "Remich"}
    sheet.append([row.get(str(h)) for h in header])
    edited = tmp_path / "cluster-edited.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    edited.write_bytes(buffer.getvalue())

    page.set_input_files("#file", str(edited))
    page.check("input[name=mode][value=merge]")
    page.click("main form button[type=submit]")
    page.wait_for_selector("button[name=confirm]")
    body = page.locator("main").inner_text()
    assert f"{IMPORTED_NAME} ({IMPORTED_ID})" in body and "Nothing has been written yet" in body
    j.shot(manager, "import-preview", full_page=True)
    page.click("button[name=confirm]")
    page.wait_for_url(re.compile(r".*/desk/data/imported/"))
    assert "is imported" in page.locator("h1").inner_text()
    j.shot(manager, "import-done", full_page=True)
    j.accessible(manager)
    page.goto(f"{j.url}/desk/members?q=Journey+Moselle")
    assert IMPORTED_NAME in page.locator("table.members-list").inner_text()

    # Every download of the data page.
    page.goto(f"{j.url}/desk/data")
    hrefs = [a.get_attribute("href") or "" for a in page.locator(".downloads a[download]").all()]
    assert {h.rsplit("=", 1)[-1] for h in hrefs if "format=" in h} == set(DOWNLOADS)
    saved = tmp_path / "downloads"
    saved.mkdir()
    for href in hrefs:
        with page.expect_download(timeout=TIMEOUT_MS) as info:
            page.click(f".downloads a[href='{href}']")
        target = saved / info.value.suggested_filename
        info.value.save_as(target)
        assert target.stat().st_size > 0, href
    assert len(list(saved.iterdir())) == len(hrefs)
    page.locator(".downloads").scroll_into_view_if_needed()
    j.shot(manager, "downloads")


def _member_profile_and_tie(j: Journey, member: Tab, me: str, other: dict[str, Any], manager: Tab) -> None:
    page = member.page
    url = j.url
    page.goto(f"{url}/me")
    page.click("text=Edit my profile")
    page.wait_for_url(f"{url}/me/edit")
    page.fill("#city", "Echternach")
    page.fill("#description", "Sound and light for museums & games")
    j.shot(member, "me-edit", full_page=True)
    j.accessible(member)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{url}/me?done=profile")
    assert _notice(page) == "Your profile is saved."
    assert "Sound and light for museums & games" in page.inner_text("dl.profile")
    assert "Echternach" in page.inner_text("dl.profile")

    page.click("header nav >> text=My ties")
    page.wait_for_url(f"{url}/me/ties")
    _pick_by_typing(page, "person", other["name"])
    page.select_option("#kind", "collaborated")
    page.select_option("#weight", "0.8")
    page.click("form.record-tie button[type=submit]")
    page.wait_for_url(f"{url}/me/ties?done=recorded")
    assert other["name"] in page.inner_text("#waiting")
    j.shot(member, "me-tie-recorded", full_page=True)

    my_name = _api(j.live_server, "GET", f"/api/v1/members/{me}")["name"]
    theirs = j.person(_member_key(manager, url, other["id"], "journey: their phone"), "/me/ties")
    assert theirs.page.url == f"{url}/me/ties"
    row = theirs.page.locator("#awaiting tr", has_text=my_name)
    assert row.count() == 1
    j.shot(theirs, "me-tie-to-confirm", full_page=True)
    row.locator("button", has_text="Confirm").click()
    theirs.page.wait_for_url(f"{url}/me/ties?done=confirmed")
    assert my_name in theirs.page.inner_text("#confirmed")
    page.goto(f"{url}/me/ties")
    assert other["name"] in page.inner_text("#confirmed")


def _forged(j: Journey, manager: Tab, other_site: str, member: str,
            monkeypatch: pytest.MonkeyPatch) -> None:
    """A page of another origin posts a form to the desk in the manager's browser: refused."""
    before = _api(j.live_server, "GET", f"/api/v1/members/{member}")
    monkeypatch.setitem(sessions.FORGED_PAGES, "/journey", f"""<form method="post"
        action="{{service}}/desk/members/{member}/edit"><input name="csrf_token" value="guessed">
        <input name="name" value="Forged name"><input name="kind" value="company">
        <input name="subsector" value="design"></form>""")
    forged = watch(manager.page.context.new_page())
    forged.page.set_default_timeout(TIMEOUT_MS)
    with forged.page.expect_response(lambda r: r.url.startswith(j.url) and r.request.method == "POST") as posted:
        forged.page.goto(other_site + "/journey")
    assert posted.value.status == 403
    assert posted.value.request.headers.get("origin") == other_site
    forged.page.wait_for_load_state()
    assert "another site" in forged.page.inner_text("body")
    j.shot(forged, "forged-refused")
    j.accessible(forged)
    assert _api(j.live_server, "GET", f"/api/v1/members/{member}") == before  # nothing changed
    # The refused navigation is the one error Chromium logs; other origins were never asked.
    assert [e for e in forged.errors if "status of 403" not in e] == [], forged.errors
    assert all(r.startswith(("http://127.0.0.1:", "data:", "about:")) for r in forged.requests), forged.requests
    assert not forged.dialogs
    forged.page.close()
    manager.page.goto(f"{j.url}/desk")
    assert manager.page.inner_text("header .who-name") == "Cluster manager"  # still logged in


def test_the_workspace_journey(live_server: LiveServer, open_tab: Callable[..., Tab], smtp: SmtpServer,
                               other_site: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started = time.monotonic()
    j = Journey(live_server, open_tab)
    manager = j.person(MANAGER_KEY, "/desk")
    assert manager.page.url == f"{live_server.url}/desk"
    made: dict[str, str] = {}
    try:
        a, b, member_b = _introductions(j, manager, smtp)

        visible = _visible(live_server)
        ties_b = {t["other"]["id"] for t in _api(live_server, "GET", f"/api/v1/members/{b}/ties")}
        other = next(m for m in visible if m["id"] not in (a, b) and m["id"] not in ties_b)
        attendees = [m["name"] for m in visible if m["id"] not in (a, b, other["id"])][:7]
        _tender_and_event(j, manager, attendees, made)
        _data(j, manager, tmp_path)
        _member_profile_and_tie(j, member_b, b, other, manager)
        _forged(j, manager, other_site, b, monkeypatch)
        j.assert_clean()
    finally:
        for kind, ident in (("projects", made.get("tender")), ("events", made.get("event"))):
            if ident:
                _api(live_server, "DELETE", f"/api/v1/{kind}/{ident}")
    print(f"\nthe workspace journey took {time.monotonic() - started:.0f} s")
