"""The manager's messages page and the mailed double opt-in in headless Chromium, against the live
server and a real SMTP server on 127.0.0.1 (aiosmtpd, tests/smtp.py): the manager opens
/desk/messages, copies a message (the clipboard holds it) and sends one introduction by mail; a
member opens the mailed accept link in a fresh browser without logging in, confirms, and the
introduction's answer is in Neo4j; the link a second time says it was used. Nothing leaves
127.0.0.1. Screenshots ``messages-*`` in test-artifacts/browser/ (the copies in docs/workspace/img/
come from them).

The live server's graph is shared by every browser test: this test gives two members a mail
address, proposes one introduction between them and answers it; the live app's settings are
pointed at the SMTP server for this test only."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.request import Request, urlopen

from tests.browser.conftest import LiveServer, Tab
from tests.factories import MANAGER
from tests.smtp import SmtpServer, answer_links, html_of, text_of


def _api(live_server: LiveServer, path: str, body: Any = None, method: str = "GET") -> Any:
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = Request(live_server.url + path, data=data, method=method,
                      headers={**MANAGER, "Content-Type": "application/json"})
    with urlopen(request, timeout=120) as r:
        return json.loads(r.read())


def _pair(live_server: LiveServer) -> tuple[str, str]:
    """Two members with no introduction between them yet, and no open one at all."""
    busy = {p for x in _api(live_server, "/api/v1/introductions") if x["status"] in ("proposed", "accepted", "met")
            for p in (x["a"], x["b"])}
    members = [m["id"] for m in _api(live_server, "/api/v1/members?limit=200&offset=100")["items"]]
    free = [m for m in members if m not in busy]
    return free[0], free[1]


def test_copy_send_and_a_member_accepts_from_the_mail(
        live_server: LiveServer, tab: Tab, open_tab: Callable[..., Tab], smtp: SmtpServer) -> None:
    url = live_server.url
    a, b = _pair(live_server)
    names = {m: _api(live_server, f"/api/v1/members/{m}", {"email": f"{m}@members.example.lu"}, "PATCH")["name"]
             for m in (a, b)}
    intro = _api(live_server, "/api/v1/introductions", {"a": a, "b": b}, "POST")["id"]

    # The manager opens the page: the introduction by name, a message to each side.
    page = tab.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    page.goto(f"{url}/desk/messages#intro-{intro}")
    section = page.locator(f"#intro-{intro}")
    assert section.locator("h2").inner_text() == f"{names[a]} and {names[b]}"
    block = page.locator(f"#msg-{intro}-a")
    assert block.inner_text().startswith(f"Dear {names[a]},")
    assert f"I would like to introduce you to {names[b]}" in block.inner_text()
    assert "Not mailed yet" in section.inner_text()
    section.scroll_into_view_if_needed()
    tab.screenshot("messages-page")

    # Copy: the clipboard holds the message, and the button says so.
    button = page.locator(f'button[data-copy="msg-{intro}-a"]')
    button.click()
    for _ in range(50):
        if button.inner_text() == "Copied":
            break
        page.wait_for_timeout(50)
    assert button.inner_text() == "Copied"
    assert page.evaluate("() => navigator.clipboard.readText()") == block.inner_text()

    # Send by mail: both members get theirs.
    section.locator("form.send-one button").click()
    page.wait_for_url(f"{url}/desk/messages?sent=2#intro-{intro}")
    assert "Mailed 2 messages." in page.inner_text("main")
    received = {m.rcpt_tos[0]: m.message for m in smtp.wait_for(2)}
    to_a = received[f"{a}@members.example.lu"]
    assert text_of(to_a).startswith(f"Dear {names[a]},")
    assert "@members.example.lu" in page.locator(f"#intro-{intro}").inner_text()
    tab.screenshot("messages-sent")

    # The mail as a mail program shows it (its HTML part, in a page of its own).
    mail_view = open_tab()
    mail_view.page.set_content(html_of(to_a))
    mail_view.page.screenshot(path=str(mail_view.artifact("messages-mail.png")))

    # The member opens the accept link in a fresh browser, without logging in.
    accept, _decline = answer_links(to_a)
    assert accept.startswith(f"{url}/answer/")
    member = open_tab()
    r = member.page.goto(accept)
    assert r is not None and r.status == 200
    assert member.page.inner_text("h1") == f"Meet {names[b]}?"
    assert member.page.locator("header .who").count() == 0  # nobody is logged in
    assert _api(live_server, f"/api/v1/introductions/{intro}")["a_response"] == "pending"  # opening answered nothing
    member.screenshot("messages-answer")
    member.page.click("form.answer-form button")
    member.page.wait_for_url(accept + "?done=1")
    assert member.page.inner_text("h1") == f"Thank you, {names[a]}"
    member.screenshot("messages-done")
    row = _api(live_server, f"/api/v1/introductions/{intro}")
    assert (row["status"], row["a_response"], row["b_response"]) == ("proposed", "accepted", "pending")

    # The same link again says it was used.
    member.page.goto(accept)
    assert member.page.inner_text("h1") == "This link has already been used"
    member.screenshot("messages-used")

    # The manager's page shows the answer.
    page.goto(f"{url}/desk/messages#intro-{intro}")
    assert "Answer: accepted" in page.locator(f"article:has(#msg-{intro}-a) .side-state").inner_text()
    for t in (tab, member, mail_view):
        t.assert_clean()
