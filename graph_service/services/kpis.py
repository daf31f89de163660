"""Introduction KPIs for the manager's reports (see :mod:`graph_service.analytics.kpis`).

The introductions of erased members are no longer in the projected document; they are read
with the graph's current version (:func:`graph_service.services.privacy.anonymised_introductions`)
so that an erasure leaves the totals, months, rates and subsector pairs as they were.
"""

from __future__ import annotations

from datetime import date

from graph_service.analytics.kpis import AnonymisedIntroduction, IntroductionKPIs
from graph_service.analytics.kpis import introduction_kpis as compute_kpis
from graph_service.services.privacy import anonymised_introductions
from graph_service.services.views import GraphView

__all__ = ["introduction_kpis", "IntroductionKPIs"]


def _anonymised(view: GraphView) -> tuple[AnonymisedIntroduction, ...]:
    # Only the manager's view sees them: a consented view holds no erased member's traces.
    return anonymised_introductions(view.database) if view.viewer.role == "manager" else ()


def introduction_kpis(view: GraphView, *, since: date | None = None) -> IntroductionKPIs:
    return view.memo(("kpis", since), lambda p: compute_kpis(p.document, p.members, since=since,
                                                              anonymised=_anonymised(view)))
