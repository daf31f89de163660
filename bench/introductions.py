"""Benchmark of the introductions engine: recommendation latency through the HTTP API, the time
of each analysis, and a plain-Cypher friend-of-friend query computing the same structural index.

    .venv/bin/python bench/introductions.py [--members 300 100000] [--requests 500]

For each size: a fresh managed Neo4j (temporary home, free ports) is seeded with the seed
cluster; the API is served by uvicorn on 127.0.0.1 in a background thread; recommendations for
random members (fixed seed) are requested one after another with an HTTP client after one
warm-up request (which builds the in-memory projection). Prints markdown for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx2 as httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import manager_headers, serve_in_thread, temporary_database
from common import percentile as _pct

from graph_service.api.app import create_app
from graph_service.store import documents
from seed.generator import generate_cluster


def _timed(fn: Callable[[], object]) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def run(n: int, requests: int, tmp: Path) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    with temporary_database(tmp / f"n{n}", heap="2g", pagecache="1g") as db:
        settings = db.settings
        doc, _facts = generate_cluster(members=n, seed=42)
        documents.import_document(db, doc, replace=True, batch_size=settings.import_batch_size)
        rng = random.Random(7)
        ids = [m.id for m in doc.members]
        visible = [m.id for m in doc.members if m.visibility != "private"]  # path targets a member may see
        with serve_in_thread(create_app(settings, db)) as base, httpx.Client(base_url=base, timeout=600,
                                                                          headers=manager_headers(settings)) as client:
            build = _timed(lambda: client.get(f"/api/v1/members/{ids[0]}/recommendations").raise_for_status())
            rows.append((f"{n:,} members: first request (reads the graph, builds the projection)", f"{build:.2f} s"))
            lat = []
            for _ in range(requests):
                member = rng.choice(ids)
                lat.append(_timed(lambda m=member: client.get(f"/api/v1/members/{m}/recommendations",
                                                              params={"limit": 10}).raise_for_status()))
            ms = [x * 1000 for x in lat]
            rows.append((f"{n:,} members: recommendations via HTTP, {requests} requests",
                         f"p50 {statistics.median(ms):.1f} ms, p99 {_pct(ms, 99):.1f} ms, max {max(ms):.1f} ms"))
            lat = []
            for _ in range(min(requests, 200)):
                a, b = rng.sample(visible, 2)
                lat.append(_timed(lambda a=a, b=b: client.get(f"/api/v1/members/{a}/paths/{b}",
                                                              params={"k": 3, "max_hops": 4}).raise_for_status()))
            ms = [x * 1000 for x in lat]
            rows.append((f"{n:,} members: warm paths (k=3, max_hops=4) via HTTP",
                         f"p50 {statistics.median(ms):.1f} ms, p99 {_pct(ms, 99):.1f} ms"))
            for name in ("communities", "subsectors", "subsector-matrix", "bridges"):
                t = _timed(lambda name=name: client.get(f"/api/v1/analytics/{name}").raise_for_status())
                again = _timed(lambda name=name: client.get(f"/api/v1/analytics/{name}").raise_for_status())
                rows.append((f"{n:,} members: analytics/{name}", f"{t:.2f} s first, {again * 1000:.1f} ms memoised"))
        lat = []
        for _ in range(min(requests, 200)):
            member = rng.choice(ids)
            lat.append(_timed(lambda m=member: db.rows("bench/resource_allocation", {"id": m, "limit": 10})))
        ms = [x * 1000 for x in lat]
        rows.append((f"{n:,} members: plain Cypher friend-of-friend resource allocation (driver, no HTTP)",
                     f"p50 {statistics.median(ms):.1f} ms, p99 {_pct(ms, 99):.1f} ms"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, nargs="+", default=[300, 100_000])
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="gs-bench-") as tmp:
        for n in args.members:
            rows += run(n, args.requests, Path(tmp))
    print("| measure | value |\n|---|---|")
    for k, v in rows:
        print(f"| {k} | {v} |")


if __name__ == "__main__":
    main()
