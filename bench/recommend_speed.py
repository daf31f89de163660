"""Speed of :func:`graph_service.analytics.recommend` itself (no HTTP, no Neo4j): the bounded
top-k over a cached candidate index against the full scan (``recommend(..., exhaustive=True)``),
and a check that both give identical answers.

    .venv/bin/python bench/recommend_speed.py [--members 300 100000] [--calls 500] [--max-event-size N]
    .venv/bin/python bench/recommend_speed.py --check [--members 300 5000]

For each size the seed cluster (seed 42) is generated and projected with
``build_collaboration_graph``; ``--calls`` random members (fixed seed) get ``recommend(G, m)``
(limit 10, no filters) from the full scan (``exhaustive=True``) and from the bounded top-k, one
after the other, and every answer pair is compared; then again with the visibility filter the
HTTP API passes (audience "member"). The first call on a graph object, which builds the
candidate index, is timed on its own (and the memory the index keeps is measured). Only the
public API is used. Prints markdown for docs/benchmarks.md.

``--max-event-size`` is passed to the projection: events above it create no co-attendance
contact edges. The default is the service's (``graph.MAX_EVENT_SIZE``), but at 100,000 members
that can mean tens of millions of contact pairs, more memory than a 24 GB machine has;
recommendations do not depend on contact edges (only on ties and node attributes), so a smaller
value changes the timings a little (fewer edges to skip while collecting tie neighbours) and
never the answers.

``--check`` compares the full scan and the bounded top-k for every member of the first size
with many filter combinations (subsector, skill, cross_sector, visibility, exclude, penalties,
organisations, limit, weights) and for a sample of members of the other sizes, and exits 1 on
any difference.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import networkx as nx

from graph_service.analytics import (
    RecommenderWeights,
    build_collaboration_graph,
    member_nodes,
    recommend,
)
from graph_service.analytics.graph import MAX_EVENT_SIZE
from graph_service.analytics.recommendations import clear_recommendation_index
from graph_service.domain import SUBSECTOR_IDS
from graph_service.services.visibility import can_see
from seed.generator import generate_cluster


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def _summary(ms: list[float]) -> str:
    return f"p50 {statistics.median(ms):.2f} ms, p99 {_pct(ms, 99):.2f} ms, max {max(ms):.2f} ms"


def project(n: int, max_event_size: int, include_organisations: bool = False,
            ) -> tuple[nx.Graph, float, float]:
    began = time.perf_counter()
    doc, _ = generate_cluster(members=n, seed=42)
    generated = time.perf_counter()
    G = build_collaboration_graph(doc, include_organisations=include_organisations,
                                  max_event_size=max_event_size)
    return G, generated - began, time.perf_counter() - generated


def speed(n: int, calls: int, max_event_size: int) -> tuple[list[tuple[str, str]], int]:
    G, t_gen, t_proj = project(n, max_event_size)
    ties = sum(1 for _, _, d in G.edges(data=True) if d["structural"])
    label = f"{n:,} members"
    rows = [(f"{label}: graph", f"{G.number_of_nodes():,} nodes, {ties:,} ties, "
             f"{G.number_of_edges() - ties:,} contacts (events of at most {max_event_size} people); "
             f"generated in {t_gen:.1f} s, projected in {t_proj:.1f} s")]
    members = member_nodes(G)
    rng = random.Random(1)
    sample = [rng.choice(members) for _ in range(calls)]

    # the first call on a graph object builds the index and keeps it in G.__networkx_cache__:
    # what is still allocated after that call is the index (the answer itself is a few kB)
    tracemalloc.start()
    recommend(G, sample[0])
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    clear_recommendation_index(G)
    began = time.perf_counter()
    recommend(G, sample[0])
    rows.append((f"{label}: first call on a graph object (builds the index)",
                 f"{(time.perf_counter() - began) * 1000:.0f} ms, index {size / 2**20:.0f} MB"))

    differ = 0
    as_api = can_see(G, "member")  # what GET /members/{id}/recommendations passes
    variants = (("no options", {}), ("as the API calls it (audience member)", {"viewer_can_see": as_api}))
    for name, kw in variants:
        old_ms, new_ms, old_out, new_out = [], [], [], []
        for m in sample:
            began = time.perf_counter()
            old_out.append(recommend(G, m, exhaustive=True, **kw))
            old_ms.append((time.perf_counter() - began) * 1000)
        for m in sample:
            began = time.perf_counter()
            new_out.append(recommend(G, m, **kw))
            new_ms.append((time.perf_counter() - began) * 1000)
        d = sum(1 for a, b in zip(old_out, new_out, strict=True) if a != b)
        differ += d
        rows.append((f"{label}, {name}: full scan (exhaustive=True), {calls} calls", _summary(old_ms)))
        rows.append((f"{label}, {name}: bounded top-k over the index, {calls} calls", _summary(new_ms)))
        rows.append((f"{label}, {name}: answers identical (ids, scores, order, reasons)",
                     f"{calls - d}/{calls}"))
    return rows, differ


# --- the exhaustive comparison ---------------------------------------------------------------


def _variants(G: nx.Graph, m: str, rng: random.Random) -> list[dict]:
    """Keyword arguments to compare on: each option alone, then random combinations."""
    data = G.nodes[m]
    skills = sorted(G.graph["skill_counts"], key=lambda s: (-G.graph["skill_counts"][s], s))
    top = [r.id for r in recommend(G, m, limit=20, exhaustive=True)]
    some = sorted(rng.sample(sorted(G.nodes), min(25, len(G))))
    options: dict[str, list] = {
        "limit": [1, 2, 3, 10, 25, 1000],
        "subsector": [data["subsector"], rng.choice(SUBSECTOR_IDS)],
        "skill": [skills[0], rng.choice(skills), skills[-1]],
        "cross_sector": [True],
        "viewer_can_see": [can_see(G, "member"), can_see(G, "client")],
        "exclude": [frozenset(top[:3]), frozenset(some)],
        "penalties": [{v: 0.7 ** rng.randint(1, 4) for v in top[: rng.randint(1, 10)]},
                      {v: rng.choice((0.5, 0.7, 1.0)) for v in some},
                      {v: 0.99999 for v in top}],
        "include_organisations": [True],
        "weights": [RecommenderWeights(skills=0.0, subsector=0.0),
                    RecommenderWeights(events=0.0),
                    RecommenderWeights(content_scale=0.5),
                    RecommenderWeights(content_scale=0.0),
                    RecommenderWeights(skills=-0.3)],  # not monotone: the full scan either way
    }
    out: list[dict] = [{}]
    for key, values in options.items():
        out += [{key: v} for v in values]
    for _ in range(12):
        kw = {}
        for key, values in options.items():
            if rng.random() < 0.4:
                kw[key] = rng.choice(values)
        out.append(kw)
    return out


def check(sizes: list[int], max_event_size: int, sample: int) -> int:
    failures = 0
    for i, n in enumerate(sizes):
        for orgs in (False, True):
            G, _, _ = project(n, max_event_size, include_organisations=orgs)
            members = member_nodes(G)
            rng = random.Random(7)
            chosen = members if i == 0 else rng.sample(members, min(sample, len(members)))
            compared = 0
            for m in chosen:
                for kw in _variants(G, m, rng):
                    if not orgs:
                        kw.pop("include_organisations", None)
                    try:
                        expected = recommend(G, m, exhaustive=True, **kw)
                    except ValueError as e:
                        expected = repr(e)
                    try:
                        got = recommend(G, m, **kw)
                    except ValueError as e:
                        got = repr(e)
                    compared += 1
                    if got != expected:
                        failures += 1
                        print(f"DIFFERENT n={n} orgs={orgs} member={m} {kw}", file=sys.stderr)
            print(f"{n:,} members{' + organisations' if orgs else ''}: {len(chosen)} members, "
                  f"{compared} calls compared, {failures} different so far", flush=True)
            del G
            gc.collect()
    return failures


def learned(members: int, calls: int, kind: str = "logistic") -> list[tuple[str, str]]:
    """The learned link predictor at ``members``: the fit (``fit_link_model``, seed 0, 5 times,
    median) and ``calls`` recommendations with the model (p50/p99)."""
    from graph_service.analytics.recommendations import fit_link_model

    doc, _ = generate_cluster(members=members, seed=42)
    G = build_collaboration_graph(doc)
    fits = []
    model = None
    for _ in range(5):
        t = time.perf_counter()
        model = fit_link_model(G, seed=0, kind=kind)  # type: ignore[arg-type]
        fits.append(time.perf_counter() - t)
    assert model is not None
    ids = sorted(v for v, d in G.nodes(data=True) if d.get("node_type", "member") == "member")
    rng = random.Random(5)
    recommend(G, ids[0], model=model)  # builds the feature table once
    times = []
    for _ in range(calls):
        u = rng.choice(ids)
        t = time.perf_counter()
        recommend(G, u, model=model)
        times.append(time.perf_counter() - t)
    times.sort()
    return [
        (f"{members} members, {kind}: fit (median of 5)", f"{statistics.median(fits) * 1000:.0f} ms"),
        (f"{members} members, {kind}: recommend p50", f"{times[len(times) // 2] * 1000:.2f} ms"),
        (f"{members} members, {kind}: recommend p99",
         f"{times[min(len(times) - 1, int(0.99 * len(times)))] * 1000:.2f} ms"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, nargs="+", default=None)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--max-event-size", type=int, default=MAX_EVENT_SIZE)
    parser.add_argument("--check", action="store_true",
                        help="compare the full scan and the bounded top-k on many calls")
    parser.add_argument("--sample", type=int, default=200, help="members compared per size after the first")
    parser.add_argument("--learned", action="store_true",
                        help="time the learned link predictor's fit and recommendations instead")
    args = parser.parse_args()
    if args.learned:
        out = []
        for n in args.members or [300]:
            out += learned(n, args.calls)
        print("| measure | value |\n|---|---|")
        for k, v in out:
            print(f"| {k} | {v} |")
        return
    if args.check:
        failures = check(args.members or [300, 5000], args.max_event_size, args.sample)
        print("identical" if not failures else f"{failures} different answers")
        raise SystemExit(1 if failures else 0)
    rows: list[tuple[str, str]] = []
    differ = 0
    for n in args.members or [300, 100_000]:
        r, d = speed(n, args.calls, args.max_event_size)
        rows += r
        differ += d
        gc.collect()
    print("| measure | value |\n|---|---|")
    for k, v in rows:
        print(f"| {k} | {v} |")
    raise SystemExit(1 if differ else 0)


if __name__ == "__main__":
    main()
