"""Reading spreadsheets into drafts: the member CSV (',' or ';', UTF-8 or Windows-1252) and the
``.xlsx`` workbook (openpyxl, read-only and streaming), each row a record as given, every problem
placed by sheet, line and column (:class:`SpreadsheetDraft`)."""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final

from graph_service.errors import DocumentInvalid
from graph_service.interchange import Problem
from graph_service.merge import Draft
from graph_service.services.spreadsheets.cells import Normaliser, hint, text_of
from graph_service.services.spreadsheets.columns import READ_ORDER, README_SHEET, SHEET_BY_NAME, Sheet

__all__ = ["MAX_UNPACKED_BYTES", "SpreadsheetDraft", "decode_text", "sniff_delimiter", "read_members_csv",
           "WorkbookReader", "open_workbook", "read_workbook"]

MAX_UNPACKED_BYTES: Final = 2 << 30
"""A workbook that unpacks to more than this (2 GiB) is refused before it is read."""

_MEMBERS: Final = SHEET_BY_NAME["members"]

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
        name = (text_of(cell) or "").lower()
        if not name:
            columns.append(None)
        elif name in sheet.ignored:  # names beside ids, for people: the ids count
            columns.append(_IGNORED)
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


def filled(value: Any) -> bool:
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
            elif column is None and filled(value):
                extra = True
        if len(cells) > len(columns) and any(filled(v) for v in cells[len(columns):]):
            extra = True
        if not extra and not any(filled(v) for v in given.values()):
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
            return any(filled(v) for _line, cells in rows for v in cells)
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
                problems.append(Problem(loc="workbook", msg=f"unknown sheet '{title}'{hint(name, SHEET_BY_NAME)}; "
                                        f"the sheets are {', '.join(SHEET_BY_NAME)} (and {README_SHEET})"))
        normaliser = Normaliser(skills)
        sections: dict[str, list[Any]] = {}
        line_of: dict[str, tuple[int, ...]] = {}
        advance = (lambda n: progress("rows", n)) if progress is not None else None
        for name in READ_ORDER:
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
