"""A recommendation as a person reads it: the score's parts and the sentences behind them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from graph_service.analytics.recommendations.score import _Context, _Scorer, contributions
from graph_service.domain import SUBSECTOR_BY_ID


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One suggested introduction for a member.

    ``components`` holds the additive contributions to the score before the penalty
    (``structure``, ``skills``, ``subsector``, ``events``) and the ``penalty`` multiplier.
    ``shared_contacts`` lists only the contacts the viewer may see; ``shared_contact_count``
    counts all of them.
    """

    id: str
    name: str
    score: float
    components: dict[str, float]
    reasons: tuple[str, ...]
    shared_contacts: tuple[str, ...]
    complementary_skills: tuple[str, ...]
    shared_events: tuple[str, ...]
    subsectors_bridged: tuple[str, ...]
    shared_contact_count: int = 0
    node_type: str = "member"


def _join(items: Sequence[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _contacts_reason(names: Sequence[str], total: int) -> str:
    hidden = total - len(names)
    if not names:
        return f"You have {total} shared contact{'s' if total != 1 else ''}."
    shown = list(names[:3])
    more = total - len(shown)
    if more == 0:
        return f"You both know {_join(shown)}."
    if hidden > 0:
        return f"You both know {', '.join(shown)} and {more} other contact{'s' if more != 1 else ''}."
    return f"You both know {', '.join(shown)} and {more} other{'s' if more != 1 else ''}."


def _skills_reason(names: Sequence[str]) -> str:
    if len(names) == 1:
        return f"Brings a skill you lack: {names[0]}."
    shown = list(names[:5])
    if len(names) > 5:
        return f"Brings skills you lack: {', '.join(shown)} and {len(names) - 5} more."
    return f"Brings skills you lack: {', '.join(shown)}."


def _subsector_name(sid: str) -> str:
    s = SUBSECTOR_BY_ID.get(sid)
    return s.name.lower() if s else sid


def _subsector_reason(bridged: Sequence[str]) -> str:
    names = [_subsector_name(s) for s in bridged]
    if len(names) == 1:
        return f"Would connect you with {names[0]}, a subsector you have no ties to."
    return f"Would connect you with {_join(names)}, subsectors you have no ties to."


def _events_reason(events: Sequence[str], titles: Mapping[str, str], sizes: Mapping[str, int]) -> str:
    parts = [f"'{titles.get(e, e)}' ({sizes.get(e, 0)} people)" for e in events[:3]]
    more = len(events) - len(parts)
    if more:
        return f"You both attended {', '.join(parts)} and {more} other event{'s' if more != 1 else ''}."
    return f"You both attended {_join(parts)}."


def _explain(
    G: nx.Graph[str],
    scorer: _Scorer,
    ctx: _Context,
    v: str,
    score: float,
    penalty: float,
    viewer_can_see: Callable[[str], bool] | None,
) -> Recommendation:
    """The recommendation of ``v`` to ``ctx.u``, whose (penalised) score is ``score``."""
    vdata = G.nodes[v]
    components = contributions(scorer.w, scorer.terms(ctx, v, vdata))
    components["penalty"] = penalty
    contacts = sorted(ctx.common.get(v, ()), key=lambda z: (scorer.tie_degree(z), z))
    skills = sorted(ctx.complementary_skills(vdata), key=lambda s: (-scorer.rarity(s), s))
    bridged = ctx.bridged_subsectors(vdata)
    events = sorted(ctx.shared_events(vdata), key=lambda e: (scorer.event_sizes.get(e, 0), e))
    visible = [z for z in contacts if viewer_can_see is None or viewer_can_see(z)]
    skill_names = G.graph.get("skill_names", {})
    sentences: dict[str, str] = {}
    if contacts:
        sentences["structure"] = _contacts_reason([G.nodes[z].get("name", z) for z in visible], len(contacts))
    if events:
        sentences["events"] = _events_reason(events, G.graph.get("event_titles", {}), scorer.event_sizes)
    if components["skills"] > 0:
        sentences["skills"] = _skills_reason([skill_names.get(s, s) for s in skills])
    if bridged and components["subsector"] > 0:
        sentences["subsector"] = _subsector_reason(bridged)
    order = ["structure", "events", "skills", "subsector"]
    order.sort(key=lambda k: -components.get(k, 0.0))  # stable: the fixed order breaks ties
    return Recommendation(
        id=v,
        name=vdata.get("name", v),
        score=score,
        components=components,
        reasons=tuple(sentences[k] for k in order if k in sentences),
        shared_contacts=tuple(visible),
        complementary_skills=tuple(skills) if components["skills"] > 0 else (),
        shared_events=tuple(events),
        subsectors_bridged=tuple(bridged),
        shared_contact_count=len(contacts),
        node_type=vdata.get("node_type", "member"),
    )
