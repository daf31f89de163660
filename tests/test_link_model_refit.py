"""The recommender's link model is kept across small graph changes and refitted in the background
when the graph has drifted enough (services/link_models.py), against the real database."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from graph_service.analytics.recommendations import LinkModel, fit_link_model
from graph_service.interchange import parse_document
from graph_service.services.link_models import SEED, Drift, ModelKeeper, install, keeper
from graph_service.services.recommendations import recommendations_for
from graph_service.services.ties import record_tie
from graph_service.services.views import ProjectionCache
from graph_service.store import documents
from graph_service.store.database import Database
from tests.test_recommendations_http import _round_tables

TIES = 130  # the round tables' ties: 5% is 6.5, so 6 new ties keep the model and 7 refit it


def _load(db: Database) -> None:
    documents.import_document(db, parse_document(_round_tables()), replace=True)


def _untied_pairs() -> Iterator[tuple[str, str]]:
    """Pairs of the round tables' members (m001 onwards) that are not tied, in a fixed order."""
    doc = _round_tables()
    assert len(doc["ties"]) == TIES
    tied = {(t["source"], t["target"]) for t in doc["ties"]}
    ids = sorted(m["id"] for m in doc["members"] if m["id"] != "m000")
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            if (a, b) not in tied:
                yield a, b


def _add_ties(db: Database, pairs: Iterator[tuple[str, str]], n: int) -> None:
    for _ in range(n):
        a, b = next(pairs)
        record_tie(db, a, b, kind="knows", weight=0.6, confirmed=True)


def test_the_threshold() -> None:
    assert not Drift(6, 130, 0, 60).passes(0.05)  # 6 < 6.5
    assert Drift(7, 130, 0, 60).passes(0.05)
    assert Drift(0, 130, 3, 60).passes(0.05)  # 3 of 60 members came or went
    assert not Drift(0, 130, 2, 60).passes(0.05)
    assert not Drift(0, 130, 0, 60).passes(0.0)  # share 0: refit after every change, and only then
    assert Drift(1, 130, 0, 60).passes(0.0)


def test_a_small_change_keeps_the_model_and_the_answer_names_its_fit(db: Database) -> None:
    _load(db)
    cache = ProjectionCache(db)
    first = recommendations_for(cache, "m000")
    kept = keeper(cache)
    fit = kept.kept
    assert first.model is not None and fit is not None and fit.model is not None
    assert first.model.version == fit.version == cache.current().version
    assert not first.model.refitting and f"(version {fit.version})" in first.model.note
    pairs = _untied_pairs()
    _add_ties(db, pairs, 5)
    again = recommendations_for(cache, "m000")
    assert kept.wait_idle(30)
    assert cache.current().version > fit.version
    assert again.model is not None and again.model.version == fit.version
    assert kept.kept is fit and kept.fits == 1 and kept.refits == 0  # the same fit, the same object
    later = recommendations_for(cache, "m000")
    assert later.model == again.model
    # Features come from the current graph: a member newly tied to m000 is no longer suggested.
    suggested = later.items[0].id
    record_tie(db, "m000", suggested, kind="knows", weight=0.6, confirmed=True)
    after = recommendations_for(cache, "m000")  # 6 of 130 ties changed: below the 5% of the settings
    assert suggested not in [r.id for r in after.items]
    assert after.model is not None and after.model.version == fit.version
    assert kept.wait_idle(30) and kept.kept is fit and kept.refits == 0


def test_enough_changes_refit_in_the_background_and_the_answer_says_so(client: TestClient, db: Database) -> None:
    r = client.post("/api/v1/import", json=_round_tables(), params={"replace": True})
    assert r.status_code == 200, r.text
    cache: ProjectionCache = client.app.state.projection  # type: ignore[attr-defined]  # app typed as plain ASGI
    body = client.get("/api/v1/members/m000/recommendations").json()
    v0 = body["model"]["version"]
    assert body["model"]["refitting"] is False and v0 == cache.current().version
    _add_ties(db, _untied_pairs(), 7)  # 7 of 130 ties: past the threshold
    during = client.get("/api/v1/members/m000/recommendations").json()
    assert during["model"]["version"] == v0  # the old model ranks while the new one is fitted
    kept = keeper(cache)
    assert kept.wait_idle(120)
    assert kept.refits == 1 and kept.fits == 2
    after = client.get("/api/v1/members/m000/recommendations").json()
    assert after["model"]["version"] == cache.current().version > v0
    assert after["model"]["refitting"] is False
    assert kept.wait_idle(30) and kept.refits == 1  # the refitted graph is not refitted again


def test_two_keepers_on_one_graph_fit_the_same_model(db: Database) -> None:
    _load(db)
    one, two = ProjectionCache(db), ProjectionCache(db)
    m1, _ = ModelKeeper(one, refit_share=0.05).model(one.current())
    m2, _ = ModelKeeper(two, refit_share=0.05).model(two.current())
    assert m1 is not None and m1 == m2 and m1 is not m2
    assert recommendations_for(one, "m000").items == recommendations_for(two, "m000").items
    # A refit in the background gives the model a fresh fit of the same graph gives.
    kept = ModelKeeper(one, refit_share=0.05)
    install(one, kept)
    recommendations_for(one, "m000")
    _add_ties(db, _untied_pairs(), 8)
    recommendations_for(one, "m000")
    assert kept.wait_idle(120) and kept.refits == 1
    refitted = kept.kept
    assert refitted is not None and refitted.version == one.current().version
    fresh = ProjectionCache(db)
    m3, as_of = ModelKeeper(fresh, refit_share=0.05).model(fresh.current())
    assert as_of is not None and as_of.version == refitted.version
    assert m3 == refitted.model


def test_a_request_never_waits_for_a_refit(db: Database) -> None:
    _load(db)
    cache = ProjectionCache(db)
    gate, refitting = threading.Event(), threading.Event()
    calls: list[int] = []

    def held_fit(G: nx.Graph[str]) -> LinkModel | None:
        """The real fit; every refit (after the first fit) held until the test lets it go."""
        calls.append(G.number_of_nodes())
        if len(calls) > 1:
            refitting.set()
            assert gate.wait(120), "the test never let the refit go"
        return fit_link_model(G, seed=SEED)

    kept = ModelKeeper(cache, refit_share=0.05, fit=held_fit)
    install(cache, kept)
    first = recommendations_for(cache, "m000")
    assert first.model is not None
    _add_ties(db, _untied_pairs(), 10)
    try:
        recommendations_for(cache, "m000")  # sees the new version: the thread measures and refits
        assert refitting.wait(60)
        clock = time.perf_counter()
        during = recommendations_for(cache, "m000")
        took = time.perf_counter() - clock
        assert during.model is not None and during.model.refitting and during.model.version == first.model.version
        assert during.items  # ranked with the old model on the new graph
        assert took < 2.0, f"a request during the refit took {took:.2f} s"
        assert not kept.wait_idle(0.2)  # the refit is still held
    finally:
        gate.set()
    assert kept.wait_idle(120)
    done = recommendations_for(cache, "m000")
    assert done.model is not None and not done.model.refitting
    assert done.model.version == cache.current().version > first.model.version


@pytest.mark.parametrize("share", [0.5])
def test_the_threshold_comes_from_the_settings(db: Database, share: float) -> None:
    _load(db)
    settings = db.settings.model_copy(update={"model_refit_share": share})
    other = Database(settings, db.connection)
    try:
        cache = ProjectionCache(other)
        assert keeper(cache).refit_share == share
    finally:
        other.close()
