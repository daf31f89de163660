"""Spreadsheets as people write them: the one definition of the workbook's sheets and columns,
the CSV and ``.xlsx`` readers, the cell normalisation and the workbook writer.

The package's modules: ``columns`` (the sheets and their columns, one definition), ``cells`` (the
normalisation), ``reading`` (the CSV and workbook readers, problems placed by sheet, line and
column) and ``writing`` (the CSV and the workbook, deterministic). The round trip holds while the
three agree on ``columns``; their names are all here.

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

from graph_service.services.spreadsheets.cells import Normaliser, Unreadable
from graph_service.services.spreadsheets.columns import (
    LIST_SEPARATOR,
    MEMBER_COLUMNS,
    README_SHEET,
    SHEET_BY_NAME,
    SHEETS,
    XLSX_MEDIA_TYPE,
    Column,
    ColumnKind,
    NameColumn,
    Sheet,
)
from graph_service.services.spreadsheets.reading import (
    MAX_UNPACKED_BYTES,
    SpreadsheetDraft,
    WorkbookReader,
    decode_text,
    open_workbook,
    read_members_csv,
    read_workbook,
    sniff_delimiter,
)
from graph_service.services.spreadsheets.writing import (
    cell_value,
    members_csv,
    party_names,
    write_template,
    write_workbook,
)

__all__ = [
    "XLSX_MEDIA_TYPE",
    "LIST_SEPARATOR",
    "ColumnKind",
    "Column",
    "NameColumn",
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
    "party_names",
    "write_workbook",
    "write_template",
]
