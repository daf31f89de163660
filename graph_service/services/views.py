"""The in-memory projection of the graph, kept up to date by following the change records, and
its consented views.

The collaboration graph is read from Neo4j once (:func:`graph_service.store.changes.read_document`,
a few bulk queries) and kept in memory with the change positions it was read at. Every write
appends a numbered change record in its own transaction (:mod:`graph_service.store.changes`).
A write made through this process makes the next request look at once; writes made by other
processes (another service instance, the CLI) are noticed by reading the positions, at most once
every ``check_interval`` seconds. What the records after the positions name is re-read by id and
laid into the projection (:class:`~graph_service.services.changes.LiveProjection`): a new
document and new graphs that share everything unchanged with the old ones. The whole graph is
read again at start, on a gap in the numbers (records forgotten, a wiped graph), on a ``bulk``
record (an import, a restore) and on demand (:meth:`ProjectionCache.reload`).

Results of the analyses are memoised per view (:meth:`GraphView.memo`) with the **dependency
keys** they read (:data:`~graph_service.services.changes.DEPENDENCY_KEYS`: ``graph`` and the
document's sections); a change drops only the entries whose keys it touched, so a tie change
drops the graph analyses but not an answer computed from the events alone. A memo call that
names no keys depends on everything, unless its key's first element is one of
:data:`MEMO_DEPENDS`.

Consent: the cache itself is the manager's view of the whole graph. :meth:`ProjectionCache.view`
gives every other viewer a :class:`ConsentView` with the same interface (``current()``,
``memo()``), projected from :func:`~graph_service.services.visibility.consented_document`: the
members that viewer may see and the confirmed ties between them. A view follows the cache the
same way: it lays in the consented form of what the cache laid in since the view's version
(:func:`~graph_service.services.changes.consented_entities`), or is projected again when the
cache read everything in between. One shared view per role, and one per private viewer (a
member who is not visible in their role's shared view still sees themselves), kept in a small LRU.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Collection, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import networkx as nx

from graph_service.analytics import build_collaboration_graph
from graph_service.analytics.graph import members_graph
from graph_service.errors import QueryTimeout, StoreUnavailable
from graph_service.interchange import Document
from graph_service.services.changes import DEPENDENCY_KEYS, LiveProjection, consented_entities
from graph_service.services.visibility import MANAGER_VIEW, VISIBLE_TO, Role, Viewer, consented_document
from graph_service.store.changes import Positions, forget_changes, positions, read_changed, read_document
from graph_service.store.database import Database, awaited

__all__ = ["Projection", "GraphView", "ProjectionCache", "ConsentView", "project", "PRIVATE_VIEWS",
           "MEMO_DEPENDS", "FORGET_EVERY_S"]

T = TypeVar("T")
log = logging.getLogger(__name__)

PRIVATE_VIEWS = 64
"""How many per-viewer views (of members not visible in the shared view of their role) are kept."""
HISTORY = 256
"""How many refreshes the cache remembers for its consented views to catch up with."""
FORGET_EVERY_S = 600.0
"""How often (seconds) a cache deletes the change records older than a day."""

_GRAPH_ONLY = frozenset({"graph"})
MEMO_DEPENDS: dict[str, frozenset[str]] = {
    "communities": _GRAPH_ONLY,
    "subsectors": _GRAPH_ONLY,
    "matrix": _GRAPH_ONLY,
    "betweenness": _GRAPH_ONLY,
    "bridges": _GRAPH_ONLY,
}
"""The dependency keys of the memoised answers that do not name theirs, by the first element of
their memo key: the analyses read only the graphs (their nodes, node attributes and edges). (The
recommender's link model is not memoised: it is kept across changes, services/link_models.py.)"""


@dataclass(frozen=True, slots=True)
class Projection:
    """The graph at one version: ``members`` (members only), ``full`` (with organisations) and
    the ``document`` they were projected from (for the introduction history and KPIs);
    ``positions`` are the change positions it was read at (see
    :mod:`graph_service.store.changes`), ``version`` their sum."""

    version: int
    members: nx.Graph[str]
    full: nx.Graph[str]
    document: Document
    positions: Positions = ()


def project(version: int, doc: Document, positions: Positions = ()) -> Projection:
    """Project ``doc`` (at graph version ``version``) onto the collaboration graphs."""
    full = build_collaboration_graph(doc, include_organisations=True)
    return Projection(version, members_graph(full), full, doc, positions)


def _depends(key: Hashable, depends: Collection[str] | None) -> tuple[str, ...]:
    if depends is not None:
        unknown = set(depends) - DEPENDENCY_KEYS
        if unknown:
            raise ValueError(f"unknown dependency keys {sorted(unknown)}; known: {sorted(DEPENDENCY_KEYS)}")
        return tuple(sorted(depends))
    if isinstance(key, tuple) and key and isinstance(key[0], str) and key[0] in MEMO_DEPENDS:
        return tuple(sorted(MEMO_DEPENDS[key[0]]))
    return tuple(sorted(DEPENDENCY_KEYS))


class GraphView:
    """The graph as one :attr:`viewer` may see it: what every service that answers from the
    projection receives (already narrowed by the caller, so a service never decides whose view
    it computes on). :meth:`current` is the projection, :meth:`memo` remembers results for it."""

    viewer: Viewer

    def __init__(self, memo_size: int) -> None:
        self._lock = threading.Lock()
        # key -> (stamp, dependency keys, value); a stamp is (epoch, generations of the keys).
        self._memo: OrderedDict[Hashable, tuple[tuple[int, tuple[int, ...]], tuple[str, ...], Any]] = OrderedDict()
        self._memo_size = memo_size
        self._epoch = 0
        self._generations: dict[str, int] = dict.fromkeys(DEPENDENCY_KEYS, 0)
        self._stamped: Projection | None = None
        self.builds = 0
        """How many times this view was projected from a whole document."""
        self.refreshes = 0
        """How many times this view laid changed entities in."""

    def current(self) -> Projection:  # pragma: no cover - abstract
        raise NotImplementedError

    def view(self, viewer: Viewer) -> GraphView:  # pragma: no cover - abstract
        raise NotImplementedError

    def peek(self) -> Projection | None:
        """The projection as last brought up to date, without looking for changes (None before
        the first ``current()``). For the background analyses (services/background.py): they
        follow what requests bring up to date and never refresh the projection themselves, as a
        refresh under way beside a request would hand that request the older projection."""
        projection: Projection | None = getattr(self, "_projection", None)
        return projection

    def visible_ids(self) -> frozenset[str] | None:
        """The ids of the members (and organisations) this view shows, or None for the manager's
        view (everything)."""
        if self.viewer.is_manager:
            return None
        doc = self.current().document
        return frozenset([m.id for m in doc.members] + [o.id for o in doc.organisations])

    @property
    def database(self) -> Database:  # pragma: no cover - abstract
        """The database projected (for writes that follow an answer, and the manager's KPIs of
        introductions whose member was erased)."""
        raise NotImplementedError

    def _advance(self, projection: Projection, touched: frozenset[str] | None) -> None:
        """Make ``projection`` current; ``touched``: the dependency keys that changed (None:
        everything, a projection from a whole document). Memo entries that read them go."""
        with self._lock:
            if touched is None:
                self._epoch += 1
                self._memo.clear()
            elif touched:
                for k in touched:
                    self._generations[k] += 1
                for key in [k for k, (_s, deps, _v) in self._memo.items() if touched.intersection(deps)]:
                    del self._memo[key]
            self._stamped = projection

    def _stamp(self, deps: tuple[str, ...]) -> tuple[int, tuple[int, ...]]:
        return self._epoch, tuple(self._generations[d] for d in deps)

    def memo(self, key: Hashable, compute: Callable[[Projection], T], *,
             depends: Collection[str] | None = None) -> T:
        """``compute(projection)``, remembered (for this view) under ``key`` until something it
        ``depends`` on changes: dependency keys from
        :data:`~graph_service.services.changes.DEPENDENCY_KEYS` (default: :data:`MEMO_DEPENDS`
        by the key's first element, else all of them)."""
        deps = _depends(key, depends)
        self.current()
        with self._lock:
            projection = self._stamped
            stamp = self._stamp(deps)
            entry = self._memo.get(key)
            if entry is not None and entry[0] == stamp:
                self._memo.move_to_end(key)
                remembered: T = entry[2]  # stored by compute() for this key
                return remembered
        assert projection is not None  # current() stamped one
        value = compute(projection)
        with self._lock:
            if self._stamp(deps) == stamp:  # nothing it reads changed meanwhile
                self._memo[key] = (stamp, deps, value)
                self._memo.move_to_end(key)
                while len(self._memo) > self._memo_size:
                    self._memo.popitem(last=False)
        return value


class ProjectionCache(GraphView):
    """Holds the current :class:`Projection` (the manager's view), follows the change records,
    and keeps the memoised results that still hold."""

    viewer = MANAGER_VIEW

    def __init__(self, db: Database, *, memo_size: int = 256, check_interval: float = 1.0,
                 private_views: int = PRIVATE_VIEWS):
        super().__init__(memo_size)
        self._db = db
        self._projection: Projection | None = None
        self._live: LiveProjection | None = None
        self._check_interval = check_interval
        self._checked_at = float("-inf")
        # A local write's invalidation must not be lost to a look at the positions under way beside
        # it: the look marks the projection checked only if no invalidation came since it began.
        self._check_lock = threading.Lock()
        self._invalidations = 0
        self._change_listeners: list[Callable[[Mapping[str, set[str]] | None], None]] = []
        self._forgot_at = time.monotonic()
        self._full_wanted = False
        self._build_lock = threading.RLock()
        # (version before, version after, what was laid in or None for a whole read), oldest first.
        self._history: deque[tuple[int, int, dict[str, set[str]] | None]] = deque(maxlen=HISTORY)
        self._views_lock = threading.Lock()
        self._shared_views: dict[Role, ConsentView] = {}
        self._private_views: OrderedDict[tuple[Role, str], ConsentView] = OrderedDict()
        self._private_size = private_views
        self.full_reads = 0
        """How many times the whole graph was read."""
        db.on_write(self.invalidate)

    @property
    def database(self) -> Database:
        return self._db

    def on_changes(self, listener: Callable[[Mapping[str, set[str]] | None], None]) -> None:
        """Call ``listener(changed)`` whenever this cache takes in change records: ``changed`` maps
        each kind to the ids the records name, or is None when the whole graph was read (at start,
        on a gap, a bulk record or a reload). The key cache follows key revocations made by other
        processes this way (api/auth/principals.py)."""
        self._change_listeners.append(listener)

    def checked_at(self) -> float:
        """When (``time.monotonic()``) this cache last looked at the change positions; -inf when
        the next request must look again."""
        return self._checked_at

    def _tell(self, changed: Mapping[str, set[str]] | None) -> None:
        for listener in self._change_listeners:
            listener(changed)

    def invalidate(self) -> None:
        """Look for change records at the next request (called after every local write)."""
        with self._check_lock:
            self._invalidations += 1
            self._checked_at = float("-inf")

    def reload(self) -> None:
        """Read the whole graph again at the next request."""
        self._full_wanted = True
        self.invalidate()

    def current(self) -> Projection:
        """The projection at the graph's current change positions (looked at once a request must
        see a write of another process that this projection does not hold yet:
        :func:`~graph_service.store.database.awaited`)."""
        projection = self._projection
        now = time.monotonic()
        wanted = awaited()
        if (projection is not None and not self._full_wanted and now - self._checked_at < self._check_interval
                and (wanted is None or wanted.seen_in(projection.positions))):
            return projection
        began = self._invalidations
        seen = positions(self._db)
        with self._check_lock:
            if self._invalidations == began:
                self._checked_at = now
        if projection is not None and not self._full_wanted and _reached(projection.positions, seen):
            return projection
        with self._build_lock:
            projection = self._projection
            if projection is None or self._full_wanted or self._live is None:
                projection = self._read_all()
            elif not _reached(projection.positions, seen):
                changes, found = read_changed(self._db, projection.positions, self._live.cascade)
                if not changes.complete:
                    log.info("projection: %s after version %d; reading the whole graph",
                             "a bulk record" if "bulk" in changes.changed else "a gap in the change records",
                             projection.version)
                    projection = self._read_all()
                elif changes.positions != projection.positions:
                    self._tell(changes.changed)
                    refreshed = self._live.refresh(found)
                    version = sum(changes.positions)
                    self._history.append((projection.version, version, refreshed.laid))
                    projection = Projection(version, refreshed.members, refreshed.full, refreshed.document,
                                            changes.positions)
                    self._projection = projection
                    self.refreshes += 1
                    self._advance(projection, refreshed.touched)
        self._forget_old_changes()
        return projection

    def _read_all(self) -> Projection:
        self._full_wanted = False
        seen, doc = read_document(self._db)
        version = sum(seen)
        before = self._projection.version if self._projection is not None else -1
        projection = project(version, doc, seen)
        self._live = LiveProjection(doc, projection.members, projection.full)
        self._history.append((before, version, None))
        self._projection = projection
        self.builds += 1
        self.full_reads += 1
        self._advance(projection, None)
        with self._views_lock:
            # Views of an old version are projected again on demand; let the per-viewer ones go now.
            self._private_views.clear()
        self._tell(None)
        return projection

    def _forget_old_changes(self) -> None:
        now = time.monotonic()
        if now - self._forgot_at < FORGET_EVERY_S:
            return
        self._forgot_at = now
        try:
            forget_changes(self._db)
        except (StoreUnavailable, QueryTimeout) as exc:  # another time: nothing depends on it
            log.warning("projection: could not delete old change records: %s", exc)

    def laid_since(self, version: int) -> dict[str, set[str]] | None:
        """What the refreshes after ``version`` laid in (kind -> ids), or None when the history
        does not reach back to it or the whole graph was read since (call with the build lock)."""
        entries = [e for e in self._history if e[1] > version]
        if not entries or entries[0][0] != version:
            return None
        out: dict[str, set[str]] = {}
        for _before, _after, laid in entries:
            if laid is None:
                return None
            for kind, ids in laid.items():
                out.setdefault(kind, set()).update(ids)
        return out

    def view(self, viewer: Viewer) -> GraphView:
        """The projection as ``viewer`` may see it: this cache itself for the manager, else a
        :class:`ConsentView` (shared per role, or the viewer's own when they are a member
        their role may not see)."""
        if viewer.role == "manager":
            return self
        role = viewer.role
        if viewer.member_id is None or self._visible(viewer.member_id, role):
            with self._views_lock:
                shared = self._shared_views.get(role)
                if shared is None:
                    shared = ConsentView(self, Viewer(role), self._memo_size)
                    self._shared_views[role] = shared
                return shared
        key = (role, viewer.member_id)
        with self._views_lock:
            own = self._private_views.get(key)
            if own is None:
                own = self._private_views[key] = ConsentView(self, viewer, self._memo_size)
                while len(self._private_views) > self._private_size:
                    self._private_views.popitem(last=False)
            else:
                self._private_views.move_to_end(key)
            return own

    def _visible(self, member_id: str, role: Role) -> bool:
        """Whether ``member_id`` is in the shared view of ``role`` (an unknown id counts as
        visible: the shared view answers "no such member" as well as any)."""
        nodes = self.current().members.nodes
        if member_id not in nodes:
            return True
        return nodes[member_id].get("visibility") in VISIBLE_TO[role]


def _reached(have: Positions, seen: Positions) -> bool:
    """Whether positions ``have`` include everything up to ``seen``."""
    return len(have) == len(seen) and all(h >= s for h, s in zip(have, seen, strict=True))


class ConsentView(GraphView):
    """The projection of one viewer other than the manager, kept up to date from the cache's
    projection (never from Neo4j): the consented form of what the cache laid in, or, when the
    cache read the whole graph since, a projection of the consented document."""

    def __init__(self, cache: ProjectionCache, viewer: Viewer, memo_size: int):
        super().__init__(memo_size)
        self._cache = cache
        self.viewer = viewer
        self._projection: Projection | None = None
        self._live: LiveProjection | None = None
        self._build_lock = threading.Lock()

    def current(self) -> Projection:
        base = self._cache.current()
        projection = self._projection
        if projection is not None and _reached(projection.positions, base.positions):
            return projection
        with self._build_lock:
            projection = self._projection
            if projection is not None and _reached(projection.positions, base.positions):
                return projection
            cache = self._cache
            with cache._build_lock:
                target = cache._projection or base
                laid = cache.laid_since(projection.version) if projection is not None else None
                if laid is not None and self._live is not None and cache._live is not None:
                    entities = consented_entities(cache._live, self._live, self.viewer, laid)
                    refreshed = self._live.refresh(entities)
                    projection = Projection(target.version, refreshed.members, refreshed.full,
                                            refreshed.document, target.positions)
                    touched: frozenset[str] | None = refreshed.touched
                    self.refreshes += 1
            if laid is None or self._live is None:
                projection = project(target.version, consented_document(target.document, self.viewer),
                                     target.positions)
                self._live = LiveProjection(projection.document, projection.members, projection.full)
                touched = None
                self.builds += 1
            assert projection is not None
            self._projection = projection
            self._advance(projection, touched)
            return projection

    def view(self, viewer: Viewer) -> GraphView:
        """Another viewer's view (asked of the cache this view comes from)."""
        return self if viewer == self.viewer else self._cache.view(viewer)

    @property
    def database(self) -> Database:
        return self._cache.database
