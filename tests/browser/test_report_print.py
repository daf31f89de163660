"""The report printed to PDF in Debian's Chromium (A4, the seeded 300-member cluster of
``live_server``): no page ends with a heading, every heading shares its page with its content, and
every chart's drawing stays inside its SVG (measured by the browser, on screen and in print).

The text of each page comes from pypdf in layout mode (lines top to bottom, as printed). The PDFs
go to ``test-artifacts/browser/`` (git-ignored).
"""

from __future__ import annotations

import io
import re
import unicodedata
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, Tab

HEADINGS_JS = """() => [...document.querySelectorAll('main h2, main h3')].map(h => {
    let intro = '';
    for (let e = h.nextElementSibling; e && e.tagName === 'P'; e = e.nextElementSibling) intro += ' ' + e.textContent;
    return {level: h.tagName, text: h.textContent.trim(), intro: intro};
})"""

# Every drawn element's box on the page against its SVG's box (transforms included).
CLIPPED_JS = """() => {
    const out = [];
    const at = r => `${r.left.toFixed(1)},${r.top.toFixed(1)}-${r.right.toFixed(1)},${r.bottom.toFixed(1)}`;
    document.querySelectorAll('svg.chart').forEach((svg, i) => {
        const box = svg.getBoundingClientRect();
        svg.querySelectorAll('text, rect, circle, line').forEach(el => {
            const r = el.getBoundingClientRect();
            if (r.left < box.left - 0.5 || r.right > box.right + 0.5
                || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) {
                out.push(`chart ${i}: <${el.tagName}> ${(el.textContent || '').slice(0, 30)} at ${at(r)}`
                         + ` outside ${at(box)}`);
            }
        });
    });
    return out;
}"""


def _squash(text: str) -> str:
    """Whitespace squashed, ligatures undone (the PDF prints "fi" as one glyph)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def page_lines(pdf: bytes) -> list[list[str]]:
    """The non-empty text lines of each page, top to bottom, whitespace squashed."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    pages = []
    for page in reader.pages:
        text = page.extract_text(extraction_mode="layout")
        pages.append([_squash(line) for line in text.splitlines() if line.strip()])
    return pages


def _print(tab: Tab, url: str, name: str) -> tuple[list[dict[str, Any]], list[list[str]]]:
    page = tab.page
    response = page.goto(url)
    assert response is not None and response.status == 200
    page.emulate_media(media="print")
    headings = page.evaluate(HEADINGS_JS)
    assert not page.evaluate(CLIPPED_JS), "a chart draws outside its SVG in print"
    pdf = page.pdf(format="A4", print_background=True)
    page.emulate_media(media="screen")
    assert pdf[:4] == b"%PDF"
    tab.artifact(f"{name}.pdf").write_bytes(pdf)
    return headings, page_lines(pdf)


@pytest.mark.parametrize("query", ["", "?since=2025-01-01"], ids=["report", "with-change"])
def test_no_printed_page_ends_with_a_heading(live_server: LiveServer, tab: Tab, query: str) -> None:
    name = "report-print" + ("-since" if query else "")
    headings, pages = _print(tab, live_server.url + "/report" + query, name)
    titles = {h["text"] for h in headings}
    assert {"Collaboration matrix", "Top brokers", "Per month, by current status"} <= titles
    if query:
        assert "E-I index per subsector: now (bars) and then (circles)" in titles
    assert len(pages) >= 4, "the seeded report should take several A4 pages"

    for number, lines in enumerate(pages, start=1):
        assert lines, f"page {number} is empty"
        assert lines[-1] not in titles, f"page {number} ends with the heading {lines[-1]!r}"

    found = set()
    for h in headings:
        intro = _squash(h["intro"])
        spots = [(p, i) for p, lines in enumerate(pages) for i, line in enumerate(lines) if line == h["text"]]
        assert spots, f"heading {h['text']!r} not found in the PDF's text"
        for p, i in spots:
            below = [line for line in pages[p][i + 1:] if line not in intro]
            assert below, (f"heading {h['text']!r} ends page {p + 1} with only its introduction under it: "
                           f"{pages[p][i:]}")
        found.add(h["text"])
    assert found == titles
    tab.assert_clean()


def test_the_charts_draw_inside_their_svgs_on_screen(live_server: LiveServer, tab: Tab) -> None:
    page = tab.page
    for width in (1400, 700):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/report?since=2025-01-01")
        assert page.locator("svg.chart").count() == 4
        assert not page.evaluate(CLIPPED_JS)
        legend = page.evaluate("""() => [...document.querySelectorAll('svg.chart')[1].querySelectorAll('text')]
            .map(t => t.textContent)""")
        for status in ("proposed", "accepted", "met", "collaborating", "no-follow-up", "declined"):
            assert status in legend
    page.set_viewport_size({"width": 1400, "height": 900})
    tab.assert_clean()
