"""A member's map (``/viz/members/{id}``): their ties, one or two hops out, the member in the
middle, drawn on the caller's view."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from graph_service.errors import InvalidRequest, NotFound
from graph_service.services.views import GraphView
from graph_service.services.visibility import Viewer
from graph_service.web.colours import subsector_name
from graph_service.web.maps.analyses import brokerage_note, map_analyses
from graph_service.web.maps.layout import spring
from graph_service.web.maps.model import (
    MapPage,
    add_members,
    add_ties,
    community_colouring,
    member_adder,
    network,
    options,
    subsector_colouring,
)
from graph_service.web.maps.overlays import Overlay, apply_overlays
from graph_service.web.pages import nav_links

__all__ = ["MAX_NEIGHBOURHOOD", "member_page"]

MAX_NEIGHBOURHOOD = 400


def _own_links(viewer: Viewer, member_id: str, name: str) -> list[tuple[str, str]]:
    """What a member may do from a card: on their own, their partners; on someone else's, who can
    introduce them to that member (from their own point of view, the only one they have). The
    features reserved to the member shown are not offered to anyone else."""
    if viewer.role != "member" or viewer.member_id is None:
        return []
    if viewer.member_id == member_id:
        return [("My partners", "/me/partners")]
    query = urlencode({"person": name, "chosen": member_id})
    return [(f"Who can introduce me to {name}", f"/me/introduce?{query}")]


def member_page(
    view: GraphView,
    member_id: str,
    *,
    hops: int = 1,
    overlays: Sequence[Overlay] = (),
    max_nodes: int = MAX_NEIGHBOURHOOD,
    links_for: Viewer | None = None,
) -> MapPage:
    """A member's ties, one or two hops out, the member in the middle; drawn on ``view``, so
    members the viewer may not see and unconfirmed ties are not there at all. ``links_for``: who
    is looking, for the links only they may follow (by default the view's own viewer, which a
    shared view names only by role); what the page shows is the view's alone."""
    if hops not in (1, 2):
        raise InvalidRequest("hops", "1 or 2")
    G = view.current().members
    if member_id not in G:
        raise NotFound("member", member_id)
    data = map_analyses(view)
    T = data.ties
    dist = {member_id: 0}
    frontier = [member_id]
    for level in (1, 2)[:hops]:
        nxt = []
        for n in frontier:
            for m in sorted(T.adj[n]):
                if m in dist:
                    continue
                dist[m] = level
                nxt.append(m)
        frontier = nxt
    nodes = list(dist)
    notes = []
    if len(nodes) > max_nodes:
        first = [n for n in nodes if dist[n] <= 1]
        ring = set(first)

        def ties_to_ring(n: str) -> tuple[int, str]:
            return -sum(1 for m in T.adj[n] if m in ring), n

        second = sorted((n for n in nodes if dist[n] == 2), key=ties_to_ring)
        nodes = first + second[: max(0, max_nodes - len(first))]
        notes.append(
            f"Showing {len(nodes)} of {len(dist)} members within {hops} hops "
            "(second-hop members with the most ties to the first ring)."
        )
    pos = spring(T, sorted(nodes), centre=member_id, spacing=75.0)
    name = G.nodes[member_id].get("name", member_id)
    page = MapPage(
        kind="member",
        title=name,
        subtitle=f"{member_id} · ties within {hops} hop{'s' if hops > 1 else ''}",
        net=network(),
        nav=nav_links(view.viewer.role),
        notes=notes,
    )
    page.net.options = options(big=False, label_min=11, label_max=22, draw_threshold=5)
    cols = {
        "subsector": subsector_colouring(G, nodes),
        "community": community_colouring(data.communities, nodes, data.community_of),
    }
    page.colourings = cols
    add_members(page, data, sorted(nodes), pos, colour=cols["subsector"].colours)
    add_ties(page, data, nodes)
    centre = page.net.node_map[member_id]
    biggest = max((float(n.get("value", 0.0)) for n in page.net.nodes), default=1.0)
    centre.update(
        borderWidth=4,
        color={"background": centre["color"], "border": "#111111"},
        shape="star",
        value=max(biggest, 1e-3),
    )  # at least as large as anyone around
    page.meta[member_id]["border"] = "#111111"
    page.meta[member_id]["centre"] = True
    for n in nodes:
        if n != member_id:
            page.links[n] = f"/viz/members/{n}?hops={hops}"
    page.links.pop(member_id, None)
    page.size_note = brokerage_note(data, "brokerage in the whole cluster (betweenness)")
    node = G.nodes[member_id]
    page.summary = [
        ("Kind", str(node.get("kind", "")).replace("-", " ")),
        ("Subsectors", ", ".join(subsector_name(x) for x in node.get("subsectors", ()))),
        ("Members shown", str(len(nodes))),
        ("Direct ties", str(sum(1 for d in dist.values() if d == 1))),
    ]
    page.nav = nav_links(view.viewer.role) + [
        ("1 hop", f"/viz/members/{member_id}?hops=1"),
        ("2 hops", f"/viz/members/{member_id}?hops=2"),
        *_own_links(links_for or view.viewer, member_id, name),
    ]
    if overlays:
        apply_overlays(
            page,
            G,
            overlays,
            node_of=lambda n: n if n in G else None,
            add_missing=member_adder(page, data, cols["subsector"]),
        )
    return page
