"""Teams for projects and calls for tender, and round-table seating for events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from graph_service.analytics.recommendations import score_pairs
from graph_service.analytics.seating import Seating, seat
from graph_service.analytics.teams import Team, TeamMember, assemble_teams
from graph_service.errors import InvalidRequest, NotFound
from graph_service.interchange import Document, OrganisationRecord
from graph_service.services.views import GraphView

__all__ = ["OrganisationOffer", "MissingSkillOut", "TeamsAnswer", "SeatingAnswer", "teams_for", "tables_for"]


@dataclass(frozen=True, slots=True)
class OrganisationOffer:
    id: str
    name: str
    cluster: str
    why: str


@dataclass(frozen=True, slots=True)
class MissingSkillOut:
    """A required skill nobody in the cluster has, with organisations of other clusters that may."""

    id: str
    name: str
    organisations: tuple[OrganisationOffer, ...]


@dataclass(frozen=True, slots=True)
class TeamsAnswer:
    required: tuple[str, ...]
    items: tuple[Team, ...]
    missing_skills: tuple[MissingSkillOut, ...]
    message: str


@dataclass(frozen=True, slots=True)
class SeatingAnswer:
    event: str
    table_size: int
    seating: Seating


MAX_OFFERS = 5


def _offers(doc: Document, skill: str) -> tuple[OrganisationOffer, ...]:
    """Organisations of other clusters that offer ``skill`` (nobody in the cluster has it), best
    evidence first: those that worked on projects requiring it, then those tied to most members
    of the skill's subsector, then the rest by name. An organisation that does not offer the
    skill is never proposed for it, however well connected it is."""
    names = {s.id: s.name for s in doc.skills}
    offering = {o.id: o for o in doc.organisations if skill in o.skills}
    evidence: dict[str, tuple[int, str]] = {}  # id -> (rank of the evidence, sentence)
    for p in sorted(doc.projects, key=lambda p: p.id):
        if skill in p.requires:
            for ident in p.team:
                if ident in offering and ident not in evidence:
                    evidence[ident] = (0, f"worked on '{p.title}', which required it")
    subsector = next((s.subsector for s in doc.skills if s.id == skill), None)
    if subsector is not None:
        in_subsector = {m.id for m in doc.members if m.subsectors[0] == subsector}
        links: dict[str, int] = {}
        for t in doc.ties:
            for org, other in ((t.source, t.target), (t.target, t.source)):
                if org in offering and other in in_subsector:
                    links[org] = links.get(org, 0) + 1
        for org, n in links.items():
            evidence.setdefault(org, (1, f"tied to {n} member{'s' if n != 1 else ''} of {subsector}"))
    ranked = sorted(offering.values(), key=lambda o: (evidence.get(o.id, (2, ""))[0], o.name, o.id))
    offers = []
    for o in ranked[:MAX_OFFERS]:
        why = f"offers {names.get(skill, skill)}"
        if o.id in evidence:
            why += f"; {evidence[o.id][1]}"
        offers.append(OrganisationOffer(o.id, o.name, o.cluster, why))
    return tuple(offers)


def _keeping_the_project(team: Team, kept: Sequence[OrganisationRecord], covered: dict[str, str],
                         skill_names: dict[str, str]) -> Team:
    """``team`` with the project's organisations in front (each covers the required skills it
    offers, ``covered``: skill -> organisation id), and a first reason naming whom it keeps."""
    orgs = tuple(
        TeamMember(o.id, o.name, None, covers, False, True,
                   "Already on the project's team (" + o.cluster + " cluster)"
                   + (f"; offers {', '.join(skill_names.get(s, s) for s in covers)}" if covers else ""))
        for o in kept
        for covers in [tuple(s for s, who in covered.items() if who == o.id)]
    )
    members = orgs + team.members
    names = [p.name for p in members if p.on_project]
    reasons = list(team.reasons)
    reasons[len(reasons) - len(team.members):len(reasons) - len(team.members)] = [f"{p.name}: {p.part}." for p in orgs]
    if names:
        reasons.insert(0, f"Keeps the project's team: {', '.join(names)}.")
    return replace(team, members=members, coverage={**covered, **team.coverage}, reasons=tuple(reasons))


def teams_for(
    view: GraphView,
    skills: Sequence[str],
    *,
    max_size: int,
    must_include: Sequence[str] = (),
    must_exclude: Sequence[str] = (),
    limit: int = 3,
    organisations: bool = False,
    existing: Sequence[str] = (),
) -> TeamsAnswer:
    """Teams covering ``skills``. ``existing`` is the project's current team: its members (and
    organisations) are kept in every team and counted toward ``max_size``; the skills its
    organisations offer are covered by them. Ids the view does not show are left out."""
    projection = view.current()
    G = projection.members
    known = G.graph.get("skill_names", {})
    for i, s in enumerate(skills):
        if s not in known:
            raise InvalidRequest(f"skills[{i}]", f"unknown skill '{s}'")
    for field, ids in (("must_include", must_include), ("must_exclude", must_exclude)):
        for i, m in enumerate(ids):
            if m not in G:
                raise InvalidRequest(f"{field}[{i}]", f"no member '{m}'")
    orgs = {o.id: o for o in projection.document.organisations}
    kept_orgs = [orgs[i] for i in dict.fromkeys(existing) if i in orgs]
    kept_members = [i for i in dict.fromkeys(existing) if i in G]
    covered = {s: next(o.id for o in kept_orgs if s in o.skills) for s in skills
               if any(s in o.skills for o in kept_orgs)}
    wanted = [s for s in skills if s not in covered]
    if len(kept_orgs) + len(kept_members) > max_size:
        raise InvalidRequest("max_size", f"the project already has {len(kept_orgs) + len(kept_members)} on its "
                                         f"team, more than {max_size}")
    try:
        teams, missing = assemble_teams(G, wanted, max_size=max_size - len(kept_orgs), must_include=must_include,
                                        must_exclude=must_exclude, limit=limit, existing=kept_members)
    except ValueError as exc:
        raise InvalidRequest("must_include", str(exc)) from None
    if kept_orgs or kept_members:
        teams = [_keeping_the_project(t, kept_orgs, covered, known) for t in teams]
    missing_out = tuple(
        MissingSkillOut(m.id, m.name, _offers(projection.document, m.id) if organisations else ())
        for m in missing
    )
    if teams:
        message = f"{len(teams)} team(s) covering every skill the cluster has."
        if existing:
            message += " Each keeps the project's current team."
    elif not wanted and kept_orgs:
        message = "The organisations on the project's team already offer every required skill."
    elif len(missing) == len(set(skills)):
        message = "Nobody in the cluster has any of the required skills."
    else:
        message = f"No team of at most {max_size} members covers the skills the cluster has; allow a larger team."
    if missing:
        message += f" Nobody in the cluster has: {', '.join(m.name for m in missing)}."
    return TeamsAnswer(tuple(dict.fromkeys(skills)), tuple(teams), missing_out, message)


def tables_for(
    view: GraphView,
    event_id: str,
    *,
    table_size: int,
    skills: Sequence[str] = (),
    subsectors: Sequence[str] = (),
    seed: int = 42,
) -> SeatingAnswer:
    """Seat the event's registered attendees; a themed session keeps those with one of the
    ``skills`` or in one of the ``subsectors``."""
    projection = view.current()
    G = projection.members
    event = next((e for e in projection.document.events if e.id == event_id), None)
    if event is None:
        raise NotFound("event", event_id)
    people = [a for a in event.attendees if a in G]
    if skills or subsectors:
        people = [a for a in people if set(skills) & G.nodes[a].get("skills", frozenset())
                  or set(subsectors) & set(G.nodes[a].get("subsectors", ()))]
    pairs = [(a, b) for i, a in enumerate(people) for b in people[i + 1:]]
    scores = score_pairs(G, pairs, "recommender") if pairs else []
    best = max(scores, default=0.0) or 1.0
    promise = {frozenset(p): s / best for p, s in zip(pairs, scores, strict=True)}
    return SeatingAnswer(event_id, table_size, seat(G, people, table_size=table_size, promise=promise, seed=seed))
