"""Reading interchange documents and member spreadsheets from files or request bodies."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from graph_service.errors import DocumentInvalid
from graph_service.interchange import Document, Problem, parse_document

__all__ = ["CSV_COLUMNS", "parse_members_csv", "read_document_file", "csv_problems"]

CSV_COLUMNS = ("id", "name", "kind", "subsectors", "skills", "visibility", "city", "website",
               "languages", "description", "joined")
_LIST_COLUMNS = ("subsectors", "skills", "languages")
_REQUIRED = ("id", "name", "subsectors")


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def parse_members_csv(text: str) -> Document:
    """A member spreadsheet (one row per member; lists separated by ``;``) as a document.

    Problems are reported by spreadsheet line and column, e.g. ``line 14, subsectors[0]``. An
    empty cell takes the field's default; for ``visibility`` that is ``private`` (consent is
    closed until the member gives it).
    """
    # newline="": the csv module handles line endings itself (also inside quoted cells).
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
        rows = list(reader)
    except csv.Error as exc:  # e.g. a stray carriage return, or a cell past the size limit
        problem = Problem(loc=f"line {reader.line_num + 1}", msg=f"not a valid CSV file: {exc}")
        raise DocumentInvalid([problem]) from None
    problems = [Problem(loc="header", msg=f"missing column '{c}'") for c in _REQUIRED if c not in header]
    problems += [Problem(loc="header", msg=f"unknown column '{c}' (expected some of {', '.join(CSV_COLUMNS)})")
                 for c in header if c not in CSV_COLUMNS]
    if problems:
        raise DocumentInvalid(problems)
    members: list[dict[str, Any]] = []
    for row in rows:
        member: dict[str, Any] = {}
        for key, value in row.items():
            if key is None or value is None:
                continue
            key, value = key.strip(), value.strip()
            if not value:
                continue
            member[key] = _split(value) if key in _LIST_COLUMNS else value
        members.append(member)
    try:
        return parse_document({"members": members})
    except DocumentInvalid as exc:
        raise csv_problems(exc) from None


def csv_problems(exc: DocumentInvalid) -> DocumentInvalid:
    """The same problems, placed by spreadsheet line instead of document index."""
    return DocumentInvalid([_csv_problem(p) for p in exc.problems])


def _csv_problem(p: Problem) -> Problem:
    m = re.match(r"^members\[(\d+)\]\.?(.*)$", p.loc)
    if not m:
        return p
    line = int(m.group(1)) + 2  # the header is line 1
    return Problem(loc=f"line {line}" + (f", {m.group(2)}" if m.group(2) else ""), msg=p.msg)


def read_document_file(path: Path) -> Document:
    """Read a JSON interchange document or a CSV member spreadsheet (by extension)."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        return parse_members_csv(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentInvalid([Problem(loc=str(path), msg=f"not valid JSON: {exc}")]) from None
    if not isinstance(data, dict):
        raise DocumentInvalid([Problem(loc=str(path), msg="the document must be a JSON object")])
    return parse_document(data)
