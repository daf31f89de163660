"""The FastAPI application: routers under /api/v1, errors, and the Neo4j driver's lifespan."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI

from graph_service.api.auth.principals import Guard, manager_key
from graph_service.api.consistency import ReadYourWrites
from graph_service.api.deps import authenticate, get_database, manager_only
from graph_service.api.errors import install_error_handlers
from graph_service.api.middleware import AuditTrail, BodyLimit
from graph_service.api.routes import (
    analytics,
    desk_data,
    desk_events,
    desk_introductions,
    desk_members,
    desk_messages,
    desk_tenders,
    documents,
    events,
    health,
    introductions,
    keys,
    member_space,
    members,
    network,
    organisations,
    privacy,
    projects,
    session,
    taxonomy,
    teams,
    ties,
    viz,
)
from graph_service.api.schemas import Message
from graph_service.errors import StoreError
from graph_service.services import background
from graph_service.services.audit import AuditLog, load_secret
from graph_service.services.views import ProjectionCache
from graph_service.settings import Settings, get_settings
from graph_service.store.database import Database
from graph_service.store.readiness import Readiness

__all__ = ["create_app"]

log = logging.getLogger("graph_service")

DESCRIPTION = """
The collaboration network of the Luxembourg Creative Industries Cluster: members, subsectors,
skills, projects, events and introductions in Neo4j, with explainable recommendations.
"""


# Documented on every authenticated operation (the OpenAPI contract lists every status it can answer).
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": Message, "description": "No key, or a key that is unknown or revoked"},
    403: {"model": Message, "description": "This key's role may not do this, or not for this object"},
    429: {"model": Message, "description": "Too many requests for this key; see Retry-After"},
}
BODY_RESPONSES: dict[int | str, dict[str, Any]] = {
    413: {"model": Message, "description": "The request body is too large"},
}


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    """The application. Refuses (ConfigurationError) to be built without a manager key outside
    development mode."""
    settings = settings or get_settings()
    secret = manager_key(settings, announce=log.warning)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            app.state.readiness.ensure(app.state.db)
        except StoreError as exc:  # keep serving: /health says why, requests answer 503 until it is back
            log.warning("Neo4j is not ready at start-up: %s", exc)
        # The global analyses of a big graph, recomputed in the background after every change.
        worker = app.state.analyses_worker = background.start(app.state.projection, settings)
        yield
        if worker is not None:
            worker.stop()
        if owns_db:
            app.state.db.close()

    owns_db = db is None
    app = FastAPI(
        title="Creative Industries Cluster graph service",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served below from the local copies (graph_service/web/apidocs.py)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db or Database(settings)
    app.state.readiness = Readiness()
    app.state.projection = ProjectionCache(app.state.db, check_interval=settings.projection_check_s)
    app.state.guard = Guard(settings, secret, get_database)
    app.state.guard.follow(app.state.projection)  # other processes' revocations, from the change records
    app.state.audit = AuditLog(settings.audit_log_path, load_secret(settings.home))
    install_error_handlers(app)

    # Every /api/v1 route authenticates first (401/429 before any other work); the routes then
    # check the role and the object. Manager-only areas say so here, once.
    api = APIRouter(prefix="/api/v1", dependencies=[Depends(authenticate)], responses=AUTH_RESPONSES)
    for module in (members, privacy, ties, network, taxonomy, organisations, projects, events, introductions,
                   teams):
        api.include_router(module.router)
    for module in (analytics, keys):
        api.include_router(module.router, dependencies=[Depends(manager_only)])
    api.include_router(documents.router, dependencies=[Depends(manager_only)])
    api.include_router(documents.export_router)  # every caller: each gets their consented view
    app.include_router(health.router)
    app.include_router(session.router)
    app.include_router(api)
    # HTML pages outside /api/v1: /viz/..., /report, /members-app. Without credentials a browser
    # is sent to the login page (303); with bad ones the answer is 401.
    page_responses = {**AUTH_RESPONSES, 303: {"description": "Not logged in: redirect to /login?next=<this page>"}}
    app.include_router(viz.router, responses=page_responses)
    # The workspace: the manager's desk, one page per job, and a member's own space.
    for module in (desk_introductions, desk_messages, desk_tenders, desk_events, desk_members, desk_data,
                   member_space):
        app.include_router(module.router, responses=page_responses)
    _document_body_limits(app)
    _add_docs_pages(app)

    app.add_middleware(ReadYourWrites)  # a session's last write, seen by whichever worker answers next
    app.add_middleware(AuditTrail, log=app.state.audit)
    if settings.development:  # which worker answered (tests/test_workers.py); never in production
        app.add_middleware(_ServedBy)
    app.add_middleware(BodyLimit, default=settings.max_body_bytes,
                       limits={"/api/v1/import": settings.max_import_bytes,
                               # the desk's upload: the file within the import's limit, and its form
                               "/desk/data/preview": settings.max_import_bytes + (1 << 20)})
    return app


class _ServedBy:
    """Adds ``X-Served-By: <pid>`` to every answer (development mode only)."""

    def __init__(self, app: Any):
        self.app = app
        self.header = (b"x-served-by", str(os.getpid()).encode())

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def tagged(message: Any) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], self.header]
            await send(message)

        await self.app(scope, receive, tagged if scope["type"] == "http" else send)


def _add_docs_pages(app: FastAPI) -> None:
    """``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) from the local copies, each with its own
    Content-Security-Policy (web/apidocs.py). Public, like ``/openapi.json`` they draw: the
    documentation holds no cluster data, and trying an endpoint needs a key (docs/security.md)."""
    from fastapi.responses import HTMLResponse

    from graph_service.web.apidocs import docs_csp, redoc_page, swagger_page
    from graph_service.web.pages import SECURITY_HEADERS

    openapi_url = app.openapi_url or "/openapi.json"

    def page(html: str) -> HTMLResponse:
        return HTMLResponse(html, headers={**SECURITY_HEADERS, "Content-Security-Policy": docs_csp(html)})

    @app.get("/docs", include_in_schema=False, tags=["pages"])
    def swagger_ui() -> HTMLResponse:
        return page(swagger_page(openapi_url))

    @app.get("/redoc", include_in_schema=False, tags=["pages"])
    def redoc() -> HTMLResponse:
        return page(redoc_page(openapi_url))


def _document_body_limits(app: FastAPI) -> None:
    """Add the 413 answer to every operation that takes a body."""
    from fastapi.routing import APIRoute

    for route in app.routes:
        if isinstance(route, APIRoute) and (route.methods or set()) & {"POST", "PUT", "PATCH"}:
            route.responses = {**BODY_RESPONSES, **route.responses}
