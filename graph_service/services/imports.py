"""Reading what is imported: interchange documents (JSON), member spreadsheets (CSV) and
workbooks (``.xlsx``), from files or request bodies.

Each becomes a :class:`~graph_service.merge.Draft`: the records as given, checked (with every
problem at once) by the import itself, against the graph. Spreadsheets are read by
:mod:`graph_service.services.spreadsheets` (cells as people write them: display names, any case,
day-first dates); a spreadsheet's skills may be named by display name, so the graph's skills are
read first (:func:`known_skills`). JSON documents take ids only, as the models define them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final, Literal

from graph_service.errors import DocumentInvalid
from graph_service.interchange import Problem
from graph_service.merge import Draft, read_draft
from graph_service.services import spreadsheets
from graph_service.store import taxonomy
from graph_service.store.database import Database

__all__ = [
    "CSV_COLUMNS",
    "CSV_MEDIA_TYPES",
    "XLSX_MEDIA_TYPE",
    "BodyKind",
    "body_kind",
    "known_skills",
    "parse_members_csv",
    "read_spreadsheet",
    "read_document_file",
    "csv_problems",
]

CSV_COLUMNS: Final[tuple[str, ...]] = spreadsheets.MEMBER_COLUMNS
"""The member spreadsheet's columns (the workbook's members sheet)."""
CSV_MEDIA_TYPES: Final = ("text/csv", "application/csv")
XLSX_MEDIA_TYPE: Final = spreadsheets.XLSX_MEDIA_TYPE
_XLS_MEDIA_TYPE: Final = "application/vnd.ms-excel"
_XLS_REFUSED: Final = ("an .xls workbook (Excel 97-2003) cannot be read: save it as an Excel workbook (.xlsx), "
                       "or as CSV")

BodyKind = Literal["json", "csv", "xlsx", "xls"]


def body_kind(content_type: str) -> BodyKind:
    """What a request body holds, by its ``Content-Type`` (JSON unless it says otherwise)."""
    media = content_type.split(";")[0].strip().lower()
    if media in CSV_MEDIA_TYPES:
        return "csv"
    if media == XLSX_MEDIA_TYPE:
        return "xlsx"
    if media == _XLS_MEDIA_TYPE:
        return "xls"
    return "json"


def known_skills(db: Database) -> dict[str, str]:
    """The graph's skills, id -> display name: a spreadsheet may name them either way."""
    return {s["id"]: s["name"] for s in taxonomy.list_skills(db)}


def parse_members_csv(text: str | bytes, skills: Mapping[str, str] | None = None) -> Draft:
    """A member spreadsheet (one row per member; ``,`` or ``;``; lists separated by ``;``) as a draft.

    Only the columns present count: an absent column keeps what the graph holds (a merge), an
    empty cell in a present column clears the field (a field with a default, such as
    ``visibility``, goes back to it: ``private``, consent closed until given), and a list column
    replaces the list. Problems are placed by spreadsheet line, e.g. ``line 14, subsectors[0]``.
    Bytes are UTF-8 (with or without a BOM) or else Windows-1252. ``skills`` (id -> name) lets
    the cells name skills by display name. Raises :class:`DocumentInvalid` only when the file
    cannot be read as CSV at all.
    """
    return spreadsheets.read_members_csv(text, skills)


def read_spreadsheet(db: Database | None, data: bytes, kind: BodyKind) -> Draft:
    """A request body that is a spreadsheet (``csv`` or ``xlsx``) as a draft; ``db`` gives the
    skills cells may name by display name. Raises :class:`DocumentInvalid` for a file that
    cannot be read at all (not CSV, not a workbook, an ``.xls``)."""
    if kind == "xls":
        raise DocumentInvalid([Problem(loc="body", msg=_XLS_REFUSED)])
    skills = known_skills(db) if db is not None else {}
    if kind == "xlsx":
        return spreadsheets.read_workbook(data, skills)
    return spreadsheets.read_members_csv(data, skills)


def csv_problems(exc: DocumentInvalid) -> DocumentInvalid:
    """The same problems, placed by spreadsheet line instead of document index (for a checked
    document of a member spreadsheet's rows; a spreadsheet's draft places its problems itself)."""
    return DocumentInvalid([_csv_problem(p) for p in exc.problems])


def _csv_problem(p: Problem) -> Problem:
    m = re.match(r"^members\[(\d+)\]\.?(.*)$", p.loc)
    if not m:
        return p
    line = int(m.group(1)) + 2  # the header is line 1
    return Problem(loc=f"line {line}" + (f", {m.group(2)}" if m.group(2) else ""), msg=p.msg)


def read_document_file(
    path: Path,
    db: Database | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> Draft:
    """Read a file as given, by its extension: ``.csv`` a member spreadsheet, ``.xlsx`` a
    workbook (``progress(kind, rows)`` as its rows are read), anything else a JSON document.
    ``db`` gives the skills a spreadsheet may name by display name."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise DocumentInvalid([Problem(loc=str(path), msg=_XLS_REFUSED)])
    if suffix in (".csv", ".xlsx"):
        skills = known_skills(db) if db is not None else {}
        if suffix == ".xlsx":
            return spreadsheets.read_workbook(path, skills, progress)
        return spreadsheets.read_members_csv(path.read_bytes(), skills)
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentInvalid([Problem(loc=str(path), msg=f"not valid JSON: {exc}")]) from None
    return read_draft(data, where=str(path))
