"""The main pages pass an automated accessibility check: axe-core (WCAG 2.1 A and AA plus best
practice, tests/browser/axe.py) finds no serious or critical violation on the manager's desk and
its jobs, the maps, the report and the member finder, on a member's own pages, and on the login
page. Each page is opened as its user opens it, on the seed cluster; the network maps' canvas
(vis-network draws pixels, which axe cannot read) is left out, and their legends and controls are
checked."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.axe import audit, describe, serious

LiveServer = Any
Tab = Any

MANAGER_PAGES = [
    "/desk",
    "/desk/introductions",
    "/desk/introductions/board",
    "/desk/messages",
    "/desk/tenders",
    "/desk/events",
    "/desk/members",
    "/desk/keys",
    "/desk/data",
    "/viz/ecosystem",
    "/viz/subsectors",
    "/members-app",
    "/report",
]
# /docs and /redoc are Swagger UI and ReDoc as their projects ship them (for programmers, not the
# manager): they carry the page language, and their own widgets' findings are theirs to fix.
MEMBER_PAGES = ["/me", "/me/ties", "/me/introductions", "/me/partners", "/me/privacy", "/viz/members/m-002"]
CANVAS = ("#network canvas", ".vis-network")


def _check(tab: Tab, url: str) -> None:
    response = tab.page.goto(url)
    assert response is not None and response.status == 200, f"{url}: HTTP {response.status if response else None}"
    tab.page.wait_for_load_state("networkidle")
    found = serious(audit(tab.page, exclude=CANVAS))
    assert not found, f"{url}:\n{describe(found)}"


@pytest.mark.parametrize("path", MANAGER_PAGES)
def test_the_manager_pages_pass_the_accessibility_check(live_server: LiveServer, tab: Tab, path: str) -> None:
    _check(tab, live_server.url + path)
    assert not tab.foreign_requests()


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_the_member_pages_pass_the_accessibility_check(live_server: LiveServer, open_tab: Any, path: str) -> None:
    key = live_server.post_json("/api/v1/keys", {"role": "member", "member": "m-001", "name": "accessibility"})["key"]
    member = open_tab(key)
    _check(member, live_server.url + path)
    assert not member.foreign_requests()


def test_the_login_page_passes_the_accessibility_check(live_server: LiveServer, open_tab: Any) -> None:
    _check(open_tab(), live_server.url + "/login")
