"""Data on the desk: ``/desk/data`` (upload a workbook, CSV or JSON, see what would change,
confirm; download every export format).

Upload (multipart, at most ``settings.max_import_bytes``) → the preview (the API's dry run, nothing
written) → confirm → the import → 303 to the result page. The confirmation carries only the
upload's random id: the bytes wait on the server, bound to the browser session, and expire
(:mod:`graph_service.web.desk_data` says why and how)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from graph_service.api.auth.principals import Principal
from graph_service.api.deps import DatabaseDep, ManagerPageDep, PageViewDep, SettingsDep
from graph_service.api.routes.page_responses import private_page, see_other
from graph_service.errors import DocumentInvalid
from graph_service.settings import Settings
from graph_service.web import desk_data as pages
from graph_service.web import exports
from graph_service.web.desk_data import PendingUploads

router = APIRouter(tags=["pages"], include_in_schema=False)

Token = Annotated[str, Path(max_length=64)]


def _uploads(settings: Settings) -> PendingUploads:
    return PendingUploads(settings.home / "uploads")


def _owner(request: Request, principal: Principal) -> str:
    """Whose upload: the browser session (by its own secret), or else the key that called."""
    session = getattr(request.state, "session", None)
    return PendingUploads.owner_of(f"session:{session.csrf_token}" if session else f"key:{principal.key_id}")


@router.get("/desk/data", response_class=HTMLResponse)
def data_page(_manager: ManagerPageDep, settings: SettingsDep) -> Response:
    """The upload form and every download."""
    return private_page(pages.data_html(max_bytes=settings.max_import_bytes))


@router.post("/desk/data/preview", response_class=HTMLResponse)
async def preview_upload(request: Request, principal: ManagerPageDep, db: DatabaseDep, view: PageViewDep,
                         settings: SettingsDep) -> Response:
    """Read and check the upload (nothing written); keep it for the confirmation when it would be accepted."""
    form = await request.form(max_files=1, max_fields=10)
    try:
        upload = form.get("file")
        mode = str(form.get("mode") or "")
        values = {"mode": mode, "replace_confirmed": str(form.get("replace_confirmed") or "")}
        filename = (upload.filename or "") if isinstance(upload, UploadFile) else ""
        kind = pages.file_kind(filename)
        data = b""
        if isinstance(upload, UploadFile) and kind is not None:
            data = await upload.read(settings.max_import_bytes + 1)
    finally:
        await form.close()  # the spooled upload: its bytes are in ``data`` now
    errors = pages.upload_errors(filename, kind, data, values, max_bytes=settings.max_import_bytes)
    if errors or kind is None:
        return private_page(pages.data_html(errors=errors, values=values, max_bytes=settings.max_import_bytes), 422)
    replace = mode == "replace"
    spreadsheet = kind != "json"
    stored = view.current().document

    def check() -> pages.Preview:
        try:
            draft = pages.read_upload(db, data, kind, filename)
        except DocumentInvalid as exc:
            return pages.refused(exc, replace=replace, spreadsheet=spreadsheet)
        return pages.preview(db, stored, draft, replace=replace, spreadsheet=spreadsheet)

    result = await run_in_threadpool(check)
    token = None
    if result.valid:
        token = _uploads(settings).save(data, filename=filename, kind=kind, replace=replace,
                                        owner=_owner(request, principal))
    return private_page(pages.preview_html(result, filename=filename, token=token), 200 if result.valid else 422)


_GONE = ("That upload is no longer waiting: it was imported or cancelled already, it belongs to another "
         "login, or it expired (after {minutes} minutes). Upload the file again.")


@router.post("/desk/data/confirm", response_class=HTMLResponse)
async def confirm_upload(request: Request, principal: ManagerPageDep, db: DatabaseDep,
                         settings: SettingsDep) -> Response:
    """Import the upload the preview showed (read again from the server's copy, checked again)."""
    form = await request.form(max_files=0, max_fields=10)
    token, cancel = str(form.get("upload") or ""), bool(form.get("cancel"))
    await form.close()
    uploads = _uploads(settings)
    owner = _owner(request, principal)
    pending = uploads.get(token, owner)
    if pending is None:
        notice = _GONE.format(minutes=pages.UPLOAD_TTL_S // 60)
        return private_page(pages.data_html(max_bytes=settings.max_import_bytes, notice=notice), 409)
    if cancel:
        uploads.discard(token)
        return see_other("/desk/data")
    spreadsheet = pending.kind != "json"

    def run() -> dict[str, object] | pages.Preview:
        try:
            draft = pages.read_upload(db, pending.data, pending.kind, pending.filename)
            return pages.apply(db, draft, replace=pending.replace, batch_size=settings.import_batch_size)
        except DocumentInvalid as exc:  # the graph changed since the preview
            return pages.refused(exc, replace=pending.replace, spreadsheet=spreadsheet)

    outcome = await run_in_threadpool(run)
    if isinstance(outcome, pages.Preview):
        uploads.discard(token)
        return private_page(pages.preview_html(outcome, filename=pending.filename, token=None), 409)
    uploads.finish(token, owner, outcome)
    return see_other(f"/desk/data/imported/{token}")


@router.get("/desk/data/imported/{token}", response_class=HTMLResponse)
def imported_page(request: Request, principal: ManagerPageDep, settings: SettingsDep, token: Token) -> Response:
    """What the import wrote."""
    found = _uploads(settings).result(token, _owner(request, principal))
    if found is None:
        notice = "That import's result is no longer kept; the graph holds what was imported."
        return private_page(pages.data_html(max_bytes=settings.max_import_bytes, notice=notice), 404)
    result, meta = found
    return private_page(pages.result_html(result, filename=str(meta.get("filename", ""))))


@router.get("/desk/data/{table}.csv", response_class=Response)
def table_download(_manager: ManagerPageDep, view: PageViewDep, table: Literal["ties", "introductions"]) -> Response:
    """The ties or the introductions as CSV, names beside the ids."""
    day = dt.date.today()
    return Response(exports.table_csv(view.current().document, table), media_type=exports.MEDIA_TYPES["csv"],
                    headers={"Content-Disposition": f'attachment; filename="{table}-{day.isoformat()}.csv"',
                             "Cache-Control": "no-store"})
