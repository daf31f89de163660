"""The in-memory projection of the graph, refreshed when the graph changes.

The collaboration graph is read from Neo4j once (through the store's export queries) and kept
in memory with the version stamp it was read at. Every write bumps the stamp in Neo4j. Writes
made through this process mark the projection stale at once; writes made by other processes
(another service instance, an import from the CLI) are noticed by reading the stamp, at most
once every ``check_interval`` seconds, so a request does not pay a round trip to Neo4j when
nothing changed. Results of the analyses are memoised for the current version.
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
from graph_service.store.database import Database
from graph_service.store.documents import export_document

__all__ = ["Projection", "ProjectionCache"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Projection:
    """The graph at one version: ``members`` (members only), ``full`` (with organisations) and
    the ``document`` they were projected from (for the introduction history and KPIs)."""

    version: int
    members: nx.Graph
    full: nx.Graph
    document: Document


class ProjectionCache:
    """Holds the current :class:`Projection` and memoised results for it."""

    def __init__(self, db: Database, *, memo_size: int = 256, check_interval: float = 1.0):
        self._db = db
        self._lock = threading.Lock()
        self._projection: Projection | None = None
        self._memo: OrderedDict[Hashable, Any] = OrderedDict()
        self._memo_size = memo_size
        self._check_interval = check_interval
        self._checked_at = float("-inf")
        self.builds = 0
        db.on_write(self.invalidate)

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
            doc = export_document(self._db)
            full = build_collaboration_graph(doc, include_organisations=True)
            members = full.subgraph(member_nodes(full)).copy()
            self._projection = Projection(version, members, full, doc)
            self._memo.clear()
            self.builds += 1
            return self._projection

    def memo(self, key: Hashable, compute: Callable[[Projection], T]) -> T:
        """``compute(projection)``, remembered for the current version under ``key``."""
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
