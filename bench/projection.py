"""The projection: the old full rebuild, the fast full read, and laying in the change records of
one write, side by side; and whether concurrent writers wait for each other.

    .venv/bin/python bench/projection.py [--members 300 20000 100000] [--runs 3] [--writes 9]
                                          [--old-runs 1] [--writers 1 4 8] [--json FILE]
                                          [--skip old writes]

For each size, a throw-away managed Neo4j is loaded with the seed cluster (``seed/cluster.json``
at 300 members, else ``seed.generator.generate_cluster(members=N, seed=42)``) through the
import, then:

* **old full rebuild**: ``store.documents.export_document`` (the paged export through the
  validated interchange models) and the projection as it was built before (the collaboration
  graph, then the members' graph as a subgraph copy);
* **fast full read**: ``store.changes.read_document`` (bulk rows, records made without
  validation) and ``services.views.project`` (the members' graph sharing the full graph's dicts),
  then the two halves timed on their own;
* **after one write**: a ``ProjectionCache`` that has read everything, then one write (a member's
  name, a new tie, an attendee, alternately) and the time of the next ``current()``, which reads
  the change record and the entity it names and lays it in. The first refresh also builds the
  projection's index of the document (reported on its own line).

Each figure is the median of ``--runs`` (the old rebuild: ``--old-runs``), in wall-clock seconds,
with the process's CPU seconds beside it (the machine is shared: CPU time says what the work
costs, wall time what a request waits). Then, at the smallest size, ``--writers`` threads each
record 40 new knows ties each among their own members: once with the change records (each write
takes one of 16 counters), once with every write taking the one old stamp node's lock at its end
instead (what the version bump did), so the two can be compared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]
from common import temporary_database  # noqa: E402  # after sys.path is set

from graph_service.analytics import build_collaboration_graph, member_nodes  # noqa: E402
from graph_service.interchange import Document  # noqa: E402
from graph_service.services.imports import read_document_file  # noqa: E402
from graph_service.services.views import ProjectionCache, project  # noqa: E402
from graph_service.store import documents  # noqa: E402
from graph_service.store import members as member_store  # noqa: E402
from graph_service.store.changes import read_document, record_change, tie_pair  # noqa: E402
from graph_service.store.database import Database, Tx  # noqa: E402

SEED_FILE = ROOT / "seed" / "cluster.json"


def seed_document(members: int) -> Document | Any:
    if members == 300:
        return read_document_file(SEED_FILE)
    from seed.generator import generate_cluster

    return generate_cluster(members=members, seed=42)[0]


def timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = work()
    return time.perf_counter() - wall, time.process_time() - cpu, out


def old_rebuild(db: Database) -> Any:
    doc = documents.export_document(db)
    full = build_collaboration_graph(doc, include_organisations=True)
    return full.subgraph(member_nodes(full)).copy()


def fast_read(db: Database) -> Any:
    positions, doc = read_document(db)
    return project(sum(positions), doc, positions)


def fast_read_parts(db: Database, runs: int) -> dict[str, tuple[float, float]]:
    """The fast full read's two halves on their own: ``read_document`` (the queries and the
    records) and ``project`` (the collaboration graph and the members' graph); medians."""
    reads, projections = [], []
    for _ in range(runs):
        wall, cpu, (positions, doc) = timed(lambda: read_document(db))
        reads.append((wall, cpu))
        projections.append(timed(lambda: project(sum(positions), doc, positions))[:2])  # noqa: B023
    return {"read_document": median_of(reads), "project": median_of(projections)}


def median_of(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def one_write(db: Database, doc: Document, step: int) -> None:
    members = doc.members
    m = members[(step * 7919) % len(members)]
    if step % 3 == 0:
        member_store.replace_member(db, m.model_copy(update={"name": f"{m.name} ({step})"}))
    elif step % 3 == 1:
        from graph_service.services.ties import record_tie

        other = members[(step * 104729 + 1) % len(members)]
        if other.id != m.id:
            record_tie(db, m.id, other.id, kind="knows", weight=0.5, confirmed=True)
    else:
        from graph_service.services.records import add_attendee
        from graph_service.services.visibility import MANAGER_VIEW

        add_attendee(db, doc.events[step % len(doc.events)].id, m.id, actor=MANAGER_VIEW)


def after_writes(db: Database, writes: int) -> dict[str, Any]:
    cache = ProjectionCache(db)
    cache.current()
    doc = cache.current().document
    runs = []
    for step in range(writes):
        try:
            one_write(db, doc, step)
        except Exception as exc:  # a refused write (a tie that exists) changes nothing: skip it
            print(f"  write {step} refused: {exc}", file=sys.stderr)
            continue
        runs.append(timed(cache.current)[:2])
    assert cache.full_reads == 1, "every write was laid in"
    first = runs[0]
    return {"first": first, "later": median_of(runs[1:]), "refreshes": cache.refreshes}


# -- concurrent writers ---------------------------------------------------------------------------
def _tie(a: str, b: str, old_stamp: bool) -> Callable[[Tx], None]:
    def work(tx: Tx) -> None:
        tx.run("ties/record_knows", member=a, other=b, weight=0.5, since=None, confirmed=True)
        if old_stamp:
            tx.run("records/lock_graph")  # the one stamp node's write lock, as the version bump took
        else:
            record_change(tx, "tie", tie_pair(a, b))

    return work


def writers(db: Database, doc: Document, threads: int, per_thread: int, *, old_stamp: bool) -> dict[str, float]:
    """``threads`` threads, each recording ``per_thread`` new knows ties among its own members
    (no node shared between threads but the stamp or the change counters)."""
    latencies: list[float] = []
    lock = threading.Lock()
    gap = 2 if old_stamp else 1  # other pairs the second time round: new ties both times

    def run(k: int) -> None:
        mine = [m.id for m in doc.members[k::threads]]
        for step in range(min(per_thread, len(mine) - gap)):
            start = time.perf_counter()
            db.write(_tie(mine[step], mine[step + gap], old_stamp), bump=not old_stamp)
            with lock:
                latencies.append(time.perf_counter() - start)

    pool = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {"writes_per_s": len(latencies) / elapsed, "p50_ms": 1000 * latencies[len(latencies) // 2],
            "p90_ms": 1000 * latencies[int(len(latencies) * 0.9)]}


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, nargs="+", default=[300, 20_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--old-runs", type=int, default=1)
    parser.add_argument("--writes", type=int, default=9)
    parser.add_argument("--writers", type=int, nargs="*", default=[1, 4, 8])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--skip", nargs="*", default=[], choices=["old", "writes"],
                        help="leave out the old full rebuild, or the writes laid in")
    args = parser.parse_args()
    results: dict[str, Any] = {"load_before": load_average()}
    for n in args.members:
        print(f"== {n:,} members (load average {load_average()})", flush=True)
        with tempfile.TemporaryDirectory(prefix="bench-projection-") as home, \
                temporary_database(Path(home), heap="3g", pagecache="2g") as db:
            doc = seed_document(n)
            wall, cpu, _ = timed(lambda: documents.import_document(db, doc, replace=True))  # noqa: B023
            print(f"  loaded in {wall:.1f} s", flush=True)
            fast_read(db)  # warm the server's page cache and query plans
            entry: dict[str, Any] = {"load_s": wall}
            if "old" not in args.skip:
                old = median_of([timed(lambda: old_rebuild(db))[:2] for _ in range(args.old_runs)])
                print(f"  old full rebuild {old[0]:.2f} s (cpu {old[1]:.2f})", flush=True)
                entry["old"] = old
            fast = median_of([timed(lambda: fast_read(db))[:2] for _ in range(args.runs)])
            print(f"  fast full read {fast[0]:.2f} s (cpu {fast[1]:.2f}; load average {load_average()})",
                  flush=True)
            parts = fast_read_parts(db, args.runs)
            print("  of which " + ", ".join(f"{k} {w:.2f} s (cpu {c:.2f})" for k, (w, c) in parts.items()),
                  flush=True)
            entry |= {"fast": fast, "fast_parts": parts}
            if "writes" not in args.skip:
                applied = after_writes(db, args.writes)
                print(f"  after one write: first {applied['first'][0] * 1000:.1f} ms (cpu "
                      f"{applied['first'][1] * 1000:.1f}), then median {applied['later'][0] * 1000:.1f} ms "
                      f"(cpu {applied['later'][1] * 1000:.1f})", flush=True)
                entry["after_write"] = applied
            entry["load_average"] = load_average()
            if n == min(args.members) and args.writers:
                current = read_document(db)[1]
                entry["writers"] = {}
                for threads in args.writers:
                    for old_stamp in (False, True):
                        figures = writers(db, current, threads, 40, old_stamp=old_stamp)
                        name = "one stamp" if old_stamp else "change records"
                        entry["writers"][f"{threads} {name}"] = figures
                        print(f"  {threads} writer(s), {name}: {figures['writes_per_s']:.0f} writes/s, "
                              f"p50 {figures['p50_ms']:.1f} ms, p90 {figures['p90_ms']:.1f} ms", flush=True)
            results[str(n)] = entry
    results["load_after"] = load_average()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
