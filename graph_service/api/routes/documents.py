from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from graph_service.api.deps import DatabaseDep, SettingsDep, ViewDep
from graph_service.api.schemas import ImportPreview, ImportSummary, Problems, SectionPreview
from graph_service.errors import DocumentInvalid, Forbidden
from graph_service.interchange import Document, Problem
from graph_service.merge import Draft, capped, read_draft
from graph_service.services import imports, spreadsheets
from graph_service.store import documents
from graph_service.store.database import Database
from graph_service.web import exports

router = APIRouter(tags=["import and export"])

_DOC_SCHEMA_REF = {"$ref": "#/components/schemas/Document"}


def _is_csv(request: Request) -> bool:
    return imports.body_kind(request.headers.get("content-type", "")) == "csv"


async def _body_document(request: Request, db: Database) -> Draft:
    raw = await request.body()
    kind = imports.body_kind(request.headers.get("content-type", ""))
    if kind != "json":  # a spreadsheet: read off the event loop (a workbook may be large)
        return await run_in_threadpool(imports.read_spreadsheet, db, raw, kind)
    try:
        data: Any = json.loads(raw or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DocumentInvalid([Problem(loc="body", msg=f"not valid JSON: {exc}")]) from None
    return read_draft(data, where="body")


def _refused(exc: DocumentInvalid, csv_body: bool) -> JSONResponse:
    """The 422 answer: the first 200 problems, and how many there are."""
    listed, detail = capped((imports.csv_problems(exc) if csv_body else exc).problems)
    return JSONResponse(status_code=422, content=Problems(detail=detail, problems=listed).model_dump())


@router.post(
    "/import",
    response_model=ImportSummary | ImportPreview,
    responses={422: {"model": Problems, "description": "Every problem (the first 200, with the total in "
                     "'detail'), with its place; nothing was written."}},
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/json": {"schema": _DOC_SCHEMA_REF},
        "text/csv": {"schema": {"type": "string", "description": "A member spreadsheet, one row per member "
                                "(',' or ';'; UTF-8 or Windows-1252)."}},
        spreadsheets.XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary", "description":
                                                  "A workbook, one sheet per kind (the columns of "
                                                  "GET /api/v1/import/template.xlsx)."}},
    }}},
)
async def import_document(
    request: Request, db: DatabaseDep, settings: SettingsDep,
    replace: Annotated[bool, Query(description="Replace the whole graph with the document.")] = False,
    dry_run: Annotated[bool, Query(description="Only answer what the import would do (created, updated "
                                   "field by field, unchanged, problems); write nothing.")] = False,
) -> ImportSummary | ImportPreview | JSONResponse:
    """Load an interchange document (JSON), a member spreadsheet (CSV) or a workbook (xlsx).
    Checked whole first; a merge sets only the fields each record carries (see "Merge rules" in
    docs/format.md)."""
    try:
        doc = await _body_document(request, db)
        if dry_run:
            plan = await run_in_threadpool(documents.preview_import, db, doc, replace=replace)
            listed, detail = capped(plan.problems)
            return ImportPreview(
                replace=replace, valid=not plan.problems,
                detail=detail if plan.problems else "the import would be accepted; nothing was written (dry run).",
                sections={k: SectionPreview.model_validate(v) for k, v in plan.plan.items()},
                total_problems=len(plan.problems), problems=listed,
            )
        result = await run_in_threadpool(
            documents.import_document, db, doc, replace=replace, batch_size=settings.import_batch_size
        )
    except DocumentInvalid as exc:
        return _refused(exc, _is_csv(request))
    return ImportSummary(replaced=result.replaced, counts=result.counts, transactions=result.transactions)


@router.get(
    "/import/template.xlsx",
    response_class=Response,
    responses={200: {"description": "The empty workbook to fill in and import: a README sheet explaining every "
                     "column, then one sheet per kind with its header row (the export's columns).",
                     "content": {spreadsheets.XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
                     "headers": {"Content-Disposition": {
                         "schema": {"type": "string"},
                         "description": 'attachment; filename="cluster-template.xlsx"'}}}},
)
def import_template() -> Response:
    """The import's workbook template: the export's sheets and columns, empty, with a README sheet
    of column descriptions, types, allowed values and examples."""
    body = spreadsheets.write_template(dt.date.today())
    return Response(content=body, media_type=spreadsheets.XLSX_MEDIA_TYPE,
                    headers={"Content-Disposition": 'attachment; filename="cluster-template.xlsx"'})


# The export is open to every caller (each gets their consented view), so it has a router of its
# own, which the app includes without the manager-only dependency of ``router``.
export_router = APIRouter(tags=["import and export"])

_EXPORT_CONTENT: dict[str, Any] = {
    "application/json": {"schema": _DOC_SCHEMA_REF},
    "text/csv": {"schema": {"type": "string", "description": "The members, in the columns of the CSV import."}},
    exports.MEDIA_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary", "description":
                                             "A workbook, one sheet per kind."}},
    "application/gexf+xml": {"schema": {"type": "string", "description": "GEXF 1.3, for Gephi."}},
    "application/graphml+xml": {"schema": {"type": "string", "description": "GraphML."}},
}


@export_router.get(
    "/export",
    response_model=Document,
    responses={
        200: {"description": "The export, as an attachment named cluster-YYYY-MM-DD.<format>.",
              "content": _EXPORT_CONTENT,
              "headers": {"Content-Disposition": {"schema": {"type": "string"},
                                                  "description": 'attachment; filename="cluster-YYYY-MM-DD.<ext>"'}}},
        403: {"description": "format=json (the interchange document) is for the manager only."},
        422: {"description": "An unknown format; the message names the allowed ones."},
    },
)
def export_document(
    view: ViewDep,
    format: Annotated[exports.ExportFormat, Query(
        description="json: the interchange document (the manager only); csv: the members in the import's "
        "columns; xlsx: a workbook, one sheet per kind; gexf: GEXF 1.3 for Gephi, coloured and placed as the "
        "ecosystem map; graphml: GraphML with the same attributes.")] = "json",
) -> Response:
    """The cluster for other tools. The manager gets everything; members and client applications
    get what consent allows (visible members, confirmed ties between them)."""
    if format == "json" and not view.viewer.is_manager:
        raise Forbidden("only the manager may export the interchange document (format=json); "
                        "ask for format=csv, xlsx, gexf or graphml")
    day = dt.date.today()
    body = exports.export(view, format, day=day, with_nulls=True)
    return Response(content=body, media_type=exports.MEDIA_TYPES[format], headers={
        "Content-Disposition": f'attachment; filename="{exports.file_name(format, day)}"'})
