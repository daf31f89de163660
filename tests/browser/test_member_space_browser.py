"""A member's own space in a real headless Chromium against a real uvicorn on 127.0.0.1, on the
seed cluster: a member logs in with their key, edits their profile, records a tie with another
member picked by name (search as you type), the other member (a second browser, another person)
confirms it, the first accepts an introduction with a note, sees their partners and asks who can
introduce them to someone by typing a name, downloads their data; the member page and another
member's card offer only what the member may do. Nothing leaves 127.0.0.1, the console stays
clean. Screenshots ``me-*.png`` in test-artifacts/browser/ (docs/workspace/me.md)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

from tests.factories import MANAGER

LiveServer = Any
Tab = Any


def _api(live_server: LiveServer, path: str) -> Any:
    with urlopen(Request(live_server.url + path, headers=MANAGER), timeout=60) as r:
        return json.loads(r.read())


def _key(live_server: LiveServer, member: str) -> str:
    key: str = live_server.post_json("/api/v1/keys", {"role": "member", "member": member, "name": "me test"})["key"]
    return key


def _visible(live_server: LiveServer) -> list[dict[str, Any]]:
    """Members other members may see (visibility members or public), with a name nobody else has."""
    members = _api(live_server, "/api/v1/members?limit=200")["items"]
    members += _api(live_server, "/api/v1/members?limit=200&offset=200")["items"]
    counts: dict[str, int] = {}
    for m in members:
        counts[m["name"].lower()] = counts.get(m["name"].lower(), 0) + 1
    return [m for m in members if m["visibility"] != "private" and counts[m["name"].lower()] == 1
            and m["id"].startswith("m-") and "<" not in m["name"]]


def _pick_by_typing(page: Any, field: str, name: str) -> None:
    """Type part of ``name`` into the picker ``field``; wait until htmx has offered it in the
    field's <datalist>; then choose it (what picking an offered name does: the field holds it)."""
    page.fill(f"#{field}", "")
    page.locator(f"#{field}").press_sequentially(name[:5], delay=40)
    deadline = time.monotonic() + 20
    offered: list[str] = []
    while time.monotonic() < deadline:
        offered = page.evaluate(f"() => [...document.querySelectorAll('#{field}-options option')].map(o => o.value)")
        if name in offered:
            break
        page.wait_for_timeout(50)
    assert name in offered, f"{name!r} was not offered: {offered}"
    page.fill(f"#{field}", name)


def _notice(page: Any) -> str:
    text: str = page.inner_text("p.notice")
    return text


def test_a_member_in_their_own_space(live_server: LiveServer, open_tab: Any) -> None:
    visible = _visible(live_server)
    me = next(m for m in visible if m["visibility"] == "members")
    my_ties = {t["other"]["id"] for t in _api(live_server, f"/api/v1/members/{me['id']}/ties")}
    other = next(m for m in visible if m["id"] != me["id"] and m["id"] not in my_ties)

    # -- log in, the profile, edit it --------------------------------------------------------------
    tab = open_tab(_key(live_server, me["id"]), "/me")
    page = tab.page
    assert page.url == live_server.url + "/me"
    assert page.inner_text("main h1") == me["name"]
    tab.screenshot("me-profile", full_page=True)
    page.click("text=Edit my profile")
    page.wait_for_url(live_server.url + "/me/edit")
    page.fill("#city", "Wiltz")
    page.fill("#description", "Sound for games & <museums>")
    page.fill("#website", "not a website")
    page.click("main button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert "starting with https://" in page.inner_text("#website-error")
    tab.screenshot("me-edit-error", full_page=True)
    page.fill("#website", "https://studio.example.lu")
    tab.screenshot("me-edit", full_page=True)
    page.click("main button[type=submit]")
    page.wait_for_url(live_server.url + "/me?done=profile")
    assert _notice(page) == "Your profile is saved."
    assert "Sound for games & <museums>" in page.inner_text("dl.profile")
    saved = _api(live_server, f"/api/v1/members/{me['id']}")
    assert saved["city"] == "Wiltz" and saved["website"] == "https://studio.example.lu"

    # -- record a tie with someone picked by name ----------------------------------------------------
    page.click("header nav >> text=My ties")
    page.wait_for_url(live_server.url + "/me/ties")
    _pick_by_typing(page, "person", other["name"])
    page.select_option("#kind", "collaborated")
    page.select_option("#weight", "0.8")
    tab.screenshot("me-ties-record", full_page=True)
    page.click("form.record-tie button[type=submit]")
    page.wait_for_url(live_server.url + "/me/ties?done=recorded")
    assert "Your tie is recorded." in _notice(page)
    assert other["name"] in page.inner_text("#waiting")
    tab.screenshot("me-ties", full_page=True)

    # -- the other member confirms it, in their own browser -------------------------------------------
    theirs = open_tab(_key(live_server, other["id"]), "/me/ties")
    assert theirs.page.url == live_server.url + "/me/ties"
    row = theirs.page.locator("#awaiting tr", has_text=me["name"])
    assert row.count() == 1
    theirs.screenshot("me-ties-confirm", full_page=True)
    row.locator("button", has_text="Confirm").click()
    theirs.page.wait_for_url(live_server.url + "/me/ties?done=confirmed")
    assert me["name"] in theirs.page.inner_text("#confirmed")
    tie = next(t for t in _api(live_server, f"/api/v1/members/{me['id']}/ties") if t["other"]["id"] == other["id"])
    assert tie["confirmed"] is True and tie["kind"] == "collaborated"
    theirs.assert_clean()

    # -- accept an introduction with a note -----------------------------------------------------------
    made = None
    for candidate in visible:
        if candidate["id"] in (me["id"], other["id"]) or candidate["id"] in my_ties:
            continue
        try:
            made = live_server.post_json("/api/v1/introductions", {"a": candidate["id"], "b": me["id"],
                                                                   "notes": "You both work for museums"})
            break
        except Exception:  # an open or declined pair: the next one
            continue
    assert made is not None
    page.click("header nav >> text=My introductions")
    card = page.locator(f"#introduction-{made['id']}")
    assert "You both work for museums" in card.inner_text()
    card.locator("textarea").fill("Glad to meet, any Tuesday")
    tab.screenshot("me-introductions", full_page=True)
    card.locator("button", has_text="Accept").click()
    page.wait_for_url(live_server.url + "/me/introductions?done=accepted")
    assert "You accepted the introduction." in _notice(page)
    stored = _api(live_server, f"/api/v1/introductions/{made['id']}")
    assert stored["b_response"] == "accepted" and "Glad to meet, any Tuesday" in stored["outcome"]

    # -- partners, and who can introduce me, by typing a name -----------------------------------------
    page.click("header nav >> text=Partners")
    page.wait_for_url(live_server.url + "/me/partners")
    partners = page.locator("li.partner")
    assert partners.count() > 0 and page.locator("li.partner ul.reasons li").count() > 0
    tab.screenshot("me-partners", full_page=True)
    target = partners.first.locator("h2").inner_text().strip()
    page.goto(live_server.url + "/me/introduce")
    _pick_by_typing(page, "person", target)
    page.click("form.introduce-form button[type=submit]")
    page.wait_for_selector("section.introduce-result")
    assert page.inner_text("main h1") == f"Who can introduce me to {target}"
    assert page.locator("ol.paths li").count() >= 1 and page.locator("ol.paths ul.reasons li").count() >= 1
    tab.screenshot("me-introduce", full_page=True)

    # -- privacy: what each level means, the download -----------------------------------------------
    page.click("header nav >> text=Privacy")
    page.wait_for_url(live_server.url + "/me/privacy")
    assert page.is_checked("input[name=visibility][value=members]")
    with page.expect_download() as download_info:
        page.click("text=Download my data (JSON)")
    download = download_info.value
    assert download.suggested_filename.startswith(f"my-data-{me['id']}-")
    exported = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert exported["member"]["id"] == me["id"] and exported["member"]["city"] == "Wiltz"
    tab.screenshot("me-privacy", full_page=True)
    page.click("text=Erase me…")
    page.wait_for_url(live_server.url + "/me/privacy/erase")
    assert "cannot be undone" in page.inner_text("main")
    tab.screenshot("me-erase", full_page=True)

    # -- the member page and another member's card: only what the member may do ---------------------
    page.goto(live_server.url + "/members-app")
    page.wait_for_selector("#recommendations li")  # starts on oneself: one's own partners
    assert page.inner_text("#profile-name") == me["name"]
    page.fill("#q", other["name"])
    page.click("#search-form button")
    page.locator(f"#search-results button[data-id='{other['id']}']").click()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not page.inner_text("#paths-status").strip().rstrip("…"):
        page.wait_for_timeout(50)
    assert page.inner_text("#paths-title") == f"Who can introduce me to {other['name']}?"
    assert page.is_hidden("#recommendations-card") and page.is_hidden("#paths-form")
    assert page.locator("#paths li").count() >= 1  # they are tied now: a direct path
    assert "Forbidden" not in page.inner_text("main")
    tab.screenshot("me-members-app")
    page.goto(live_server.url + f"/viz/members/{other['id']}")
    tab.wait_ready()
    assert f"Who can introduce me to {other['name']}" in page.inner_text("header nav")
    # The one console error: the profile form sent back with its error (HTTP 422), on purpose.
    assert tab.errors == ["Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"]
    tab.errors.clear()
    tab.assert_clean()
