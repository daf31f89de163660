"""Three comparisons measured in one run, on one throw-away Neo4j per size, printed as one markdown
report: the service's recommendations against plain-Cypher baselines, networkx against the compiled
analytics, and a full rebuild of the projection against laying in one change record.

    .venv/bin/python bench/side_by_side.py [--members 300 20000] [--runs 3] [--slow-runs 1]
        [--requests 300] [--sources 100] [--writes 9] [--markdown FILE]

(``--members 300 20000 100000`` adds the largest cluster.) For each size a throw-away managed Neo4j
(``bench/common.temporary_database``) is loaded with the seed cluster (``seed/cluster.json`` at 300
members, else ``generate_cluster(members, 42)``) through the import, then, in this order:

**3. Projection** (``bench/projection.py``): the full rebuild a process makes at start
(``store.changes.read_document`` + ``services.views.project``: ``projection.fast_read``), median of
``--runs``; then one write at a time (a member renamed, a tie recorded, an attendee added, in turn)
and the next ``ProjectionCache.current()``, which lays that change record in
(``projection.after_writes``, ``--writes`` writes: the first, which also builds the projection's
index, and the median of the others).

**2. Global analytics** on the members' graph of that projection (``bench/analytics_compiled.py``'s
timing): communities with networkx Louvain and with the service's igraph Leiden
(``detect_communities``, the whole call, its modularity), and betweenness of the ties graph with
networkx from ``--sources`` sampled sources (no error bound) and with the service's policy
(``services.analyses.betweenness_policy()``: igraph exact up to its limit of members, above it
networkit's KADABRA with the bound it states); where the policy is exact, the sampled estimate's
measured error against it. Medians of ``--runs`` (networkx above 5,000 members: ``--slow-runs``).

**1. Recommendations.** 10% of the ties are hidden as ``bench/recommender_quality.py`` hides them
(its seed and share: ``random.Random(7).sample``), drawn from the ties that rest on tie records only
(no shared project, no introduction that led to collaboration: what deleting the ``KNOWS`` and
``COLLABORATED`` relationships removes), and deleted from the database
(``cypher/bench/delete_ties_between.cypher``). Then, for ``--requests`` members who lost a tie
(a fixed-seed sample), each of these gives its top 10, timed per call:

* the service through HTTP: ``GET /api/v1/members/{id}/recommendations`` (manager key) on its own
  uvicorn process (``bench/load.api_process``, as ``bench/request_path.py`` starts it); CPU is the
  API process's (``/proc``);
* the service in process: ``services.recommendations.recommendations_for(cache, id, db=db)`` on a
  ``ProjectionCache``, as the route calls it; CPU is this process's;
* plain Cypher through the driver: friends of friends ranked by common neighbours
  (``cypher/bench/common_neighbours.cypher``) and by Adamic-Adar computed in Cypher
  (``cypher/bench/adamic_adar.cypher``); CPU is the Neo4j process's (``/proc``, all its threads).

The first call of each service path (it reads the graph and fits the link model) is reported on its
own. hits@10: the share of the hidden ties (u, v), both directions, with u in the sample, for which v
is among u's 10 answers. The HTTP answers are compared with the in-process ones.

Wall figures are medians; CPU seconds are the stable figure on a shared machine. The load average
(1, 5, 15 min, as ``uptime`` shows it) is printed before and after each comparison.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2 as httpx
import igraph as ig
import networkit as nk
import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]
from analytics_compiled import _error  # noqa: E402  # after sys.path is set
from analytics_compiled import timed as median_timed  # noqa: E402
from common import percentile, temporary_database  # noqa: E402
from load import api_process, seed_document  # noqa: E402
from projection import after_writes, fast_read  # noqa: E402
from recommender_quality import FIRST_SPLIT_SEED, HIDE_SHARE, TOP, tie_pairs  # noqa: E402

from graph_service.analytics import detect_communities, tie_betweenness, ties_graph  # noqa: E402
from graph_service.neo4j_server.managed import ManagedServer  # noqa: E402
from graph_service.services.analyses import betweenness_policy  # noqa: E402
from graph_service.services.recommendations import recommendations_for  # noqa: E402
from graph_service.services.views import Projection, ProjectionCache, project  # noqa: E402
from graph_service.store import documents  # noqa: E402
from graph_service.store.changes import read_document  # noqa: E402
from graph_service.store.database import Database, Tx  # noqa: E402

SAMPLE_SEED = 3  # which members who lost a tie are asked (the hidden ties themselves: FIRST_SPLIT_SEED)
BASELINES = {"common neighbours": "bench/common_neighbours", "Adamic-Adar": "bench/adamic_adar"}


def load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Report:
    """The rows of the three tables, filled size by size."""

    recommendations: list[str] = field(default_factory=list)
    analytics: list[str] = field(default_factory=list)
    projection: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def markdown(self, args: argparse.Namespace, began: str, load_before: str, load_after: str) -> str:
        out = [
            f"`.venv/bin/python bench/side_by_side.py --members {' '.join(map(str, args.members))} "
            f"--runs {args.runs} --slow-runs {args.slow_runs} --requests {args.requests} --sources {args.sources} "
            f"--writes {args.writes}`",
            "",
            f"Run {began}; {os.cpu_count()} cores; load average (1 / 5 / 15 min) {load_before} before, "
            f"{load_after} after. Python {platform.python_version()}, networkx {nx.__version__}, "
            f"igraph {ig.__version__}, networkit {nk.__version__}. Wall figures are medians; CPU seconds are "
            "the stable figure on a shared machine. The load column is the 1-minute load average before "
            "and after each row's measurement.",
            "",
            f"**1. Recommendations**: the top {TOP} for the same members, after the same hidden ties were "
            "deleted from the database; per request; hits@10 over the hidden ties of those members (both "
            "directions).",
            "",
            "| members | how | p50 ms | p99 ms | CPU ms / request | hits@10 | load | note |",
            "|---:|---|---:|---:|---:|---:|---|---|",
            *self.recommendations,
            "",
            "**2. Global analytics** on the members' graph of the same projection (ties and co-attendance "
            "contacts for communities; ties only for betweenness).",
            "",
            "| members | task | how | wall s | CPU s | result | load |",
            "|---:|---|---|---:|---:|---|---|",
            *self.analytics,
            "",
            "**3. Projection**: what a process does at start against what one write costs it afterwards.",
            "",
            "| members | how | wall | CPU | load |",
            "|---:|---|---:|---:|---|",
            *self.projection,
        ]
        if self.notes:
            out += ["", *(f"- {n}" for n in self.notes)]
        return "\n".join(out) + "\n"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- 3. projection --------------------------------------------------------------------------------
def projection_rows(n: int, db: Database, runs: int, writes: int, report: Report) -> Projection:
    fast_read(db)  # warm the server's page cache and query plans
    before = os.getloadavg()[0]
    wall, cpu, p = median_timed(lambda: fast_read(db), runs)
    mid = os.getloadavg()[0]
    edges = p.members.number_of_edges()
    report.projection.append(f"| {n:,} | full rebuild (`read_document` + `project`; {edges:,} edges), "
                             f"median of {runs} | {wall:.2f} s | {cpu:.2f} s | {before:.1f} → {mid:.1f} |")
    applied = after_writes(db, writes)
    after = os.getloadavg()[0]
    (fw, fc), (lw, lc) = applied["first"], applied["later"]
    report.projection.append(f"| {n:,} | one write laid in (`ProjectionCache.current()`), the first "
                             f"(also builds the document's index) | {fw * 1000:.0f} ms | {fc * 1000:.0f} ms | "
                             f"{mid:.1f} → {after:.1f} |")
    report.projection.append(f"| {n:,} | one write laid in, median of the next {writes - 1} | "
                             f"{lw * 1000:.1f} ms | {lc * 1000:.1f} ms | {mid:.1f} → {after:.1f} |")
    report.projection.append(f"| {n:,} | **full rebuild ÷ one write laid in (median)** | "
                             f"{wall / lw:,.0f}× | {cpu / max(lc, 1e-9):,.0f}× | |")
    say(f"  projection: full {wall:.2f} s (cpu {cpu:.2f}); one write {lw * 1000:.1f} ms (cpu {lc * 1000:.1f})")
    return p


# -- 2. global analytics --------------------------------------------------------------------------
def analytics_rows(n: int, G: nx.Graph, runs: int, slow_runs: int, sources: int, report: Report) -> None:
    nx_runs = slow_runs if n > 5_000 else runs
    edges, T = G.number_of_edges(), ties_graph(G)

    def add(task: str, how: str, work: Callable[[], Any], times: int, result: Callable[[Any], str]) -> Any:
        before = os.getloadavg()[0]
        wall, cpu, out = median_timed(work, times)
        text = result(out)
        report.analytics.append(f"| {n:,} | {task} | {how} | {wall:.2f} | {cpu:.2f} | {text} | "
                                f"{before:.1f} → {os.getloadavg()[0]:.1f} |")
        say(f"  {task}, {how}: {wall:.2f} s (cpu {cpu:.2f}); {text}")
        return out

    def partition(r: Any) -> str:
        return f"modularity {r.modularity:.3f}, {sum(1 for c in r.communities if c.size > 1):,} communities of 2+"

    task = f"communities ({edges:,} edges)"
    add(task, f"networkx Louvain (`method=louvain`), {nx_runs} run(s)",
        lambda: detect_communities(G, method="louvain"), nx_runs, partition)
    add(task, f"igraph Leiden (the service's call), {runs} run(s)",
        lambda: detect_communities(G, method="leiden"), runs, partition)

    task = f"betweenness ({T.number_of_edges():,} ties)"
    policy = betweenness_policy()
    exact = T.number_of_nodes() <= policy.exact_limit
    how = ("igraph exact (the service's policy up to "
           f"{policy.exact_limit:,} members)" if exact else
           f"networkit KADABRA, epsilon {policy.epsilon}, delta {policy.delta} (the service's policy)")
    served = add(task, f"{how}, {runs} run(s)", lambda: policy.compute(T), runs,
                 lambda b: ("exact" if b.epsilon in (None, 0, 0.0) else
                            f"bound ±{b.epsilon:.3g} with probability {1 - policy.delta:.2g}")
                 + f"; top value {max(b.values.values()):.4f}")
    add(task, f"networkx, {sources} sampled sources, {nx_runs} run(s)",
        lambda: tie_betweenness(T, sample=sources, seed=42), nx_runs,
        lambda b: "no error bound" + (f"; measured error against exact: {_error(b.values, served.values)}"
                                      if exact else f"; top value {max(b.values.values()):.4f}"))


# -- 1. recommendations ---------------------------------------------------------------------------
def hidden_ties(db: Database) -> tuple[list[tuple[str, str]], int, int]:
    """The hidden ties (recommender_quality's seed and share of all ties), drawn from the ties that
    rest on tie records only; and the number of ties and of such ties."""
    positions, doc = read_document(db)
    G = project(sum(positions), doc, positions).members
    teammates: set[tuple[str, str]] = set()
    for pr in doc.projects:
        team = sorted(set(pr.team))
        teammates |= {(a, b) for i, a in enumerate(team) for b in team[i + 1:]}
    ties = tie_pairs(G)
    pool = [(a, b) for a, b in ties if not G[a][b]["introduced"] and (a, b) not in teammates]
    hidden = sorted(random.Random(FIRST_SPLIT_SEED).sample(pool, max(1, round(HIDE_SHARE * len(ties)))))
    return hidden, len(ties), len(pool)


def delete_ties(db: Database, pairs: list[tuple[str, str]]) -> int:
    def work(tx: Tx) -> int:
        row = tx.one("bench/delete_ties_between", pairs=[list(p) for p in pairs]) or {}
        return int(row.get("deleted", 0))

    return db.write(work)


@contextmanager
def cpu_of(pid: int | None) -> Iterator[list[float]]:
    """CPU seconds spent by ``pid`` (this process when None) inside the block, in ``out[0]``."""
    out: list[float] = [0.0]
    start = time.process_time() if pid is None else process_cpu(pid)
    yield out
    out[0] = (time.process_time() if pid is None else process_cpu(pid)) - start


def timed_calls(members: list[str], call: Callable[[str], list[str]], pid: int | None,
                ) -> tuple[list[float], float, dict[str, list[str]]]:
    """Per-call wall ms, CPU seconds of ``pid`` over all the calls, and each member's answer."""
    ms, answers = [], {}
    with cpu_of(pid) as cpu:
        for m in members:
            began = time.perf_counter()
            answers[m] = call(m)
            ms.append((time.perf_counter() - began) * 1000)
    return ms, cpu[0], answers


def recommendation_rows(n: int, db: Database, requests: int, home: Path, report: Report) -> None:
    hidden, n_ties, n_pool = hidden_ties(db)
    deleted = delete_ties(db, hidden)
    directed = hidden + [(b, a) for a, b in hidden]
    losers = sorted({u for u, _ in directed})
    asked = sorted(random.Random(SAMPLE_SEED).sample(losers, min(requests, len(losers))))
    chosen = set(asked)
    pairs = [(u, v) for u, v in directed if u in chosen]
    report.notes.append(
        f"{n:,} members: {n_ties:,} ties, {n_pool:,} of them on tie records only; {len(hidden):,} hidden "
        f"({HIDE_SHARE:.0%} of all ties, seed {FIRST_SPLIT_SEED}; {deleted:,} relationships deleted); "
        f"{len(asked):,} of the {len(losers):,} members who lost a tie asked (seed {SAMPLE_SEED}), "
        f"{len(pairs):,} hidden ties (both directions) to find.")
    say(f"  {len(hidden)} ties hidden ({deleted} relationships deleted); {len(asked)} members asked")

    def hits(answers: dict[str, list[str]]) -> float:
        return sum(v in answers[u] for u, v in pairs) / len(pairs)

    def row(how: str, ms: list[float], cpu: float, answers: dict[str, list[str]], before: float,
            note: str = "") -> None:
        report.recommendations.append(
            f"| {n:,} | {how} | {statistics.median(ms):.2f} | {percentile(ms, 99):.2f} | "
            f"{cpu * 1000 / len(ms):.2f} | {hits(answers):.3f} | {before:.1f} → {os.getloadavg()[0]:.1f} | {note} |")
        say(f"  {how}: p50 {statistics.median(ms):.2f} ms, p99 {percentile(ms, 99):.2f} ms, "
            f"hits@10 {hits(answers):.3f}")

    # the service through HTTP, on its own process
    manager = "bench-side-by-side-" + os.urandom(12).hex()
    api_home = home / "api"
    api_home.mkdir()
    with api_process(db, api_home, manager) as (base, pid), \
            httpx.Client(base_url=base, timeout=900, headers={"Authorization": f"Bearer {manager}"}) as client:
        def over_http(m: str) -> list[str]:
            r = client.get(f"/api/v1/members/{m}/recommendations", params={"limit": TOP})
            r.raise_for_status()
            return [item["id"] for item in r.json()["items"]]

        first_ms, first_cpu, _ = timed_calls(asked[:1], over_http, pid)
        timed_calls(asked[1:21], over_http, pid)  # warm-up: connection, caches
        before = os.getloadavg()[0]
        ms, cpu, via_http = timed_calls(asked, over_http, pid)
        row("the service, HTTP (`GET /api/v1/members/{id}/recommendations`, uvicorn process)", ms, cpu,
            via_http, before, f"first request {first_ms[0] / 1000:.1f} s (server CPU {first_cpu:.1f} s): "
                              "reads the graph, fits the link model")

    # the service in process, as the route calls it
    cache = ProjectionCache(db)

    def in_process(m: str) -> list[str]:
        return [r.id for r in recommendations_for(cache, m, db=db, limit=TOP).items]

    first_ms, first_cpu, _ = timed_calls(asked[:1], in_process, None)
    timed_calls(asked[1:21], in_process, None)
    before = os.getloadavg()[0]
    ms, cpu, local = timed_calls(asked, in_process, None)
    same = sum(via_http[m] == local[m] for m in asked)
    row("the service, in process (`recommendations_for`)", ms, cpu, local, before,
        f"first call {first_ms[0] / 1000:.1f} s (CPU {first_cpu:.1f} s); the same answers as HTTP for "
        f"{same}/{len(asked)}")

    # plain Cypher through the driver
    neo4j_pid = ManagedServer(db.settings).pid()
    for name, query in BASELINES.items():
        def cypher(m: str, query: str = query) -> list[str]:
            return [r["id"] for r in db.rows(query, {"id": m, "limit": TOP})]

        timed_calls(asked[:20], cypher, neo4j_pid)  # warm-up: the query plan
        before = os.getloadavg()[0]
        ms, cpu, answers = timed_calls(asked, cypher, neo4j_pid)
        short = sum(len(a) < TOP for a in answers.values())
        row(f"plain Cypher, friends of friends by {name} (driver)", ms, cpu, answers, before,
            f"`cypher/{query}.cypher`; CPU is Neo4j's; fewer than {TOP} answers for {short}/{len(asked)}")


# -- the run --------------------------------------------------------------------------------------
def run_size(n: int, args: argparse.Namespace, report: Report) -> None:
    big = n > 300
    with tempfile.TemporaryDirectory(prefix="bench-side-by-side-") as tmp, \
            temporary_database(Path(tmp) / "db", heap="3g" if big else "1g", pagecache="2g" if big else "512m") as db:
        say(f"== {n:,} members (load average {load()})")
        doc = seed_document(n)
        began = time.perf_counter()
        documents.import_document(db, doc, replace=True, batch_size=db.settings.import_batch_size)
        report.notes.append(f"{n:,} members: loaded through the import in {time.perf_counter() - began:.0f} s.")
        del doc
        p = projection_rows(n, db, args.runs, args.writes, report)
        analytics_rows(n, p.members, args.runs, args.slow_runs, args.sources, report)
        del p
        recommendation_rows(n, db, args.requests, Path(tmp), report)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, nargs="+", default=[300, 20_000])
    parser.add_argument("--runs", type=int, default=3, help="runs of each timed computation (medians)")
    parser.add_argument("--slow-runs", type=int, default=1, help="runs of the networkx ones above 5,000 members")
    parser.add_argument("--requests", type=int, default=300, help="members asked for recommendations, per method")
    parser.add_argument("--sources", type=int, default=100, help="sampled sources of networkx's betweenness")
    parser.add_argument("--writes", type=int, default=9, help="writes laid in one at a time (at least 2)")
    parser.add_argument("--markdown", type=Path, default=None, help="also write the report to this file")
    args = parser.parse_args()
    if args.writes < 2:
        parser.error("--writes must be at least 2")
    began = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_before = load()
    report = Report()
    for n in args.members:
        run_size(n, args, report)
    text = report.markdown(args, began, load_before, load())
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
