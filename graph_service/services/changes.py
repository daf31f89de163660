"""A projection that follows the graph: changed entities laid into the document and the graphs.

:class:`LiveProjection` holds one projection (the document and its two collaboration graphs)
and :meth:`~LiveProjection.refresh` lays re-read entities into it (each kind: id -> the record as
it now is, or None when it is gone; see :class:`~graph_service.store.changes.Entities`). The
result equals what :func:`graph_service.services.views.project` builds from the whole document
(the same nodes in the same order, the same edges, attributes and graph attributes): only the
nodes and pairs the change can touch are recomputed, with the same arithmetic as
:func:`~graph_service.analytics.graph.build_collaboration_graph`, and everything else is shared
with the projection before. Nothing is changed in place: the document's lists, the graphs'
dicts and their rows are copied where they change (copy on write), so a request still working on
the projection before sees it whole.

What a refresh says it touched are the **dependency keys** of the memoised answers
(:data:`DEPENDENCY_KEYS`): the sections of the document whose records changed (``members``,
``organisations``, ``ties``, ``projects``, ``events``, ``introductions``, ``skills``) and
``graph`` when a node, a node's attributes or an edge of either graph changed. A graph's
attributes follow their section: ``event_sizes``/``event_titles`` the events, ``skill_names``
the skills, ``skill_counts``/``member_count`` the members, ``open_pairs``/``declined_pairs``/
``intro_load`` the introductions.

:func:`consented_entities` turns the entities a base refresh laid in into what a consented view
(:func:`~graph_service.services.visibility.consented_document`) must lay into its own
projection, with what a change of a member's visibility takes along.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import networkx as nx
from pydantic import BaseModel

from graph_service.analytics.graph import (
    INTRODUCTION_WEIGHT,
    MAX_EVENT_SIZE,
    PROJECT_WEIGHT,
    adjacency,
    event_weight,
    node_data,
)
from graph_service.domain import MANAGER, OPEN_INTRODUCTION_STATUSES
from graph_service.interchange import (
    Document,
    EventRecord,
    IntroductionRecord,
    MemberRecord,
    OrganisationRecord,
    ProjectRecord,
    SkillRecord,
    TieRecord,
)
from graph_service.services.visibility import Viewer, as_seen_by, kept_members
from graph_service.store.changes import Entities, tie_pair

__all__ = ["SECTIONS", "DEPENDENCY_KEYS", "LiveProjection", "Refreshed", "consented_entities", "cascade_of",
           "changed_ids"]

SECTIONS = ("skills", "members", "organisations", "ties", "projects", "events", "introductions")
DEPENDENCY_KEYS = frozenset({*SECTIONS, "graph"})
"""What a memoised answer may depend on (see the module's docstring)."""

R = TypeVar("R", bound=BaseModel)
Pair = tuple[str, str]


def _tie_key(t: TieRecord) -> tuple[str, str, str]:
    return (t.source, t.target, t.kind)


def _id(r: Any) -> str:
    ident: str = r.id
    return ident


def _put(items: list[Any], ident: str, record: Any | None) -> None:
    """Put ``record`` at its place in the id-sorted ``items`` (replacing the one with ``ident``),
    or take that one out when ``record`` is None."""
    i = bisect_left(items, ident, key=_id)
    present = i < len(items) and items[i].id == ident
    if record is None:
        if present:
            del items[i]
    elif present:
        items[i] = record
    else:
        items.insert(i, record)


def _pairs_among(ids: Iterable[str]) -> set[Pair]:
    ordered = sorted(set(ids))
    return {(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1:]}


def _ordered(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


@dataclass(slots=True)
class _Index:
    """The document by id, and who takes part in what: built from the document on the first
    refresh, then kept up to date by the refreshes."""

    skills: dict[str, SkillRecord]
    members: dict[str, MemberRecord]
    organisations: dict[str, OrganisationRecord]
    projects: dict[str, ProjectRecord]
    events: dict[str, EventRecord]
    introductions: dict[str, IntroductionRecord]
    ties: dict[Pair, list[TieRecord]]  # by unordered pair, in the document's order
    ties_of: dict[str, set[Pair]] = field(default_factory=dict)
    projects_of: dict[str, set[str]] = field(default_factory=dict)
    events_of: dict[str, set[str]] = field(default_factory=dict)
    introductions_of: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: Document) -> _Index:
        ties: dict[Pair, list[TieRecord]] = {}
        for t in doc.ties:
            ties.setdefault(_ordered(t.source, t.target), []).append(t)
        index = cls(
            skills={s.id: s for s in doc.skills}, members={m.id: m for m in doc.members},
            organisations={o.id: o for o in doc.organisations}, projects={p.id: p for p in doc.projects},
            events={e.id: e for e in doc.events}, introductions={x.id: x for x in doc.introductions}, ties=ties,
        )
        for pair in ties:
            for end in pair:
                index.ties_of.setdefault(end, set()).add(pair)
        for p in doc.projects:
            index._link(index.projects_of, p.id, p.team)
        for e in doc.events:
            index._link(index.events_of, e.id, e.attendees)
        for x in doc.introductions:
            index._link(index.introductions_of, x.id, (x.a, x.b, x.facilitator))
        return index

    @staticmethod
    def _link(of: dict[str, set[str]], ident: str, parties: Iterable[str]) -> None:
        for party in parties:
            of.setdefault(party, set()).add(ident)

    @staticmethod
    def _unlink(of: dict[str, set[str]], ident: str, parties: Iterable[str]) -> None:
        for party in parties:
            found = of.get(party)
            if found is not None:
                found.discard(ident)
                if not found:
                    del of[party]


@dataclass(frozen=True, slots=True)
class Refreshed:
    """What a refresh produced: the new ``document`` and graphs, the dependency keys it
    ``touched``, and the entities it laid in (kind -> ids, for the consented views)."""

    document: Document
    members: nx.Graph[str]
    full: nx.Graph[str]
    touched: frozenset[str]
    laid: dict[str, set[str]]


def changed_ids(entities: Entities) -> dict[str, set[str]]:
    """The ids ``entities`` holds, by change kind."""
    return {
        "member": set(entities.members), "organisation": set(entities.organisations), "tie": set(entities.ties),
        "project": set(entities.projects), "event": set(entities.events),
        "introduction": set(entities.introductions), "skill": set(entities.skills),
    }


class LiveProjection:
    """One projection (a document and its graphs) and what it needs to be refreshed in place of a
    rebuild. Not thread-safe: its owner refreshes it under a lock; the documents and graphs it
    hands out are never changed afterwards."""

    def __init__(self, document: Document, members: nx.Graph[str], full: nx.Graph[str],
                 *, max_event_size: int = MAX_EVENT_SIZE):
        self.document = document
        self.members = members
        self.full = full
        self._max_event_size = max_event_size
        self._index: _Index | None = None

    @property
    def index(self) -> _Index:
        """The document by id (built on first use: a second or two at 100,000 members)."""
        if self._index is None:
            self._index = _Index.of(self.document)
        return self._index

    # -- what a deletion takes along --------------------------------------------------------------
    def cascade(self, found: Entities) -> dict[str, set[str]]:
        """What to re-read with ``found``: for a member or organisation that is gone, the ties,
        projects, events and introductions it took part in (its team places, attendance and
        introductions were changed with it)."""
        gone = [i for i, r in found.members.items() if r is None] + [i for i, r in found.organisations.items()
                                                                    if r is None]
        return cascade_of(self.index, gone)

    # -- the refresh ------------------------------------------------------------------------------
    def refresh(self, found: Entities) -> Refreshed:
        """Lay the entities ``found`` into the projection; the new document and graphs (the old
        ones are left as they were)."""
        idx = self.index
        doc = self.document
        lists: dict[str, list[Any]] = {}

        def section(name: str) -> list[Any]:
            if name not in lists:
                lists[name] = list(getattr(doc, name))
            return lists[name]

        touched: set[str] = set()
        nodes: set[str] = set()  # whose attributes (or presence) may change
        pairs: set[Pair] = set()  # whose edge may change
        members_changed: list[tuple[MemberRecord | None, MemberRecord | None]] = []

        for ident, member in found.members.items():
            old_member = idx.members.get(ident)
            if member == old_member:
                continue
            touched.add("members")
            _put(section("members"), ident, member)
            if member is None:
                del idx.members[ident]
            else:
                idx.members[ident] = member
            nodes.add(ident)
            members_changed.append((old_member, member))
        for ident, organisation in found.organisations.items():
            old_organisation = idx.organisations.get(ident)
            if organisation == old_organisation:
                continue
            touched.add("organisations")
            _put(section("organisations"), ident, organisation)
            if organisation is None:
                del idx.organisations[ident]
            else:
                idx.organisations[ident] = organisation
            nodes.add(ident)
        for ident, skill in found.skills.items():
            if skill == idx.skills.get(ident):
                continue
            touched.add("skills")
            _put(section("skills"), ident, skill)
            if skill is None:
                del idx.skills[ident]
            else:
                idx.skills[ident] = skill
        for key, ties in found.ties.items():
            a, b = key.split(" ", 1)
            pair = _ordered(a, b)
            new_ties = sorted(ties, key=_tie_key)
            old_ties = idx.ties.get(pair, [])
            if new_ties == old_ties:
                continue
            touched.add("ties")
            items = section("ties")
            for t in old_ties:
                i = bisect_left(items, _tie_key(t), key=_tie_key)
                del items[i]
            for t in new_ties:
                items.insert(bisect_left(items, _tie_key(t), key=_tie_key), t)
            if new_ties:
                idx.ties[pair] = new_ties
                for end in pair:
                    idx.ties_of.setdefault(end, set()).add(pair)
            else:
                del idx.ties[pair]
                for end in pair:
                    found_pairs = idx.ties_of.get(end)
                    if found_pairs is not None:
                        found_pairs.discard(pair)
                        if not found_pairs:
                            del idx.ties_of[end]
            pairs.add(pair)
        for ident, project in found.projects.items():
            old_project = idx.projects.get(ident)
            if project == old_project:
                continue
            touched.add("projects")
            _put(section("projects"), ident, project)
            old_team = old_project.team if old_project else []
            new_team = project.team if project else []
            if project is None:
                del idx.projects[ident]
            else:
                idx.projects[ident] = project
            _Index._unlink(idx.projects_of, ident, old_team)
            _Index._link(idx.projects_of, ident, new_team)
            if list(old_team) != list(new_team):
                pairs |= _pairs_among([*old_team, *new_team])
        for ident, event in found.events.items():
            old_event = idx.events.get(ident)
            if event == old_event:
                continue
            touched.add("events")
            _put(section("events"), ident, event)
            old_people = old_event.attendees if old_event else []
            new_people = event.attendees if event else []
            if event is None:
                del idx.events[ident]
            else:
                idx.events[ident] = event
            _Index._unlink(idx.events_of, ident, old_people)
            _Index._link(idx.events_of, ident, new_people)
            if list(old_people) != list(new_people):
                nodes.update(old_people)
                nodes.update(new_people)
                for people in (old_people, new_people):
                    if 2 <= len(people) <= self._max_event_size:
                        pairs |= _pairs_among(people)
        for ident, intro in found.introductions.items():
            old_intro = idx.introductions.get(ident)
            if intro == old_intro:
                continue
            touched.add("introductions")
            _put(section("introductions"), ident, intro)
            if old_intro is not None:
                _Index._unlink(idx.introductions_of, ident, (old_intro.a, old_intro.b, old_intro.facilitator))
                if old_intro.a != old_intro.b:
                    pairs.add(_ordered(old_intro.a, old_intro.b))
            if intro is None:
                del idx.introductions[ident]
            else:
                idx.introductions[ident] = intro
                _Index._link(idx.introductions_of, ident, (intro.a, intro.b, intro.facilitator))
                if intro.a != intro.b:
                    pairs.add(_ordered(intro.a, intro.b))

        document = doc
        if lists:
            values = {name: getattr(doc, name) for name in Document.model_fields}
            document = Document.model_construct(**{**values, **lists})
        graph_attrs = self._graph_attributes(touched, members_changed, document)
        full, members, graph_changed = self._patch(nodes, pairs, graph_attrs)
        if graph_changed:
            touched.add("graph")
        self.document, self.full, self.members = document, full, members
        return Refreshed(document, members, full, frozenset(touched), changed_ids(found))

    # -- the graphs -------------------------------------------------------------------------------
    def _graph_attributes(self, touched: set[str], members_changed: list[tuple[MemberRecord | None,
                          MemberRecord | None]], doc: Document) -> dict[str, Any] | None:
        """The graphs' attributes after the change (None when unchanged)."""
        if not touched & {"members", "events", "skills", "introductions"}:
            return None
        attrs = dict(self.full.graph)
        if "events" in touched:
            attrs["event_sizes"] = {e.id: len(e.attendees) for e in doc.events}
            attrs["event_titles"] = {e.id: e.title for e in doc.events}
        if "skills" in touched:
            attrs["skill_names"] = {s.id: s.name for s in doc.skills}
        if "members" in touched:
            counts = Counter(attrs["skill_counts"])
            for old, new in members_changed:
                if old is not None:
                    counts.subtract(set(old.skills))
                if new is not None:
                    counts.update(set(new.skills))
            attrs["skill_counts"] = {k: v for k, v in counts.items() if v > 0}
            attrs["member_count"] = len(doc.members)
        if "introductions" in touched:
            attrs.update(_introduction_attributes(doc.introductions))
        return attrs

    def _node_attributes(self, ident: str) -> dict[str, Any] | None:
        idx = self.index
        events = frozenset(idx.events_of.get(ident, ()))
        m = idx.members.get(ident)
        if m is not None:
            return {"name": m.name, "kind": m.kind, "subsector": m.subsectors[0], "subsectors": tuple(m.subsectors),
                    "skills": frozenset(m.skills), "visibility": m.visibility,
                    "joined": m.joined.isoformat() if m.joined else None, "events": events, "node_type": "member"}
        o = idx.organisations.get(ident)
        if o is not None and self.full.graph.get("include_organisations", True):
            return {"name": o.name, "cluster": o.cluster, "subsector": None, "subsectors": (), "skills": frozenset(),
                    "events": events, "node_type": "organisation"}
        return None

    def _partners(self, ident: str) -> set[str]:
        """Everyone ``ident`` has evidence with (for a node that is new)."""
        idx = self.index
        out: set[str] = set()
        for pair in idx.ties_of.get(ident, ()):
            out.update(pair)
        for pid in idx.projects_of.get(ident, ()):
            out.update(idx.projects[pid].team)
        for eid in idx.events_of.get(ident, ()):
            people = idx.events[eid].attendees
            if 2 <= len(people) <= self._max_event_size:
                out.update(people)
        for xid in idx.introductions_of.get(ident, ()):
            x = idx.introductions[xid]
            if x.status == "collaborating":
                out.update((x.a, x.b))
        out.discard(ident)
        return out

    def _edge(self, a: str, b: str, is_node: Callable[[str], bool]) -> dict[str, Any] | None:
        """The edge between ``a`` < ``b`` as :func:`build_collaboration_graph` computes it."""
        if not (is_node(a) and is_node(b)):
            return None
        idx = self.index
        found = False
        knows, collaborated, not_p = 0.0, 0, 1.0
        introduced = confirmed = False
        since = None
        for t in idx.ties.get((a, b), ()):
            found = True
            if t.kind == "knows":
                knows = max(knows, t.weight)
            else:
                collaborated += 1
                not_p *= 1.0 - t.weight
            confirmed = confirmed or t.confirmed
            if t.since is not None and (since is None or t.since < since):
                since = t.since
        for _pid in sorted(idx.projects_of.get(a, set()) & idx.projects_of.get(b, set())):
            found = True
            collaborated += 1
            not_p *= 1.0 - PROJECT_WEIGHT
            confirmed = True
        for xid in sorted(idx.introductions_of.get(a, set()) & idx.introductions_of.get(b, set())):
            x = idx.introductions[xid]
            if x.status == "collaborating" and {x.a, x.b} == {a, b}:
                found = True
                if not introduced:
                    introduced = True
                    not_p *= 1.0 - INTRODUCTION_WEIGHT
                confirmed = True
        shared = []
        not_ev = 1.0
        for eid in sorted(idx.events_of.get(a, set()) & idx.events_of.get(b, set())):
            size = len(idx.events[eid].attendees)
            if 2 <= size <= self._max_event_size:
                shared.append(eid)
                not_ev *= 1.0 - event_weight(size)
        if not found and not shared:
            return None
        ev = tuple(shared)
        if not found:
            data: dict[str, Any] = {"knows": 0.0, "collaborated": 0, "events": ev, "introduced": False,
                                    "weight": 1.0 - not_ev, "structural": False, "confirmed": False, "since": None}
        else:
            weight = 1.0 - not_p * (1.0 - knows) * not_ev
            data = {"knows": knows, "collaborated": collaborated, "events": ev, "introduced": introduced,
                    "weight": min(1.0, weight), "structural": True, "confirmed": confirmed,
                    "since": since.isoformat() if since else None}
        return data if data["weight"] > 0.0 else None

    def _patch(self, nodes: set[str], pairs: set[Pair], graph_attrs: dict[str, Any] | None
               ) -> tuple[nx.Graph[str], nx.Graph[str], bool]:
        old_node, old_adj = node_data(self.full), adjacency(self.full)
        new_attrs: dict[str, dict[str, Any] | None] = {}
        for n in nodes:
            attrs = self._node_attributes(n)
            if attrs != old_node.get(n):
                new_attrs[n] = attrs
        added = {n for n, a in new_attrs.items() if a is not None and n not in old_node}
        removed = {n for n, a in new_attrs.items() if a is None and n in old_node}
        for n in removed:
            pairs |= {_ordered(n, m) for m in old_adj[n]}
        for n in added:
            pairs |= {_ordered(n, m) for m in self._partners(n)}

        def is_node(n: str) -> bool:
            if n in new_attrs:
                return new_attrs[n] is not None
            return n in old_node

        edges: dict[Pair, dict[str, Any] | None] = {}
        for a, b in pairs:
            if a == b:
                continue
            data = self._edge(a, b, is_node)
            old = old_adj.get(a, {}).get(b)
            if data != old:
                edges[(a, b)] = data
        changed = bool(new_attrs or edges)
        if not changed and graph_attrs is None:
            return self.full, self.members, False
        attrs = graph_attrs if graph_attrs is not None else self.full.graph
        full = _patched(self.full, new_attrs, edges, dict(attrs))
        member_attrs = {n: a for n, a in new_attrs.items() if a is None or a.get("node_type", "member") == "member"}
        members = _patched(self.members, member_attrs, edges, dict(attrs))
        return full, members, changed


def _node_order(nodes: Mapping[str, dict[str, Any]]) -> list[str]:
    """Members sorted by id, then organisations sorted by id (the order the build inserts them)."""
    members = sorted(n for n, d in nodes.items() if d.get("node_type", "member") == "member")
    others = sorted(n for n, d in nodes.items() if d.get("node_type", "member") != "member")
    return members + others


def _patched(G: nx.Graph[str], new_attrs: Mapping[str, dict[str, Any] | None],
             edges: Mapping[Pair, dict[str, Any] | None], graph_attrs: dict[str, Any]) -> nx.Graph[str]:
    """A new graph: ``G`` with the nodes' new attributes (None: removed) and the edges' new data
    (None: removed; an edge is kept only between nodes of the new graph), sharing every
    unchanged dict with ``G`` (and the new ones with the other graph, as
    :func:`~graph_service.analytics.graph.members_graph` does)."""
    old_node, old_adj = node_data(G), adjacency(G)
    node = dict(old_node)
    adj = dict(old_adj)
    reorder = False
    for n, attrs in new_attrs.items():
        if attrs is None:
            if n in node:
                del node[n]
                del adj[n]
        else:
            if n not in node:
                reorder = True
                adj[n] = {}
            node[n] = attrs
    rows: dict[str, dict[str, Any]] = {}
    grown: set[str] = set()

    def row(n: str) -> dict[str, Any]:
        found = rows.get(n)
        if found is None:
            found = rows[n] = dict(adj[n])
        return found

    for (a, b), data in edges.items():
        if data is None:
            for x, y in ((a, b), (b, a)):
                if x in node and y in adj.get(x, {}):
                    del row(x)[y]
            continue
        if a not in node or b not in node:
            continue
        for x, y in ((a, b), (b, a)):
            r = row(x)
            if y not in r:
                grown.add(x)
            r[y] = data
    for n, r in rows.items():
        adj[n] = dict(sorted(r.items())) if n in grown else r
    # Neighbours of removed nodes lose them (the edges above name them already).
    H: nx.Graph[str] = nx.Graph()
    if reorder:
        order = _node_order(node)
        node = {n: node[n] for n in order}
        adj = {n: adj[n] for n in order}
    H._node = node  # type: ignore[attr-defined]  # the private dicts, as the build writes them
    H._adj = adj  # type: ignore[attr-defined]  # the private dicts, as the build writes them
    H.graph = graph_attrs
    nx._clear_cache(H)
    return H


def _introduction_attributes(introductions: Iterable[IntroductionRecord]) -> dict[str, Any]:
    open_pairs: set[frozenset[str]] = set()
    declined_pairs: set[frozenset[str]] = set()
    intro_load: Counter[str] = Counter()
    for intro in introductions:
        pair = frozenset((intro.a, intro.b))
        if intro.status == "collaborating":
            continue
        if intro.status in OPEN_INTRODUCTION_STATUSES:
            open_pairs.add(pair)
            for who in {intro.a, intro.b, intro.facilitator} - {MANAGER}:
                intro_load[who] += 1
        elif intro.status == "declined":
            declined_pairs.add(pair)
    return {"open_pairs": frozenset(open_pairs), "declined_pairs": frozenset(declined_pairs),
            "intro_load": dict(intro_load)}


# -- what a deletion takes along, and what a consented view sees ----------------------------------
def cascade_of(index: _Index, parties: Iterable[str]) -> dict[str, set[str]]:
    """The ties, projects, events and introductions the ``parties`` take part in."""
    out: dict[str, set[str]] = {"tie": set(), "project": set(), "event": set(), "introduction": set()}
    for party in parties:
        out["tie"] |= {tie_pair(*p) for p in index.ties_of.get(party, ())}
        out["project"] |= index.projects_of.get(party, set())
        out["event"] |= index.events_of.get(party, set())
        out["introduction"] |= index.introductions_of.get(party, set())
    return out


def consented_entities(base: LiveProjection, view: LiveProjection, viewer: Viewer,
                       laid: Mapping[str, Iterable[str]]) -> Entities:
    """What ``view`` (the projection of ``viewer``'s consented document) must lay in after
    ``base`` laid in the entities ``laid`` (kind -> ids): each as
    :func:`~graph_service.services.visibility.consented_document` gives it, and, for a member
    whose place in the view changes (seen now, or not any more), everything they take part in."""
    idx, mine = base.index, view.index
    wanted = {k: set(v) for k, v in laid.items()}
    members = wanted.get("member", set())
    now_kept = kept_members([m for i in members if (m := idx.members.get(i)) is not None], viewer)
    flipped = [i for i in members if (i in now_kept) != (i in mine.members)]
    for kind, ids in cascade_of(idx, flipped).items():
        wanted.setdefault(kind, set()).update(ids)
    kept = (set(mine.members) - members) | now_kept
    parties = kept | set(idx.organisations)

    out = Entities()
    out.members = {i: (as_seen_by(idx.members[i], viewer) if i in now_kept else None) for i in members}
    out.organisations = {i: idx.organisations.get(i) for i in wanted.get("organisation", ())}
    out.skills = {i: idx.skills.get(i) for i in wanted.get("skill", ())}
    for key in wanted.get("tie", ()):
        a, b = key.split(" ", 1)
        out.ties[key] = [t for t in idx.ties.get(_ordered(a, b), ())
                         if t.confirmed and t.source in parties and t.target in parties]
    for i in wanted.get("project", ()):
        p = idx.projects.get(i)
        out.projects[i] = (p if p is None or all(x in parties for x in p.team)
                           else p.model_copy(update={"team": [x for x in p.team if x in parties]}))
    for i in wanted.get("event", ()):
        e = idx.events.get(i)
        out.events[i] = (e if e is None or all(x in parties for x in e.attendees)
                         else e.model_copy(update={"attendees": [x for x in e.attendees if x in parties]}))
    for i in wanted.get("introduction", ()):
        x = idx.introductions.get(i)
        if x is None or x.a not in parties or x.b not in parties:
            out.introductions[i] = None
        elif x.facilitator == MANAGER or x.facilitator in kept:
            out.introductions[i] = x
        else:
            out.introductions[i] = x.model_copy(update={"facilitator": MANAGER})
    return out
