"""Reading interchange documents and member spreadsheets from files or request bodies.

Both become a :class:`~graph_service.merge.Draft`: the records as given, checked (with every
problem at once) by the import itself, against the graph.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from graph_service.errors import DocumentInvalid
from graph_service.interchange import Problem
from graph_service.merge import Draft, read_draft

__all__ = ["CSV_COLUMNS", "parse_members_csv", "read_document_file", "csv_problems"]

CSV_COLUMNS = ("id", "name", "kind", "subsectors", "skills", "visibility", "city", "website",
               "languages", "description", "joined")
_LIST_COLUMNS = ("subsectors", "skills", "languages")
_REQUIRED = ("id",)  # name and subsectors too, for a member that does not exist yet


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def parse_members_csv(text: str) -> Draft:
    """A member spreadsheet (one row per member; lists separated by ``;``) as a draft.

    Only the columns present count: an absent column keeps what the graph holds (a merge), an
    empty cell in a present column clears the field (a field with a default, such as
    ``visibility``, goes back to it: ``private``, consent closed until given), and a list column
    replaces the list. Problems are placed by spreadsheet line, e.g. ``line 14, subsectors[0]``.
    Raises :class:`DocumentInvalid` only when the file cannot be read as CSV at all.
    """
    # newline="": the csv module handles line endings itself (also inside quoted cells).
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows: list[dict[str | Any, str | Any]] = []
    lines: list[int] = []
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
        start = reader.line_num + 1
        for row in reader:
            rows.append(row)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:  # e.g. a stray carriage return, or a cell past the size limit
        problem = Problem(loc=f"line {reader.line_num + 1}", msg=f"not a valid CSV file: {exc}")
        raise DocumentInvalid([problem]) from None
    problems = [Problem(loc="header", msg=f"missing column '{c}'") for c in _REQUIRED if c not in header]
    problems += [Problem(loc="header", msg=f"unknown column '{c}' (expected some of {', '.join(CSV_COLUMNS)})")
                 for c in header if c not in CSV_COLUMNS]
    if "id" not in header:
        return Draft({}, problems)
    members: list[dict[str, Any]] = []
    for row in rows:
        member: dict[str, Any] = {}
        for key, value in row.items():
            if key is None or value is None:  # cells past the header's columns, or missing at the end
                continue
            key, value = key.strip(), value.strip()
            if key not in CSV_COLUMNS:
                continue  # reported once, in the header
            if not value:
                member[key] = None  # a present column's empty cell clears the field
            else:
                member[key] = _split(value) if key in _LIST_COLUMNS else value
        members.append(member)
    return Draft({"members": members}, problems, lines=tuple(lines))


def csv_problems(exc: DocumentInvalid) -> DocumentInvalid:
    """The same problems, placed by spreadsheet line instead of document index."""
    return DocumentInvalid([_csv_problem(p) for p in exc.problems])


def _csv_problem(p: Problem) -> Problem:
    m = re.match(r"^members\[(\d+)\]\.?(.*)$", p.loc)
    if not m:
        return p
    line = int(m.group(1)) + 2  # the header is line 1
    return Problem(loc=f"line {line}" + (f", {m.group(2)}" if m.group(2) else ""), msg=p.msg)


def read_document_file(path: Path) -> Draft:
    """Read a JSON interchange document or a CSV member spreadsheet (by extension), as given."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        return parse_members_csv(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentInvalid([Problem(loc=str(path), msg=f"not valid JSON: {exc}")]) from None
    return read_draft(data, where=str(path))
