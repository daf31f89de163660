"""Where one box stops: the analysis path at 1,000,000 members and about 3.5 million ties.

    .venv/bin/python bench/one_box.py [--members 1000000] [--events-fraction 0.1] [--heap 6g]
        [--pagecache 4g] [--memory-limit-gb 14] [--recommendations 200] [--paths 200]
        [--out /tmp/one_box-1000000]

Steps, each timed (wall; CPU seconds of this process, of its waited-for children and of the
Neo4j server process; the peak resident memory of this process and of Neo4j, ``VmHWM`` of
``/proc/<pid>/status`` reset before each step through ``clear_refs``; the load average):

1. **generate**: ``seed.generator.generate_cluster(members, seed=42)`` (about 4 ties per member,
   knows and project collaborations; projects members/5; events members/7.5). Events make contact
   edges (co-attendance, ``analytics/graph.py``), about six per tie in the generated cluster:
   ``--events-fraction`` keeps that share of the events (every k-th, deterministic) so that the
   ties, not the co-attendance, are what is measured; the counts of events, attendances and the
   projection's contact edges are reported. ``--ties`` tops the ties up with random knows ties
   (as ``bench/import_speed.py`` does) when the generator gave fewer.
2. **bulk load**: ``services.bulk_load.bulk_load`` (what ``graph-service db bulk-load`` runs: CSV,
   stop, ``neo4j-admin database import full``, start, schema) into a new managed Neo4j with
   ``--heap`` and ``--pagecache``. The generated document is then dropped (and the allocator's
   free memory given back) so that the next steps hold only what the service holds.
3. **first full read**: a ``services.views.ProjectionCache``'s first ``current()``
   (``store.changes.read_document`` and ``services.views.project``), as the service's first request.
4. **one write**: a new knows tie (``services.ties.record_tie``), then the next ``current()``,
   which lays the change record in.
5. **global analyses**: ``services.analyses.compute_globals`` on that projection with the
   settings' policy (Leiden communities, KADABRA betweenness at the default epsilon, bridges,
   subsectors, matrix), each part timed.
6. **per-request answers**: ``recommendations_for`` for ``--recommendations`` random members (the
   first call also fits the link model, reported on its own) and ``paths_between`` (k 3, 4 hops,
   the settings' path deadline) for ``--paths`` random pairs: p50, p99, max.

The machine is guarded: a watchdog thread reads this process's resident memory every 0.2 s and,
above ``--memory-limit-gb``, writes "stops here" with the step and the memory reached, stops
Neo4j and exits (code 3); the Python-only steps also run under a soft ``RLIMIT_AS`` of the limit
plus 4 GB (address space, not memory: the slack covers thread stacks and arenas), so that an
allocation that does not fit raises ``MemoryError``, reported the same way. The limit is lifted
while Neo4j and its importer start, since they inherit it. After each step the figures so far
are written to ``OUT.json`` and ``OUT.md``, so that a crash still leaves them.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import platform
import random
import resource
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]
os.environ.setdefault("GRAPH_SERVICE_START_TIMEOUT", "900")  # a big store takes a while to open
from common import bench_settings, percentile, temporary_database  # noqa: E402  # after sys.path is set
from import_speed import with_ties  # noqa: E402  # after sys.path is set

from graph_service.analytics import subsector_matrix, ties_graph  # noqa: E402
from graph_service.interchange import Document  # noqa: E402
from graph_service.neo4j_server.managed import ManagedServer  # noqa: E402
from graph_service.services import analyses, bulk_load  # noqa: E402
from graph_service.services.recommendations import link_model, paths_between, recommendations_for  # noqa: E402
from graph_service.services.ties import record_tie  # noqa: E402
from graph_service.services.views import ProjectionCache  # noqa: E402
from graph_service.settings import Settings  # noqa: E402
from graph_service.store import documents  # noqa: E402
from graph_service.store.database import Database  # noqa: E402
from graph_service.store.graph import count_nodes  # noqa: E402
from graph_service.store.readiness import Readiness  # noqa: E402
from seed.generator import generate_cluster  # noqa: E402

GB = 1024**3
MIN_AVAILABLE_KB = 1024 * 1024  # stop when the machine has less than 1 GB left


def available_kb() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1])
    return MIN_AVAILABLE_KB


def stamp() -> str:
    return datetime.now(UTC).strftime("%H:%M:%S")


def say(message: str) -> None:
    print(f"[{stamp()}] {message}", flush=True)


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


# -- what a process uses -------------------------------------------------------------------------
def status_kb(pid: int | str, key: str) -> int:
    """A ``/proc/<pid>/status`` figure in kB (0 when the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def reset_peak(pid: int | str) -> None:
    """Set the process's peak resident memory (VmHWM) back to its current one."""
    with suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


def cpu_of(pid: int | None) -> float:
    """CPU seconds (user + system) the process ``pid`` has used so far (0 when it is gone)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def give_back_memory() -> None:
    """Collect, then let glibc return its free pages to the system."""
    gc.collect()
    with suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def address_limit(limit: int | None) -> None:
    """Set (or, with None, lift) the soft limit of this process's address space."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY if limit is None else limit, hard))


# -- the results ---------------------------------------------------------------------------------
class Results:
    """The figures so far, written as JSON and markdown after every step."""

    def __init__(self, out: Path, command: str, args: argparse.Namespace):
        self.out = out
        self.data: dict[str, Any] = {
            "command": command, "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "cores": os.cpu_count(),
                        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GB, 1),
                        "load_average_before": load_average()},
            "settings": {"members": args.members, "events_fraction": args.events_fraction,
                         "neo4j_heap": args.heap, "neo4j_pagecache": args.pagecache,
                         "memory_limit_gb": args.memory_limit_gb},
            "steps": [], "stopped": None,
        }
        self.lock = threading.Lock()

    def add(self, step: dict[str, Any]) -> None:
        with self.lock:
            self.data["steps"].append(step)
            self.write()

    def stop(self, step: str, reason: str, rss_gb: float) -> None:
        with self.lock:
            self.data["stopped"] = {"step": step, "reason": reason, "python_rss_gb": round(rss_gb, 2),
                                    "at": stamp(), "load_average": load_average()}
            self.write()

    def write(self) -> None:
        self.data["updated"] = datetime.now(UTC).isoformat(timespec="seconds")
        self.out.with_suffix(".json").write_text(json.dumps(self.data, indent=2, default=str))
        self.out.with_suffix(".md").write_text(markdown(self.data))


def markdown(data: dict[str, Any]) -> str:
    lines = [f"`{data['command']}` (Python {data['machine']['python']}, {data['machine']['cores']} cores, "
             f"{data['machine']['memory_gb']} GB; load average before {data['machine']['load_average_before']})",
             "", "| step | wall s | CPU s: Python / children / Neo4j | peak RSS GB: Python / Neo4j | load "
             "| figures |", "|---|---:|---|---|---|---|"]
    for s in data["steps"]:
        figures = "; ".join(f"{k} {v}" for k, v in s["figures"].items())
        lines.append(f"| {s['step']} | {s['wall_s']:.1f} | {s['cpu_python_s']:.1f} / {s['cpu_children_s']:.1f} / "
                     f"{s['cpu_neo4j_s']:.1f} | {s['peak_rss_python_gb']:.2f} / {s['peak_rss_neo4j_gb']:.2f} | "
                     f"{s['load_start']} → {s['load_end']} | {figures} |")
    if data.get("stopped"):
        st = data["stopped"]
        lines += ["", f"**Stops here**: step {st['step']}: {st['reason']} (Python RSS {st['python_rss_gb']} GB, "
                  f"load {st['load_average']})"]
    return "\n".join(lines) + "\n"


# -- the guard -----------------------------------------------------------------------------------
class Guard:
    """Watches this process's resident memory; above the limit, records where it stopped,
    stops Neo4j and exits."""

    def __init__(self, results: Results, limit_gb: float):
        self.results, self.limit_kb = results, int(limit_gb * 1024 * 1024)
        self.step = "start"
        self.settings: Settings | None = None
        self.peak_kb = 0
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        while True:
            rss = status_kb("self", "VmRSS")
            self.peak_kb = max(self.peak_kb, rss)
            if rss > self.limit_kb:
                self.results.stop(self.step, f"this process's resident memory passed the limit of "
                                  f"{self.limit_kb / 1024 / 1024:.0f} GB while the step was running: it needs more "
                                  "than that", rss / 1024 / 1024)
                say(f"STOPS HERE: {self.step} passed {self.limit_kb / 1024 / 1024:.0f} GB")
                self.kill_neo4j()
                os._exit(3)
            if (free := available_kb()) < MIN_AVAILABLE_KB:
                self.results.stop(self.step, f"the machine's available memory fell to {free / 1024 / 1024:.1f} GB "
                                  "(other jobs share it): stopped before it swaps", rss / 1024 / 1024)
                say(f"STOPS HERE: {self.step}: the machine has {free / 1024 / 1024:.1f} GB left")
                self.kill_neo4j()
                os._exit(3)
            time.sleep(0.2)

    def kill_neo4j(self) -> None:
        if self.settings is not None and (pid := ManagedServer(self.settings).pid()) is not None:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)


class Step:
    def __init__(self, name: str):
        self.name = name
        self.figures: dict[str, Any] = {}


@contextmanager
def step(name: str, results: Results, guard: Guard, settings: Settings | None) -> Iterator[Step]:
    """Time one step; on MemoryError record where it stopped and re-raise."""
    guard.step = name
    say(f"{name} (load average {load_average()})")
    neo = ManagedServer(settings).pid() if settings is not None else None
    reset_peak("self")
    if neo is not None:
        reset_peak(neo)
    wall, cpu, kids, neo_cpu = time.monotonic(), time.process_time(), children_cpu(), cpu_of(neo)
    load_start = load_average()
    current = Step(name)
    try:
        yield current
    except MemoryError:
        rss = status_kb("self", "VmRSS") / 1024 / 1024
        results.stop(name, "an allocation failed at the address-space limit (MemoryError): it needs more than "
                     f"{resource.getrlimit(resource.RLIMIT_AS)[0] / GB:.0f} GB of address space", rss)
        raise
    after = ManagedServer(settings).pid() if settings is not None else None
    entry = {
        "step": name, "wall_s": round(time.monotonic() - wall, 2), "cpu_python_s": round(time.process_time() - cpu, 2),
        "cpu_children_s": round(children_cpu() - kids, 2),
        # Across a restart (the bulk load) the old server's CPU is lost: only the new one's counts.
        "cpu_neo4j_s": round(cpu_of(after) - (neo_cpu if after == neo else 0.0), 2),
        "peak_rss_python_gb": round(status_kb("self", "VmHWM") / 1024 / 1024, 2),
        "rss_python_end_gb": round(status_kb("self", "VmRSS") / 1024 / 1024, 2),
        "peak_rss_neo4j_gb": round(status_kb(after, "VmHWM") / 1024 / 1024, 2) if after else 0.0,
        "load_start": load_start, "load_end": load_average(), "figures": current.figures,
    }
    results.add(entry)
    say(f"  done: {entry['wall_s']:.1f} s wall, {entry['cpu_python_s']:.1f} s CPU, peak RSS "
        f"{entry['peak_rss_python_gb']:.2f} GB (Neo4j {entry['peak_rss_neo4j_gb']:.2f} GB); {current.figures}")


# -- the steps -----------------------------------------------------------------------------------
def generate(members: int, ties: int, fraction: float, s: Step) -> Document:
    doc, _facts = generate_cluster(members=members, seed=42)
    events = doc.events
    s.figures["events generated"] = f"{len(events):,} ({sum(len(e.attendees) for e in events):,} attendances)"
    if fraction < 1.0:
        every = round(1 / fraction)
        events = events[::every]
        doc = doc.model_copy(update={"events": events})
    s.figures["events kept"] = f"{len(events):,} ({sum(len(e.attendees) for e in events):,} attendances)"
    if len(doc.ties) < ties:
        doc = with_ties(doc, ties)
    s.figures["members"] = f"{len(doc.members):,}"
    s.figures["ties"] = f"{len(doc.ties):,}"
    s.figures["projects"] = f"{len(doc.projects):,} ({sum(len(p.team) for p in doc.projects):,} team places)"
    s.figures["organisations"] = f"{len(doc.organisations):,}"
    s.figures["introductions"] = f"{len(doc.introductions):,}"
    return doc


def service_round(p: Any, s: Step) -> None:
    """``compute_globals`` (the same calls, in its order), each part timed."""
    policy = analyses.betweenness_policy()
    s.figures["policy"] = f"epsilon {policy.epsilon}, delta {policy.delta}, exact up to {policy.exact_limit:,}"
    clock = time.perf_counter()

    def part(name: str) -> None:
        nonlocal clock
        s.figures[name + " s"] = round(time.perf_counter() - clock, 1)
        say(f"  {name}: {s.figures[name + ' s']} s (RSS {status_kb('self', 'VmRSS') / 1024 / 1024:.1f} GB)")
        clock = time.perf_counter()

    report = analyses._detect(p, analyses.WHOLE, "all", "leiden", 42, 1.0)
    s.figures["communities"] = (f"{sum(1 for c in report.communities if c.size > 1):,}, "
                                f"Q {report.modularity:.3f}")
    part("communities")
    T = ties_graph(p.members)
    s.figures["ties graph"] = f"{T.number_of_nodes():,} nodes, {T.number_of_edges():,} edges"
    part("ties graph")
    centrality = policy.compute(T)
    part("betweenness")
    answer = analyses._bridges(p, analyses.WHOLE, 42, centrality, T)
    s.figures["bridges"] = (f"{len(answer.items)} brokers, {len(answer.bridge_ties)} bridge ties, "
                            f"{len(answer.articulation_points)} articulation points")
    part("rest of bridges")
    analyses._subsectors(p, analyses.WHOLE)
    part("subsectors")
    subsector_matrix(p.members)
    part("matrix")


def milliseconds(values: list[float]) -> str:
    return (f"p50 {percentile(values, 50) * 1000:.1f} ms, p99 {percentile(values, 99) * 1000:.1f} ms, "
            f"max {max(values) * 1000:.1f} ms")


def per_request(cache: ProjectionCache, settings: Settings, recs: int, pairs: int, s: Step) -> None:
    G = cache.current().members
    rng = random.Random(7)
    ids = sorted(v for v, d in G.nodes(data=True) if d.get("node_type") != "organisation")
    clock = time.perf_counter()
    link_model(cache)
    s.figures["link model fit s"] = round(time.perf_counter() - clock, 1)
    say(f"  link model fitted in {s.figures['link model fit s']} s")
    times: list[float] = []
    cpu = time.process_time()
    for member in rng.sample(ids, recs):
        clock = time.perf_counter()
        recommendations_for(cache, member)
        times.append(time.perf_counter() - clock)
    s.figures["recommendations"] = (f"{recs} members: {milliseconds(times)}; CPU "
                                    f"{(time.process_time() - cpu) / recs * 1000:.1f} ms each")
    say(f"  recommendations: {s.figures['recommendations']}")
    times, complete, found = [], 0, 0
    cpu = time.process_time()
    for _ in range(pairs):
        a, b = rng.sample(ids, 2)
        clock = time.perf_counter()
        answer = paths_between(cache, a, b, k=3, max_hops=4, timeout_s=settings.path_timeout_s)
        times.append(time.perf_counter() - clock)
        complete += answer.complete
        found += bool(answer.items)
    s.figures["warm paths"] = (f"{pairs} pairs (k 3, 4 hops, deadline {settings.path_timeout_s:g} s): "
                               f"{milliseconds(times)}; CPU {(time.process_time() - cpu) / pairs * 1000:.1f} ms each; "
                               f"{found} with a path, {complete} searches complete")


def run(args: argparse.Namespace, results: Results, guard: Guard) -> None:
    limit = int((args.memory_limit_gb + 4) * GB)
    address_limit(limit)
    ties = args.ties if args.ties is not None else round(3.5 * args.members)
    with step("1. generate the cluster", results, guard, None) as s:
        doc = generate(args.members, ties, args.events_fraction, s)
    address_limit(None)  # Neo4j and its importer are children: they would inherit the limit
    with tempfile.TemporaryDirectory(prefix="gs-one-box-", dir=args.work) as tmp, \
            temporary_database(Path(tmp), heap=args.heap, pagecache=args.pagecache) as first:
        settings = first.settings
        first.close()
        guard.settings = settings
        db: Database | None = None
        try:
            with step("2. bulk load into a new Neo4j", results, guard, settings) as s:
                result = bulk_load.bulk_load(settings, doc, log=lambda m: say("  " + m))
                s.figures["nodes"] = f"{result.nodes:,}"
                s.figures["relationships"] = f"{result.relationships:,}"
                s.figures["phases"] = ", ".join(f"{k} {v:.1f} s" for k, v in result.phases.items())
                db = Database(settings)
                got = count_nodes(db)
                s.figures["counted"] = ", ".join(f"{k} {v:,}" for k, v in got.items())
                s.figures["store on disk GB"] = round(sum(f.stat().st_size for f in Path(tmp).rglob("*")
                                                          if f.is_file()) / GB, 2)
            del doc
            give_back_memory()
            say(f"  generated document dropped: RSS {status_kb('self', 'VmRSS') / 1024 / 1024:.2f} GB")
            address_limit(limit)
            assert db is not None
            run_on(db, settings, args, results, guard)
        finally:
            address_limit(None)
            if db is not None:
                db.close()


def run_on(db: Database, settings: Settings, args: argparse.Namespace, results: Results, guard: Guard) -> None:
    cache = ProjectionCache(db, check_interval=0.0)
    before = status_kb("self", "VmRSS") * 1024
    with step("3. first full read and projection", results, guard, settings) as s:
        p = cache.current()
        s.figures["members graph"] = f"{p.members.number_of_nodes():,} nodes, {p.members.number_of_edges():,} edges"
        contacts = sum(1 for _u, _v, d in p.members.edges(data=True) if not d.get("structural", True))
        s.figures["of which contacts only (co-attendance)"] = f"{contacts:,}"
        s.figures["full graph"] = f"{p.full.number_of_nodes():,} nodes, {p.full.number_of_edges():,} edges"
    held = status_kb("self", "VmRSS") * 1024 - before
    results.data["projection_gb_held"] = round(held / GB, 2)
    results.data["projection_bytes_per_member_edge"] = round(held / max(1, p.members.number_of_edges()))
    with step("4. one write laid in through the change records", results, guard, settings) as s:
        rng = random.Random(11)
        ids = [m.id for m in p.document.members]
        q = p
        for turn in ("first", "second"):  # the first refresh also builds the projection's index
            while True:
                a, b = rng.sample(ids, 2)
                if not q.members.has_edge(a, b):
                    break
            clock, cpu = time.perf_counter(), time.process_time()
            record_tie(db, a, b, kind="knows", weight=0.5, confirmed=True)
            s.figures[f"{turn} write ms"] = (f"{(time.perf_counter() - clock) * 1000:.1f} "
                                             f"(CPU {(time.process_time() - cpu) * 1000:.1f})")
            clock, cpu = time.perf_counter(), time.process_time()
            q = cache.current()
            s.figures[f"{turn} next current() ms"] = (f"{(time.perf_counter() - clock) * 1000:.1f} "
                                                      f"(CPU {(time.process_time() - cpu) * 1000:.1f})")
            assert q.members.has_edge(a, b), "the new tie is in the projection"
        s.figures["full reads"] = cache.full_reads
        p = q
    # A failure here (a bug, not memory) is recorded and the other step still measured.
    def answers(s: Step) -> None:
        per_request(cache, settings, args.recommendations, args.paths, s)

    def globals_round(s: Step) -> None:
        service_round(p, s)

    later: list[tuple[str, Callable[[Step], None]]] = [("5. global analyses (compute_globals)", globals_round),
                                                       ("6. per-request answers", answers)]
    for name, work in later:
        try:
            with step(name, results, guard, settings) as s:
                work(s)
        except MemoryError:
            raise
        except Exception as exc:
            say(f"  {name} failed: {exc!r}")
            results.data.setdefault("errors", []).append({"step": name, "error": repr(exc),
                                                          "traceback": traceback.format_exc()})
            results.write()


def resume(args: argparse.Namespace, results: Results, guard: Guard) -> None:
    """Steps 3 to 6 on the store a stopped run bulk-loaded under ``--reuse-home`` (its import
    done): start Neo4j on it, finish what the bulk load does after the import (the schema, the
    end of the load's mark), then measure as after a whole run."""
    home = args.reuse_home
    settings = bench_settings(home, heap=args.heap, pagecache=args.pagecache)
    guard.settings = settings
    server = ManagedServer(settings)
    db: Database | None = None
    try:
        with step("2b. start Neo4j on the loaded store, schema (the bulk load's last phases)", results, guard,
                  None) as s:
            clock = time.monotonic()
            server.start(log=lambda m: say("  " + m))
            s.figures["start s"] = round(time.monotonic() - clock, 1)
            clock = time.monotonic()
            db = Database(settings)
            Readiness().ensure(db)
            documents.end_bulk_load(db)
            s.figures["schema s"] = round(time.monotonic() - clock, 1)
            s.figures["counted"] = ", ".join(f"{k} {v:,}" for k, v in count_nodes(db).items())
            s.figures["store on disk GB"] = round(sum(f.stat().st_size for f in home.rglob("*") if f.is_file()) / GB, 2)
            neo = server.pid()
            s.figures["Neo4j RSS GB"] = round(status_kb(neo, "VmRSS") / 1024 / 1024, 2) if neo else 0.0
        address_limit(int((args.memory_limit_gb + 4) * GB))
        run_on(db, settings, args, results, guard)
    finally:
        address_limit(None)
        if db is not None:
            db.close()
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--ties", type=int, default=None, help="top the ties up to this many (default 3.5 per member)")
    parser.add_argument("--events-fraction", type=float, default=0.1)
    parser.add_argument("--heap", default="6g")
    parser.add_argument("--pagecache", default="4g")
    parser.add_argument("--memory-limit-gb", type=float, default=14.0)
    parser.add_argument("--recommendations", type=int, default=200)
    parser.add_argument("--paths", type=int, default=200)
    parser.add_argument("--work", type=Path, default=None, help="where the throw-away Neo4j lives (default: /tmp)")
    parser.add_argument("--out", type=Path, default=None, help="OUT.json and OUT.md (default /tmp/one_box-N)")
    parser.add_argument("--reuse-home", type=Path, default=None,
                        help="the home of a run stopped after its import: measure steps 3 to 6 on that store")
    args = parser.parse_args()
    out = args.out or Path(tempfile.gettempdir()) / f"one_box-{args.members}"
    command = "bench/one_box.py " + " ".join(sys.argv[1:])
    results = Results(out, command, args)
    guard = Guard(results, args.memory_limit_gb)
    say(f"writing {out}.json and {out}.md")
    try:
        if args.reuse_home is not None:
            resume(args, results, guard)
        else:
            run(args, results, guard)
    except MemoryError:
        say(f"STOPS HERE: MemoryError in {guard.step}")
        sys.exit(3)
    except Exception as exc:
        results.data.setdefault("errors", []).append({"step": guard.step, "error": repr(exc),
                                                      "traceback": traceback.format_exc()})
        results.write()
        raise
    results.data["load_average_after"] = load_average()
    results.data["python_peak_rss_gb"] = round(guard.peak_kb / 1024 / 1024, 2)
    results.write()
    say("done")
    print(markdown(results.data))


if __name__ == "__main__":
    main()
