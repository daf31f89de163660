"""The manager's batch introduction plan: who to introduce this month, without overloading anyone.

Focus decides whose introductions the plan looks for: everybody (members without a tie outside
their subsector first), the most isolated subsectors (cross-subsector introductions for their
members), new members (joined in the last ``new_member_days``), or a theme (a skill or a subsector).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import networkx as nx

from graph_service.analytics import Recommendation, recommend, subsector_isolation
from graph_service.analytics.planning import (
    PlanEffect,
    PlannedPair,
    candidates_for,
    plan_effect,
    select_pairs,
)
from graph_service.domain import MANAGER, SUBSECTOR_IDS
from graph_service.errors import InvalidRequest
from graph_service.interchange import IntroductionRecord
from graph_service.services.introductions import new_introduction_id
from graph_service.services.views import GraphView
from graph_service.store.database import Database
from graph_service.store.introductions import save_introductions

__all__ = ["Focus", "PlanItem", "Plan", "plan_introductions", "MAX_SOURCES"]

Focus = Literal["all", "isolated-subsectors", "new-members", "theme"]
# At most this many members are asked for recommendations (the neediest first).
MAX_SOURCES = 600


@dataclass(frozen=True, slots=True)
class PlanItem:
    """A proposed introduction, written like one in the interchange document, with its reasons."""

    id: str | None
    a: str
    b: str
    facilitator: str
    date: dt.date
    status: str
    score: float
    reasons: tuple[str, ...]
    subsectors: tuple[str | None, str | None]
    new_subsector_pair: bool


@dataclass(frozen=True, slots=True)
class Plan:
    focus: str
    items: tuple[PlanItem, ...]
    effect: PlanEffect
    recorded: bool
    sources: int
    candidates: int


def _sources(G: nx.Graph[str], focus: Focus, theme: str | None, new_since: date) -> tuple[list[str], bool]:
    """The members to find introductions for, neediest first, and whether to cross subsectors."""
    members = sorted(n for n in G if G.nodes[n].get("node_type", "member") == "member")
    report = subsector_isolation(G)
    inward = set(report.isolated_members.no_ties) | set(report.isolated_members.only_internal)
    if focus == "isolated-subsectors":
        targets = [s.id for s in report.subsectors if s.ei_index is not None and s.members > 0][:2]
        chosen = [n for n in members if G.nodes[n].get("subsector") in targets]
        return sorted(chosen, key=lambda n: (n not in inward, n)), True
    if focus == "new-members":
        chosen = [n for n in members if (j := G.nodes[n].get("joined")) and date.fromisoformat(j) >= new_since]
        return chosen, False
    if focus == "theme":
        if theme is None:
            raise InvalidRequest("theme", "a theme (a skill id or a subsector id) is needed with focus 'theme'")
        if theme in SUBSECTOR_IDS:
            return [n for n in members if theme in G.nodes[n].get("subsectors", ())], False
        if theme not in G.graph.get("skill_names", {}):
            raise InvalidRequest("theme", f"unknown skill or subsector '{theme}'")
        return [n for n in members if theme in G.nodes[n].get("skills", ())], False
    return sorted(members, key=lambda n: (n not in inward, n)), False


def plan_introductions(
    view: GraphView,
    db: Database,
    *,
    total: int,
    max_per_member: int,
    focus: Focus = "all",
    theme: str | None = None,
    new_member_days: int = 365,
    per_source: int = 10,
    count_open: bool = True,
    organisations: bool = False,
    record: bool = False,
    today: date | None = None,
    effect_subsectors: int = 3,
) -> Plan:
    """Propose up to ``total`` introductions, nobody above ``max_per_member`` (open introductions
    they already carry count when ``count_open``), with their reasons and expected effect (the
    E-I index of the ``effect_subsectors`` most isolated subsectors, before and after)."""
    today = today or date.today()
    projection = view.current()
    G = projection.full if organisations else projection.members
    sources, cross = _sources(projection.members, focus, theme, today - timedelta(days=new_member_days))
    sources = sources[:MAX_SOURCES]

    def recommender(graph: nx.Graph[str], u: str, *, limit: int, cross_sector: bool) -> list[Recommendation]:
        return recommend(graph, u, limit=limit, cross_sector=cross_sector, include_organisations=organisations)

    candidates = candidates_for(G, sources, per_source=per_source, cross_sector=cross, recommender=recommender)
    load = G.graph.get("intro_load", {}) if count_open else {}
    chosen: list[PlannedPair] = select_pairs(G, candidates, total=total, max_per_member=max_per_member, load=load)
    effect = plan_effect(projection.members, [(p.a, p.b) for p in chosen], isolated=effect_subsectors)
    items = tuple(
        PlanItem(new_introduction_id(today) if record else None, p.a, p.b, MANAGER, today, "proposed",
                 p.score, p.reasons, p.subsectors, p.new_subsector_pair)
        for p in chosen
    )
    if record and items:
        records = [IntroductionRecord(id=i.id or "", a=i.a, b=i.b, facilitator=MANAGER, date=today,
                                      status="proposed", a_response="pending", b_response="pending")
                   for i in items]
        save_introductions(db, records, today=today)
    return Plan(focus, items, effect, record and bool(items), len(sources), len(candidates))
