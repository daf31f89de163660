"""The manager's introductions pages in headless Chromium, against the live server's seed cluster:
ask for a plan, see it by name with its E-I chart, see it on the map, untick one pair, record the
rest, see the board (both pages pass axe's serious checks), record both members' answers, move
one introduction to met and then to collaborating with a note (htmx swaps the board in), and find
the new tie on /viz/ecosystem.
Nothing leaves 127.0.0.1. Screenshots ``introductions-*`` in test-artifacts/browser/ (the copies
in docs/workspace/img/ come from them).

The live server's graph is shared by every browser test: this test only adds introductions (and,
at the end, one knows tie)."""

from __future__ import annotations

import json
from typing import Any
from urllib.request import Request, urlopen

from tests.browser.axe import audit, describe, serious
from tests.browser.conftest import LiveServer, Tab
from tests.factories import MANAGER


def _api(live_server: LiveServer, path: str) -> Any:
    with urlopen(Request(live_server.url + path, headers=MANAGER), timeout=120) as r:
        return json.loads(r.read())


def _map_edges(tab: Tab) -> list[dict[str, Any]]:
    tab.wait_ready(timeout=120)
    data = tab.page.evaluate("() => JSON.parse(document.getElementById('graph-data').textContent)")
    edges: list[dict[str, Any]] = data["edges"]
    return edges


def _accessible(tab: Tab) -> None:
    found = serious(audit(tab.page))
    assert not found, describe(found)


def _tied(edges: list[dict[str, Any]], a: str, b: str) -> bool:
    return any({e["from"], e["to"]} == {a, b} and not str(e["id"]).startswith("o") for e in edges)


def test_plan_record_and_follow_up_to_a_tie_on_the_map(live_server: LiveServer, tab: Tab) -> None:
    page = tab.page
    page.set_default_timeout(120_000)  # each write makes the next page rebuild the projection; the machine is shared
    url = live_server.url

    # The form, then a bad size: the error beside the field.
    page.goto(f"{url}/desk/introductions")
    assert page.locator("h1").inner_text() == "Plan introductions"
    page.fill("#total", "0")
    page.click("form.plan-form button[type=submit]")
    page.wait_for_load_state()
    assert "whole number from 1 to 200" in page.locator("#total-error").inner_text()
    tab.screenshot("introductions-error", full_page=True)
    # The form came back with its 422 status, which Chromium logs; nothing else went wrong.
    assert tab.errors == ["Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"]
    tab.errors.clear()

    # A plan of six, two at most per member.
    page.fill("#total", "6")
    page.fill("#max_per_member", "2")
    page.select_option("#focus", "all")
    page.click("form.plan-form button[type=submit]")
    page.wait_for_load_state()
    boxes = page.locator("input[name=pair]")
    count = boxes.count()
    assert count >= 3, page.locator("main").inner_text()
    values = [boxes.nth(i).get_attribute("value") or "" for i in range(count)]
    assert all(boxes.nth(i).is_checked() for i in range(count))  # ticked by default
    first_a, first_b = values[0].split(":")
    members = {m: _api(live_server, f"/api/v1/members/{m}")["name"] for v in values for m in v.split(":")}
    label = page.locator(f"label[for='pair-{first_a}-{first_b}']").inner_text()
    assert members[first_a] in label and members[first_b] in label and first_a not in label
    assert page.locator("ul.reasons li").count() >= count  # every pair says why
    chart = page.locator("svg.ei-effect")
    assert chart.is_visible() and chart.locator("circle").count() >= 2
    assert page.locator("table.ei-table tbody tr").count() >= 3  # the same figures, as a table
    tab.screenshot("introductions-plan", full_page=True)
    chart.screenshot(path=str(tab.artifact("introductions-chart.png")))
    _accessible(tab)  # the plan, its tick boxes, chart and tables

    # "See on the map": the plan's pairs drawn dashed on the ecosystem map.
    plan_url = page.url
    page.click("a.map-link")
    page.wait_for_load_state()
    overlay = [e for e in _map_edges(tab) if str(e["id"]).startswith("o")]
    assert {frozenset((e["from"], e["to"])) for e in overlay} == {frozenset(v.split(":")) for v in values}
    tab.screenshot("introductions-map")
    page.goto(plan_url)

    # Untick the second pair; record the rest.
    dropped = values[1]
    page.uncheck(f"#pair-{dropped.replace(':', '-')}")
    page.locator(f"#pair-{dropped.replace(':', '-')}").scroll_into_view_if_needed()
    tab.screenshot("introductions-untick")
    page.click("text=Record the ticked introductions")
    page.wait_for_load_state()
    assert page.url.startswith(f"{url}/desk/introductions/board?recorded=")
    kept = [v for v in values if v != dropped]
    assert f"Recorded {len(kept)} introductions as proposed." in page.locator("p.notice").inner_text()
    proposed = {f"{i['a']}:{i['b']}": i["id"]
                for i in _api(live_server, "/api/v1/introductions?status=proposed")}
    assert all(v in proposed for v in kept) and dropped not in proposed
    assert page.locator(f"#state-proposed #intro-{proposed[kept[0]]}").count() == 1
    tab.screenshot("introductions-board")
    _accessible(tab)

    # Both members told the manager they accept: recorded from the card (htmx swaps the board).
    ident = proposed[kept[0]]
    a, b = kept[0].split(":")
    card = f"#intro-{ident}"
    page.click(f"{card} form.answer-form:has(input[value='{a}']) button[value=accept]")
    page.wait_for_selector(f"{card} .answer-accepted")
    page.click(f"{card} form.answer-form:has(input[value='{b}']) button[value=accept]")
    page.wait_for_selector(f"#state-accepted {card}")

    # Met, with a note; then collaborating, with another.
    page.fill(f"{card} input[name=note]", "Met at the Kirchberg breakfast.")
    page.locator(card).scroll_into_view_if_needed()
    tab.screenshot("introductions-move")
    page.click(f"{card} button[value=met]")
    page.wait_for_selector(f"#state-met {card}")
    assert "now met" in page.locator("p.notice").inner_text()
    assert "Met at the Kirchberg breakfast." in page.locator(card).inner_text()
    page.fill(f"{card} input[name=note]", "Writing a joint proposal for the museum call.")
    page.click(f"{card} button[value=collaborating]")
    page.wait_for_selector(f"#state-collaborating {card}")
    notice = page.locator("p.notice").inner_text()
    assert f"{members[a]} and {members[b]}: now collaborating" in notice
    page.locator(card).scroll_into_view_if_needed()
    tab.screenshot("introductions-collaborating", full_page=False)
    intro = _api(live_server, f"/api/v1/introductions/{ident}")
    assert intro["status"] == "collaborating"
    assert intro["outcome"] == "Writing a joint proposal for the museum call."

    # The new tie is on the map (the projection saw the write).
    page.goto(f"{url}/viz/ecosystem")
    assert _tied(_map_edges(tab), a, b)
    tab.assert_clean()
