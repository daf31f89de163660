"""Faults against a real Neo4j of our own: an outage and its recovery, and imports cut off half-way.

These tests stop and start Neo4j, so they run their own managed server (own home under a
temporary folder, free ports) and never touch the session server the other tests share. Each
start of that server costs ~10 s, so the module starts it once and restarts it once.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.errors import StoreUnavailable
from graph_service.interchange import Document, parse_document
from graph_service.neo4j_server.managed import ManagedServer
from graph_service.settings import Settings
from graph_service.store import documents
from graph_service.store.database import Database
from graph_service.store.graph import count_nodes
from graph_service.store.readiness import Readiness
from tests.factories import MANAGER, MANAGER_KEY, small_document

UNAVAILABLE = {"detail": "The graph database (Neo4j) is not available right now; try again shortly."}
CLI = [sys.executable, "-m", "graph_service.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, ManagedServer]]:
    """A managed Neo4j of this module's own, which the tests may stop and start."""
    settings = Settings(
        NEO4J_URI=None,  # always the managed server, even when the session uses an external one
        GRAPH_SERVICE_HOME=tmp_path_factory.mktemp("faults-home"),
        GRAPH_SERVICE_BOLT_PORT=_free_port(),
        GRAPH_SERVICE_HTTP_PORT=_free_port(),
        GRAPH_SERVICE_HEAP="512m",
        GRAPH_SERVICE_PAGECACHE="128m",
        GRAPH_SERVICE_CONNECTION_TIMEOUT=1.0,  # an outage is reported after ~1 s of retries, not 5 s
        GRAPH_SERVICE_PROJECTION_CHECK=0,  # read the version stamp at every request
        GRAPH_SERVICE_MANAGER_KEY=MANAGER_KEY,
    )
    srv = ManagedServer(settings)
    srv.start(log=print)
    try:
        yield settings, srv
    finally:
        srv.stop()
        shutil.rmtree(srv.data_dir, ignore_errors=True)  # ~500 MB of preallocated logs; keep logs/


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Document, Path]:
    """A generated cluster of more than SINGLE_TX_ROWS rows, so that it is imported batch by batch."""
    from seed.generator import generate_cluster

    doc, _facts = generate_cluster(members=3500, seed=7)
    assert _rows(doc) > documents.SINGLE_TX_ROWS
    path = tmp_path_factory.mktemp("faults-doc") / "big.json"
    path.write_text(json.dumps(doc.model_dump(mode="json", exclude_none=True)), encoding="utf-8")
    return doc, path


def _rows(doc: Document) -> int:
    return sum(len(getattr(doc, k)) for k in
               ("skills", "organisations", "members", "ties", "projects", "events", "introductions"))


def _canonical(doc: Document) -> dict[str, list[Any]]:
    """The document's records in a canonical order, without the built-in subsectors."""
    data = doc.model_dump(mode="json", exclude_none=True)
    data.pop("subsectors", None)
    for key, records_ in data.items():
        if key == "ties":
            records_.sort(key=lambda t: (t["source"], t["target"], t["kind"]))
        else:
            records_.sort(key=lambda r: r["id"])
    return data


def _assert_graph_holds_exactly(db: Database, doc: Document) -> None:
    """The graph holds the document: same records, and no node or tie twice."""
    exported = _canonical(documents.export_document(db))
    expected = _canonical(doc)
    for section in expected:
        assert len(exported[section]) == len(expected[section]), section
        assert exported[section] == expected[section], section
    counts = count_nodes(db)
    knows = sum(t.kind == "knows" for t in doc.ties)
    assert tuple(counts[k] for k in ("members", "organisations", "skills", "projects", "events",
                                     "introductions", "knows", "collaborated")) == (
        len(doc.members), len(doc.organisations), len(doc.skills), len(doc.projects), len(doc.events),
        len(doc.introductions), knows, len(doc.ties) - knows)


# -- 1 and 2b. Neo4j stopped while the API serves and an import runs -------------------------------
def test_outage_during_an_import_answers_503_then_everything_recovers_by_itself(
    server: tuple[Settings, ManagedServer], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One outage (a restart costs ~10 s) proves both: the API answers 503 and recovers without a
    restart, and an import cut off by the outage fails clearly and completes when run again.

    The import takes the batched path (one transaction per batch) on a smaller cluster, with the
    threshold lowered, rather than writing 20,000 rows once more (the next test does that)."""
    from seed.generator import generate_cluster

    settings, srv = server
    doc, _facts = generate_cluster(members=400, seed=11)
    monkeypatch.setattr(documents, "SINGLE_TX_ROWS", 500)
    assert _rows(doc) > documents.SINGLE_TX_ROWS
    with ExitStack() as stack:
        c = stack.enter_context(TestClient(create_app(settings), headers=MANAGER))
        assert c.post("/api/v1/import", params={"replace": "true"}, json=small_document()).status_code == 200
        members = c.get("/api/v1/members")
        assert members.status_code == 200 and members.json()["total"] == 4
        assert c.get("/api/v1/analytics/subsectors").status_code == 200
        assert c.get("/health").json()["status"] == "ok"

        # An import (as from another process: its own driver) is paused after a few batches...
        db = Database(settings)
        stack.callback(db.close)
        paused, resume = threading.Event(), threading.Event()
        written: list[int] = []
        failure: list[BaseException] = []

        def progress(_kind: str, n: int) -> None:
            written.append(n)
            if len(written) == 4:  # the skills, the organisations and some members have landed
                paused.set()
                resume.wait(timeout=60)

        def run() -> None:
            try:
                documents.import_document(db, doc, replace=True, batch_size=200, progress=progress)
            except BaseException as exc:  # handed to the test thread
                failure.append(exc)

        worker = threading.Thread(target=run)
        worker.start()
        try:
            assert paused.wait(timeout=120), "the import wrote no batch"
            pid = srv.status().pid
            assert pid is not None
            os.kill(pid, signal.SIGTERM)  # ...Neo4j goes down...
            resume.set()  # ...and the import carries on into the outage.
            srv.stop()
            worker.join(timeout=120)
            assert not worker.is_alive()
            assert len(failure) == 1 and isinstance(failure[0], StoreUnavailable), failure
            assert "Neo4j" in str(failure[0])

            began = time.monotonic()
            r = c.get("/api/v1/members")
            assert r.status_code == 503 and r.json() == UNAVAILABLE and r.headers["retry-after"] == "5"
            assert time.monotonic() - began < 10  # the driver gives up after its retry time, not a hang
            assert c.get("/api/v1/analytics/subsectors").status_code == 503  # the projection cache too
            h = c.get("/health")
            assert h.status_code == 503 and h.json()["status"] == "unavailable"
            assert h.json()["uri"] == srv.bolt_uri

            # An app that starts while Neo4j is down still comes up, and answers 503 meanwhile.
            late = stack.enter_context(TestClient(create_app(settings), headers=MANAGER))
            assert late.get("/api/v1/members").status_code == 503
            assert not late.app.state.readiness.done  # type: ignore[attr-defined]  # TestClient.app: a plain ASGI app
        finally:
            resume.set()
            worker.join(timeout=120)
            if srv.status().pid is None:
                srv.start(log=print)

        # Back: the same app answers again without a restart (the driver reconnects), with what
        # the graph holds: the import's first batches.
        partial = count_nodes(db)
        assert partial["members"] > 0 and partial["knows"] + partial["collaborated"] < len(doc.ties)
        again = c.get("/api/v1/members")
        assert again.status_code == 200 and again.json()["total"] == partial["members"]
        assert c.get("/api/v1/analytics/subsectors").status_code == 200
        assert c.get("/health").json()["status"] == "ok"
        # The app that started during the outage sets the database up on its first request.
        assert late.get("/api/v1/members").json() == again.json()
        assert late.app.state.readiness.done  # type: ignore[attr-defined]  # TestClient.app: a plain ASGI app

        # The import, run again, completes: the whole document, nothing twice.
        result = documents.import_document(db, doc, replace=True, batch_size=200)
        assert result.transactions > 1
        _assert_graph_holds_exactly(db, doc)
        assert c.get("/api/v1/members").json()["total"] == len(doc.members)
        # The running app's projection follows the version stamp: it answers as a fresh app does.
        fresh = c.get("/api/v1/analytics/subsectors")
        # The same answer from both processes; when each computed it (as_of) is their own.
        assert fresh.status_code == 200
        assert _without_as_of(fresh.json()) == _without_as_of(late.get("/api/v1/analytics/subsectors").json())


# -- 2a. the import process killed half-way ------------------------------------------------------
def _cli_env(settings: Settings, srv: ManagedServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "GRAPH_SERVICE_"))}
    env.update(NEO4J_URI=srv.bolt_uri, NEO4J_USER="neo4j", NEO4J_PASSWORD=srv.password())
    return env


def test_import_killed_half_way_then_run_again_gives_the_whole_graph_once(
    server: tuple[Settings, ManagedServer], big: tuple[Document, Path], tmp_path: Path,
) -> None:
    settings, srv = server
    doc, path = big
    env = _cli_env(settings, srv)
    db = Database(settings)
    try:
        Readiness().ensure(db)
        # The graph holds something else first, so that --replace has something to clear.
        documents.import_document(db, parse_document(small_document()), replace=True)

        proc = subprocess.Popen([*CLI, "import", str(path), "--replace"], env=env, cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 120
            while count_nodes(db)["members"] <= len(small_document()["members"]):
                assert proc.poll() is None, proc.communicate()
                assert time.monotonic() < deadline, "the import wrote no batch of members"
                time.sleep(0.05)
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.communicate()
        assert proc.returncode == -signal.SIGKILL
        partial = count_nodes(db)
        assert partial["members"] > 0 and partial["knows"] + partial["collaborated"] < len(doc.ties)

        done = subprocess.run([*CLI, "import", str(path), "--replace"], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert f"{len(doc.members)} members" in done.stdout
        _assert_graph_holds_exactly(db, doc)
    finally:
        db.close()


def _without_as_of(answer: dict[str, object]) -> dict[str, object]:
    """An analysis answer without the moment and graph version it was computed at."""
    return {k: v for k, v in answer.items() if k != "as_of"}
