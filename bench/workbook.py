"""Measure the workbook both ways on a big cluster: time and peak memory of exporting it to
``.xlsx`` and of importing that workbook into an empty graph, with the commands people run.

    .venv/bin/python bench/workbook.py [--members 100000] [--seed 42] [--keep cluster.xlsx]
    .venv/bin/python bench/workbook.py --members 100000 --files-only

A throw-away managed Neo4j (temporary home, free ports) is loaded with the generated cluster
(``--replace``, not measured here: see the foundation benchmark). Then, each in its own process
so that its peak RSS (``ru_maxrss`` from ``wait4``) is its own:

1. ``graph-service export cluster.xlsx`` (reads the graph, builds the manager's projection, writes
   the workbook);
2. on a second, new server (an empty graph), ``graph-service import cluster.xlsx`` (a merge into
   the empty graph: reads the workbook with openpyxl's streaming reader, checks every record,
   writes in batches).

Afterwards the graph's counts are compared with the generated document's (the workbook holds no
introductions). The writer and the reader alone are also timed in this process, on the generated
document. With ``--files-only`` no database is started: only the writer and the reader are timed,
and the peak RSS is this process's (the generated document, the workbook's bytes and the draft read
from them). Prints markdown for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]
from common import temporary_database  # noqa: E402  # after sys.path is set

from graph_service.interchange import Document  # noqa: E402  # after sys.path is set
from graph_service.services import spreadsheets  # noqa: E402  # after sys.path is set
from graph_service.store import documents  # noqa: E402  # after sys.path is set
from graph_service.store.database import Database  # noqa: E402  # after sys.path is set
from graph_service.store.graph import count_nodes  # noqa: E402  # after sys.path is set
from seed.generator import generate_cluster  # noqa: E402  # after sys.path is set

CLI = ROOT / ".venv" / "bin" / "graph-service"


def run_cli(db: Database, *args: str) -> tuple[float, int, str]:
    """Run ``graph-service ARGS`` against ``db``; (seconds, peak RSS in bytes, last output line)."""
    c = db.connection
    env = {**os.environ, "NEO4J_URI": c.uri, "NEO4J_USER": c.user, "NEO4J_PASSWORD": c.password,
           "NEO4J_DATABASE": c.database, "COLUMNS": "200"}
    began = time.monotonic()
    process = subprocess.Popen([str(CLI), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    output = process.stdout.read().decode("utf-8", errors="replace")
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"graph-service {' '.join(args)} failed ({process.returncode}):\n{output[-4000:]}")
    lines = [line for line in output.splitlines() if line.strip()]
    return seconds, usage.ru_maxrss * 1024, lines[-1] if lines else ""


def database_phases(doc: Document, workbook: Path, table: list[tuple[str, str]], keep: Path | None) -> None:
    """Export the loaded cluster with the CLI, then import the workbook into a new server with it."""
    rows = sum(len(getattr(doc, s.name)) for s in spreadsheets.SHEETS)
    with temporary_database(workbook.parent / "export") as db:
        began = time.monotonic()
        documents.import_document(db, doc, replace=True, batch_size=db.settings.import_batch_size)
        print(f"loaded in {time.monotonic() - began:.1f} s", flush=True)
        expected = count_nodes(db)

        seconds, rss, said = run_cli(db, "export", str(workbook))
        size = workbook.stat().st_size
        print(f"export: {seconds:.1f} s, peak RSS {mib(rss)}; {said}", flush=True)
        table.append(("`graph-service export cluster.xlsx` (reads the graph, builds the projection, writes "
                      "the workbook)", f"{seconds:.1f} s, peak RSS {mib(rss)}"))
        table.append(("the workbook", f"{size / 1e6:.1f} MB, {rows:,} rows in "
                      f"{len(spreadsheets.SHEETS)} sheets"))
        if keep:
            keep.write_bytes(workbook.read_bytes())

    # An empty graph: a new server (emptying the loaded one would measure the deletion too).
    with temporary_database(workbook.parent / "import") as db:
        assert count_nodes(db)["members"] == 0
        seconds, rss, said = run_cli(db, "import", str(workbook))
        print(f"import: {seconds:.1f} s, peak RSS {mib(rss)}; {said}", flush=True)
        table.append(("`graph-service import cluster.xlsx` into an empty graph (reads, checks and writes "
                      "every row)", f"{seconds:.1f} s, peak RSS {mib(rss)}"))
        got = count_nodes(db)
        print(f"counts after the import: {got}", flush=True)
        differ = {k: (v, got.get(k)) for k, v in expected.items() if k != "introductions" and got.get(k) != v}
        if differ:
            raise SystemExit(f"the graph after the import differs from the loaded one: {differ}")


def mib(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", type=Path, default=None, help="Also keep the exported workbook here.")
    parser.add_argument("--files-only", action="store_true", help="Only the writer and the reader, no database.")
    args = parser.parse_args()

    began = time.monotonic()
    doc, _facts = generate_cluster(members=args.members, seed=args.seed)
    generated = time.monotonic() - began
    rows = {s.name: len(getattr(doc, s.name)) for s in spreadsheets.SHEETS}
    print(f"generated {args.members:,} members in {generated:.1f} s: "
          + ", ".join(f"{v:,} {k}" for k, v in rows.items()), flush=True)

    table: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="gs-bench-workbook-") as tmp:
        workbook = Path(tmp) / "cluster.xlsx"
        if not args.files_only:
            database_phases(doc, workbook, table, args.keep)
        # The writer and the reader alone, on the generated document (no database, this process).
        began = time.monotonic()
        body = spreadsheets.write_workbook(doc, dt.date.today())
        wrote = time.monotonic() - began
        began = time.monotonic()
        draft = spreadsheets.read_workbook(body, {s.id: s.name for s in doc.skills})
        read = time.monotonic() - began
        assert draft.rows() == sum(rows.values()), (draft.rows(), rows)
        alone = "" if args.files_only else "of which: "
        table.append((f"{alone}writing the workbook (`spreadsheets.write_workbook`)", f"{wrote:.1f} s"))
        table.append((f"{alone}reading it (`spreadsheets.read_workbook`, every cell normalised)", f"{read:.1f} s"))
        if args.files_only:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            table.append(("the workbook", f"{len(body) / 1e6:.1f} MB, {sum(rows.values()):,} rows"))
            table.append(("peak RSS of this process (the generated document, the workbook's bytes and the draft "
                          "read from them)", mib(peak)))

    print()
    print(f"`.venv/bin/python bench/workbook.py --members {args.members}{' --files-only' * args.files_only}` "
          f"({platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores)")
    print()
    print(f"| {args.members:,} members | value |")
    print("|---|---|")
    for what, value in table:
        print(f"| {what} | {value} |")


if __name__ == "__main__":
    main()
