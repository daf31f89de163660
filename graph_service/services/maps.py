"""Interactive who-knows-whom maps: page data built with pyvis, rendered offline with vis-network.

Every map is a :class:`MapPage`: a pyvis :class:`~pyvis.network.Network` (the vis-network nodes,
edges and options) plus what the page script needs around it (per-node details for tooltips and
the side panel, colourings, legend, filters, drill-down links). :func:`render_map` turns it into
HTML with the project's own Jinja2 template (``viz/templates/map.html.j2``), never pyvis's,
which loads vis-network and Bootstrap from CDNs.

Offline and safe:

* Served pages load vis-network (the copy the pyvis package ships) and the page script from
  ``/viz/assets/...`` on the same origin; standalone files (``inline=True``, for the CLI) carry
  them inline with a per-file nonce. No page references another host.
* User text (names, descriptions...) only reaches the page as JSON data, embedded with ``<``,
  ``>`` and ``&`` escaped (:func:`json_for_html`); the page script builds tooltips and panels
  with ``textContent``, and vis-network draws labels on the canvas.
* :data:`CSP` is sent with every served page; standalone files carry an equivalent
  ``<meta http-equiv="Content-Security-Policy">`` with a nonce.

Layouts are computed here, seeded, and the browser only draws them (``physics: false``): the
members of each Louvain community are laid out with a spring layout, and the communities are
placed by a spring layout of the graph of communities, then pushed apart so they do not overlap
(:func:`community_layout`). Above ``viz_aggregate_threshold`` members the ecosystem map shows
communities (or subsectors) as single nodes; clicking one opens its members.

Overlays are "extra nodes and edges with a style" (:class:`Overlay`): proposed introductions
are dashed edges (:func:`proposed_ties_overlay`); any other overlay (a proposed team...) is
built the same way and passed to the page builders.
"""

from __future__ import annotations

import json
import math
import re
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import networkx as nx
from markupsafe import Markup

from graph_service.analytics import Community, edge_kinds, ties_graph
from graph_service.domain import SUBSECTOR_BY_ID, SUBSECTOR_IDS
from graph_service.errors import InvalidRequest, NotFound
from graph_service.services import analyses
from graph_service.services.recommendations import paths_between
from graph_service.services.views import GraphView, Projection
from graph_service.services.visibility import Role
from graph_service.settings import PROJECT_ROOT

__all__ = [
    "CSP",
    "SECURITY_HEADERS",
    "SUBSECTOR_COLOURS",
    "VIZ_DIR",
    "MapPage",
    "Overlay",
    "asset",
    "community_layout",
    "ecosystem_html",
    "ecosystem_page",
    "json_for_html",
    "member_page",
    "nav_links",
    "parse_pairs",
    "paths_page",
    "proposed_ties_overlay",
    "render_map",
    "render_template",
    "standalone_csp",
    "subsectors_page",
]

# -- files -----------------------------------------------------------------------------------------


def _find_viz_dir() -> Path:
    here = Path(__file__).resolve().parent.parent  # graph_service/
    for candidate in (PROJECT_ROOT / "viz", here / "_viz"):  # checkout, then an installed wheel
        if (candidate / "templates").is_dir():
            return candidate
    return PROJECT_ROOT / "viz"


VIZ_DIR = _find_viz_dir()
TEMPLATES_DIR = VIZ_DIR / "templates"
STATIC_DIR = VIZ_DIR / "static"


def _vis_dir() -> Path:
    """The vis-network build the installed pyvis package ships (highest version)."""
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "lib"
    found = sorted(
        lib.glob("vis-*/vis-network.min.js"),
        key=lambda p: tuple(int(x) for x in re.findall(r"\d+", p.parent.name)),
    )
    if not found:  # pragma: no cover - a broken pyvis install
        raise RuntimeError(f"vis-network not found under {lib}")
    return found[-1].parent


# The only files /viz/assets/ serves: name -> (path, media type).
ASSETS: dict[str, tuple[Callable[[], Path], str]] = {
    "vis-network.min.js": (lambda: _vis_dir() / "vis-network.min.js", "text/javascript; charset=utf-8"),
    "vis-network.css": (lambda: _vis_dir() / "vis-network.css", "text/css; charset=utf-8"),
    "map.js": (lambda: STATIC_DIR / "map.js", "text/javascript; charset=utf-8"),
    "explore.js": (lambda: STATIC_DIR / "explore.js", "text/javascript; charset=utf-8"),
    "site.css": (lambda: STATIC_DIR / "site.css", "text/css; charset=utf-8"),
}


def asset(name: str) -> tuple[Path, str] | None:
    """The file and media type of a page asset, or None for any other name."""
    entry = ASSETS.get(name)
    if entry is None:
        return None
    return entry[0](), entry[1]


@lru_cache(maxsize=16)
def _asset_text(name: str) -> str:
    text = ASSETS[name][0]().read_text(encoding="utf-8")
    # Inline copies must not be able to close their own element.
    if re.search(r"</(script|style)", text, re.IGNORECASE):  # pragma: no cover - checked for 9.1.2
        raise RuntimeError(f"{name} cannot be inlined safely")
    return text


# -- security --------------------------------------------------------------------------------------

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
"""The Content-Security-Policy of every served page: nothing from another host, no inline script."""

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def standalone_csp(nonce: str) -> str:
    """The policy of a standalone file: only its own nonce'd inline scripts, nothing fetched."""
    return (
        f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; "
        "base-uri 'none'; form-action 'none'"
    )


def json_for_html(value: Any) -> Markup:
    """JSON safe to place inside an HTML ``<script type="application/json">`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e`` and ``\\u0026`` (still the same JSON
    strings), so no value can close the element or open a comment.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


@lru_cache(maxsize=1)
def _jinja():  # type: ignore[no-untyped-def]
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def render_template(name: str, *, inline: bool, **context: Any) -> str:
    """Render one of ``viz/templates`` with the assets linked (served) or inlined (standalone)."""
    nonce = secrets.token_urlsafe(16)
    assets = {
        "vis_js": Markup(_asset_text("vis-network.min.js")) if inline else None,
        "vis_css": Markup(_asset_text("vis-network.css")) if inline else None,
        "map_js": Markup(_asset_text("map.js")) if inline else None,
        "site_css": Markup(_asset_text("site.css")) if inline else None,
    }
    return (
        _jinja()
        .get_template(name)
        .render(
            inline=inline,
            nonce=nonce,
            csp=standalone_csp(nonce),
            assets=assets,
            **context,
        )
    )


# -- colours ---------------------------------------------------------------------------------------

SUBSECTOR_COLOURS: dict[str, str] = {
    "architecture": "#4e79a7",
    "crafts-manufacturing": "#f28e2b",
    "visual-arts": "#e15759",
    "film-audiovisual": "#76b7b2",
    "design": "#59a14f",
    "fashion-design": "#edc948",
    "gaming": "#b07aa1",
    "marketing-communication": "#ff9da7",
    "literature": "#9c755f",
    "digital-media-publishing": "#17becf",
    "performing-arts": "#bcbd22",
    "music": "#7f3c8d",
}
_COMMUNITY_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#aec7e8",
    "#ffbb78",
    "#98df8a",
    "#ff9896",
    "#c5b0d5",
    "#c49c94",
    "#f7b6d2",
    "#dbdb8d",
    "#9edae5",
    "#393b79",
)
OTHER_COLOUR = "#b8b8b8"
NO_TIES_COLOUR = "#dddddd"
EDGE_COLOUR = "rgba(110,110,110,0.28)"
HIGHLIGHT = "#d6336c"
PATH_COLOURS = (
    "#d6336c",
    "#1c7ed6",
    "#2b8a3e",
    "#e8590c",
    "#7048e8",
    "#0c8599",
    "#5c940d",
    "#c2255c",
    "#364fc7",
    "#a61e4d",
)
PROPOSED_COLOUR = "#e8590c"


def subsector_name(sid: str | None) -> str:
    if sid is None:
        return "none"
    s = SUBSECTOR_BY_ID.get(sid)
    return s.name if s else sid


def _subsector_colour(sid: str | None) -> str:
    return SUBSECTOR_COLOURS.get(sid or "", OTHER_COLOUR)


# -- overlays --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Overlay:
    """Extra nodes and edges drawn over a map in one style, with a legend entry.

    ``nodes`` are highlighted (and added to the map when missing); ``edges`` are drawn with
    ``edge_style`` (vis-network edge options, e.g. ``{"dashes": True}``). Ids must be nodes
    of the projection; the page builders add missing ones.
    """

    name: str
    edges: tuple[tuple[str, str], ...] = ()
    nodes: tuple[str, ...] = ()
    edge_style: Mapping[str, Any] = field(
        default_factory=lambda: {"dashes": True, "color": PROPOSED_COLOUR, "width": 3}
    )
    node_border: str = PROPOSED_COLOUR
    edge_note: str = ""


def proposed_ties_overlay(
    pairs: Iterable[tuple[str, str]], *, name: str = "Proposed introduction", colour: str = PROPOSED_COLOUR
) -> Overlay:
    """Proposed ties (introductions not made yet) as dashed edges."""
    edges = tuple((a, b) for a, b in pairs)
    return Overlay(
        name=name,
        edges=edges,
        edge_style={"dashes": [8, 6], "color": colour, "width": 3},
        node_border=colour,
        edge_note="proposed, not a tie yet",
    )


TEAM_COLOUR = "#7c3aed"
MAX_TEAM = 20


def team_overlay(members: Iterable[str], *, name: str = "Proposed team", colour: str = TEAM_COLOUR) -> Overlay:
    """A proposed team: its members highlighted and linked to each other by dotted edges."""
    people = tuple(dict.fromkeys(members))
    edges = tuple((a, b) for i, a in enumerate(people) for b in people[i + 1:])
    return Overlay(
        name=name,
        edges=edges,
        nodes=people,
        edge_style={"dashes": [2, 4], "color": colour, "width": 2},
        node_border=colour,
        edge_note="in the proposed team",
    )


_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MAX_PROPOSED = 200


def parse_members(text: str | None, known: Callable[[str], bool], *, field_name: str = "team",
                  limit: int = MAX_TEAM) -> list[str]:
    """Parse ``m-001,m-002`` into member ids; each well-formed and ``known``.

    Raises :class:`InvalidRequest` (HTTP 422) naming the first problem.
    """
    if text is None or not text.strip():
        return []
    ids = list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    if len(ids) > limit:
        raise InvalidRequest(field_name, f"at most {limit} members")
    for ident in ids:
        if not _ID.match(ident):
            raise InvalidRequest(field_name, f"'{ident[:80]}' is not a member id like m-001")
        if not known(ident):
            raise InvalidRequest(field_name, f"unknown member '{ident}'")
    return ids


def parse_pairs(
    text: str | None, known: Callable[[str], bool], *, field_name: str = "proposed", limit: int = MAX_PROPOSED
) -> list[tuple[str, str]]:
    """Parse ``a:b,c:d`` into id pairs; every id well-formed and ``known``, no self-pair.

    Raises :class:`InvalidRequest` (HTTP 422) naming the first problem.
    """
    if text is None or not text.strip():
        return []
    pairs: list[tuple[str, str]] = []
    seen: set[frozenset[str]] = set()
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        parts = item.split(":")
        if len(parts) != 2 or not all(_ID.match(p) for p in parts):
            raise InvalidRequest(field_name, f"'{item[:80]}' is not a pair of member ids like m-001:m-002")
        a, b = parts
        if a == b:
            raise InvalidRequest(field_name, f"'{item}' pairs a member with itself")
        for ident in (a, b):
            if not known(ident):
                raise InvalidRequest(field_name, f"unknown member '{ident}'")
        key = frozenset((a, b))
        if key not in seen:
            seen.add(key)
            pairs.append((a, b))
        if len(pairs) > limit:
            raise InvalidRequest(field_name, f"at most {limit} pairs")
    return pairs


# -- the page model --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Colouring:
    """One way to colour the nodes: a colour per node id and the legend that explains it."""

    label: str
    colours: dict[str, str]
    legend: tuple[tuple[str, str], ...]


@dataclass
class MapPage:
    """Everything a map page shows. ``net`` holds the vis-network nodes, edges and options."""

    kind: Literal["ecosystem", "aggregate", "member", "subsectors", "paths"]
    title: str
    subtitle: str
    net: Any  # pyvis.network.Network
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
        nodes, edges, _heading, _h, _w, options = self.net.get_network_data()
        subsectors_present = sorted(
            {m.get("s") for m in self.meta.values() if m.get("s")},
            key=lambda s: SUBSECTOR_IDS.index(s) if s in SUBSECTOR_IDS else 99,
        )
        kinds_present = sorted({m.get("k") for m in self.meta.values() if m.get("k")})
        return {
            "kind": self.kind,
            "nodes": nodes,
            "edges": edges,
            "options": json.loads(options),
            "meta": self.meta,
            "edge_tips": self.edge_tips,
            "colourings": {
                k: {"label": c.label, "colours": c.colours, "legend": [list(x) for x in c.legend]}
                for k, c in self.colourings.items()
            },
            "colouring": self.colouring,
            "legend_extra": self.legend_extra,
            "filters": {
                "subsectors": [[s, subsector_name(s), _subsector_colour(s)] for s in subsectors_present],
                "kinds": kinds_present,
            }
            if self.filters
            else None,
            "search": self.search,
            "links": self.links if served else {},
            "size_note": self.size_note,
        }


def _network():  # type: ignore[no-untyped-def]
    from pyvis.network import Network

    return Network(height="100%", width="100%", directed=False, bgcolor="#ffffff", cdn_resources="in_line")


def _options(
    *,
    big: bool,
    value_scaling: bool = True,
    label_min: int = 10,
    label_max: int = 26,
    draw_threshold: int = 7,
) -> dict[str, Any]:
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


def _label(name: str, limit: int = 32) -> str:
    name = " ".join(name.split())
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _add_edge(net: Any, a: str, b: str, **opts: Any) -> str:
    """Append an edge. ``Network.add_edge`` scans every edge for duplicates (quadratic): the
    graphs handed here are simple already, so the same record is appended directly."""
    from pyvis.edge import Edge

    eid = opts.pop("id", None) or f"e{len(net.edges)}"
    e = Edge(a, b, False, **opts).options
    e["id"] = eid
    net.edges.append(e)
    return eid


def _add_node(net: Any, ident: str, **opts: Any) -> None:
    """Append a node (``Network.add_node`` checks ids against a list: quadratic at scale)."""
    from pyvis.node import Node

    node = Node(ident, opts.pop("shape", "dot"), label=opts.pop("label", ident), **opts).options
    net.nodes.append(node)
    net.node_ids.append(ident)
    net.node_map[ident] = node


# -- analyses the maps need, memoised per graph version -------------------------------------------

EXACT_BETWEENNESS_MAX = 1_000
BETWEENNESS_SAMPLE = 250


def _ties(view: GraphView) -> nx.Graph:
    return view.memo(("viz", "ties"), lambda p: ties_graph(p.members))


def _betweenness(view: GraphView) -> tuple[dict[str, float], int | None]:
    """Betweenness of every member on the ties graph (unweighted, normalised, like brokerage):
    exact up to :data:`EXACT_BETWEENNESS_MAX` members, else from a seeded sample of sources."""

    def compute(p: Projection) -> tuple[dict[str, float], int | None]:
        T = _ties(view)
        n = T.number_of_nodes()
        k = BETWEENNESS_SAMPLE if n > EXACT_BETWEENNESS_MAX else None
        bc = nx.betweenness_centrality(T, k=k, normalized=True, weight=None, seed=42 if k else None)
        return bc, k

    return view.memo(("viz", "betweenness"), compute)


def _communities(view: GraphView) -> tuple[tuple[Community, ...], dict[str, str]]:
    report = analyses.communities(view)
    where = {n: c.id for c in report.communities for n in c.members}
    return report.communities, where


def _community_colouring(
    communities: Sequence[Community], nodes: Iterable[str], where: Mapping[str, str]
) -> Colouring:
    nodes = list(nodes)
    present = {where.get(n) for n in nodes}
    colour_of: dict[str, str] = {}
    legend: list[tuple[str, str]] = []
    multi = [c for c in communities if c.size > 1]
    smaller = 0
    for i, c in enumerate(multi):
        colour = _COMMUNITY_PALETTE[i] if i < len(_COMMUNITY_PALETTE) else OTHER_COLOUR
        colour_of[c.id] = colour
        if c.id not in present:
            continue
        if i < len(_COMMUNITY_PALETTE):
            top = next(iter(c.subsector_mix), None)
            legend.append((f"{c.id} · {c.size} members · mostly {subsector_name(top)}", colour))
        else:
            smaller += 1
    if smaller:
        legend.append((f"{smaller} smaller communities", OTHER_COLOUR))
    colours = {n: colour_of.get(where.get(n, ""), NO_TIES_COLOUR) for n in nodes}
    if any(c == NO_TIES_COLOUR for c in colours.values()):
        legend.append(("no ties (a community of one)", NO_TIES_COLOUR))
    return Colouring("Community (Louvain)", colours, tuple(legend))


def _subsector_colouring(G: nx.Graph, nodes: Iterable[str]) -> Colouring:
    nodes = list(nodes)
    present = {G.nodes[n].get("subsector") for n in nodes}
    legend = tuple((subsector_name(s), _subsector_colour(s)) for s in SUBSECTOR_IDS if s in present)
    return Colouring(
        "Primary subsector", {n: _subsector_colour(G.nodes[n].get("subsector")) for n in nodes}, legend
    )


# -- layouts ---------------------------------------------------------------------------------------


def community_layout(
    T: nx.Graph, groups: Sequence[Sequence[str]], *, seed: int = 42, spacing: float = 28.0
) -> dict[str, tuple[float, float]]:
    """Positions (pixels) for the nodes of ``groups``: each group laid out on its own, groups
    placed by the ties between them and pushed apart until they do not overlap.

    ``groups`` partition the nodes to place (e.g. Louvain communities); one-member groups (no
    ties) go on a grid under the rest. Deterministic for a given ``seed`` and group order.
    Cost: a spring layout per group plus one of the graph of groups, so it stays well under a
    second at 2,000 members where a spring layout of the whole graph takes ~10 s.
    """
    import numpy as np

    multi = [list(g) for g in groups if len(g) > 1]
    singles = sorted(g[0] for g in groups if len(g) == 1)
    local: list[dict[str, Any]] = []
    radius: list[float] = []
    for g in multi:
        if len(g) == 2:
            p = {g[0]: np.array([-0.5, 0.0]), g[1]: np.array([0.5, 0.0])}
        else:
            sub = T.subgraph(g)
            p = nx.spring_layout(sub, seed=seed, iterations=60 if len(g) <= 300 else 30)
        local.append(p)
        radius.append(spacing * math.sqrt(len(g)) * 1.1)

    pos: dict[str, Any] = {}
    if multi:
        index = {n: i for i, g in enumerate(multi) for n in g}
        Q = nx.Graph()
        Q.add_nodes_from(range(len(multi)))
        for u, v in T.edges():
            a, b = index.get(u), index.get(v)
            if a is None or b is None or a == b:
                continue
            w = Q[a][b]["weight"] + 1 if Q.has_edge(a, b) else 1
            Q.add_edge(a, b, weight=w)
        R = np.array(radius)
        if len(multi) == 1:
            centres = np.zeros((1, 2))
        else:
            qp = nx.spring_layout(Q, seed=seed, weight="weight", iterations=100)
            centres = np.array([qp[i] for i in range(len(multi))], dtype=float) * (R.sum() / 2)
            centres = separate(centres, R, gap=spacing)
        for i, g in enumerate(multi):
            for n, xy in local[i].items():
                pos[n] = centres[i] + np.asarray(xy, dtype=float) * radius[i]
    if singles:
        xs = [p[0] for p in pos.values()] or [0.0]
        ys = [p[1] for p in pos.values()] or [0.0]
        step = spacing * 1.5
        per_row = max(8, int((max(xs) - min(xs)) // step) + 1)
        top = max(ys) + 3 * spacing
        for k, n in enumerate(singles):
            pos[n] = (min(xs) + (k % per_row) * step, top + (k // per_row) * step)
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in pos.items()}


def separate(centres: Any, radii: Any, *, gap: float, rounds: int = 400) -> Any:
    """Push apart circles (numpy arrays of centres and radii) until no two overlap (or ``rounds``)."""
    import numpy as np

    centres = np.array(centres, dtype=float)
    R = np.asarray(radii, dtype=float)
    for _ in range(rounds):
        moved = False
        for i in range(len(centres)):
            d = centres - centres[i]
            dist = np.hypot(d[:, 0], d[:, 1])
            need = R + R[i] + gap
            over = dist < need
            over[i] = False
            for j in np.nonzero(over)[0]:
                moved = True
                unit = d[j] / dist[j] if dist[j] > 1e-9 else np.array([math.cos(j), math.sin(j)])
                push = (need[j] - dist[j]) / 2
                centres[j] += unit * push
                centres[i] -= unit * push
        if not moved:
            break
    return centres


def _spring(
    T: nx.Graph, nodes: Sequence[str], *, centre: str | None = None, seed: int = 42, spacing: float = 34.0
) -> dict[str, tuple[float, float]]:
    """A seeded spring layout of a small subgraph, in pixels, ``centre`` pinned at the origin."""
    sub = T.subgraph(nodes)
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    kwargs: dict[str, Any] = {}
    if centre is not None:
        kwargs = {"pos": {centre: (0.0, 0.0)}, "fixed": [centre]}
    p = nx.spring_layout(sub, seed=seed, iterations=80, **kwargs)
    if centre is not None:  # spring_layout does not rescale when a node is fixed
        import numpy as np

        far = max((float(np.hypot(*xy)) for xy in p.values()), default=1.0) or 1.0
        p = {n: np.asarray(xy) / far for n, xy in p.items()}
    scale = spacing * math.sqrt(len(nodes)) * 1.2
    return {n: (round(float(x) * scale, 1), round(float(y) * scale, 1)) for n, (x, y) in p.items()}


# -- shared node/edge builders ---------------------------------------------------------------------


def _member_tip(
    G: nx.Graph, n: str, *, bc: Mapping[str, float] | None, community: str | None, degree: int
) -> list[Any]:
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


def _edge_tip(G: nx.Graph, a: str, b: str, data: Mapping[str, Any]) -> list[Any]:
    name = lambda n: G.nodes[n].get("name", n)
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


def _add_members(
    page: MapPage,
    G: nx.Graph,
    T: nx.Graph,
    nodes: Sequence[str],
    pos: Mapping[str, tuple[float, float]],
    *,
    bc: Mapping[str, float] | None,
    where: Mapping[str, str],
    colour: Mapping[str, str],
    links: bool = True,
) -> None:
    for n in nodes:
        d = G.nodes[n]
        x, y = pos[n]
        value = round(1000 * (bc or {}).get(n, 0.0), 3) if bc is not None else 1.0
        _add_node(page.net, n, label=_label(d.get("name", n)), x=x, y=y, value=value, color=colour[n])
        page.meta[n] = {
            "n": d.get("name", n),
            "s": d.get("subsector"),
            "k": d.get("kind"),
            "c": where.get(n),
            "tip": _member_tip(G, n, bc=bc, community=where.get(n), degree=T.degree(n) if n in T else 0),
        }
        if links:
            page.links[n] = f"/viz/members/{n}"


def _add_ties(page: MapPage, G: nx.Graph, T: nx.Graph, nodes: Iterable[str], *, tips: bool = True) -> None:
    keep = set(nodes)
    for u, v, d in T.edges(sorted(keep), data=True):  # each edge once
        if u in keep and v in keep:
            if u > v:
                u, v = v, u
            eid = _add_edge(page.net, u, v, width=_edge_width(d.get("weight", 0.5)))  # colour: the options
            if tips:
                page.edge_tips[eid] = _edge_tip(G, u, v, d)


def _apply_overlays(
    page: MapPage,
    G: nx.Graph,
    overlays: Sequence[Overlay],
    *,
    node_of: Callable[[str], str | None] = lambda n: n,
    add_missing: Callable[[str], bool] | None = None,
) -> None:
    """Draw ``overlays`` on ``page``: highlight their nodes and add their edges in their style.

    ``node_of`` maps a member to the node that shows it (itself, or its aggregate); a member
    whose node is not on the page is added with ``add_missing`` (when given) or skipped.
    """
    present = set(page.net.node_ids)
    for k, ov in enumerate(overlays):
        shown = 0

        def place(n: str) -> str | None:
            m = node_of(n)
            if m is None:
                return None
            if m not in present:
                if add_missing is None or not add_missing(m):
                    return None
                present.add(m)
            return m

        for n in ov.nodes:
            m = place(n)
            if m is not None:
                node = page.net.node_map[m]
                current = node.get("color")
                background = current.get("background") if isinstance(current, dict) else current
                node.update(borderWidth=4, color={"background": background, "border": ov.node_border})
                page.meta.setdefault(m, {})["border"] = ov.node_border
        for i, (a, b) in enumerate(ov.edges):
            ma, mb = place(a), place(b)
            if ma is None or mb is None or ma == mb:
                continue
            eid = _add_edge(page.net, ma, mb, id=f"o{k}-{i}", **dict(ov.edge_style))
            names = [G.nodes[x].get("name", x) if x in G else x for x in (a, b)]
            tip: list[Any] = [ov.name, ["Between", f"{names[0]} ({a}) and {names[1]} ({b})"]]
            if ov.edge_note:
                tip.append(["Note", ov.edge_note])
            page.edge_tips[eid] = tip
            shown += 1
        style = dict(ov.edge_style)
        page.legend_extra.append(
            {
                "label": f"{ov.name} ({shown})",
                "colour": str(style.get("color", PROPOSED_COLOUR)),
                "dashes": bool(style.get("dashes")),
            }
        )


def nav_links(role: Role) -> list[tuple[str, str]]:
    """The pages' menu; the report is the manager's only."""
    links = [
        ("Ecosystem", "/viz/ecosystem"),
        ("Subsectors", "/viz/subsectors"),
        ("Members", "/members-app"),
    ]
    return [*links, ("Report", "/report")] if role == "manager" else links


# -- the ecosystem ---------------------------------------------------------------------------------

Grouping = Literal["community", "subsector"]


def ecosystem_page(
    view: GraphView,
    *,
    threshold: int = 2000,
    group: Grouping = "community",
    community: str | None = None,
    subsector: str | None = None,
    aggregate: bool | None = None,
    overlays: Sequence[Overlay] = (),
) -> MapPage:
    """The whole cluster: members coloured by subsector (or community), sized by brokerage.

    Above ``threshold`` members (or with ``aggregate=True``) the map shows one node per
    community (``group="community"``) or subsector, sized by members, with the ties between
    them; ``community=`` / ``subsector=`` drill down to one group's members.
    """
    projection = view.current()
    G = projection.members
    T = _ties(view)
    communities, where = _communities(view)
    if community is not None and subsector is not None:
        raise InvalidRequest("community", "choose a community or a subsector, not both")
    if community is not None:
        found = next((c for c in communities if c.id == community), None)
        if found is None:
            raise NotFound("community", community)
        return _ecosystem_members(
            view,
            G,
            T,
            list(found.members),
            communities,
            where,
            threshold,
            overlays,
            title=f"Community {community}",
            subtitle=f"{found.size} members · mostly {subsector_name(next(iter(found.subsector_mix), None))}",
            colouring="subsector",
        )
    if subsector is not None:
        if subsector not in SUBSECTOR_BY_ID:
            raise InvalidRequest("subsector", f"unknown subsector '{subsector}'")
        members = [n for n, s in G.nodes(data="subsector") if s == subsector]
        return _ecosystem_members(
            view,
            G,
            T,
            members,
            communities,
            where,
            threshold,
            overlays,
            title=subsector_name(subsector),
            subtitle=f"{len(members)} members whose primary subsector it is",
            colouring="community",
        )
    n_members = G.number_of_nodes()
    if aggregate or (aggregate is None and n_members > threshold):
        return _aggregate_page(view, G, T, communities, where, group, threshold, overlays)
    return _ecosystem_members(
        view,
        G,
        T,
        sorted(G.nodes),
        communities,
        where,
        threshold,
        overlays,
        title="The cluster's collaboration network",
        subtitle=f"{n_members} members, {T.number_of_edges()} ties",
        colouring="subsector",
        whole=True,
    )


def ecosystem_html(
    view: GraphView,
    *,
    threshold: int = 2000,
    group: Grouping = "community",
    community: str | None = None,
    subsector: str | None = None,
    aggregate: bool | None = None,
    overlays: Sequence[Overlay] = (),
) -> str:
    """The served ecosystem page as HTML; without overlays it is memoised per graph version (at
    2,000 members building and rendering it takes most of a second)."""

    def build(_p: Projection | None = None) -> str:
        return render_map(
            ecosystem_page(
                view,
                threshold=threshold,
                group=group,
                community=community,
                subsector=subsector,
                aggregate=aggregate,
                overlays=overlays,
            )
        )

    if overlays:
        return build()
    if community is not None or subsector is not None:  # a drill-down: grouping options do not apply
        key: tuple[Any, ...] = ("viz", "ecosystem-html", threshold, community, subsector)
    else:
        key = ("viz", "ecosystem-html", threshold, group, aggregate)
    return view.memo(key, build)


def _ecosystem_members(
    view: GraphView,
    G: nx.Graph,
    T: nx.Graph,
    members: list[str],
    communities: Sequence[Community],
    where: Mapping[str, str],
    threshold: int,
    overlays: Sequence[Overlay],
    *,
    title: str,
    subtitle: str,
    colouring: str,
    whole: bool = False,
) -> MapPage:
    bc, k = _betweenness(view)
    notes: list[str] = []
    if len(members) > threshold:
        notes.append(f"Showing the {threshold} strongest brokers of {len(members)} members.")
        members = sorted(members, key=lambda n: (-bc.get(n, 0.0), n))[:threshold]
    members = sorted(members)
    key = ("viz", "layout", tuple(members))
    keep = set(members)

    def layout(_p: Projection) -> dict[str, tuple[float, float]]:
        groups: dict[str, list[str]] = {}
        for n in members:
            groups.setdefault(where.get(n, n), []).append(n)
        # Inside a drill-down a community is one blob: lay it out by sub-communities of itself.
        if len(groups) == 1 and len(members) > 2:
            sub = T.subgraph(members)
            parts = nx.community.louvain_communities(sub, weight="weight", seed=42)
            ordered = sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p[0]))
            return community_layout(sub, ordered)
        ordered = sorted(groups.values(), key=lambda g: (-len(g), g[0]))
        return community_layout(T.subgraph(keep), ordered)

    pos = view.memo(key, layout)
    big = len(members) > 600
    page = MapPage(
        kind="ecosystem",
        title=title,
        subtitle=subtitle,
        net=_network(),
        nav=nav_links(view.viewer.role),
        filters=True,
        notes=notes,
    )
    page.net.options = _options(big=big)
    cols = {
        "subsector": _subsector_colouring(G, members),
        "community": _community_colouring(communities, members, where),
    }
    page.colourings = cols
    page.colouring = colouring
    _add_members(page, G, T, members, pos, bc=bc, where=where, colour=cols[colouring].colours)
    _add_ties(page, G, T, members, tips=len(members) <= 2500)
    page.size_note = "Size: brokerage (betweenness on the ties" + (
        f", estimated from {k} sampled sources)" if k else ")"
    )
    if overlays:
        _apply_overlays(
            page,
            G,
            overlays,
            node_of=lambda n: n if n in G else None,
            add_missing=_member_adder(page, G, T, bc, where, cols[colouring]),
        )
    ties_shown = sum(1 for e in page.net.edges if not str(e["id"]).startswith("o"))
    page.summary = [("Members", str(len(members))), ("Ties", str(ties_shown))]
    if not whole:
        page.nav = nav_links(view.viewer.role) + [("Whole cluster", "/viz/ecosystem?aggregate=true")]
    return page


def _member_adder(
    page: MapPage,
    G: nx.Graph,
    T: nx.Graph,
    bc: Mapping[str, float] | None,
    where: Mapping[str, str],
    colouring: Colouring,
) -> Callable[[str], bool]:
    """Add a member that an overlay needs next to the nodes already placed."""

    def add(n: str) -> bool:
        if n not in G:
            return False
        xs = [float(x["x"]) for x in page.net.nodes] or [0.0]
        ys = [float(x["y"]) for x in page.net.nodes] or [0.0]
        extra = sum(1 for m in page.meta.values() if m.get("extra"))
        pos = {n: (max(xs) + 80.0, min(ys) + 60.0 * extra)}
        colour = dict(colouring.colours)
        colour.setdefault(n, _subsector_colour(G.nodes[n].get("subsector")))
        _add_members(page, G, T, [n], pos, bc=bc, where=where, colour=colour)
        page.meta[n]["extra"] = True
        for c in page.colourings.values():
            c.colours.setdefault(
                n, colour[n] if c is colouring else _subsector_colour(G.nodes[n].get("subsector"))
            )
        return True

    return add


def _aggregate_page(
    view: GraphView,
    G: nx.Graph,
    T: nx.Graph,
    communities: Sequence[Community],
    where: Mapping[str, str],
    group: Grouping,
    threshold: int,
    overlays: Sequence[Overlay],
) -> MapPage:
    if group == "subsector":
        group_of = {n: s for n, s in G.nodes(data="subsector")}
        ids = [s for s in SUBSECTOR_IDS if any(v == s for v in group_of.values())]
        sizes = Counter(group_of.values())
        names = {s: subsector_name(s) for s in ids}
        colours = {s: _subsector_colour(s) for s in ids}
        links = {f"g:{s}": f"/viz/ecosystem?subsector={s}" for s in ids}
        mix = {s: "" for s in ids}
    else:
        multi = [c for c in communities if c.size > 1]
        group_of = {n: c.id for c in multi for n in c.members}
        ids = [c.id for c in multi]
        sizes = Counter({c.id: c.size for c in multi})
        names = {c.id: c.id for c in multi}
        colours = {
            c.id: (_COMMUNITY_PALETTE[i] if i < len(_COMMUNITY_PALETTE) else OTHER_COLOUR)
            for i, c in enumerate(multi)
        }
        links = {f"g:{c.id}": f"/viz/ecosystem?community={c.id}" for c in multi}
        mix = {
            c.id: ", ".join(f"{subsector_name(s)} {k}" for s, k in list(c.subsector_mix.items())[:3])
            for c in multi
        }
    between: Counter[tuple[str, str]] = Counter()
    internal: Counter[str] = Counter()
    for u, v in T.edges():
        a, b = group_of.get(u), group_of.get(v)
        if a is None or b is None:
            continue
        if a == b:
            internal[a] += 1
        else:
            between[(a, b) if a < b else (b, a)] += 1

    peak = max(sizes.values(), default=1) or 1
    node_size = {g: round(12 + 38 * math.sqrt(sizes[g] / peak), 1) for g in ids}

    def layout(_p: Projection) -> dict[str, tuple[float, float]]:
        import numpy as np

        Q = nx.Graph()
        Q.add_nodes_from(ids)
        for (a, b), w in between.items():
            Q.add_edge(a, b, weight=w)
        if len(ids) == 1:
            return {ids[0]: (0.0, 0.0)}
        p = nx.spring_layout(Q, seed=42, iterations=200)
        R = np.array([node_size[g] + 30.0 for g in ids])
        centres = np.array([p[g] for g in ids], dtype=float) * R.sum() / 2
        centres = separate(centres, R, gap=40.0)
        return {g: (round(float(x), 1), round(float(y), 1)) for g, (x, y) in zip(ids, centres, strict=True)}

    pos = view.memo(("viz", "aggregate-layout", group), layout) if ids else {}
    total_members = G.number_of_nodes()
    label = "communities" if group == "community" else "subsectors"
    page = MapPage(
        kind="aggregate",
        title="The cluster, by " + ("community" if group == "community" else "subsector"),
        subtitle=f"{total_members} members, {T.number_of_edges()} ties: one node per "
        f"{group}; click one to see its members",
        net=_network(),
        nav=nav_links(view.viewer.role),
        search=True,
    )
    page.net.options = _options(big=False, value_scaling=False)
    max_between = max(between.values(), default=1)
    top_subsector = {c.id: next(iter(c.subsector_mix), None) for c in communities}
    for g in ids:
        x, y = pos[g]
        gid = f"g:{g}"
        node_label = (
            f"{names[g]} · {sizes[g]}"
            if group == "subsector"
            else f"{g} · {sizes[g]}\nmostly {subsector_name(top_subsector.get(g))}"
        )
        _add_node(page.net, gid, label=node_label, x=x, y=y, size=node_size[g], color=colours[g], shape="dot")
        tip: list[Any] = [
            f"{names[g]}" if group == "subsector" else f"Community {g}",
            ["Members", str(sizes[g])],
            ["Ties inside", str(internal[g])],
        ]
        if mix.get(g):
            tip.append(["Mostly", mix[g]])
        tip.append(["Open", "click to see its members"])
        page.meta[gid] = {"n": names[g], "tip": tip}
    for (a, b), w in sorted(between.items()):
        eid = _add_edge(
            page.net, f"g:{a}", f"g:{b}", width=round(0.5 + 9.5 * w / max_between, 2), color=EDGE_COLOUR
        )
        page.edge_tips[eid] = [f"{names[a]} – {names[b]}", ["Ties", str(w)]]
    page.links = links
    page.colourings = {
        "group": Colouring(
            label.capitalize(),
            {f"g:{g}": colours[g] for g in ids},
            tuple(
                (
                    f"{names[g]} ({sizes[g]})"
                    + (f" · mostly {subsector_name(top_subsector.get(g))}" if group == "community" else ""),
                    colours[g],
                )
                for g in ids[:20]
            ),
        )
    }
    page.colouring = "group"
    other = "subsector" if group == "community" else "community"
    page.nav = nav_links(view.viewer.role) + [(f"Group by {other}", f"/viz/ecosystem?aggregate=true&group={other}")]
    no_ties = sum(1 for c in communities if c.size == 1) if group == "community" else 0
    page.notes.append(
        f"{total_members} members is above the map's limit of {threshold}: showing {len(ids)} "
        f"{label} instead."
        if total_members > threshold
        else f"Showing {len(ids)} {label}."
    )
    if no_ties:
        page.notes.append(f"{no_ties} members without ties are not shown.")
    page.size_note = "Size: members; edge width: ties between the groups"
    page.summary = [
        (label.capitalize(), str(len(ids))),
        ("Members", str(total_members)),
        ("Ties", str(T.number_of_edges())),
    ]
    if overlays:
        _apply_overlays(page, G, overlays, node_of=lambda n: f"g:{group_of[n]}" if n in group_of else None)
    return page


# -- one member's neighbourhood --------------------------------------------------------------------

MAX_NEIGHBOURHOOD = 400


def member_page(
    view: GraphView,
    member_id: str,
    *,
    hops: int = 1,
    overlays: Sequence[Overlay] = (),
    max_nodes: int = MAX_NEIGHBOURHOOD,
) -> MapPage:
    """A member's ties, one or two hops out, the member in the middle; drawn on ``view``, so
    members the viewer may not see and unconfirmed ties are not there at all."""
    if hops not in (1, 2):
        raise InvalidRequest("hops", "1 or 2")
    G = view.current().members
    if member_id not in G:
        raise NotFound("member", member_id)
    T = _ties(view)
    bc, _k = _betweenness(view)
    _communities_, where = _communities(view)
    dist = {member_id: 0}
    frontier = [member_id]
    for level in (1, 2)[:hops]:
        nxt = []
        for n in frontier:
            for m in sorted(T._adj[n]):
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
        second = sorted(
            (n for n in nodes if dist[n] == 2), key=lambda n: (-sum(1 for m in T._adj[n] if m in ring), n)
        )
        nodes = first + second[: max(0, max_nodes - len(first))]
        notes.append(
            f"Showing {len(nodes)} of {len(dist)} members within {hops} hops "
            "(second-hop members with the most ties to the first ring)."
        )
    pos = _spring(T, sorted(nodes), centre=member_id, spacing=75.0)
    name = G.nodes[member_id].get("name", member_id)
    page = MapPage(
        kind="member",
        title=name,
        subtitle=f"{member_id} · ties within {hops} hop{'s' if hops > 1 else ''}",
        net=_network(),
        nav=nav_links(view.viewer.role),
        notes=notes,
    )
    page.net.options = _options(big=False, label_min=11, label_max=22, draw_threshold=5)
    cols = {
        "subsector": _subsector_colouring(G, nodes),
        "community": _community_colouring(_communities_, nodes, where),
    }
    page.colourings = cols
    _add_members(page, G, T, sorted(nodes), pos, bc=bc, where=where, colour=cols["subsector"].colours)
    _add_ties(page, G, T, nodes)
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
    page.size_note = "Size: brokerage in the whole cluster (betweenness)"
    page.summary = [
        ("Members shown", str(len(nodes))),
        ("Direct ties", str(sum(1 for d in dist.values() if d == 1))),
    ]
    page.nav = nav_links(view.viewer.role) + [
        ("1 hop", f"/viz/members/{member_id}?hops=1"),
        ("2 hops", f"/viz/members/{member_id}?hops=2"),
    ]
    if overlays:
        _apply_overlays(
            page,
            G,
            overlays,
            node_of=lambda n: n if n in G else None,
            add_missing=_member_adder(page, G, T, bc, where, cols["subsector"]),
        )
    return page


# -- the twelve subsectors -------------------------------------------------------------------------

ISOLATED_EI = -0.5
"""A subsector whose E-I index is at or below this keeps most of its ties inside: marked isolated."""


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
        net=_network(),
        nav=nav_links(view.viewer.role),
        search=False,
    )
    page.net.options = _options(big=False, value_scaling=False)
    page.net.options["nodes"]["font"]["size"] = 16
    max_members = max((items[s].members for s in ids if s in items), default=1) or 1
    radius = 360.0
    for i, s in enumerate(ids):
        it = items.get(s)
        members = it.members if it else 0
        ei = it.ei_index if it else None
        isolated = members > 0 and (
            ei is None or ei <= ISOLATED_EI or (it is not None and it.external_ties == 0)
        )
        angle = 2 * math.pi * i / len(ids) - math.pi / 2
        size = 12 + 30 * math.sqrt(members / max_members)
        ei_text = "n/a" if ei is None else f"{ei:+.2f}"
        colour: Any = _subsector_colour(s)
        opts: dict[str, Any] = {}
        if isolated:
            colour = {"background": _subsector_colour(s), "border": "#c92a2a"}
            opts = {"borderWidth": 6, "shapeProperties": {"borderDashes": [6, 4]}}
        _add_node(
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
        eid = _add_edge(
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
            {s: _subsector_colour(s) for s in ids},
            tuple((subsector_name(s), _subsector_colour(s)) for s in ids),
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


# -- warm paths ------------------------------------------------------------------------------------

MAX_CONTEXT = 12


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
    G = view.current().members
    T = _ties(view)
    bc, _k = _betweenness(view)
    _c, where = _communities(view)
    name = lambda n: G.nodes[n].get("name", n)
    page = MapPage(
        kind="paths",
        title=f"Warm paths: {name(source)} → {name(target)}",
        subtitle=answer.message,
        net=_network(),
        nav=nav_links(view.viewer.role),
        search=False,
    )
    page.net.options = _options(big=False, value_scaling=False)
    longest = max((p.length for p in answer.items), default=1)
    width = 260.0 * max(2, longest)
    pos: dict[str, tuple[float, float]] = {source: (0.0, 0.0), target: (width, 0.0)}
    rank_of: dict[str, int] = {source: -1, target: -1}
    for r, p in enumerate(answer.items):
        y = (r - (len(answer.items) - 1) / 2) * 150.0
        for j, n in enumerate(p.members[1:-1], start=1):
            if n not in pos:
                pos[n] = (round(width * j / p.length, 1), round(y, 1))
                rank_of[n] = r
    context: list[str] = []
    for end, x0, direction in ((source, 0.0, -1), (target, width, 1)):
        others = sorted(
            (m for m in T._adj[end] if m not in pos),
            key=lambda m: (-T[end][m].get("weight", 0.0), m),
        )[:MAX_CONTEXT]
        for i, m in enumerate(others):
            angle = math.pi * (i + 1) / (len(others) + 1) - math.pi / 2
            pos[m] = (round(x0 + direction * 190.0 * math.cos(angle), 1), round(190.0 * math.sin(angle), 1))
            context.append(m)
    nodes = list(pos)
    cols = _subsector_colouring(G, nodes)
    for n in nodes:
        d = G.nodes[n]
        on_path = n not in context
        size = 26 if n in (source, target) else (18 if on_path else 9)
        colour: Any = cols.colours[n] if on_path else {"background": "#e9ecef", "border": "#adb5bd"}
        opts: dict[str, Any] = {}
        if n in (source, target):
            colour = {"background": cols.colours[n], "border": "#111111"}
            opts = {"borderWidth": 4, "shape": "star" if n == source else "diamond"}
        _add_node(
            page.net,
            n,
            label=_label(d.get("name", n), 26),
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
            "tip": _member_tip(G, n, bc=bc, community=where.get(n), degree=T.degree(n)),
        }
        if on_path:
            page.meta[n]["border"] = "#111111" if n in (source, target) else None
        page.links[n] = f"/viz/members/{n}"
    for end in (source, target):
        for m in context:
            if T.has_edge(end, m):
                eid = _add_edge(page.net, end, m, width=1, color="rgba(150,150,150,0.35)")
                page.edge_tips[eid] = _edge_tip(G, end, m, T[end][m])
    drawn: set[tuple[str, str]] = set()
    for r, p in enumerate(answer.items):
        colour = PATH_COLOURS[r % len(PATH_COLOURS)]
        for h in p.hops:
            key = (min(h.source, h.target), max(h.source, h.target))
            if key in drawn:
                continue
            drawn.add(key)
            eid = _add_edge(
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


# -- HTML ------------------------------------------------------------------------------------------


def render_map(page: MapPage, *, inline: bool = False) -> str:
    """The page as HTML: served (assets from ``/viz/assets``) or standalone (everything inline,
    no links back to the service)."""
    data = page.payload(served=not inline)
    return render_template(
        "map.html.j2", inline=inline, page=page, data_json=json_for_html(data), nav=[] if inline else page.nav
    )
