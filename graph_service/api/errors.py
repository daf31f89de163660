"""How errors leave the service: a clear status and message, never a stack trace."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse

from graph_service.api.auth.limits import retry_after_header
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

__all__ = ["install_error_handlers"]

log = logging.getLogger("graph_service.api")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired) -> RedirectResponse:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(NotAuthenticated)
    async def _unauthenticated(_: Request, exc: NotAuthenticated) -> JSONResponse:
        return JSONResponse(status_code=401, content={"detail": f"Not authenticated: {exc}."},
                            headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(Forbidden)
    async def _forbidden(_: Request, exc: Forbidden) -> JSONResponse:
        return JSONResponse(status_code=403, content={"detail": f"Forbidden: {exc}."})

    @app.exception_handler(RateLimited)
    async def _rate_limited(_: Request, exc: RateLimited) -> JSONResponse:
        return JSONResponse(status_code=429, content={"detail": f"Too many requests: {exc}; retry later."},
                            headers={"Retry-After": retry_after_header(exc.retry_after)})

    @app.exception_handler(StoreUnavailable)
    async def _unavailable(_: Request, exc: StoreUnavailable) -> JSONResponse:
        log.warning("Neo4j unavailable: %s", exc)
        return JSONResponse(
            status_code=503,
            content={"detail": "The graph database (Neo4j) is not available right now; try again shortly."},
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(QueryTimeout)
    async def _timeout(_: Request, exc: QueryTimeout) -> JSONResponse:
        return JSONResponse(status_code=504, content={"detail": f"The query took too long and was stopped: {exc}"})

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": str(exc)})

    @app.exception_handler(Conflict)
    async def _conflict(_: Request, exc: Conflict) -> JSONResponse:
        return JSONResponse(status_code=409, content={"detail": str(exc)})

    @app.exception_handler(InvalidRequest)
    async def _invalid_request(_: Request, exc: InvalidRequest) -> JSONResponse:
        return JSONResponse(
            status_code=422,
            content={"detail": [{"loc": ["query", exc.field], "msg": exc.message, "type": "value_error"}]},
        )

    @app.exception_handler(DocumentInvalid)
    async def _invalid(_: Request, exc: DocumentInvalid) -> JSONResponse:
        return JSONResponse(
            status_code=422,
            content={"detail": f"{len(exc.problems)} problem(s); nothing was written.",
                     "problems": [p.model_dump() for p in exc.problems]},
        )
