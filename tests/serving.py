"""``graph-service serve --workers 2`` as a real process tree for the tests of several workers
(tests/test_workers.py, tests/test_cluster_ready.py): started on a free port against the test
run's Neo4j, waited for until ``/health`` answers, stopped as Ctrl-C stops it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx

from graph_service.store.database import Connection
from tests.conftest import _free_port
from tests.factories import MANAGER_KEY

__all__ = ["two_workers_serving"]


@contextmanager
def two_workers_serving(c: Connection, home: Path, env: Mapping[str, str], *, uri: str | None = None
                        ) -> Iterator[str]:
    """The base URL of ``graph-service serve --workers 2`` on Neo4j ``c`` (at ``uri``, default its
    own), home ``home``, in development mode with the tests' manager key and no background
    analyses, plus ``env``; the CLI starts its own redis-server. Its output is ``home/serve.log``."""
    port = _free_port()
    full = {**os.environ, "NEO4J_URI": uri or c.uri, "NEO4J_USER": c.user, "NEO4J_PASSWORD": c.password,
            "NEO4J_DATABASE": c.database, "GRAPH_SERVICE_HOME": str(home), "GRAPH_SERVICE_MODE": "development",
            "GRAPH_SERVICE_MANAGER_KEY": MANAGER_KEY, "GRAPH_SERVICE_ANALYTICS_BACKGROUND": "false", **env}
    full.pop("GRAPH_SERVICE_REDIS_URL", None)  # the CLI starts its own
    log_path = home / "serve.log"
    log = log_path.open("wb")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "graph-service"), "serve", "--workers", "2",
                             "--port", str(port)], env=full, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, log_path.read_text()
            try:
                if httpx.get(base + "/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.3)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C: uvicorn stops its workers, the CLI its redis
        try:
            proc.wait(timeout=60)
        finally:
            log.close()
