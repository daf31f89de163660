"""The ecosystem report's figures, for the cluster manager and the ministry.

Headline figures, the subsector isolation table (E-I index), the collaboration matrix, the top
brokers, the communities, the introduction KPIs over time, and the change since a chosen date
(the analyses on the members who joined before it, against now). The page that shows them
(charts as inline SVG, printable to PDF) is drawn by :mod:`graph_service.web.report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from graph_service.analytics import CommunityReport, Matrix, ties_graph
from graph_service.domain import SUBSECTOR_BY_ID
from graph_service.services import analyses
from graph_service.services.analyses import BridgesAnswer, SubsectorsAnswer, Subset
from graph_service.services.kpis import IntroductionKPIs, introduction_kpis
from graph_service.services.views import GraphView, Projection

__all__ = ["Change", "ChangeRow", "Headline", "Report", "build_report"]


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
    matrix: Matrix
    bridges: BridgesAnswer
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
    return Report(
        generated=today or date.today(),
        version=projection.version,
        headline=headline,
        subsectors=subsectors,
        matrix=analyses.matrix(view, now),
        bridges=analyses.bridges(view, now, limit=10),
        communities=analyses.communities(view, now),
        kpis=introduction_kpis(view),
        change=change,
    )
