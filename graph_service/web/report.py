"""The ecosystem report as HTML (``/report``, or a standalone file from the CLI), printable to PDF.

The figures come from :func:`graph_service.services.report.build_report`; this module only draws
them: the subsector isolation table, the collaboration matrix as a heat map, and charts as inline
SVG drawn here, so the page needs no network and no chart library.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping

from markupsafe import Markup

from graph_service.analytics import SubsectorIsolation
from graph_service.analytics.subsectors import ISOLATED_EI
from graph_service.domain import SUBSECTOR_BY_ID
from graph_service.services.kpis import IntroductionKPIs
from graph_service.services.report import Report
from graph_service.web.colours import SUBSECTOR_COLOURS, subsector_name
from graph_service.web.pages import nav_links, render_template

__all__ = [
    "CHAR_WIDTH",
    "ei_chart",
    "heat_colour",
    "months_chart",
    "num",
    "pct",
    "render_report",
    "signed",
    "text_width",
]


# -- formatting ------------------------------------------------------------------------------------


def pct(x: float | None, digits: int = 0) -> str:
    return "n/a" if x is None else f"{x * 100:.{digits}f} %"


def signed(x: float | None, digits: int = 2) -> str:
    return "n/a" if x is None else f"{x:+.{digits}f}"


def num(x: float | None, digits: int = 3) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


STATUS_COLOURS = (
    ("proposed", "#adb5bd"),
    ("accepted", "#74c0fc"),
    ("met", "#ffd43b"),
    ("collaborating", "#40c057"),
    ("no_follow_up", "#ff922b"),
    ("declined", "#fa5252"),
)


CHAR_WIDTH = 0.6
"""A character's width as a share of the font size: the estimate the charts are laid out with
(generous for a sans-serif), so that every label stays inside its SVG's viewBox."""


def text_width(text: str, size: float) -> float:
    """The estimated width of ``text`` at font size ``size`` (see :data:`CHAR_WIDTH`)."""
    return len(text) * size * CHAR_WIDTH


def _rotated_box(width: float, size: float, degrees: float) -> tuple[float, float, float, float]:
    """The extent (left, right, top, bottom offsets from the anchor) of an end-anchored label of
    ``width`` at font size ``size`` (ascent ``size``, descent ``0.3 * size``), rotated by
    ``degrees`` about its anchor as SVG's ``rotate()`` does."""
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    corners = [(dx * c - dy * s, dx * s + dy * c) for dx in (-width, 0.0) for dy in (-size, 0.3 * size)]
    xs = [x for x, _ in corners]
    ys = [y for _, y in corners]
    return min(xs), max(xs), min(ys), max(ys)


def _legend_rows(entries: list[tuple[str, float]], start: float, right: float, gap: float
                 ) -> list[list[tuple[str, float, float]]]:
    """Legend entries ``(label, width)`` placed left to right from ``start``, wrapped to a new
    row before one would pass ``right``: rows of ``(label, x, width)``."""
    rows: list[list[tuple[str, float, float]]] = [[]]
    x = start
    for label, w in entries:
        if rows[-1] and x + w > right:
            rows.append([])
            x = start
        rows[-1].append((label, x, w))
        x += w + gap
    return rows


def months_chart(kpis: IntroductionKPIs) -> Markup:
    """Introductions per month, stacked by their current status, as inline SVG.

    The layout is computed from the labels (:func:`text_width`): the axis margin from the
    largest count, the bottom margin from the rotated month labels, and the legend (every
    status) wraps onto as many rows as the chart's width needs, the SVG growing to hold them."""
    months = list(kpis.per_month)
    if not months:
        return Markup('<p class="small">No introductions yet.</p>')
    bar, gap, height, top = 18, 6, 170, 10
    axis_size, month_size, legend_size, legend_row = 10, 9, 11, 17
    angle = -50.0
    peak = max(m.total for m in months) or 1
    step = max(1, math.ceil(peak / 4))
    ticks = [t for t in range(0, peak + step, step) if top + height - height * t / peak >= top - 0.5]
    left = max(34.0, max(text_width(str(t), axis_size) for t in ticks) + 8)
    every = max(1, len(months) // 18)
    shown = [m.month for i, m in enumerate(months) if i % every == 0]
    label_w = max(text_width(str(label), month_size) for label in shown)
    lo_x, _hi_x, _lo_y, hi_y = _rotated_box(label_w, month_size, angle)
    left = max(left, 4 - lo_x - bar / 2)  # the first month label's left end stays inside
    base = top + height
    label_y = base + 12
    bottom = 12 + hi_y + 6
    plot_right = left + len(months) * (bar + gap) + 10
    entries = [(key.replace("_", "-"), 14 + text_width(key.replace("_", "-"), legend_size))
               for key, _ in STATUS_COLOURS]
    widest = max(w for _, w in entries)
    width = math.ceil(max(plot_right, 8 + widest + 8, 320.0))
    rows = _legend_rows(entries, 8, width - 8, 16)
    legend_top = base + bottom
    total_h = math.ceil(legend_top + len(rows) * legend_row + 4)
    colour_of = dict(STATUS_COLOURS)
    parts = [
        (
            f'<svg class="chart" role="img" aria-label="Introductions per month by status" '
            f'viewBox="0 0 {width} {total_h}" width="{width}" height="{total_h}">'
        )
    ]
    for t in ticks:
        y = top + height - height * t / peak
        parts.append(
            f'<line x1="{left:.1f}" x2="{plot_right:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e9ecef"/>'
            f'<text x="{left - 4:.1f}" y="{y + 4:.1f}" font-size="{axis_size}" text-anchor="end" '
            f'fill="#6c757d">{t}</text>'
        )
    for i, m in enumerate(months):
        x = left + i * (bar + gap)
        y = float(base)
        for key, colour in STATUS_COLOURS:
            v = getattr(m, key)
            if not v:
                continue
            h = height * v / peak
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar}" height="{h:.1f}" fill="{colour}">'
                f"<title>{_e(m.month)}: {v} {_e(key.replace('_', '-'))}</title></rect>"
            )
        if i % every == 0:
            cx = x + bar / 2
            parts.append(
                f'<text x="{cx:.1f}" y="{label_y}" font-size="{month_size}" fill="#495057" '
                f'text-anchor="end" transform="rotate({angle:g} {cx:.1f} {label_y})">'
                f"{_e(m.month)}</text>"
            )
    for r, row in enumerate(rows):
        ly = legend_top + r * legend_row + 12
        for label, lx, _w in row:
            colour = colour_of[label.replace("-", "_")]
            parts.append(
                f'<rect x="{lx:.1f}" y="{ly - 9:.1f}" width="10" height="10" fill="{colour}"/>'
                f'<text x="{lx + 14:.1f}" y="{ly:.1f}" font-size="{legend_size}" fill="#212529">'
                f"{_e(label)}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def ei_chart(
    items: Iterable[SubsectorIsolation], *, before: Mapping[str, float | None] | None = None
) -> Markup:
    """E-I index per subsector as horizontal bars from 0 (-1 left, +1 right); with ``before``,
    a hollow mark shows the earlier value. The label column is as wide as the longest name."""
    rows = [s for s in items if s.id in SUBSECTOR_BY_ID]
    label_size, value_size = 11, 10
    names = {s.id: subsector_name(s.id) for s in rows}
    label_w = max([120.0, *(text_width(n, label_size) + 12 for n in names.values())])
    plot_w, row_h, top = 360, 22, 22
    width = math.ceil(label_w + plot_w + 8 + text_width("+1.00", value_size) + 8)
    height = top + row_h * len(rows) + 10
    zero = label_w + plot_w / 2
    parts = [
        (
            f'<svg class="chart" role="img" aria-label="E-I index per subsector" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        )
    ]
    for v in (-1, -0.5, 0, 0.5, 1):
        x = zero + v * plot_w / 2
        stroke = "#adb5bd" if v == 0 else "#e9ecef"
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 6}" y2="{height - 6}" stroke="{stroke}"/>'
            f'<text x="{x:.1f}" y="{top - 9}" font-size="{value_size}" text-anchor="middle" '
            f'fill="#6c757d">{v:+g}</text>'
        )
    for i, s in enumerate(rows):
        y = top + i * row_h
        parts.append(
            f'<text x="{label_w - 6:.1f}" y="{y + 14}" font-size="{label_size}" text-anchor="end" '
            f'fill="#212529">{_e(names[s.id])}</text>'
        )
        ei = s.ei_index
        if ei is not None:
            x0, x1 = sorted((zero, zero + ei * plot_w / 2))
            colour = "#c92a2a" if ei <= ISOLATED_EI else SUBSECTOR_COLOURS.get(s.id, "#868e96")
            parts.append(
                f'<rect x="{x0:.1f}" y="{y + 4}" width="{max(1.0, x1 - x0):.1f}" height="{row_h - 8}" '
                f'fill="{colour}"><title>{_e(names[s.id])}: E-I {ei:+.2f}</title></rect>'
            )
            parts.append(
                f'<text x="{zero + plot_w / 2 + 8:.1f}" y="{y + 14}" font-size="{value_size}" '
                f'fill="#495057">{ei:+.2f}</text>'
            )
        else:
            parts.append(
                f'<text x="{zero + 4:.1f}" y="{y + 14}" font-size="{value_size}" fill="#868e96">no ties</text>'
            )
        earlier = before.get(s.id) if before is not None else None
        if earlier is not None:
            bx = zero + earlier * plot_w / 2
            parts.append(
                f'<circle cx="{bx:.1f}" cy="{y + row_h / 2}" r="4.5" fill="#fff" stroke="#212529" '
                f'stroke-width="1.5"><title>before: {earlier:+.2f}</title></circle>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def heat_colour(count: int, peak: int) -> tuple[str, str]:
    """Background and text colour of a heat-map cell (white to dark blue, log scale)."""
    if count <= 0 or peak <= 0:
        return "#ffffff", "#5c636a"
    t = math.log1p(count) / math.log1p(peak)
    rgb = (round(255 + (28 - 255) * t), round(255 + (78 - 255) * t), round(255 + (128 - 255) * t))
    # White text on the darker cells, black on the lighter: either way at least 4.5:1 (WCAG AA).
    return f"rgb({rgb[0]},{rgb[1]},{rgb[2]})", ("#ffffff" if _luminance(rgb) < 0.18 else "#000000")


def _luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2's relative luminance of an sRGB colour. White on it reaches 4.5:1 up to 0.183, black
    from 0.175 on."""
    def linear(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def render_report(report: Report, *, inline: bool = False) -> str:
    """The report as HTML: served (stylesheet from /viz/assets) or standalone (inline)."""
    m = report.matrix
    ids = [s for s in m.ids if s in SUBSECTOR_BY_ID]
    index = {s: m.ids.index(s) for s in ids}
    peak = max((m.counts[index[a]][index[b]] for a in ids for b in ids), default=0)
    heat = [
        (
            a,
            [
                (b, m.counts[index[a]][index[b]], *heat_colour(m.counts[index[a]][index[b]], peak))
                for b in ids
            ],
        )
        for a in ids
    ]
    before = None
    if report.change is not None:
        before = {r.subsector: r.ei_before for r in report.change.rows}
    return render_template(
        "report.html.j2",
        inline=inline,
        r=report,
        nav=[] if inline else nav_links("manager"),
        heat=heat,
        heat_ids=ids,
        months_chart=months_chart(report.kpis),
        ei_chart=ei_chart(report.subsectors.items),
        change_chart=ei_chart(report.subsectors.items, before=before) if before is not None else None,
        since_kpis_chart=months_chart(report.change.introductions) if report.change else None,
        pct=pct,
        signed=signed,
        num=num,
        subsector_name=subsector_name,
        colours=SUBSECTOR_COLOURS,
        cross_from_manager=getattr(report.kpis, "cross_ties_from_manager_share", None),
    )
