"""The lean request path (docs/benchmarks.md, "Request path"): what a request no longer asks
Neo4j, and that the answers stay the same.

* impression counts kept in the process (graph_service/services/impressions.py): this process's
  own impressions count at once, another process's within the interval, a local change to the
  cluster forgets them;
* keys in steady use looked up again in the background, a revocation elsewhere still refused
  within ``GRAPH_SERVICE_KEY_CACHE``;
* the subsectors' member counts from the projection, the same as the database's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime

from fastapi.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.interchange import Document
from graph_service.services import keys as key_service
from graph_service.services.impressions import ImpressionCache, cache_for
from graph_service.settings import Settings
from graph_service.store import documents, taxonomy
from graph_service.store import keys as key_store
from graph_service.store.database import Database
from graph_service.store.recommendations import impression_counts, record_impressions
from tests.factories import MANAGER, small_document

TODAY = date(2026, 3, 1)


def _load(db: Database) -> None:
    documents.import_document(db, Document.model_validate(small_document()), replace=True)


def _until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


# -- impressions --------------------------------------------------------------------------------

def test_own_impressions_count_at_once_without_a_read(db: Database) -> None:
    _load(db)
    cache = ImpressionCache(db, interval=30)
    assert cache.counts("m-001") == {} and cache.reads == 1
    cache.record("m-001", ["m-002", "m-004"], today=TODAY)
    cache.record("m-001", ["m-002"], today=TODAY)
    assert cache.counts("m-001") == {"m-002": 2, "m-004": 1} and cache.reads == 1
    assert impression_counts(db, "m-001") == {"m-002": 2, "m-004": 1}  # and they are in the graph


def test_another_process_impressions_are_seen_within_the_interval(db: Database) -> None:
    _load(db)
    cache = ImpressionCache(db, interval=0.6)
    began = time.monotonic()
    assert cache.counts("m-001") == {}
    record_impressions(db, "m-001", ["m-002"], today=TODAY)  # as another process writes them
    assert _until(lambda: cache.counts("m-001") == {"m-002": 1}, timeout=10)
    assert time.monotonic() - began < 0.6 + 2.0  # the interval, and a slack for a busy machine


def test_counts_in_steady_use_are_read_again_in_the_background(db: Database) -> None:
    _load(db)
    cache = ImpressionCache(db, interval=6.0)
    cache.counts("m-001")
    record_impressions(db, "m-001", ["m-004"], today=TODAY)  # another process
    time.sleep(3.1)  # past half the interval: this answer is the kept one, and a re-read starts
    assert cache.counts("m-001") == {}
    assert _until(lambda: cache.reads == 2)
    assert cache.counts("m-001") == {"m-004": 1} and cache.reads == 2  # the re-read's answer, kept


def test_a_local_change_to_the_cluster_forgets_the_counts(db: Database) -> None:
    _load(db)
    cache = ImpressionCache(db, interval=30)
    cache.record("m-001", ["m-002"], today=TODAY)
    assert cache.counts("m-001") == {"m-002": 1}
    _load(db)  # an import that replaces everything: the impressions are gone with the members
    assert cache.counts("m-001") == {} and cache.reads == 2


def test_interval_zero_reads_every_time(db: Database) -> None:
    _load(db)
    cache = ImpressionCache(db, interval=0)
    for _ in range(3):
        cache.counts("m-001")
    assert cache.reads == 3


def test_recommendations_rank_with_the_impressions_recorded_through_the_api(client: TestClient, db: Database) -> None:
    assert client.post("/api/v1/import", json=small_document()).status_code == 200
    for _ in range(3):
        assert client.get("/api/v1/members/m-002/recommendations", params={"record": True}).status_code == 200
    shown = impression_counts(db, "m-002")
    assert shown and set(shown.values()) == {3}
    assert cache_for(db).counts("m-002") == shown


# -- keys ---------------------------------------------------------------------------------------

def test_a_key_revoked_in_another_process_is_refused_within_the_key_cache_time(
        db: Database, settings: Settings) -> None:
    _load(db)
    short = settings.model_copy(update={"key_cache_s": 0.6})
    with TestClient(create_app(short, db)) as app:
        key = key_service.create_key(db, role="member", member="m-001", name="steady use")
        headers = {"Authorization": f"Bearer {key.key}"}
        for _ in range(5):  # in steady use: looked up again in the background past half the time
            assert app.get("/api/v1/members/m-001", headers=headers).status_code == 200
            time.sleep(0.15)
        other = Database(db.settings, db.connection)  # another process: its own driver, no listener here
        try:
            key_store.revoke_key(other, key.id, now=datetime.now(UTC))
        finally:
            other.close()
        revoked = time.monotonic()
        assert _until(lambda: app.get("/api/v1/members/m-001", headers=headers).status_code == 401)
        assert time.monotonic() - revoked < 0.6 + 2.0
        assert app.get("/api/v1/members/m-001", headers=MANAGER).status_code == 200


def test_a_revocation_in_this_process_is_immediate_with_a_kept_key(client: TestClient, db: Database) -> None:
    _load(db)
    key = key_service.create_key(db, role="member", member="m-001", name="revoked here")
    headers = {"Authorization": f"Bearer {key.key}"}
    assert client.get("/api/v1/members/m-001", headers=headers).status_code == 200
    key_service.revoke_key(db, key.id)
    assert client.get("/api/v1/members/m-001", headers=headers).status_code == 401


# -- subsectors ---------------------------------------------------------------------------------

def test_subsector_counts_from_the_projection_are_the_databases(client: TestClient, db: Database) -> None:
    assert client.post("/api/v1/import", json=small_document()).status_code == 200
    answered = client.get("/api/v1/subsectors").json()
    assert answered == [dict(r) for r in taxonomy.list_subsectors(db)]
    by_id = {s["id"]: s for s in answered}
    assert (by_id["design"]["primary_members"], by_id["design"]["members"]) == (1, 2)
    assert client.patch("/api/v1/members/m-002", json={"subsectors": ["music", "design"]}).status_code == 200
    after = client.get("/api/v1/subsectors").json()
    assert after == [dict(r) for r in taxonomy.list_subsectors(db)]
    by_id = {s["id"]: s for s in after}
    assert (by_id["gaming"]["members"], by_id["music"]["primary_members"], by_id["design"]["members"]) == (0, 2, 3)
