"""The global analyses of a big graph, computed in a background thread after every change.

Communities, betweenness (with the bridges answer built on it), the subsectors and the matrix of
the whole cluster take seconds at 100,000 members (docs/benchmarks.md, Global analytics). One
:class:`AnalysesWorker` per :class:`~graph_service.services.views.ProjectionCache` computes them
(:func:`graph_service.services.analyses.compute_globals`) whenever the projection's version
changes, for the manager's view and the shared view of each other role it is given, and a request
reads the latest completed result: its ``as_of`` names the graph version and time it was computed
on, and says "updating" while a newer one is being computed. No request waits for a recomputation.

How it follows the projection, without touching the cache: it only ever *peeks* at the
projection a view last brought up to date (:meth:`GraphView.peek`, the one hook in
``services/views.py``) and never refreshes it itself. A refresh is what requests do (each one
looks for change records at once after a local write, else once per ``check_interval``); a
refresh made by the worker beside them would, while under way, hand a request that follows a
write the projection from before it. So: a request that reads a global analysis brings its view
up to date first (as every request does), and when that view is newer than the latest result it
wakes the worker; local writes wake it too (``Database.on_write``), and it peeks every ``poll_s``
seconds.

Small graphs: at most ``sync_limit`` members (``GRAPH_SERVICE_ANALYTICS_SYNC_LIMIT``), the worker
computes nothing and requests compute the answers themselves, memoised per version, as before:
they take well under a second there, and an answer is then always of the current graph (which
the tests of hand-known graphs, and a manager who has just added a tie, expect). Above the limit,
the first request after start-up waits for the worker's first result (it never computes the
same thing a second time beside it); every later request is answered at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from graph_service.services import analyses
from graph_service.services.analyses import BetweennessPolicy, Globals
from graph_service.services.views import GraphView, ProjectionCache
from graph_service.services.visibility import Role, Viewer
from graph_service.settings import Settings

__all__ = ["AnalysesWorker", "start"]

log = logging.getLogger(__name__)


class AnalysesWorker:
    """Keeps the global analyses of ``cache`` (and of the shared views of ``roles``) up to date.

    Parameters
    ----------
    cache : ProjectionCache
        The projection whose changes are followed (its database's writes wake the worker).
    sync_limit : int
        Up to this many members the worker leaves the answers to the requests.
    roles : sequence of Role
        Whose views to keep: "manager" is the cache itself, any other role its shared
        :class:`~graph_service.services.views.ConsentView` (the view its visible members get).
    poll_s : float
        How often to peek at the views without being woken.
    policy : BetweennessPolicy, optional
        The betweenness policy (default: the settings').
    """

    def __init__(self, cache: ProjectionCache, *, sync_limit: int, roles: Sequence[Role] = ("manager", "member"),
                 poll_s: float = 1.0, policy: BetweennessPolicy | None = None) -> None:
        self._cache = cache
        self._views: list[GraphView] = [cache if role == "manager" else cache.view(Viewer(role)) for role in roles]
        self._sync_limit = sync_limit
        self._poll_s = poll_s
        self.policy = policy or analyses.betweenness_policy()
        """The betweenness policy it computes with (requests to its views ask for the same)."""
        self._cond = threading.Condition()
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._latest: dict[GraphView, Globals] = {}
        self._dirty = True  # a change was announced and not yet looked at
        self._computing = False
        self._rounds_started = 0
        self._rounds_done = 0
        self._thread: threading.Thread | None = None
        self.computed = 0
        """How many times the global analyses of a view were computed (for tests and logs)."""

    # -- control ----------------------------------------------------------------------------------

    def start(self) -> AnalysesWorker:
        """Serve the views' global analyses and start the thread."""
        for view in self._views:
            analyses.serve(view, self)
        self._cache.database.on_write(self.poke)
        self._thread = threading.Thread(target=self._run, name="global-analyses", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float | None = 30.0) -> None:
        """Stop serving, and stop the thread (after the computation under way, if any)."""
        for view in self._views:
            analyses.serve(view, None)
        self._stopped.set()
        self._wake.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def poke(self) -> None:
        """The graph changed (called after every local write, and by a request that brought a
        view past the latest result): look again now."""
        if self._stopped.is_set():
            return
        with self._cond:
            self._dirty = True
        self._wake.set()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every announced change has been looked at and computed (True), or
        ``timeout`` seconds (False)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._dirty or self._computing:
                left = deadline - time.monotonic()
                if left <= 0 or self._stopped.is_set():
                    return False
                self._cond.wait(left)
            return True

    # -- what requests read ------------------------------------------------------------------------

    def latest(self, view: GraphView) -> tuple[Globals, bool] | None:
        """The latest global analyses of ``view`` and whether newer ones are being computed.

        Brings ``view`` up to date first (the request's own refresh, as any request makes).
        None (compute on the request) when the graph is small, when ``view`` is not one the
        worker keeps, or when the worker stopped or failed before it had anything. Otherwise,
        if nothing was computed yet, waits for the worker's first result."""
        if view not in self._views or self._stopped.is_set():
            return None
        current = view.current()
        if current.members.number_of_nodes() <= self._sync_limit:
            return None
        with self._cond:
            found = self._latest.get(view)
            if found is not None:
                if found.version != current.version:  # newer than the worker knows of: wake it
                    self._dirty = True
                    self._wake.set()
                return found, self._dirty or self._computing
            self._dirty = True
            self._wake.set()
            target = self._rounds_started + 1  # a round that starts after this request came
            while view not in self._latest and self._rounds_done < target and not self._stopped.is_set():
                self._cond.wait(1.0)  # woken by the round's end; the timeout only re-checks
            found = self._latest.get(view)
            return None if found is None else (found, self._dirty or self._computing)

    # -- the thread --------------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopped.is_set():
            self._wake.wait(self._poll_s)
            self._wake.clear()
            if self._stopped.is_set():
                break
            with self._cond:
                self._rounds_started += 1
                self._dirty = False
            try:
                self._round()
            except Exception:  # never let the thread die: log it, try again after the next change
                log.exception("global analyses failed")
            finally:
                with self._cond:
                    self._computing = False
                    self._rounds_done += 1
                    self._cond.notify_all()

    def _round(self) -> None:
        for view in self._views:
            p = view.peek()
            if p is None:
                continue  # no request has asked this view for anything yet
            with self._cond:
                if p.members.number_of_nodes() <= self._sync_limit:
                    self._latest.pop(view, None)  # small: requests answer for the current graph
                    continue
                known = self._latest.get(view)
                if known is not None and known.version == p.version:
                    continue
                self._computing = True
            began = datetime.now(UTC).replace(microsecond=0)
            clock = time.perf_counter()
            values = analyses.compute_globals(p, bridges=view is self._cache, policy=self.policy)
            self.computed += 1
            log.info("global analyses of the %s view, graph version %s (%s members): %.1f s",
                     view.viewer.role, p.version, p.members.number_of_nodes(), time.perf_counter() - clock)
            with self._cond:
                self._latest[view] = Globals(p.version, began, values)
                self._cond.notify_all()


def start(cache: ProjectionCache, settings: Settings) -> AnalysesWorker | None:
    """The worker of the service's ``cache``, started, or None when the settings turn it off
    (``GRAPH_SERVICE_ANALYTICS_BACKGROUND=false``)."""
    if not settings.analytics_background:
        return None
    return AnalysesWorker(cache, sync_limit=settings.analytics_sync_limit,
                          poll_s=max(settings.projection_check_s, 0.5),
                          policy=BetweennessPolicy.from_settings(settings)).start()
