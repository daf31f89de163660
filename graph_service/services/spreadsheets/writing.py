"""Writing: the members as CSV, and the workbook (one sheet per kind, :data:`SHEETS`'s columns)
and its template, as SpreadsheetML written directly."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from graph_service.domain import SUBSECTORS
from graph_service.interchange import Document, MemberRecord
from graph_service.services.spreadsheets.columns import (
    LIST_SEPARATOR,
    MEMBER_COLUMNS,
    README_SHEET,
    SHEETS,
    Sheet,
)

__all__ = ["cell_value", "party_names", "members_csv", "write_workbook", "write_template"]


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


def party_names(doc: Document) -> dict[str, str]:
    """The name of every member and organisation of ``doc``, by id."""
    return {**{o.id: o.name for o in doc.organisations}, **{m.id: m.name for m in doc.members}}


def _named(value: Any, names: Mapping[str, str]) -> str | None:
    """The names of the ids in a cell's value (a list's joined with ';'; an unknown id as itself)."""
    if value is None:
        return None
    ids = value if isinstance(value, list | tuple) else [value]
    return LIST_SEPARATOR.join(names.get(str(i), str(i)) for i in ids) or None


def _data_part(sheet: Sheet, records: Sequence[Any], names: Mapping[str, str]) -> _Part:
    columns = sheet.written
    of = {n.name: n.of for n in sheet.name_columns}

    def value(record: Any, column: str) -> Any:
        if column in of:
            return _named(getattr(record, of[column], None), names)
        return cell_value(getattr(record, column, None))

    def rows() -> Iterator[tuple[Sequence[Any], bool]]:
        yield columns, True
        for record in records:
            yield [value(record, c) for c in columns], False

    return _Part(sheet.name, rows(), len(records) + 1, tuple(_width(c) for c in columns))


def write_workbook(doc: Document, day: dt.date) -> bytes:
    """The document as a workbook, one sheet per kind (:data:`SHEETS`): a bold header row of the
    column names, then one row per record; lists joined with ';', dates as date cells
    (``yyyy-mm-dd``), true/false as booleans; beside the ids of people and organisations, their
    names (``source_name``, ``team_names``..., ignored on import). The same document on the same
    day gives the same bytes (created and modified are that day)."""
    names = party_names(doc)
    return _write_xlsx([_data_part(sheet, getattr(doc, sheet.name), names) for sheet in SHEETS], day)


_README_INTRO: Final[tuple[str, ...]] = (
    "The cluster as a workbook: one sheet per kind, one row per record, line 1 the column names.",
    "Export, edit and import it again: GET /api/v1/export?format=xlsx, POST /api/v1/import (or graph-service "
    "export cluster.xlsx / graph-service import cluster.xlsx). This sheet is ignored on import.",
    "An import is a merge: an absent column keeps what the graph holds; an empty cell clears the field (a "
    "default comes back); a list given replaces the list. A new record needs the columns marked 'new'.",
    "Lists are separated by ';'. Dates: 2024-03-15 or 15/03/2024 (day first, the habit here), or date cells. "
    "Subsectors and skills by id or display name; allowed values in any case; cells are trimmed.",
    "Every problem comes in one answer, placed by sheet, line and column; nothing is written until there is none.",
    "Columns named ..._name or ..._names (source_name, team_names...) hold the names beside the ids, for reading: "
    "the import ignores them, the ids count.",
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
            for n in sheet.name_columns:
                if n.of == c.name:
                    rows.append(([sheet.name, n.name, "no (ignored on import)", f"names of the {c.name} column",
                                  None, None, n.description], False))
    rows.append(([], False))
    rows.append((["subsector id", "display name"], True))
    rows += [([s.id, s.name], False) for s in SUBSECTORS]
    return rows


def write_template(day: dt.date) -> bytes:
    """The empty workbook to fill in: a README sheet that explains every column (type, whether it
    is required, allowed values, an example), then the export's sheets with their header rows."""
    readme = _readme_rows()
    parts = [_Part(README_SHEET, readme, len(readme), (14, 14, 16, 44, 40, 34, 70), freeze=False)]
    parts += [_data_part(sheet, (), {}) for sheet in SHEETS]
    return _write_xlsx(parts, day)
