from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from graph_service.api.deps import DatabaseDep, SettingsDep, ViewDep
from graph_service.api.schemas import ImportSummary, Problems
from graph_service.errors import DocumentInvalid, Forbidden
from graph_service.interchange import Document, Problem, parse_document
from graph_service.services import exports
from graph_service.services.imports import csv_problems, parse_members_csv
from graph_service.store import documents

router = APIRouter(tags=["import and export"])

_DOC_SCHEMA_REF = {"$ref": "#/components/schemas/Document"}


def _is_csv(request: Request) -> bool:
    return request.headers.get("content-type", "").split(";")[0].strip().lower() in ("text/csv", "application/csv")


async def _body_document(request: Request) -> Document:
    raw = await request.body()
    if _is_csv(request):
        return parse_members_csv(raw.decode("utf-8-sig", errors="replace"))
    try:
        data: Any = json.loads(raw or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DocumentInvalid([Problem(loc="body", msg=f"not valid JSON: {exc}")]) from None
    if not isinstance(data, dict):
        raise DocumentInvalid([Problem(loc="body", msg="the document must be a JSON object")])
    return parse_document(data)


@router.post(
    "/import",
    response_model=ImportSummary,
    responses={422: {"model": Problems, "description": "Every problem, with its place; nothing was written."}},
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/json": {"schema": _DOC_SCHEMA_REF},
        "text/csv": {"schema": {"type": "string", "description": "A member spreadsheet, one row per member."}},
    }}},
)
async def import_document(
    request: Request, db: DatabaseDep, settings: SettingsDep,
    replace: Annotated[bool, Query(description="Replace the whole graph with the document.")] = False,
) -> ImportSummary:
    """Load an interchange document (JSON) or a member spreadsheet (CSV). Validated whole first."""
    doc = await _body_document(request)
    try:
        result = await run_in_threadpool(
            documents.import_document, db, doc, replace=replace, batch_size=settings.import_batch_size
        )
    except DocumentInvalid as exc:
        raise (csv_problems(exc) if _is_csv(request) else exc) from None
    return ImportSummary(replaced=result.replaced, counts=result.counts, transactions=result.transactions)


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
