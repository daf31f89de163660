"""Network analyses for the manager: communities, isolated subsectors, the subsector matrix, bridges.

Every analysis can run on a subset (one subsector, or the members who joined before a date) so
the network can be compared over time. Results are memoised per graph version and subset.

The global analyses (the whole cluster, default options: what the maps, the report and the
bridges answer read) of a big graph are computed by the background worker
(:mod:`graph_service.services.background`) after every change, so no request waits for them: a
request reads the latest completed result, and its :class:`AsOf` says which graph version that
was and whether a newer one is being computed. The worker hooks in through :func:`serve`; without
one (the CLI, a test's view), or below its size limit, they are computed on the request.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime
from typing import Any, Literal, Protocol, TypeVar

import networkx as nx

from graph_service.analytics import (
    Betweenness,
    BrokerageReport,
    ClusterLink,
    CommunityReport,
    IsolatedMembers,
    Matrix,
    SubsectorIsolation,
    brokers,
    cluster_links,
    detect_communities,
    subsector_isolation,
    subsector_matrix,
    subset,
    tie_betweenness,
    ties_graph,
)
from graph_service.analytics.communities import Evidence, Method
from graph_service.services.views import GraphView, Projection
from graph_service.settings import Settings, get_settings

__all__ = [
    "Subset",
    "AsOf",
    "SubsectorsAnswer",
    "BridgesAnswer",
    "CommunitiesAnswer",
    "BetweennessPolicy",
    "Globals",
    "LatestSource",
    "communities",
    "subsectors",
    "matrix",
    "ties",
    "bridges",
    "betweenness",
    "betweenness_policy",
    "compute_globals",
    "serve",
    "BRIDGES_LIMIT",
    "every_broker",
]

T = TypeVar("T")

BRIDGES_LIMIT = 200
"""The most brokers a bridges answer describes (the API's limit). The answer is computed for this
many and cut to the limit asked: each broker's figures do not depend on how many are listed."""


@dataclass(frozen=True, slots=True)
class Subset:
    """Which members an analysis covers; both None means the whole cluster."""

    subsector: str | None = None
    joined_before: date | None = None

    def apply(self, G: nx.Graph[str]) -> nx.Graph[str]:
        if self.subsector is None and self.joined_before is None:
            return G
        return subset(G, subsector=self.subsector, joined_before=self.joined_before)


WHOLE = Subset()


@dataclass(frozen=True, slots=True)
class AsOf:
    """Which graph an answer was computed on.

    ``version``: the graph version; ``computed_at``: when the computation started on it (UTC);
    ``updating``: the graph has changed since and a newer answer is being computed (read this
    one as slightly out of date); ``background``: computed by the background worker rather than
    on the request; ``note``: all that in words, e.g. "as of the graph at 2026-05-04 14:02 UTC,
    updating"."""

    version: int
    computed_at: datetime
    updating: bool
    background: bool
    note: str

    @staticmethod
    def of(version: int, computed_at: datetime, *, updating: bool, background: bool) -> AsOf:
        note = f"as of the graph at {computed_at:%Y-%m-%d %H:%M} UTC" + (", updating" if updating else "")
        return AsOf(version, computed_at, updating, background, note)


@dataclass(frozen=True, slots=True)
class BetweennessPolicy:
    """The service's one betweenness policy: exact up to ``exact_limit`` members (compiled
    Brandes), above it KADABRA's estimate, every value within ``epsilon`` of the exact one with
    probability ``1 - delta`` (:func:`graph_service.analytics.tie_betweenness`)."""

    exact_limit: int = 5_000
    epsilon: float = 0.005
    delta: float = 0.1

    @staticmethod
    def from_settings(settings: Settings) -> BetweennessPolicy:
        return BetweennessPolicy(settings.betweenness_exact_limit, settings.betweenness_epsilon,
                                 settings.betweenness_delta)

    def compute(self, T: nx.Graph[str], *, seed: int = 42) -> Betweenness:
        if T.number_of_nodes() <= self.exact_limit:
            return tie_betweenness(T, seed=seed)
        return tie_betweenness(T, epsilon=self.epsilon, delta=self.delta, seed=seed)


def betweenness_policy() -> BetweennessPolicy:
    """The policy of the process's settings (``GRAPH_SERVICE_BETWEENNESS_*``)."""
    return BetweennessPolicy.from_settings(get_settings())


@dataclass(frozen=True, slots=True)
class SubsectorsAnswer:
    items: tuple[SubsectorIsolation, ...]
    isolated_members: IsolatedMembers
    overall_ei_index: float | None
    subset: Subset
    as_of: AsOf | None = None


@dataclass(frozen=True, slots=True)
class BridgesAnswer:
    """Brokers, bridge ties, articulation points and cluster links, with how the betweenness was
    found: ``betweenness_method`` "exact", "kadabra" (``betweenness_epsilon`` and
    ``betweenness_delta`` bound every value, ``betweenness_note`` says so in words) or "sampled"
    (``betweenness_sampled_sources``, no bound); ``as_of``: the graph it was computed on."""

    # Broker and BridgeTie values. Left as Any: this is a response model, and naming the types
    # would add their schemas to the OpenAPI document, which shows these arrays untyped.
    items: tuple[Any, ...]
    bridge_ties: tuple[Any, ...]
    articulation_points: tuple[str, ...]
    cluster_links: tuple[ClusterLink, ...]
    betweenness_sampled_sources: int | None
    subset: Subset
    betweenness_method: Literal["exact", "kadabra", "sampled"] = "exact"
    betweenness_epsilon: float | None = None
    betweenness_delta: float | None = None
    betweenness_note: str | None = None
    as_of: AsOf | None = None


@dataclass(frozen=True, slots=True)
class CommunitiesAnswer(CommunityReport):
    """A :class:`~graph_service.analytics.CommunityReport` and the graph it was computed on."""

    as_of: AsOf | None = None


# -- the global analyses, and who serves them ------------------------------------------------------

def _communities_key(where: Subset, evidence: Evidence, method: Method, seed: int, resolution: float) -> Hashable:
    return ("communities", where, evidence, method, seed, resolution)


def _betweenness_key(where: Subset, seed: int, policy: BetweennessPolicy) -> Hashable:
    return ("betweenness", where, seed, policy)


def _bridges_key(where: Subset, seed: int, policy: BetweennessPolicy) -> Hashable:
    return ("bridges", where, seed, policy)


@dataclass(frozen=True, slots=True)
class Globals:
    """The global analyses of one view at one graph version: ``values`` by their memo key."""

    version: int
    computed_at: datetime
    values: dict[Hashable, Any]


class LatestSource(Protocol):
    """Who serves the latest global analyses of a view (the background worker), computed with
    its ``policy``."""

    policy: BetweennessPolicy

    def latest(self, view: GraphView) -> tuple[Globals, bool] | None:
        """The latest completed :class:`Globals` of ``view`` and whether a newer graph is being
        computed; None when the request should compute the answer itself (a small graph)."""
        ...  # pragma: no cover - protocol


_SOURCES: weakref.WeakKeyDictionary[GraphView, LatestSource] = weakref.WeakKeyDictionary()
_SOURCES_LOCK = threading.Lock()


def serve(view: GraphView, source: LatestSource | None) -> None:
    """Answer the global analyses of ``view`` from ``source`` from now on (None: on the request).

    The one hook of the background worker: it registers the views it keeps up to date."""
    with _SOURCES_LOCK:
        if source is None:
            _SOURCES.pop(view, None)
        else:
            _SOURCES[view] = source


def _policy_for(view: GraphView) -> BetweennessPolicy:
    """The betweenness policy of the worker serving ``view`` (so a request asks for what it
    computed), else the settings'."""
    with _SOURCES_LOCK:
        source = _SOURCES.get(view)
    return source.policy if source is not None else betweenness_policy()


def compute_globals(p: Projection, *, bridges: bool = True, policy: BetweennessPolicy | None = None,
                    seed: int = 42) -> dict[Hashable, Any]:
    """Every global analysis of projection ``p``, keyed as the request path memoises them: the
    default communities, the betweenness of the policy and (``bridges``) the bridges answer, the
    subsectors and the matrix. What the background worker computes after a change."""
    policy = policy or betweenness_policy()
    out: dict[Hashable, Any] = {}
    out[_communities_key(WHOLE, "all", "leiden", seed, 1.0)] = _detect(p, WHOLE, "all", "leiden", seed, 1.0)
    T = ties_graph(p.members)
    centrality = policy.compute(T, seed=seed)
    out[_betweenness_key(WHOLE, seed, policy)] = centrality
    if bridges:
        out[_bridges_key(WHOLE, seed, policy)] = _bridges(p, WHOLE, seed, centrality, T)
        out[("subsectors", WHOLE)] = _subsectors(p, WHOLE)
        out[("matrix", WHOLE)] = subsector_matrix(p.members)
    return out


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _answer(view: GraphView, key: Hashable, compute: Callable[[Projection], T]) -> tuple[T, AsOf]:
    """The value of ``key``: from the view's latest global analyses when it is one of them and a
    worker serves the view, else ``compute``d on the request (memoised for the graph version)."""
    with _SOURCES_LOCK:
        source = _SOURCES.get(view)
    if source is not None:
        found = source.latest(view)
        if found is not None:
            latest, updating = found
            if key in latest.values:
                value: T = latest.values[key]  # stored by compute_globals under this key
                return value, AsOf.of(latest.version, latest.computed_at, updating=updating, background=True)
    version, computed_at, value = view.memo(key, lambda p: (p.version, _now(), compute(p)))
    return value, AsOf.of(version, computed_at, updating=False, background=False)


# -- the analyses ----------------------------------------------------------------------------------

def _detect(p: Projection, where: Subset, evidence: Evidence, method: Method, seed: int,
            resolution: float) -> CommunityReport:
    return detect_communities(where.apply(p.members), evidence=evidence, method=method, seed=seed,
                              resolution=resolution)


def communities(view: GraphView, where: Subset = WHOLE, *, evidence: Evidence = "all",
                method: Method = "leiden", seed: int = 42, resolution: float = 1.0) -> CommunitiesAnswer:
    """Communities of the view's members (:func:`~graph_service.analytics.detect_communities`):
    by default Leiden (seed 42) on ties and co-attendance at small events, ``evidence="ties"``
    for ties only; memoised on the view per subset and options, the global ones served by the
    background worker."""
    report, as_of = _answer(view, _communities_key(where, evidence, method, seed, resolution),
                            lambda p: _detect(p, where, evidence, method, seed, resolution))
    return CommunitiesAnswer(**{f.name: getattr(report, f.name) for f in fields(CommunityReport)}, as_of=as_of)


def _subsectors(p: Projection, where: Subset) -> SubsectorsAnswer:
    report = subsector_isolation(where.apply(p.members))
    return SubsectorsAnswer(report.subsectors, report.isolated_members, report.overall_ei_index, where)


def subsectors(view: GraphView, where: Subset = WHOLE) -> SubsectorsAnswer:
    """The subsectors, most isolated first (E-I index), and the isolated members."""
    answer, as_of = _answer(view, ("subsectors", where), lambda p: _subsectors(p, where))
    return replace(answer, as_of=as_of)


def matrix(view: GraphView, where: Subset = WHOLE) -> Matrix:
    """Tie counts and densities between the subsectors (of the same graph as :func:`subsectors`)."""
    return _answer(view, ("matrix", where), lambda p: subsector_matrix(where.apply(p.members)))[0]


def ties(view: GraphView, where: Subset = WHOLE) -> nx.Graph[str]:
    """The ties graph of the view's members (of ``where``), memoised for the graph version."""
    return view.memo(("ties", where), lambda p: ties_graph(where.apply(p.members)))


def betweenness(view: GraphView, where: Subset = WHOLE, *, seed: int = 42,
                policy: BetweennessPolicy | None = None) -> Betweenness:
    """Betweenness of the members' tie network, the one policy of the service
    (:class:`BetweennessPolicy`, from the settings): exact up to its limit, else KADABRA's
    estimate with its bound. The bridges answer, the report and the maps' node sizes all read
    it, so they agree."""
    policy = policy or _policy_for(view)
    return betweenness_as_of(view, where, seed=seed, policy=policy)[0]


def betweenness_as_of(view: GraphView, where: Subset = WHOLE, *, seed: int = 42,
                      policy: BetweennessPolicy | None = None) -> tuple[Betweenness, AsOf]:
    """:func:`betweenness` and the graph it was computed on."""
    policy = policy or _policy_for(view)
    return _answer(view, _betweenness_key(where, seed, policy), lambda p: policy.compute(ties(view, where), seed=seed))


def _bridges(p: Projection, where: Subset, seed: int, centrality: Betweenness, T: nx.Graph[str]) -> BridgesAnswer:
    report: BrokerageReport = brokers(where.apply(p.members), limit=BRIDGES_LIMIT, seed=seed,
                                      centrality=centrality, ties=T)
    links = cluster_links(where.apply(p.full))
    method: Literal["exact", "kadabra", "sampled"] = (
        "kadabra" if centrality.epsilon is not None else "sampled" if centrality.sampled_sources else "exact")
    return BridgesAnswer(report.brokers, report.bridge_ties, report.articulation_points, links,
                         report.betweenness_k, where, method, centrality.epsilon, centrality.delta,
                         centrality.approximation)


def bridges(view: GraphView, where: Subset = WHOLE, *, limit: int = 20, seed: int = 42,
            policy: BetweennessPolicy | None = None) -> BridgesAnswer:
    """Brokers (the first ``limit``, at most :data:`BRIDGES_LIMIT`), bridge ties, articulation
    points and who links to the other clusters, with the betweenness of :func:`betweenness`."""
    if not 1 <= limit <= BRIDGES_LIMIT:
        raise ValueError(f"limit must be between 1 and {BRIDGES_LIMIT}")
    policy = policy or _policy_for(view)

    def compute(p: Projection) -> BridgesAnswer:
        # The betweenness of this graph version (memoised as betweenness() memoises it), not the
        # background's latest: the brokers are ranked on the graph they are described on.
        _version, _at, centrality = view.memo(
            _betweenness_key(where, seed, policy),
            lambda q: (q.version, _now(), policy.compute(ties(view, where), seed=seed)))
        return _bridges(p, where, seed, centrality, ties(view, where))

    answer, as_of = _answer(view, _bridges_key(where, seed, policy), compute)
    return replace(answer, items=answer.items[:limit], as_of=as_of)


def every_broker(view: GraphView, *, seed: int = 42) -> BrokerageReport:
    """Every member of the view described as a broker (betweenness, constraint, roles), not only
    the first :data:`BRIDGES_LIMIT`: what the network exports hold for each node. The same
    betweenness as :func:`bridges` and the maps."""
    centrality = betweenness(view, seed=seed)
    return view.memo(
        ("every_broker", seed, centrality.epsilon, centrality.sampled_sources),
        lambda p: brokers(p.members, limit=max(1, p.members.number_of_nodes()), seed=seed,
                          centrality=centrality, ties=ties(view)))
