"""Cells as people write them: each cell read into the value the interchange models expect
(trimmed; enumerations in any case; subsectors and skills by id or display name; ISO or day-first
dates and Excel's date cells; decimal points or commas; true/false, yes/no, 1/0). A cell that
cannot be read becomes :class:`Unreadable`, which the models refuse at its place, and the
:class:`Normaliser` notes the reason in the sheet's words."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from graph_service.domain import OTHER_CLUSTERS, SUBSECTORS
from graph_service.services.spreadsheets.columns import LIST_SEPARATOR, Column, Sheet

__all__ = ["Unreadable", "Normaliser", "text_of", "hint"]


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A cell that cannot be read as its column's type. The interchange models refuse it at its
    place (it is no string, number, date...), and the note of the draft says why."""

    text: str


def text_of(value: Any) -> str | None:
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


def hint(value: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
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
    text = text_of(value) or ""
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
    text = (text_of(value) or "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = (text_of(value) or "").lower()
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
            text = text_of(value)
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
            note(f"'{text}' is not one of {', '.join(column.allowed)}{hint(folded, column.allowed)}")
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
        return f"unknown subsector '{text}'{hint(text, names)}"

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
        return text, f"unknown skill '{text}'{hint(text, known, 0.75)}"

    def row(self, sheet: Sheet, index: int, cells: Mapping[str, Any]) -> dict[str, Any]:
        """A record as given from a row's cells by column name (only the sheet's columns)."""
        columns = self._columns.get(sheet.name)
        if columns is None:
            columns = self._columns[sheet.name] = {c.name: c for c in sheet.columns}
        return {name: self.cell(columns[name], value, sheet.name, index) for name, value in cells.items()}
