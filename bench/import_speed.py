"""How fast imports write: the online merge import (into an empty and into a populated graph), the
workbook import, and the offline bulk load of about a million ties.

    .venv/bin/python bench/import_speed.py [--members 20000 100000] [--runs 3] [--workbook 20000]
                                           [--bulk-ties 1000000] [--writers 2]

For each size a cluster is generated (seed 42) and written as JSON; a throw-away managed Neo4j
(temporary home, free ports, ``bench/common.py``) takes the imports:

* **merge into an empty graph**: ``import_document`` of the JSON file's draft (what ``graph-service
  import FILE`` does, without the bar), after the graph was emptied; ``--runs`` times, median;
* **merge into the populated graph**: the same document with every member renamed (each member
  is an update, every tie and introduction is written again: the upsert path), ``--runs`` times;
* **workbook**: ``graph-service import cluster.xlsx``'s work (the streaming reader, then the
  merge) for ``--workbook`` members, into an empty graph;
* **bulk load**: the 100,000-member cluster with random extra knows ties up to ``--bulk-ties``
  ties, through ``services.bulk_load.bulk_load`` (CSV, stop, ``neo4j-admin database import full``,
  start, schema), into a new server; the phases and the total.

Besides the wall time each figure gives the CPU seconds of this process and of the Neo4j process
(``/proc/<pid>/stat``) during the import: the machine is shared, and CPU time says where the time
goes when the wall clock is stretched by other jobs. Prints markdown for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]
from common import bench_settings, temporary_database  # noqa: E402  # after sys.path is set

from graph_service.interchange import Document, TieRecord  # noqa: E402  # after sys.path is set
from graph_service.merge import Draft, read_draft  # noqa: E402  # after sys.path is set
from graph_service.neo4j_server.managed import ManagedServer  # noqa: E402  # after sys.path is set
from graph_service.services import bulk_load, spreadsheets  # noqa: E402  # after sys.path is set
from graph_service.store import documents  # noqa: E402  # after sys.path is set
from graph_service.store.database import Database  # noqa: E402  # after sys.path is set
from graph_service.store.graph import count_nodes  # noqa: E402  # after sys.path is set
from seed.generator import dump_json, generate_cluster  # noqa: E402  # after sys.path is set

SECTIONS = ("skills", "organisations", "members", "ties", "projects", "events", "introductions")


def cpu_of(pid: int | None) -> float:
    """CPU seconds (user + system) the process ``pid`` has used so far."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Timed:
    """Wall time, this process's CPU time and the Neo4j process's CPU time of one import."""

    def __init__(self, db: Database):
        self.pid = ManagedServer(db.settings).pid()

    def __call__(self, work: Callable[[], Any]) -> tuple[float, float, float]:
        wall, cpu, neo = time.monotonic(), time.process_time(), cpu_of(self.pid)
        work()
        return time.monotonic() - wall, time.process_time() - cpu, cpu_of(self.pid) - neo


def rows_of(doc: Document | Draft) -> int:
    if isinstance(doc, Draft):
        return doc.rows()
    return sum(len(getattr(doc, k)) for k in SECTIONS)


def figure(rows: int, runs: list[tuple[float, float, float]]) -> str:
    wall = statistics.median(r[0] for r in runs)
    py = statistics.median(r[1] for r in runs)
    neo = statistics.median(r[2] for r in runs)
    spread = ", ".join(f"{r[0]:.1f}" for r in runs)
    retries = f"; {sum(RETRIES)} batches retried" if RETRIES else ""
    RETRIES.clear()
    return (f"{rows / wall:,.0f} rows/s (median {wall:.1f} s of {len(runs)}: {spread}; CPU: Python {py:.1f} s, "
            f"Neo4j {neo:.1f} s{retries}; load {os.getloadavg()[0]:.1f})")


def renamed(raw: dict[str, Any]) -> dict[str, Any]:
    """The document with every member renamed: each member an update."""
    out = dict(raw)
    out["members"] = [{**m, "name": m["name"] + " (renamed)"} for m in raw["members"]]
    return out


WRITERS = documents.WRITERS
RETRIES: list[int] = []  # per import: batches written again after a deadlock


def merge(db: Database, draft: Draft, size: int) -> None:
    result = documents.import_document(db, draft, batch_size=size, writers=WRITERS)
    RETRIES.append(result.retries)


def online(members: int, runs: int, work: Path, table: list[tuple[str, str]]) -> None:
    doc, _facts = generate_cluster(members=members, seed=42)
    path = work / f"cluster-{members}.json"
    path.write_text(dump_json(doc), encoding="utf-8")
    raw = json.loads(path.read_text(encoding="utf-8"))
    del doc
    rows = read_draft(raw).rows()
    print(f"{members:,} members: {rows:,} rows", flush=True)
    with temporary_database(work / f"online-{members}", heap="2g", pagecache="1g") as db:
        timed = Timed(db)
        size = db.settings.import_batch_size
        empty: list[tuple[float, float, float]] = []
        for i in range(runs):
            documents.clear_graph(db)
            draft = read_draft(raw)
            empty.append(timed(functools.partial(merge, db, draft, size)))
            print(f"  into an empty graph, run {i + 1}: {empty[-1][0]:.1f} s (CPU: Python {empty[-1][1]:.1f} s, "
                  f"Neo4j {empty[-1][2]:.1f} s; load {os.getloadavg()[0]:.1f})", flush=True)
        assert count_nodes(db)["members"] == members
        table.append((f"{members:,} members ({rows:,} rows): merge into an empty graph", figure(rows, empty)))
        full: list[tuple[float, float, float]] = []
        for i in range(runs):
            draft = read_draft(renamed(raw) if i % 2 == 0 else raw)  # renamed, back, renamed...
            full.append(timed(functools.partial(merge, db, draft, size)))
            print(f"  into the populated graph, run {i + 1}: {full[-1][0]:.1f} s (CPU: Python {full[-1][1]:.1f} s, "
                  f"Neo4j {full[-1][2]:.1f} s; load {os.getloadavg()[0]:.1f})", flush=True)
        table.append((f"{members:,} members: merge into the populated graph (every member renamed: updates; "
                      "ties and introductions written again)", figure(rows, full)))


def workbook(members: int, work: Path, table: list[tuple[str, str]]) -> None:
    doc, _facts = generate_cluster(members=members, seed=42)
    body = spreadsheets.write_workbook(doc, dt.date.today())
    rows = sum(len(getattr(doc, s.name)) for s in spreadsheets.SHEETS)
    skills = {s.id: s.name for s in doc.skills}
    del doc
    with temporary_database(work / f"workbook-{members}", heap="2g", pagecache="1g") as db:
        timed = Timed(db)

        def run() -> None:
            draft = spreadsheets.read_workbook(body, skills)
            documents.import_document(db, draft, batch_size=db.settings.import_batch_size)

        result = timed(run)
        assert count_nodes(db)["members"] == members
    table.append((f"{members:,} members: workbook (.xlsx, {rows:,} rows) read and merged into an empty graph",
                  figure(rows, [result])))


def with_ties(doc: Document, total: int, seed: int = 42) -> Document:
    """``doc`` with random knows ties between its members added until it has ``total`` ties."""
    rng = random.Random(seed)
    ids = [m.id for m in doc.members]
    have: set[tuple[str, str, str]] = {(min(t.source, t.target), max(t.source, t.target), t.kind) for t in doc.ties}
    ties = list(doc.ties)
    while len(ties) < total:
        a, b = rng.sample(ids, 2)
        key = (min(a, b), max(a, b), "knows")
        if key in have:
            continue
        have.add(key)
        ties.append(TieRecord.model_construct(source=a, target=b, kind="knows", weight=round(rng.uniform(0.1, 1), 2),
                                              since=None, confirmed=True))
    return doc.model_copy(update={"ties": ties})


def bulk(ties: int, work: Path, table: list[tuple[str, str]]) -> None:
    doc, _facts = generate_cluster(members=100_000, seed=42)
    doc = with_ties(doc, ties)
    rows = rows_of(doc)
    home = work / "bulk"
    with temporary_database(home, heap="2g", pagecache="1g") as db:
        settings = db.settings
        db.close()
        result = bulk_load.bulk_load(settings, doc, log=lambda m: print("  " + m, flush=True))
        db2 = Database(settings)
        try:
            got = count_nodes(db2)
        finally:
            db2.close()
    assert got["members"] == len(doc.members) and got["knows"] + got["collaborated"] == len(doc.ties), got
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in result.phases.items())
    table.append((f"bulk load of 100,000 members and {len(doc.ties):,} ties ({rows:,} rows; {result.nodes:,} nodes, "
                  f"{result.relationships:,} relationships) into a new database, ready with its schema",
                  f"{result.seconds:.1f} s ({phases})"))


class Table(list[tuple[str, str]]):
    """The rows of the markdown table, each also printed as soon as it is measured."""

    def append(self, row: tuple[str, str]) -> None:
        print(f"| {row[0]} | {row[1]} |", flush=True)
        super().append(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, nargs="*", default=[20_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workbook", type=int, default=20_000, help="Members of the workbook import (0: none).")
    parser.add_argument("--bulk-ties", type=int, default=1_000_000, help="Ties of the bulk load (0: none).")
    parser.add_argument("--writers", type=int, default=documents.WRITERS,
                        help="Transactions at a time of a batched online import (1: one after the other).")
    args = parser.parse_args()
    global WRITERS
    WRITERS = args.writers
    bench_settings(Path(tempfile.gettempdir()))  # the settings are valid before anything starts

    table = Table()
    with tempfile.TemporaryDirectory(prefix="gs-bench-imports-") as tmp:
        work = Path(tmp)
        for n in args.members:
            online(n, args.runs, work, table)
        if args.workbook:
            workbook(args.workbook, work, table)
        if args.bulk_ties:
            bulk(args.bulk_ties, work, table)

    print()
    print(f"`.venv/bin/python bench/import_speed.py --members {' '.join(map(str, args.members))} --runs {args.runs} "
          f"--workbook {args.workbook} --bulk-ties {args.bulk_ties} --writers {args.writers}` "
          f"({platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f})")
    print()
    print("| import | speed |")
    print("|---|---|")
    for what, value in table:
        print(f"| {what} | {value} |")


if __name__ == "__main__":
    main()
