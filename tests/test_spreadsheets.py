"""Spreadsheets as people write them, and one workbook both ways (issue 11, items 3, 5 and 8).

Against the real Neo4j: Excel-style CSV files (';', a BOM, display names, capitals, day-first
dates, padded cells) and Windows-1252 files import; an unknown column names the known ones; every
problem of a bad workbook comes in one answer, placed by sheet, line and column; a workbook
exported, imported into an empty graph and exported again is the same bytes; the template has
the export's columns; the CLI imports a workbook with its progress bar. Workbooks written for the
tests are written with openpyxl directly (not with the code under test), and read back with it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graph_service.cli import app as cli_app
from graph_service.interchange import (
    EventRecord,
    MemberRecord,
    OrganisationRecord,
    ProjectRecord,
    SkillRecord,
    TieRecord,
    parse_document,
)
from graph_service.services import spreadsheets
from graph_service.store import documents
from graph_service.store.database import Database
from graph_service.store.documents import clear_graph
from tests.factories import small_document

XLSX = spreadsheets.XLSX_MEDIA_TYPE
CSV = {"Content-Type": "text/csv"}
MemberClient = Callable[[str], TestClient]


@pytest.fixture
def loaded(client: TestClient) -> TestClient:
    assert client.post("/api/v1/import", json=small_document()).status_code == 200
    return client


def _member(client: TestClient, ident: str) -> dict[str, Any]:
    doc = client.get("/api/v1/export").json()
    return next(m for m in doc["members"] if m["id"] == ident)


def _workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A workbook written with openpyxl itself, as Excel would hold it."""
    wb = openpyxl.Workbook()
    first = True
    for title, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        ws.title = title
        first = False
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _sheets(body: bytes) -> dict[str, list[tuple[Any, ...]]]:
    wb = openpyxl.load_workbook(io.BytesIO(body))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def _problems(r: Any) -> list[tuple[str, str]]:
    assert r.status_code == 422, r.text
    return [(p["loc"], p["msg"]) for p in r.json()["problems"]]


# -- one definition of the columns --------------------------------------------------------------------------


def test_every_sheet_has_the_fields_of_its_record() -> None:
    """A field added to a record needs its column (and the template explains it)."""
    models = {"members": MemberRecord, "ties": TieRecord, "projects": ProjectRecord, "events": EventRecord,
              "organisations": OrganisationRecord, "skills": SkillRecord}
    assert [s.name for s in spreadsheets.SHEETS] == list(models)
    for sheet in spreadsheets.SHEETS:
        assert sheet.names == tuple(models[sheet.name].model_fields), sheet.name
        assert all(c.example for c in sheet.columns), sheet.name
    assert "skills" in spreadsheets.SHEET_BY_NAME["organisations"].names  # the skills they offer


# -- CSV as Excel saves it ----------------------------------------------------------------------------------


EXCEL_CSV = (
    "\ufeffid;Name;Kind;Subsectors;Skills;Visibility;City;Languages;Joined\r\n"
    ' m-101 ; Atelier Kass ;Company;"Film and audiovisual; crafts-manufacturing ";Game Design;Members; Differdange ;'
    '"LB; FR";15/03/2024\r\n'
    "m-102;Jil Weber;freelancer;MUSIC;sound design;PUBLIC;Luxembourg;de;1/2/2024\r\n"
    ";;;;;;;;\r\n"
)


def test_an_excel_style_csv_imports(loaded: TestClient) -> None:
    """';' separators, a byte-order mark, CRLF, a header in capitals, display names for subsectors
    and skills (any case), 'Company', day-first dates and padded cells; an empty last row."""
    r = loaded.post("/api/v1/import", content=EXCEL_CSV.encode("utf-8"), headers=CSV)
    assert r.status_code == 200, r.text
    assert r.json()["counts"]["members"] == 2
    kass = _member(loaded, "m-101")
    assert kass["name"] == "Atelier Kass" and kass["kind"] == "company" and kass["city"] == "Differdange"
    assert kass["subsectors"] == ["film-audiovisual", "crafts-manufacturing"]
    assert kass["skills"] == ["game-design"] and kass["visibility"] == "members"
    assert kass["languages"] == ["lb", "fr"] and kass["joined"] == "2024-03-15"
    jil = _member(loaded, "m-102")
    assert jil["kind"] == "freelancer" and jil["subsectors"] == ["music"] and jil["skills"] == ["sound-design"]
    assert jil["visibility"] == "public" and jil["joined"] == "2024-02-01"


def test_a_windows_1252_csv_imports_with_the_right_name(loaded: TestClient) -> None:
    body = "id;name;subsectors;city\r\nm-201;Léa Schröder-Hémmer;design;Esch-sur-Alzette\r\n".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    r = loaded.post("/api/v1/import", content=body, headers=CSV)
    assert r.status_code == 200, r.text
    assert _member(loaded, "m-201")["name"] == "Léa Schröder-Hémmer"


def test_the_separator_is_sniffed() -> None:
    """',' with ';' inside the list cells, ';' with ',' inside quoted and unquoted text cells."""
    comma = 'id,name,subsectors,description\nm-1,"Kass, Weber & Co",design;music,"a; b"\n'
    semi = 'id;name;subsectors;description\nm-1;"Kass; Weber";design,x;plain, with commas\n'
    assert spreadsheets.sniff_delimiter(comma) == ","
    assert spreadsheets.sniff_delimiter(semi) == ";"
    assert spreadsheets.sniff_delimiter("id\nm-1\n") == ","  # one column: nothing to tell, counting
    first = spreadsheets.read_members_csv(comma.encode()).sections["members"][0]
    assert first["name"] == "Kass, Weber & Co" and first["subsectors"] == ["design", "music"]
    assert first["description"] == "a; b"
    second = spreadsheets.read_members_csv(semi.encode()).sections["members"][0]
    assert second["name"] == "Kass; Weber" and second["description"] == "plain, with commas"


def test_an_unknown_column_names_the_known_ones_with_a_did_you_mean(loaded: TestClient) -> None:
    body = "id,name,subsector,phone\nm-301,Nord,design,+352 26 00 00\n"
    problems = _problems(loaded.post("/api/v1/import", content=body.encode(), headers=CSV))
    known = ", ".join(spreadsheets.MEMBER_COLUMNS)
    assert ("header", "unknown column 'subsector' (did you mean 'subsectors'?)") in problems
    assert ("header", f"unknown column 'phone' (known columns: {known})") in problems
    # The rows are still checked, in the same answer: without its subsectors column the new member lacks them.
    assert ("line 2, subsectors", "required for a new member ('m-301' does not exist yet)") in problems
    assert loaded.get("/api/v1/members/m-301").status_code == 404


def test_cells_as_people_write_them() -> None:
    """The normalisation, cell by cell (no database): what each column kind accepts."""
    body = ("id,kind,subsectors,skills,visibility,languages,joined,website\n"
            "m-1,Creative Hub,Digital media and publishing;GAMING,Tendering;BIM-MODELLING,Public,FR; lb,"
            "2024-3-5,https://x.example\n"
            "m-2,institution,visual arts,,members,en,05.03.2024,\n")
    draft = spreadsheets.read_members_csv(body, {"tendering": "Tendering", "bim-modelling": "BIM modelling"})
    one, two = draft.sections["members"]
    assert one["kind"] == "creative-hub" and one["visibility"] == "public"
    assert one["subsectors"] == ["digital-media-publishing", "gaming"]
    assert one["skills"] == ["tendering", "bim-modelling"] and one["languages"] == ["fr", "lb"]
    assert one["joined"] == dt.date(2024, 3, 5) and two["joined"] == dt.date(2024, 3, 5)
    assert two["subsectors"] == ["visual-arts"] and two["skills"] is None and two["website"] is None

    normaliser = spreadsheets.Normaliser()
    ties = spreadsheets.SHEET_BY_NAME["ties"]
    row = normaliser.row(ties, 0, {"source": 42.0, "target": "m-2", "kind": "Collaborated", "weight": "0,5",
                                   "since": dt.datetime(2022, 6, 1), "confirmed": "No"})
    assert row == {"source": "42", "target": "m-2", "kind": "collaborated", "weight": 0.5,
                   "since": dt.date(2022, 6, 1), "confirmed": False}
    assert normaliser.row(ties, 1, {"since": 45366, "confirmed": True})["since"] == dt.date(2024, 3, 15)
    assert normaliser.notes == {}


# -- every problem of a bad workbook, in one answer -----------------------------------------------------------


def test_every_problem_of_a_bad_workbook_comes_in_one_answer(loaded: TestClient, db: Database) -> None:
    before, version = loaded.get("/api/v1/export").json(), db.version()
    body = _workbook({
        "Members": [
            ["id", "name", "subsectors", "kind", "joined", "e-mail"],
            ["m-401", "Nord", "Film & audiovisual", "company", "15/03/2024", "x"],
            ["m-402", "Sud", "design", "Compagny", "31/02/2024", None],
            ["m-401", "Again", "design", "company", dt.datetime(2024, 3, 15), None],
        ],
        "ties": [
            ["source", "target", "kind", "weight"],
            ["m-402", "m-999", "knows", "strong"],
            ["m-001", "m-002", "knows", 0.5],
            ["m-001", "m-002", "KNOWS", 0.7],
        ],
        "projects": [
            ["id", "title", "requires", "status"],
            ["p-401", "Museum app 2", "Game desing", "Won"],
        ],
        "Sheet2": [["notes"], ["call Jil"]],
    })
    problems = _problems(loaded.post("/api/v1/import", content=body, headers={"Content-Type": XLSX}))
    assert problems == [
        ("sheet members, header", "unknown column 'e-mail' (did you mean 'email'?)"),
        ("workbook", "unknown sheet 'Sheet2'; the sheets are members, ties, projects, events, organisations, "
                     "skills (and README)"),
        ("sheet members, line 2, subsectors[0]",
         "unknown subsector 'Film & audiovisual' (did you mean 'Film and audiovisual'?)"),
        ("sheet members, line 3, joined", "'31/02/2024' is not a date: write 2024-03-15 or 15/03/2024 (day first)"),
        ("sheet members, line 3, kind",
         "'Compagny' is not one of company, freelancer, institution, creative-hub (did you mean 'company'?)"),
        ("sheet members, line 4, id", "duplicate id 'm-401' (first at sheet members, line 2)"),
        ("sheet ties, line 2, weight", "'strong' is not a number"),
        ("sheet ties, line 4", "duplicate knows tie between 'm-001' and 'm-002' (first at sheet ties, line 3)"),
        ("sheet projects, line 2, requires[0]", "unknown skill 'Game desing' (did you mean 'Game design'?)"),
    ]
    assert loaded.get("/api/v1/export").json() == before and db.version() == version


def test_a_reference_problem_is_placed_by_sheet_and_line(loaded: TestClient) -> None:
    body = _workbook({"ties": [["source", "target"], ["m-001", "m-003"], ["m-003", "m-998"]],
                      "events": [["id", "title", "date", "attendees"],
                                 ["e-401", "Meet-up", "01/10/2025", "m-001;m-997"]]})
    assert _problems(loaded.post("/api/v1/import", content=body, headers={"Content-Type": XLSX})) == [
        ("sheet ties, line 3, target", "no member or organisation 'm-998'"),
        ("sheet events, line 2, attendees[1]", "no member or organisation 'm-997'"),
    ]


def test_what_is_not_a_workbook_is_a_422(client: TestClient) -> None:
    for body in (b"", b"not a zip", b"PK\x03\x04broken"):
        problems = _problems(client.post("/api/v1/import", content=body, headers={"Content-Type": XLSX}))
        assert problems[0][0] == "workbook" and problems[0][1].startswith("not a readable .xlsx workbook")
    problems = _problems(client.post("/api/v1/import", content=b"\xd0\xcf\x11\xe0",
                                     headers={"Content-Type": "application/vnd.ms-excel"}))
    assert problems == [("body", "an .xls workbook (Excel 97-2003) cannot be read: save it as an Excel workbook "
                                 "(.xlsx), or as CSV")]


# -- one workbook, both ways ------------------------------------------------------------------------------


def _export_xlsx(client: TestClient) -> bytes:
    r = client.get("/api/v1/export", params={"format": "xlsx"})
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    return r.content


def test_a_workbook_exported_imported_into_an_empty_graph_and_exported_again_is_identical(
        loaded: TestClient, db: Database) -> None:
    first = _export_xlsx(loaded)
    assert _export_xlsx(loaded) == first  # the same graph, the same day: the same bytes
    before = loaded.get("/api/v1/export").json()
    clear_graph(db)
    assert loaded.get("/api/v1/members").json()["total"] == 0
    r = loaded.post("/api/v1/import", content=first, headers={"Content-Type": XLSX})
    assert r.status_code == 200, r.text
    assert r.json()["counts"] == {"skills": 4, "organisations": 1, "members": 4, "ties": 4, "projects": 1,
                                  "events": 1, "introductions": 0}
    second = _export_xlsx(loaded)
    assert second == first
    assert _sheets(second) == _sheets(first)
    after = loaded.get("/api/v1/export").json()
    assert {**after, "introductions": before["introductions"]} == before  # the workbook holds no introductions
    wb = openpyxl.load_workbook(io.BytesIO(second))
    assert wb.properties.created == wb.properties.modified == dt.datetime.combine(dt.date.today(), dt.time())


def test_a_workbook_edited_as_in_excel_imports_back_as_a_merge(loaded: TestClient) -> None:
    """Export, change two cells the way a person would (a display name, a day-first date), delete the
    other sheets and columns, import: only those fields change."""
    before = _member(loaded, "m-002")
    wb = openpyxl.load_workbook(io.BytesIO(_export_xlsx(loaded)))
    ws = wb["members"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "m-002")
    row[header.index("subsectors")].value = "Gaming;Film and audiovisual"
    row[header.index("joined")].value = "01/09/2021"
    for title in ("ties", "projects", "events", "organisations", "skills"):
        del wb[title]
    ws.delete_cols(header.index("city") + 1)  # an absent column keeps what the graph holds
    buffer = io.BytesIO()
    wb.save(buffer)
    r = loaded.post("/api/v1/import", content=buffer.getvalue(), headers={"Content-Type": XLSX})
    assert r.status_code == 200, r.text
    assert r.json()["counts"]["members"] == 1  # the unchanged rows are not written
    assert _member(loaded, "m-002") == {**before, "subsectors": ["gaming", "film-audiovisual"],
                                        "joined": "2021-09-01"}


def test_a_dry_run_of_a_workbook_writes_nothing(loaded: TestClient, db: Database) -> None:
    version = db.version()
    body = _workbook({"members": [["id", "name"], ["m-001", "Atelier Weber & Fils"]],
                      "skills": [["id", "name", "subsector"], ["lighting", "Stage lighting", "Performing arts"]]})
    r = loaded.post("/api/v1/import", content=body, headers={"Content-Type": XLSX}, params={"dry_run": True})
    assert r.status_code == 200, r.text
    sections = r.json()["sections"]
    assert sections["skills"]["created"] == ["lighting"]
    assert sections["members"]["updated"] == [{"id": "m-001", "changes": [
        {"field": "name", "old": "Atelier Weber", "new": "Atelier Weber & Fils"}]}]
    assert db.version() == version


def test_the_template_downloads_with_the_export_columns(loaded: TestClient, member_client: MemberClient) -> None:
    r = loaded.get("/api/v1/import/template.xlsx")
    assert r.status_code == 200
    assert r.headers["content-type"] == XLSX
    assert r.headers["content-disposition"] == 'attachment; filename="cluster-template.xlsx"'
    template, export = _sheets(r.content), _sheets(_export_xlsx(loaded))
    assert list(template) == [spreadsheets.README_SHEET, *export]
    for title, rows in export.items():
        assert template[title] == [rows[0]], title  # the same header row, no data
    readme = template[spreadsheets.README_SHEET]
    table = readme.index(("sheet", "column", "required", "type", "allowed values", "example", "meaning"))
    described = [(row[0], row[1]) for row in readme[table + 1:] if row[0] in export]
    assert described == [(title, column) for title, rows in export.items() for column in rows[0]]
    kind = next(row for row in readme if row[:2] == ("members", "kind"))
    assert kind[4] == "company, freelancer, institution, creative-hub"
    # The empty template imports (nothing to write), and the README sheet is not read.
    r = loaded.post("/api/v1/import", content=r.content, headers={"Content-Type": XLSX})
    assert r.status_code == 200, r.text
    assert sum(r.json()["counts"].values()) == 0
    # Like the import, the template is the manager's.
    assert member_client("m-001").get("/api/v1/import/template.xlsx").status_code == 403


def test_the_example_workbook_is_up_to_date_and_imports(client: TestClient) -> None:
    """docs/example-cluster.xlsx is what scripts/example_workbook.py writes, small, and imports whole."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    example = root / "docs" / "example-cluster.xlsx"
    check = subprocess.run([sys.executable, str(root / "scripts" / "example_workbook.py"), "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert example.stat().st_size < 100_000
    r = client.post("/api/v1/import", content=example.read_bytes(), headers={"Content-Type": XLSX})
    assert r.status_code == 200, r.text
    assert r.json()["counts"]["members"] == 50
    assert _sheets(_export_xlsx(client)) == _sheets(example.read_bytes())


def test_openapi_documents_the_workbook(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert XLSX in spec["paths"]["/api/v1/import"]["post"]["requestBody"]["content"]
    assert XLSX in spec["paths"]["/api/v1/import/template.xlsx"]["get"]["responses"]["200"]["content"]


# -- the command line ------------------------------------------------------------------------------------


@contextmanager
def _recorded(calls: list[tuple[str, int, int]]) -> Iterator[None]:
    """Wrap the CLI's one progress helper, recording (description, total, advanced)."""
    from graph_service.cli import common, data

    real = common.progress

    @contextmanager
    def recording(description: str, total: int) -> Iterator[Callable[[str, int], None]]:
        advanced = 0

        def advance(kind: str, n: int) -> None:
            nonlocal advanced
            advanced += n
            bar(kind, n)

        with real(description, total) as bar:
            yield advance
        calls.append((description, total, advanced))

    data.progress = recording  # type: ignore[assignment]  # the module's own name for the helper
    try:
        yield
    finally:
        data.progress = real  # type: ignore[assignment]  # put back


def test_the_cli_imports_a_workbook_with_a_progress_bar(cli: CliRunner, db: Database, tmp_path: Path) -> None:
    documents.import_document(db, parse_document(small_document()))
    from graph_service.services.views import ProjectionCache
    from graph_service.web import exports

    workbook = tmp_path / "cluster.xlsx"
    workbook.write_bytes(exports.export(ProjectionCache(db), "xlsx"))
    before = documents.export_document(db).model_dump(mode="json")
    clear_graph(db)
    calls: list[tuple[str, int, int]] = []
    with _recorded(calls):
        result = cli.invoke(cli_app, ["import", str(workbook)])
    assert result.exit_code == 0, result.output
    assert "Imported 4 skills, 1 organisations, 4 members, 4 ties, 1 projects, 1 events" in result.output
    rows = 4 + 1 + 4 + 4 + 1 + 1
    header_rows = 6
    assert calls == [("reading", rows + header_rows, rows), ("importing", rows, rows)]
    after = documents.export_document(db).model_dump(mode="json")
    assert {**after, "introductions": before["introductions"]} == before

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_workbook({"members": [["id", "name", "subsectors"], ["m-1", "A", "gamming"]]}))
    result = cli.invoke(cli_app, ["import", str(bad)])
    assert result.exit_code == 2
    assert "sheet members, line 2, subsectors[0]: unknown subsector 'gamming' (did you mean 'Gaming'?)" in " ".join(
        result.output.split())


def test_the_cli_writes_the_template(cli: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "template.xlsx"
    result = cli.invoke(cli_app, ["import", "--template", str(target)])
    assert result.exit_code == 0, result.output
    sheets = _sheets(target.read_bytes())
    assert list(sheets) == [spreadsheets.README_SHEET, *(s.name for s in spreadsheets.SHEETS)]
    assert sheets["members"] == [spreadsheets.MEMBER_COLUMNS]
    assert cli.invoke(cli_app, ["import"]).exit_code == 2  # neither a file nor --template
