"""Measure the managed Neo4j's cold start and the seed cluster's load time.

    .venv/bin/python bench/foundation.py [--members 300 100000] [--starts 3]

Each start uses a brand-new home folder (empty data, a new generated password) on free ports,
so "cold" means: first start of a new database, jars already assembled. The load figures
generate the seed cluster and import it with ``--replace`` semantics into an empty server.
Prints a markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import bench_settings, temporary_database

from graph_service.neo4j_server.managed import NEO4J_VERSION, ManagedServer
from graph_service.store import documents
from seed.generator import generate_cluster


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, nargs="+", default=[300, 100_000])
    parser.add_argument("--starts", type=int, default=3)
    args = parser.parse_args()

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="gs-bench-") as tmp:
        cold, warm = [], []
        for i in range(args.starts):
            server = ManagedServer(bench_settings(Path(tmp) / f"cold-{i}"))
            began = time.monotonic()
            server.start(log=lambda _m: None)
            cold.append(time.monotonic() - began)
            server.stop()
            began = time.monotonic()
            server.start(log=lambda _m: None)
            warm.append(time.monotonic() - began)
            server.stop()
        rows.append(("cold start, new database, to Bolt answering (s)",
                     f"median {statistics.median(cold):.1f} (runs: {', '.join(f'{c:.1f}' for c in cold)})"))
        rows.append(("restart of an existing database, to Bolt answering (s)",
                     f"median {statistics.median(warm):.1f} (runs: {', '.join(f'{w:.1f}' for w in warm)})"))

        with temporary_database(Path(tmp) / "load") as db:
            settings = db.settings
            for n in args.members:
                began = time.monotonic()
                doc, _facts = generate_cluster(members=n, seed=42)
                generated = time.monotonic() - began
                began = time.monotonic()
                result = documents.import_document(db, doc, replace=True, batch_size=settings.import_batch_size)
                loaded = time.monotonic() - began
                rows_total = sum(result.counts.values())
                rows.append((f"seed {n:,} members: generate (s)", f"{generated:.1f}"))
                rows.append((f"seed {n:,} members: load into Neo4j (s)",
                             f"{loaded:.1f} ({rows_total:,} rows: {len(doc.members):,} members, "
                             f"{len(doc.ties):,} ties, {len(doc.events):,} events, {len(doc.projects):,} projects; "
                             f"{result.transactions} transaction(s))"))

    print(f"Neo4j {NEO4J_VERSION} Community, managed server, {platform.machine()}, "
          f"{platform.python_implementation()} {platform.python_version()}\n")
    print("| measure | value |\n|---|---|")
    for k, v in rows:
        print(f"| {k} | {v} |")


if __name__ == "__main__":
    main()
