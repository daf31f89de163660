"""Introduction KPIs for the manager's reports (see :mod:`graph_service.analytics.kpis`)."""

from __future__ import annotations

from datetime import date

from graph_service.analytics.kpis import IntroductionKPIs, introduction_kpis as compute_kpis
from graph_service.services.projection import ProjectionCache

__all__ = ["introduction_kpis", "IntroductionKPIs"]


def introduction_kpis(cache: ProjectionCache, *, since: date | None = None) -> IntroductionKPIs:
    return cache.memo(("kpis", since), lambda p: compute_kpis(p.document, p.members, since=since))
