"""A first load through Neo4j's offline importer: ``graph-service db bulk-load FILE``.

The online import (:func:`graph_service.store.documents.import_document`) writes through
transactions; ``neo4j-admin database import full`` builds the store files directly, many times
faster, but only into an empty database with the server stopped. :func:`bulk_load`:

1. refuses a database that holds cluster data (unless ``force``: it is then replaced);
2. checks the document as an online replace would (every problem at once, nothing written);
3. writes it as the importer's CSV files (:func:`write_csv`: one file per kind of node, labels
   and typed properties in the headers, one file per relationship type), the same nodes,
   labels, properties and relationships the online import writes;
4. stops the managed server, runs the importer from the same jars (``org.neo4j.cli.AdminTool
   database import full --overwrite-destination``) and starts the server again;
5. creates the schema (constraints and indexes, as at every start) and ends the load, which
   appends a "bulk" change record after the change counters of the old graph, so every
   running projection reads the whole graph again.

From step 4 the database is the new one: the CSV files hold a mark of an unfinished import
(the one a batched online import leaves, :func:`~graph_service.store.documents.unfinished_import`),
removed at step 5; a load cut off in between (the importer failed, the server did not start)
leaves a database that says so (``db start``, ``db status``, ``import``). Running the bulk load
again with ``--force`` starts over. If the importer itself fails the old store has already been
overwritten: keep a backup of a graph you may want back (``graph-service backup``).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from graph_service.domain import SUBSECTORS
from graph_service.errors import DocumentInvalid
from graph_service.interchange import Document, check_references
from graph_service.merge import Draft, check_draft
from graph_service.neo4j_server.managed import ADMIN_TOOL, ManagedServer, ServerError, lib_dir
from graph_service.settings import Settings
from graph_service.store import changes, documents
from graph_service.store.database import Database
from graph_service.store.readiness import Readiness

__all__ = ["BulkLoadError", "BulkLoadResult", "CsvFiles", "bulk_load", "importer_command", "whole_document",
           "write_csv"]

DATABASE: Final = "neo4j"
_LOG_LINES: Final = 30


class BulkLoadError(RuntimeError):
    """The bulk load was refused or failed; the message says why and what state the graph is in."""


@dataclass(slots=True)
class CsvFiles:
    """The importer's input: ``(labels, file)`` per kind of node, ``(type, file)`` per
    relationship type, how many of each were written, and whether a value spans lines."""

    folder: Path
    nodes: list[tuple[str, Path]] = field(default_factory=list)
    relationships: list[tuple[str, Path]] = field(default_factory=list)
    node_count: int = 0
    relationship_count: int = 0
    multiline: bool = False


@dataclass(frozen=True, slots=True)
class BulkLoadResult:
    """What a bulk load wrote, and how long each phase took (seconds)."""

    nodes: int
    relationships: int
    phases: dict[str, float]

    @property
    def seconds(self) -> float:
        return sum(self.phases.values())


# -- the CSV files -------------------------------------------------------------------------------
def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, list):
        return "string[]"
    return "string"


def _cell(value: Any) -> Any:
    """A value as the importer reads it: None is an empty (unquoted) cell, so no property."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(str(v) for v in value) if value else None  # no property, as for None
    return value


def _line(cells: Sequence[Any]) -> str:
    """One CSV line (RFC 4180 quoting): strings quoted, numbers as they are, None an empty cell."""
    out = []
    for c in cells:
        if c is None:
            out.append("")
        elif isinstance(c, str):
            out.append('"' + c.replace('"', '""') + '"')
        else:
            out.append(repr(c))
    return ",".join(out) + "\n"


class _Writer:
    """Writes the files into ``folder``; a string cell is always quoted (so an empty string stays
    one) and an empty cell is no property."""

    def __init__(self, folder: Path):
        self.files = CsvFiles(folder)

    def _write(self, name: str, header: list[str], rows: Iterable[Sequence[Any]]) -> tuple[Path, int]:
        path = self.files.folder / f"{name}.csv"
        count = 0
        with path.open("w", encoding="utf-8", newline="") as fh:
            fh.write(_line(header))
            for row in rows:
                cells = [_cell(v) for v in row]
                if not self.files.multiline:
                    self.files.multiline = any(isinstance(c, str) and ("\n" in c or "\r" in c) for c in cells)
                fh.write(_line(cells))
                count += 1
        return path, count

    def nodes(self, name: str, labels: str, group: str, records: Sequence[Mapping[str, Any]]) -> None:
        """Nodes of ``labels`` (``A;B``) whose ids are unique within ``group``; the other columns
        are the union of the records' keys, typed by the first value that is not None. A string id
        is the importer's id column (and the ``id`` property); any other id is a typed property
        beside an unnamed id column (the importer would store it as a string)."""
        if not records:
            return
        string_ids = all(isinstance(r["id"], str) for r in records)
        keys: dict[str, str] = {}
        for r in records:
            for k, v in r.items():
                if (k != "id" or not string_ids) and v is not None and k not in keys:
                    keys[k] = _type_of(v)
        for r in records:  # columns that are None everywhere
            for k in r:
                if k != "id":
                    keys.setdefault(k, "string")
        columns = list(keys)
        header = [f"id:ID({group})" if string_ids else f":ID({group})", ":LABEL",
                  *(f"{k}:{t}" for k, t in keys.items())]
        path, count = self._write(name, header, ([r["id"], labels, *(r.get(k) for k in columns)] for r in records))
        self.files.nodes.append((labels, path))
        self.files.node_count += count

    def relationships(self, kind: str, start: str, end: str, props: Mapping[str, str],
                      rows: Iterable[Sequence[Any]]) -> None:
        """Relationships of type ``kind`` from a node of id group ``start`` to one of ``end``:
        rows of (start id, end id, *the values of ``props``, a name -> type map)."""
        header = [f":START_ID({start})", f":END_ID({end})", *(f"{k}:{t}" for k, t in props.items())]
        path, count = self._write(f"rel-{kind.lower()}", header, rows)
        if count:
            self.files.relationships.append((kind, path))
            self.files.relationship_count += count
        else:
            path.unlink()


def write_csv(doc: Document, folder: Path, *, shard_positions: Sequence[int] = (),
              rows: int | None = None) -> CsvFiles:
    """Write ``doc`` (checked) as the importer's CSV files in ``folder``: the nodes and
    relationships the online import writes, the built-in subsectors, the change counters at
    ``shard_positions`` and the mark of an unfinished import (``rows`` rows)."""
    folder.mkdir(parents=True, exist_ok=True)
    w = _Writer(folder)
    w.nodes("subsectors", "Subsector", "Subsector", [
        {"id": s.id, "name": s.name, "nace": list(s.nace), "description": s.description} for s in SUBSECTORS])
    w.nodes("skills", "Skill", "Skill", [{"id": s.id, "name": s.name, "cross_cutting": s.subsector is None}
                                         for s in doc.skills])
    w.nodes("members", "Party;Member", "Party", [{"id": m.id, **documents.member_row(m)["props"]}
                                                 for m in doc.members])
    w.nodes("organisations", "Party;Organisation", "Party",
            [{"id": o.id, **documents.organisation_row(o)["props"]} for o in doc.organisations])
    w.nodes("projects", "Project", "Project", [{"id": p.id, **documents.project_row(p)["props"]}
                                               for p in doc.projects])
    w.nodes("events", "Event", "Event", [{"id": e.id, **documents.event_row(e)["props"]} for e in doc.events])
    w.nodes("introductions", "Introduction", "Introduction",
            [{"id": x.id, **documents.introduction_row(x)["props"]} for x in doc.introductions])
    # Not cluster data: the change counters, and the mark that the load has not ended yet.
    w.nodes("change-shards", "ChangeShard", "ChangeShard", [{"id": i, "n": n} for i, n in enumerate(shard_positions)])
    w.nodes("meta", "Meta", "Meta", [{"id": "import", "started": dt.datetime.now(dt.UTC), "replace": True,
                                      "rows": rows if rows is not None else 0}])

    w.relationships("OF_SUBSECTOR", "Skill", "Subsector", {},
                    ((s.id, s.subsector) for s in doc.skills if s.subsector is not None))
    w.relationships("OFFERS", "Party", "Skill", {"rank": "long"},
                    ((o.id, k, i) for o in doc.organisations for i, k in enumerate(o.skills)))
    w.relationships("IN_SUBSECTOR", "Party", "Subsector", {"rank": "long", "primary": "boolean"},
                    ((m.id, s, i, i == 0) for m in doc.members for i, s in enumerate(m.subsectors)))
    w.relationships("HAS_SKILL", "Party", "Skill", {"rank": "long"},
                    ((m.id, k, i) for m in doc.members for i, k in enumerate(m.skills)))
    for kind, weight in (("KNOWS", "strength"), ("COLLABORATED", "weight")):
        w.relationships(kind, "Party", "Party", {weight: "double", "since": "date", "confirmed": "boolean"},
                        ((t.source, t.target, t.weight, t.since, t.confirmed) for t in doc.ties
                         if t.kind == kind.lower()))
    # A skill listed twice counts once, at its last place (as the online import's MERGE leaves it).
    w.relationships("REQUIRES", "Project", "Skill", {"rank": "long"},
                    ((p.id, k, i) for p in doc.projects for k, i in {k: i for i, k in enumerate(p.requires)}.items()))
    w.relationships("WORKED_ON", "Party", "Project", {"rank": "long"},
                    ((m, p.id, i) for p in doc.projects for i, m in enumerate(p.team)))
    w.relationships("ATTENDED", "Party", "Event", {"rank": "long"},
                    ((m, e.id, i) for e in doc.events for i, m in enumerate(e.attendees)))
    w.relationships("INTRODUCES", "Introduction", "Party", {"side": "string"},
                    ((x.id, party, side) for x in doc.introductions for side, party in (("a", x.a), ("b", x.b))))
    members = {m.id for m in doc.members}
    w.relationships("FACILITATED_BY", "Introduction", "Party", {},
                    ((x.id, x.facilitator) for x in doc.introductions if x.facilitator in members))
    return w.files


# -- the importer ----------------------------------------------------------------------------------
def importer_command(settings: Settings, files: CsvFiles, *, heap: str = "1g",
                     off_heap: str = "2g") -> list[str]:
    """The ``neo4j-admin database import full`` command line of the managed server's jars."""
    server = ManagedServer(settings)
    cmd = [
        settings.java, f"-Xmx{heap}", "-cp", f"{server.plugins_dir}/*:{lib_dir(settings)}/*", ADMIN_TOOL,
        "database", "import", "full", DATABASE, "--overwrite-destination=true", "--id-type=string",
        "--array-delimiter=;", f"--max-off-heap-memory={off_heap}", "--skip-bad-relationships=false",
        "--bad-tolerance=0", f"--report-file={files.folder / 'import.report'}",
    ]
    if files.multiline:
        cmd.append("--multiline-fields=true")
    cmd += [f"--nodes={path}" for _labels, path in files.nodes]  # the labels are in the files
    cmd += [f"--relationships={kind}={path}" for kind, path in files.relationships]
    return cmd


def _run_importer(settings: Settings, files: CsvFiles, log: Callable[[str], None]) -> None:
    server = ManagedServer(settings)
    server.write_config()
    env = {**os.environ, "NEO4J_HOME": str(server.root), "NEO4J_CONF": str(server.conf_dir)}
    output = files.folder / "importer.log"
    with output.open("wb") as fh:
        proc = subprocess.run(importer_command(settings, files), stdout=fh, stderr=subprocess.STDOUT,
                              env=env, cwd=server.root)
    if proc.returncode != 0:
        tail = "\n".join(output.read_text(errors="replace").splitlines()[-_LOG_LINES:])
        raise BulkLoadError(f"neo4j-admin database import failed (exit {proc.returncode}); the database is "
                            f"left without the new graph (start over with --force):\n{tail}")
    log("neo4j-admin: " + _summary(output))


def _summary(output: Path) -> str:
    lines = [ln.strip() for ln in output.read_text(errors="replace").splitlines()]
    done = [ln for ln in lines if ln.startswith(("IMPORT DONE", "Imported:"))]
    return " ".join(done) or (lines[-1] if lines else "done")


# -- the whole load ----------------------------------------------------------------------------------
def whole_document(doc: Document | Draft) -> Document:
    """The document as a replace would write it (every record whole), or :class:`DocumentInvalid`
    with every problem; no database is needed."""
    if isinstance(doc, Draft):
        checked = check_draft(doc, {}, None, replace=True)
        if checked.problems:
            raise DocumentInvalid(checked.problems)
        return checked.document
    problems = check_references(doc)
    if problems:
        raise DocumentInvalid(problems)
    return doc


def bulk_load(
    settings: Settings,
    doc: Document | Draft,
    *,
    force: bool = False,
    log: Callable[[str], None] = print,
    work_dir: Path | None = None,
) -> BulkLoadResult:
    """Load ``doc`` into the managed server's database through the offline importer (see the
    module's description); ``doc`` is a checked document or a draft read from a file (its
    records must be whole, as for ``import --replace``). Raises :class:`DocumentInvalid`
    (nothing done) for a document that
    does not hold together, :class:`BulkLoadError` for a database that holds data (without
    ``force``), an external server, or a failed import."""
    if not settings.managed:
        raise BulkLoadError(f"NEO4J_URI is set ({settings.neo4j_uri}): a bulk load runs neo4j-admin on the "
                            "managed local server only; for another server, import online ('graph-service "
                            "import FILE --replace').")
    phases: dict[str, float] = {}
    began = time.monotonic()
    doc = whole_document(doc)  # DocumentInvalid: nothing done yet
    server = ManagedServer(settings)
    try:
        server.start(log=log)
    except ServerError as exc:
        raise BulkLoadError(str(exc)) from None
    db = Database(settings)
    try:
        Readiness().ensure(db)
        nodes, relationships = documents.cluster_size(db)
        if nodes and not force:
            raise BulkLoadError(f"the database is not empty ({nodes:,} nodes of cluster data, {relationships:,} "
                                "relationships): a bulk load is for a first load. Import online ('graph-service "
                                "import FILE'), or replace everything with --force.")
        old_positions = changes.positions(db)
    finally:
        db.close()
    rows = sum(len(getattr(doc, k)) for k in ("skills", "organisations", "members", "ties", "projects",
                                             "events", "introductions"))
    folder = Path(tempfile.mkdtemp(prefix="bulk-load-", dir=work_dir or settings.home))
    try:
        files = write_csv(doc, folder, shard_positions=old_positions, rows=rows)
        phases["convert"] = time.monotonic() - began
        log(f"Wrote {files.node_count:,} nodes and {files.relationship_count:,} relationships as CSV "
            f"in {phases['convert']:.1f} s; stopping Neo4j...")
        mark = time.monotonic()
        server.stop()
        phases["stop"] = time.monotonic() - mark
        mark = time.monotonic()
        _run_importer(settings, files, log)
        phases["import"] = time.monotonic() - mark
        mark = time.monotonic()
        try:
            server.start(log=log)
        except ServerError as exc:
            raise BulkLoadError(f"the import finished but Neo4j did not start again: {exc}") from None
        phases["start"] = time.monotonic() - mark
        mark = time.monotonic()
        db = Database(settings)
        try:
            Readiness().ensure(db)  # the constraints and indexes, built over the loaded graph
            documents.end_bulk_load(db)
        finally:
            db.close()
        phases["schema"] = time.monotonic() - mark
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return BulkLoadResult(files.node_count, files.relationship_count, phases)

