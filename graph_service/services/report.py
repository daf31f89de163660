"""The ecosystem report's figures, for the cluster manager and the ministry.

Headline figures, the subsector isolation table (E-I index) and the isolated subsectors, the
collaboration matrix, the top brokers with every subsector each one connects to (the ties into
isolated subsectors first: they are the bridges that matter), the communities, the
introduction KPIs over time, and the change since a chosen date (the analyses on the members who
joined before it, against now). The page that shows them (charts as inline SVG, printable to
PDF) is drawn by :mod:`graph_service.web.report`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from graph_service.analytics import Broker, CommunityReport, Matrix, SubsectorIsolation, ties_graph
from graph_service.domain import SUBSECTOR_BY_ID
from graph_service.services import analyses
from graph_service.services.analyses import BridgesAnswer, SubsectorsAnswer, Subset
from graph_service.services.kpis import IntroductionKPIs, introduction_kpis
from graph_service.services.views import GraphView, Projection

__all__ = [
    "BrokerLink",
    "BrokerRow",
    "Change",
    "ChangeRow",
    "Headline",
    "Report",
    "broker_rows",
    "build_report",
    "isolated_subsectors",
]



def isolated_subsectors(items: Iterable[SubsectorIsolation]) -> tuple[str, ...]:
    """The subsectors the isolation analysis flags, in its order (most inward-looking first): a
    subsector with members whose E-I index is at most ``ISOLATED_EI``, or that has no tie
    outside (:attr:`SubsectorIsolation.isolated`, the rule the subsectors' map rings them by)."""
    return tuple(s.id for s in items if s.isolated)


@dataclass(frozen=True, slots=True)
class BrokerLink:
    """A broker's ties into one subsector. ``isolated``: an isolated subsector other than the
    broker's own (a tie into it is one of the few bridges it has); ``own``: the broker's own
    primary subsector."""

    subsector: str
    ties: int
    isolated: bool
    own: bool


@dataclass(frozen=True, slots=True)
class BrokerRow:
    """A top broker and every subsector they connect to: the ties into isolated subsectors
    first (most ties first), then the others by ties (the broker's own among them), ties
    broken by subsector id."""

    broker: Broker
    links: tuple[BrokerLink, ...]


def broker_rows(brokers: Iterable[Broker], isolated: Iterable[str]) -> tuple[BrokerRow, ...]:
    """Each broker with all of their subsectors ordered as :class:`BrokerRow` says."""
    flagged = frozenset(isolated)
    rows = []
    for b in brokers:
        links = [
            BrokerLink(s, n, isolated=s in flagged and s != b.subsector, own=s == b.subsector)
            for s, n in b.subsectors_connected.items()
        ]
        links.sort(key=lambda link: (not link.isolated, -link.ties, link.subsector))
        rows.append(BrokerRow(b, tuple(links)))
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class Headline:
    members: int
    ties: int
    cross_ties: int
    cross_share: float | None
    communities: int
    members_without_ties: int
    modularity: float | None
    nmi: float | None
    overall_ei: float | None


@dataclass(frozen=True, slots=True)
class ChangeRow:
    subsector: str
    members_before: int
    members_now: int
    ei_before: float | None
    ei_now: float | None

    @property
    def ei_delta(self) -> float | None:
        if self.ei_before is None or self.ei_now is None:
            return None
        return self.ei_now - self.ei_before


@dataclass(frozen=True, slots=True)
class Change:
    since: date
    before: Headline
    now: Headline
    rows: tuple[ChangeRow, ...]
    introductions: IntroductionKPIs


@dataclass(frozen=True, slots=True)
class Report:
    generated: date
    version: int
    headline: Headline
    subsectors: SubsectorsAnswer
    isolated: tuple[str, ...]
    matrix: Matrix
    bridges: BridgesAnswer
    brokers: tuple[BrokerRow, ...]
    communities: CommunityReport
    kpis: IntroductionKPIs
    change: Change | None


def _headline(view: GraphView, where: Subset) -> Headline:
    def compute(p: Projection) -> tuple[int, int, int]:
        G = where.apply(p.members)
        T = ties_graph(G)
        primary = {n: d.get("subsector") for n, d in G.nodes(data=True)}
        cross = sum(1 for u, v in T.edges() if primary.get(u) != primary.get(v))
        return G.number_of_nodes(), T.number_of_edges(), cross

    members, ties, cross = view.memo(("report", "counts", where), compute)
    comm = analyses.communities(view, where)
    subs = analyses.subsectors(view, where)
    return Headline(
        members=members,
        ties=ties,
        cross_ties=cross,
        cross_share=(cross / ties) if ties else None,
        communities=sum(1 for c in comm.communities if c.size > 1),
        members_without_ties=sum(1 for c in comm.communities if c.size == 1),
        modularity=comm.modularity,
        nmi=comm.nmi if members else None,
        overall_ei=subs.overall_ei_index,
    )


def build_report(view: GraphView, *, since: date | None = None, today: date | None = None) -> Report:
    """Gather every figure of the report (memoised per graph version, like the analyses)."""
    projection = view.current()
    now = Subset()
    headline = _headline(view, now)
    subsectors = analyses.subsectors(view, now)
    change = None
    if since is not None:
        before_where = Subset(joined_before=since)
        before = _headline(view, before_where)
        old = {s.id: s for s in analyses.subsectors(view, before_where).items}
        rows = tuple(
            ChangeRow(
                s.id,
                old[s.id].members if s.id in old else 0,
                s.members,
                old[s.id].ei_index if s.id in old else None,
                s.ei_index,
            )
            for s in sorted(subsectors.items, key=lambda x: x.id)
            if s.id in SUBSECTOR_BY_ID
        )
        change = Change(since, before, headline, rows, introduction_kpis(view, since=since))
    isolated = isolated_subsectors(subsectors.items)
    bridges = analyses.bridges(view, now, limit=10)
    return Report(
        generated=today or date.today(),
        version=projection.version,
        headline=headline,
        subsectors=subsectors,
        isolated=isolated,
        matrix=analyses.matrix(view, now),
        bridges=bridges,
        brokers=broker_rows(bridges.items, isolated),
        communities=analyses.communities(view, now),
        kpis=introduction_kpis(view),
        change=change,
    )
