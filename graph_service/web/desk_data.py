"""The manager's data page (``/desk/data``): upload a workbook, CSV or JSON document, see what it
would change, confirm; and every download.

The upload and its confirmation
--------------------------------
An upload is read and checked at once, against the graph, by the API's own dry run
(:func:`graph_service.store.documents.preview_import`); nothing is written. The page shows, per
kind, how many records would be added, changed, left as they are and (for a replace) removed,
the first of them by name, and every problem placed by sheet, line and column in words.

To confirm, the browser sends back only a random id, never the file: the uploaded bytes are kept
on the server, in ``<home>/uploads/<id>.upload`` (mode 600) with a small record beside it saying
whose browser session it belongs to (a hash of the session's own secret), what kind of file it is,
merge or replace, and when it was uploaded. A confirmation from another session, an unknown or
malformed id, or one older than :data:`UPLOAD_TTL_S` finds nothing. The confirmed bytes are read
again and imported whole, checked once more inside the import (the graph may have changed since
the preview): nothing the browser sends is trusted as the file. The upload is deleted as soon as
it is imported or cancelled; uploads left behind are deleted when they expire. Keeping the bytes,
not a parsed object, means nothing is ever unpickled, and the file read twice is read by the same
code both times.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from graph_service.errors import DocumentInvalid
from graph_service.interchange import Document, Problem
from graph_service.merge import SECTIONS, Draft, SectionPlan, capped, read_draft
from graph_service.services import imports
from graph_service.store import documents
from graph_service.store.database import Database
from graph_service.web.exports import FORMATS
from graph_service.web.pages import nav_links, render_template

__all__ = [
    "UPLOAD_TTL_S",
    "FileKind",
    "Pending",
    "PendingUploads",
    "SectionChange",
    "Preview",
    "file_kind",
    "upload_errors",
    "read_upload",
    "preview",
    "apply",
    "in_words",
    "data_html",
    "preview_html",
    "result_html",
    "DOWNLOADS",
]

UPLOAD_TTL_S: Final = 30 * 60
"""How long an upload waits for its confirmation (seconds)."""
FIRST_ROWS: Final = 10
"""Records named per kind in the preview."""

FileKind = Literal["json", "csv", "xlsx"]
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def file_kind(filename: str) -> FileKind | None:
    """What an uploaded file holds, by its name's extension (None: not one the import reads)."""
    suffix = Path(filename or "").suffix.lower()
    return {".json": "json", ".csv": "csv", ".xlsx": "xlsx"}.get(suffix)  # type: ignore[return-value]  # the values are FileKinds


def upload_errors(filename: str, kind: FileKind | None, data: bytes, values: Mapping[str, str], *,
                  max_bytes: int) -> dict[str, str]:
    """The upload form's mistakes, by field (``file``, ``mode``, ``replace_confirmed``)."""
    errors: dict[str, str] = {}
    if not filename:
        errors["file"] = ("Choose the file to upload: a workbook (.xlsx), a member spreadsheet (.csv) or a "
                          "JSON document (.json).")
    elif filename.lower().endswith(".xls"):
        errors["file"] = ("An .xls workbook (Excel 97-2003) cannot be read: save it as an Excel workbook (.xlsx), "
                          "or as CSV, and upload that.")
    elif kind is None:
        errors["file"] = f"'{filename}' is not a file the import reads: upload an .xlsx, .csv or .json file."
    elif len(data) > max_bytes:
        errors["file"] = f"The file is larger than the import accepts ({max_bytes / (1 << 20):.0f} MiB)."
    elif not data:
        errors["file"] = f"'{filename}' is empty."
    mode = values.get("mode")
    if mode not in ("merge", "replace"):
        errors["mode"] = "Choose merge (add and change records) or replace (the cluster becomes exactly the file)."
    elif mode == "replace" and not values.get("replace_confirmed"):
        errors["replace_confirmed"] = ("Tick the box to confirm that everything the file does not hold is deleted, "
                                       "or choose merge.")
    return errors


# -- the uploads that wait for their confirmation -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pending:
    """An upload waiting for its confirmation."""

    token: str
    filename: str
    kind: FileKind
    replace: bool
    created: float
    data: bytes


class PendingUploads:
    """Uploads kept under ``root`` until confirmed, cancelled or expired, each bound to its owner
    (a browser session): see the module's docstring."""

    def __init__(self, root: Path, ttl_s: float = UPLOAD_TTL_S):
        self.root = root
        self.ttl_s = ttl_s

    @staticmethod
    def owner_of(secret: str) -> str:
        """The owner's mark: the SHA-256 of a secret of the session's own (never the secret)."""
        return hashlib.sha256(("upload-owner:" + secret).encode()).hexdigest()

    def _paths(self, token: str) -> tuple[Path, Path]:
        return self.root / f"{token}.upload", self.root / f"{token}.json"

    def purge(self, now: float | None = None) -> int:
        """Delete the uploads (and results) older than the time to live; how many."""
        now = time.time() if now is None else now
        gone = 0
        if not self.root.is_dir():
            return 0
        for path in self.root.iterdir():
            try:
                if now - path.stat().st_mtime > self.ttl_s:
                    path.unlink()
                    gone += 1
            except FileNotFoundError:  # deleted meanwhile by another request
                continue
        return gone

    def save(self, data: bytes, *, filename: str, kind: FileKind, replace: bool, owner: str) -> str:
        """Keep ``data`` for its confirmation; the random id that names it."""
        self.purge()
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        token = secrets.token_urlsafe(24)
        body, meta = self._paths(token)
        _write_private(body, data)
        _write_private(meta, json.dumps({"owner": owner, "filename": filename[:200], "kind": kind,
                                         "replace": replace, "created": time.time()}).encode())
        return token

    def _meta(self, token: str, owner: str) -> dict[str, Any] | None:
        if not _TOKEN.match(token or ""):
            return None
        _, meta_path = self._paths(token)
        try:
            meta: dict[str, Any] = json.loads(meta_path.read_bytes())
        except (FileNotFoundError, ValueError):
            return None
        if not hmac.compare_digest(str(meta.get("owner", "")), owner):
            return None
        if time.time() - float(meta.get("created", 0)) > self.ttl_s:
            self.discard(token)
            return None
        return meta

    def get(self, token: str, owner: str) -> Pending | None:
        """The upload ``token`` of ``owner``, or None (unknown, another's, expired or used)."""
        meta = self._meta(token, owner)
        if meta is None or "result" in meta:
            return None
        try:
            data = self._paths(token)[0].read_bytes()
        except FileNotFoundError:
            return None
        return Pending(token, str(meta["filename"]), meta["kind"], bool(meta["replace"]), float(meta["created"]), data)

    def finish(self, token: str, owner: str, result: Mapping[str, Any]) -> None:
        """The upload was imported: delete its bytes, keep what the import did for the result page."""
        body, meta_path = self._paths(token)
        meta = self._meta(token, owner) or {}
        body.unlink(missing_ok=True)
        _write_private(meta_path, json.dumps({**meta, "result": dict(result)}).encode())

    def result(self, token: str, owner: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """What the import of upload ``token`` did, and the upload's record; None if not known."""
        meta = self._meta(token, owner)
        if meta is None or "result" not in meta:
            return None
        return meta["result"], meta

    def discard(self, token: str) -> None:
        if _TOKEN.match(token or ""):
            for path in self._paths(token):
                path.unlink(missing_ok=True)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


# -- reading and previewing ------------------------------------------------------------------------


def read_upload(db: Database, data: bytes, kind: FileKind, where: str) -> Draft:
    """The upload as a draft, read as the API's import reads its body (skills by name for spreadsheets)."""
    if kind != "json":
        return imports.read_spreadsheet(db, data, kind)
    try:
        raw = json.loads(data.decode("utf-8-sig") or "null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DocumentInvalid([Problem(loc=where, msg=f"not valid JSON: {exc}")]) from None
    return read_draft(raw, where=where)


@dataclass(frozen=True, slots=True)
class SectionChange:
    """What an import would do to one kind of record, with the first records by name."""

    section: str
    added: int
    changed: int
    unchanged: int
    removed: int
    written: int
    first_added: list[str] = field(default_factory=list)
    first_changed: list[tuple[str, list[str]]] = field(default_factory=list)
    """(name, the fields that change)."""
    first_removed: list[str] = field(default_factory=list)
    first_written: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Preview:
    replace: bool
    sections: list[SectionChange]
    problems: list[str]
    total_problems: int
    detail: str

    @property
    def valid(self) -> bool:
        return self.total_problems == 0


_LABELS: Final = {"subsectors": "Subsectors", "skills": "Skills", "organisations": "Organisations",
                  "members": "Members", "ties": "Ties", "projects": "Projects and tenders", "events": "Events",
                  "introductions": "Introductions"}


def _title(record: Any) -> str | None:
    if isinstance(record, Mapping):
        for key in ("name", "title"):
            if isinstance(record.get(key), str) and record[key].strip():
                return str(record[key]).strip()
    return None


def _names(stored: Document, draft: Draft) -> dict[str, str]:
    """Every id's display name: the upload's first, else the graph's."""
    out: dict[str, str] = {}
    for section in ("skills", "organisations", "members", "projects", "events"):
        for r in getattr(stored, section):
            out[r.id] = getattr(r, "name", None) or getattr(r, "title", r.id)
    for section in ("skills", "organisations", "members", "projects", "events"):
        for raw in draft.sections.get(section, []):
            title = _title(raw)
            if title and isinstance(raw, Mapping) and isinstance(raw.get("id"), str):
                out[raw["id"]] = title
    return out


def _named(ident: str, names: Mapping[str, str]) -> str:
    name = names.get(ident)
    return f"{name} ({ident})" if name and name != ident else ident


def _pair(raw: Any, a: str, b: str, names: Mapping[str, str], extra: str = "") -> str:
    if not isinstance(raw, Mapping):
        return "a record"
    left, right = str(raw.get(a, "?")), str(raw.get(b, "?"))
    what = raw.get(extra) if extra else None
    return f"{names.get(left, left)} ↔ {names.get(right, right)}" + (f" ({what})" if what else "")


def _tie_key(source: str, target: str, kind: str) -> tuple[str, str, str]:
    return (min(source, target), max(source, target), kind)


def _stored_keys(stored: Document, section: str) -> list[Any]:
    """The key of every stored record of a section, to find those a replace removes."""
    if section == "ties":
        return [_tie_key(t.source, t.target, t.kind) for t in stored.ties]
    if section == "subsectors":
        return []  # the twelve subsectors are built in: a replace keeps them
    return [r.id for r in getattr(stored, section)]


def _given_keys(draft: Draft, section: str) -> set[Any]:
    keys: set[Any] = set()
    for raw in draft.sections.get(section, []):
        if not isinstance(raw, Mapping):
            continue
        if section == "ties":
            keys.add(_tie_key(str(raw.get("source")), str(raw.get("target")), str(raw.get("kind") or "knows")))
        elif isinstance(raw.get("id"), str):
            keys.add(raw["id"])
    return keys


def _section_change(section: str, plan: SectionPlan | None, draft: Draft, stored: Document, names: Mapping[str, str],
                    replace: bool) -> SectionChange:
    plan = plan or SectionPlan()
    removed: list[str] = []
    if replace:
        given = _given_keys(draft, section)
        for key in _stored_keys(stored, section):
            if key in given:
                continue
            if section == "ties":
                removed.append(f"{names.get(key[0], key[0])} ↔ {names.get(key[1], key[1])} ({key[2]})")
            else:
                removed.append(_named(str(key), names))
    written: list[str] = []
    if plan.written:
        rows = draft.sections.get(section, [])[:FIRST_ROWS]
        if section == "ties":
            written = [_pair(r, "source", "target", names, "kind") for r in rows]
        elif section == "introductions":
            written = [_pair(r, "a", "b", names, "status") for r in rows]
        else:
            written = [_title(r) or str(r.get("id", "")) if isinstance(r, Mapping) else "a record" for r in rows]
    return SectionChange(
        section=_LABELS.get(section, section), added=len(plan.created), changed=len(plan.updated),
        unchanged=plan.unchanged, removed=len(removed), written=plan.written,
        first_added=[_named(i, names) for i in plan.created[:FIRST_ROWS]],
        first_changed=[(_named(c.id, names), [f.field for f in c.changes]) for c in plan.updated[:FIRST_ROWS]],
        first_removed=removed[:FIRST_ROWS], first_written=written,
    )


_PLACE = re.compile(r"^(?:sheet (?P<sheet>\w+), )?(?:line (?P<line>\d+)|header)(?:, (?P<column>.+))?$")
_INDEXED = re.compile(r"^(?P<section>[a-z]+)\[(?P<index>\d+)\](?:\.(?P<field>.+))?$")


def _column(text: str) -> str:
    m = re.match(r"^([A-Za-z_]+)\[(\d+)\](.*)$", text)
    if m:
        return f"column {m.group(1)} (item {int(m.group(2)) + 1})"
    return f"column {text}"


def in_words(problem: Problem, *, spreadsheet: bool) -> str:
    """A problem with its place in words: ``Sheet members, line 4, column subsectors (item 1):
    unknown subsector 'gamng'``; a JSON document's ``members[3].name`` is ``members, record 4,
    field name``."""
    loc = problem.loc
    m = _PLACE.match(loc)
    if m and (m.group("line") or "header" in loc):
        parts = []
        if m.group("sheet"):
            parts.append(f"Sheet {m.group('sheet')}")
        parts.append(f"line {m.group('line')}" if m.group("line") else "the header row (line 1)")
        if m.group("column"):
            parts.append(_column(m.group("column")))
        where = ", ".join(parts)
        return where[0].upper() + where[1:] + f": {problem.msg}"
    m = _INDEXED.match(loc)
    if m and not spreadsheet:
        where = f"{m.group('section').capitalize()}, record {int(m.group('index')) + 1}"
        if m.group("field"):
            where += f", field {m.group('field')}"
        return f"{where}: {problem.msg}"
    if loc in ("workbook", "body", "header") or not loc:
        return problem.msg[0].upper() + problem.msg[1:]
    return f"{loc[0].upper() + loc[1:]}: {problem.msg}"


def preview(db: Database, stored: Document, draft: Draft, *, replace: bool, spreadsheet: bool) -> Preview:
    """What importing ``draft`` would do (the API's dry run), against ``stored`` (the graph as
    the manager sees it) for the names and for what a replace removes. Writes nothing."""
    plan = documents.preview_import(db, draft, replace=replace)
    names = _names(stored, draft)
    sections = [
        _section_change(s, plan.plan.get(s), draft, stored, names, replace)
        for s in SECTIONS if s in plan.plan or (replace and s != "subsectors")
    ]
    listed, detail = capped(plan.problems)
    return Preview(replace, [s for s in sections if s.added or s.changed or s.unchanged or s.removed or s.written],
                   [in_words(p, spreadsheet=spreadsheet) for p in listed], len(plan.problems),
                   detail if plan.problems else "The import would be accepted; nothing is written until you confirm.")


def refused(exc: DocumentInvalid, *, replace: bool, spreadsheet: bool) -> Preview:
    """The preview of a file that could not be read at all."""
    problems = exc.problems
    listed, detail = capped(problems)
    return Preview(replace, [], [in_words(p, spreadsheet=spreadsheet) for p in listed], len(problems), detail)


def apply(db: Database, draft: Draft, *, replace: bool, batch_size: int) -> dict[str, Any]:
    """Import ``draft`` (checked again, whole); what was written, for the result page."""
    result = documents.import_document(db, draft, replace=replace, batch_size=batch_size)
    return {"replaced": result.replaced, "counts": dict(result.counts), "transactions": result.transactions}


# -- pages -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Download:
    label: str
    href: str
    what: str


DOWNLOADS: Final[tuple[Download, ...]] = (
    Download("Workbook (.xlsx)", "/api/v1/export?format=xlsx",
             "One sheet per kind, in the import's columns (names beside the ids): edit it and upload it again."),
    Download("Members (.csv)", "/api/v1/export?format=csv", "The members, one row each, in the import's columns."),
    Download("Interchange document (.json)", "/api/v1/export?format=json",
             "Everything the cluster holds, for a backup or another tool."),
    Download("Gephi (.gexf)", "/api/v1/export?format=gexf",
             "The network with the map's colours and positions, communities and brokerage."),
    Download("GraphML (.graphml)", "/api/v1/export?format=graphml", "The same network, for yEd and other tools."),
    Download("Ties, with names (.csv)", "/desk/data/ties.csv",
             "Who knows or worked with whom, one row per tie, each side's name beside its id."),
    Download("Introductions, with names (.csv)", "/desk/data/introductions.csv",
             "Every introduction, its state and answers, with the two members' and the facilitator's names."),
    Download("Empty workbook template (.xlsx)", "/api/v1/import/template.xlsx",
             "The sheets and their columns, with a README sheet that explains every column."),
)
"""Every download: each export format, and the import's template."""
assert {d.href.rsplit("=", 1)[-1] for d in DOWNLOADS if "format=" in d.href} == set(FORMATS)


def _page(template: str, **context: Any) -> str:
    return render_template(template, inline=False, nav=nav_links("manager"), **context)


def data_html(*, errors: Mapping[str, str] | None = None, values: Mapping[str, str] | None = None,
              max_bytes: int, notice: str | None = None) -> str:
    """The upload form and the downloads."""
    return _page("desk_data.html.j2", errors=dict(errors or {}), values=dict(values or {}), downloads=DOWNLOADS,
                 max_mib=max_bytes / (1 << 20), notice=notice)


def preview_html(result: Preview, *, filename: str, token: str | None) -> str:
    """What the upload would change, and the confirmation (when it would be accepted)."""
    return _page("desk_data_preview.html.j2", preview=result, filename=filename, token=token)


def result_html(result: Mapping[str, Any], *, filename: str) -> str:
    counts: Mapping[str, int] = result.get("counts", {})
    rows = [(_LABELS.get(s, s), counts[s]) for s in SECTIONS if counts.get(s)]
    return _page("desk_data_result.html.j2", result=result, rows=rows, filename=filename)

