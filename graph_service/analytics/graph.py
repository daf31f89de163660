"""The collaboration graph: one undirected networkx graph projected from a :class:`Document`.

Every piece of evidence that two parties work together is kept as its own edge attribute, so
recommendation reasons and warm paths can say *why* two people are linked, and the evidence is
combined into a single ``weight`` in (0, 1] by noisy-or.

========================  ==============================================  ====================
evidence                  edge attribute                                  contributes (p)
========================  ==============================================  ====================
``knows`` tie             ``knows`` = tie strength (max), 0 if none       strength
explicit collaborated tie ``collaborated`` += 1                           the tie's weight
shared project            ``collaborated`` += 1 per project               0.8 per project
co-attended event of n    ``events`` (sorted tuple of event ids)          min(0.5, 1/(n - 1))
introduction that reached ``introduced`` = True                           0.5
"collaborating"
========================  ==============================================  ====================

``weight = 1 - prod(1 - p)`` over all contributions (noisy-or). The event term follows Newman's
collaboration weighting (Newman 2001, "Scientific collaboration networks. II", Phys. Rev. E 64,
016132): a small round table says far more about two people than a 200-person reception.

*Ties* versus *contacts*. An edge with a ``knows`` tie, a collaboration (project or explicit
tie) or a successful introduction is a **tie** (``structural=True``). An edge that only rests on
co-attendance is a weak **contact** (``structural=False``): it adds weight and shows up as a
shared event, but it is not a relationship. Recommendation exclusions, E-I counts, bridges,
brokerage, communities, warm paths and link prediction all run on :func:`ties_graph`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx
import numpy as np

from graph_service.collector import collector_paused
from graph_service.domain import MANAGER, OPEN_INTRODUCTION_STATUSES, SUBSECTOR_IDS
from graph_service.interchange import Document

__all__ = [
    "PROJECT_WEIGHT",
    "INTRODUCTION_WEIGHT",
    "EVENT_WEIGHT_CAP",
    "MAX_EVENT_SIZE",
    "event_weight",
    "edge_kinds",
    "build_collaboration_graph",
    "ties_graph",
    "is_tie",
    "adjacency",
    "node_data",
    "member_nodes",
    "members_graph",
    "subset",
]

PROJECT_WEIGHT = 0.8
"""Noisy-or contribution of one shared project."""
INTRODUCTION_WEIGHT = 0.5
"""Noisy-or contribution of an introduction that reached status "collaborating"."""
EVENT_WEIGHT_CAP = 0.5
"""Upper bound of the contribution of one co-attended event."""
MAX_EVENT_SIZE = 50
"""Events with more attendees create no contact edges (they still count as shared events).

An event of n attendees creates n(n-1)/2 contacts worth at most 1/(n-1) each: at 50 people a
contact is worth 2 %, less than any tie, while the pairs grow as n squared (at 100,000 members
the seed's networking evenings and conferences of up to 250 people would make about 40 million
contacts and more than 13 GB of projection). Recommendations still count every shared event,
whatever its size, from the members' own event lists.
"""


def event_weight(size: int) -> float:
    """Weight of co-attending one event of ``size`` people: ``min(0.5, 1/(size - 1))``.

    Newman (2001) weights a co-authorship by 1/(n - 1) for a paper with n authors; the cap keeps a
    two-person "event" from counting as much as a real tie.
    """
    if size < 2:
        return 0.0
    return min(EVENT_WEIGHT_CAP, 1.0 / (size - 1))


def edge_kinds(data: Mapping[str, Any]) -> tuple[str, ...]:
    """The kinds of evidence behind one edge, in a fixed order.

    Returns a subset of ``("knows", "collaborated", "introduced", "co-attended")``.
    """
    kinds: list[str] = []
    if data.get("knows", 0.0) > 0:
        kinds.append("knows")
    if data.get("collaborated", 0) > 0:
        kinds.append("collaborated")
    if data.get("introduced", False):
        kinds.append("introduced")
    if data.get("events"):
        kinds.append("co-attended")
    return tuple(kinds)


def is_tie(data: Mapping[str, Any]) -> bool:
    """Whether an edge's data make it a real tie (knows, collaborated or introduced)."""
    return bool(data.get("structural", True))


def adjacency(G: nx.Graph[str]) -> dict[str, dict[str, dict[str, Any]]]:
    """networkx's own adjacency of ``G`` (``G._adj``): node -> neighbour -> edge data.

    The hot loops read it (and the projection writes it) directly: the public ``G.adj`` wraps
    every row in a view. Write into it only on a graph you have just created.
    """
    adj: dict[str, dict[str, dict[str, Any]]] = G._adj  # type: ignore[attr-defined]  # private; not in the stubs
    return adj


def node_data(G: nx.Graph[str]) -> dict[str, dict[str, Any]]:
    """networkx's own node attribute dicts of ``G`` (``G._node``): node -> data."""
    node: dict[str, dict[str, Any]] = G._node  # type: ignore[attr-defined]  # private; not in the stubs
    return node


class _Acc:
    """Evidence gathered for one unordered pair while projecting."""

    __slots__ = ("knows", "collaborated", "not_p", "introduced", "confirmed", "since")

    def __init__(self) -> None:
        self.knows = 0.0
        self.collaborated = 0
        self.not_p = 1.0  # product of (1 - p) over everything but knows and events
        self.introduced = False
        self.confirmed = False
        self.since: date | None = None


def build_collaboration_graph(
    doc: Document,
    *,
    include_organisations: bool = False,
    max_event_size: int = MAX_EVENT_SIZE,
) -> nx.Graph[str]:
    """Project a cluster document onto an undirected, weighted collaboration graph.

    Parameters
    ----------
    doc : Document
        The whole cluster (members, organisations, ties, projects, events, introductions).
    include_organisations : bool, default False
        Also add the organisations of other clusters as nodes (``node_type="organisation"``)
        with their ties, projects and events. Otherwise only member-member evidence is kept.
    max_event_size : int, default :data:`MAX_EVENT_SIZE`
        Events with more attendees than this create no contact edges.

    Returns
    -------
    networkx.Graph
        Members are inserted sorted by id (then organisations, sorted by id) and edges sorted by
        id pair, so algorithms that depend on insertion order (Louvain) are reproducible
        whatever the order of the document.

        Member node attributes: ``name``, ``kind``, ``subsector`` (primary), ``subsectors``
        (tuple), ``skills`` (frozenset), ``visibility``, ``joined`` (ISO date or None),
        ``events`` (frozenset of attended event ids), ``node_type="member"``. Organisation
        nodes: ``name``, ``cluster``, ``subsector=None``, ``subsectors=()``,
        ``skills=frozenset()``, ``events``, ``node_type="organisation"``.

        Edge attributes: ``knows`` (float), ``collaborated`` (int), ``events`` (tuple),
        ``introduced`` (bool), ``weight`` (noisy-or, in (0, 1]), ``structural`` (True for a
        tie, False for co-attendance only), ``confirmed`` (False only when the sole evidence is
        unconfirmed tie records), ``since`` (earliest tie date, ISO, or None).

        Graph attributes: ``event_sizes``, ``event_titles``, ``skill_names``, ``skill_counts``
        (members per skill), ``open_pairs`` and ``declined_pairs`` (frozensets of frozenset
        pairs), ``intro_load`` (member -> open introductions they facilitate or take part in),
        ``include_organisations``, ``member_count``.

    Notes
    -----
    Evidence that involves an id missing from the document (or an organisation when
    ``include_organisations`` is False) is skipped, never an error: run
    :func:`graph_service.interchange.check_references` first if that matters. Cost is linear in
    the ties and quadratic only in the size of each project team and event.
    """
    with collector_paused():
        return _build(doc, include_organisations, max_event_size)


def _build(doc: Document, include_organisations: bool, max_event_size: int) -> nx.Graph[str]:
    members = sorted(doc.members, key=lambda m: m.id)
    member_ids = {m.id for m in members}
    organisations = sorted(doc.organisations, key=lambda o: o.id) if include_organisations else []
    parties = member_ids | {o.id for o in organisations}

    event_sizes = {e.id: len(e.attendees) for e in doc.events}
    attended: dict[str, set[str]] = defaultdict(set)
    for e in doc.events:
        for a in e.attendees:
            if a in parties:
                attended[a].add(e.id)

    G: nx.Graph[str] = nx.Graph()
    empty: frozenset[str] = frozenset()
    # The node and adjacency dicts written directly: what Graph.add_nodes_from builds, without
    # its per-node checks.
    node, adj = node_data(G), adjacency(G)
    for m in members:
        node[m.id] = {
            "name": m.name,
            "kind": m.kind,
            "subsector": m.subsectors[0],
            "subsectors": tuple(m.subsectors),
            "skills": frozenset(m.skills),
            "visibility": m.visibility,
            "joined": m.joined.isoformat() if m.joined else None,
            "events": frozenset(attended.get(m.id, empty)),
            "node_type": "member",
        }
        adj[m.id] = {}
    for o in organisations:
        node[o.id] = {
            "name": o.name,
            "cluster": o.cluster,
            "subsector": None,
            "subsectors": (),
            "skills": empty,
            "events": frozenset(attended.get(o.id, empty)),
            "node_type": "organisation",
        }
        adj[o.id] = {}

    # Pairs are keyed by one integer, i * n + j with i < j the positions of the two ids in
    # sorted order: cheap to hash, and sorting the keys sorts the edges by id pair.
    order = sorted(node)
    index = {ident: i for i, ident in enumerate(order)}
    n = len(order)
    acc: dict[int, _Acc] = {}

    def get(a: str, b: str) -> _Acc:
        i, j = index[a], index[b]
        key = i * n + j if i < j else j * n + i
        x = acc.get(key)
        if x is None:
            x = acc[key] = _Acc()
        return x

    for t in doc.ties:
        if t.source == t.target or t.source not in parties or t.target not in parties:
            continue
        x = get(t.source, t.target)
        if t.kind == "knows":
            x.knows = max(x.knows, t.weight)
        else:
            x.collaborated += 1
            x.not_p *= 1.0 - t.weight
        x.confirmed = x.confirmed or t.confirmed
        if t.since is not None and (x.since is None or t.since < x.since):
            x.since = t.since

    for p in doc.projects:
        team = sorted({i for i in p.team if i in parties})
        for i, a in enumerate(team):
            for b in team[i + 1:]:
                x = get(a, b)
                x.collaborated += 1
                x.not_p *= 1.0 - PROJECT_WEIGHT
                x.confirmed = True

    open_pairs: set[frozenset[str]] = set()
    declined_pairs: set[frozenset[str]] = set()
    intro_load: Counter[str] = Counter()
    for intro in doc.introductions:
        pair = frozenset((intro.a, intro.b))
        if intro.status == "collaborating":
            if intro.a != intro.b and intro.a in parties and intro.b in parties:
                x = get(intro.a, intro.b)
                if not x.introduced:
                    x.introduced = True
                    x.not_p *= 1.0 - INTRODUCTION_WEIGHT
                x.confirmed = True
        elif intro.status in OPEN_INTRODUCTION_STATUSES:
            open_pairs.add(pair)
            for who in {intro.a, intro.b, intro.facilitator} - {MANAGER}:
                intro_load[who] += 1
        elif intro.status == "declined":
            declined_pairs.add(pair)

    ev_weight = {eid: event_weight(size) for eid, size in event_sizes.items()}
    _lay_edges(adj, order, acc, _co_attendance(doc, event_sizes, index, parties, max_event_size), ev_weight)
    nx._clear_cache(G)

    skill_counts: Counter[str] = Counter()
    for m in members:
        skill_counts.update(set(m.skills))
    G.graph.update(
        event_sizes=event_sizes,
        event_titles={e.id: e.title for e in doc.events},
        skill_names={s.id: s.name for s in doc.skills},
        skill_counts=dict(skill_counts),
        open_pairs=frozenset(open_pairs),
        declined_pairs=frozenset(declined_pairs),
        intro_load=dict(intro_load),
        include_organisations=include_organisations,
        member_count=len(members),
    )
    return G


_EMPTY_KEYS = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class _CoAttendance:
    """The co-attendance pairs of a projection: ``keys`` (sorted pair keys, ``i * n + j``),
    ``first`` (the position in ``events`` of each pair's first shared event, in id order) and
    ``more`` (the pairs that share several events: key -> their event ids, in id order)."""

    keys: np.ndarray[Any, np.dtype[np.int64]]
    first: np.ndarray[Any, np.dtype[np.int64]]
    events: list[str]
    more: dict[int, list[str]]


def _co_attendance(doc: Document, event_sizes: Mapping[str, int], index: Mapping[str, int],
                   parties: set[str], max_event_size: int) -> _CoAttendance:
    """Every pair of parties at each event of 2 to ``max_event_size`` people, as arrays: the hot
    part of the projection at scale (2.4 million pairs at 100,000 members), so in numpy."""
    n = len(index)
    chunks: list[np.ndarray[Any, np.dtype[np.int64]]] = []
    owners: list[np.ndarray[Any, np.dtype[np.int64]]] = []
    events: list[str] = []
    for e in sorted(doc.events, key=lambda e: e.id):
        size = event_sizes[e.id]
        if size < 2 or size > max_event_size:
            continue
        present = np.array(sorted({index[i] for i in e.attendees if i in parties}), dtype=np.int64)
        if len(present) < 2:
            continue
        rows, cols = np.triu_indices(len(present), 1)
        chunks.append(present[rows] * n + present[cols])
        owners.append(np.full(len(rows), len(events), dtype=np.int64))
        events.append(e.id)
    if not chunks:
        return _CoAttendance(_EMPTY_KEYS, _EMPTY_KEYS, events, {})
    keys = np.concatenate(chunks)
    perm = np.argsort(keys, kind="stable")  # stable: a pair's events stay in id order
    keys, owner = keys[perm], np.concatenate(owners)[perm]
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    counts = np.diff(np.append(starts, len(keys)))
    more: dict[int, list[str]] = {}
    for at in np.flatnonzero(counts > 1).tolist():
        s = int(starts[at])
        more[int(keys[s])] = [events[k] for k in owner[s:s + int(counts[at])].tolist()]
    return _CoAttendance(keys[starts], owner[starts], events, more)


def _lay_edges(adj: dict[str, dict[str, dict[str, Any]]], order: list[str], acc: Mapping[int, _Acc],
               co: _CoAttendance, ev_weight: Mapping[str, float]) -> None:
    """Write every edge into ``adj`` (node -> neighbour -> data), each row in the order of the
    neighbours' positions in ``order`` (what adding the edges sorted by id pair gives).

    Both directions share one data dict, and the pairs whose only evidence is one shared event
    share that event's dict (read-only, like every edge's data): at 100,000 members that is most
    of the 2.4 million edges. The rows are made in bulk (one ``dict(zip(...))`` per node): adding
    the edges one by one, even straight into the dicts, was the projection's bottleneck."""
    n = len(order)
    no_events: tuple[str, ...] = ()
    # The pairs with more than one shared event's evidence, made one by one.
    special_keys = sorted(acc.keys() | co.more.keys())
    special = np.array(special_keys, dtype=np.int64)
    at = np.searchsorted(co.keys, special)
    inside = at < len(co.keys)
    has_event = np.zeros(len(special), dtype=bool)
    has_event[inside] = co.keys[at[inside]] == special[inside]
    special_data: list[dict[str, Any] | None] = []
    for key, first_at, shared in zip(special_keys, at.tolist(), has_event.tolist(), strict=True):
        found = acc.get(key)
        ev: tuple[str, ...]
        if not shared:
            ev, not_ev = no_events, 1.0
        else:
            ev = tuple(co.more.get(key) or (co.events[int(co.first[first_at])],))  # in id order
            not_ev = 1.0
            for eid in ev:
                not_ev *= 1.0 - ev_weight[eid]
        data: dict[str, Any]
        if found is None:
            data = {
                "knows": 0.0, "collaborated": 0, "events": ev, "introduced": False,
                "weight": 1.0 - not_ev, "structural": False, "confirmed": False, "since": None,
            }
        else:
            weight = 1.0 - found.not_p * (1.0 - found.knows) * not_ev
            data = {
                "knows": found.knows,
                "collaborated": found.collaborated,
                "events": ev,
                "introduced": found.introduced,
                "weight": min(1.0, weight),
                "structural": True,
                "confirmed": found.confirmed,
                "since": found.since.isoformat() if found.since else None,
            }
        special_data.append(data if data["weight"] > 0.0 else None)
    # Every other pair shares exactly one event: its event's dict.
    by_event = np.empty(len(co.events), dtype=object)
    for k, eid in enumerate(co.events):
        by_event[k] = {
            "knows": 0.0, "collaborated": 0, "events": (eid,), "introduced": False,
            "weight": 1.0 - (1.0 * (1.0 - ev_weight[eid])), "structural": False, "confirmed": False, "since": None,
        }
    keys = np.union1d(co.keys, special)
    data_of = np.empty(len(keys), dtype=object)
    data_of[np.searchsorted(keys, co.keys)] = by_event[co.first]
    laid = np.empty(len(special), dtype=object)
    laid[:] = special_data
    data_of[np.searchsorted(keys, special)] = laid
    kept = np.ones(len(keys), dtype=bool)
    kept[np.searchsorted(keys, special[[d is None for d in special_data]])] = False
    keys, data_of = keys[kept], data_of[kept]
    if len(keys) == 0:
        return
    # Both directions, sorted by (node, neighbour): each node's row is one slice.
    low, high = keys // n, keys % n
    src = np.concatenate((low, high))
    dst = np.concatenate((high, low))
    perm = np.argsort(src * n + dst)
    src, dst = src[perm], dst[perm]
    names = np.array(order, dtype=object)[dst].tolist()
    datas = np.concatenate((data_of, data_of))[perm].tolist()
    ends = np.cumsum(np.bincount(src, minlength=n)).tolist()
    begin = 0
    for i, end in enumerate(ends):
        if end > begin:
            adj[order[i]] = dict(zip(names[begin:end], datas[begin:end], strict=True))
            begin = end


def ties_graph(G: nx.Graph[str]) -> nx.Graph[str]:
    """The graph of real ties: every node of ``G``, only edges with ``structural=True``.

    A new graph rather than a view (betweenness and Louvain run several times faster on it)
    that *shares* the node and edge attribute dicts and the graph attributes of ``G``: treat it
    as read-only. Calling it on a ties graph returns that graph unchanged.

    Ties (knows, collaborated, introduced) are what E-I counts, bridges, brokerage, communities,
    warm paths and link prediction run on; co-attendance-only contacts are left out because
    being in the same room is not a relationship.
    """
    if G.graph.get("ties_only"):
        return G
    H: nx.Graph[str] = nx.Graph()
    H.graph.update(G.graph)
    H.graph["ties_only"] = True
    # Same structure as Graph.add_edges_from builds, written directly: on a graph with a
    # million contacts the public API spends seconds re-checking every edge.
    node, adj = node_data(H), adjacency(H)
    for n, d in node_data(G).items():
        node[n] = d
    for n, nbrs in adjacency(G).items():
        adj[n] = {m: d for m, d in nbrs.items() if d.get("structural", True)}
    nx._clear_cache(H)
    return H


def members_graph(G: nx.Graph[str]) -> nx.Graph[str]:
    """The member nodes of ``G`` and the edges between them, in ``G``'s order: what
    ``G.subgraph(member_nodes(G)).copy()`` gives, built directly and *sharing* the node and edge
    attribute dicts (and the graph attributes' values, and every adjacency row that names no
    organisation) with ``G``: treat both as read-only. At 100,000 members the copy took several
    times as long as this."""
    H: nx.Graph[str] = nx.Graph()
    H.graph.update(G.graph)
    node, adj = node_data(H), adjacency(H)
    others = {n for n, d in node_data(G).items() if d.get("node_type", "member") != "member"}
    for n, d in node_data(G).items():
        if n not in others:
            node[n] = d
    for n, nbrs in adjacency(G).items():
        if n not in others:
            # A row without an organisation in it is shared as it is (read-only, like the rest).
            adj[n] = nbrs if nbrs.keys().isdisjoint(others) else {m: d for m, d in nbrs.items() if m not in others}
    nx._clear_cache(H)
    return H


def member_nodes(G: nx.Graph[str]) -> list[str]:
    """Ids of the member nodes of ``G`` (nodes without ``node_type`` count as members), sorted."""
    return sorted(n for n, d in G.nodes(data=True) if d.get("node_type", "member") == "member")


def subset(
    G: nx.Graph[str],
    *,
    subsector: str | None = None,
    joined_before: date | None = None,
) -> nx.Graph[str]:
    """The collaboration graph restricted to a subset of members, for analyses on a subset.

    Parameters
    ----------
    G : networkx.Graph
        A graph from :func:`build_collaboration_graph`.
    subsector : str, optional
        Keep members that list this subsector (primary or not).
    joined_before : datetime.date, optional
        Keep members who joined strictly before this date; members without a join date are
        dropped, since nobody can say when they joined.

    Returns
    -------
    networkx.Graph
        The induced subgraph (a copy). Organisation nodes are kept whatever the filters.
        ``skill_counts`` and ``member_count`` are recomputed for the subset; event sizes stay
        the real sizes of the events.

    Raises
    ------
    ValueError
        If ``subsector`` is not one of the twelve subsectors.
    """
    if subsector is not None and subsector not in SUBSECTOR_IDS:
        raise ValueError(f"unknown subsector '{subsector}'; expected one of {', '.join(SUBSECTOR_IDS)}")
    keep: list[str] = []
    for n, d in G.nodes(data=True):
        if d.get("node_type", "member") != "member":
            keep.append(n)
            continue
        if subsector is not None and subsector not in d.get("subsectors", ()):
            continue
        if joined_before is not None:
            joined = d.get("joined")
            if joined is None or date.fromisoformat(joined) >= joined_before:
                continue
        keep.append(n)
    H = G.subgraph(keep).copy()
    H.graph = dict(G.graph)
    counts: Counter[str] = Counter()
    members = 0
    for _, d in H.nodes(data=True):
        if d.get("node_type", "member") == "member":
            members += 1
            counts.update(d.get("skills", ()))
    H.graph["skill_counts"] = dict(counts)
    H.graph["member_count"] = members
    return H
