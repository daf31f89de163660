"""How errors leave the service: a clear status and message, never a stack trace.

Each error becomes its status here, once, and is answered in one of two forms:

* **JSON**, as the API has always answered (``{"detail": ...}``), to every API client: any path
  under ``/api/``, and any request whose ``Accept`` prefers ``application/json``;
* **an HTML page** (:mod:`graph_service.web.errors`: the message in words, a link to the home
  page, to the previous page and, for a 401, to the login) to a browser: a request to one of the
  HTML pages (a route tagged ``pages``), or any other request whose ``Accept`` prefers
  ``text/html`` (an unknown address typed into the address bar).

A page asked for without a login still redirects to the login page (303), as before.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph_service.api.auth.limits import retry_after_header
from graph_service.api.auth.sessions import SESSION_COOKIE
from graph_service.api.deps import visitor_of
from graph_service.errors import (
    Conflict,
    DocumentInvalid,
    Forbidden,
    InvalidRequest,
    LoginRequired,
    NotAuthenticated,
    NotFound,
    QueryTimeout,
    RateLimited,
    StoreUnavailable,
)
from graph_service.web.errors import ErrorPage, error_html
from graph_service.web.forms import field_label, readable_error
from graph_service.web.pages import SECURITY_HEADERS, Visitor

__all__ = ["install_error_handlers", "wants_html"]

log = logging.getLogger("graph_service.api")

PAGE_TAG = "pages"
"""The OpenAPI tag of the routes that answer HTML pages (their errors are pages too)."""

_NOT_PAGES = ("/api/", "/viz/assets/")


def _quality(accept: str) -> tuple[float, float]:
    """How much an ``Accept`` header wants HTML and JSON (the q values; 0 when not listed)."""
    html = json = 0.0
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        media = media.lower()
        if media in ("text/html", "application/xhtml+xml"):
            html = max(html, q)
        elif media == "application/json" or media.endswith("+json"):
            json = max(json, q)
    return html, json


def wants_html(request: Request) -> bool:
    """Whether the error goes back as an HTML page (a browser) rather than JSON (an API client)."""
    path = request.url.path
    if path.startswith(_NOT_PAGES[0]):
        return False
    html, json = _quality(request.headers.get("accept", ""))
    if json > 0 and json >= html:
        return False
    if html > 0:
        return True
    route = request.scope.get("route")
    return route is not None and PAGE_TAG in (getattr(route, "tags", None) or ()) and not path.startswith(_NOT_PAGES)


def _back(request: Request) -> str | None:
    """The previous page, when the browser said it was one of this site's (a path, never a host)."""
    referer = request.headers.get("referer")
    if not referer:
        return None
    parts = urlsplit(referer)
    if parts.netloc != request.url.netloc or parts.scheme != request.url.scheme:
        return None
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return target if target.startswith("/") and not target.startswith("//") and target != here else None


def _login_link(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET" or request.url.path.startswith(("/login", "/logout")):
        target = "/"
    return f"/login?next={quote(target, safe='')}"


async def _visitor(request: Request, status: int) -> Visitor | None:
    """Who is looking, for the page's header: as the page dependency named them, or else from the
    session cookie (the member's name read from the graph, except when the graph is the
    problem)."""
    found: Visitor | None = getattr(request.state, "visitor", None)
    if found is not None:
        return found
    sid = request.cookies.get(SESSION_COOKIE)
    guard = getattr(request.app.state, "guard", None)
    session = guard.sessions.session(sid) if sid and guard is not None else None
    if session is None:
        return None
    if status in (503, 504):  # the graph is the problem: no lookup
        return visitor_of(request, session.principal, session, lookup=False)
    return await run_in_threadpool(visitor_of, request, session.principal, session)


async def _answer(request: Request, status: int, content: Any, message: str, *,
                  headers: dict[str, str] | None = None, problems: Sequence[tuple[str, str]] = ()) -> Response:
    """``content`` as JSON to an API client, or the error page with ``message`` to a browser."""
    if not wants_html(request):
        return JSONResponse(status_code=status, content=content, headers=headers)
    return await _page(request, status, message, headers=headers, problems=problems)


async def _page(request: Request, status: int, message: str, *, headers: dict[str, str] | None = None,
                problems: Sequence[tuple[str, str]] = ()) -> HTMLResponse:
    page = ErrorPage(status, message, tuple(problems), back=_back(request),
                     login=_login_link(request) if status == 401 else None)
    visitor = await _visitor(request, status)
    return HTMLResponse(error_html(page, visitor), status_code=status,
                        headers={**SECURITY_HEADERS, "Cache-Control": "no-store", **(headers or {})})


def _problems(errors: Sequence[Any]) -> list[tuple[str, str]]:
    return [(field_label(tuple(e.get("loc", ()))), readable_error(e)) for e in errors if isinstance(e, dict)]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired) -> RedirectResponse:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(NotAuthenticated)
    async def _unauthenticated(request: Request, exc: NotAuthenticated) -> Response:
        detail = f"Not authenticated: {exc}."
        return await _answer(request, 401, {"detail": detail}, detail, headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        detail = f"Forbidden: {exc}."
        return await _answer(request, 403, {"detail": detail}, detail)

    @app.exception_handler(RateLimited)
    async def _rate_limited(request: Request, exc: RateLimited) -> Response:
        detail = f"Too many requests: {exc}; retry later."
        return await _answer(request, 429, {"detail": detail}, detail,
                             headers={"Retry-After": retry_after_header(exc.retry_after)})

    @app.exception_handler(StoreUnavailable)
    async def _unavailable(request: Request, exc: StoreUnavailable) -> Response:
        log.warning("Neo4j unavailable: %s", exc)
        detail = "The graph database (Neo4j) is not available right now; try again shortly."
        return await _answer(request, 503, {"detail": detail}, detail, headers={"Retry-After": "5"})

    @app.exception_handler(QueryTimeout)
    async def _timeout(request: Request, exc: QueryTimeout) -> Response:
        detail = f"The query took too long and was stopped: {exc}"
        return await _answer(request, 504, {"detail": detail}, detail)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        detail = str(exc)
        return await _answer(request, 404, {"detail": detail}, f"There is {detail}.")

    @app.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict) -> Response:
        return await _answer(request, 409, {"detail": str(exc)}, str(exc))

    @app.exception_handler(InvalidRequest)
    async def _invalid_request(request: Request, exc: InvalidRequest) -> Response:
        return await _answer(
            request, 422,
            {"detail": [{"loc": ["query", exc.field], "msg": exc.message, "type": "value_error"}]},
            "A value does not fit the graph.", problems=[(exc.field, exc.message)],
        )

    @app.exception_handler(DocumentInvalid)
    async def _invalid(request: Request, exc: DocumentInvalid) -> Response:
        detail = f"{len(exc.problems)} problem(s); nothing was written."
        return await _answer(
            request, 422,
            {"detail": detail, "problems": [p.model_dump() for p in exc.problems]},
            detail, problems=[(str(p.loc), p.msg) for p in exc.problems],
        )

    # FastAPI's own: a request that does not fit the route's parameters, an unknown address, a
    # method the address does not take, a body too large or unreadable. JSON exactly as FastAPI
    # answers it; a page for a browser.
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        if not wants_html(request):
            return await request_validation_exception_handler(request, exc)
        problems = _problems(list(exc.errors()))
        return await _page(request, 422, "Please check the address: "
                           f"{len(problems)} value(s) are not right.", problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if not wants_html(request) or exc.status_code < 400:
            return await http_exception_handler(request, exc)
        message = str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"There is no page at {request.url.path}."
        return await _page(request, exc.status_code, message, headers=dict(exc.headers or {}))

    # Anything unforeseen: the trace goes to the log (uvicorn's), never to the caller.
    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        if not wants_html(request):
            return PlainTextResponse("Internal Server Error", status_code=500)
        return await _page(request, 500, "The service met an error it did not expect. It has been "
                           "logged; please try again, and tell the cluster's team if it happens again.")
