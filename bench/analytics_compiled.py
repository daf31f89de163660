"""Global analytics side by side: networkx, igraph and networkit, on the seed cluster.

    .venv/bin/python bench/analytics_compiled.py [--members 20000 100000] [--runs 3]
        [--slow-runs 1] [--epsilon 0.005 0.002 0.001] [--exact-up-to 20000] [--threads-check]

For each size: generate the seed cluster (``generate_cluster(members, 42)``) and project it as
the service does (:func:`graph_service.services.views.project`, in memory: no database), then
time, as medians of ``--runs`` runs (wall and CPU seconds of this process; CPU is the figure to
compare on a shared machine, where the wall time also counts the waiting):

* communities: networkx Louvain and igraph Leiden through the service's
  :func:`~graph_service.analytics.detect_communities` (the whole call: building the graph, the
  partition, its modularity, the NMI); building the igraph graph alone; igraph's Leiden with a
  fixed ``n_iterations`` (``--leiden-iterations``) and networkit's PLM (Louvain) and
  ParallelLeiden (``--parallel-leiden-iterations``) alone on the same weighted graph (the
  kernel, with its modularity);
* betweenness of the ties graph: exact with igraph, networkit (one thread) and networkx (up to
  ``--exact-up-to`` members; networkit and networkx only up to 5,000: networkx takes hours
  beyond, networkit on one thread about twice igraph's time), the old policy
  (networkx, 100 sampled sources, no error bound), and KADABRA at each ``--epsilon`` (delta 0.1,
  seed 42, one thread) with, where the exact values were computed, the measured error: the
  largest and the mean absolute difference, and how many of the exact top 20 brokers it has in
  its top 20;
* the service's global analyses, as the background worker computes them with the settings'
  policy
  (:func:`graph_service.services.analyses.compute_globals`, one run, each part timed):
  communities, betweenness, bridges (brokers, bridge ties, articulation points, cluster links),
  subsectors, matrix.

``--threads-check`` runs KADABRA twice with two threads in its deterministic mode at the
smallest epsilon, to see whether the two estimates are the same. Prints markdown tables for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import igraph as ig
import networkit as nk
import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]
from graph_service.analytics import detect_communities, tie_betweenness, ties_graph  # noqa: E402
from graph_service.analytics.brokerage import _indexed, _networkit_graph  # noqa: E402
from graph_service.analytics.communities import _Indexed  # noqa: E402
from graph_service.services import analyses  # noqa: E402
from graph_service.services.views import project  # noqa: E402
from seed.generator import generate_cluster  # noqa: E402

ROWS: list[tuple[Any, ...]] = []


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """Median wall and CPU seconds of ``runs`` calls, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), result


def row(members: int, task: str, how: str, wall: float, cpu: float, result: str) -> None:
    ROWS.append((members, task, how, wall, cpu, result))
    print(f"{members:>7,} | {task} | {how} | {wall:.2f} | {cpu:.2f} | {result}", file=sys.stderr, flush=True)


def networkit_weighted(G: nx.Graph) -> tuple[nk.Graph, list[str]]:
    nodes = sorted(G.nodes)
    index = {v: i for i, v in enumerate(nodes)}
    g = nk.Graph(len(nodes), weighted=True)
    for u, v, d in G.edges(data=True):
        g.addEdge(index[u], index[v], float(d.get("weight", 1.0)))
    return g, nodes


def communities(members: int, G: nx.Graph, runs: int, leiden_iterations: list[int],
                parallel_leiden_iterations: list[int], louvain: bool) -> None:
    edges = G.number_of_edges()
    for method in ("louvain", "leiden") if louvain else ("leiden",):
        n_runs = 1 if members > 20_000 else runs
        wall, cpu, report = timed(lambda m=method: detect_communities(G, method=m), n_runs)
        lib = "networkx" if method == "louvain" else "igraph"
        row(members, f"communities ({edges:,} edges)", f"{lib} {method} (service call)", wall, cpu,
            f"Q {report.modularity:.3f}, {sum(1 for c in report.communities if c.size > 1):,} communities")
    indexed = _Indexed(G)
    wall, cpu, _ = timed(lambda: _Indexed(G), runs)
    row(members, f"communities ({edges:,} edges)", "building the igraph graph from the networkx graph", wall, cpu, "")
    for iterations in leiden_iterations:
        def fixed(k: int = iterations) -> Any:
            ig.set_random_number_generator(random.Random(42))
            try:
                return indexed.graph.community_leiden(objective_function="modularity", weights=indexed.weights,
                                                      n_iterations=k)
            finally:
                ig.set_random_number_generator(random)

        wall, cpu, found = timed(fixed, runs)
        q = indexed.graph.modularity(found.membership, weights=indexed.weights, directed=False)
        row(members, f"communities ({edges:,} edges)", f"igraph Leiden, n_iterations={iterations} (kernel)", wall,
            cpu, f"Q {q:.3f}, {sum(1 for c in found if len(c) > 1):,} communities")
    g, _nodes = networkit_weighted(G)
    nk.setNumberOfThreads(1)
    kernels: list[tuple[str, Callable[[], Any]]] = [("PLM", lambda: nk.community.PLM(g, refine=True))]
    kernels += [(f"ParallelLeiden, {k} iterations", lambda k=k: nk.community.ParallelLeiden(g, iterations=k))
                for k in parallel_leiden_iterations]
    for name, make in kernels:
        def run(make: Callable[[], Any] = make) -> Any:
            nk.setSeed(42, False)
            algo = make()
            algo.run()
            return algo.getPartition()

        wall, cpu, partition = timed(run, runs)
        q = nk.community.Modularity().getQuality(partition, g)
        row(members, f"communities ({edges:,} edges)", f"networkit {name} (kernel, 1 thread)", wall, cpu,
            f"Q {q:.3f}, {sum(1 for s in partition.subsetSizes() if s > 1):,} communities")


def betweenness(members: int, T: nx.Graph, runs: int, epsilons: list[float], exact_up_to: int,
                threads_check: bool, slow_runs: int) -> None:
    n, m = T.number_of_nodes(), T.number_of_edges()
    task = f"betweenness ({m:,} ties)"
    exact = None
    if members <= exact_up_to:
        slow = 1 if members > 5_000 else runs
        wall, cpu, exact = timed(lambda: tie_betweenness(T, kernel="igraph"), slow)
        row(members, task, "exact, igraph", wall, cpu, f"top {max(exact.values.values()):.4f}")
        if members <= 5_000:
            wall, cpu, other = timed(lambda: tie_betweenness(T, kernel="networkit"), slow)
            worst = max(abs(other.values[v] - exact.values[v]) for v in T)
            row(members, task, "exact, networkit (1 thread)", wall, cpu, f"differs from igraph by {worst:.1e}")
            wall, cpu, other = timed(lambda: tie_betweenness(T, kernel="networkx"), 1)
            worst = max(abs(other.values[v] - exact.values[v]) for v in T)
            row(members, task, "exact, networkx", wall, cpu, f"differs from igraph by {worst:.1e}")
    wall, cpu, sampled = timed(lambda: tie_betweenness(T, sample=100, seed=42), 1)
    row(members, task, "networkx, 100 sampled sources (the old policy)", wall, cpu,
        "no bound" + (f"; measured error {_error(sampled.values, exact.values)}" if exact else ""))
    for eps in epsilons:
        wall, cpu, est = timed(lambda e=eps: tie_betweenness(T, epsilon=e, delta=0.1, seed=42),
                               runs if members <= 20_000 else slow_runs)
        note = f"bound ±{est.epsilon:.3g} (p 0.9); top {max(est.values.values()):.4f}"
        if exact is not None:
            note += f"; measured error {_error(est.values, exact.values)}"
        row(members, task, f"KADABRA epsilon {eps} (networkit, 1 thread)", wall, cpu, note)
    if threads_check:
        eps = min(epsilons)
        _i, us, vs = _indexed(T)
        g = _networkit_graph(n, us, vs)
        nk.setNumberOfThreads(2)
        scores = []
        for _ in range(2):
            nk.setSeed(42, False)
            k = nk.centrality.KadabraBetweenness(g, eps, 0.1, True)
            k.run()
            scores.append((k.getNumberOfIterations(), k.scores()))
        nk.setNumberOfThreads(1)
        same = scores[0][1] == scores[1][1]
        row(members, task, f"KADABRA epsilon {eps}, 2 threads, twice", 0.0, 0.0,
            f"samples {scores[0][0]:,} and {scores[1][0]:,}: {'the same' if same else 'different'} estimates")


def _error(values: Any, exact: Any) -> str:
    diffs = [abs(values[v] - exact[v]) for v in exact]
    top = set(sorted(exact, key=lambda v: (-exact[v], v))[:20])
    found = set(sorted(values, key=lambda v: (-values[v], v))[:20])
    return (f"max {max(diffs):.2e}, mean {statistics.fmean(diffs):.1e}, top 20 {len(top & found)}/20, "
            f"sum {sum(values.values()):.3f} (exact {sum(exact.values()):.3f})")


def service(members: int, p: Any, epsilon: float) -> None:
    policy = analyses.BetweennessPolicy(exact_limit=5_000, epsilon=epsilon, delta=0.1)
    parts: dict[str, float] = {}
    wall, cpu = time.perf_counter(), time.process_time()
    clock = time.perf_counter()
    detect_communities(p.members)
    parts["communities"] = time.perf_counter() - clock
    clock = time.perf_counter()
    T = ties_graph(p.members)
    parts["ties graph"] = time.perf_counter() - clock
    clock = time.perf_counter()
    centrality = policy.compute(T)
    parts["betweenness"] = time.perf_counter() - clock
    clock = time.perf_counter()
    analyses._bridges(p, analyses.WHOLE, 42, centrality, T)
    parts["rest of bridges"] = time.perf_counter() - clock
    clock = time.perf_counter()
    analyses._subsectors(p, analyses.WHOLE)
    parts["subsectors"] = time.perf_counter() - clock
    clock = time.perf_counter()
    analyses.subsector_matrix(p.members)
    parts["matrix"] = time.perf_counter() - clock
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    row(members, "the background worker's round (compute_globals)", f"betweenness epsilon {epsilon}", wall, cpu,
        ", ".join(f"{k} {v:.1f} s" for k, v in parts.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slow-runs", type=int, default=1,
                        help="runs of the slow ones: exact above 5,000, KADABRA above 20,000 members")
    parser.add_argument("--epsilon", type=float, nargs="+", default=[0.005, 0.002, 0.001])
    parser.add_argument("--exact-up-to", type=int, default=20_000)
    parser.add_argument("--threads-check", action="store_true")
    parser.add_argument("--service-epsilon", type=float, nargs="+", default=None,
                        help="epsilon of the worker's round (default: the settings')")
    parser.add_argument("--skip", nargs="*", default=[], choices=["communities", "louvain", "betweenness", "service"])
    parser.add_argument("--leiden-iterations", type=int, nargs="*", default=[1, 2, 5],
                        help="igraph Leiden with these fixed n_iterations (the kernel alone)")
    parser.add_argument("--parallel-leiden-iterations", type=int, nargs="*", default=[3, 10, 30],
                        help="networkit ParallelLeiden with these iterations")
    args = parser.parse_args()
    for members in args.members:
        began = time.perf_counter()
        doc, _facts = generate_cluster(members, 42)
        p = project(1, doc)
        T = ties_graph(p.members)
        print(f"{members} members: generated and projected in {time.perf_counter() - began:.0f} s",
              file=sys.stderr, flush=True)
        if "communities" not in args.skip:
            communities(members, p.members, args.runs, args.leiden_iterations, args.parallel_leiden_iterations,
                        "louvain" not in args.skip)
        if "betweenness" not in args.skip:
            betweenness(members, T, args.runs, args.epsilon, args.exact_up_to, args.threads_check and members <= 20_000,
                        args.slow_runs)
        if "service" not in args.skip:
            for eps in args.service_epsilon or [analyses.betweenness_policy().epsilon]:
                service(members, p, eps)
    print(f"\n{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"networkx {nx.__version__}, igraph {ig.__version__}, networkit {nk.__version__}\n")
    print("| members | task | how | wall s | CPU s | result |")
    print("|---:|---|---|---:|---:|---|")
    for members, task, how, wall, cpu, result in ROWS:
        print(f"| {members:,} | {task} | {how} | {wall:.2f} | {cpu:.2f} | {result} |")


if __name__ == "__main__":
    main()
