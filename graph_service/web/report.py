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
from graph_service.domain import SUBSECTOR_BY_ID
from graph_service.services.kpis import IntroductionKPIs
from graph_service.services.report import Report
from graph_service.web.colours import SUBSECTOR_COLOURS, subsector_name
from graph_service.web.pages import nav_links, render_template

__all__ = ["ei_chart", "heat_colour", "months_chart", "num", "pct", "render_report", "signed"]


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


def months_chart(kpis: IntroductionKPIs) -> Markup:
    """Introductions per month, stacked by their current status, as inline SVG."""
    months = list(kpis.per_month)
    if not months:
        return Markup('<p class="small">No introductions yet.</p>')
    bar, gap, height, left, bottom, top = 18, 6, 170, 34, 46, 10
    width = left + len(months) * (bar + gap) + 10
    peak = max(m.total for m in months) or 1
    step = max(1, math.ceil(peak / 4))
    parts = [
        (
            f'<svg class="chart" role="img" aria-label="Introductions per month by status" '
            f'viewBox="0 0 {width} {height + bottom + top + 24}" width="{width}" '
            f'height="{height + bottom + top + 24}">'
        )
    ]
    for t in range(0, peak + step, step):
        y = top + height - height * t / peak
        if y < top - 0.5:
            break
        parts.append(
            f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e9ecef"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#6c757d">{t}</text>'
        )
    every = max(1, len(months) // 18)
    for i, m in enumerate(months):
        x = left + i * (bar + gap)
        y = top + height
        for key, colour in STATUS_COLOURS:
            v = getattr(m, key)
            if not v:
                continue
            h = height * v / peak
            y -= h
            parts.append(
                f'<rect x="{x}" y="{y:.1f}" width="{bar}" height="{h:.1f}" fill="{colour}">'
                f"<title>{_e(m.month)}: {v} {_e(key.replace('_', '-'))}</title></rect>"
            )
        if i % every == 0:
            parts.append(
                f'<text x="{x + bar / 2}" y="{top + height + 12}" font-size="9" fill="#495057" '
                f'text-anchor="end" transform="rotate(-50 {x + bar / 2} {top + height + 12})">'
                f"{_e(m.month)}</text>"
            )
    lx = left
    ly = top + height + bottom + 12
    for key, colour in STATUS_COLOURS:
        label = key.replace("_", "-")
        parts.append(
            f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{lx + 14}" y="{ly}" font-size="11" fill="#212529">{_e(label)}</text>'
        )
        lx += 28 + 7 * len(label)
    parts.append("</svg>")
    return Markup("".join(parts))


def ei_chart(
    items: Iterable[SubsectorIsolation], *, before: Mapping[str, float | None] | None = None
) -> Markup:
    """E-I index per subsector as horizontal bars from 0 (-1 left, +1 right); with ``before``,
    a hollow mark shows the earlier value."""
    rows = [s for s in items if s.id in SUBSECTOR_BY_ID]
    label_w, plot_w, row_h, top = 190, 360, 22, 22
    width = label_w + plot_w + 60
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
            f'<line x1="{x}" x2="{x}" y1="{top - 6}" y2="{height - 6}" stroke="{stroke}"/>'
            f'<text x="{x}" y="{top - 9}" font-size="10" text-anchor="middle" fill="#6c757d">{v:+g}</text>'
        )
    for i, s in enumerate(rows):
        y = top + i * row_h
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" font-size="11" text-anchor="end" fill="#212529">'
            f"{_e(subsector_name(s.id))}</text>"
        )
        ei = s.ei_index
        if ei is not None:
            x0, x1 = sorted((zero, zero + ei * plot_w / 2))
            colour = "#c92a2a" if ei <= -0.5 else SUBSECTOR_COLOURS.get(s.id, "#868e96")
            parts.append(
                f'<rect x="{x0:.1f}" y="{y + 4}" width="{max(1.0, x1 - x0):.1f}" height="{row_h - 8}" '
                f'fill="{colour}"><title>{_e(subsector_name(s.id))}: E-I {ei:+.2f}</title></rect>'
            )
            parts.append(
                f'<text x="{zero + plot_w / 2 + 8}" y="{y + 14}" font-size="10" '
                f'fill="#495057">{ei:+.2f}</text>'
            )
        else:
            parts.append(f'<text x="{zero + 4}" y="{y + 14}" font-size="10" fill="#868e96">no ties</text>')
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
        return "#ffffff", "#adb5bd"
    t = math.log1p(count) / math.log1p(peak)
    r = round(255 + (28 - 255) * t)
    g = round(255 + (78 - 255) * t)
    b = round(255 + (128 - 255) * t)
    return f"rgb({r},{g},{b})", ("#ffffff" if t > 0.55 else "#212529")


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
