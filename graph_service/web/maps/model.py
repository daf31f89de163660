"""The page model of every map (:class:`MapPage`, :class:`Colouring`) and the builders that add
nodes and edges to it: members with their tooltips, ties, the colourings by subsector and by
community."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx

from graph_service.analytics import Community, edge_kinds
from graph_service.domain import SUBSECTOR_IDS
from graph_service.web.colours import (
    COMMUNITY_PALETTE,
    EDGE_COLOUR,
    HIGHLIGHT,
    NO_TIES_COLOUR,
    OTHER_COLOUR,
    subsector_colour,
    subsector_name,
)
from graph_service.web.maps.analyses import MapAnalyses

__all__ = [
    "Colouring",
    "MapKind",
    "MapPage",
    "add_edge",
    "add_members",
    "add_node",
    "add_ties",
    "community_colouring",
    "edge_tip",
    "label",
    "member_adder",
    "member_tip",
    "network",
    "options",
    "subsector_colouring",
]

MapKind = Literal["ecosystem", "aggregate", "member", "subsectors", "paths"]


@dataclass(frozen=True, slots=True)
class Colouring:
    """One way to colour the nodes: a colour per node id and the legend that explains it."""

    label: str
    colours: dict[str, str]
    legend: tuple[tuple[str, str], ...]


@dataclass
class MapPage:
    """Everything a map page shows. ``net`` holds the vis-network nodes, edges and options."""

    kind: MapKind
    title: str
    subtitle: str
    net: Any  # a pyvis.network.Network (pyvis ships no type hints)
    meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    edge_tips: dict[str, list[Any]] = field(default_factory=dict)
    colourings: dict[str, Colouring] = field(default_factory=dict)
    colouring: str = "subsector"
    legend_extra: list[dict[str, Any]] = field(default_factory=list)
    filters: bool = False
    search: bool = True
    notes: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    nav: list[tuple[str, str]] = field(default_factory=list)
    size_note: str = ""
    summary: list[tuple[str, str]] = field(default_factory=list)

    @property
    def node_count(self) -> int:
        return len(self.net.nodes)

    @property
    def edge_count(self) -> int:
        return len(self.net.edges)

    def payload(self, *, served: bool) -> dict[str, Any]:
        """The JSON the page script reads."""
        nodes, edges, _heading, _h, _w, net_options = self.net.get_network_data()
        subsectors_present = sorted(
            {str(m["s"]) for m in self.meta.values() if m.get("s")},
            key=lambda s: SUBSECTOR_IDS.index(s) if s in SUBSECTOR_IDS else 99,
        )
        kinds_present = sorted({str(m["k"]) for m in self.meta.values() if m.get("k")})
        return {
            "kind": self.kind,
            "nodes": nodes,
            "edges": edges,
            "options": json.loads(net_options),
            "meta": self.meta,
            "edge_tips": self.edge_tips,
            "colourings": {
                k: {"label": c.label, "colours": c.colours, "legend": [list(x) for x in c.legend]}
                for k, c in self.colourings.items()
            },
            "colouring": self.colouring,
            "legend_extra": self.legend_extra,
            "filters": {
                "subsectors": [[s, subsector_name(s), subsector_colour(s)] for s in subsectors_present],
                "kinds": kinds_present,
            }
            if self.filters
            else None,
            "search": self.search,
            "links": self.links if served else {},
            "size_note": self.size_note,
        }


# -- the vis-network data --------------------------------------------------------------------------


def network() -> Any:
    """An empty pyvis ``Network`` (typed Any: pyvis ships no type hints)."""
    from pyvis.network import Network

    return Network(height="100%", width="100%", directed=False, bgcolor="#ffffff", cdn_resources="in_line")


def options(
    *,
    big: bool,
    value_scaling: bool = True,
    label_min: int = 10,
    label_max: int = 26,
    draw_threshold: int = 7,
) -> dict[str, Any]:
    """The vis-network options of a map (positions come from the server: physics off)."""
    opts: dict[str, Any] = {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 42},
        "nodes": {
            "shape": "dot",
            "borderWidth": 1,
            "font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
        },
        "edges": {
            "smooth": False,
            "color": {"color": EDGE_COLOUR, "highlight": HIGHLIGHT, "hover": "#555555", "inherit": False},
            "selectionWidth": 2,
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "navigationButtons": False,
            "keyboard": False,
            "multiselect": True,
        },
    }
    if value_scaling:
        opts["nodes"]["scaling"] = {
            "min": 6,
            "max": 42,
            "label": {
                "enabled": True,
                "min": label_min,
                "max": label_max,
                "drawThreshold": draw_threshold,
                "maxVisible": 40,
            },
        }
    return opts


def label(name: str, limit: int = 32) -> str:
    """A node label: whitespace collapsed, cut to ``limit`` characters."""
    name = " ".join(name.split())
    return name if len(name) <= limit else name[: limit - 1] + "…"


def add_edge(net: Any, a: str, b: str, **opts: Any) -> str:
    """Append an edge. ``Network.add_edge`` scans every edge for duplicates (quadratic): the
    graphs handed here are simple already, so the same record is appended directly."""
    from pyvis.edge import Edge

    eid = opts.pop("id", None) or f"e{len(net.edges)}"
    e = Edge(a, b, False, **opts).options
    e["id"] = eid
    net.edges.append(e)
    return str(eid)


def add_node(net: Any, ident: str, **opts: Any) -> None:
    """Append a node (``Network.add_node`` checks ids against a list: quadratic at scale)."""
    from pyvis.node import Node

    node = Node(ident, opts.pop("shape", "dot"), label=opts.pop("label", ident), **opts).options
    net.nodes.append(node)
    net.node_ids.append(ident)
    net.node_map[ident] = node


# -- colourings ------------------------------------------------------------------------------------


def community_colouring(
    communities: Sequence[Community], nodes: Iterable[str], where: Mapping[str, str]
) -> Colouring:
    """Colour ``nodes`` by Leiden community (``where``: member -> community id)."""
    nodes = list(nodes)
    present = {where.get(n) for n in nodes}
    colour_of: dict[str, str] = {}
    legend: list[tuple[str, str]] = []
    multi = [c for c in communities if c.size > 1]
    smaller = 0
    for i, c in enumerate(multi):
        colour = COMMUNITY_PALETTE[i] if i < len(COMMUNITY_PALETTE) else OTHER_COLOUR
        colour_of[c.id] = colour
        if c.id not in present:
            continue
        if i < len(COMMUNITY_PALETTE):
            top = next(iter(c.subsector_mix), None)
            legend.append((f"{c.id} · {c.size} members · mostly {subsector_name(top)}", colour))
        else:
            smaller += 1
    if smaller:
        legend.append((f"{smaller} smaller communities", OTHER_COLOUR))
    colours = {n: colour_of.get(where.get(n, ""), NO_TIES_COLOUR) for n in nodes}
    if any(c == NO_TIES_COLOUR for c in colours.values()):
        legend.append(("no ties (a community of one)", NO_TIES_COLOUR))
    return Colouring("Community (Leiden)", colours, tuple(legend))


def subsector_colouring(G: nx.Graph[str], nodes: Iterable[str]) -> Colouring:
    """Colour ``nodes`` by primary subsector."""
    nodes = list(nodes)
    present = {G.nodes[n].get("subsector") for n in nodes}
    legend = tuple((subsector_name(s), subsector_colour(s)) for s in SUBSECTOR_IDS if s in present)
    return Colouring(
        "Primary subsector", {n: subsector_colour(G.nodes[n].get("subsector")) for n in nodes}, legend
    )


# -- members and ties ------------------------------------------------------------------------------


def member_tip(
    G: nx.Graph[str], n: str, *, bc: Mapping[str, float] | None, community: str | None, degree: int
) -> list[Any]:
    """A member's tooltip: a title, then ``[label, value]`` lines."""
    d = G.nodes[n]
    subs = d.get("subsectors") or ((d.get("subsector"),) if d.get("subsector") else ())
    lines: list[Any] = [
        d.get("name", n),
        ["Id", n],
        ["Subsector", ", ".join(subsector_name(s) for s in subs)],
    ]
    if d.get("kind"):
        lines.append(["Kind", d["kind"]])
    if community:
        lines.append(["Community", community])
    lines.append(["Ties", str(degree)])
    if bc is not None:
        lines.append(["Brokerage (betweenness)", f"{bc.get(n, 0.0):.4f}"])
    if d.get("joined"):
        lines.append(["Joined", d["joined"]])
    return lines


def edge_tip(G: nx.Graph[str], a: str, b: str, data: Mapping[str, Any]) -> list[Any]:
    """A tie's tooltip: its kinds, weight, date and whether it is confirmed."""

    def name(n: str) -> str:
        return str(G.nodes[n].get("name", n))

    kinds = [k for k in edge_kinds(dict(data)) if k != "co-attended"]
    lines: list[Any] = [
        f"{name(a)} – {name(b)}",
        ["Tie", " + ".join(kinds) or "contact"],
        ["Weight", f"{data.get('weight', 0.0):.2f}"],
    ]
    if data.get("since"):
        lines.append(["Since", data["since"]])
    if not data.get("confirmed", True):
        lines.append(["Status", "not confirmed yet"])
    return lines


def _edge_width(weight: float) -> float:
    return round(0.6 + 2.4 * max(0.0, min(1.0, weight)), 2)


def add_members(
    page: MapPage,
    data: MapAnalyses,
    nodes: Sequence[str],
    pos: Mapping[str, tuple[float, float]],
    *,
    colour: Mapping[str, str],
    links: bool = True,
) -> None:
    """Add ``nodes`` (members) at ``pos``, sized by brokerage, with their tooltips and links."""
    G, T, bc, where = data.members, data.ties, data.betweenness.values, data.community_of
    for n in nodes:
        d = G.nodes[n]
        x, y = pos[n]
        value = round(1000 * bc.get(n, 0.0), 3)
        add_node(page.net, n, label=label(d.get("name", n)), x=x, y=y, value=value, color=colour[n])
        page.meta[n] = {
            "n": d.get("name", n),
            "s": d.get("subsector"),
            "k": d.get("kind"),
            "c": where.get(n),
            "tip": member_tip(G, n, bc=bc, community=where.get(n), degree=T.degree(n) if n in T else 0),
        }
        if links:
            page.links[n] = f"/viz/members/{n}"


def add_ties(page: MapPage, data: MapAnalyses, nodes: Iterable[str], *, tips: bool = True) -> None:
    """Add the ties between ``nodes`` (each once), as wide as their weight."""
    G, T = data.members, data.ties
    keep = set(nodes)
    for u, v, d in T.edges(sorted(keep), data=True):  # each edge once
        if u in keep and v in keep:
            if u > v:
                u, v = v, u
            eid = add_edge(page.net, u, v, width=_edge_width(d.get("weight", 0.5)))  # colour: the options
            if tips:
                page.edge_tips[eid] = edge_tip(G, u, v, d)


def member_adder(page: MapPage, data: MapAnalyses, colouring: Colouring) -> Callable[[str], bool]:
    """Add a member that an overlay needs next to the nodes already placed."""
    G = data.members

    def add(n: str) -> bool:
        if n not in G:
            return False
        xs = [float(x["x"]) for x in page.net.nodes] or [0.0]
        ys = [float(x["y"]) for x in page.net.nodes] or [0.0]
        extra = sum(1 for m in page.meta.values() if m.get("extra"))
        pos = {n: (max(xs) + 80.0, min(ys) + 60.0 * extra)}
        colour = dict(colouring.colours)
        colour.setdefault(n, subsector_colour(G.nodes[n].get("subsector")))
        add_members(page, data, [n], pos, colour=colour)
        page.meta[n]["extra"] = True
        for c in page.colourings.values():
            c.colours.setdefault(
                n, colour[n] if c is colouring else subsector_colour(G.nodes[n].get("subsector"))
            )
        return True

    return add
