"""Python's cyclic garbage collector, paused while the projection is made.

Reading the whole graph (:func:`graph_service.store.changes.read_document`) and building its
networkx graphs (:mod:`graph_service.analytics.graph`) allocate millions of records and edge
dicts at once; the collector would walk that growing heap again and again (a third of each
step's time at 20,000 members). They hold no cycles, so it is paused and runs again at the end.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector paused (if it ran) for the block, and running again after it."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
