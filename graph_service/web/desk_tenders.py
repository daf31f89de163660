"""Calls for tender on the manager's desk (``/desk/tenders``): the list, the form that creates or
edits one (title, client, deadline, status, required skills picked by name), and a tender's page
with its saved team and the proposed teams (who covers which skill, the project's team kept, the
skills nobody in the cluster has and the organisations of other clusters that offer them).

A tender is a project of ``kind: tender`` (:class:`~graph_service.interchange.ProjectRecord`).
The record has no deadline of its own: the form's deadline is the record's ``end`` date.
The pages call :mod:`graph_service.services.records` and :func:`graph_service.services.teams.teams_for`,
as the JSON routes do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, get_args
from urllib.parse import urlencode

from graph_service.analytics.teams import Team
from graph_service.domain import SUBSECTORS, ProjectStatus
from graph_service.errors import DocumentInvalid, InvalidRequest
from graph_service.interchange import ProjectRecord
from graph_service.services import records
from graph_service.services.teams import TeamsAnswer, teams_for
from graph_service.services.views import GraphView
from graph_service.store.database import Database
from graph_service.store.taxonomy import list_skills
from graph_service.web import forms
from graph_service.web.colours import subsector_name
from graph_service.web.pages import nav_links, render_template

__all__ = [
    "NOTICES",
    "STATUSES",
    "Party",
    "TeamOptions",
    "TenderForm",
    "map_link",
    "parse_team_options",
    "parse_tender_form",
    "party_names",
    "problems_by_field",
    "tender_form_html",
    "tender_html",
    "tenders_html",
]

STATUSES: tuple[str, ...] = get_args(ProjectStatus)
"""The statuses a tender may have, in the model's order."""

NOTICES: dict[str, str] = {
    "created": "The call for tender is recorded.",
    "updated": "The call for tender is saved.",
    "team-saved": "The team is saved onto the project.",
    "added": "Added to the project's team.",
    "removed": "Taken off the project's team.",
}
"""What a page says after a write (the ``done`` of its Post/Redirect/Get address)."""

# Where a record's problem is shown on the form: the model's field -> the form's field.
_FORM_FIELD = {"title": "title", "client": "client", "end": "deadline", "start": "deadline",
               "status": "status", "requires": "requires", "kind": "title", "id": "title"}


# -- who is who ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Party:
    """A member or an organisation as a page names them."""

    id: str
    name: str
    detail: str  # the member's subsector, or the organisation's cluster
    member: bool


def party_names(view: GraphView) -> dict[str, Party]:
    """Every member and organisation the ``view`` shows, by id."""

    def build(projection: Any) -> dict[str, Party]:
        doc = projection.document
        out = {m.id: Party(m.id, m.name, subsector_name(m.subsectors[0]), True) for m in doc.members}
        out.update({o.id: Party(o.id, o.name, f"{o.cluster} cluster", False) for o in doc.organisations})
        return out

    found: dict[str, Party] = view.memo("desk-party-names", build)
    return found


def _named(names: Mapping[str, Party], ids: Sequence[str]) -> list[Party]:
    return [names.get(i, Party(i, i, "not shown", False)) for i in ids]


def map_link(view: GraphView, ids: Sequence[str]) -> str | None:
    """The ecosystem map with ``ids`` drawn as a team (members only: organisations are not on it)."""
    G = view.current().members
    members = [i for i in ids if i in G]
    return "/viz/ecosystem?" + urlencode({"team": ",".join(members)}) if members else None


def _skill_names(db: Database) -> dict[str, str]:
    return {row["id"]: row["name"] for row in list_skills(db)}


def _skill_groups(db: Database) -> list[tuple[str, list[tuple[str, str]]]]:
    """The taxonomy's skills by subsector (in the subsectors' order, cross-cutting last), by name."""
    rows = list_skills(db)
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for sid in [s.id for s in SUBSECTORS] + [None]:
        skills = sorted(((r["id"], r["name"]) for r in rows if r["subsector"] == sid), key=lambda s: s[1].casefold())
        if skills:
            groups.append((subsector_name(sid) if sid else "Cross-cutting", skills))
    return groups


# -- the form --------------------------------------------------------------------------------------
@dataclass(slots=True)
class TenderForm:
    """What the form shows: the values typed (strings, as typed) and the skills ticked."""

    title: str = ""
    client: str = ""
    deadline: str = ""
    status: str = "open"
    requires: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, tender: ProjectRecord) -> TenderForm:
        return cls(tender.title, tender.client or "", tender.end.isoformat() if tender.end else "",
                   tender.status, list(tender.requires))


def parse_tender_form(form: TenderForm, known_skills: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The record's fields from the form, and ``{field: message}`` for what is wrong."""
    errors: dict[str, str] = {}
    title = form.title.strip()
    if not title:
        errors["title"] = "Enter the title of the call for tender."
    elif len(title) > 200:
        errors["title"] = "The title must be 200 characters or fewer."
    client = form.client.strip()
    if len(client) > 200:
        errors["client"] = "The client's name must be 200 characters or fewer."
    deadline: date | None = None
    if form.deadline.strip():
        try:
            deadline = date.fromisoformat(form.deadline.strip())
        except ValueError:
            errors["deadline"] = "Enter the deadline as a date, for example 2026-09-30."
    if form.status not in STATUSES:
        errors["status"] = "Choose one of the statuses listed."
    unknown = [s for s in form.requires if s not in known_skills]
    if unknown:
        errors["requires"] = f"'{unknown[0][:60]}' is not a skill of the taxonomy; tick skills from the list."
    elif not form.requires:
        errors["requires"] = "Tick at least one skill the tender requires."
    fields: dict[str, Any] = {"title": title, "kind": "tender", "client": client or None, "end": deadline,
                              "status": form.status, "requires": list(dict.fromkeys(form.requires))}
    return fields, errors


def problems_by_field(exc: DocumentInvalid) -> dict[str, str]:
    """A refused write's problems, each placed at the form's field it is about."""
    return forms.problems_by_field(exc, _FORM_FIELD, "title")


def tender_form_html(db: Database, form: TenderForm, errors: Mapping[str, str], *,
                     tender: ProjectRecord | None = None) -> str:
    """The form that creates a call for tender (``tender`` None) or edits ``tender``."""
    return render_template(
        "desk_tenders_form.html.j2", inline=False, nav=nav_links("manager"), form=form, errors=errors,
        tender=tender, statuses=[(s, s) for s in STATUSES], skill_groups=_skill_groups(db),
    )


# -- the list --------------------------------------------------------------------------------------
def tenders_html(view: GraphView, db: Database) -> str:
    """Every call for tender, the open ones first, then by deadline."""
    tenders = records.list_projects(view, db=db, kind="tender")
    skills = _skill_names(db)
    names = party_names(view)
    tenders.sort(key=lambda t: (t.status != "open", t.end is None, t.end or date.min, t.title.casefold()))
    rows = [
        {"tender": t, "skills": [skills.get(s, s) for s in t.requires], "team": _named(names, t.team)}
        for t in tenders
    ]
    return render_template("desk_tenders.html.j2", inline=False, nav=nav_links("manager"), rows=rows)


# -- a tender's page -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TeamOptions:
    max_size: int
    limit: int
    organisations: bool
    values: dict[str, str]  # as typed, for the form
    errors: dict[str, str]


def parse_team_options(query: Mapping[str, str], team_size: int) -> TeamOptions:
    """The proposals' options from the page's address (each with its error in words)."""
    errors: dict[str, str] = {}
    default_size = min(20, max(5, team_size + 1))

    def number(name: str, default: int, low: int, high: int, what: str) -> int:
        text = query.get(name, "").strip()
        if not text:
            return default
        try:
            value = int(text)
        except ValueError:
            errors[name] = f"Enter {what} as a whole number from {low} to {high}."
            return default
        if not low <= value <= high:
            errors[name] = f"Enter {what} from {low} to {high}."
            return default
        return value

    max_size = number("max_size", default_size, 1, 20, "the team's size")
    limit = number("limit", 3, 1, 10, "how many teams to propose")
    organisations = query.get("organisations", "yes" if "max_size" not in query else "") == "yes"
    values = {"max_size": query.get("max_size", str(default_size)), "limit": query.get("limit", "3")}
    return TeamOptions(max_size, limit, organisations, values, errors)


def _proposal(view: GraphView, team: Team, required: Sequence[str], skills: Mapping[str, str]) -> dict[str, Any]:
    """A proposed team as the page shows it: who covers each required skill, and its map."""
    who = {p.id: p.name for p in team.members}
    coverage = [(skills.get(s, s), who.get(team.coverage[s], team.coverage[s]) if s in team.coverage else None)
                for s in dict.fromkeys(required)]
    covers = {p.id: [skills.get(s, s) for s in p.covers] for p in team.members}
    return {"team": team, "coverage": coverage, "covers": covers, "ids": [p.id for p in team.members],
            "map": map_link(view, [p.id for p in team.members])}


def tender_html(view: GraphView, db: Database, ident: str, query: Mapping[str, str]) -> str:
    """A tender's page: what it is, its saved team, and the proposed teams."""
    tender = records.get_project(view, ident, db=db)
    names = party_names(view)
    skills = _skill_names(db)
    options = parse_team_options(query, len(tender.team))
    answer: TeamsAnswer | None = None
    proposal_error: str | None = None
    if not tender.requires:
        proposal_error = "The tender requires no skill yet: edit it and tick the skills it needs."
    elif not options.errors:
        try:
            answer = teams_for(view, tender.requires, max_size=options.max_size, limit=options.limit,
                               organisations=options.organisations, existing=tender.team)
        except InvalidRequest as exc:
            if exc.field == "max_size":
                options.errors["max_size"] = str(exc.message)[0].upper() + str(exc.message)[1:] + "."
            else:
                proposal_error = str(exc)
    done = query.get("done", "")
    notice = NOTICES.get(done)
    if done == "team-saved" and tender.team:
        notice = f"The team is saved onto the project: {', '.join(p.name for p in _named(names, tender.team))}."
    return render_template(
        "desk_tenders_page.html.j2", inline=False, nav=nav_links("manager"),
        tender=tender, skills=[skills.get(s, s) for s in tender.requires],
        team=_named(names, tender.team), team_map=map_link(view, tender.team),
        options=options, answer=answer, proposal_error=proposal_error,
        proposals=[_proposal(view, t, tender.requires, skills) for t in answer.items] if answer else [],
        notice=notice, subsector_name=subsector_name,
    )
