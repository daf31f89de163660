"""The subsectors' map (``/viz/subsectors``): the twelve subsectors as nodes, the ties between
them as weighted edges, the isolated ones ringed in red."""

from __future__ import annotations

import math
from typing import Any

from graph_service.domain import SUBSECTOR_BY_ID
from graph_service.services import analyses
from graph_service.services.views import GraphView
from graph_service.web.colours import HIGHLIGHT, subsector_colour, subsector_name
from graph_service.web.maps.model import Colouring, MapPage, add_edge, add_node, network, options
from graph_service.web.pages import nav_links

__all__ = ["subsectors_page"]



def subsectors_page(view: GraphView) -> MapPage:
    """The twelve subsectors as nodes (size: members), the ties between them as weighted edges;
    isolated subsectors (E-I <= -0.5, or no tie outside) stand out with a thick red dashed ring."""
    answer = analyses.subsectors(view)
    matrix = analyses.matrix(view)
    items = {s.id: s for s in answer.items}
    ids = [s for s in matrix.ids if s in SUBSECTOR_BY_ID]
    page = MapPage(
        kind="subsectors",
        title="The twelve subsectors",
        subtitle="Node size: members; edge width: ties between two subsectors; "
        "red ring: isolated (E-I index at most -0.5)",
        net=network(),
        nav=nav_links(view.viewer.role),
        search=False,
    )
    page.net.options = options(big=False, value_scaling=False)
    page.net.options["nodes"]["font"]["size"] = 16
    max_members = max((items[s].members for s in ids if s in items), default=1) or 1
    radius = 360.0
    for i, s in enumerate(ids):
        it = items.get(s)
        members = it.members if it else 0
        ei = it.ei_index if it else None
        isolated = it is not None and it.isolated
        angle = 2 * math.pi * i / len(ids) - math.pi / 2
        size = 12 + 30 * math.sqrt(members / max_members)
        ei_text = "n/a" if ei is None else f"{ei:+.2f}"
        colour: Any = subsector_colour(s)
        opts: dict[str, Any] = {}
        if isolated:
            colour = {"background": subsector_colour(s), "border": "#c92a2a"}
            opts = {"borderWidth": 6, "shapeProperties": {"borderDashes": [6, 4]}}
        add_node(
            page.net,
            s,
            label=f"{subsector_name(s)}\nE-I {ei_text}" + ("\nisolated" if isolated else ""),
            x=round(radius * math.cos(angle), 1),
            y=round(radius * math.sin(angle), 1),
            size=round(size, 1),
            color=colour,
            **opts,
        )
        tip: list[Any] = [
            subsector_name(s),
            ["Members", str(members)],
            ["Ties inside", str(it.internal_ties if it else 0)],
            ["Ties outside", str(it.external_ties if it else 0)],
            ["E-I index", ei_text],
        ]
        if it and it.share_without_external is not None:
            tip.append(["Members with no tie outside", f"{it.share_without_external:.0%}"])
        if isolated:
            tip.append(["Isolated", "most ties stay inside the subsector"])
        page.meta[s] = {"n": subsector_name(s), "s": s, "tip": tip, "isolated": isolated}
        page.links[s] = f"/viz/ecosystem?subsector={s}"
    index = {s: matrix.ids.index(s) for s in ids}
    counts = [(a, b, matrix.counts[index[a]][index[b]]) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    top = max((c for _, _, c in counts), default=1) or 1
    for a, b, c in counts:
        if c <= 0:
            continue
        eid = add_edge(
            page.net,
            a,
            b,
            width=round(0.8 + 11 * c / top, 2),
            color={"color": "rgba(90,90,90,0.45)", "highlight": HIGHLIGHT},
        )
        page.edge_tips[eid] = [f"{subsector_name(a)} – {subsector_name(b)}", ["Ties", str(c)]]
    page.colourings = {
        "subsector": Colouring(
            "Subsector",
            {s: subsector_colour(s) for s in ids},
            tuple((subsector_name(s), subsector_colour(s)) for s in ids),
        )
    }
    page.legend_extra.append(
        {"label": "isolated subsector (E-I ≤ -0.5)", "colour": "#c92a2a", "dashes": True, "ring": True}
    )
    page.size_note = "Size: members (primary subsector); edge width: ties between the two"
    overall = answer.overall_ei_index
    page.summary = [
        ("Isolated", str(sum(1 for m in page.meta.values() if m.get("isolated")))),
        ("Overall E-I", "n/a" if overall is None else f"{overall:+.2f}"),
    ]
    return page
