"""Request dependencies, as ``Annotated`` aliases the routes declare."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from graph_service.services.views import ProjectionCache
from graph_service.settings import Settings
from graph_service.store.database import Database

__all__ = ["DatabaseDep", "SettingsDep", "get_database", "get_projection"]


def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    request.app.state.readiness.ensure(db)
    return db


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def get_projection(request: Request) -> ProjectionCache:
    get_database(request)
    return request.app.state.projection


