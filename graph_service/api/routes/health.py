from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from graph_service.api.schemas import Health
from graph_service.errors import StoreError
from graph_service.store.database import Database

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(request: Request) -> JSONResponse:
    """Whether Neo4j answers. 200 when it does, 503 when it does not."""
    db: Database = request.app.state.db
    try:
        version = db.ping()
        request.app.state.readiness.ensure(db)
    except StoreError as exc:
        body = Health(status="unavailable", neo4j=str(exc), uri=db.connection.uri)
        return JSONResponse(status_code=503, content=body.model_dump())
    return JSONResponse(content=Health(status="ok", neo4j=version, uri=db.connection.uri).model_dump())
