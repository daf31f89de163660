"""Browser sessions and where they start: ``/login`` (a key typed once becomes a session cookie),
``POST /logout``, ``/`` (each role's home page) and the manager's ``/desk`` (a member's ``/me`` is
in :mod:`graph_service.api.routes.member_space`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from graph_service.api.auth.csrf import check_origin, check_session_write
from graph_service.api.auth.principals import Guard, identify
from graph_service.api.auth.sessions import SESSION_COOKIE
from graph_service.api.deps import BearerDep, CsrfTokenDep, ManagerPageDep
from graph_service.errors import NotAuthenticated
from graph_service.services.visibility import Role
from graph_service.settings import Settings
from graph_service.web.desk import desk_html
from graph_service.web.login import login_html
from graph_service.web.pages import SECURITY_HEADERS

router = APIRouter(tags=["pages"], include_in_schema=False)

HOME: dict[Role, str] = {"manager": "/desk", "member": "/me", "client": "/docs"}
"""Each role's home page: the manager's desk, a member's own page; a client application has no
pages, only the API and its documentation."""

_NO_STORE = {**SECURITY_HEADERS, "Cache-Control": "no-store"}


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never '//host' or 'https://host'), so the login cannot redirect away."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _key_file(settings: Settings) -> Path | None:
    """Where the manager's key is kept, in development mode without GRAPH_SERVICE_MANAGER_KEY."""
    if settings.manager_key is None and settings.development:
        return Path(settings.home) / "manager-key"
    return None


def _form(request: Request, next_path: str, error: str | None = None, status: int = 200,
          notice: str | None = None) -> HTMLResponse:
    html = login_html(next_path, error, key_file=_key_file(request.app.state.settings), notice=notice)
    return HTMLResponse(html, status_code=status, headers=_NO_STORE)


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    next: Annotated[str | None, Query(max_length=2000)] = None,
    out: Annotated[bool, Query(description="Just logged out.")] = False,
) -> HTMLResponse:
    return _form(request, _safe_next(next), notice="You are logged out." if out else None)


@router.post("/login")
async def login(request: Request) -> Response:
    # A login from another site's form would log the browser in as the other site chose.
    check_origin(request, required=False)
    form = await request.form()
    key = str(form.get("key") or "").strip()
    next_value = form.get("next")
    next_path = _safe_next(next_value if isinstance(next_value, str) else None)
    guard: Guard = request.app.state.guard
    principal = guard.principal_for_key(request, key) if key else None
    if principal is None:
        guard.failed(request)
        return _form(request, next_path, "That key is not valid (unknown or revoked).", status=401)
    request.state.principal = principal
    if old := request.cookies.get(SESSION_COOKIE):
        guard.sessions.drop(old)  # a login always starts a new session (new id, new token)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(SESSION_COOKIE, guard.sessions.create(principal), max_age=int(guard.sessions.ttl),
                        httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/")
    return response


@router.post("/logout")
async def logout(request: Request, csrf_token: CsrfTokenDep) -> Response:
    """End the browser's session. Like any change made with the session, it needs the session's
    token from one of this site's pages (the header's logout button), else 403."""
    guard: Guard = request.app.state.guard
    sid = request.cookies.get(SESSION_COOKIE)
    session = guard.sessions.session(sid) if sid else None
    if session is not None and sid is not None:
        check_session_write(request, session, csrf_token)
        request.state.principal = session.principal
        guard.sessions.drop(sid)
    response = RedirectResponse("/login?out=true", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict",
                           secure=request.url.scheme == "https")
    return response


@router.get("/")
def home(request: Request, credentials: BearerDep) -> RedirectResponse:
    """The caller's home page: the manager's desk, a member's own page; the login without a login."""
    try:
        principal = identify(request, credentials)
    except NotAuthenticated:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(HOME[principal.role], status_code=303)


@router.get("/desk", response_class=HTMLResponse)
def desk(_manager: ManagerPageDep) -> HTMLResponse:
    """The cluster manager's desk: one link per job."""
    return HTMLResponse(desk_html(), headers=SECURITY_HEADERS)
