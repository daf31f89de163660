"""Exports of the cluster for other tools: JSON, CSV, Excel, GEXF 1.3 and GraphML.

Two steps, so the API route and the CLI run the same code:

* :func:`gather` takes the caller's :class:`~graph_service.services.views.GraphView` (already
  narrowed to what the caller may see) and collects what the writers need: the document, the
  collaboration graph with organisations, the communities of ``/analytics/communities``, the
  brokerage of ``/analytics/bridges`` (betweenness, constraint, dominant Gould-Fernandez role)
  and the ecosystem map's colours, positions and sizes;
* the writers (:func:`write`, or one per format) are pure: :class:`ExportData` in, bytes out.

Nothing here queries the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, get_args

import networkx as nx

from graph_service.analytics import edge_kinds, is_tie
from graph_service.analytics.brokerage import BrokerageRoles
from graph_service.interchange import Document
from graph_service.services import analyses, spreadsheets
from graph_service.services.views import GraphView
from graph_service.web.colours import OTHER_COLOUR, subsector_colour, subsector_name
from graph_service.web.ecosystem import member_positions
from graph_service.web.maps.analyses import map_analyses
from graph_service.web.maps.model import options

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "ExportFormat",
    "ExportData",
    "Brokerage",
    "NodeLook",
    "gather",
    "export",
    "write",
    "file_name",
    "format_for_path",
    "to_json",
    "to_csv",
    "to_xlsx",
    "to_gexf",
    "to_graphml",
    "table_csv",
    "TABLES",
    "TIE_CSV_COLUMNS",
    "INTRODUCTION_CSV_COLUMNS",
    "SHEETS",
    "GEXF_NS",
    "GEXF_VIZ_NS",
]

ExportFormat = Literal["json", "csv", "xlsx", "gexf", "graphml"]
FORMATS: Final[tuple[ExportFormat, ...]] = get_args(ExportFormat)

MEDIA_TYPES: Final[dict[ExportFormat, str]] = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "gexf": "application/gexf+xml",
    "graphml": "application/graphml+xml",
}

GEXF_NS: Final = "http://gexf.net/1.3"
GEXF_VIZ_NS: Final = "http://gexf.net/1.3/viz"
_XSI_NS: Final = "http://www.w3.org/2001/XMLSchema-instance"

SHEETS: Final[dict[str, tuple[str, ...]]] = {sheet.name: sheet.names for sheet in spreadsheets.SHEETS}
"""The workbook's sheets and their columns, as the import reads them (one definition, in
:data:`graph_service.services.spreadsheets.SHEETS`: the interchange document's field names), so
an exported workbook can be edited and imported back."""

_ROLES: Final = ("coordinator", "consultant", "gatekeeper", "representative", "liaison")


# -- what the writers need -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Brokerage:
    """One member's brokerage, as ``/analytics/bridges`` gives it."""

    betweenness: float
    constraint: float | None
    role: str
    """The Gould-Fernandez role with the most triads ("none" without open triads)."""


@dataclass(frozen=True, slots=True)
class NodeLook:
    """How the ecosystem map draws a node: colour (``#rrggbb``), position (pixels) and size."""

    colour: str
    x: float
    y: float
    size: float


@dataclass(frozen=True, slots=True)
class ExportData:
    """Everything an export holds, for one viewer: pure data."""

    document: Document
    graph: nx.Graph[str]
    """The collaboration graph with organisations (only its ties are exported)."""
    community_of: Mapping[str, str] = field(default_factory=dict)
    brokerage: Mapping[str, Brokerage] = field(default_factory=dict)
    look: Mapping[str, NodeLook] = field(default_factory=dict)
    day: dt.date = field(default_factory=dt.date.today)


def dominant_role(roles: BrokerageRoles) -> str:
    """The role with the most open triads (the first of :data:`_ROLES` on a tie), or "none"."""
    counts = [(getattr(roles, r), r) for r in _ROLES]
    best = max(counts, key=lambda c: c[0])
    return best[1] if best[0] > 0 else "none"


def _map_positions(view: GraphView) -> dict[str, tuple[float, float]]:
    """The members' positions on the ecosystem map of the whole cluster."""
    return member_positions(view, map_analyses(view), view.current().members.nodes)


def _sizes(betweenness: Mapping[str, float], nodes: Iterable[str]) -> dict[str, float]:
    """Node sizes as vis-network draws the map's (``value`` = brokerage, scaled linearly between
    the map's ``scaling.min`` and ``scaling.max``; the middle when every value is equal)."""
    scaling = options(big=False)["nodes"]["scaling"]
    low, high = float(scaling["min"]), float(scaling["max"])
    nodes = list(nodes)
    values = [betweenness.get(n, 0.0) for n in nodes]
    if not values:
        return {}
    vmin, vmax = min(values), max(values)
    if vmax == vmin:
        return {n: round((low + high) / 2, 2) for n in nodes}
    return {n: round(low + (high - low) * (betweenness.get(n, 0.0) - vmin) / (vmax - vmin), 2) for n in nodes}


def _organisation_positions(
    G: nx.Graph[str], organisations: Sequence[str], placed: Mapping[str, tuple[float, float]]
) -> dict[str, tuple[float, float]]:
    """Organisations (not on the map) next to the members they are tied to, the rest in a row below."""
    out: dict[str, tuple[float, float]] = {}
    xs = [p[0] for p in placed.values()] or [0.0]
    ys = [p[1] for p in placed.values()] or [0.0]
    alone = 0
    for k, o in enumerate(organisations):
        near = [placed[m] for m in G.adj[o] if m in placed and is_tie(G.adj[o][m])]
        if near:
            angle = 2 * math.pi * (k % 12) / 12
            out[o] = (round(sum(p[0] for p in near) / len(near) + 20 * math.cos(angle), 1),
                      round(sum(p[1] for p in near) / len(near) + 20 * math.sin(angle), 1))
        else:
            out[o] = (round(min(xs) + 42.0 * alone, 1), round(max(ys) + 120.0, 1))
            alone += 1
    return out


def gather(view: GraphView, *, day: dt.date | None = None) -> ExportData:
    """What the exports of ``view`` hold: its document and graph, communities, brokerage and the
    map's look. Each analysis is the one the API answers (memoised on the view)."""
    projection = view.current()
    G = projection.full
    members = sorted(projection.members.nodes)
    found = analyses.communities(view)
    community_of = {n: c.id for c in found.communities for n in c.members}
    brokerage: dict[str, Brokerage] = {}
    if members:
        report = analyses.every_broker(view)
        brokerage = {b.id: Brokerage(b.betweenness, b.constraint, dominant_role(b.roles)) for b in report.brokers}
    positions = _map_positions(view) if members else {}
    organisations = sorted(n for n, d in G.nodes(data=True) if d.get("node_type") == "organisation")
    positions = {**positions, **_organisation_positions(G, organisations, positions)}
    bc = {m: b.betweenness for m, b in brokerage.items()}
    sizes = _sizes(bc, members)
    look: dict[str, NodeLook] = {}
    for n in members:
        x, y = positions.get(n, (0.0, 0.0))
        look[n] = NodeLook(subsector_colour(G.nodes[n].get("subsector")), x, y, sizes[n])
    low = float(options(big=False)["nodes"]["scaling"]["min"])
    for o in organisations:
        x, y = positions[o]
        look[o] = NodeLook(OTHER_COLOUR, x, y, low)
    return ExportData(projection.document, G, community_of, brokerage, look, day or dt.date.today())


# -- names and dispatch --------------------------------------------------------------------------------

_EXTENSIONS: Final[dict[str, ExportFormat]] = {
    ".json": "json", ".csv": "csv", ".xlsx": "xlsx", ".gexf": "gexf", ".graphml": "graphml",
}


def format_for_path(name: str) -> ExportFormat:
    """The format a file name asks for by its extension (json when it names none of them)."""
    lower = name.lower()
    return next((f for ext, f in _EXTENSIONS.items() if lower.endswith(ext)), "json")


def file_name(fmt: ExportFormat, day: dt.date) -> str:
    """``cluster-YYYY-MM-DD.<ext>``."""
    return f"cluster-{day.isoformat()}.{fmt}"


def write(fmt: ExportFormat, data: ExportData) -> bytes:
    """``data`` in format ``fmt``."""
    writers: dict[ExportFormat, Callable[[ExportData], bytes]] = {
        "json": to_json, "csv": to_csv, "xlsx": to_xlsx, "gexf": to_gexf, "graphml": to_graphml,
    }
    return writers[fmt](data)


def export(view: GraphView, fmt: ExportFormat, *, day: dt.date | None = None, with_nulls: bool = False) -> bytes:
    """``view`` exported in ``fmt`` (the analyses are run only for the graph formats)."""
    if fmt in ("gexf", "graphml"):
        data = gather(view, day=day)
    else:
        projection = view.current()
        data = ExportData(projection.document, projection.full, day=day or dt.date.today())
    return to_json(data, with_nulls=with_nulls) if fmt == "json" else write(fmt, data)


# -- JSON, CSV and Excel -------------------------------------------------------------------------------


def to_json(data: ExportData, *, with_nulls: bool = False) -> bytes:
    """The interchange document, indented, keys sorted: unset fields left out, as the CLI writes
    it, or as ``null`` (``with_nulls``, as the API has always answered it)."""
    dumped = data.document.model_dump(mode="json", exclude_none=not with_nulls)
    return (json.dumps(dumped, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def to_csv(data: ExportData) -> bytes:
    """The members in the columns of the member-spreadsheet import (lists joined with ';'),
    UTF-8, so that export → edit → import is a round trip."""
    return spreadsheets.members_csv(data.document.members)


# Names beside the ids: the CSV tables of ties and introductions, for people to read (the import
# reads the ids; these two are downloads only: the member CSV and the workbook are what imports).
TIE_CSV_COLUMNS: Final = ("source", "source_name", "target", "target_name", "kind", "weight", "since", "confirmed")
INTRODUCTION_CSV_COLUMNS: Final = ("id", "a", "a_name", "b", "b_name", "facilitator", "facilitator_name", "date",
                                   "status", "a_response", "b_response", "accepted_on", "met_on", "closed_on",
                                   "outcome")
TABLES: Final = ("ties", "introductions")
"""The CSV tables of :func:`table_csv`."""


def _party_names(doc: Document) -> dict[str, str]:
    return {"manager": "Cluster manager", "erased": "an erased member", **{o.id: o.name for o in doc.organisations},
            **{m.id: m.name for m in doc.members}}


def _csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else ("true" if row[c] is True else "false" if row[c] is False
                                                        else str(row[c])) for c in columns])
    return buffer.getvalue().encode("utf-8")


def table_csv(doc: Document, table: Literal["ties", "introductions"]) -> bytes:
    """The ties or the introductions of ``doc`` as CSV (UTF-8, ','), each id with its name beside
    it (``source_name``, ``a_name``, ``facilitator_name``...); ISO dates."""
    names = _party_names(doc)
    if table == "ties":
        return _csv(TIE_CSV_COLUMNS, ({**t.model_dump(mode="json"), "source_name": names.get(t.source, ""),
                                       "target_name": names.get(t.target, "")} for t in doc.ties))
    return _csv(INTRODUCTION_CSV_COLUMNS, (
        {**x.model_dump(mode="json"), "a_name": names.get(x.a, ""), "b_name": names.get(x.b, ""),
         "facilitator_name": names.get(x.facilitator, "")} for x in doc.introductions))


def to_xlsx(data: ExportData) -> bytes:
    """An Excel workbook, one sheet per kind (:data:`SHEETS`, the import's columns): a bold
    header row, then one row per record; lists joined with ';', dates as date cells
    (``yyyy-mm-dd``). The same document on the same day gives the same bytes."""
    return spreadsheets.write_workbook(data.document, data.day)


# -- graphs ----------------------------------------------------------------------------------------------


_NodeValue = str | float | int | bool


def _node_attributes(data: ExportData, n: str) -> dict[str, _NodeValue]:
    """A node's attributes in the graph exports (absent values left out)."""
    d = data.graph.nodes[n]
    out: dict[str, _NodeValue] = {"name": str(d.get("name", n)), "node_type": str(d.get("node_type", "member"))}
    if d.get("node_type") == "organisation":
        out["kind"] = "organisation"
        if d.get("cluster"):
            out["cluster"] = str(d["cluster"])
    else:
        out["kind"] = str(d.get("kind") or "")
        sid = d.get("subsector")
        if sid:
            out["subsector"] = subsector_name(sid)
            out["subsector_id"] = str(sid)
        out["subsectors"] = ";".join(d.get("subsectors") or ())
        out["visibility"] = str(d.get("visibility") or "")
        if d.get("joined"):
            out["joined"] = str(d["joined"])
    if n in data.community_of:
        out["community"] = data.community_of[n]
    b = data.brokerage.get(n)
    if b is not None:
        out["betweenness"] = b.betweenness
        if b.constraint is not None:
            out["constraint"] = b.constraint
        out["role"] = b.role
    look = data.look.get(n)
    if look is not None:
        out["colour"] = look.colour
    return out


# GEXF attribute declarations: (title, type), in the order Gephi lists them.
_GEXF_NODE_ATTRIBUTES: Final = (
    ("node_type", "string"), ("kind", "string"), ("subsector", "string"), ("subsector_id", "string"),
    ("subsectors", "string"), ("cluster", "string"), ("visibility", "string"), ("joined", "string"),
    ("community", "string"), ("betweenness", "double"), ("constraint", "double"), ("role", "string"),
    ("colour", "string"), ("name", "string"),
)
_GEXF_EDGE_ATTRIBUTES: Final = (
    ("kinds", "string"), ("collaborated", "integer"), ("confirmed", "boolean"), ("since", "string"),
)


def _edges(data: ExportData) -> list[tuple[str, str, dict[str, Any]]]:
    """The ties (knows, collaborated, introduced) of the graph, each once, sorted by id pair."""
    out = []
    for u, v, d in data.graph.edges(data=True):
        if not is_tie(d):
            continue
        a, b = (u, v) if u < v else (v, u)
        out.append((a, b, d))
    out.sort(key=lambda e: (e[0], e[1]))
    return out


def _edge_attributes(d: Mapping[str, Any]) -> dict[str, _NodeValue]:
    out: dict[str, _NodeValue] = {
        "kinds": "+".join(k for k in edge_kinds(dict(d)) if k != "co-attended"),
        "collaborated": int(d.get("collaborated", 0)),
        "confirmed": bool(d.get("confirmed", True)),
    }
    if d.get("since"):
        out["since"] = str(d["since"])
    return out


def _rgb(colour: str) -> tuple[int, int, int]:
    h = colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _gexf_value(value: _NodeValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def to_gexf(data: ExportData) -> bytes:
    """GEXF 1.3 (``http://gexf.net/1.3``) of the collaboration graph: members and organisations
    as nodes with their attributes, ``viz:color``, ``viz:position`` and ``viz:size`` as on the
    ecosystem map; ties as undirected weighted edges."""
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("viz", GEXF_VIZ_NS)
    ET.register_namespace("xsi", _XSI_NS)

    def q(tag: str) -> str:
        return f"{{{GEXF_NS}}}{tag}"

    def v(tag: str) -> str:
        return f"{{{GEXF_VIZ_NS}}}{tag}"

    root = ET.Element(q("gexf"), {"version": "1.3", f"{{{_XSI_NS}}}schemaLocation":
                                  f"{GEXF_NS} {GEXF_NS}/gexf.xsd"})
    meta = ET.SubElement(root, q("meta"), {"lastmodifieddate": data.day.isoformat()})
    ET.SubElement(meta, q("creator")).text = "graph-service"
    ET.SubElement(meta, q("description")).text = (
        "Collaboration network of the Luxembourg Creative Industries Cluster: members and organisations, "
        "their ties, communities and brokerage, coloured and placed as on the ecosystem map.")
    graph = ET.SubElement(root, q("graph"), {"defaultedgetype": "undirected", "mode": "static"})
    node_ids: dict[str, str] = {}
    attrs = ET.SubElement(graph, q("attributes"), {"class": "node", "mode": "static"})
    for i, (title, kind) in enumerate(_GEXF_NODE_ATTRIBUTES):
        node_ids[title] = f"n{i}"
        ET.SubElement(attrs, q("attribute"), {"id": f"n{i}", "title": title, "type": kind})
    edge_ids: dict[str, str] = {}
    eattrs = ET.SubElement(graph, q("attributes"), {"class": "edge", "mode": "static"})
    for i, (title, kind) in enumerate(_GEXF_EDGE_ATTRIBUTES):
        edge_ids[title] = f"e{i}"
        ET.SubElement(eattrs, q("attribute"), {"id": f"e{i}", "title": title, "type": kind})

    nodes = ET.SubElement(graph, q("nodes"))
    for n in sorted(data.graph.nodes):
        values = _node_attributes(data, n)
        node = ET.SubElement(nodes, q("node"), {"id": n, "label": str(values["name"])})
        attvalues = ET.SubElement(node, q("attvalues"))
        for title, _kind in _GEXF_NODE_ATTRIBUTES:
            if title in values:
                ET.SubElement(attvalues, q("attvalue"), {"for": node_ids[title], "value": _gexf_value(values[title])})
        look = data.look.get(n)
        if look is not None:
            r, g, b = _rgb(look.colour)
            ET.SubElement(node, v("color"), {"r": str(r), "g": str(g), "b": str(b)})
            # GEXF's y axis points up, the map's (screen pixels) down.
            ET.SubElement(node, v("position"), {"x": repr(look.x), "y": repr(-look.y), "z": "0.0"})
            ET.SubElement(node, v("size"), {"value": repr(look.size)})

    edges = ET.SubElement(graph, q("edges"))
    for i, (source, target, d) in enumerate(_edges(data)):
        edge = ET.SubElement(edges, q("edge"), {"id": str(i), "source": source, "target": target,
                                                "weight": repr(float(d.get("weight", 1.0)))})
        attvalues = ET.SubElement(edge, q("attvalues"))
        for title, value in _edge_attributes(d).items():
            ET.SubElement(attvalues, q("attvalue"), {"for": edge_ids[title], "value": _gexf_value(value)})
    ET.indent(root, space=" ")
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text + b"\n"


def to_graphml(data: ExportData) -> bytes:
    """GraphML of the same graph and attributes (keys declared with their types), with the map's
    look as plain attributes Gephi and yEd understand: ``x``, ``y``, ``size``, ``r``, ``g``, ``b``."""
    H: nx.Graph[str] = nx.Graph(name="cluster")
    for n in sorted(data.graph.nodes):
        values: dict[str, _NodeValue] = dict(_node_attributes(data, n))
        look = data.look.get(n)
        if look is not None:
            r, g, b = _rgb(look.colour)
            values.update(x=look.x, y=-look.y, size=look.size, r=r, g=g, b=b)
        H.add_node(n, **values)
    for source, target, d in _edges(data):
        H.add_edge(source, target, weight=float(d.get("weight", 1.0)), **_edge_attributes(d))
    buffer = io.BytesIO()
    nx.write_graphml_xml(H, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()
