"""A recommendation as a person reads it: the score's parts and the sentences behind them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

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


MAX_SKILLS_NAMED = 3
"""A reason names at most this many skills: all of them when there are that few, else the two
most relevant (rarest) and how many more."""


def _skills_reason(names: Sequence[str], lead: str = "Brings skills you lack") -> str:
    if len(names) == 1:
        return f"{lead.replace('skills', 'a skill')}: {names[0]}."
    if len(names) <= MAX_SKILLS_NAMED:
        return f"{lead}: {_join(names)}."
    return f"{lead}: {', '.join(names[:2])} and {len(names) - 2} more."


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


NEAR_TIE = 0.05
"""Two neighbouring scores are close when the second is within this share of the first; the first
then says what puts it first (:func:`explain_near_ties`)."""

# what each part of the score rests on, and how a difference in it reads
_EVIDENCE_ORDER = ("structure", "events", "skills", "subsector", "activity", "bonus", "penalty")


def _plural(n: int, word: str) -> str:
    return f"{n} more {word}{'s' if n != 1 else ''}"


def _difference(key: str, a: Recommendation, b: Recommendation) -> str | None:
    """How ``a`` beats ``b`` on the evidence behind ``key``, in a few words; None if it does not."""
    if key == "structure":
        if a.shared_contact_count > b.shared_contact_count:
            return _plural(a.shared_contact_count - b.shared_contact_count, "shared contact")
        if a.shared_contact_count:
            return "shared contacts who know fewer people"
        return "closer in the network"
    if key == "events":
        if len(a.shared_events) > len(b.shared_events):
            return _plural(len(a.shared_events) - len(b.shared_events), "shared event")
        return "smaller shared events" if a.shared_events else None
    if key == "skills":
        if len(a.complementary_skills) > len(b.complementary_skills):
            return _plural(len(a.complementary_skills) - len(b.complementary_skills), "skill") + " you lack"
        return "rarer skills you lack" if a.complementary_skills else "skills closer to yours"
    if key in ("subsector", "bonus"):
        if a.subsectors_bridged and not b.subsectors_bridged:
            return f"connects you with {_subsector_name(a.subsectors_bridged[0])}"
        return "a subsector closer to yours" if key == "subsector" else None
    if key == "activity":
        return "more active in the network"
    if key == "penalty":
        return "suggested to you fewer times before"
    return None


def near_tie_sentence(a: Recommendation, b: Recommendation) -> str:
    """Why ``a`` ranks above ``b`` (scores close): the part of the score where ``a`` gains most on
    ``b``, said from the evidence behind it; equal evidence says the order is by id."""
    gains = []
    for i, key in enumerate(_EVIDENCE_ORDER):
        if key in a.components and key in b.components:
            gain = a.components[key] - b.components[key]
            if key == "penalty":  # a multiplier: its gain is what it does to the score
                gain *= max(a.score, b.score)
            if gain > 1e-12:
                gains.append((-gain, i, key))
    for _, _, key in sorted(gains):
        said = _difference(key, a, b)
        if said is not None:
            return f"Ranked above {b.name}: {said}."
    if a.score == b.score:
        return f"Ranked above {b.name}: the same score; listed in id order."
    return f"Ranked above {b.name}: slightly stronger evidence overall."


def close_scores(a: float, b: float, share: float = NEAR_TIE) -> bool:
    """Whether ``b`` (the next score down) is within ``share`` of ``a``."""
    return a > 0.0 and b >= (1.0 - share) * a


def explain_near_ties(items: Sequence[Recommendation], share: float = NEAR_TIE) -> list[Recommendation]:
    """``items`` (best first), each whose next one scores within ``share`` of it given one more
    reason, last: what puts it first. No other item changes."""
    out = list(items)
    for i in range(len(out) - 1):
        a, b = items[i], items[i + 1]
        if close_scores(a.score, b.score, share):
            out[i] = replace(out[i], reasons=out[i].reasons + (near_tie_sentence(a, b),))
    return out


_MAX_REASONS = 3


def _explain_learned(
    G: nx.Graph[str],
    scorer: _Scorer,
    ctx: _Context,
    v: str,
    score: float,
    penalty: float,
    parts: Mapping[str, float],
    viewer_can_see: Callable[[str], bool] | None,
) -> Recommendation:
    """The recommendation of ``v`` under the learned model: ``parts`` holds the contributions of
    the evidence (log-odds, by ``components`` key), ``probability`` and ``bonus``; the reasons
    are the evidence with the largest positive contributions, then the subsector bonus."""
    vdata = G.nodes[v]
    components = dict(parts)
    components["penalty"] = penalty
    contacts = sorted(ctx.common.get(v, ()), key=lambda z: (scorer.tie_degree(z), z))
    comp_skills = sorted(ctx.complementary_skills(vdata), key=lambda s: (-scorer.rarity(s), s))
    shared_skills = sorted(ctx.skills.intersection(vdata.get("skills", ())),
                           key=lambda s: (-scorer.rarity(s), s))
    bridged = ctx.bridged_subsectors(vdata)
    events = sorted(ctx.shared_events(vdata), key=lambda e: (scorer.event_sizes.get(e, 0), e))
    visible = [z for z in contacts if viewer_can_see is None or viewer_can_see(z)]
    skill_names = G.graph.get("skill_names", {})
    sentences: dict[str, str] = {}
    if contacts:
        sentences["structure"] = _contacts_reason([G.nodes[z].get("name", z) for z in visible], len(contacts))
    else:
        sentences["structure"] = "Close to you in the network, through contacts of your contacts."
    if events:
        sentences["events"] = _events_reason(events, G.graph.get("event_titles", {}), scorer.event_sizes)
    if comp_skills:
        sentences["skills"] = _skills_reason([skill_names.get(s, s) for s in comp_skills])
    elif shared_skills:
        sentences["skills"] = _skills_reason([skill_names.get(s, s) for s in shared_skills], "Shares your skills")
    primary = vdata.get("subsector")
    if primary is not None and primary == ctx.primary:
        sentences["subsector"] = f"Works in your subsector, {_subsector_name(primary)}."
    ties = scorer.tie_degree(v)
    if ties:
        sentences["activity"] = f"Active in the network: {ties} tie{'s' if ties != 1 else ''}."
    order = ["structure", "events", "skills", "subsector", "activity"]
    order.sort(key=lambda k: -components.get(k, 0.0))  # stable: the fixed order breaks ties
    reasons = [sentences[k] for k in order if k in sentences and components.get(k, 0.0) > 0.0][:_MAX_REASONS]
    if bridged and components.get("bonus", 0.0) > 0.0:
        reasons.append(_subsector_reason(bridged))
    if not reasons and order[0] in sentences:
        reasons.append(sentences[order[0]])  # nothing is above average: the least weak evidence
    return Recommendation(
        id=v,
        name=vdata.get("name", v),
        score=score,
        components=components,
        reasons=tuple(reasons),
        shared_contacts=tuple(visible),
        complementary_skills=tuple(comp_skills),
        shared_events=tuple(events),
        subsectors_bridged=tuple(bridged),
        shared_contact_count=len(contacts),
        node_type=vdata.get("node_type", "member"),
    )
