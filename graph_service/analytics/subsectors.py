"""How isolated each subsector is: Krackhardt & Stern's E-I index and the tie matrix.

A tie is *internal* when both members have the same **primary** subsector and *external*
otherwise; secondary subsectors are ignored so that every tie is counted exactly once. Only
member-member ties count (organisations and co-attendance-only contacts do not).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import networkx as nx

from graph_service.analytics.graph import is_tie
from graph_service.domain import SUBSECTOR_IDS

__all__ = [
    "SubsectorIsolation",
    "IsolatedMembers",
    "SubsectorReport",
    "Matrix",
    "ei_index",
    "subsector_isolation",
    "subsector_matrix",
]


ISOLATED_EI = -0.5
"""A subsector whose E-I index is at or below this keeps most of its ties inside: isolated."""


@dataclass(frozen=True, slots=True)
class SubsectorIsolation:
    """One subsector's ties. ``ei_index`` is None without ties; ``share_without_external`` is
    None without members; ``linked_to`` maps other subsectors to tie counts (descending)."""

    id: str
    members: int
    internal_ties: int
    external_ties: int
    ei_index: float | None
    share_without_external: float | None
    linked_to: dict[str, int]

    @property
    def isolated(self) -> bool:
        """Whether the subsector keeps to itself: it has members, and an E-I index at most
        :data:`ISOLATED_EI`, or no tie outside (no tie at all included). The one rule the
        subsectors' map rings in red and the report lists first."""
        return self.members > 0 and (
            self.ei_index is None or self.ei_index <= ISOLATED_EI or self.external_ties == 0
        )


@dataclass(frozen=True, slots=True)
class IsolatedMembers:
    """Members with no tie at all, and members whose ties all stay in their primary subsector."""

    no_ties: tuple[str, ...]
    only_internal: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SubsectorReport:
    """All twelve subsectors, most isolated first, with the network-wide E-I index."""

    subsectors: tuple[SubsectorIsolation, ...]
    isolated_members: IsolatedMembers
    overall_ei_index: float | None


@dataclass(frozen=True, slots=True)
class Matrix:
    """Ties between (``counts``) and density of ties between (``densities``) primary subsectors,
    rows and columns in the order of ``ids``. A density is None when no pair is possible."""

    ids: tuple[str, ...]
    counts: list[list[int]]
    densities: list[list[float | None]]


def ei_index(external: int, internal: int) -> float | None:
    """Krackhardt & Stern's E-I index ``(E - I) / (E + I)``; None when there are no ties.

    -1 means every tie stays inside the group, +1 that every tie leaves it (Krackhardt & Stern
    1988, "Informal networks and organizational crises", Social Psychology Quarterly 51(2)).
    """
    total = external + internal
    if total == 0:
        return None
    return (external - internal) / total


def _member_primaries(G: nx.Graph[str]) -> dict[str, str]:
    return {
        n: d["subsector"]
        for n, d in G.nodes(data=True)
        if d.get("node_type", "member") == "member" and d.get("subsector") is not None
    }


def _member_ties(G: nx.Graph[str], primary: dict[str, str]) -> Iterator[tuple[str, str]]:
    for u, v, d in G.edges(data=True):
        if u in primary and v in primary and is_tie(d):
            yield u, v


def subsector_isolation(G: nx.Graph[str]) -> SubsectorReport:
    """E-I index and isolation of each of the twelve subsectors.

    Parameters
    ----------
    G : networkx.Graph
        The collaboration graph.

    Returns
    -------
    SubsectorReport
        Subsectors sorted by E-I index ascending (most inward-looking first), subsectors
        without ties last, then by id. ``isolated_members`` lists members without ties and
        members with ties only inside their own primary subsector.
    """
    primary = _member_primaries(G)
    internal: Counter[str] = Counter()
    external: Counter[str] = Counter()
    links: dict[str, Counter[str]] = {s: Counter() for s in SUBSECTOR_IDS}
    has_tie: set[str] = set()
    has_external: set[str] = set()
    for u, v in _member_ties(G, primary):
        su, sv = primary[u], primary[v]
        has_tie.update((u, v))
        if su == sv:
            internal[su] += 1
        else:
            external[su] += 1
            external[sv] += 1
            links.setdefault(su, Counter())[sv] += 1
            links.setdefault(sv, Counter())[su] += 1
            has_external.update((u, v))

    sizes = Counter(primary.values())
    without_external = Counter(s for n, s in primary.items() if n not in has_external)
    ids = list(SUBSECTOR_IDS) + sorted(set(sizes) - set(SUBSECTOR_IDS))
    items = []
    for s in ids:
        n = sizes.get(s, 0)
        items.append(
            SubsectorIsolation(
                id=s,
                members=n,
                internal_ties=internal[s],
                external_ties=external[s],
                ei_index=ei_index(external[s], internal[s]),
                share_without_external=(without_external[s] / n) if n else None,
                linked_to=dict(sorted(links.get(s, Counter()).items(), key=lambda kv: (-kv[1], kv[0]))),
            )
        )
    items.sort(key=lambda x: (x.ei_index is None, x.ei_index if x.ei_index is not None else 0.0, x.id))
    total_internal = sum(internal.values())
    total_external = sum(external.values()) // 2
    isolated = IsolatedMembers(
        no_ties=tuple(sorted(n for n in primary if n not in has_tie)),
        only_internal=tuple(sorted(n for n in has_tie if n not in has_external)),
    )
    return SubsectorReport(tuple(items), isolated, ei_index(total_external, total_internal))


def subsector_matrix(G: nx.Graph[str]) -> Matrix:
    """Ties between every pair of primary subsectors, and their density.

    Density between A and B (A != B) is ``ties / (nA * nB)``; within A it is
    ``ties / (nA (nA - 1) / 2)``, with nA the number of members whose primary subsector is A.
    """
    primary = _member_primaries(G)
    ids = tuple(SUBSECTOR_IDS) + tuple(sorted(set(primary.values()) - set(SUBSECTOR_IDS)))
    index = {s: i for i, s in enumerate(ids)}
    k = len(ids)
    counts = [[0] * k for _ in range(k)]
    for u, v in _member_ties(G, primary):
        i, j = index[primary[u]], index[primary[v]]
        counts[i][j] += 1
        if i != j:
            counts[j][i] += 1
    sizes = Counter(primary.values())
    densities: list[list[float | None]] = []
    for i, a in enumerate(ids):
        row: list[float | None] = []
        for j, b in enumerate(ids):
            na, nb = sizes.get(a, 0), sizes.get(b, 0)
            possible = na * (na - 1) / 2 if i == j else na * nb
            row.append(counts[i][j] / possible if possible else None)
        densities.append(row)
    return Matrix(ids, counts, densities)
