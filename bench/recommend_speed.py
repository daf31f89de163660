"""Speed of :func:`graph_service.analytics.recommend` itself (no HTTP, no Neo4j): the bounded
top-k over a cached candidate index against the full scan it replaced, and a check that both give
identical answers.

    .venv/bin/python bench/recommend_speed.py [--members 300 100000] [--calls 500] [--max-event-size N]
    .venv/bin/python bench/recommend_speed.py --check [--members 300 5000]

For each size the seed cluster (seed 42) is generated and projected with
``build_collaboration_graph``; ``--calls`` random members (fixed seed) get ``recommend(G, m)``
(limit 10, no filters) from the old full scan (a verbatim copy below) and from the current code,
one after the other, and every answer pair is compared; then again with the visibility filter
the HTTP API passes (audience "member"). The one-off index build (first call on
a graph object) is timed on its own. Prints markdown for docs/benchmarks.md.

``--max-event-size`` is passed to the projection: events above it create no co-attendance
contact edges. The default is the service's (250), but at 100,000 members that means ~40
million contact pairs, more memory than a 24 GB machine has; recommendations do not depend on
contact edges (only on ties and node attributes), so a smaller value changes the timings a
little (fewer edges to skip while collecting tie neighbours) and never the answers.

``--check`` compares old and new for every member of the first size with many filter
combinations (subsector, skill, cross_sector, visibility, exclude, penalties, organisations,
limit, weights) and for a sample of members of the other sizes, and exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import gc
import heapq
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import networkx as nx  # noqa: E402

from graph_service.analytics import build_collaboration_graph, member_nodes, recommend  # noqa: E402
from graph_service.analytics import recommendations as rec  # noqa: E402
from graph_service.analytics.graph import MAX_EVENT_SIZE  # noqa: E402
from graph_service.analytics.recommendations import (  # noqa: E402
    Recommendation,
    RecommenderWeights,
    _check_member,
    _explain,
    _Scorer,
)
from graph_service.domain import SUBSECTOR_IDS  # noqa: E402
from graph_service.services.visibility import can_see  # noqa: E402
from seed.generator import generate_cluster  # noqa: E402


def old_recommend(
    G: nx.Graph,
    member_id: str,
    *,
    limit: int = 10,
    subsector: str | None = None,
    skill: str | None = None,
    cross_sector: bool = False,
    viewer_can_see: Callable[[str], bool] | None = None,
    exclude: frozenset[str] = frozenset(),
    penalties: Mapping[str, float] | None = None,
    include_organisations: bool = False,
    weights: RecommenderWeights | None = None,
) -> list[Recommendation]:
    """``recommend`` as it was before the index (commit 7baddfe): score every node, keep the best."""
    _check_member(G, member_id)
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if subsector is not None and subsector not in SUBSECTOR_IDS:
        raise ValueError(f"unknown subsector '{subsector}'")
    scorer = _Scorer(G, weights or RecommenderWeights())
    if skill is not None and skill not in G.graph.get("skill_names", {}) and skill not in scorer.skill_counts:
        raise ValueError(f"unknown skill '{skill}'")
    penalties = dict(penalties or {})
    for pid, mult in penalties.items():
        if not (0.0 < mult <= 1.0):
            raise ValueError(f"penalty for '{pid}' must be in (0, 1], got {mult}")

    ctx = scorer.context(member_id)
    open_pairs = G.graph.get("open_pairs", frozenset())
    declined = G.graph.get("declined_pairs", frozenset())
    u_subs = ctx.subsectors

    found: list[tuple[float, str]] = []
    for v, vdata in G.nodes(data=True):
        if v == member_id or v in ctx.tie_nbrs or v in exclude:
            continue
        ntype = vdata.get("node_type", "member")
        if ntype != "member" and not (include_organisations and ntype == "organisation"):
            continue
        if subsector is not None and subsector not in vdata.get("subsectors", ()):
            continue
        if skill is not None and skill not in vdata.get("skills", ()):
            continue
        if cross_sector:
            subs = vdata.get("subsectors", ())
            if not subs or subs[0] == ctx.primary or u_subs.intersection(subs):
                continue
        if open_pairs or declined:
            pair = frozenset((member_id, v))
            if pair in open_pairs or pair in declined:
                continue
        if viewer_can_see is not None and not viewer_can_see(v):
            continue
        total = scorer.total(ctx, v, vdata)
        if total > 0.0:
            found.append((total * penalties.get(v, 1.0), v))

    out = []
    for score, v in heapq.nsmallest(limit, found, key=lambda t: (-t[0], t[1])):
        _, components, detail = scorer.score(ctx, v)
        components["penalty"] = penalties.get(v, 1.0)
        out.append(_explain(G, scorer, ctx, v, score, components, detail, viewer_can_see))
    return out


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

    tracemalloc.start()
    rec._index_for(G)
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    rec.clear_recommendation_index(G)
    began = time.perf_counter()
    rec._index_for(G)
    rows.append((f"{label}: one-off index build (first call on a graph object)",
                 f"{(time.perf_counter() - began) * 1000:.0f} ms, {size / 2**20:.0f} MB"))

    differ = 0
    as_api = can_see(G, "member")  # what GET /members/{id}/recommendations passes
    variants = (("no options", {}), ("as the API calls it (audience member)", {"viewer_can_see": as_api}))
    for name, kw in variants:
        old_ms, new_ms, old_out, new_out = [], [], [], []
        for m in sample:
            began = time.perf_counter()
            old_out.append(old_recommend(G, m, **kw))
            old_ms.append((time.perf_counter() - began) * 1000)
        for m in sample:
            began = time.perf_counter()
            new_out.append(recommend(G, m, **kw))
            new_ms.append((time.perf_counter() - began) * 1000)
        d = sum(1 for a, b in zip(old_out, new_out, strict=True) if a != b)
        differ += d
        rows.append((f"{label}, {name}: old full scan, {calls} calls", _summary(old_ms)))
        rows.append((f"{label}, {name}: bounded top-k over the index, {calls} calls", _summary(new_ms)))
        rows.append((f"{label}, {name}: answers identical (ids, scores, order, reasons)",
                     f"{calls - d}/{calls}"))
    return rows, differ


# --- the exhaustive comparison ---------------------------------------------------------------


def _variants(G: nx.Graph, m: str, rng: random.Random) -> list[dict]:
    """Keyword arguments to compare on: each option alone, then random combinations."""
    data = G.nodes[m]
    skills = sorted(G.graph["skill_counts"], key=lambda s: (-G.graph["skill_counts"][s], s))
    top = [r.id for r in old_recommend(G, m, limit=20)]
    some = sorted(rng.sample(sorted(G.nodes), min(25, len(G))))
    options: dict[str, list] = {
        "limit": [1, 2, 3, 10, 25, 1000],
        "subsector": [data["subsector"], rng.choice(SUBSECTOR_IDS)],
        "skill": [skills[0], rng.choice(skills), skills[-1]],
        "cross_sector": [True],
        "viewer_can_see": [can_see(G, "member"), can_see(G, "public")],
        "exclude": [frozenset(top[:3]), frozenset(some)],
        "penalties": [{v: 0.7 ** rng.randint(1, 4) for v in top[: rng.randint(1, 10)]},
                      {v: rng.choice((0.5, 0.7, 1.0)) for v in some},
                      {v: 0.99999 for v in top}],
        "include_organisations": [True],
        "weights": [RecommenderWeights(skills=0.0, subsector=0.0),
                    RecommenderWeights(events=0.0),
                    RecommenderWeights(content_scale=0.5),
                    RecommenderWeights(content_scale=0.0),
                    RecommenderWeights(skills=-0.3)],  # not monotone: the full-scan fallback
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
                        expected = old_recommend(G, m, **kw)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, nargs="+", default=None)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--max-event-size", type=int, default=MAX_EVENT_SIZE)
    parser.add_argument("--check", action="store_true", help="compare old and new answers exhaustively")
    parser.add_argument("--sample", type=int, default=200, help="members compared per size after the first")
    args = parser.parse_args()
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
