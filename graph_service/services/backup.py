"""Logical backup and restore of the whole graph, for the managed server and an external one alike.

A backup is one gzip-compressed JSON file::

    {"format": "graph-service-backup", "format_version": 1,
     "created": "2025-05-01T09:30:00+00:00", "neo4j": "Neo4j/5.26.x", "graph_version": 1234,
     "counts": {"nodes": {"Member": 300, ...}, "relationships": {"KNOWS": 1200, ...}},
     "data": {"document": {...the interchange document...},
              "introduction_updates": [...], "tie_introductions": [...], "impressions": [...],
              "anonymised_introductions": [...]},
     "sha256": "<hex>"}

``data.document`` is what ``export`` writes; the other lists hold what the interchange document
does not: when each introduction was last changed, which introduction created a knows tie, and
the suggestions shown to members (``SHOWN``), and the introductions whose member was erased
(:mod:`graph_service.services.privacy`: fewer than two parties, so not in the document, but still
counted by the KPIs). ``sha256`` is the SHA-256 of the canonical JSON of
every other field (keys sorted, no spaces, UTF-8), so a damaged or edited file is refused.

Taking a backup reads the graph in several transactions, so it checks the ``:Meta`` version stamp
before and after and starts again when a write came in between. It also checks, before writing
anything, that the backup covers the graph: every label, relationship type and property key must
be one this module knows how to restore, and the node and relationship counts that restoring the
file would produce must equal the graph's; otherwise it refuses (``BackupIncomplete``), unless
told to write it anyway, and then lists what is left out under ``omitted``. ``counts`` records
what the graph holds once the file is restored; a restore checks the graph against it at the end.

Restoring validates the whole file first (format, checksum, the document's references, the extra
lists against the document), then replaces the graph through the ordinary replace-import, with
the extra lists as further idempotent steps: up to ``SINGLE_TX_ROWS`` rows in one transaction
(all or nothing), beyond that one transaction per batch. A restore that was cut off can simply be
run again. The version stamp is not set back: it is a change counter that running services
compare with their in-memory projection, so it must only grow; the restore's own writes bump it.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graph_service.domain import ERASED_FACILITATOR, MANAGER, SUBSECTORS, IntroductionStatus
from graph_service.errors import DocumentInvalid
from graph_service.interchange import Document, Id, Response, SubsectorId, check_references
from graph_service.store import backup as store
from graph_service.store import documents
from graph_service.store.database import Database

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "BackupError",
    "BackupInvalid",
    "BackupIncomplete",
    "RestoreMismatch",
    "Counts",
    "BackupFile",
    "BackupInfo",
    "RestoreResult",
    "take_backup",
    "write_backup",
    "read_backup",
    "restore_backup",
    "graph_counts",
    "checksum",
]

FORMAT = "graph-service-backup"
FORMAT_VERSION = 2  # 2: anonymised_introductions (version 1 files are read as having none)
SNAPSHOT_ATTEMPTS = 5

# What a backup knows how to restore: every label and relationship type, with its property keys.
NODE_KEYS: dict[str, frozenset[str]] = {
    "Member": frozenset({"id", "name", "name_lower", "kind", "visibility", "city", "website", "email",
                         "languages", "description", "joined"}),
    "Organisation": frozenset({"id", "name", "cluster", "city", "website"}),
    "Subsector": frozenset({"id", "name", "nace", "description"}),
    "Skill": frozenset({"id", "name", "cross_cutting"}),
    "Project": frozenset({"id", "title", "kind", "client", "status", "start", "end"}),
    "Event": frozenset({"id", "title", "date", "format", "theme"}),
    "Introduction": frozenset({"id", "date", "status", "outcome", "facilitator", "a_response", "b_response",
                               "accepted_on", "met_on", "closed_on", "updated", "a_erased_subsector",
                               "b_erased_subsector"}),
    "Meta": frozenset({"id", "version"}),
}
NODE_KEYS["Party"] = NODE_KEYS["Member"] | NODE_KEYS["Organisation"]
# Deliberately not in backups: API keys are credentials, not cluster data, and backups travel
# further than the live graph (docs/security.md). A restore leaves them as they are.
NOT_BACKED_UP: frozenset[str] = frozenset({"ApiKey", "MapLayout", "IntroductionMail", "AnswerLink", "Change",
                                          "ChangeShard"})
"""Left out of backups: API keys (secrets, kept by a restore) and kept map layouts (how the graph
was drawn, not cluster data: a restored graph is laid out afresh or carries the layout kept there);
and the mailed introductions' records (when each side was mailed, the answer links already used:
the desk's working state, not cluster data; docs/workspace/messages.md); and the change records
with their counters (what the running processes follow, not cluster data)."""
RELATIONSHIP_KEYS: dict[str, frozenset[str]] = {
    "IN_SUBSECTOR": frozenset({"rank", "primary"}),
    "HAS_SKILL": frozenset({"rank"}),
    "OFFERS": frozenset({"rank"}),
    "OF_SUBSECTOR": frozenset(),
    "KNOWS": frozenset({"strength", "since", "confirmed", "introduction"}),
    "COLLABORATED": frozenset({"weight", "since", "confirmed"}),
    "REQUIRES": frozenset({"rank"}),
    "WORKED_ON": frozenset({"rank"}),
    "ATTENDED": frozenset({"rank"}),
    "INTRODUCES": frozenset({"side"}),
    "FACILITATED_BY": frozenset(),
    "SHOWN": frozenset({"count", "first", "last"}),
}


class BackupError(RuntimeError):
    """A backup could not be taken, read or restored; the message says why."""


class BackupInvalid(BackupError):
    """The file is not a backup this version can restore (format, checksum or content)."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = problems or []
        detail = "".join(f"\n  {p}" for p in self.problems[:50])
        more = f"\n  ... and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"{message}{detail}{more}")


class BackupIncomplete(BackupError):
    """The graph holds something a backup would not restore exactly; nothing was written."""


class RestoreMismatch(BackupError):
    """After a restore the graph's counts differ from those recorded in the backup."""


# -- the file's content ---------------------------------------------------------------------------
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IntroductionUpdate(_Strict):
    id: Id
    updated: date


class TieIntroduction(_Strict):
    source: Id
    target: Id
    introduction: str


class Impression(_Strict):
    member: Id
    shown: Id
    count: int = Field(ge=1)
    first: date | None = None
    last: date | None = None


class AnonymisedIntroduction(_Strict):
    """An introduction with an erased side (``a`` or ``b`` is null): status, dates, the erased
    side's primary subsector and the answer of a side that is still there."""

    id: Id
    a: Id | None = None
    b: Id | None = None
    a_erased_subsector: SubsectorId | None = None
    b_erased_subsector: SubsectorId | None = None
    facilitator: Id = MANAGER
    date: dt.date
    status: IntroductionStatus
    a_response: Response | None = None
    b_response: Response | None = None
    accepted_on: dt.date | None = None
    met_on: dt.date | None = None
    closed_on: dt.date | None = None

    def row(self) -> dict[str, Any]:
        """The row a restore writes (:func:`graph_service.store.backup.restore_graph`; a null side
        gets no link)."""
        props = self.model_dump(exclude={"id", "a", "b"})
        return {"id": self.id, "a": self.a, "b": self.b, "facilitator": self.facilitator, "props": props}


class Counts(_Strict):
    nodes: dict[str, int]
    relationships: dict[str, int]


class BackupData(_Strict):
    document: Document
    introduction_updates: list[IntroductionUpdate] = Field(default_factory=list)
    tie_introductions: list[TieIntroduction] = Field(default_factory=list)
    impressions: list[Impression] = Field(default_factory=list)
    anonymised_introductions: list[AnonymisedIntroduction] = Field(default_factory=list)


class BackupFile(_Strict):
    format: Literal["graph-service-backup"]
    format_version: int
    created: datetime
    neo4j: str | None = None
    graph_version: int
    counts: Counts = Field(description="What the graph holds once this backup is restored.")
    omitted: list[str] = Field(default_factory=list, description="What the graph held that this backup "
                               "does not restore (only with --allow-incomplete).")
    data: BackupData
    sha256: str

    def rows(self) -> int:
        """How many rows a restore writes (what its progress counts)."""
        doc = self.data.document
        return (sum(len(getattr(doc, k)) for k in ("skills", "organisations", "members", "ties", "projects",
                                                   "events", "introductions"))
                + len(self.data.introduction_updates) + len(self.data.tie_introductions)
                + len(self.data.impressions) + len(self.data.anonymised_introductions))


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    created: datetime
    graph_version: int
    counts: Counts
    omitted: list[str]
    bytes: int
    sha256: str
    seconds: float


@dataclass(frozen=True, slots=True)
class RestoreResult:
    created: datetime
    graph_version: int
    counts: Counts
    transactions: int
    seconds: float


def checksum(raw: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of every field but ``sha256``."""
    body = {k: v for k, v in raw.items() if k != "sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- what the graph holds -------------------------------------------------------------------------
def graph_counts(db: Database) -> Counts:
    """Nodes per label and relationships per type, as the graph holds them now."""
    counts = store.graph_counts(db)
    return Counts(nodes={label: n for label, n in counts.nodes.items() if label not in NOT_BACKED_UP},
                  relationships=counts.relationships)


def expected_counts(data: BackupData) -> Counts:
    """The counts a graph holds once ``data`` is restored (with the schema's subsectors and stamp)."""
    doc = data.document
    anonymised = data.anonymised_introductions
    nodes = Counter({
        "Member": len(doc.members), "Organisation": len(doc.organisations),
        "Party": len(doc.members) + len(doc.organisations), "Skill": len(doc.skills),
        "Project": len(doc.projects), "Event": len(doc.events),
        "Introduction": len(doc.introductions) + len(anonymised),
        "Subsector": len(SUBSECTORS), "Meta": 1,
    })
    rels = Counter({
        "IN_SUBSECTOR": sum(len(m.subsectors) for m in doc.members),
        "HAS_SKILL": sum(len(m.skills) for m in doc.members),
        "OFFERS": sum(len(o.skills) for o in doc.organisations),
        "OF_SUBSECTOR": sum(s.subsector is not None for s in doc.skills),
        "KNOWS": sum(t.kind == "knows" for t in doc.ties),
        "COLLABORATED": sum(t.kind == "collaborated" for t in doc.ties),
        "REQUIRES": sum(len(set(p.requires)) for p in doc.projects),
        "WORKED_ON": sum(len(p.team) for p in doc.projects),
        "ATTENDED": sum(len(e.attendees) for e in doc.events),
        "INTRODUCES": 2 * len(doc.introductions)
        + sum((x.a is not None) + (x.b is not None) for x in anonymised),
        "FACILITATED_BY": sum(f not in (MANAGER, ERASED_FACILITATOR)
                              for f in [*(x.facilitator for x in doc.introductions),
                                        *(x.facilitator for x in anonymised)]),
        "SHOWN": len(data.impressions),
    })
    return Counts(nodes={k: v for k, v in sorted(nodes.items()) if v},
                  relationships={k: v for k, v in sorted(rels.items()) if v})


def _differences(want: Counts, have: Counts, want_name: str, have_name: str) -> list[str]:
    out = []
    for kind, a, b in (("label", want.nodes, have.nodes), ("relationship type", want.relationships,
                                                             have.relationships)):
        for key in sorted(set(a) | set(b)):
            if a.get(key, 0) != b.get(key, 0):
                out.append(f"{kind} {key}: {a.get(key, 0)} {want_name}, {b.get(key, 0)} {have_name}")
    return out


def _uncovered(db: Database, counts: Counts) -> list[str]:
    """Labels, relationship types and property keys in the graph that a backup would not restore."""
    keys = store.property_keys(db)
    problems = [f"nodes labelled {label}" for label in counts.nodes if label not in NODE_KEYS]
    problems += [f"{t} relationships" for t in counts.relationships if t not in RELATIONSHIP_KEYS]
    for r in keys.nodes:
        if r["label"] in NOT_BACKED_UP:
            continue
        known = NODE_KEYS.get(r["label"])
        if known is not None and r["key"] not in known:
            problems.append(f"property '{r['key']}' of {r['label']} nodes")
    for t in keys.relationships:
        known = RELATIONSHIP_KEYS.get(t["type"])
        if known is not None and t["key"] not in known:
            problems.append(f"property '{t['key']}' of {t['type']} relationships")
    return sorted(set(problems))


# -- taking a backup ------------------------------------------------------------------------------
def _read_data(db: Database) -> BackupData:
    doc = documents.export_document(db)
    extras = store.read_extras(db)
    return BackupData(
        document=doc,
        introduction_updates=[IntroductionUpdate(**r) for r in extras.introduction_updates],
        tie_introductions=[TieIntroduction(**r) for r in extras.tie_introductions],
        impressions=[Impression(**r) for r in extras.impressions],
        anonymised_introductions=[AnonymisedIntroduction(**{k: v for k, v in r.items() if v is not None})
                                  for r in extras.anonymised_introductions],
    )


def take_backup(db: Database, *, allow_incomplete: bool = False) -> dict[str, Any]:
    """The whole graph as a backup object (JSON-ready, with its checksum), from one consistent state.

    Raises :class:`BackupIncomplete` when the graph holds something the backup would not restore
    exactly (unless ``allow_incomplete``), and :class:`BackupError` when writes kept coming in.
    """
    agent = db.ping()
    for _attempt in range(SNAPSHOT_ATTEMPTS):
        before = db.version()
        data = _read_data(db)
        counts = graph_counts(db)
        uncovered = _uncovered(db, counts)
        if db.version() != before:  # a write came in between: the parts may not fit together
            continue
        restored = expected_counts(data)
        omitted = [f"the graph holds {u}, which a backup does not restore" for u in uncovered]
        omitted += _differences(counts, restored, "in the graph", "after a restore")
        if omitted and not allow_incomplete:
            raise BackupIncomplete("A backup would not restore this graph exactly; nothing was written:\n  "
                                   + "\n  ".join(omitted))
        raw: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "neo4j": agent,
            "graph_version": before,
            "counts": restored.model_dump(),
            "omitted": omitted,
            "data": {
                "document": data.document.model_dump(mode="json", exclude_none=True),
                "introduction_updates": [r.model_dump(mode="json") for r in data.introduction_updates],
                "tie_introductions": [r.model_dump(mode="json") for r in data.tie_introductions],
                "impressions": [r.model_dump(mode="json", exclude_none=True) for r in data.impressions],
                "anonymised_introductions": [r.model_dump(mode="json", exclude_none=True)
                                             for r in data.anonymised_introductions],
            },
        }
        raw["sha256"] = checksum(raw)
        return raw
    raise BackupError(f"The graph changed during each of {SNAPSHOT_ATTEMPTS} attempts to back it up; "
                      "try again when fewer writes come in.")


def write_backup(db: Database, path: Path, *, allow_incomplete: bool = False) -> BackupInfo:
    """Take a backup and write it to ``path`` (gzip-compressed JSON); the file appears whole or not at all."""
    began = time.monotonic()
    raw = take_backup(db, allow_incomplete=allow_incomplete)
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as gz:
            gz.write(json.dumps(raw, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        with open(tmp, "rb") as written:
            os.fsync(written.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return BackupInfo(path, datetime.fromisoformat(raw["created"]), raw["graph_version"],
                      Counts.model_validate(raw["counts"]), raw["omitted"], path.stat().st_size,
                      raw["sha256"], time.monotonic() - began)


# -- reading and restoring ------------------------------------------------------------------------
def read_backup(path: Path) -> BackupFile:
    """Read and check a backup file: format, version, checksum, content. Nothing touches the graph."""
    path = Path(path)
    try:
        with gzip.open(path, "rb") as fh:
            raw = json.loads(fh.read().decode("utf-8"))
    except FileNotFoundError:
        raise BackupInvalid(f"{path}: no such file") from None
    except (OSError, EOFError, zlib.error) as exc:
        raise BackupInvalid(f"{path} is not a gzip-compressed backup, or it is truncated ({exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupInvalid(f"{path} does not hold valid JSON ({exc})") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise BackupInvalid(f"{path} is not a graph-service backup (no \"format\": \"{FORMAT}\")")
    version = raw.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION or version < 1:
        raise BackupInvalid(f"{path} has backup format version {version!r}; this service reads version "
                            f"{FORMAT_VERSION} (and older)")
    if raw.get("sha256") != checksum(raw):
        raise BackupInvalid(f"{path} fails its SHA-256 check: the file was damaged or edited")
    try:
        backup = BackupFile.model_validate(raw)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise BackupInvalid(f"{path} does not hold a valid backup:", problems) from None
    problems = [f"data.document.{p.loc}: {p.msg}" for p in check_references(backup.data.document)]
    problems += _extra_problems(backup.data)
    if problems:
        raise BackupInvalid(f"{path} does not hold a consistent graph:", problems)
    recorded = _differences(backup.counts, expected_counts(backup.data), "recorded", "in the data")
    if recorded:
        raise BackupInvalid(f"{path}: the recorded counts do not match its data:", recorded)
    return backup


def _extra_problems(data: BackupData) -> list[str]:
    doc = data.document
    members = {m.id for m in doc.members}
    parties = members | {o.id for o in doc.organisations}
    introductions = {x.id for x in doc.introductions}
    problems = []
    for i, x in enumerate(data.anonymised_introductions):
        where = f"data.anonymised_introductions[{i}]"
        if x.id in introductions:
            problems.append(f"{where}.id: introduction '{x.id}' is listed twice")
        introductions.add(x.id)
        if x.a is not None and x.b is not None:
            problems.append(f"{where}: both sides are there, so it belongs in the document")
        for side, party in (("a", x.a), ("b", x.b)):
            if party is not None and party not in parties:
                problems.append(f"{where}.{side}: no member or organisation '{party}'")
        if x.facilitator not in (MANAGER, ERASED_FACILITATOR) and x.facilitator not in members:
            problems.append(f"{where}.facilitator: no member '{x.facilitator}' (or 'manager', 'erased')")
    knows = {frozenset((t.source, t.target)) for t in doc.ties if t.kind == "knows"}
    for i, u in enumerate(data.introduction_updates):
        if u.id not in introductions:
            problems.append(f"data.introduction_updates[{i}].id: no introduction '{u.id}'")
    for i, t in enumerate(data.tie_introductions):
        if frozenset((t.source, t.target)) not in knows:
            problems.append(f"data.tie_introductions[{i}]: no knows tie between '{t.source}' "
                            f"and '{t.target}'")
    seen: set[tuple[str, str]] = set()
    for i, s in enumerate(data.impressions):
        if s.member not in members:
            problems.append(f"data.impressions[{i}].member: no member '{s.member}'")
        if s.shown not in parties:
            problems.append(f"data.impressions[{i}].shown: no member or organisation '{s.shown}'")
        if (s.member, s.shown) in seen:
            problems.append(f"data.impressions[{i}]: '{s.shown}' shown to '{s.member}' is listed twice")
        seen.add((s.member, s.shown))
    return problems


def restore_backup(
    db: Database,
    backup: BackupFile | Path,
    *,
    batch_size: int = 2000,
    progress: Callable[[str, int], None] | None = None,
) -> RestoreResult:
    """Replace the whole graph with ``backup`` (checked first), then check the counts it recorded."""
    began = time.monotonic()
    if not isinstance(backup, BackupFile):
        backup = read_backup(backup)
    data = backup.data
    try:
        result = store.restore_graph(
            db, data.document,
            anonymised_introductions=[x.row() for x in data.anonymised_introductions],
            introduction_updates=[u.model_dump(mode="json") for u in data.introduction_updates],
            tie_introductions=[t.model_dump(mode="json") for t in data.tie_introductions],
            impressions=[s.model_dump(mode="json") for s in data.impressions],
            batch_size=batch_size, progress=progress,
        )
    except DocumentInvalid as exc:  # read_backup checked the same, so only when called with a model
        raise BackupInvalid("the backup's document is not valid:",
                            [f"{p.loc}: {p.msg}" for p in exc.problems]) from None
    after = graph_counts(db)
    differences = _differences(backup.counts, after, "in the backup", "in the graph")
    if differences:
        raise RestoreMismatch("The restored graph does not match the backup:\n  " + "\n  ".join(differences))
    return RestoreResult(backup.created, backup.graph_version, after, result.transactions,
                         time.monotonic() - began)
