"""The warm paths' map (``/viz/paths/{a}/{b}``): the paths from one member to another, most
trusted first, one colour each, laid out left to right."""

from __future__ import annotations

import math
from typing import Any

from graph_service.services.recommendations import paths_between
from graph_service.services.views import GraphView
from graph_service.web.colours import PATH_COLOURS
from graph_service.web.maps.analyses import map_analyses
from graph_service.web.maps.model import (
    Colouring,
    MapPage,
    add_edge,
    add_node,
    edge_tip,
    label,
    member_tip,
    network,
    options,
    subsector_colouring,
)
from graph_service.web.pages import nav_links

__all__ = ["MAX_CONTEXT", "paths_page"]

MAX_CONTEXT = 12
"""How many of each end's other contacts are shown (greyed out) around the paths."""


def paths_page(
    view: GraphView,
    source: str,
    target: str,
    *,
    k: int = 3,
    max_hops: int = 4,
    timeout_s: float = 5.0,
) -> MapPage:
    """The warm paths from ``source`` to ``target`` (most trusted first, one colour each), laid out
    left to right, with a few of both ends' other contacts greyed out for context; on ``view``."""
    answer = paths_between(view, source, target, k=k, max_hops=max_hops, timeout_s=timeout_s)
    data = map_analyses(view)
    G, T, bc, where = data.members, data.ties, data.betweenness.values, data.community_of

    def name(n: str) -> str:
        return str(G.nodes[n].get("name", n))

    page = MapPage(
        kind="paths",
        title=f"Warm paths: {name(source)} → {name(target)}",
        subtitle=answer.message,
        net=network(),
        nav=nav_links(view.viewer.role),
        search=False,
    )
    page.net.options = options(big=False, value_scaling=False)
    longest = max((p.length for p in answer.items), default=1)
    width = 260.0 * max(2, longest)
    pos: dict[str, tuple[float, float]] = {source: (0.0, 0.0), target: (width, 0.0)}
    for r, p in enumerate(answer.items):
        y = (r - (len(answer.items) - 1) / 2) * 150.0
        for j, n in enumerate(p.members[1:-1], start=1):
            if n not in pos:
                pos[n] = (round(width * j / p.length, 1), round(y, 1))
    context: list[str] = []
    for end, x0, direction in ((source, 0.0, -1), (target, width, 1)):
        others = sorted(
            (m for m in T.adj[end] if m not in pos),
            key=lambda m: (-T[end][m].get("weight", 0.0), m),
        )[:MAX_CONTEXT]
        for i, m in enumerate(others):
            angle = math.pi * (i + 1) / (len(others) + 1) - math.pi / 2
            pos[m] = (round(x0 + direction * 190.0 * math.cos(angle), 1), round(190.0 * math.sin(angle), 1))
            context.append(m)
    nodes = list(pos)
    cols = subsector_colouring(G, nodes)
    for n in nodes:
        d = G.nodes[n]
        on_path = n not in context
        size = 26 if n in (source, target) else (18 if on_path else 9)
        colour: Any = cols.colours[n] if on_path else {"background": "#e9ecef", "border": "#adb5bd"}
        opts: dict[str, Any] = {}
        if n in (source, target):
            colour = {"background": cols.colours[n], "border": "#111111"}
            opts = {"borderWidth": 4, "shape": "star" if n == source else "diamond"}
        add_node(
            page.net,
            n,
            label=label(d.get("name", n), 26),
            x=pos[n][0],
            y=pos[n][1],
            size=size,
            color=colour,
            font={"size": 15 if on_path else 11, "color": "#212529" if on_path else "#868e96"},
            **opts,
        )
        page.meta[n] = {
            "n": d.get("name", n),
            "s": d.get("subsector"),
            "k": d.get("kind"),
            "tip": member_tip(G, n, bc=bc, community=where.get(n), degree=T.degree(n)),
        }
        if on_path:
            page.meta[n]["border"] = "#111111" if n in (source, target) else None
        page.links[n] = f"/viz/members/{n}"
    for end in (source, target):
        for m in context:
            if T.has_edge(end, m):
                eid = add_edge(page.net, end, m, width=1, color="rgba(150,150,150,0.35)")
                page.edge_tips[eid] = edge_tip(G, end, m, T[end][m])
    drawn: set[tuple[str, str]] = set()
    for r, p in enumerate(answer.items):
        colour = PATH_COLOURS[r % len(PATH_COLOURS)]
        for h in p.hops:
            key = (min(h.source, h.target), max(h.source, h.target))
            if key in drawn:
                continue
            drawn.add(key)
            eid = add_edge(
                page.net,
                h.source,
                h.target,
                width=3 + 3 * h.weight,
                color=colour,
                label=f"#{r + 1}",
                font={
                    "size": 12,
                    "color": colour,
                    "strokeWidth": 3,
                    "strokeColor": "#ffffff",
                    "align": "top",
                },
            )
            page.edge_tips[eid] = [
                f"Path {r + 1}: {name(h.source)} – {name(h.target)}",
                ["Tie", " + ".join(h.kinds) or "tie"],
                ["Weight", f"{h.weight:.2f}"],
            ]
    legend = [
        (
            f"Path {r + 1}: trust {p.trust:.2f}, {p.length} hops"
            + (f", via {', '.join(x.name for x in p.intermediaries)}" if p.intermediaries else ""),
            PATH_COLOURS[r % len(PATH_COLOURS)],
        )
        for r, p in enumerate(answer.items)
    ]
    legend.append(("other contacts of the two ends", "#e9ecef"))
    page.colourings = {"paths": Colouring("Paths", cols.colours, tuple(legend))}
    page.colouring = "paths"
    page.summary = [
        ("Paths", str(len(answer.items))),
        ("Longest", f"{longest} hops" if answer.items else "-"),
    ]
    if not answer.items:
        page.notes.append(answer.message)
    return page
