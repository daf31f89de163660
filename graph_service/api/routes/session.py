"""Browser login: a key typed once at /login becomes a session cookie for the pages."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from graph_service.api.auth.principals import Guard
from graph_service.api.auth.sessions import SESSION_COOKIE
from graph_service.web.login import login_html
from graph_service.web.pages import SECURITY_HEADERS

router = APIRouter(tags=["pages"], include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never '//host' or 'https://host'), so the login cannot redirect away."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/explore"
    return target


def _form(next_path: str, error: str | None = None, status: int = 200) -> HTMLResponse:
    headers = {**SECURITY_HEADERS, "Cache-Control": "no-store"}
    return HTMLResponse(login_html(next_path, error), status_code=status, headers=headers)


@router.get("/login", response_class=HTMLResponse)
def login_form(next: Annotated[str | None, Query(max_length=2000)] = None) -> HTMLResponse:
    return _form(_safe_next(next))


@router.post("/login")
async def login(request: Request) -> Response:
    form = parse_qs((await request.body()).decode("utf-8", errors="replace"))
    key = (form.get("key") or [""])[0].strip()
    next_path = _safe_next(next(iter(form.get("next") or []), None))
    guard: Guard = request.app.state.guard
    principal = guard.principal_for_key(request, key) if key else None
    if principal is None:
        guard.failed(request)
        return _form(next_path, "That key is not valid (unknown or revoked).", status=401)
    request.state.principal = principal
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(SESSION_COOKIE, guard.sessions.create(principal), max_age=int(guard.sessions.ttl),
                        httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/")
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    if sid := request.cookies.get(SESSION_COOKIE):
        request.app.state.guard.sessions.drop(sid)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
