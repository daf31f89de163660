#!/usr/bin/env python3
"""Write docs/example-cluster.xlsx: a small cluster as the workbook the export writes and the
import reads (one sheet per kind, the columns of docs/format.md).

The cluster is the seed generator's with 50 members and seed 42, in the export's order, and the
workbook is dated 2025-01-01, so the same code always gives the same bytes (and an export of the
cluster after importing it holds the same cells).

    python scripts/example_workbook.py            # (re)write docs/example-cluster.xlsx
    python scripts/example_workbook.py --check    # exit 1 if the committed file is out of date
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing the package
    sys.path.insert(0, str(ROOT))

from graph_service.services.spreadsheets import write_workbook  # noqa: E402
from seed.generator import generate_cluster  # noqa: E402

DEFAULT_OUTPUT = ROOT / "docs" / "example-cluster.xlsx"
MEMBERS, SEED, DAY = 50, 42, dt.date(2025, 1, 1)


def render() -> bytes:
    """The workbook, its records in the export's order (by id; ties by source, target and kind)."""
    doc, _facts = generate_cluster(members=MEMBERS, seed=SEED)
    doc = doc.model_copy(update={
        "skills": sorted(doc.skills, key=lambda s: s.id),
        "members": sorted(doc.members, key=lambda m: m.id),
        "organisations": sorted(doc.organisations, key=lambda o: o.id),
        "ties": sorted(doc.ties, key=lambda t: (t.source, t.target, t.kind)),
        "projects": sorted(doc.projects, key=lambda p: p.id),
        "events": sorted(doc.events, key=lambda e: e.id),
    })
    return write_workbook(doc, DAY)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if the file differs from what the code generates")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"where the workbook goes (default: {DEFAULT_OUTPUT.relative_to(ROOT)})")
    args = parser.parse_args(argv)

    body = render()
    path: Path = args.output
    if args.check:
        if not path.exists() or path.read_bytes() != body:
            print(f"{path} is out of date: run python scripts/example_workbook.py", file=sys.stderr)
            return 1
        print(f"{path} is up to date.")
        return 0
    path.write_bytes(body)
    print(f"Wrote {path} ({len(body):,} bytes).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
