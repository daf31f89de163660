"""The pages in a real headless Chromium, served by a real uvicorn on 127.0.0.1: every map is
drawn (a canvas of non-zero size with ink on it), the console stays free of errors (CSP
violations included), no request leaves 127.0.0.1, and the member with a hostile name is shown
as text: no dialog fires and the text appears literally."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from graph_service.services.report import build_report
from graph_service.web.ecosystem import ecosystem_page
from graph_service.web.maps.render import render_map
from graph_service.web.pages import CSP
from graph_service.web.report import render_report
from graph_service.web.subsectors import subsectors_page

# The same values as tests/browser/conftest.py's seed document (fixtures, not imports: conftest
# modules are not importable by name).
HOSTILE_ID = "m-hostile"
HOSTILE_NAME = "<script>alert(1)</script> <img src=x onerror=alert(2)>"
LiveServer = Any
Tab = Any


def _open_map(tab: Tab, url: str) -> float:
    response = tab.page.goto(url)
    assert response is not None and response.status == 200, url
    csp = response.headers.get("content-security-policy")
    assert csp == CSP
    ready = tab.wait_ready()
    canvas = tab.canvas()
    assert canvas is not None, "no canvas"
    assert canvas["width"] > 300 and canvas["height"] > 300, canvas
    assert canvas["ink"] > 200, f"the canvas looks blank: {canvas}"
    assert canvas["dataUrl"] > 5_000, canvas
    return ready


MAPS = {
    "ecosystem": "/viz/ecosystem",
    "ecosystem-aggregate": "/viz/ecosystem?aggregate=true",
    "ecosystem-community": "/viz/ecosystem?community=c-1",
    "ecosystem-proposed": "/viz/ecosystem?proposed=m-001:m-150,m-042:m-277",
    "member": "/viz/members/m-042",
    "member-2-hops": "/viz/members/m-042?hops=2",
    "subsectors": "/viz/subsectors",
    "paths": "/viz/paths/m-001/m-150",
}


@pytest.mark.parametrize("name", list(MAPS))
def test_map_is_drawn_offline_without_errors(live_server: LiveServer, tab: Tab, name: str) -> None:
    ready = _open_map(tab, live_server.url + MAPS[name])
    assert 0 < ready < 20_000
    tab.screenshot(name)
    tab.assert_clean()
    assert any(u.endswith("/viz/assets/vis-network.min.js") for u in tab.requests)


def test_colouring_switch_filters_and_search(live_server: LiveServer, tab: Tab) -> None:
    _open_map(tab, live_server.url + "/viz/ecosystem")
    page = tab.page
    colour = "() => window.__network.body.data.nodes.get('m-001').color"
    before = page.evaluate(colour)
    page.check("input[name=colouring][value=community]")
    after = page.evaluate(colour)
    assert before != after
    assert "c-1" in page.inner_text("#legend")
    # Filter a subsector out: its members are hidden.
    page.click("#filters summary")
    page.uncheck("#filter-subsectors input[value=literature]")
    hidden = page.evaluate("() => window.__network.body.data.nodes.get({filter: n => n.hidden}).length")
    assert hidden > 0
    # Search finds by name, selects, and shows the details.
    page.fill("#q", "1535")
    page.click("#search button")
    assert "1535" in page.inner_text("#results")
    page.click("#results button.result")
    assert page.evaluate("() => window.__network.getSelectedNodes().length") == 1
    assert not page.is_hidden("#details")
    tab.assert_clean()


def test_hostile_name_is_shown_as_text(live_server: LiveServer, tab: Tab) -> None:
    _open_map(tab, live_server.url + "/viz/ecosystem")
    page = tab.page
    page.fill("#q", "alert")
    page.click("#search button")
    button = page.locator(f"#results button[data-id='{HOSTILE_ID}']")
    assert button.text_content() == HOSTILE_NAME  # literal text, not markup
    button.click()
    assert HOSTILE_NAME in page.inner_text("#details")
    label = page.evaluate(f"() => window.__network.body.data.nodes.get('{HOSTILE_ID}').label")
    assert label.startswith("<script>alert(1)")  # drawn on the canvas as text
    # Hovering shows the tooltip, a DOM element built with textContent: the name as text, and no
    # element was ever created from it.
    point = page.evaluate(f"""() => window.__network.canvasToDOM(
        window.__network.getPositions(['{HOSTILE_ID}'])['{HOSTILE_ID}'])""")
    box = page.locator("#network").bounding_box()
    page.mouse.move(box["x"] + point["x"] + 12, box["y"] + point["y"] + 12)
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_selector("div.vis-tooltip", state="visible")
    tip = page.locator("div.vis-tooltip .tip-title")
    assert tip.text_content() == HOSTILE_NAME
    assert (
        page.evaluate("() => document.querySelectorAll('img[src=x], script:not([src]):not([type])').length")
        == 0
    )
    page.wait_for_timeout(300)
    tab.screenshot("hostile-name")
    tab.assert_clean()

    # Its own map, too.
    _open_map(tab, live_server.url + f"/viz/members/{HOSTILE_ID}")
    assert page.inner_text("h1") == HOSTILE_NAME
    tab.assert_clean()


def test_clicking_a_group_opens_its_members(live_server: LiveServer, tab: Tab) -> None:
    _open_map(tab, live_server.url + "/viz/ecosystem?aggregate=true")
    page = tab.page
    point = page.evaluate("""() => {
        const n = window.__network;
        const p = n.getPositions(['g:c-1'])['g:c-1'];
        return n.canvasToDOM(p);
    }""")
    box = page.locator("#network").bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    assert page.url.endswith("/viz/ecosystem?community=c-1")
    tab.wait_ready()
    assert page.evaluate("() => window.__network.body.data.nodes.length") > 10
    tab.assert_clean()


def test_report_renders_and_prints(live_server: LiveServer, tab: Tab) -> None:
    page = tab.page
    response = page.goto(live_server.url + "/report?since=2025-01-01")
    assert response is not None and response.status == 200
    assert response.headers.get("content-security-policy") == CSP
    for section in ("headline", "isolation", "matrix", "brokers", "communities", "introductions", "change"):
        assert page.locator(f"#{section}").count() == 1, section
    assert page.locator("svg.chart").count() >= 3
    assert page.locator("table.heat td").count() == 144
    assert page.evaluate("() => document.querySelector('svg.chart').getBoundingClientRect().width") > 100
    tab.screenshot("report", full_page=True)
    page.emulate_media(media="print")
    assert page.is_hidden("header.top") and page.is_hidden("form.since")
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf[:4] == b"%PDF" and len(pdf) > 20_000
    tab.artifact("report.pdf").write_bytes(pdf)
    page.emulate_media(media="screen")
    tab.assert_clean()


def test_member_page_search_profile_map_recommendations_and_paths(live_server: LiveServer, tab: Tab) -> None:
    page = tab.page
    response = page.goto(live_server.url + "/members-app")
    assert response is not None and response.status == 200
    assert response.headers.get("content-security-policy") == CSP
    page.wait_for_selector("#skill option:nth-child(3)", state="attached")  # skills loaded from the API
    page.fill("#q", "alert")
    page.click("#search-form button")
    result = page.locator(f"#search-results button[data-id='{HOSTILE_ID}']")
    result.wait_for()
    assert result.text_content() == HOSTILE_NAME
    result.click()
    page.wait_for_selector("#profile:not([hidden])")
    _wait_text(page, "#profile-name")
    assert page.text_content("#profile-name") == HOSTILE_NAME
    assert page.text_content("#profile-description") == HOSTILE_NAME
    assert "<b>Esch</b>" in page.text_content("#profile-line")
    # The member's map in the iframe is drawn.
    frame = _frame(page, f"/viz/members/{HOSTILE_ID}")
    tab.wait_ready(frame=frame)
    assert tab.canvas(frame=frame)["ink"] > 50
    # Recommended partners with reasons, then warm paths to one of them.
    page.wait_for_selector("#recommendations li")
    assert page.locator("#recommendations .reasons li").count() > 0
    page.locator("#recommendations button", has_text="who can introduce us?").first.click()
    _wait_text(page, "#paths-status")
    assert page.locator("#paths li").count() >= 1
    page.click("#paths-map")
    frame = _frame(page, f"/viz/paths/{HOSTILE_ID}/")
    tab.wait_ready(frame=frame)
    # Search by skill.
    page.fill("#q", "")
    page.select_option("#skill", "motion-capture")
    page.click("#search-form button")
    page.wait_for_selector("#search-results li")
    tab.screenshot("members-app")
    tab.assert_clean()


def _wait_text(page: Any, selector: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = page.text_content(selector) or ""
        if text.strip() and not text.endswith("…"):
            return text
        page.wait_for_timeout(50)
    raise AssertionError(f"{selector} stayed empty")


def _frame(page: Any, path_part: str, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames:
            if path_part in frame.url:
                return frame
        page.wait_for_timeout(50)  # lets Playwright dispatch events (and the request guard) meanwhile
    raise AssertionError(f"no frame for {path_part}: {[f.url for f in page.frames]}")


def test_standalone_files_work_from_disk(live_server: LiveServer, tab: Tab, tmp_path: Path) -> None:
    """The CLI's files: everything inline, opened as file:// with no server at all."""
    from graph_service.services.views import ProjectionCache

    cache = ProjectionCache(live_server.server.config.app.state.db)
    files = {
        "standalone-ecosystem.html": render_map(ecosystem_page(cache), inline=True),
        "standalone-subsectors.html": render_map(subsectors_page(cache), inline=True),
    }
    for name, html in files.items():
        path = tmp_path / name
        path.write_text(html, encoding="utf-8")
        tab.page.goto(path.as_uri())
        tab.wait_ready()
        assert tab.canvas()["ink"] > 200
    path = tmp_path / "standalone-report.html"
    path.write_text(render_report(build_report(cache), inline=True), encoding="utf-8")
    tab.page.goto(path.as_uri())
    assert tab.page.locator("svg.chart").count() >= 2
    assert all(u.startswith("file:") for u in tab.requests), tab.requests
    tab.assert_clean()
