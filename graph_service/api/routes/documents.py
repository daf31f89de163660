from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from graph_service.api.deps import DatabaseDep, SettingsDep
from graph_service.api.schemas import ImportSummary, Problems
from graph_service.errors import DocumentInvalid
from graph_service.interchange import Document, Problem, parse_document
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


@router.get("/export", response_model=Document)
def export_document(db: DatabaseDep) -> Document:
    """The whole cluster as an interchange document."""
    return documents.export_document(db)
