"""The FastAPI application: routers under /api/v1, errors, and the Neo4j driver's lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from graph_service.api.errors import install_error_handlers
from graph_service.api.routes import (
    analytics,
    documents,
    events,
    health,
    introductions,
    members,
    network,
    projects,
    taxonomy,
    teams,
)
from graph_service.api.routes import viz
from graph_service.services.projection import ProjectionCache
from graph_service.settings import Settings, get_settings
from graph_service.store.database import Database, StoreError
from graph_service.store.readiness import Readiness

__all__ = ["create_app"]

log = logging.getLogger("graph_service")

DESCRIPTION = """
The collaboration network of the Luxembourg Creative Industries Cluster: members, subsectors,
skills, projects, events and introductions in Neo4j, with explainable recommendations.
"""


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            app.state.readiness.ensure(app.state.db)
        except StoreError as exc:  # keep serving: /health says why, requests answer 503 until it is back
            log.warning("Neo4j is not ready at start-up: %s", exc)
        yield
        if owns_db:
            app.state.db.close()

    owns_db = db is None
    app = FastAPI(
        title="Creative Industries Cluster graph service",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = db or Database(settings)
    app.state.readiness = Readiness()
    app.state.projection = ProjectionCache(app.state.db, check_interval=settings.projection_check_s)
    install_error_handlers(app)

    api = APIRouter(prefix="/api/v1")
    for module in (members, network, analytics, taxonomy, projects, events, introductions, teams, documents):
        api.include_router(module.router)
    app.include_router(health.router)
    app.include_router(api)
    app.include_router(viz.router)  # HTML pages outside /api/v1: /viz/..., /report, /members-app
    return app
