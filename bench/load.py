"""Load test: many concurrent clients on the recommendation and analytics endpoints for a fixed
time; throughput, latency percentiles, errors, and the server's memory over the run.

    .venv/bin/python bench/load.py [--clients 16] [--duration 60] [--members 300] [--json FILE]

A throw-away managed Neo4j (temporary home, free ports) is seeded with the seed cluster
(``seed/cluster.json``, 300 members; ``--members N`` generates N members with seed 42). The API
runs in its own uvicorn process on 127.0.0.1 (so its memory is its own: VmRSS from
``/proc/<pid>/status``, sampled every second) with ``GRAPH_SERVICE_MODE=development``, a manager
key generated for the run, and ``GRAPH_SERVICE_RATE_LIMIT`` raised so that the run measures the
service, not its throttle. When the service has key management (``POST /api/v1/keys``), member
keys are created and recommendations are asked for by members for themselves; otherwise every
request uses the manager key (the output says which).

After a warm-up (every endpoint once, then ``--warmup`` seconds of load, not counted), N client
threads, each with its own keep-alive HTTP connection, send a fixed mix for ``--duration``
seconds: recommendations (most), warm paths (max_hops=4), analytics/subsectors,
analytics/communities, analytics/bridges and introductions/kpis.

Prints markdown for docs/benchmarks.md and PASS or FAIL: PASS when no request failed (any
non-2xx answer or exception) and the server's memory did not grow (the median RSS of the last
quarter of the run within ``--rss-growth`` percent of the first quarter's). Exits 1 on FAIL.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import httpx2 as httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]
from common import free_port, percentile, temporary_database  # noqa: E402  # after sys.path is set

from graph_service.interchange import Document  # noqa: E402  # after sys.path is set
from graph_service.store import documents  # noqa: E402  # after sys.path is set
from graph_service.store.database import Database  # noqa: E402  # after sys.path is set

SEED_FILE = ROOT / "seed" / "cluster.json"
RATE_LIMIT = 10_000_000  # requests a minute per key: far above what this machine can serve
# The mix: endpoint name -> weight (out of 20).
MIX = {"recommendations": 12, "paths": 3, "kpis": 2, "analytics/subsectors": 1, "analytics/communities": 1,
       "analytics/bridges": 1}
PATHS = {
    "kpis": "/api/v1/introductions/kpis",
    "analytics/subsectors": "/api/v1/analytics/subsectors",
    "analytics/communities": "/api/v1/analytics/communities",
    "analytics/bridges": "/api/v1/analytics/bridges",
}


# -- the server -----------------------------------------------------------------------------------
def seed_document(members: int) -> Document:
    if members == 300:
        return Document.model_validate_json(SEED_FILE.read_bytes())
    from seed.generator import generate_cluster

    return generate_cluster(members=members, seed=42)[0]


@contextmanager
def api_process(db: Database, home: Path, manager_key: str) -> Iterator[tuple[str, int]]:
    """The API in its own uvicorn process, on the database ``db``; yields (base URL, pid)."""
    c = db.connection
    port = free_port()
    env = {
        **os.environ,
        "NEO4J_URI": c.uri, "NEO4J_USER": c.user, "NEO4J_PASSWORD": c.password, "NEO4J_DATABASE": c.database,
        "GRAPH_SERVICE_HOME": str(home), "GRAPH_SERVICE_MODE": "development",
        "GRAPH_SERVICE_MANAGER_KEY": manager_key,
        "GRAPH_SERVICE_RATE_LIMIT": str(RATE_LIMIT), "GRAPH_SERVICE_RATE_BURST": str(RATE_LIMIT // 60),
    }
    with open(home / "uvicorn.log", "wb") as log:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "graph_service.api.app:create_app",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the API process exited ({proc.returncode}):\n"
                                   + (home / "uvicorn.log").read_text(errors="replace")[-3000:])
            try:
                if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the API did not answer /health within 120 s")
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def rss_mb(pid: int) -> float:
    """Resident memory of a process (VmRSS), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


class RssSampler:
    """Samples a process's RSS once a second in a thread: (seconds since start, MB)."""

    def __init__(self, pid: int, every: float = 1.0):
        self.pid, self.every = pid, every
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        began = time.monotonic()
        while not self._stop.is_set():
            self.samples.append((time.monotonic() - began, rss_mb(self.pid)))
            self._stop.wait(self.every)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append((self.samples[-1][0] + self.every if self.samples else 0.0, rss_mb(self.pid)))


# -- the clients ----------------------------------------------------------------------------------
@dataclass
class Caller:
    """Who sends a request: a key, and the member it belongs to (None: the manager)."""

    key: str
    member: str | None = None


@dataclass
class Plan:
    manager: Caller
    members: list[Caller]  # member keys (recommendations for themselves); empty: the manager asks
    ids: list[str]  # member ids for the manager's requests
    note: str


def make_plan(base: str, manager_key: str, ids: list[str], visible: list[str], keys: int) -> Plan:
    """Member keys through ``POST /api/v1/keys`` when the service has it, else the manager key only."""
    manager = Caller(manager_key)
    headers = {"Authorization": f"Bearer {manager_key}"}
    callers = []
    for i, member in enumerate(random.Random(3).sample(visible, min(keys, len(visible)))):
        r = httpx.post(f"{base}/api/v1/keys", headers=headers, timeout=30,
                       json={"role": "member", "member": member, "name": f"load test {i}"})
        if r.status_code in (404, 405) and not callers:
            return Plan(manager, [], ids,
                        "every request with the manager key (the service has no key management)")
        if r.status_code != 201:
            raise RuntimeError(f"POST /api/v1/keys answered {r.status_code}: {r.text[:500]}")
        callers.append(Caller(r.json()["key"], member))
    return Plan(manager, callers, ids,
                f"recommendations with {len(callers)} member keys (each member for themselves, through "
                "POST /api/v1/keys); paths, analytics and KPIs with the manager key")


@dataclass
class Result:
    endpoint: str
    seconds: float
    ok: bool
    error: str | None = None


@dataclass
class Recorder:
    results: list[Result] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, batch: list[Result]) -> None:
        with self.lock:
            self.results.extend(batch)


def client_loop(base: str, plan: Plan, seed: int, until: float, recorder: Recorder | None) -> None:
    """One client: one keep-alive connection, requests from the mix until ``until``, each with the
    key of whoever asks it (so the connection is never idle long enough for the server to close it)."""
    rng = random.Random(seed)
    names, weights = list(MIX), list(MIX.values())
    batch: list[Result] = []
    with httpx.Client(base_url=base, timeout=60, limits=httpx.Limits(max_connections=1)) as client:
        while time.monotonic() < until:
            name = rng.choices(names, weights)[0]
            caller = plan.manager
            if name == "recommendations":
                if plan.members:
                    caller = rng.choice(plan.members)
                    url, params = f"/api/v1/members/{caller.member}/recommendations", {"limit": 10}
                else:
                    url, params = f"/api/v1/members/{rng.choice(plan.ids)}/recommendations", {"limit": 10}
            elif name == "paths":
                a, b = rng.sample(plan.ids, 2)
                url, params = f"/api/v1/members/{a}/paths/{b}", {"max_hops": 4}
            else:
                url, params = PATHS[name], {}
            began = time.perf_counter()
            try:
                r = client.get(url, params=params, headers={"Authorization": f"Bearer {caller.key}"})
                ok, error = r.is_success, None if r.is_success else f"{r.status_code} {url}: {r.text[:200]}"
            except httpx.HTTPError as exc:
                ok, error = False, f"{type(exc).__name__} {url}: {exc}"
            batch.append(Result(name, time.perf_counter() - began, ok, error))
    if recorder is not None:
        recorder.add(batch)


def drive(base: str, plan: Plan, clients: int, seconds: float, recorder: Recorder | None, seed: int) -> float:
    """``clients`` threads for ``seconds``; returns the wall time."""
    until = time.monotonic() + seconds
    began = time.monotonic()
    threads = [threading.Thread(target=client_loop, args=(base, plan, seed * 1000 + i, until, recorder))
               for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - began


# -- the figures ----------------------------------------------------------------------------------
def latency_row(results: list[Result], wall: float) -> dict[str, Any]:
    ms = [r.seconds * 1000 for r in results]
    return {"requests": len(results), "throughput": len(results) / wall,
            "p50_ms": statistics.median(ms) if ms else 0.0, "p99_ms": percentile(ms, 99) if ms else 0.0,
            "max_ms": max(ms) if ms else 0.0, "errors": sum(not r.ok for r in results)}


def slope_mb_per_min(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of RSS over time, in MB a minute."""
    if len(samples) < 2:
        return 0.0
    xs, ys = [t for t, _ in samples], [m for _, m in samples]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return 60 * sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else 0.0


def memory_figures(samples: list[tuple[float, float]]) -> dict[str, float]:
    mbs = [m for _, m in samples]
    quarter = max(1, len(mbs) // 4)
    first, last = statistics.median(mbs[:quarter]), statistics.median(mbs[-quarter:])
    return {"start_mb": mbs[0], "max_mb": max(mbs), "end_mb": mbs[-1],
            "first_quarter_median_mb": first, "last_quarter_median_mb": last,
            "growth_pct": 100 * (last - first) / first,
            "slope_second_half_mb_per_min": slope_mb_per_min(samples[len(samples) // 2:]),
            "samples": len(samples)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=60.0, help="Seconds of measured load.")
    parser.add_argument("--warmup", type=float, default=5.0, help="Seconds of load before measuring.")
    parser.add_argument("--members", type=int, default=300,
                        help="300: seed/cluster.json; else generated (seed 42).")
    parser.add_argument("--keys", type=int, default=20,
                        help="Member keys to create, when the service has keys.")
    parser.add_argument("--rss-growth", type=float, default=5.0, help="Largest allowed RSS growth, percent.")
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    args = parser.parse_args()

    manager_key = secrets.token_urlsafe(32)
    with tempfile.TemporaryDirectory(prefix="gs-load-") as tmp, \
            temporary_database(Path(tmp) / "db", heap="1g", pagecache="512m") as db:
        doc = seed_document(args.members)
        documents.import_document(db, doc, replace=True, batch_size=db.settings.import_batch_size)
        ids = [m.id for m in doc.members]
        visible = [m.id for m in doc.members if m.visibility != "private"]
        home = Path(tmp) / "api"
        home.mkdir()
        with api_process(db, home, manager_key) as (base, pid):
            plan = make_plan(base, manager_key, ids, visible, args.keys)
            print(f"API process {pid} on {base}; {len(ids)} members; {plan.note}; "
                f"GRAPH_SERVICE_RATE_LIMIT={RATE_LIMIT} a minute per key, so nothing is throttled.",
                file=sys.stderr)
            with httpx.Client(base_url=base, timeout=600,
                              headers={"Authorization": f"Bearer {manager_key}"}) as warm:
                for url in (*PATHS.values(), f"/api/v1/members/{ids[0]}/recommendations",
                            f"/api/v1/members/{ids[0]}/paths/{ids[1]}"):
                    warm.get(url).raise_for_status()
            warm_up = Recorder()
            drive(base, plan, args.clients, args.warmup, warm_up, seed=1)
            recorder = Recorder()
            load_before = os.getloadavg()[0]
            with RssSampler(pid) as sampler:
                wall = drive(base, plan, args.clients, args.duration, recorder, seed=2)
            load_after = os.getloadavg()[0]
            results = recorder.results

    endpoints = {name: latency_row([r for r in results if r.endpoint == name], wall) for name in MIX}
    overall = latency_row(results, wall)
    memory = memory_figures(sampler.samples)
    errors = sorted({r.error for r in results if r.error})
    passed = overall["errors"] == 0 and memory["growth_pct"] < args.rss_growth
    figures = {
        "command": " ".join(["bench/load.py", *sys.argv[1:]]), "clients": args.clients,
        "duration_s": args.duration, "wall_s": wall, "members": len(ids), "auth": plan.note,
        "rate_limit_per_minute": RATE_LIMIT, "warmup_requests": len(warm_up.results),
        "warmup_errors": sum(not r.ok for r in warm_up.results), "endpoints": endpoints, "overall": overall,
        "memory": memory, "load_average_1min": [load_before, load_after],
        "rss_growth_threshold_pct": args.rss_growth, "error_kinds": errors[:20],
        "passed": passed,
    }
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n")

    print(f"{args.clients} clients for {args.duration:.0f} s on {len(ids)} members ({wall:.1f} s wall); "
          f"{plan.note}; machine load average {load_before:.1f} before, {load_after:.1f} after.\n")
    print("| endpoint | requests | throughput | p50 | p99 | max | errors |\n|---|---|---|---|---|---|---|")
    for name, row in [*endpoints.items(), ("all", overall)]:
        print(f"| {name} | {row['requests']:,} | {row['throughput']:.1f} req/s | {row['p50_ms']:.1f} ms | "
              f"{row['p99_ms']:.1f} ms | {row['max_ms']:.1f} ms | {row['errors']} |")
    print(f"\nAPI process memory (VmRSS, sampled every second, {memory['samples']} samples): "
          f"{memory['start_mb']:.1f} MB at the start (after the warm-up), {memory['max_mb']:.1f} MB at most, "
          f"{memory['end_mb']:.1f} MB at the end; "
          f"median of the first quarter {memory['first_quarter_median_mb']:.1f} MB, "
          f"of the last quarter {memory['last_quarter_median_mb']:.1f} MB ({memory['growth_pct']:+.1f}%); "
          f"slope over the second half {memory['slope_second_half_mb_per_min']:+.2f} MB/min.")
    for e in errors[:10]:
        print(f"error: {e}")
    print(f"\n{'PASS' if passed else 'FAIL'}: {overall['errors']} errors (0 allowed), RSS growth "
          f"{memory['growth_pct']:+.1f}% (below {args.rss_growth:.0f}% allowed).")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
