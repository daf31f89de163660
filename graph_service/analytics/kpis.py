"""Introduction KPIs for the manager's reports: volume per month, acceptance and success, the
subsector pairs introductions connect, and how much of the network hangs on the manager.

Definitions (an introduction counts under its current status):

* *accepted* means both sides said yes: status accepted, met, collaborating or no-follow-up.
* acceptance rate = accepted / (accepted + declined); introductions still ``proposed`` are
  left out because nobody has decided yet.
* success rate = collaborating / (collaborating + no-follow-up): of the introductions whose
  outcome is known, the share that led to working together.
* cross-subsector share = introductions whose two members have different primary subsectors,
  over all member-member introductions.
* manager share = introductions facilitated by the manager, over all.
* a tie *comes from the manager* when the manager facilitated an introduction between its two
  members that reached "collaborating" (a successful introduction becomes a tie, so the tie is
  how they met). ``cross_ties_from_manager_share`` is the share of cross-subsector ties that
  came from the manager; ``members_depending_on_manager`` counts members whose every tie to
  another subsector came from the manager (without the manager's work they would fall back
  into their own subsector).

Introductions whose member was erased (GDPR, :mod:`graph_service.services.privacy`) are not in the
document any more; they come as :class:`AnonymisedIntroduction` (status, dates, the erased side's
primary subsector, no ids) and count exactly as they did before the erasure in every figure above
but the last two, which follow the ties (an erased member's ties are gone).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import networkx as nx

from graph_service.analytics.graph import is_tie
from graph_service.domain import MANAGER
from graph_service.interchange import Document

__all__ = ["MonthKPI", "PairKPI", "IntroductionKPIs", "AnonymisedIntroduction", "introduction_kpis",
           "ACCEPTED_STATUSES"]

ACCEPTED_STATUSES = frozenset({"accepted", "met", "collaborating", "no-follow-up"})


@dataclass(frozen=True, slots=True)
class AnonymisedIntroduction:
    """An introduction with at least one erased member: what the KPIs need, and no personal data.

    ``a``/``b`` is the id of a side that still exists, or ``None`` for an erased side, whose
    primary subsector at erasure is then ``a_subsector``/``b_subsector``.
    """

    date: date
    status: str
    facilitator: str
    a: str | None
    b: str | None
    a_subsector: str | None = None
    b_subsector: str | None = None


@dataclass(frozen=True, slots=True)
class MonthKPI:
    month: str
    proposed: int
    accepted: int
    declined: int
    met: int
    collaborating: int
    no_follow_up: int
    total: int


@dataclass(frozen=True, slots=True)
class PairKPI:
    """Introductions between two primary subsectors (``a`` <= ``b``)."""

    a: str
    b: str
    total: int
    accepted: int
    successful: int


@dataclass(frozen=True, slots=True)
class IntroductionKPIs:
    per_month: tuple[MonthKPI, ...]
    total: int
    acceptance_rate: float | None
    success_rate: float | None
    cross_subsector_share: float | None
    by_subsector_pair: tuple[PairKPI, ...]
    manager_share: float | None
    members_depending_on_manager: int
    cross_ties_from_manager_share: float | None


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


def introduction_kpis(doc: Document, G: nx.Graph[str], *, since: date | None = None,
                      anonymised: Iterable[AnonymisedIntroduction] = ()) -> IntroductionKPIs:
    """Compute the KPIs over the introductions of ``doc`` (and the ``anonymised`` ones, whose
    member was erased) dated on or after ``since``.

    ``G`` is the members' collaboration graph (for the dependence on the manager).
    """
    primary = {m.id: m.subsectors[0] for m in doc.members}
    # (date, status, facilitator, primary subsector of a, of b): None for a side that is not a member.
    rows: list[tuple[date, str, str, str | None, str | None]] = [
        (x.date, x.status, x.facilitator, primary.get(x.a), primary.get(x.b)) for x in doc.introductions
    ]
    rows += [(x.date, x.status, x.facilitator,
              x.a_subsector if x.a is None else primary.get(x.a),
              x.b_subsector if x.b is None else primary.get(x.b)) for x in anonymised]
    intros = [r for r in rows if since is None or r[0] >= since]
    months: dict[str, Counter[str]] = defaultdict(Counter)
    pairs: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    status = Counter(r[1] for r in intros)
    cross = member_pairs = by_manager = 0
    for day, state, facilitator, sa, sb in intros:
        months[f"{day:%Y-%m}"][state] += 1
        by_manager += facilitator == MANAGER
        if sa is not None and sb is not None:
            member_pairs += 1
            a, b = sorted((sa, sb))
            cross += a != b
            c = pairs[(a, b)]
            c["total"] += 1
            c["accepted"] += state in ACCEPTED_STATUSES
            c["successful"] += state == "collaborating"
    accepted = sum(status[s] for s in ACCEPTED_STATUSES)
    per_month = tuple(
        MonthKPI(month, c["proposed"], c["accepted"], c["declined"], c["met"], c["collaborating"],
                 c["no-follow-up"], sum(c.values()))
        for month, c in sorted(months.items())
    )
    by_pair = tuple(sorted(
        (PairKPI(a, b, c["total"], c["accepted"], c["successful"]) for (a, b), c in pairs.items()),
        key=lambda p: (-p.total, p.a, p.b),
    ))

    manager_pairs = {frozenset((x.a, x.b)) for x in doc.introductions
                     if x.facilitator == MANAGER and x.status == "collaborating"}
    depending = 0
    for n in G.nodes:
        if n not in primary:
            continue
        outside = [v for v in G.neighbors(n)
                   if v in primary and primary[v] != primary[n] and is_tie(G.edges[n, v])]
        if outside and all(frozenset((n, v)) in manager_pairs for v in outside):
            depending += 1
    cross_ties = [frozenset((u, v)) for u, v, d in G.edges(data=True)
                  if is_tie(d) and u in primary and v in primary and primary[u] != primary[v]]
    return IntroductionKPIs(
        per_month=per_month,
        total=len(intros),
        acceptance_rate=_rate(accepted, accepted + status["declined"]),
        success_rate=_rate(status["collaborating"], status["collaborating"] + status["no-follow-up"]),
        cross_subsector_share=_rate(cross, member_pairs),
        by_subsector_pair=by_pair,
        manager_share=_rate(by_manager, len(intros)),
        members_depending_on_manager=depending,
        cross_ties_from_manager_share=_rate(sum(p in manager_pairs for p in cross_ties), len(cross_ties)),
    )
