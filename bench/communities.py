"""Time the communities: Leiden (igraph) against Louvain (networkx), on ties and on all the evidence.

    .venv/bin/python bench/communities.py [--members 300 100000] [--until-stable]

For each size: generate the seed cluster (``generate_cluster(members, 42)``), project it with
``build_collaboration_graph`` (the service's projection: contacts from events of at most 50
people), then time ``detect_communities`` once per method and evidence (seed 42, resolution 1),
the whole call: building the igraph graph, the partition, its modularity and the NMI. Wall time
and the process's CPU time are both given (the CPU time is what to compare on a shared machine).
Also counted: the communities of more than one member, and those that are not connected in the
graph partitioned. ``--until-stable`` adds igraph's Leiden iterated until no iteration improves
(``n_iterations=-1``) for comparison with the tolerance the service stops at. Prints a markdown
table for docs/analytics.md.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from pathlib import Path

import igraph as ig
import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]
from graph_service.analytics import build_collaboration_graph  # noqa: E402
from graph_service.analytics.communities import community_graph, detect_communities  # noqa: E402
from seed.generator import generate_cluster  # noqa: E402


def _disconnected(H: nx.Graph, parts: list[list[str]]) -> int:
    return sum(1 for p in parts if len(p) > 1 and not nx.is_connected(H.subgraph(p)))


def _until_stable(H: nx.Graph) -> tuple[float, float, float, int, int]:
    """igraph's Leiden with ``n_iterations=-1`` (seeded like the service)."""
    wall, cpu = time.perf_counter(), time.process_time()
    nodes = sorted(H.nodes)
    index = {v: i for i, v in enumerate(nodes)}
    edges = sorted((min(index[u], index[v]), max(index[u], index[v]), d["weight"]) for u, v, d in H.edges(data=True))
    g = ig.Graph(n=len(nodes), edges=[(i, j) for i, j, _ in edges])
    weights = [w for _, _, w in edges]
    ig.set_random_number_generator(random.Random(42))
    try:
        found = g.community_leiden(objective_function="modularity", weights=weights, n_iterations=-1)
    finally:
        ig.set_random_number_generator(random)
    q = g.modularity(found.membership, weights=weights)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    parts = [[nodes[i] for i in c] for c in found]
    return wall, cpu, q, sum(1 for p in parts if len(p) > 1), _disconnected(H, parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, nargs="+", default=[300, 100_000])
    parser.add_argument("--until-stable", action="store_true", help="also time Leiden iterated until stable")
    args = parser.parse_args()
    rows = []
    for members in args.members:
        began = time.perf_counter()
        doc, _facts = generate_cluster(members, 42)
        G = build_collaboration_graph(doc)
        print(f"{members} members: generated and projected in {time.perf_counter() - began:.0f} s", file=sys.stderr)
        for evidence in ("ties", "all"):
            H = community_graph(G, evidence)
            for method in ("louvain", "leiden"):
                wall, cpu = time.perf_counter(), time.process_time()
                report = detect_communities(G, evidence=evidence, method=method)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                parts = [list(c.members) for c in report.communities]
                row = (members, H.number_of_edges(), evidence, method, wall, cpu, report.modularity,
                       sum(1 for p in parts if len(p) > 1), _disconnected(H, parts), report.nmi)
                print(row, file=sys.stderr, flush=True)
                rows.append(row)
            if args.until_stable:
                w, c, q, big, bad = _until_stable(H)
                row = (members, H.number_of_edges(), evidence, "leiden until stable", w, c, q, big, bad, None)
                print(row, file=sys.stderr, flush=True)
                rows.append(row)
    print(f"\n{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"networkx {nx.__version__}, igraph {ig.__version__}\n")
    print("| members | edges partitioned | evidence | method | wall s | CPU s | modularity | communities (>1) "
          "| not connected | NMI |")
    print("|---:|---:|---|---|---:|---:|---:|---:|---:|---:|")
    for members, edges, evidence, method, wall, cpu, q, big, bad, nmi in rows:
        print(f"| {members:,} | {edges:,} | {evidence} | {method} | {wall:.3f} | {cpu:.3f} | "
              f"{'n/a' if q is None else f'{q:.3f}'} | {big:,} | {bad} | {'-' if nmi is None else f'{nmi:.3f}'} |")


if __name__ == "__main__":
    main()
