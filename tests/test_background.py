"""The global analyses computed in the background (graph_service/services/background.py), against
the real Neo4j: the same answers as on the request for the hand-known graphs, recomputed after a
write, and a request never waits for a recomputation (the worker is held at a gate while the
requests run, so "never waits" is an event, not a timing)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.services import analyses
from graph_service.services.background import AnalysesWorker
from graph_service.settings import Settings
from graph_service.store.database import Database
from tests.factories import MANAGER
from tests.test_introductions_engine import _knows, _load, path_graph, two_cliques

WAIT = 300.0  # seconds; generous for a shared machine, only ever reached when something is wrong


@contextmanager
def _app(db: Database, settings: Settings, **changes: Any) -> Iterator[TestClient]:
    with TestClient(create_app(settings.model_copy(update=changes), db), headers=MANAGER) as c:
        yield c


def _worker(client: TestClient) -> AnalysesWorker:
    worker = client.app.state.analyses_worker  # type: ignore[attr-defined]  # app typed as plain ASGI
    assert isinstance(worker, AnalysesWorker)
    return worker


def _without_as_of(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "as_of"}


ANSWERS = ("/api/v1/analytics/bridges", "/api/v1/analytics/communities", "/api/v1/analytics/subsectors",
           "/api/v1/analytics/subsector-matrix")


@pytest.mark.parametrize("doc", [path_graph, two_cliques], ids=["path", "two cliques"])
def test_the_background_answers_are_the_request_s(db: Database, settings: Settings, doc: Any) -> None:
    """The same answers, computed on the request (a small graph) and by the worker (its size
    limit lowered to 0), and again by a second worker: deterministic."""
    with _app(db, settings) as on_request:
        _load(on_request, doc())
        assert _worker(on_request).latest(on_request.app.state.projection) is None  # type: ignore[attr-defined]
        want = {path: on_request.get(path).json() for path in ANSWERS}
    for path in ("/api/v1/analytics/bridges", "/api/v1/analytics/communities"):
        assert want[path]["as_of"]["background"] is False and want[path]["as_of"]["updating"] is False
    assert want["/api/v1/analytics/bridges"]["betweenness_method"] == "exact"
    assert want["/api/v1/analytics/bridges"]["betweenness_note"] is None
    for _second in range(2):
        with _app(db, settings, analytics_sync_limit=0) as background:
            worker = _worker(background)
            got = {path: background.get(path).json() for path in ANSWERS}  # the first waits for the worker
            assert worker.wait_idle(WAIT)
            assert worker.computed >= 1
            for path in ANSWERS:
                assert _without_as_of(got[path]) == _without_as_of(want[path]), path
            for path in ("/api/v1/analytics/bridges", "/api/v1/analytics/communities"):
                assert got[path]["as_of"]["background"] is True, path
                version = background.app.state.projection.current().version  # type: ignore[attr-defined]
                assert got[path]["as_of"]["version"] == version, path
    if doc is path_graph:
        assert want["/api/v1/analytics/bridges"]["items"][0]["id"] == "c"
        assert want["/api/v1/analytics/bridges"]["items"][0]["betweenness"] == 4 / 6


def test_a_write_is_recomputed_and_no_request_waits_for_it(db: Database, settings: Settings,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    with _app(db, settings, analytics_sync_limit=0) as client:
        worker = _worker(client)
        _load(client, two_cliques())
        assert worker.wait_idle(WAIT)
        before = client.get("/api/v1/analytics/bridges").json()
        assert [(t["a"], t["b"]) for t in before["bridge_ties"]] == [("p4", "q1")]
        assert before["as_of"]["background"] is True and before["as_of"]["updating"] is False

        # Hold the worker at a gate inside its next computation.
        entered, release = threading.Event(), threading.Event()
        real = analyses.compute_globals

        def gated(*args: Any, **kwargs: Any) -> Any:
            entered.set()
            release.wait(WAIT)
            return real(*args, **kwargs)

        monkeypatch.setattr(analyses, "compute_globals", gated)
        r = client.post("/api/v1/import", json={"ties": [_knows("p1", "q4")]})  # a second way across
        assert r.status_code == 200, r.text
        # The first answer after the write: the latest completed one, said to be updating.
        first = client.get("/api/v1/analytics/bridges").json()
        assert _without_as_of(first) == _without_as_of(before)
        assert first["as_of"]["version"] == before["as_of"]["version"] and first["as_of"]["updating"] is True
        assert entered.wait(WAIT), "the worker did not start recomputing after the write"

        answers: dict[str, Any] = {}

        def ask() -> None:  # while the worker is held inside the recomputation
            answers["bridges"] = client.get("/api/v1/analytics/bridges").json()
            answers["communities"] = client.get("/api/v1/analytics/communities").json()
            answers["report"] = client.get("/report").text

        asking = threading.Thread(target=ask)
        asking.start()
        asking.join(WAIT)
        still_waiting = asking.is_alive()
        held = not release.is_set()
        release.set()
        assert not still_waiting and held, "a request waited for the recomputation"
        stale = answers["bridges"]
        assert _without_as_of(stale) == _without_as_of(before)  # the latest completed answer
        assert stale["as_of"]["version"] == before["as_of"]["version"]
        assert stale["as_of"]["updating"] is True and stale["as_of"]["note"].endswith(", updating")
        assert answers["communities"]["as_of"]["updating"] is True
        assert "as of the graph at" in answers["report"] and ", updating" in answers["report"]

        assert worker.wait_idle(WAIT)
        after = client.get("/api/v1/analytics/bridges").json()
        assert after["as_of"]["version"] > before["as_of"]["version"]
        assert after["as_of"]["updating"] is False and not after["as_of"]["note"].endswith("updating")
        assert after["bridge_ties"] == [] and after["articulation_points"] == []


def test_the_estimated_betweenness_states_its_bound(db: Database, settings: Settings) -> None:
    """Above the exact limit (lowered to 5 here), the bridges answer and the report say how far
    each value may be from the exact one."""
    with _app(db, settings, analytics_sync_limit=0, betweenness_exact_limit=5, betweenness_epsilon=0.05) as client:
        _load(client, two_cliques())
        assert _worker(client).wait_idle(WAIT)
        body = client.get("/api/v1/analytics/bridges").json()
        assert body["betweenness_method"] == "kadabra"
        assert body["betweenness_epsilon"] == pytest.approx(0.05 * 8 / 6) and body["betweenness_delta"] == 0.1
        note = "approximate: each value within ±0.067 of the exact normalised betweenness with probability 0.9"
        assert body["betweenness_note"].startswith(note)
        assert {b["id"] for b in body["items"][:2]} == {"p4", "q1"}
        for b in body["items"]:  # the exact values: 12/21 for p4 and q1, 0 for the others
            assert abs(b["betweenness"] - (12 / 21 if b["id"] in ("p4", "q1") else 0.0)) <= body["betweenness_epsilon"]
        assert note in client.get("/report").text
