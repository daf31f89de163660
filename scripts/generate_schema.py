#!/usr/bin/env python3
"""Write docs/document.schema.json: the JSON Schema of the interchange document.

The schema is generated from ``graph_service.interchange.Document`` (pydantic's
``model_json_schema()``), with ``$schema`` and ``$id`` added, and written pretty-printed with
sorted keys so that the same code always gives the same bytes.

    python scripts/generate_schema.py            # (re)write docs/document.schema.json
    python scripts/generate_schema.py --check    # exit 1 if the committed file is out of date (CI)
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing the package
    sys.path.insert(0, str(ROOT))

from graph_service.interchange import Document  # noqa: E402

DEFAULT_OUTPUT = ROOT / "docs" / "document.schema.json"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:graph-service:interchange:document"


def render() -> str:
    """The schema as text: deterministic (sorted keys, fixed indentation, trailing newline)."""
    schema = Document.model_json_schema(mode="validation")
    schema["$schema"] = SCHEMA_DIALECT
    schema["$id"] = SCHEMA_ID
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if the file differs from what the code generates")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"where the schema lives (default: {DEFAULT_OUTPUT.relative_to(ROOT)})")
    args = parser.parse_args(argv)

    text = render()
    path: Path = args.output
    if args.check:
        try:
            current = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            print(f"{path} is missing; run: python scripts/generate_schema.py", file=sys.stderr)
            return 1
        if current != text:
            diff = difflib.unified_diff(current.splitlines(keepends=True), text.splitlines(keepends=True),
                                        fromfile=f"{path} (committed)", tofile=f"{path} (generated)")
            sys.stderr.writelines(list(diff)[:200])
            print(f"\n{path} is out of date; run: python scripts/generate_schema.py", file=sys.stderr)
            return 1
        print(f"{path} is up to date.")
        return 0

    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        print(f"{path} unchanged.")
    else:
        path.write_text(text, encoding="utf-8")
        print(f"Wrote {path}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
