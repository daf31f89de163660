"""Two worker processes behind one port: ``graph-service serve --workers 2`` against the test run's
Neo4j, with the local redis-server the CLI starts itself (Debian's, a real server).

Which worker answered is told by the ``X-Served-By`` header (its pid; development mode only).
Keep-alive connections stay with the worker that accepted them, so the test opens connections
until it holds one to each worker, then: a login through one worker is a session on the other (and
its anti-forgery token holds there), a key's rate limit is one budget across both, a revoked key's
session ends on both, and a member added through one is in the other's projection within a second.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from graph_service.interchange import Document
from graph_service.services.keys import create_key
from graph_service.settings import Settings
from graph_service.store import documents
from graph_service.store.database import Connection, Database
from tests.factories import MANAGER, small_document
from tests.serving import two_workers_serving

BURST = 25  # requests a key may make at once; refilled at 1 a minute, so not during the test


@pytest.fixture
def two_workers(db: Database, neo4j_backend: tuple[Settings, Connection],
                tmp_path: Path) -> Iterator[str]:
    _settings, c = neo4j_backend
    documents.import_document(db, Document.model_validate(small_document()), replace=True)
    with two_workers_serving(c, tmp_path, {"GRAPH_SERVICE_RATE_LIMIT": "1",
                                           "GRAPH_SERVICE_RATE_BURST": str(BURST)}) as base:
        yield base
    assert not (tmp_path / "redis" / "redis.pid").exists() or _gone(tmp_path / "redis" / "redis.pid")
    assert "Sessions and rate limits in a local redis-server" in (tmp_path / "serve.log").read_text()


def _gone(pidfile: Path) -> bool:
    try:
        os.kill(int(pidfile.read_text().strip()), 0)
    except (ProcessLookupError, ValueError, FileNotFoundError):
        return True
    return False


def one_per_worker(base: str) -> tuple[httpx.Client, httpx.Client]:
    """Two keep-alive connections answered by two different workers."""
    held: dict[str, httpx.Client] = {}
    spare: list[httpx.Client] = []
    for _ in range(60):
        c = httpx.Client(base_url=base, timeout=120, limits=httpx.Limits(max_connections=1))
        pid = c.get("/health").headers["x-served-by"]
        if pid in held:
            spare.append(c)  # kept open: its worker is busier, the next connection may go elsewhere
        else:
            held[pid] = c
        if len(held) == 2:
            break
    for c in spare:
        c.close()
    assert len(held) == 2, "every connection was accepted by the same worker"
    a, b = held.values()
    return a, b


def client_not_on(base: str, pid: str) -> httpx.Client:
    """A keep-alive connection answered by a worker other than ``pid``."""
    first, second = one_per_worker(base)
    keep, drop = (first, second) if first.get("/health").headers["x-served-by"] != pid else (second, first)
    drop.close()
    return keep


def test_two_workers_share_sessions_limits_and_the_graph(two_workers: str, db: Database) -> None:
    a, b = one_per_worker(two_workers)
    pid_a, pid_b = a.get("/health").headers["x-served-by"], b.get("/health").headers["x-served-by"]
    assert pid_a != pid_b

    # A login through one worker is a session on the other, with its anti-forgery token.
    key = create_key(db, role="member", member="m-002", name="Pixel's laptop")
    r = a.post("/login", data={"key": key.key, "next": "/"}, headers={"Origin": two_workers},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["x-served-by"] == pid_a
    b.cookies = httpx.Cookies(a.cookies)  # a copy: the same browser, on its connection to the other worker
    assert b.cookies.get("gs_session")
    me = b.get("/api/v1/members/m-002")
    assert me.status_code == 200 and me.headers["x-served-by"] == pid_b
    page = b.get("/me")
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text)
    assert page.status_code == 200 and token, page.text[:300]
    changed = a.patch("/api/v1/members/m-002", json={"city": "Kayl"},
                      headers={"X-CSRF-Token": token.group(1), "Origin": two_workers})
    assert changed.status_code == 200 and changed.json()["city"] == "Kayl", changed.text
    forged = a.patch("/api/v1/members/m-002", json={"city": "Elsewhere"}, headers={"Origin": two_workers})
    assert forged.status_code == 403

    # The key is revoked through one worker: its session ends on the other.
    assert a.delete(f"/api/v1/keys/{key.id}", headers=MANAGER).status_code == 200
    a.cookies.clear()
    assert b.get("/api/v1/members/m-002").status_code == 401

    # One budget of BURST requests for a key, whichever worker answers. (A connection left idle for
    # uvicorn's keep-alive time is closed and may come back on another worker: fresh ones here.)
    a.close()
    b.close()
    a, b = one_per_worker(two_workers)
    other = create_key(db, role="member", member="m-001", name="rate limited")
    bearer = {"Authorization": f"Bearer {other.key}"}
    answers = [(c.get("/api/v1/members/m-001", headers=bearer)) for _ in range(BURST // 2 + 3) for c in (a, b)]
    ok = [r for r in answers if r.status_code == 200]
    assert len({r.headers["x-served-by"] for r in ok}) == 2, [
        (r.status_code, r.headers.get("x-served-by")) for r in answers]
    assert BURST <= len(ok) <= BURST + 1  # + at most one token refilled meanwhile (1 a minute)
    assert answers[-1].status_code == 429 and int(answers[-1].headers["retry-after"]) >= 1

    # A member added through one worker is in the other's projection within a second. Both
    # projections read first (the first answer of a worker takes seconds here, long enough for an
    # idle connection to be closed), then a fresh pair; a write that lands on the reader's worker
    # after all is tried again with another member.
    for c in (a, b):
        assert c.get("/api/v1/members/m-001/recommendations", headers=MANAGER).status_code == 200
        c.close()
    for attempt in range(5):
        new_id = f"m-90{attempt}"
        a, b = one_per_worker(two_workers)
        reader = b.get(f"/api/v1/members/{new_id}/recommendations", headers=MANAGER)
        assert reader.status_code == 404
        made = a.post("/api/v1/members", json={"id": new_id, "name": "New Member", "subsectors": ["music"]},
                      headers=MANAGER)
        written = time.monotonic()
        assert made.status_code == 201
        if made.headers["x-served-by"] != reader.headers["x-served-by"]:
            break
        a.close()
        b.close()
    else:
        pytest.fail("every write landed on the reader's worker")
    while True:
        r = b.get(f"/api/v1/members/{new_id}/recommendations", headers=MANAGER)
        assert time.monotonic() - written < 3.0, "the other worker did not see the new member"
        if r.headers["x-served-by"] == made.headers["x-served-by"]:  # b's connection came back on the writer
            b.close()
            b = client_not_on(two_workers, made.headers["x-served-by"])
            continue
        if r.status_code == 200:
            break
        assert r.status_code == 404
        time.sleep(0.15)
    seen = time.monotonic() - written
    print(f"the other worker saw the write after {seen:.2f} s")
    assert seen <= 1.5  # the projection's check every second (GRAPH_SERVICE_PROJECTION_CHECK), and its reading
    a.close()
    b.close()
