"""The recommendation right after one tie change: the link model fitted on the request (as before
services/link_models.py) against the kept model, and a request while a refit runs beside it.

    .venv/bin/python bench/model_refit.py [--members 300] [--rounds 5] [--json FILE]

A throw-away managed Neo4j is loaded with the seed cluster (``seed/cluster.json`` at 300
members, else ``seed.generator.generate_cluster(members=N, seed=42)``); a ``ProjectionCache``
reads it and a first recommendation fits the model (timed on its own). Then ``--rounds`` times,
for a member picked with a fixed seed:

* **fit on the request** (before): one new confirmed tie, then what the first request after it
  did before the keeper: the projection brought up to date, ``fit_link_model(members, seed=0)``
  and ``recommend(..., model=)``;
* **kept model** (after): one new confirmed tie, then ``recommendations_for(cache, member)``,
  which brings the projection up to date and ranks with the kept model (features on the current
  graph; the few tie changes stay below the 5% threshold, so no refit);
* **during a refit**: a keeper with threshold 0 (every change refits) is installed, one new tie,
  one request (which starts the refit in the background), then, while that refit runs in the
  same process (sharing the interpreter with it), another new tie and the request after it,
  timed (counted only when its answer says ``refitting``).

Each figure is the median over the rounds, in wall-clock milliseconds with the request thread's
CPU time beside it (``time.thread_time``: the machine is shared, and the background thread's CPU
is not the request's); the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import temporary_database  # after sys.path is set

from graph_service.analytics import recommend
from graph_service.analytics.recommendations import fit_link_model
from graph_service.interchange import Document
from graph_service.services.link_models import ModelKeeper, install, keeper
from graph_service.services.recommendations import recommendations_for
from graph_service.services.ties import record_tie
from graph_service.services.views import ProjectionCache
from graph_service.store import documents
from graph_service.store.database import Database

ROOT = Path(__file__).resolve().parents[1]


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def seed_document(members: int) -> Document:
    if members == 300:
        return Document.model_validate_json((ROOT / "seed" / "cluster.json").read_bytes())
    from seed.generator import generate_cluster

    return generate_cluster(members=members, seed=42)[0]


def timed(work: Callable[[], Any]) -> tuple[float, float]:
    """Wall and this thread's CPU milliseconds of ``work()``."""
    wall, cpu = time.perf_counter(), time.thread_time()
    work()
    return (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000


def untied(cache: ProjectionCache, seed: int) -> Iterator[tuple[str, str]]:
    """Pairs of members not tied to each other, drawn with ``seed``."""
    G = cache.current().members
    ids = sorted(G)
    rng = random.Random(seed)
    while True:
        a, b = rng.sample(ids, 2)
        if not G.has_edge(a, b):
            yield a, b


def median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def measure(db: Database, rounds: int) -> dict[str, Any]:
    cache = ProjectionCache(db)
    members = sorted(cache.current().members)
    pick = random.Random(7)
    first = timed(lambda: recommendations_for(cache, members[0]))
    kept = keeper(cache)
    pairs = untied(cache, 11)
    before: list[tuple[float, float]] = []
    after: list[tuple[float, float]] = []
    for _ in range(rounds):
        m = pick.choice(members)

        def fit_on_request(m: str = m) -> None:
            p = cache.current()
            recommend(p.members, m, limit=10, model=fit_link_model(p.members, seed=0))

        record_tie(db, *next(pairs), kind="knows", weight=0.6, confirmed=True)
        before.append(timed(fit_on_request))
        record_tie(db, *next(pairs), kind="knows", weight=0.6, confirmed=True)
        after.append(timed(lambda m=m: recommendations_for(cache, m)))  # type: ignore[misc]
        kept.wait_idle(60)
    assert kept.refits == 0 and kept.fits == 1, "the rounds stayed below the threshold"
    eager = ModelKeeper(cache, refit_share=0.0)
    install(cache, eager)
    recommendations_for(cache, members[0])
    during: list[tuple[float, float]] = []
    for _ in range(rounds):
        m = pick.choice(members)
        record_tie(db, *next(pairs), kind="knows", weight=0.6, confirmed=True)
        recommendations_for(cache, m)  # wakes the refit
        deadline = time.monotonic() + 30
        while not eager.refitting and time.monotonic() < deadline:
            time.sleep(0.005)
        record_tie(db, *next(pairs), kind="knows", weight=0.6, confirmed=True)  # and another change
        clock, cpu = time.perf_counter(), time.thread_time()
        answer = recommendations_for(cache, m)
        figures = (time.perf_counter() - clock) * 1000, (time.thread_time() - cpu) * 1000
        if answer.model is not None and answer.model.refitting:
            during.append(figures)
        eager.wait_idle(120)
    fit = kept.kept
    return {
        "members": len(members),
        "ties": cache.current().members.number_of_edges(),
        "first_request_ms": first,
        "first_fit_s": fit.seconds if fit else None,
        "fit_on_request_ms": median(before),
        "kept_model_ms": median(after),
        "during_refit_ms": median(during) if during else None,
        "during_refit_rounds": len(during),
        "rounds": rounds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results: dict[str, Any] = {"load_before": load_average()}
    print(f"== {args.members:,} members (load average {results['load_before']})", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-refit-") as home, temporary_database(Path(home)) as db:
        documents.import_document(db, seed_document(args.members), replace=True)
        found = measure(db, args.rounds)
    results.update(found, load_after=load_average())
    print(f"  {found['members']} members, {found['ties']} edges; first request (fits) "
          f"{found['first_request_ms'][0]:.0f} ms (cpu {found['first_request_ms'][1]:.0f})")
    for name, key in (("fit on the request (before)", "fit_on_request_ms"), ("kept model (after)", "kept_model_ms"),
                      ("during a background refit", "during_refit_ms")):
        value = found[key]
        if value is None:
            print(f"  {name}: no request fell inside a refit")
            continue
        print(f"  {name}: median {value[0]:.1f} ms (request thread cpu {value[1]:.1f} ms)")
    print(f"  requests inside a refit: {found['during_refit_rounds']} of {found['rounds']}; "
          f"load average after {results['load_after']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
