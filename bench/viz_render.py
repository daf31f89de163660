"""Measure how fast the ecosystem map renders in headless Chromium, and take the docs' screenshots.

    .venv/bin/python bench/viz_render.py [--members 300 2000] [--runs 5] [--screenshots docs/img]

For each size: generate the seed cluster (seed 42), load it into Neo4j (``NEO4J_URI`` when set,
else a managed server in a temporary home on free ports), serve the app with uvicorn on
127.0.0.1, then open ``/viz/ecosystem`` in a fresh browser context (empty cache) ``--runs``
times. The render time is ``window.__graphReady``: ``performance.now()`` (milliseconds since
navigation started) when vis-network has drawn the map for the first time; positions come from
the server and physics is off, so that first drawing is the final one. The server's time to
build the page (first request: layout, betweenness, communities; later ones: memoised) is
measured separately. ``--screenshots`` writes the documentation's images at the first size.
Prints a markdown table for docs/viz.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from common import manager_headers, serve_in_thread, temporary_database  # noqa: E402

HEADERS: dict[str, str] = {}  # the manager's Authorization header, set once the server is known

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (one launch recipe for both)


def _get(url: str) -> tuple[float, int]:
    began = time.monotonic()
    with urllib.request.urlopen(urllib.request.Request(url, headers=HEADERS), timeout=600) as r:
        body = r.read()
    return time.monotonic() - began, len(body)


def _ready(page: Any, timeout: float = 120.0) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate("() => window.__graphReady === undefined ? null : window.__graphReady")
        if value is not None:
            return float(value)
        page.wait_for_timeout(20)
    raise RuntimeError("the map was not drawn")


def _screenshots(browser: Any, base: str, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 860}, extra_http_headers=HEADERS)
    page = context.new_page()
    shots: list[Path] = []

    def shot(name: str, url: str, *, ready: bool = True, before: Any = None, **kwargs: Any) -> None:
        page.goto(base + url)
        if ready:
            _ready(page)
        if before:
            before()
        page.wait_for_timeout(300)
        path = out / f"{name}.png"
        page.screenshot(path=str(path), **kwargs)
        shots.append(path)

    shot("viz-ecosystem", "/viz/ecosystem")
    shot(
        "viz-ecosystem-communities",
        "/viz/ecosystem",
        before=lambda: page.check("input[name=colouring][value=community]"),
    )
    shot("viz-ecosystem-aggregated", "/viz/ecosystem?aggregate=true")
    shot("viz-member", "/viz/members/m-042?hops=2")
    shot("viz-subsectors", "/viz/subsectors")
    shot("viz-paths", "/viz/paths/m-001/m-150")
    shot("viz-proposed", "/viz/ecosystem?proposed=m-012:m-250,m-077:m-190,m-120:m-295")

    def pick_member() -> None:
        page.wait_for_selector("#recommendations li")
        page.wait_for_timeout(1500)

    shot("members-app", "/members-app#m-042", ready=False, before=pick_member)
    shot(
        "report",
        "/report?since=2025-01-01",
        ready=False,
        clip={"x": 0, "y": 0, "width": 1400, "height": 1900},
        full_page=True,
    )
    context.close()
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, nargs="+", default=[300, 2000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--screenshots", type=Path, default=None, help="Write the docs' images here (first size)."
    )
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from graph_service.api.app import create_app
    from graph_service.settings import Settings
    from graph_service.store import documents
    from graph_service.store.database import Database
    from graph_service.store.readiness import Readiness
    from seed.generator import generate_cluster

    rows: list[tuple[str, ...]] = []
    with tempfile.TemporaryDirectory(prefix="gs-viz-bench-") as tmp, contextlib.ExitStack() as stack:
        if os.environ.get("NEO4J_URI"):
            db = Database(Settings())
            stack.callback(db.close)
            Readiness().ensure(db)
        else:
            db = stack.enter_context(temporary_database(Path(tmp) / "home"))
        settings = db.settings
        HEADERS.update(manager_headers(settings))
        base = stack.enter_context(serve_in_thread(create_app(settings, db), ws="none", access_log=False))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            for i, n in enumerate(args.members):
                doc, _facts = generate_cluster(members=n, seed=42)
                documents.import_document(db, doc, replace=True, batch_size=settings.import_batch_size)
                cold, size = _get(base + "/viz/ecosystem")
                warm, _ = _get(base + "/viz/ecosystem")
                times, walls = [], []
                for _ in range(args.runs):
                    context = browser.new_context(viewport={"width": 1400, "height": 860}, extra_http_headers=HEADERS)
                    page = context.new_page()
                    began = time.monotonic()
                    page.goto(base + "/viz/ecosystem")
                    times.append(_ready(page))
                    walls.append((time.monotonic() - began) * 1000)
                    nodes = page.evaluate("() => window.__network.body.data.nodes.length")
                    edges = page.evaluate("() => window.__network.body.data.edges.length")
                    context.close()
                rows.append(
                    (
                        f"{n:,}",
                        f"{nodes:,} / {edges:,}",
                        f"{size / 1024:.0f} KiB",
                        f"{cold:.2f} / {warm:.3f}",
                        f"{statistics.median(times):.0f}",
                        f"{min(times):.0f}–{max(times):.0f}",
                        f"{statistics.median(walls):.0f}",
                    )
                )
                print(
                    json.dumps(
                        {
                            "members": n,
                            "ready_ms": times,
                            "wall_ms": walls,
                            "server_cold_s": cold,
                            "server_warm_s": warm,
                        }
                    ),
                    flush=True,
                )
                if i == 0 and args.screenshots:
                    for path in _screenshots(browser, base, args.screenshots):
                        print(f"wrote {path}", flush=True)
            browser.close()

    print()
    print(
        f"Chromium headless ({CHROMIUM}, --disable-gpu), {platform.machine()}, "
        f"{os.cpu_count()} CPU(s), Python {platform.python_version()}; "
        f"median of {args.runs} runs, fresh context each."
    )
    print()
    print(
        "| members | nodes / edges drawn | page | server build: first / memoised (s) "
        "| render: __graphReady (ms, median) | range (ms) | goto → drawn, wall (ms) |"
    )
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
