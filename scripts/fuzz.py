"""The longer schemathesis run: every operation of the API, many examples each, on a throw-away
managed Neo4j loaded with the seed cluster.

    .venv/bin/python scripts/fuzz.py [--examples 200] [--seed-members 300]

Exits 1 and prints the failures if any operation answers 5xx, an undocumented status code, or a
body that breaks its own schema. The test suite runs the same checks with 10 examples each.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from common import manager_headers, temporary_database  # noqa: E402

from graph_service.api.app import create_app  # noqa: E402
from graph_service.store import documents  # noqa: E402
from seed.generator import generate_cluster  # noqa: E402
from tests.test_fuzz import fuzz  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=200)
    parser.add_argument("--seed-members", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gs-fuzz-") as tmp, temporary_database(Path(tmp) / "db") as db:
        doc, _ = generate_cluster(members=args.seed_members, seed=42)
        documents.import_document(db, doc, replace=True)
        app = create_app(db.settings, db)
        began = time.monotonic()
        failures = fuzz(app, args.examples, headers=manager_headers(db.settings), derandomize=False)
        took = time.monotonic() - began
    print(f"{args.examples} examples per operation in {took:.0f} s: {len(failures)} failing operation(s).")
    for f in failures:
        print(f"\n{f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
