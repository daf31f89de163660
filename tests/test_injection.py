"""No Cypher injection: hostile strings sent through every string field of every endpoint change
the graph only as the intended write would, and never cause a 5xx.

The operations come from the app itself (its OpenAPI document, plus the routes it keeps out of
the schema), so an endpoint added later is covered without touching this file. For each
operation, each string field (path, query, header and cookie parameters; JSON and form body
fields, recursively through objects and arrays, ``$ref`` resolved; each column of a CSV body and
any plain-text body as a whole) and each payload:

1. the graph is the small fixture graph (``tests.factories.small_document``);
2. the baseline request is sent with that field replaced by the payload (in a path segment
   without its slashes, which would only make the router answer 404);
3. the whole graph is fingerprinted (every node with its labels and properties, every
   relationship with its type, its ends and its properties: ``cypher/graph/dump_*.cypher``).

Oracle: no 5xx (and no 429: a throttled request proves nothing). A GET, or any request that
failed, leaves the graph exactly as it was. A write that succeeded must leave the same graph as
the same request with a harmless marker in place of the payload, once the payload is replaced by
the marker in every property value: the payload was stored as data and nothing else changed.
Values that differ between two runs of the marker request itself (generated key material,
timestamps) are compared as "varies"; the version stamp counts writes, so it is left out there.

Baseline values are chosen by field name (``BASELINE``), with a fallback derived from the field's
schema. The graph is reset only when a request changed it, and requests that must not change it
are fingerprinted in batches (one at a time again when a batch did change it), which keeps the
800-odd requests within about half a minute.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from graph_service.api.app import create_app
from graph_service.interchange import parse_document
from graph_service.services.imports import CSV_COLUMNS
from graph_service.store import documents
from graph_service.store.database import Database, Tx
from graph_service.store.members import get_member, replace_member
from graph_service.store.privacy import delete_member
from tests.factories import small_document

PAYLOADS = (
    "x' OR 1=1 //",
    '"}) DETACH DELETE n //',
    "`) MATCH (n) DETACH DELETE n //",
    "x}) CALL db.labels() YIELD label RETURN label //",
    "'; MATCH (n) DETACH DELETE n; //",
)
MARKER = "inj-marker-q7z"  # lower case and id-shaped, so it passes wherever the baseline would

# Valid values for fields, by name (``name@location`` first, then ``name``), on the fixture graph.
BASELINE: dict[str, Any] = {
    "member_id": "m-001", "source": "m-001", "member": "m-001", "target": "m-003",
    "a": "m-003", "b": "m-004",  # no tie and no open introduction between them
    "facilitator": "manager", "other": "m-003", "other_id": "m-002",  # ties: none yet / an existing one
    "project_id": "p-001", "event_id": "e-001", "introduction_id": "i-001",
    "name@path": "map.js",  # /viz/assets/{name}
    "id": "new-1",  # a new record's id (members, introductions, keys)
    "name": "Atelier Nord", "title": "Heritage games", "city": "Luxembourg", "client": "City museum",
    "description": "Studio", "notes": "Met at the fair", "outcome": "They met", "theme": "gaming",
    "q": "Weber", "website": "https://example.lu", "languages": ["lb"], "cluster": "automobility",
    "skill": "bim-modelling", "skills": ["bim-modelling"], "subsector": "architecture",
    "subsectors": ["architecture"], "must_include": ["m-001"], "must_exclude": ["m-004"],
    "proposed": "m-001:m-003", "team": "m-001,m-002",
    "status": "collaborating",  # PATCH /introductions/i-001 (met -> collaborating)
    "role": "member", "total": 2, "table_size": 2,
}
# Whole request bodies, by the name of their schema.
BASELINE_BODIES: dict[str, Any] = {"Document": small_document}
FALLBACK_STRINGS = ("baseline", "m-001", "https://example.lu", "c-1", "lb", "2025-01-01")
JSON_TYPES = ("application/json",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
CSV_TYPES = ("text/csv", "application/csv")


# -- the graph ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Snapshot:
    nodes: list[dict[str, Any]]
    relationships: list[dict[str, Any]]


BOOKKEEPING = frozenset({"Change", "ChangeShard"})
"""The change records' labels: numbered and timed per write, so left out of the comparison (what
they hold is tested by tests/test_change_records.py)."""


def snapshot(db: Database) -> Snapshot:
    def work(tx: Tx) -> Snapshot:
        nodes = [n for n in tx.rows("graph/dump_nodes") if not BOOKKEEPING & set(n["labels"])]
        return Snapshot(nodes, tx.rows("graph/dump_relationships"))

    return db.read(work)


Mask = frozenset[tuple[str, str, str]]  # ("node", labels, key) or ("rel", type, key)
VERSION: Mask = frozenset({("node", "Meta", "version")})


def _swap(value: Any, swap: tuple[str, str] | None) -> Any:
    if swap is None:
        return value
    if isinstance(value, str):
        payload, marker = swap
        return value.replace(payload, marker).replace(payload.lower(), marker.lower())
    if isinstance(value, list):
        return [_swap(v, swap) for v in value]
    return value


def canonical(snap: Snapshot, *, swap: tuple[str, str] | None = None,
              mask: Mask = frozenset()) -> Counter[str]:
    """The graph as a multiset of strings, one per node and relationship, ends included."""

    def props(kind: str, owner: str, values: dict[str, Any]) -> dict[str, Any]:
        return {k: "<varies>" if (kind, owner, k) in mask else _swap(v, swap) for k, v in values.items()}

    nodes = {}
    for n in snap.nodes:
        labels = ":".join(sorted(n["labels"]))
        nodes[n["element"]] = json.dumps({"labels": labels, "props": props("node", labels, n["props"])},
                                         sort_keys=True, default=str)
    out: Counter[str] = Counter(nodes.values())
    for r in snap.relationships:
        out[json.dumps({"type": r["type"], "start": nodes[r["start"]], "end": nodes[r["end"]],
                        "props": props("rel", r["type"], r["props"])}, sort_keys=True, default=str)] += 1
    return out


def varying(a: Snapshot, b: Snapshot) -> Mask:
    """Property keys whose values differ between two runs of the same request."""

    def values(snap: Snapshot) -> dict[tuple[str, str, str], Counter[str]]:
        found: dict[tuple[str, str, str], Counter[str]] = {}
        for n in snap.nodes:
            labels = ":".join(sorted(n["labels"]))
            for k, v in n["props"].items():
                found.setdefault(("node", labels, k), Counter())[json.dumps(v, default=str)] += 1
        for r in snap.relationships:
            for k, v in r["props"].items():
                found.setdefault(("rel", r["type"], k), Counter())[json.dumps(v, default=str)] += 1
        return found

    va, vb = values(a), values(b)
    return frozenset(k for k in va.keys() | vb.keys() if va.get(k) != vb.get(k))


def difference(a: Counter[str], b: Counter[str], limit: int = 4) -> str:
    gone = list((a - b).elements())[:limit]
    new = list((b - a).elements())[:limit]
    return f"missing {gone}, unexpected {new}"


FIXTURE = parse_document(small_document())


def reset(db: Database, start: Counter[str] | None = None) -> Snapshot:
    """Back to the fixture graph; returns its snapshot.

    First the cheap way, a replace-import of the fixture (one transaction), which undoes what the
    service's writes do to members, organisations, skills, projects, events and introductions;
    when anything else differs from ``start`` (another label, a changed subsector), every node is
    deleted and the subsectors, the version stamp and the fixture are written again.
    """
    if start is not None:
        documents.import_document(db, FIXTURE, replace=True)
        snap = snapshot(db)
        if canonical(snap, mask=VERSION) == start:
            return snap
    while True:
        row = db.write(lambda tx: tx.one("graph/delete_all_batch", limit=5000), bump=False)
        if not row or int(row["deleted"]) < 5000:
            break
    db.write(lambda tx: tx.run("schema/ensure_meta"), bump=False)
    documents.ensure_subsectors(db)
    documents.import_document(db, FIXTURE)
    return snapshot(db)


# -- the operations -------------------------------------------------------------------------------
@dataclass
class Operation:
    method: str
    path: str
    parameters: list[dict[str, Any]] = field(default_factory=list)
    bodies: dict[str, Any] = field(default_factory=dict)  # media type -> schema
    body_required: bool = False

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


def operations(app: FastAPI) -> list[Operation]:
    """Every operation of the OpenAPI document, and every route kept out of it (path parameters only)."""
    spec = app.openapi()
    found: list[Operation] = []
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            body = op.get("requestBody") or {}
            found.append(Operation(method.upper(), path, shared + op.get("parameters", []),
                                   {k: v.get("schema", {}) for k, v in body.get("content", {}).items()},
                                   bool(body.get("required"))))
    known = {(o.method, o.path) for o in found}
    for route in _routes(app):
        path = getattr(route, "path", None)
        for method in sorted(getattr(route, "methods", None) or ()):
            if path is None or method == "HEAD" or (method, path) in known or path in _DOC_PAGES:
                continue
            params = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                      for p in re.findall(r"{(\w+)(?::\w+)?}", path)]
            found.append(Operation(method, re.sub(r"{(\w+):\w+}", r"{\1}", path), params))
            known.add((method, path))
    return found


_DOC_PAGES = ("/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc")


def _routes(app: FastAPI) -> list[Any]:
    try:  # FastAPI >= 0.165 nests included routers; this lists their routes with full paths
        from fastapi.routing import iter_route_contexts

        return list(iter_route_contexts(app.routes))
    except ImportError:
        return list(app.routes)


# -- schemas and baseline values ------------------------------------------------------------------
class Schemas:
    def __init__(self, spec: dict[str, Any]):
        self.components = spec.get("components", {}).get("schemas", {})

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        """Follow ``$ref``; of ``anyOf``/``oneOf`` take the first branch that is not null."""
        for _ in range(20):
            if "$ref" in schema:
                schema = {**self.components[schema["$ref"].rsplit("/", 1)[-1]],
                          **{k: v for k, v in schema.items() if k != "$ref"}}
            elif "anyOf" in schema or "oneOf" in schema:
                options = schema.get("anyOf", schema.get("oneOf", []))
                branches = [b for b in options if b.get("type") != "null"]
                rest = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")}
                schema = {**rest, **branches[0]} if branches else rest
            elif "allOf" in schema and len(schema["allOf"]) == 1:
                schema = {**{k: v for k, v in schema.items() if k != "allOf"}, **schema["allOf"][0]}
            else:
                return schema
        return schema

    @staticmethod
    def ref_name(schema: dict[str, Any]) -> str | None:
        ref = schema.get("$ref")
        return ref.rsplit("/", 1)[-1] if ref else None

    def kind(self, schema: dict[str, Any]) -> str:
        s = self.resolve(schema)
        if "type" in s:
            return str(s["type"])
        if "properties" in s:
            return "object"
        if "enum" in s:
            return "string"
        return "any"

    def fits(self, schema: dict[str, Any], value: Any) -> bool:
        s = self.resolve(schema)
        kind = self.kind(schema)
        if "enum" in s:
            return value in s["enum"]
        if kind == "string":
            low, high = s.get("minLength", 0), s.get("maxLength", 10**9)
            if not isinstance(value, str) or not low <= len(value) <= high:
                return False
            return not s.get("pattern") or re.search(s["pattern"], value) is not None
        if kind == "array":
            return isinstance(value, list) and all(self.fits(s.get("items", {}), v) for v in value)
        if kind == "integer":
            return isinstance(value, int) and not isinstance(value, bool)
        if kind == "boolean":
            return isinstance(value, bool)
        return True

    def baseline(self, schema: dict[str, Any], name: str, location: str) -> Any:
        """A valid value for a field (on the fixture graph): by name, else from its schema."""
        if (body := BASELINE_BODIES.get(self.ref_name(schema) or "")) is not None:
            return body()
        for key in (f"{name}@{location}", name):
            if key in BASELINE and self.fits(schema, BASELINE[key]):
                return BASELINE[key]
        s = self.resolve(schema)
        kind = self.kind(schema)
        if s.get("default") is not None:
            return s["default"]
        if "enum" in s:
            return s["enum"][0]
        if kind == "string":
            fmt = s.get("format")
            if fmt == "date":
                return "2025-01-01"
            if fmt == "date-time":
                return "2025-01-01T00:00:00Z"
            return next((c for c in FALLBACK_STRINGS if self.fits(s, c)), "baseline")
        if kind in ("integer", "number"):
            low = s.get("minimum", s.get("exclusiveMinimum", 0) + 1 if "exclusiveMinimum" in s else 1)
            return int(low) if kind == "integer" else float(low)
        if kind == "boolean":
            return False
        if kind == "array":
            return [self.baseline(s.get("items", {}), name, location)] if s.get("minItems") else []
        if kind == "object":
            props = s.get("properties", {})
            required = set(s.get("required", []))
            return {k: self.baseline(v, k, "body") for k, v in props.items()
                    if k in required or k in BASELINE or k + "@body" in BASELINE}
        return "baseline"

    def string_leaves(
        self, schema: dict[str, Any], name: str, path: tuple[Any, ...] = (),
        seen: frozenset[str] = frozenset(),
    ) -> Iterator[tuple[tuple[Any, ...], dict[str, Any], str]]:
        """(path, schema, field name) of every string inside a value of ``schema``; arrays at index 0."""
        ref = self.ref_name(schema)
        if ref in seen:
            return
        seen = seen | {ref} if ref else seen
        s = self.resolve(schema)
        kind = self.kind(schema)
        if kind == "string":
            yield path, schema, name
        elif kind == "array":
            yield from self.string_leaves(s.get("items", {}), name, (*path, 0), seen)
        elif kind == "object":
            for key, sub in s.get("properties", {}).items():
                yield from self.string_leaves(sub, key, (*path, key), seen)


def put(root: Any, path: tuple[Any, ...], value: Any, schemas: Schemas, schema: dict[str, Any]) -> Any:
    """A copy of ``root`` with ``value`` at ``path``, creating what is missing from the schema."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    s = schemas.resolve(schema)
    if isinstance(head, int):
        items = list(root) if isinstance(root, list) else []
        sub = s.get("items", {})
        if not items:
            items.append(schemas.baseline(sub, "", "body"))
        items[0] = put(items[0], rest, value, schemas, sub)
        return items
    obj = dict(root) if isinstance(root, dict) else {}
    sub = s.get("properties", {}).get(head, {})
    current = obj[head] if head in obj else schemas.baseline(sub, head, "body")
    obj[head] = put(current, rest, value, schemas, sub)
    return obj


# -- requests -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    operation: Operation
    where: str  # "path", "query", "header", "cookie", "body", "csv", "text"
    field: str  # a parameter name, a body path like members[0].name, or a CSV column
    media: str | None = None
    pointer: tuple[Any, ...] = ()

    @property
    def label(self) -> str:
        where = f"{self.where} ({self.media})" if self.media else self.where
        return f"{self.operation.label} {where} {self.field}"


def cases(app: FastAPI, schemas: Schemas) -> list[Case]:
    found = []
    for op in operations(app):
        for p in op.parameters:
            for pointer, _sub, _name in schemas.string_leaves(p.get("schema", {}), p["name"]):
                found.append(Case(op, p["in"], p["name"], pointer=pointer))
        for media, schema in op.bodies.items():
            if media in CSV_TYPES:
                found += [Case(op, "csv", column, media) for column in CSV_COLUMNS]
            if media in JSON_TYPES or media in FORM_TYPES:
                for pointer, _sub, _name in schemas.string_leaves(schema, ""):
                    text = "".join(f"[{x}]" if isinstance(x, int) else f".{x}" for x in pointer).lstrip(".")
                    found.append(Case(op, "body", text or "(body)", media, pointer))
            elif schemas.kind(schema) == "string":
                found.append(Case(op, "text", "(body)", media))
    return found


def baseline_csv(cell: tuple[str, str] | None = None) -> str:
    """The fixture's members as a spreadsheet; ``cell`` (column, value) replaces a cell of the first row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for i, m in enumerate(small_document()["members"]):
        row = {c: ";".join(m[c]) if isinstance(m.get(c), list) else m.get(c, "") for c in CSV_COLUMNS}
        if i == 0 and cell:
            row[cell[0]] = cell[1]
        writer.writerow([row[c] for c in CSV_COLUMNS])
    return out.getvalue()


def request(client: TestClient, schemas: Schemas, case: Case, value: str) -> int:
    """Send the operation's baseline request with ``value`` in the case's field; return the status."""
    op = case.operation
    path_values: dict[str, str] = {}
    query: dict[str, Any] = {}
    headers: dict[str, str] = {}
    cookies: dict[str, str] = {}
    for p in op.parameters:
        name, where, schema = p["name"], p["in"], p.get("schema", {})
        if case.where == where and case.field == name:
            v = put(schemas.baseline(schema, name, where), case.pointer, value, schemas, schema)
        elif where == "path" or p.get("required"):
            v = schemas.baseline(schema, name, where)
        else:
            continue
        if where == "path":
            path_values[name] = quote(str(v), safe="")
        elif where == "query":
            query[name] = v
        elif where == "header":
            headers[name] = str(v)
        elif where == "cookie":
            cookies[name] = str(v)
    url = op.path.format(**path_values)
    kwargs: dict[str, Any] = {"params": query, "headers": headers}
    media = case.media or next((m for m in op.bodies if m in JSON_TYPES), None) or (
        next(iter(op.bodies), None) if op.body_required else None)
    if media is not None:
        schema = op.bodies[media]
        if media in CSV_TYPES and case.where != "text":
            text = baseline_csv((case.field, value) if case.where == "csv" else None)
            kwargs["content"], headers["content-type"] = text.encode(), media
        elif media in JSON_TYPES or media in FORM_TYPES:
            body = schemas.baseline(schema, "", "body")
            if case.where == "body":
                body = put(body, case.pointer, value, schemas, schema)
            if media in JSON_TYPES:
                kwargs["json"] = body
            else:
                kwargs["data"] = {k: v for k, v in body.items() if v is not None}
        else:
            text = value if case.where == "text" else ""
            kwargs["content"], headers["content-type"] = text.encode(), media
    if cookies:
        client.cookies.clear()
        for k, v in cookies.items():
            client.cookies.set(k, v)
    try:
        return client.request(op.method, url, **kwargs).status_code
    finally:
        if cookies:
            client.cookies.clear()


def sent_value(case: Case, payload: str) -> str:
    """Path segments cannot hold '/': there the payload goes without its slashes, to reach the handler."""
    return payload.replace("/", "") if case.where == "path" else payload


# -- the test -------------------------------------------------------------------------------------
BATCH = 50  # requests that must not change the graph, checked together (one at a time when one did)


@dataclass
class Run:
    """Sends the cases and checks the graph after each, keeping it at the fixture graph.

    Requests that must leave the graph alone (GETs, and anything that failed) are checked in
    batches: one snapshot after up to ``BATCH`` of them, and when the graph did change, the batch
    is replayed from the fixture graph one request at a time to name the culprit.
    """

    client: TestClient
    db: Database
    schemas: Schemas
    now: Snapshot  # the graph before the next request (the fixture graph)
    start: Counter[str] = field(init=False)
    pending: list[tuple[Case, str]] = field(default_factory=list)
    marker_graphs: dict[str, tuple[int, Snapshot]] = field(default_factory=dict)
    masks: dict[str, Mask] = field(default_factory=dict)
    stored: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.start = canonical(self.now, mask=VERSION)

    def reset(self) -> None:
        self.now = reset(self.db, self.start)

    def send(self, case: Case, value: str) -> int:
        status = request(self.client, self.schemas, case, value)
        if status >= 500 or status == 429:
            self.failures.append(f"{case.label} = {value!r}: {status} "
                                 f"({'a server error' if status >= 500 else 'throttled: proves nothing'})")
        return status

    def check(self, case: Case, payload: str) -> None:
        value = sent_value(case, payload)
        status = self.send(case, value)
        if case.operation.method == "GET" or not 200 <= status < 300:
            self.pending.append((case, value))
            if len(self.pending) >= BATCH:
                self.flush()
            return
        # A write that succeeded: the graph must be the marker's, the payload read as the marker.
        unchecked, self.pending = self.pending, []
        after = snapshot(self.db)
        if not unchecked:
            self.written(case, value, status, after)
            return
        if canonical(after) != canonical(self.now):
            self.reset()
        if self.compare(case, value, after) is None:  # so the batch before it changed nothing either
            self.stored |= {case.label} if payload_in(after, value) else set()
            return
        self.replay([*unchecked, (case, value)])  # find out which request it was

    def written(self, case: Case, value: str, status: int, after: Snapshot) -> None:
        """Check the graph ``after`` a successful write against the marker's; back to the fixture."""
        if canonical(after) != canonical(self.now):
            self.reset()
        if problem := self.compare(case, value, after):
            self.failures.append(f"{case.label} = {value!r}: {status}, {problem}")
        if payload_in(after, value):
            self.stored.add(case.label)

    def flush(self) -> None:
        """Check the batch of requests that must not have changed the graph."""
        if not self.pending:
            return
        unchecked, self.pending = self.pending, []
        after = snapshot(self.db)
        if canonical(after) == canonical(self.now):
            self.now = after
        else:
            self.replay(unchecked)

    def replay(self, unchecked: list[tuple[Case, str]]) -> None:
        """From the fixture graph, one request at a time: name each one that changed the graph."""
        self.reset()
        for case, value in unchecked:
            status = self.send(case, value)
            after = snapshot(self.db)
            if case.operation.method != "GET" and 200 <= status < 300:
                self.written(case, value, status, after)
            elif canonical(after) != canonical(self.now):
                self.failures.append(f"{case.label} = {value!r}: {status}, and the graph changed: "
                                     f"{difference(canonical(self.now), canonical(after))}")
                self.reset()

    def compare(self, case: Case, value: str, after: Snapshot) -> str | None:
        """None when ``after`` is the marker's graph once the payload reads as the marker."""
        marker_status, marker_graph = self.marker(case)
        swap = (value, sent_value(case, MARKER))
        mine, theirs = canonical(after, swap=swap, mask=VERSION), canonical(marker_graph, mask=VERSION)
        if mine != theirs:
            mask = self.mask(case)
            mine, theirs = canonical(after, swap=swap, mask=mask), canonical(marker_graph, mask=mask)
        if mine == theirs:
            return None
        return f"and the graph differs from the marker's ({marker_status}): {difference(theirs, mine)}"

    def marker(self, case: Case) -> tuple[int, Snapshot]:
        """The graph after the request with the marker (once per field; the fixture graph again after)."""
        if case.label not in self.marker_graphs:
            status = request(self.client, self.schemas, case, sent_value(case, MARKER))
            self.marker_graphs[case.label] = (status, snapshot(self.db))
            self.reset()
        return self.marker_graphs[case.label]

    def mask(self, case: Case) -> Mask:
        """What varies between two runs of the marker request (generated ids, key material, times)."""
        if case.label not in self.masks:
            request(self.client, self.schemas, case, sent_value(case, MARKER))
            self.masks[case.label] = varying(self.marker_graphs[case.label][1], snapshot(self.db)) | VERSION
            self.reset()
        return self.masks[case.label]


def payload_in(snap: Snapshot, value: str) -> bool:
    """Whether the payload is stored somewhere, as (part of) a property value."""
    def holds(v: Any) -> bool:
        return (isinstance(v, str) and (value in v or value.lower() in v)) or (
            isinstance(v, list) and any(holds(x) for x in v))

    return any(holds(v) for item in (*snap.nodes, *snap.relationships) for v in item["props"].values())


@pytest.fixture
def api(client: TestClient, db: Database) -> Iterator[TestClient]:
    """The app as the ``client`` fixture serves it (same settings, same credentials), with rate limits
    raised so that a thousand requests in a row are not throttled, and server errors as 500s."""
    settings = client.app.state.settings  # type: ignore[attr-defined]  # TestClient.app is typed as a plain ASGI app
    generous = {"rate_limit_per_minute": 10_000_000, "rate_burst": 1_000_000,
                "login_attempts_per_minute": 100_000}
    known = type(settings).model_fields
    relaxed = settings.model_copy(update={k: v for k, v in generous.items() if k in known})
    with TestClient(create_app(relaxed, db), headers=dict(client.headers), follow_redirects=False,
                    raise_server_exceptions=False) as c:
        yield c


def test_payloads_in_every_string_field_change_nothing_but_the_data(api: TestClient, db: Database) -> None:
    schemas = Schemas(api.app.openapi())  # type: ignore[attr-defined]  # TestClient.app: a plain ASGI app
    all_cases = cases(api.app, schemas)  # type: ignore[arg-type]  # TestClient.app: a plain ASGI app
    run = Run(api, db, schemas, reset(db))
    for payload in PAYLOADS:
        for case in all_cases:
            run.check(case, payload)
    run.flush()
    total = len(all_cases) * len(PAYLOADS)
    failures = list(dict.fromkeys(run.failures))
    assert not failures, f"{len(failures)} of {total} requests failed:\n" + "\n".join(failures)
    # Not vacuous: free-text fields took the payloads all the way into the graph, as data.
    assert len(run.stored) >= 5, sorted(run.stored)


class OracleCheckBody(BaseModel):
    name: str


def test_the_oracle_catches_a_request_that_does_more_than_its_data(api: TestClient, db: Database) -> None:
    """The checks themselves, on routes that behave as a successful injection would: a read that
    deletes a member when its input holds a quote, and a write that stores its input as data (as it
    should) but also deletes a member when the input holds a quote. A third route stores the input
    and nothing else, and passes. (The routes are added to this test's app only.)"""
    app: FastAPI = api.app  # type: ignore[assignment]  # TestClient.app: a plain ASGI app

    def lose_a_node(text: str) -> None:
        if "'" in text:
            delete_member(db, "m-004")

    def rename(name: str) -> None:
        replace_member(db, get_member(db, "m-002").model_copy(update={"name": name}))

    @app.get("/oracle-check/read")
    def read(q: str) -> None:
        lose_a_node(q)

    @app.post("/oracle-check/write")
    def write(body: OracleCheckBody) -> None:
        rename(body.name)
        lose_a_node(body.name)

    @app.post("/oracle-check/clean")
    def clean(body: OracleCheckBody) -> None:
        rename(body.name)

    app.openapi_schema = None
    schemas = Schemas(app.openapi())
    checked = [c for c in cases(app, schemas) if c.operation.path.startswith("/oracle-check/")]
    assert [c.label for c in checked] == ["GET /oracle-check/read query q",
                                          "POST /oracle-check/write body (application/json) name",
                                          "POST /oracle-check/clean body (application/json) name"]
    run = Run(api, db, schemas, reset(db))
    for case in checked:
        run.check(case, PAYLOADS[0])
    run.flush()
    assert [f.split(" = ")[0] for f in run.failures] == [c.label for c in checked[:2]], run.failures
    assert "and the graph changed" in run.failures[0]
    assert "the graph differs from the marker's" in run.failures[1]
    assert run.stored == {checked[1].label, checked[2].label}


def test_the_enumeration_reaches_every_kind_of_field(api: TestClient) -> None:
    """A check of the enumeration itself, on the real app: every operation with a string parameter
    or a body has cases, and the places a hand-written list would forget are there."""
    schemas = Schemas(api.app.openapi())  # type: ignore[attr-defined]  # TestClient.app: a plain ASGI app
    found = cases(api.app, schemas)  # type: ignore[arg-type]  # TestClient.app: a plain ASGI app
    covered = {c.operation.label for c in found}
    for op in operations(api.app):  # type: ignore[arg-type]  # TestClient.app: a plain ASGI app
        strings = any(True for p in op.parameters
                      for _ in schemas.string_leaves(p.get("schema", {}), p["name"]))
        if strings or op.bodies:
            assert op.label in covered, op.label
    labels = {c.label for c in found}
    assert "GET /viz/assets/{name} path name" in labels  # a route kept out of the schema
    assert "POST /api/v1/import body (application/json) members[0].name" in labels  # nested, through $ref
    assert "POST /api/v1/import csv (text/csv) description" in labels  # a spreadsheet column
    assert "GET /api/v1/introductions query status" in labels  # an array of strings in the query
