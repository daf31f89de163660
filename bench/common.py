"""Shared set-up of the benchmark scripts: a throw-away managed Neo4j on free ports."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from graph_service.neo4j_server.managed import ManagedServer
from graph_service.settings import Settings
from graph_service.store.database import Database
from graph_service.store.readiness import Readiness

__all__ = ["free_port", "bench_settings", "temporary_database", "serve_in_thread", "percentile",
           "manager_headers"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_settings(home: Path, *, heap: str = "1g", pagecache: str = "512m") -> Settings:
    # Development mode: a manager key is generated in the throw-away home. Rate limits are lifted
    # so that they do not shape the measurements.
    return Settings(GRAPH_SERVICE_HOME=home, GRAPH_SERVICE_BOLT_PORT=free_port(),
                    GRAPH_SERVICE_HTTP_PORT=free_port(), GRAPH_SERVICE_HEAP=heap,
                    GRAPH_SERVICE_PAGECACHE=pagecache, GRAPH_SERVICE_TX_TIMEOUT=300,
                    GRAPH_SERVICE_MODE="development", GRAPH_SERVICE_RATE_LIMIT=10_000_000,
                    GRAPH_SERVICE_RATE_BURST=1_000_000)


def manager_headers(settings: Settings) -> dict[str, str]:
    """The Authorization header of the manager of ``settings`` (generated in development mode)."""
    from graph_service.api.auth.principals import manager_key

    return {"Authorization": f"Bearer {manager_key(settings)}"}


@contextmanager
def temporary_database(home: Path, *, heap: str = "1g", pagecache: str = "512m") -> Iterator[Database]:
    """A new managed Neo4j under ``home``, ready (schema and subsectors), stopped afterwards."""
    settings = bench_settings(home, heap=heap, pagecache=pagecache)
    server = ManagedServer(settings)
    server.start(log=lambda _m: None)
    db = Database(settings)
    try:
        Readiness().ensure(db)
        yield db
    finally:
        db.close()
        server.stop()


@contextmanager
def serve_in_thread(app: Any, **config: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **config))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of ``values`` (p in 0..100)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]
