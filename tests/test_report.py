"""The ecosystem report against the real Neo4j, on the seeded cluster (300 members, seed 42):

* the top brokers list every subsector they connect to, the ties into isolated subsectors first
  and marked "(isolated)", then the rest by count, by name (issue 13, item 4);
* every chart's SVG keeps its content (legends, labels, bars) inside its viewBox, also with long
  subsector names and every legend entry present, and for few, many and large months.

The print layout (headings kept with their content) is checked in Chromium:
tests/browser/test_report_print.py.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from html import unescape

import pytest
from fastapi.testclient import TestClient

from graph_service.analytics import Broker, BrokerageRoles, SubsectorIsolation
from graph_service.analytics.kpis import IntroductionKPIs, MonthKPI
from graph_service.domain import SUBSECTOR_BY_ID
from graph_service.services.report import Report, broker_rows, build_report, isolated_subsectors
from graph_service.services.views import ProjectionCache
from graph_service.store.database import Database
from graph_service.web import report as web_report
from graph_service.web.colours import subsector_name
from graph_service.web.report import STATUS_COLOURS, ei_chart, months_chart, render_report

SINCE = date(2025, 1, 1)
CHAR_WIDTH = 0.6  # the test's own estimate of a character's width, as a share of the font size


@pytest.fixture
def seeded(client: TestClient, db: Database) -> Iterator[tuple[TestClient, ProjectionCache]]:
    """The seed cluster imported through the API, and the manager's projection of it."""
    from seed.generator import generate_cluster

    doc, _facts = generate_cluster(members=300, seed=42)
    r = client.post("/api/v1/import", json=doc.model_dump(mode="json", exclude_none=True),
                    params={"replace": True})
    assert r.status_code == 200, r.text[:500]
    yield client, ProjectionCache(db)


@pytest.fixture
def report(seeded: tuple[TestClient, ProjectionCache]) -> Report:
    return build_report(seeded[1], since=SINCE)


# -- 1. every subsector a broker connects to, the ties into isolated subsectors first -----------------


def test_the_isolated_subsectors_are_the_ones_the_isolation_analysis_flags(report: Report) -> None:
    flagged = {
        s.id
        for s in report.subsectors.items
        if s.members and (s.ei_index is None or s.ei_index <= -0.5 or s.external_ties == 0)
    }
    assert set(report.isolated) == flagged
    # the seeded cluster's two inward-looking subsectors (E-I about -0.96 and -0.87)
    assert {"crafts-manufacturing", "literature"} <= flagged


def test_every_subsector_of_a_broker_is_listed_isolated_first_then_by_count(report: Report) -> None:
    isolated = set(report.isolated)
    assert [row.broker.id for row in report.brokers] == [b.id for b in report.bridges.items]
    for row in report.brokers:
        b = row.broker
        assert {link.subsector: link.ties for link in row.links} == b.subsectors_connected  # all of them
        assert len(row.links) == len(b.subsectors_connected)
        marked = [link.isolated for link in row.links]
        assert marked == sorted(marked, reverse=True), f"{b.id}: an isolated subsector after another"
        for link in row.links:
            assert link.isolated == (link.subsector in isolated and link.subsector != b.subsector)
            assert link.own == (link.subsector == b.subsector)
        rest = [link for link in row.links if not link.isolated]
        assert [(-x.ties, x.subsector) for x in rest] == sorted((-x.ties, x.subsector) for x in rest)
        first = [link for link in row.links if link.isolated]
        assert [(-x.ties, x.subsector) for x in first] == sorted((-x.ties, x.subsector) for x in first)
    # The case: some top broker's single ties into isolated subsectors, no longer cut.
    assert any(link.isolated and link.ties == 1 for row in report.brokers for link in row.links)


def _connects_cells(html: str) -> list[str]:
    section = html[html.index('id="brokers"'):]
    section = section[: section.index("</section>")]
    cells = re.findall(r'<td class="connects">(.*?)</td>', section, re.DOTALL)
    return [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", c))).strip() for c in cells]


def test_the_brokers_table_shows_every_subsector_by_name(seeded: tuple[TestClient, ProjectionCache],
                                                         report: Report) -> None:
    client, _cache = seeded
    r = client.get("/report", params={"since": SINCE.isoformat()})
    assert r.status_code == 200
    cells = _connects_cells(r.text)
    assert len(cells) == len(report.brokers) == 10
    for cell, row in zip(cells, report.brokers, strict=True):
        expected = ", ".join(
            f"{SUBSECTOR_BY_ID[x.subsector].name} {x.ties}"
            + (" (isolated)" if x.isolated else " (own)" if x.own else "")
            for x in row.links
        )
        assert cell == expected
        assert not any(sid in cell for sid in SUBSECTOR_BY_ID if "-" in sid)  # names, not ids
    assert any("Crafts and manufacturing 1 (isolated)" in c or "Literature 1 (isolated)" in c for c in cells)
    # The isolation table marks the same subsectors as the brokers' table.
    rows = re.findall(r'<tr class="isolated">\s*<td>([^<]+)</td>', r.text)
    assert sorted(unescape(n) for n in rows) == sorted(subsector_name(s) for s in report.isolated)


def _broker(ident: str, subsector: str, connected: dict[str, int]) -> Broker:
    roles = BrokerageRoles(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    return Broker(ident, ident, subsector, sum(connected.values()), 0.1, 0.2, 1.0, connected, roles)


def test_broker_rows_on_hand_made_brokers() -> None:
    rows = broker_rows(
        [
            _broker("a", "design", {"design": 5, "music": 3, "gaming": 3, "literature": 1, "crafts-manufacturing": 2}),
            _broker("b", "literature", {"literature": 6, "architecture": 1}),
        ],
        isolated=("literature", "crafts-manufacturing"),
    )
    assert [(x.subsector, x.ties, x.isolated, x.own) for x in rows[0].links] == [
        ("crafts-manufacturing", 2, True, False),
        ("literature", 1, True, False),
        ("design", 5, False, True),
        ("gaming", 3, False, False),
        ("music", 3, False, False),
    ]
    # A broker inside an isolated subsector: their own ties are not a bridge into it.
    assert [(x.subsector, x.isolated, x.own) for x in rows[1].links] == [
        ("literature", False, True),
        ("architecture", False, False),
    ]


def test_the_isolation_rule() -> None:
    def item(sid: str, members: int, internal: int, external: int, ei: float | None) -> SubsectorIsolation:
        return SubsectorIsolation(sid, members, internal, external, ei, None, {})

    items = [
        item("a", 5, 9, 1, -0.8),  # E-I at most -0.5
        item("b", 5, 3, 3, -0.5),  # exactly the threshold
        item("c", 3, 0, 0, None),  # members without any tie
        item("d", 0, 0, 0, None),  # no members: nothing to isolate
        item("e", 5, 4, 6, 0.2),
        item("f", 5, 2, 1, -0.33),
    ]
    assert isolated_subsectors(items) == ("a", "b", "c")


# -- 2. nothing clipped in the charts ----------------------------------------------------------------------


SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
ROTATE = re.compile(r"rotate\(\s*([-\d.]+)(?:[\s,]+([-\d.]+)[\s,]+([-\d.]+))?\s*\)")


def _text_box(el: ET.Element) -> list[tuple[float, float]]:
    """The corners of a ``<text>``'s box: width from its characters x font size x 0.6, ascent
    one font size, descent 0.3; placed by ``text-anchor`` and turned by a ``rotate()``."""
    size = float(el.get("font-size", "16"))
    x, y = float(el.get("x", "0")), float(el.get("y", "0"))
    width = len("".join(el.itertext())) * size * CHAR_WIDTH
    anchor = el.get("text-anchor", "start")
    x0 = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    corners = [(cx, cy) for cx in (x0, x0 + width) for cy in (y - size, y + 0.3 * size)]
    transform = el.get("transform")
    if transform:
        m = ROTATE.fullmatch(transform.strip())
        assert m, f"unexpected transform {transform!r}"
        a = math.radians(float(m.group(1)))
        ox, oy = (float(m.group(2)), float(m.group(3))) if m.group(2) else (0.0, 0.0)
        c, s = math.cos(a), math.sin(a)
        corners = [(ox + (px - ox) * c - (py - oy) * s, oy + (px - ox) * s + (py - oy) * c) for px, py in corners]
    return corners


def _corners(el: ET.Element) -> list[tuple[float, float]]:
    tag = el.tag
    if tag == "text":
        return _text_box(el)
    if tag == "rect":
        x, y = float(el.get("x", "0")), float(el.get("y", "0"))
        w, h = float(el.get("width", "0")), float(el.get("height", "0"))
        assert w >= 0 and h >= 0
        return [(x, y), (x + w, y + h)]
    if tag == "circle":
        cx, cy, r = float(el.get("cx", "0")), float(el.get("cy", "0")), float(el.get("r", "0"))
        return [(cx - r, cy - r), (cx + r, cy + r)]
    if tag == "line":
        return [(float(el.get("x1", "0")), float(el.get("y1", "0"))),
                (float(el.get("x2", "0")), float(el.get("y2", "0")))]
    return []


def assert_inside_viewbox(svg: str) -> dict[str, list[str]]:
    """Every drawn element of ``svg`` lies inside its viewBox; returns the texts by tag (for the
    caller's further checks)."""
    root = ET.fromstring(svg)
    vx, vy, vw, vh = (float(v) for v in root.get("viewBox", "").split())
    assert (vx, vy) == (0, 0)
    assert float(root.get("width", vw)) == vw and float(root.get("height", vh)) == vh
    seen: dict[str, list[str]] = {"text": [], "rect": []}
    for el in root.iter():
        if el.tag == "title":
            continue
        assert "transform" not in el.attrib or el.tag == "text", f"transform on a <{el.tag}>"
        corners = _corners(el)
        if not corners:
            continue
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        what = f"<{el.tag} {el.attrib}>{''.join(el.itertext())[:40]!r}"
        assert min(xs) >= vx - 0.01 and max(xs) <= vx + vw + 0.01, f"{what} outside 0..{vw} horizontally"
        assert min(ys) >= vy - 0.01 and max(ys) <= vy + vh + 0.01, f"{what} outside 0..{vh} vertically"
        if el.tag in seen:
            seen[el.tag].append("".join(el.itertext()))
    return seen


LEGEND = [key.replace("_", "-") for key, _ in STATUS_COLOURS]


def _assert_full_legend(texts: list[str]) -> None:
    assert [t for t in texts if t in LEGEND] == LEGEND  # every status, once, in order


def test_every_chart_of_the_seeded_report_stays_inside_its_viewbox(
    seeded: tuple[TestClient, ProjectionCache], report: Report
) -> None:
    client, _cache = seeded
    for html in (client.get("/report", params={"since": SINCE.isoformat()}).text, render_report(report, inline=True)):
        charts = SVG.findall(html)
        assert len(charts) == 4  # E-I bars, introductions per month, then vs now, introductions since
        texts = [assert_inside_viewbox(svg)["text"] for svg in charts]
        _assert_full_legend(texts[1])
        _assert_full_legend(texts[3])
        assert {subsector_name(s) for s in SUBSECTOR_BY_ID} <= set(texts[0])


LONG = {sid: f"{s.name}, with its suppliers, studios and independent workers" for sid, s in SUBSECTOR_BY_ID.items()}


def test_charts_with_long_subsector_names_and_every_legend_entry(
    report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_report, "subsector_name", lambda sid: LONG.get(sid, str(sid)))
    assert max(len(n) for n in LONG.values()) > 70
    for svg in (ei_chart(report.subsectors.items),
                ei_chart(report.subsectors.items, before={s.id: -1.0 for s in report.subsectors.items})):
        texts = assert_inside_viewbox(str(svg))["text"]
        assert set(LONG.values()) <= set(texts)
    html = render_report(report, inline=True)
    charts = SVG.findall(html)
    assert len(charts) == 4
    for svg in charts:
        assert_inside_viewbox(svg)
    assert LONG["crafts-manufacturing"] in unescape(charts[0])


def _kpis(months: list[MonthKPI]) -> IntroductionKPIs:
    return IntroductionKPIs(tuple(months), sum(m.total for m in months), None, None, None, (), None, 0, None)


def _month(label: str, n: int) -> MonthKPI:
    # every status present: proposed, accepted, declined, met, collaborating, no follow-up
    parts = [n, n, n, n, n, n]
    return MonthKPI(label, *parts, total=sum(parts))


@pytest.mark.parametrize(
    ("count", "per_status"),
    [(1, 1), (2, 3), (7, 2), (24, 5), (60, 1), (3, 20_000)],
    ids=["one-month", "two-months", "seven-months", "two-years", "five-years", "huge-counts"],
)
def test_the_months_chart_keeps_its_legend_and_labels_inside(count: int, per_status: int) -> None:
    months = [_month(f"{2020 + i // 12}-{i % 12 + 1:02d}", per_status) for i in range(count)]
    seen = assert_inside_viewbox(str(months_chart(_kpis(months))))
    _assert_full_legend(seen["text"])
    assert len(seen["rect"]) == 6 * count + len(LEGEND)  # each status of each month, and the legend keys


def test_the_checker_catches_the_clipped_legend_of_before() -> None:
    """The old chart drew the legend past the SVG's right edge for fewer than 21 months."""
    clipped = ('<svg viewBox="0 0 250 250" width="250" height="250">'
               '<text x="210" y="238" font-size="11">declined</text></svg>')
    with pytest.raises(AssertionError, match="horizontally"):
        assert_inside_viewbox(clipped)
