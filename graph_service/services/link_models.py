"""The link predictor each view ranks recommendations with: kept from one fit to the next while
the graph drifts little, refitted in a background thread when it has drifted enough.

A fit takes seconds (1.9-9 s at 300 members, ``bench/recommend_speed.py --learned``), so it is
not redone on every tie change. One :class:`ModelKeeper` per view (the manager's
:class:`~graph_service.services.views.ProjectionCache` and each
:class:`~graph_service.services.views.ConsentView`, so a model never learns from what its view
may not see) keeps the latest :class:`Fit`: the model and what it was fitted on (the graph
version, the members and the member-member ties, as 64-bit hashes: 8 bytes a tie).

* **Features always come from the current graph**; only the fitted weights are reused.
* **The rule** (:meth:`Drift.passes`): the kept model is reused while, since its fit, fewer than
  ``refit_share`` of the ties at the fit were added or removed (the symmetric difference of the
  tie pairs) and fewer than ``refit_share`` of the members came or went. The share is the setting
  ``GRAPH_SERVICE_MODEL_REFIT_SHARE`` (default 0.05): on the seed cluster (1,106 ties, 300
  members in the manager's view), 56 tie changes or 15 members.
* **Past the threshold** the keeper refits in its background thread (one at a time per view,
  seed :data:`SEED`: the same graph gives the same model) on the projection the view last
  brought up to date (:meth:`~graph_service.services.views.GraphView.peek`; the thread never
  refreshes a projection itself, as the background analyses do not either). Requests keep using
  the old model meanwhile and say so (:class:`ModelAsOf`, ``refitting``); the new one replaces it
  when done. Measuring the drift (a pass over the ties) is done by the thread too, never by a
  request.
* **No model yet**: the first request of a view fits it synchronously (no start-up warming: views
  are made on demand, one per role and per private viewer, and most never get a recommendation
  request; warming all of them would cost every start, CLI command and test app seconds of CPU
  for nothing). While the graph is too small to learn from (the fit returns None), requests use
  the classic score and fit again at the next graph version: such fits return at once.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import networkx as nx
import numpy as np
import numpy.typing as npt

from graph_service.analytics.recommendations import LinkModel, fit_link_model
from graph_service.services.views import GraphView, Projection

__all__ = ["SEED", "Fit", "Drift", "ModelAsOf", "ModelKeeper", "drift", "keeper", "install"]

log = logging.getLogger(__name__)

SEED = 0
"""The seed of every fit the keepers make (the same graph gives the same model)."""

Hashes = npt.NDArray[np.int64]
Fitter = Callable[["nx.Graph[str]"], "LinkModel | None"]


def _hashes(items: Iterable[Hashable]) -> Hashes:
    """The sorted distinct 64-bit hashes of ``items`` (what a fit remembers of its graph)."""
    return np.unique(np.fromiter((hash(x) for x in items), dtype=np.int64))


def _member_hashes(G: nx.Graph[str]) -> Hashes:
    return _hashes(v for v, d in G.nodes(data=True) if d.get("node_type", "member") == "member")


def _tie_hashes(G: nx.Graph[str]) -> Hashes:
    """The member-member ties of ``G`` (its structural edges: not the co-attendance contacts)."""
    return _hashes((a, b) if a < b else (b, a) for a, b, d in G.edges(data=True)
                   if d.get("structural", True) and a != b)


@dataclass(frozen=True, slots=True, eq=False)
class Fit:
    """A fitted link predictor (None: the graph was too small to learn from) and what it was
    fitted on: the graph ``version``, when the fit started, how long it took, and the hashes of
    the members and ties of the graph (to measure the drift since)."""

    model: LinkModel | None
    version: int
    fitted_at: datetime
    seconds: float
    members: Hashes
    ties: Hashes


@dataclass(frozen=True, slots=True)
class Drift:
    """How far a graph is from the one a :class:`Fit` was made on."""

    ties_changed: int
    """Ties added plus ties removed since the fit."""
    ties_at_fit: int
    members_changed: int
    """Members added plus members removed since the fit."""
    members_at_fit: int

    def passes(self, share: float) -> bool:
        """Whether the graph changed enough to refit: at least ``share`` of the ties at the fit
        changed, or at least ``share`` of its members (and in either case at least one)."""
        return any(changed > 0 and changed >= share * at_fit for changed, at_fit in
                   ((self.ties_changed, self.ties_at_fit), (self.members_changed, self.members_at_fit)))


def drift(fit: Fit, G: nx.Graph[str]) -> Drift:
    """The drift of members graph ``G`` from the graph ``fit`` was made on."""
    ties = np.setxor1d(fit.ties, _tie_hashes(G), assume_unique=True)
    members = np.setxor1d(fit.members, _member_hashes(G), assume_unique=True)
    return Drift(len(ties), len(fit.ties), len(members), len(fit.members))


@dataclass(frozen=True, slots=True)
class ModelAsOf:
    """Which fit of the link predictor ranked an answer.

    ``version``: the graph version it was fitted on; ``fitted_at``: when that fit started (UTC);
    ``refitting``: the graph has drifted past the threshold since, and a new model is being
    fitted in the background (this one ranks until it is done); ``note``: all that in words."""

    version: int
    fitted_at: datetime
    refitting: bool
    note: str

    @staticmethod
    def of(fit: Fit, *, refitting: bool) -> ModelAsOf:
        note = (f"ranked by the model fitted on the graph at {fit.fitted_at:%Y-%m-%d %H:%M} UTC (version "
                f"{fit.version})" + (", refitting" if refitting else ""))
        return ModelAsOf(fit.version, fit.fitted_at, refitting, note)


class ModelKeeper:
    """Keeps the link predictor of one view (see the module docstring).

    Parameters
    ----------
    view : GraphView
        Whose graph the model learns from (held weakly: the keeper goes with its view).
    refit_share : float
        The threshold of :meth:`Drift.passes` (``GRAPH_SERVICE_MODEL_REFIT_SHARE``).
    fit : callable, optional
        Fits a model on a members graph; by default ``fit_link_model(G, seed=SEED)``.
    """

    def __init__(self, view: GraphView, *, refit_share: float, fit: Fitter | None = None) -> None:
        self._view = weakref.ref(view)
        self._role = view.viewer.role
        self.refit_share = refit_share
        self._fitter: Fitter = fit or (lambda G: fit_link_model(G, seed=SEED))
        self._cond = threading.Condition()
        self._first = threading.Lock()  # one synchronous fit at a time
        self._kept: Fit | None = None
        self._looked_at: int | None = None  # the latest graph version the drift was measured on
        self._wanted = False  # a request saw a version not looked at yet
        self._busy = False  # the thread runs
        self._refitting = False
        self.fits = 0
        """How many fits this keeper made (the first one included)."""
        self.refits = 0
        """How many of them were made in the background."""

    # -- what requests read -------------------------------------------------------------------------

    def model(self, projection: Projection) -> tuple[LinkModel | None, ModelAsOf | None]:
        """The model to rank ``projection`` (the view's, as the request holds it) with, and which
        fit it is (None with the classic score, when the graph is too small to learn from).

        Never waits for a refit once a model exists; a graph version not looked at yet wakes
        the thread, which measures the drift and refits if it passes the threshold."""
        with self._cond:
            kept = self._kept
            if kept is not None and kept.model is not None:
                if projection.version != self._looked_at:
                    self._wake()
                return kept.model, ModelAsOf.of(kept, refitting=self._refitting)
        with self._first:
            with self._cond:
                kept = self._kept
                learned = kept is not None and kept.model is not None
            if kept is None or (not learned and kept.version != projection.version):
                kept = self._fit_on(projection)
                with self._cond:
                    if self._kept is None or self._kept.model is None:
                        self._kept, self._looked_at = kept, projection.version
                    kept = self._kept
            with self._cond:
                if kept.model is None:
                    return None, None
                return kept.model, ModelAsOf.of(kept, refitting=self._refitting)

    @property
    def kept(self) -> Fit | None:
        """The latest fit (None before the first request)."""
        with self._cond:
            return self._kept

    @property
    def refitting(self) -> bool:
        """Whether a refit is under way."""
        with self._cond:
            return self._refitting

    def wait_idle(self, timeout: float) -> bool:
        """Wait until the thread has looked at every graph version requests announced and made
        the refit they called for (True), or ``timeout`` seconds (False). For tests and benches."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._busy or self._wanted:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    # -- the background thread ----------------------------------------------------------------------

    def _fit_on(self, projection: Projection) -> Fit:
        began = datetime.now(UTC).replace(microsecond=0)
        clock = time.perf_counter()
        G = projection.members
        model = self._fitter(G)
        seconds = time.perf_counter() - clock
        with self._cond:
            self.fits += 1
        log.info("link model of the %s view, graph version %s (%s members): %.1f s",
                 self._role, projection.version, G.number_of_nodes(), seconds)
        return Fit(model, projection.version, began, seconds, _member_hashes(G), _tie_hashes(G))

    def _wake(self) -> None:
        """(With the condition held.) Have the thread look at the view's latest graph."""
        self._wanted = True
        if not self._busy:
            self._busy = True
            threading.Thread(target=self._run, name=f"link-model-{self._role}", daemon=True).start()

    def _run(self) -> None:
        try:
            while True:
                with self._cond:
                    if not self._wanted:  # stop in the same hold of the lock as _wake() looks at _busy
                        self._busy = False
                        self._cond.notify_all()
                        return
                    self._wanted = False
                    kept, looked_at = self._kept, self._looked_at
                view = self._view()
                projection = view.peek() if view is not None else None
                del view
                if projection is None or kept is None or projection.version == looked_at:
                    continue
                if not drift(kept, projection.members).passes(self.refit_share):
                    with self._cond:
                        self._looked_at = projection.version
                    continue
                with self._cond:
                    self._refitting = True
                new: Fit | None = None
                try:
                    new = self._fit_on(projection)
                except Exception:  # keep the old model; try again at the next graph version
                    log.exception("refitting the link model of the %s view failed", self._role)
                with self._cond:
                    self._refitting = False
                    if new is not None:
                        self._kept = new
                        self.refits += 1
                    self._looked_at = projection.version
        except BaseException:
            with self._cond:
                self._busy = self._refitting = False
                self._cond.notify_all()
            raise


_KEEPERS: weakref.WeakKeyDictionary[GraphView, ModelKeeper] = weakref.WeakKeyDictionary()
_KEEPERS_LOCK = threading.Lock()


def keeper(view: GraphView) -> ModelKeeper:
    """The model keeper of ``view`` (made on first use, with the threshold of the settings of
    the view's database: ``GRAPH_SERVICE_MODEL_REFIT_SHARE``)."""
    with _KEEPERS_LOCK:
        found = _KEEPERS.get(view)
        if found is None:
            found = _KEEPERS[view] = ModelKeeper(view, refit_share=view.database.settings.model_refit_share)
        return found


def install(view: GraphView, kept_by: ModelKeeper) -> None:
    """Have ``kept_by`` keep the model of ``view`` from now on (benches and tests: a keeper with
    its own threshold or fitter)."""
    with _KEEPERS_LOCK:
        _KEEPERS[view] = kept_by
