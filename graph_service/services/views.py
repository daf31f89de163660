"""The in-memory projection of the graph, refreshed when the graph changes, and its consented views.

The collaboration graph is read from Neo4j once (through the store's export queries) and kept
in memory with the version stamp it was read at. Every write bumps the stamp in Neo4j. Writes
made through this process mark the projection stale at once; writes made by other processes
(another service instance, an import from the CLI) are noticed by reading the stamp, at most
once every ``check_interval`` seconds, so a request does not pay a round trip to Neo4j when
nothing changed. Results of the analyses are memoised for the current version.

Consent: the cache itself is the manager's view of the whole graph. :meth:`ProjectionCache.view`
gives every other viewer a :class:`ConsentView` with the same interface (``current()``,
``memo()``), projected from :func:`~graph_service.services.visibility.consented_document`: the
members that viewer may see and the confirmed ties between them. Views are built lazily, on the
first request after a change, and memoised per graph version: one shared view per role, and
one per private viewer (a member who is not visible in their role's shared view still sees
themselves), kept in a small LRU.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

import networkx as nx

from graph_service.analytics import build_collaboration_graph, member_nodes
from graph_service.interchange import Document
from graph_service.services.visibility import MANAGER_VIEW, VISIBLE_TO, Role, Viewer, consented_document
from graph_service.store.database import Database
from graph_service.store.documents import export_document

__all__ = ["Projection", "GraphView", "ProjectionCache", "ConsentView", "project", "PRIVATE_VIEWS"]

T = TypeVar("T")

PRIVATE_VIEWS = 64
"""How many per-viewer views (of members not visible in the shared view of their role) are kept."""


@dataclass(frozen=True, slots=True)
class Projection:
    """The graph at one version: ``members`` (members only), ``full`` (with organisations) and
    the ``document`` they were projected from (for the introduction history and KPIs)."""

    version: int
    members: nx.Graph[str]
    full: nx.Graph[str]
    document: Document


def project(version: int, doc: Document) -> Projection:
    """Project ``doc`` (at graph version ``version``) onto the collaboration graphs."""
    full = build_collaboration_graph(doc, include_organisations=True)
    members = full.subgraph(member_nodes(full)).copy()
    return Projection(version, members, full, doc)


class GraphView:
    """The graph as one :attr:`viewer` may see it: what every service that answers from the
    projection receives (already narrowed by the caller, so a service never decides whose view
    it computes on). :meth:`current` is the projection, :meth:`memo` remembers results for it."""

    viewer: Viewer

    def __init__(self, memo_size: int) -> None:
        self._lock = threading.Lock()
        self._memo: OrderedDict[Hashable, Any] = OrderedDict()
        self._memo_size = memo_size
        self.builds = 0

    def current(self) -> Projection:  # pragma: no cover - abstract
        raise NotImplementedError

    def view(self, viewer: Viewer) -> GraphView:  # pragma: no cover - abstract
        raise NotImplementedError

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

    def memo(self, key: Hashable, compute: Callable[[Projection], T]) -> T:
        """``compute(projection)``, remembered for the current version (and this view) under ``key``."""
        projection = self.current()
        full_key = (projection.version, key)
        with self._lock:
            if full_key in self._memo:
                self._memo.move_to_end(full_key)
                remembered: T = self._memo[full_key]  # stored by compute() for this key
                return remembered
        value = compute(projection)
        with self._lock:
            self._memo[full_key] = value
            while len(self._memo) > self._memo_size:
                self._memo.popitem(last=False)
        return value


class ProjectionCache(GraphView):
    """Holds the current :class:`Projection` (the manager's view) and memoised results for it."""

    viewer = MANAGER_VIEW

    def __init__(self, db: Database, *, memo_size: int = 256, check_interval: float = 1.0,
                 private_views: int = PRIVATE_VIEWS):
        super().__init__(memo_size)
        self._db = db
        self._projection: Projection | None = None
        self._check_interval = check_interval
        self._checked_at = float("-inf")
        self._views_lock = threading.Lock()
        self._shared_views: dict[Role, ConsentView] = {}
        self._private_views: OrderedDict[tuple[Role, str], ConsentView] = OrderedDict()
        self._private_size = private_views
        db.on_write(self.invalidate)

    @property
    def database(self) -> Database:
        return self._db

    def invalidate(self) -> None:
        """Read the version stamp again at the next request (called after every local write)."""
        self._checked_at = float("-inf")

    def current(self) -> Projection:
        """The projection at the graph's current version (rebuilt only when it changed)."""
        projection = self._projection
        now = time.monotonic()
        if projection is not None and now - self._checked_at < self._check_interval:
            return projection
        version = self._db.version()
        self._checked_at = now
        if projection is not None and projection.version == version:
            return projection
        with self._lock:
            if self._projection is not None and self._projection.version == version:
                return self._projection
            self._projection = project(version, export_document(self._db))
            self._memo.clear()
            self.builds += 1
        with self._views_lock:
            # Views of an old version are rebuilt on demand; let the per-viewer ones go now.
            self._private_views.clear()
        return self._projection

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


class ConsentView(GraphView):
    """The projection of one viewer other than the manager, rebuilt from the cache's document
    (never from Neo4j) when the graph's version changes."""

    def __init__(self, cache: ProjectionCache, viewer: Viewer, memo_size: int):
        super().__init__(memo_size)
        self._cache = cache
        self.viewer = viewer
        self._projection: Projection | None = None
        self._build_lock = threading.Lock()

    def current(self) -> Projection:
        base = self._cache.current()
        projection = self._projection
        if projection is not None and projection.version == base.version:
            return projection
        with self._build_lock:
            projection = self._projection
            if projection is not None and projection.version == base.version:
                return projection
            projection = project(base.version, consented_document(base.document, self.viewer))
            with self._lock:
                self._projection = projection
                self._memo.clear()
            self.builds += 1
            return projection

    def view(self, viewer: Viewer) -> GraphView:
        """Another viewer's view (asked of the cache this view comes from)."""
        return self if viewer == self.viewer else self._cache.view(viewer)

    @property
    def database(self) -> Database:
        return self._cache.database

