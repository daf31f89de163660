"""Teams for projects and calls for tender, and round-table seating for events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graph_service.analytics.recommendations import score_pairs
from graph_service.analytics.seating import Seating, seat
from graph_service.analytics.teams import Team, assemble_teams
from graph_service.errors import InvalidRequest, NotFound
from graph_service.interchange import Document
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
    """Organisations of other clusters for a skill nobody in the cluster has: first those that
    worked on projects requiring it, then those tied to most members of the skill's subsector."""
    orgs = {o.id: o for o in doc.organisations}
    found: dict[str, OrganisationOffer] = {}
    for p in sorted(doc.projects, key=lambda p: p.id):
        if skill not in p.requires:
            continue
        for ident in p.team:
            if ident in orgs and ident not in found:
                o = orgs[ident]
                found[ident] = OrganisationOffer(o.id, o.name, o.cluster, f"worked on '{p.title}', which required it")
    subsector = next((s.subsector for s in doc.skills if s.id == skill), None)
    if subsector is not None:
        in_subsector = {m.id for m in doc.members if m.subsectors[0] == subsector}
        links: dict[str, int] = {}
        for t in doc.ties:
            for org, other in ((t.source, t.target), (t.target, t.source)):
                if org in orgs and other in in_subsector:
                    links[org] = links.get(org, 0) + 1
        for org, n in sorted(links.items(), key=lambda kv: (-kv[1], kv[0])):
            if org not in found:
                o = orgs[org]
                found[org] = OrganisationOffer(o.id, o.name, o.cluster,
                                               f"tied to {n} member{'s' if n != 1 else ''} of {subsector}")
    return tuple(list(found.values())[:MAX_OFFERS])


def teams_for(
    view: GraphView,
    skills: Sequence[str],
    *,
    max_size: int,
    must_include: Sequence[str] = (),
    must_exclude: Sequence[str] = (),
    limit: int = 3,
    organisations: bool = False,
) -> TeamsAnswer:
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
    try:
        teams, missing = assemble_teams(G, skills, max_size=max_size, must_include=must_include,
                                        must_exclude=must_exclude, limit=limit)
    except ValueError as exc:
        raise InvalidRequest("must_include", str(exc)) from None
    missing_out = tuple(
        MissingSkillOut(m.id, m.name, _offers(projection.document, m.id) if organisations else ())
        for m in missing
    )
    if teams:
        message = f"{len(teams)} team(s) covering every skill the cluster has."
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
