"""How often each suggestion was shown to a member, kept in the process for the request path.

A recommendation ranks down the suggestions shown before and ignored
(:func:`graph_service.services.recommendations.ignored_penalty`), so every recommendation needs
the member's impression counts (``SHOWN`` relationships, :mod:`graph_service.store.recommendations`).
Reading them from Neo4j took one round trip per request; :class:`ImpressionCache` keeps them per
member instead:

* **this process's own impressions** (:func:`record`) are added to the kept counts as soon as
  their write has committed, so the next recommendation in this process ranks with them;
* **other processes' impressions** are seen within ``interval`` seconds (``GRAPH_SERVICE_IMPRESSIONS_CHECK``,
  30 by default: an impression only ranks an ignored suggestion down, and re-reading every member in
  steady use each second took a quarter of the API's samples on the 300-member cluster, competing
  with the requests for the two cores; docs/benchmarks.md, Request path): kept counts are never used longer
  than ``interval`` after the read they come from began. A member asked for again after half
  that time is re-read in the background (one thread, one read per member at a time), so at a
  steady rate of requests none of them waits for Neo4j; only the first request for a member, or
  one after a pause longer than ``interval``, reads on its own path;
* **a local write that changes the cluster** (an import, an erasure, a restore, clearing the graph:
  every write that appends a change record, :meth:`graph_service.store.database.Database.on_write`)
  forgets every kept count, as it may have deleted impressions.

``interval`` 0 reads every request from Neo4j, as before the cache. One cache per
:class:`~graph_service.store.database.Database` object (:func:`cache_for`), at most ``size``
members (least recently asked for go first).
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from graph_service.errors import StoreError
from graph_service.store.database import Database
from graph_service.store.recommendations import impression_counts, record_impressions

__all__ = ["ImpressionCache", "cache_for", "counts", "record", "CACHE_SIZE"]

log = logging.getLogger(__name__)

CACHE_SIZE = 4096
"""Members whose counts one process keeps at most."""


class ImpressionCache:
    """Impression counts per member, read through from Neo4j at most every ``interval`` seconds
    per member (see the module's docstring)."""

    def __init__(self, db: Database, *, interval: float, size: int = CACHE_SIZE):
        self._db_ref = weakref.ref(db)  # the database keeps its cache (on_write), not the other way round
        self.interval = interval
        self._size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[dict[str, int], float]] = OrderedDict()  # member -> (counts, read at)
        # A read may keep its answer only if nothing that could make it stale happened while it ran:
        # ``_epoch`` moves when everything is forgotten, ``_generation[m]`` when m's impressions are
        # written here, and ``_writing[m]`` counts m's writes under way.
        self._epoch = 0
        self._generation: dict[str, int] = {}
        self._writing: dict[str, int] = {}
        self._refreshing: set[str] = set()
        self._refresher: ThreadPoolExecutor | None = None
        self.reads = 0
        """How many times counts were read from Neo4j (on a request's path or in the background)."""
        db.on_write(self.clear)

    @property
    def _db(self) -> Database:
        db = self._db_ref()
        if db is None:  # pragma: no cover - the cache is reached through its database
            raise RuntimeError("the database of this impression cache is gone")
        return db

    def counts(self, member_id: str) -> dict[str, int]:
        """How often each party was shown to ``member_id``, by the party's id (a new dict)."""
        if self.interval <= 0:
            self.reads += 1
            return impression_counts(self._db, member_id)
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(member_id)
            if entry is not None and now - entry[1] < self.interval:
                self._entries.move_to_end(member_id)
                if now - entry[1] >= self.interval / 2 and member_id not in self._refreshing:
                    self._refreshing.add(member_id)
                    self._background().submit(self._refresh, member_id)
                return dict(entry[0])
        return self._read(member_id)

    def record(self, member_id: str, shown: Sequence[str], *, today: date) -> None:
        """Write that ``shown`` were suggested to ``member_id`` (:func:`record_impressions`) and
        count them in the kept counts once the write has committed."""
        with self._lock:
            self._generation[member_id] = self._generation.get(member_id, 0) + 1
            self._writing[member_id] = self._writing.get(member_id, 0) + 1
        committed = False
        try:
            record_impressions(self._db, member_id, shown, today=today)
            committed = True
        finally:
            with self._lock:
                self._generation[member_id] += 1
                self._writing[member_id] -= 1
                if not self._writing[member_id]:
                    del self._writing[member_id]
                entry = self._entries.get(member_id)
                if entry is not None:
                    if committed:  # the same arithmetic as cypher/recommendations/record_impressions
                        kept = dict(entry[0])
                        for party in shown:
                            kept[party] = kept.get(party, 0) + 1
                        self._entries[member_id] = (kept, entry[1])
                    else:  # cut off mid-commit: the outcome is unknown, read it again
                        del self._entries[member_id]
                if len(self._generation) > 4 * self._size and not self._writing:
                    self._generation.clear()  # bounded; no read under way may keep its answer
                    self._epoch += 1

    def clear(self) -> None:
        """Forget every kept count (called after every local write that changes the cluster)."""
        with self._lock:
            self._epoch += 1
            self._entries.clear()

    def _read(self, member_id: str) -> dict[str, int]:
        with self._lock:
            stamp = (self._epoch, self._generation.get(member_id, 0))
        began = time.monotonic()
        found = impression_counts(self._db, member_id)
        with self._lock:
            self.reads += 1
            if (self._epoch, self._generation.get(member_id, 0)) == stamp and member_id not in self._writing:
                self._entries[member_id] = (found, began)
                self._entries.move_to_end(member_id)
                while len(self._entries) > self._size:
                    self._entries.popitem(last=False)
        return dict(found)

    def _refresh(self, member_id: str) -> None:
        try:
            self._read(member_id)
        except StoreError as exc:  # the kept counts run out; the next request reads and says why
            log.warning("impressions: could not re-read the counts of %s: %s", member_id, exc)
        finally:
            with self._lock:
                self._refreshing.discard(member_id)

    def _background(self) -> ThreadPoolExecutor:
        if self._refresher is None:
            self._refresher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="impressions")
        return self._refresher


_caches: weakref.WeakKeyDictionary[Database, ImpressionCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def cache_for(db: Database) -> ImpressionCache:
    """The impression cache of ``db`` (made on first use, with ``db.settings.impressions_check_s``)."""
    cache = _caches.get(db)
    if cache is None:
        with _caches_lock:
            cache = _caches.get(db)
            if cache is None:
                cache = _caches[db] = ImpressionCache(db, interval=db.settings.impressions_check_s)
    return cache


def counts(db: Database, member_id: str) -> dict[str, int]:
    """How often each party was shown to ``member_id`` (:meth:`ImpressionCache.counts`)."""
    return cache_for(db).counts(member_id)


def record(db: Database, member_id: str, shown: Sequence[str], *, today: date) -> None:
    """Remember that ``shown`` were suggested to ``member_id`` on ``today`` (:meth:`ImpressionCache.record`)."""
    cache_for(db).record(member_id, shown, today=today)
