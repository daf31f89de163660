"""Spreadsheets as people write them: the one definition of the workbook's sheets and columns,
the CSV and ``.xlsx`` readers, the cell normalisation and the workbook writer.

(About 1,000 lines, over the project's 500, on purpose for now: the round trip holds only while
the column definitions, the cell reading and the deterministic writer agree, so they are read
and changed together here; the sections below -- columns, cells, draft, CSV, .xlsx, writing --
are the seams to split it along into a package.)

Import and export share :data:`SHEETS`, so a workbook exported, edited in Excel and imported
again is a round trip, and the downloadable template has exactly the export's columns.

Reading: each row becomes a record *as given* (an absent column is left out, an empty cell in a
present column is ``None``), with its cells normalised first (trimmed; enumerations in any case;
subsectors and skills by id or display name; ISO or day-first dates, and Excel's date cells;
numbers with ``.`` or ``,``; true/false, yes/no, 1/0), so that the interchange models stay strict
for JSON. A cell that cannot be read is handed to the models as :class:`Unreadable`, which they
refuse at its place; the reason, in the words of the sheet, replaces theirs
(:class:`SpreadsheetDraft`). Every problem is then placed by sheet, line and column.

Nothing here queries the database: the caller passes the skills the graph holds.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final, Literal, get_args

from graph_service.domain import (
    OTHER_CLUSTERS,
    SUBSECTORS,
    EventFormat,
    MemberKind,
    ProjectKind,
    ProjectStatus,
    TieKind,
    Visibility,
)
from graph_service.errors import DocumentInvalid
from graph_service.interchange import Document, MemberRecord, Problem
from graph_service.merge import Draft

__all__ = [
    "XLSX_MEDIA_TYPE",
    "LIST_SEPARATOR",
    "ColumnKind",
    "Column",
    "Sheet",
    "SHEETS",
    "SHEET_BY_NAME",
    "MEMBER_COLUMNS",
    "README_SHEET",
    "MAX_UNPACKED_BYTES",
    "Unreadable",
    "SpreadsheetDraft",
    "Normaliser",
    "decode_text",
    "sniff_delimiter",
    "read_members_csv",
    "WorkbookReader",
    "open_workbook",
    "read_workbook",
    "cell_value",
    "members_csv",
    "write_workbook",
    "write_template",
]

XLSX_MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_SEPARATOR: Final = ";"
README_SHEET: Final = "README"
MAX_UNPACKED_BYTES: Final = 2 << 30
"""A workbook that unpacks to more than this (2 GiB) is refused before it is read."""

ColumnKind = Literal["id", "ids", "text", "long-text", "choice", "subsector", "subsectors", "skills", "date",
                     "number", "boolean", "url", "languages", "cluster"]

_KIND_TYPES: Final[dict[str, str]] = {
    "id": "id: letters, digits, '.', '_' or '-', at most 64 characters (case matters)",
    "ids": "list of member or organisation ids, separated by ';'",
    "text": "text, 1-200 characters",
    "long-text": "text, at most 2,000 characters",
    "choice": "one of the allowed values, in any case",
    "subsector": "a subsector: its id or display name, in any case",
    "subsectors": "list of subsectors (ids or display names, in any case), separated by ';'",
    "skills": "list of skills (ids or display names, in any case), separated by ';'",
    "date": "date: 2024-03-15 or 15/03/2024 (day first), or a date cell",
    "number": "number (a decimal point or comma)",
    "boolean": "true or false (also yes/no, 1/0), in any case",
    "url": "web address starting with http:// or https://",
    "languages": "list of ISO 639 language codes (2-3 letters), separated by ';'",
    "cluster": "the cluster's name, in lower case",
}


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name (the interchange field's), how its cells are read, and what the
    template says about it."""

    name: str
    kind: ColumnKind
    description: str
    example: str = ""
    required: str = "no"
    """``yes`` (always), ``new`` (for a record the graph does not hold yet) or ``no``."""
    allowed: tuple[str, ...] = ()
    default: str = ""

    @property
    def type_text(self) -> str:
        return _KIND_TYPES[self.kind]


@dataclass(frozen=True, slots=True)
class Sheet:
    """One sheet: the records of one section of the interchange document."""

    name: str
    noun: str
    description: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...] = ("id",)
    """The columns a sheet must have to be read at all."""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _choices(literal: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in get_args(literal))


_ID_HELP: Final = "Unique among members and organisations."
_PARTIES: Final = "ids of members or organisations"

_MEMBERS = Sheet("members", "member", "The cluster's members, one row each.", (
    Column("id", "id", _ID_HELP, "m-101", "yes"),
    Column("name", "text", "Display name.", "Atelier Kass", "new"),
    Column("kind", "choice", "What kind of member.", "Company", allowed=_choices(MemberKind), default="company"),
    Column("subsectors", "subsectors", "The subsectors the member is active in, with no repeats; the first is "
           "the primary subsector.", "Design;crafts-manufacturing", "new"),
    Column("skills", "skills", "Skills the member offers (in the skills sheet or the graph already).",
           "project-management;Unity development"),
    Column("visibility", "choice", "Who may see the member: private (the manager only), members (other members "
           "too), public (anyone). Consent is closed by default.", "members", allowed=_choices(Visibility),
           default="private"),
    Column("city", "text", "", "Differdange"),
    Column("website", "url", "", "https://atelier.example.lu"),
    Column("languages", "languages", "", "lb;fr;en"),
    Column("description", "long-text", "", "Small-series furniture, prototypes"),
    Column("joined", "date", "When the member joined the cluster.", "15/03/2024"),
))

_TIES = Sheet("ties", "tie", "Who knows or worked with whom, one row per pair and kind (undirected).", (
    Column("source", "id", "A member or organisation (the side that recorded the tie).", "m-101", "yes"),
    Column("target", "id", "Another member or organisation; at least one of the two is a member.", "m-102", "yes"),
    Column("kind", "choice", "", "knows", allowed=_choices(TieKind), default="knows"),
    Column("weight", "number", "Strength of the tie, more than 0 and at most 1.", "0.8", default="1"),
    Column("since", "date", "When the tie began.", "01/06/2022"),
    Column("confirmed", "boolean", "Whether the other side (target) has confirmed the tie.", "true",
           default="true"),
), keys=("source", "target"))

_PROJECTS = Sheet("projects", "project", "Past projects and calls for tender, one row each.", (
    Column("id", "id", "Unique among projects.", "p-101", "yes"),
    Column("title", "text", "", "Driving-simulator UX", "new"),
    Column("kind", "choice", "A project, or a call for tender.", "tender", allowed=_choices(ProjectKind),
           default="project"),
    Column("requires", "skills", "The skills it needs, in order.", "Unity development;sound-design"),
    Column("team", "ids", f"Who worked on it ({_PARTIES}), in order, with no repeats.", "m-101;m-102"),
    Column("client", "text", "", "Example Mobility S.A."),
    Column("status", "choice", "", "open", allowed=_choices(ProjectStatus), default="completed"),
    Column("start", "date", "", "09/01/2023"),
    Column("end", "date", "Not before start.", "31/07/2023"),
))

_EVENTS = Sheet("events", "event", "Events and who attended them, one row each.", (
    Column("id", "id", "Unique among events.", "e-101", "yes"),
    Column("title", "text", "", "Creative Industries Networking Night", "new"),
    Column("date", "date", "", "17/10/2024", "new"),
    Column("format", "choice", "", "round-table", allowed=_choices(EventFormat), default="networking"),
    Column("theme", "text", "", "heritage"),
    Column("attendees", "ids", f"Who attended ({_PARTIES}), with no repeats.", "m-101;m-102;o-01"),
))

_ORGANISATIONS = Sheet("organisations", "organisation", "Organisations of the other national clusters.", (
    Column("id", "id", _ID_HELP, "o-01", "yes"),
    Column("name", "text", "", "Example Mobility S.A.", "new"),
    Column("cluster", "cluster", "The national cluster it belongs to, for example " + ", ".join(OTHER_CLUSTERS)
           + ".", "automobility", "new"),
    Column("city", "text", "", "Bissen"),
    Column("website", "url", "", "https://mobility.example.lu"),
    Column("skills", "skills", "The skills the organisation offers.", "Unity development"),
))

_SKILLS = Sheet("skills", "skill", "The skills members offer and projects need.", (
    Column("id", "id", "Unique among skills.", "unity", "yes"),
    Column("name", "text", "Display name (the members and projects sheets may use it instead of the id).",
           "Unity development", "new"),
    Column("subsector", "subsector", "The subsector the skill belongs to; empty for a cross-cutting skill.",
           "Gaming"),
))

SHEETS: Final[tuple[Sheet, ...]] = (_MEMBERS, _TIES, _PROJECTS, _EVENTS, _ORGANISATIONS, _SKILLS)
"""The workbook's sheets, in the order the export writes them; each is a section of the document."""
SHEET_BY_NAME: Final[dict[str, Sheet]] = {s.name: s for s in SHEETS}
MEMBER_COLUMNS: Final[tuple[str, ...]] = _MEMBERS.names
"""The member sheet's columns: also the CSV's."""

# Skills are read first, so the other sheets may name the skills the workbook brings.
_READ_ORDER: Final[tuple[str, ...]] = ("skills", "organisations", "members", "ties", "projects", "events")


# -- cells as people write them -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A cell that cannot be read as its column's type. The interchange models refuse it at its
    place (it is no string, number, date...), and the note of the draft says why."""

    text: str


def _text(value: Any) -> str | None:
    """A cell as trimmed text (None when empty): numbers without a spurious '.0', dates in ISO."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip() or None


def _split(text: str, pattern: re.Pattern[str] | None = None) -> list[str]:
    parts = pattern.split(text) if pattern else text.split(LIST_SEPARATOR)
    return [p.strip() for p in parts if p.strip()]


def _fold(text: str) -> str:
    """A value compared in any case, spaces and underscores as hyphens: 'Round table' ~ 'round-table'."""
    return re.sub(r"[\s_]+", "-", text.strip().lower())


def _hint(value: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
    """`` (did you mean 'x'?)`` for the closest candidate, compared in any case; else nothing."""
    by_fold: dict[str, str] = {}
    for c in candidates:
        by_fold.setdefault(c.lower(), c)
    close = difflib.get_close_matches(value.lower(), list(by_fold), n=1, cutoff=cutoff)
    return f" (did you mean '{by_fold[close[0]]}'?)" if close else ""


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})([/.])(\d{1,2})\2(\d{4})$")
_EXCEL_DAYS = (1, 2_958_465)  # 1900-01-01 .. 9999-12-31 as Excel serial numbers
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_LANGUAGE_SEPARATORS = re.compile(r"[;,\s]+")
_CLUSTER = re.compile(r"^[a-z][a-z-]{1,40}$")
_URL = re.compile(r"^https?://\S+$")
_TRUE: Final = frozenset({"true", "yes", "y", "1", "x"})
_FALSE: Final = frozenset({"false", "no", "n", "0"})


def _date(value: Any) -> dt.date | None:
    """A date cell, an ISO date or a day-first DD/MM/YYYY (also D/M/YYYY, and with dots); else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _EXCEL_DAYS[0] <= value <= _EXCEL_DAYS[1] and float(value).is_integer():
            from openpyxl.utils.datetime import from_excel

            moment = from_excel(value)
            return moment.date() if isinstance(moment, dt.datetime) else None
        return None
    text = _text(value) or ""
    m = _ISO_DATE.match(text)
    year, month, day = (m.group(1), m.group(2), m.group(3)) if m else ("", "", "")
    if not m:
        d = _DAY_FIRST.match(text)
        if not d:
            return None
        day, month, year = d.group(1), d.group(3), d.group(4)
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = (_text(value) or "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = (_text(value) or "").lower()
    return True if text in _TRUE else False if text in _FALSE else None


_AMBIGUOUS: Final = "\x00ambiguous"


class Normaliser:
    """Reads a row's cells into a record as given, noting why a cell could not be read.

    ``skills`` are the skills known by id (the graph's, then the file's): a skill cell may name a
    skill by its id or its display name, in any case.
    """

    def __init__(self, skills: Mapping[str, str] | None = None) -> None:
        self.notes: dict[str, str] = {}
        self._skill_ids: set[str] = set()
        self._skill_by_fold: dict[str, str] = {}
        self._skill_names: dict[str, str] = {}
        self.add_skills(skills or {})
        self._subsector_by_fold: dict[str, str] = {}
        for s in SUBSECTORS:
            self._subsector_by_fold[s.id.lower()] = s.id
            self._subsector_by_fold.setdefault(s.name.lower(), s.id)
        self._columns: dict[str, dict[str, Column]] = {}

    def add_skills(self, skills: Mapping[str, str]) -> None:
        """Known skills, id -> display name (an id always wins over another skill's name)."""
        for ident, name in skills.items():
            self._skill_ids.add(ident)
            self._skill_by_fold[ident.lower()] = ident
            self._skill_names[ident] = name
        names: dict[str, str] = {}
        for ident, name in self._skill_names.items():
            key = name.strip().lower()
            names[key] = ident if names.get(key, ident) == ident else _AMBIGUOUS
        self._skill_name_by_fold = names

    # The cell's value for the model, noting a reason at its place (``members[3].joined``) when
    # the cell cannot be read.

    def cell(self, column: Column, value: Any, section: str, index: int) -> Any:
        kind = column.kind
        if type(value) is str:  # the common case, first
            text: str | None = value.strip() or None
            if kind in ("id", "text", "long-text") or text is None:
                return text
        else:
            text = _text(value)
            if text is None:
                return None

        def note(reason: str, item: int | None = None) -> None:
            self.notes[f"{section}[{index}].{column.name}" + ("" if item is None else f"[{item}]")] = reason

        if kind in ("id", "text", "long-text"):
            return text
        if kind == "url":
            if not _URL.match(text):
                note(f"'{text}' is not a web address: write it with http:// or https://")
            return text
        if kind == "ids":
            return _split(text)
        if kind == "choice":
            folded = _fold(text)
            if folded in column.allowed:
                return folded
            note(f"'{text}' is not one of {', '.join(column.allowed)}{_hint(folded, column.allowed)}")
            return Unreadable(text)
        if kind == "subsector":
            found = self._subsector(text)
            if found is None:
                note(self._unknown_subsector(text))
                return Unreadable(text)
            return found
        if kind == "subsectors":
            items: list[Any] = []
            for j, item in enumerate(_split(text)):
                found = self._subsector(item)
                if found is None:
                    note(self._unknown_subsector(item), j)
                items.append(Unreadable(item) if found is None else found)
            return items
        if kind == "skills":
            skills: list[str] = []
            for j, item in enumerate(_split(text)):
                found, reason = self._skill(item)
                if reason:
                    note(reason, j)
                skills.append(found)
            return skills
        if kind == "languages":
            codes = [item.lower() for item in _split(text, _LANGUAGE_SEPARATORS)]
            for j, code in enumerate(codes):
                if not _LANGUAGE.match(code):
                    note(f"'{code}' is not a language code: write ISO 639 codes such as lb, fr, de, en", j)
            return codes
        if kind == "cluster":
            folded = _fold(text)
            if not _CLUSTER.match(folded):
                note(f"'{text}' is not a cluster name: lower-case letters and '-', for example "
                     f"{', '.join(OTHER_CLUSTERS)}")
            return folded
        if kind == "date":
            day = _date(value)
            if day is None:
                note(f"'{text}' is not a date: write 2024-03-15 or 15/03/2024 (day first)")
                return Unreadable(text)
            return day
        if kind == "number":
            number = _number(value)
            if number is None:
                note(f"'{text}' is not a number")
                return Unreadable(text)
            return number
        flag = _boolean(value)  # kind == "boolean"
        if flag is None:
            note(f"'{text}' is not true or false (nor yes or no)")
            return Unreadable(text)
        return flag

    def _subsector(self, text: str) -> str | None:
        return self._subsector_by_fold.get(text.lower())

    @staticmethod
    def _unknown_subsector(text: str) -> str:
        names = [s.name for s in SUBSECTORS] + [s.id for s in SUBSECTORS]
        return f"unknown subsector '{text}'{_hint(text, names)}"

    def _skill(self, text: str) -> tuple[str, str]:
        """The skill's id, or the text as written and the reason it is not known."""
        if text in self._skill_ids:
            return text, ""
        folded = text.lower()
        found = self._skill_by_fold.get(folded) or self._skill_name_by_fold.get(folded)
        if found == _AMBIGUOUS:
            same = sorted(i for i, n in self._skill_names.items() if n.strip().lower() == folded)
            return text, f"the skill name '{text}' is ambiguous (the skills {', '.join(same)}): write its id"
        if found is not None:
            return found, ""
        # Left as written: the import's reference check decides (the graph may hold it); if it
        # refuses it, it says so in these words.
        known = list(self._skill_ids) + list(self._skill_names.values())
        return text, f"unknown skill '{text}'{_hint(text, known, 0.75)}"

    def row(self, sheet: Sheet, index: int, cells: Mapping[str, Any]) -> dict[str, Any]:
        """A record as given from a row's cells by column name (only the sheet's columns)."""
        columns = self._columns.get(sheet.name)
        if columns is None:
            columns = self._columns[sheet.name] = {c.name: c for c in sheet.columns}
        return {name: self.cell(columns[name], value, sheet.name, index) for name, value in cells.items()}


# -- the draft, placed by sheet and line ---------------------------------------------------------------

_RECORD = re.compile(r"^(skills|organisations|members|ties|projects|events)\[(\d+)\]")
_RECORD_ANYWHERE = re.compile(r"\b(skills|organisations|members|ties|projects|events)\[(\d+)\]")


@dataclass(frozen=True, slots=True)
class SpreadsheetDraft(Draft):
    """A draft read from a spreadsheet: its problems are placed by sheet (for a workbook), line
    and column, with the reasons of the cells that could not be read."""

    line_of: Mapping[str, Sequence[int]] = field(default_factory=dict)
    """Per section, the line each record was read from (the header is line 1)."""
    workbook: bool = False
    notes: Mapping[str, str] = field(default_factory=dict)
    """Per place in the document (``members[3].joined``), why its cell could not be read."""

    def where(self, section: str, k: int) -> str:
        lines = self.line_of.get(section, ())
        line = lines[k] if k < len(lines) else k + 2
        return f"sheet {section}, line {line}" if self.workbook else f"line {line}"

    def placed(self, problem: Problem) -> Problem:
        msg = self.notes.get(problem.loc, problem.msg)

        def place(m: re.Match[str]) -> str:
            return self.where(m.group(1), int(m.group(2))) if m.group(1) in self.line_of else m.group(0)

        loc = problem.loc
        m = _RECORD.match(loc)
        if m and m.group(1) in self.line_of:
            rest = loc[m.end():].lstrip(".")
            loc = place(m) + (f", {rest}" if rest else "")
        return Problem(loc=loc, msg=_RECORD_ANYWHERE.sub(place, msg))


class _Rows:
    """The records of one sheet as they are read, with their lines."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []
        self.lines: list[int] = []


_IGNORED: Final = ""  # a column reported in the header (unknown, or named twice): its cells are not read


def _header(sheet: Sheet, cells: Sequence[Any], where: str) -> tuple[list[str | None], list[Problem]]:
    """The column of each cell of the header row (None: no name; ``_IGNORED``: not read), and the
    header's problems."""
    problems: list[Problem] = []
    columns: list[str | None] = []
    known = sheet.names
    seen: set[str] = set()
    for cell in cells:
        name = (_text(cell) or "").lower()
        if not name:
            columns.append(None)
        elif name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            why = f"did you mean '{close[0]}'?" if close else f"known columns: {', '.join(known)}"
            problems.append(Problem(loc=where, msg=f"unknown column '{name}' ({why})"))
            columns.append(_IGNORED)
        elif name in seen:
            problems.append(Problem(loc=where, msg=f"column '{name}' appears twice"))
            columns.append(_IGNORED)
        else:
            seen.add(name)
            columns.append(name)
    for key in sheet.keys:
        if key not in seen:
            problems.append(Problem(loc=where, msg=f"missing column '{key}'"))
    return columns, problems


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _read_rows(
    sheet: Sheet,
    rows: Iterator[tuple[int, Sequence[Any]]],
    normaliser: Normaliser,
    problems: list[Problem],
    header_loc: str,
    progress: Callable[[int], None] | None = None,
) -> _Rows | None:
    """The records of a sheet from its rows ``(line, cells)``; None when it has no header or no key column."""
    out = _Rows()
    first = next(rows, None)
    if first is None:
        return None
    columns, header_problems = _header(sheet, first[1], header_loc)
    problems += header_problems
    if any(key not in columns for key in sheet.keys):
        for _ in rows:  # not read: the header says why
            pass
        return None
    done = 0
    for line, cells in rows:
        done += 1
        if progress is not None and done % 1000 == 0:
            progress(1000)
        given: dict[str, Any] = {}
        extra = False
        for column, value in zip(columns, cells, strict=False):
            if column:
                given[column] = value
            elif column is None and _filled(value):
                extra = True
        if len(cells) > len(columns) and any(_filled(v) for v in cells[len(columns):]):
            extra = True
        if not extra and not any(_filled(v) for v in given.values()):
            continue  # an empty row (Excel leaves them at the end of a sheet)
        index = len(out.records)
        if extra:
            problems.append(Problem(loc=f"{sheet.name}[{index}]", msg="cells outside the named columns (a "
                                    "column without a name, or a separator inside an unquoted cell?)"))
        out.records.append(normaliser.row(sheet, index, given))
        out.lines.append(line)
    if progress is not None:
        progress(done % 1000)
    return out


# -- CSV ------------------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252 (what Excel saves as "CSV")."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(text: str) -> str:
    """',' or ';': :class:`csv.Sniffer` on the first lines, restricted to those two; when it cannot
    tell, or when its choice is not in the header line but the other is, counting in the header line."""
    header = text.split("\n", 1)[0]
    sample = "\n".join(text[:16_384].splitlines()[:50])
    try:
        chosen = csv.Sniffer().sniff(sample, delimiters=",;").delimiter
    except csv.Error:
        chosen = ""
    other = {",": ";", ";": ","}.get(chosen, "")
    if chosen and (chosen in header or other not in header):
        return chosen
    return ";" if header.count(";") > header.count(",") else ","


def read_members_csv(data: bytes | str, skills: Mapping[str, str] | None = None) -> SpreadsheetDraft:
    """A member spreadsheet saved as CSV (``,`` or ``;``; UTF-8, with or without a BOM, or
    Windows-1252), one row per member, as a draft. Raises :class:`DocumentInvalid` only when the
    file cannot be read as CSV at all."""
    text = decode_text(data) if isinstance(data, bytes) else data.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    normaliser = Normaliser(skills)
    problems: list[Problem] = []

    def numbered() -> Iterator[tuple[int, Sequence[Any]]]:
        start = 1
        try:
            for cells in reader:
                yield start, cells
                start = reader.line_num + 1
        except csv.Error as exc:  # e.g. a stray carriage return, or a cell past the size limit
            problem = Problem(loc=f"line {start}", msg=f"not a valid CSV file: {exc}")  # where the row starts
            raise DocumentInvalid([problem]) from None

    read = _read_rows(_MEMBERS, (r for r in numbered() if r[1]), normaliser, problems, "header")
    if read is None:
        return SpreadsheetDraft({}, problems)
    return SpreadsheetDraft({"members": read.records}, problems, line_of={"members": tuple(read.lines)},
                            notes=normaliser.notes)


# -- .xlsx ----------------------------------------------------------------------------------------------

_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _unreadable(exc: BaseException) -> DocumentInvalid:
    reason = str(exc) or type(exc).__name__
    return DocumentInvalid([Problem(loc="workbook", msg=f"not a readable .xlsx workbook: {reason}")])


class WorkbookReader:
    """An ``.xlsx`` workbook opened for reading with openpyxl (read-only, streaming, the values of
    formulas as Excel last computed them). Use it as a context manager."""

    def __init__(self, source: Path | bytes) -> None:
        from openpyxl import load_workbook

        self._source: Path | IO[bytes] = io.BytesIO(source) if isinstance(source, bytes) else source
        try:
            with zipfile.ZipFile(self._source) as archive:
                infos = archive.infolist()
                unpacked = sum(i.file_size for i in infos)
                if unpacked > MAX_UNPACKED_BYTES:
                    raise DocumentInvalid([Problem(loc="workbook", msg=f"the workbook unpacks to {unpacked:,} "
                                                   f"bytes, more than {MAX_UNPACKED_BYTES:,}")])
                self._row_estimate = sum(self._count_rows(archive, i) for i in infos
                                         if re.match(r"^xl/worksheets/[^/]+\.xml$", i.filename))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # e.g. "Workbook contains no default style"
                self._book = load_workbook(self._source, read_only=True, data_only=True)
        except DocumentInvalid:
            raise
        except Exception as exc:  # openpyxl and zipfile raise many kinds for a file that is not a workbook
            raise _unreadable(exc) from None

    @staticmethod
    def _count_rows(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
        count, tail = 0, b""
        with archive.open(info) as stream:
            while chunk := stream.read(1 << 20):
                block = tail + chunk
                count += len(_ROW_TAG.findall(block))
                tail = block[-16:]
                count -= len(_ROW_TAG.findall(tail))  # counted again with the next chunk
        return count + len(_ROW_TAG.findall(tail))

    @property
    def rows(self) -> int:
        """About how many rows the workbook holds (for a progress bar)."""
        return self._row_estimate

    def __enter__(self) -> WorkbookReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._book.close()

    def _sheet_rows(self, title: str) -> Generator[tuple[int, Sequence[Any]], None, None]:
        rows = self._book[title].iter_rows(values_only=True)
        line = 0
        try:
            while True:
                try:
                    cells = next(rows)
                except StopIteration:
                    return
                except Exception as exc:  # a broken sheet
                    raise _unreadable(exc) from None
                line += 1
                yield line, cells
        finally:
            rows.close()

    def _has_cells(self, title: str) -> bool:
        rows = self._sheet_rows(title)
        try:
            return any(_filled(v) for _line, cells in rows for v in cells)
        finally:
            rows.close()

    def draft(self, skills: Mapping[str, str] | None = None,
              progress: Callable[[str, int], None] | None = None) -> SpreadsheetDraft:
        """Every sheet of the workbook as a draft (the README sheet of the template is skipped)."""
        problems: list[Problem] = []
        titles: dict[str, str] = {}
        for title in self._book.sheetnames:
            name = title.strip().lower()
            if name == README_SHEET.lower():
                continue
            if name in SHEET_BY_NAME:
                if name in titles:
                    problems.append(Problem(loc="workbook", msg=f"two sheets for {name}: '{titles[name]}' and "
                                            f"'{title}'"))
                    continue
                titles[name] = title
            elif self._has_cells(title):  # an empty sheet (Excel's "Sheet1") is no matter
                problems.append(Problem(loc="workbook", msg=f"unknown sheet '{title}'{_hint(name, SHEET_BY_NAME)}; "
                                        f"the sheets are {', '.join(SHEET_BY_NAME)} (and {README_SHEET})"))
        normaliser = Normaliser(skills)
        sections: dict[str, list[Any]] = {}
        line_of: dict[str, tuple[int, ...]] = {}
        advance = (lambda n: progress("rows", n)) if progress is not None else None
        for name in _READ_ORDER:
            if name not in titles:
                continue
            sheet = SHEET_BY_NAME[name]
            read = _read_rows(sheet, self._sheet_rows(titles[name]), normaliser, problems,
                              f"sheet {name}, header", advance)
            if read is None or not read.records:
                continue
            sections[name] = read.records
            line_of[name] = tuple(read.lines)
            if name == "skills":  # the members and projects may name them
                normaliser.add_skills({r["id"]: r["name"] for r in read.records
                                       if isinstance(r.get("id"), str) and isinstance(r.get("name"), str)})
        return SpreadsheetDraft(sections, problems, line_of=line_of, workbook=True, notes=normaliser.notes)


def open_workbook(source: Path | bytes) -> WorkbookReader:
    """The workbook at ``source`` (a path or the file's bytes); raises :class:`DocumentInvalid`
    when it is not an ``.xlsx`` workbook."""
    return WorkbookReader(source)


def read_workbook(source: Path | bytes, skills: Mapping[str, str] | None = None,
                  progress: Callable[[str, int], None] | None = None) -> SpreadsheetDraft:
    """Every sheet of an ``.xlsx`` workbook as a draft (:meth:`WorkbookReader.draft`)."""
    with open_workbook(source) as book:
        return book.draft(skills, progress)


# -- writing ----------------------------------------------------------------------------------------------


def cell_value(value: Any) -> Any:
    """A record's value as a cell: lists joined with ';', None as an empty cell, the rest as is."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(v) for v in value) or None
    return value


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def members_csv(members: Sequence[MemberRecord]) -> bytes:
    """The members in the member sheet's columns, UTF-8 with ',' (lists joined with ';', ISO dates)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(MEMBER_COLUMNS)
    for m in members:
        writer.writerow([_csv_text(cell_value(getattr(m, c))) for c in MEMBER_COLUMNS])
    return buffer.getvalue().encode("utf-8")


# The workbook is written as SpreadsheetML directly, as a stream: openpyxl's writer (without lxml)
# takes minutes for a large cluster, and writes inline strings that are slow to read back. Strings
# go to the shared-string table, as Excel writes them; every part has the same date, so the same
# content on the same day is the same bytes.

_MAIN_NS: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS: Final = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_DECLARATION: Final = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLE_BOLD, _STYLE_DATE = 1, 2  # cellXfs of styles.xml
_EXCEL_EPOCH: Final = dt.date(1899, 12, 30)
_STYLES: Final = (
    f'<styleSheet xmlns="{_MAIN_NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    '</fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape(text: str) -> str:
    text = _ILLEGAL_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _letters(n: int) -> str:
    """The column letters of the n-th column (1 -> A, 27 -> AA)."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


class _Strings:
    """The shared-string table, in the order the strings were first written."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0

    def of(self, text: str) -> int:
        self.count += 1
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.index)
        return found

    def xml(self) -> Iterator[str]:
        yield f'{_XML_DECLARATION}<sst xmlns="{_MAIN_NS}" count="{self.count}" uniqueCount="{len(self.index)}">'
        for text in self.index:
            yield f'<si><t xml:space="preserve">{_escape(text)}</t></si>'
        yield "</sst>"


@dataclass(frozen=True, slots=True)
class _Part:
    """One worksheet to write: its rows (values; a row may be bold), column widths, frozen header."""

    title: str
    rows: Iterable[tuple[Sequence[Any], bool]]
    row_count: int
    widths: tuple[float, ...]
    freeze: bool = True


def _cell_xml(ref: str, value: Any, strings: _Strings, bold: bool) -> str:
    style = f' s="{_STYLE_BOLD}"' if bold else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return f'<c r="{ref}" s="{_STYLE_DATE}"><v>{(day - _EXCEL_EPOCH).days}</v></c>'
    return f'<c r="{ref}"{style} t="s"><v>{strings.of(str(value))}</v></c>'


def _sheet_xml(part: _Part, strings: _Strings) -> Iterator[str]:
    columns = len(part.widths)
    letters = [_letters(i) for i in range(1, max(columns, 1) + 1)]
    last = f"{letters[-1]}{max(part.row_count, 1)}"
    yield f'{_XML_DECLARATION}<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
    yield f'<dimension ref="A1:{last}"/>' if part.row_count else '<dimension ref="A1"/>'
    yield '<sheetViews><sheetView workbookViewId="0">'
    if part.freeze:
        yield ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
               '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>')
    yield '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>'
    for i, width in enumerate(part.widths, start=1):
        yield f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
    yield "</cols><sheetData>"
    for r, (values, bold) in enumerate(part.rows, start=1):
        cells = "".join(_cell_xml(f"{letters[k]}{r}", v, strings, bold)
                        for k, v in enumerate(values) if v is not None and v != "")
        yield f'<row r="{r}">{cells}</row>'
    yield "</sheetData></worksheet>"


def _write_xlsx(parts: Sequence[_Part], day: dt.date) -> bytes:
    """The workbook's bytes: the parts of an .xlsx package (content types, relationships, document
    properties, workbook, styles, the worksheets and the shared strings), all dated ``day``."""
    moment = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    stamp = dt.datetime.combine(day, dt.time()).isoformat() + "Z"
    buffer = io.BytesIO()
    strings = _Strings()

    def entry(archive: zipfile.ZipFile, name: str, chunks: Iterable[str], big: bool = False) -> None:
        info = zipfile.ZipInfo(name, date_time=moment)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        with archive.open(info, "w", force_zip64=big) as target:
            pending: list[str] = []
            size = 0
            for chunk in chunks:
                pending.append(chunk)
                size += len(chunk)
                if size > 1 << 20:
                    target.write("".join(pending).encode("utf-8"))
                    pending, size = [], 0
            target.write("".join(pending).encode("utf-8"))

    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                     f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                     for i in range(1, len(parts) + 1))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        entry(archive, "[Content_Types].xml", [
            _XML_DECLARATION, '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
            '<Default Extension="xml" ContentType="application/xml"/>',
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>', sheets,
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>',
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>',
            '<Override PartName="/docProps/core.xml" ContentType="application/'
            'vnd.openxmlformats-package.core-properties+xml"/>',
            '<Override PartName="/docProps/app.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.extended-properties+xml"/>', "</Types>"])
        entry(archive, "_rels/.rels", [
            _XML_DECLARATION, f'<Relationships xmlns="{_PKG_REL_NS}">',
            f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>',
            f'<Relationship Id="rId2" Type="{_PKG_REL_NS}/metadata/core-properties" Target="docProps/core.xml"/>',
            f'<Relationship Id="rId3" Type="{_REL_NS}/extended-properties" Target="docProps/app.xml"/>',
            "</Relationships>"])
        entry(archive, "docProps/core.xml", [
            _XML_DECLARATION, '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>graph-service</dc:creator>',
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>',
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'])
        entry(archive, "docProps/app.xml", [
            _XML_DECLARATION, '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties"><Application>graph-service</Application></Properties>'])
        entry(archive, "xl/workbook.xml", [
            _XML_DECLARATION, f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><bookViews><workbookView/>'
            "</bookViews><sheets>",
            *(f'<sheet name="{_escape(p.title)}" sheetId="{i}" r:id="rId{i}"/>' for i, p in enumerate(parts, 1)),
            "</sheets></workbook>"])
        entry(archive, "xl/_rels/workbook.xml.rels", [
            _XML_DECLARATION, f'<Relationships xmlns="{_PKG_REL_NS}">',
            *(f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
              for i in range(1, len(parts) + 1)),
            f'<Relationship Id="rId{len(parts) + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>',
            f'<Relationship Id="rId{len(parts) + 2}" Type="{_REL_NS}/sharedStrings" Target="sharedStrings.xml"/>',
            "</Relationships>"])
        entry(archive, "xl/styles.xml", [_XML_DECLARATION, _STYLES])
        for i, part in enumerate(parts, start=1):
            big = part.row_count * max(len(part.widths), 1) > 10_000_000  # a sheet XML may pass 2 GiB
            entry(archive, f"xl/worksheets/sheet{i}.xml", _sheet_xml(part, strings), big)
        entry(archive, "xl/sharedStrings.xml", strings.xml(), strings.count > 10_000_000)
    return buffer.getvalue()


def _width(name: str) -> float:
    return float(max(10, min(50, len(name) + 4)))


def _data_part(sheet: Sheet, records: Sequence[Any]) -> _Part:
    names = sheet.names

    def rows() -> Iterator[tuple[Sequence[Any], bool]]:
        yield names, True
        for record in records:
            yield [cell_value(getattr(record, c, None)) for c in names], False

    return _Part(sheet.name, rows(), len(records) + 1, tuple(_width(c) for c in names))


def write_workbook(doc: Document, day: dt.date) -> bytes:
    """The document as a workbook, one sheet per kind (:data:`SHEETS`): a bold header row of the
    column names, then one row per record; lists joined with ';', dates as date cells
    (``yyyy-mm-dd``), true/false as booleans. The same document on the same day gives the same
    bytes (created and modified are that day)."""
    return _write_xlsx([_data_part(sheet, getattr(doc, sheet.name)) for sheet in SHEETS], day)


_README_INTRO: Final[tuple[str, ...]] = (
    "The cluster as a workbook: one sheet per kind, one row per record, line 1 the column names.",
    "Export, edit and import it again: GET /api/v1/export?format=xlsx, POST /api/v1/import (or graph-service "
    "export cluster.xlsx / graph-service import cluster.xlsx). This sheet is ignored on import.",
    "An import is a merge: an absent column keeps what the graph holds; an empty cell clears the field (a "
    "default comes back); a list given replaces the list. A new record needs the columns marked 'new'.",
    "Lists are separated by ';'. Dates: 2024-03-15 or 15/03/2024 (day first, the habit here), or date cells. "
    "Subsectors and skills by id or display name; allowed values in any case; cells are trimmed.",
    "Every problem comes in one answer, placed by sheet, line and column; nothing is written until there is none.",
)


def _readme_rows() -> list[tuple[Sequence[Any], bool]]:
    rows: list[tuple[Sequence[Any], bool]] = [(["How to fill in this workbook"], True)]
    rows += [([line], False) for line in _README_INTRO]
    rows.append(([], False))
    rows.append((["sheet", "column", "required", "type", "allowed values", "example", "meaning"], True))
    required = {"yes": "yes", "new": "for a new record", "no": "no"}
    for sheet in SHEETS:
        for c in sheet.columns:
            meaning = c.description + (f" Default: {c.default}." if c.default else "")
            rows.append(([sheet.name, c.name, required[c.required], c.type_text, ", ".join(c.allowed) or None,
                          c.example or None, meaning.strip() or None], False))
    rows.append(([], False))
    rows.append((["subsector id", "display name"], True))
    rows += [([s.id, s.name], False) for s in SUBSECTORS]
    return rows


def write_template(day: dt.date) -> bytes:
    """The empty workbook to fill in: a README sheet that explains every column (type, whether it
    is required, allowed values, an example), then the export's sheets with their header rows."""
    readme = _readme_rows()
    parts = [_Part(README_SHEET, readme, len(readme), (14, 14, 16, 44, 40, 34, 70), freeze=False)]
    parts += [_data_part(sheet, ()) for sheet in SHEETS]
    return _write_xlsx(parts, day)
