"""Bring a fresh database to the shape the service expects, once, and again after an outage."""

from __future__ import annotations

import threading

from graph_service.store.database import Database
from graph_service.store.documents import ensure_subsectors

__all__ = ["Readiness"]


class Readiness:
    """Applies the schema (constraints, indexes) and the 12 subsectors the first time Neo4j answers.

    ``ensure`` is cheap once done; when Neo4j was down at start-up it is retried on the next
    request, so the service recovers by itself.
    """

    def __init__(self) -> None:
        self._done = threading.Event()
        self._lock = threading.Lock()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def ensure(self, db: Database) -> None:
        if self._done.is_set():
            return
        with self._lock:
            if self._done.is_set():  # another thread did it while this one waited
                return
            db.apply_schema()
            ensure_subsectors(db)
            self._done.set()
