"""Round-table seating: who sits with whom so that each table holds new, promising,
cross-subsector pairs and few people who already know each other.

The value of seating two people at one table is :data:`TIED_PENALTY` (negative) when they are
already tied, else ``1 + CROSS_BONUS * [different primary subsectors] + promise``, where
``promise`` in [0, 1] is their recommendation score scaled by the best pair's. The seating
maximises the summed value over all tables: a deterministic greedy start (people spread over
tables by subsector), then local search by swapping two people between tables while the total
improves (a standard heuristic for this max-k-cut-like problem). Because one tied pair costs more
than any swap can gain elsewhere, a seating that keeps a tied pair together is only returned when
no single swap can separate it without creating another.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import networkx as nx

from graph_service.analytics.graph import is_tie

__all__ = ["Table", "Seating", "seat", "TIED_PENALTY", "CROSS_BONUS", "RANDOM_SEATINGS"]

TIED_PENALTY = -100.0
CROSS_BONUS = 1.0
RANDOM_SEATINGS = 200


@dataclass(frozen=True, slots=True)
class Table:
    number: int
    members: tuple[str, ...]
    new_cross_pairs: int
    new_pairs: int
    tied_pairs: int
    subsectors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Seating:
    tables: tuple[Table, ...]
    attendees: int
    new_cross_pairs: int
    tied_pairs_together: int
    random_new_cross_pairs: float
    gain_over_random: float | None
    swaps: int


def _tied(G: nx.Graph[str], a: str, b: str) -> bool:
    return G.has_edge(a, b) and is_tie(G.edges[a, b])


def _primary(G: nx.Graph[str], n: str) -> str | None:
    return G.nodes[n].get("subsector")


def seat(
    G: nx.Graph[str],
    attendees: Sequence[str],
    *,
    table_size: int,
    promise: Mapping[frozenset[str], float] | None = None,
    seed: int = 42,
) -> Seating:
    """Seat ``attendees`` at tables of at most ``table_size`` (sizes differ by at most one)."""
    if table_size < 2:
        raise ValueError("table_size must be at least 2")
    people = sorted(dict.fromkeys(attendees))
    n = len(people)
    if n == 0:
        return Seating((), 0, 0, 0, 0.0, None, 0)
    tables_n = math.ceil(n / table_size)
    promise = promise or {}

    def value(a: str, b: str) -> float:
        if _tied(G, a, b):
            return TIED_PENALTY
        cross = _primary(G, a) != _primary(G, b)
        return 1.0 + CROSS_BONUS * cross + promise.get(frozenset((a, b)), 0.0)

    # Greedy start: sort by (subsector, id) and deal round-robin, so subsectors spread out.
    order = sorted(people, key=lambda p: (_primary(G, p) or "", p))
    tables: list[list[str]] = [[] for _ in range(tables_n)]
    for i, p in enumerate(order):
        tables[i % tables_n].append(p)

    def gain_of_swap(ti: int, i: int, tj: int, j: int) -> float:
        a, b = tables[ti][i], tables[tj][j]
        before = sum(value(a, x) for x in tables[ti] if x != a) + sum(value(b, x) for x in tables[tj] if x != b)
        after = sum(value(b, x) for x in tables[ti] if x != a) + sum(value(a, x) for x in tables[tj] if x != b)
        return after - before

    swaps = 0
    improved = True
    while improved and swaps < 10_000:
        improved = False
        for ti, tj in combinations(range(tables_n), 2):
            for i in range(len(tables[ti])):
                for j in range(len(tables[tj])):
                    if gain_of_swap(ti, i, tj, j) > 1e-9:
                        tables[ti][i], tables[tj][j] = tables[tj][j], tables[ti][i]
                        swaps += 1
                        improved = True

    def counts(members: Sequence[str]) -> tuple[int, int, int]:
        cross = new = tied = 0
        for a, b in combinations(members, 2):
            if _tied(G, a, b):
                tied += 1
            else:
                new += 1
                cross += _primary(G, a) != _primary(G, b)
        return cross, new, tied

    described = []
    for k, members in enumerate(tables, 1):
        members = sorted(members)
        cross, new, tied = counts(members)
        subs = tuple(sorted({s for m in members if (s := _primary(G, m))}))
        described.append(Table(k, tuple(members), cross, new, tied, subs))
    total_cross = sum(t.new_cross_pairs for t in described)

    rng = random.Random(seed)
    sizes = [len(t) for t in tables]
    baseline = 0
    for _ in range(RANDOM_SEATINGS):
        shuffled = people[:]
        rng.shuffle(shuffled)
        start = 0
        for size in sizes:
            baseline += counts(shuffled[start:start + size])[0]
            start += size
    random_cross = baseline / RANDOM_SEATINGS
    return Seating(
        tables=tuple(described),
        attendees=n,
        new_cross_pairs=total_cross,
        tied_pairs_together=sum(t.tied_pairs for t in described),
        random_new_cross_pairs=random_cross,
        gain_over_random=(total_cross / random_cross - 1.0) if random_cross else None,
        swaps=swaps,
    )
