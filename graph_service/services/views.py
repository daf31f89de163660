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
first request after a change, and memoised per graph version: one shared view per audience, and
one per private viewer (a member who is not visible in their audience's view still sees
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
from graph_service.services.visibility import MANAGER_VIEW, VISIBLE_TO, Audience, Viewer, consented_document
from graph_service.store.database import Database
from graph_service.store.documents import export_document

__all__ = ["Projection", "ProjectionSource", "ProjectionCache", "ConsentView", "project", "source_for",
           "PRIVATE_VIEWS"]

T = TypeVar("T")

PRIVATE_VIEWS = 64
"""How many per-viewer views (of members not visible in their own audience's view) are kept."""


@dataclass(frozen=True, slots=True)
class Projection:
    """The graph at one version: ``members`` (members only), ``full`` (with organisations) and
    the ``document`` they were projected from (for the introduction history and KPIs)."""

    version: int
    members: nx.Graph
    full: nx.Graph
    document: Document


def project(version: int, doc: Document) -> Projection:
    """Project ``doc`` (at graph version ``version``) onto the collaboration graphs."""
    full = build_collaboration_graph(doc, include_organisations=True)
    members = full.subgraph(member_nodes(full)).copy()
    return Projection(version, members, full, doc)


class ProjectionSource:
    """What the services read: :meth:`current` and :meth:`memo`, for one :attr:`viewer`."""

    viewer: Viewer

    def __init__(self, memo_size: int) -> None:
        self._lock = threading.Lock()
        self._memo: OrderedDict[Hashable, Any] = OrderedDict()
        self._memo_size = memo_size
        self.builds = 0

    def current(self) -> Projection:  # pragma: no cover - abstract
        raise NotImplementedError

    def view(self, viewer: Viewer) -> ProjectionSource:  # pragma: no cover - abstract
        raise NotImplementedError

    def memo(self, key: Hashable, compute: Callable[[Projection], T]) -> T:
        """``compute(projection)``, remembered for the current version (and this view) under ``key``."""
        projection = self.current()
        full_key = (projection.version, key)
        with self._lock:
            if full_key in self._memo:
                self._memo.move_to_end(full_key)
                return self._memo[full_key]
        value = compute(projection)
        with self._lock:
            self._memo[full_key] = value
            while len(self._memo) > self._memo_size:
                self._memo.popitem(last=False)
        return value


class ProjectionCache(ProjectionSource):
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
        self._shared_views: dict[Audience, ConsentView] = {}
        self._private_views: OrderedDict[tuple[Audience, str], ConsentView] = OrderedDict()
        self._private_size = private_views
        db.on_write(self.invalidate)

    @property
    def database(self) -> Database:
        """The database projected (for answers that need more than the document, e.g. the KPIs
        of introductions whose member was erased)."""
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

    def view(self, viewer: Viewer) -> ProjectionSource:
        """The projection as ``viewer`` may see it: this cache itself for the manager, else a
        :class:`ConsentView` (shared per audience, or the viewer's own when they are a member
        that audience may not see)."""
        if viewer.audience == "manager":
            return self
        audience = viewer.audience
        if viewer.member_id is None or self._visible(viewer.member_id, audience):
            with self._views_lock:
                shared = self._shared_views.get(audience)
                if shared is None:
                    shared = ConsentView(self, Viewer(audience), self._memo_size)
                    self._shared_views[audience] = shared
                return shared
        key = (audience, viewer.member_id)
        with self._views_lock:
            own = self._private_views.get(key)
            if own is None:
                own = self._private_views[key] = ConsentView(self, viewer, self._memo_size)
                while len(self._private_views) > self._private_size:
                    self._private_views.popitem(last=False)
            else:
                self._private_views.move_to_end(key)
            return own

    def _visible(self, member_id: str, audience: Audience) -> bool:
        """Whether ``member_id`` is in ``audience``'s shared view (an unknown id counts as visible:
        the shared view answers "no such member" as well as any)."""
        nodes = self.current().members.nodes
        if member_id not in nodes:
            return True
        return nodes[member_id].get("visibility") in VISIBLE_TO[audience]


class ConsentView(ProjectionSource):
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

    def view(self, viewer: Viewer) -> ProjectionSource:
        """Another viewer's view (asked of the cache this view comes from)."""
        return self if viewer == self.viewer else self._cache.view(viewer)


def source_for(
    cache: ProjectionSource, *, viewer: Viewer | None = None, audience: Audience = "member",
    member_id: str | None = None,
) -> ProjectionSource:
    """The view an answer is computed on, for services that still take an ``audience``.

    An explicit ``viewer`` wins. Otherwise a ``cache`` that is already a viewer's view is used as
    it is (whoever passed it chose the viewer: ``audience`` may narrow it, never widen it), and
    the manager's cache gives the view of ``audience``, seen by ``member_id`` when the audience
    is ``member`` (a member asks about themselves).
    """
    if viewer is not None:
        return cache.view(viewer)
    if _WIDTH[audience] >= _WIDTH[cache.viewer.audience] and cache.viewer.audience != "manager":
        return cache
    return cache.view(Viewer(audience, member_id if audience == "member" else None))


_WIDTH: dict[str, int] = {"public": 0, "member": 1, "manager": 2}
