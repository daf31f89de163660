"""The interchange document: one JSON file that holds a whole cluster.

The field names below are a contract with HTTP clients (see ``docs/format.md``). The models
check each record on its own; :func:`check_references` then checks the document as a whole
(unknown subsectors, dangling ids, duplicates), so every problem is reported with its place
before anything is written.
"""

from __future__ import annotations

import datetime as _dt
import difflib
from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic_core import PydanticCustomError

from graph_service.domain import (
    ERASED_FACILITATOR,
    MANAGER,
    SUBSECTOR_IDS,
    EventFormat,
    IntroductionStatus,
    MemberKind,
    ProjectKind,
    ProjectStatus,
    TieKind,
    Visibility,
)
from graph_service.errors import DocumentInvalid

__all__ = [
    "Id",
    "SubsectorId",
    "Text",
    "LongText",
    "Email",
    "PartyId",
    "ClusterName",
    "SubsectorRecord",
    "SkillRecord",
    "MemberRecord",
    "OrganisationRecord",
    "TieRecord",
    "ProjectRecord",
    "EventRecord",
    "IntroductionRecord",
    "Document",
    "Problem",
    "parse_document",
    "check_references",
]

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"),
    Field(description="A stable identifier: letters, digits, '.', '_' or '-', at most 64 characters."),
]


def _unknown(kind: str, value: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.75)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown {kind} '{value}'{hint}"


def _known_subsector(value: str) -> str:
    if value not in SUBSECTOR_IDS:
        raise PydanticCustomError("unknown_subsector", _unknown("subsector", value, SUBSECTOR_IDS))
    return value


SubsectorId = Annotated[Id, AfterValidator(_known_subsector),
                        Field(description="One of the 12 subsector ids.", examples=["gaming"],
                              json_schema_extra={"enum": list(SUBSECTOR_IDS)})]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# An ISO 639 language code, lower case: "lb", "fr", "de", "en", "pt"...
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
Website = Annotated[str, StringConstraints(max_length=300, pattern=r"^https?://\S+$")]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
# A mail address, checked for its shape only (one @, a dot in the domain, no spaces or brackets).
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254,
                                         pattern=r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$")]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SubsectorRecord(_Record):
    id: SubsectorId
    name: Text | None = None


class SkillRecord(_Record):
    id: Id
    name: Text
    subsector: SubsectorId | None = Field(
        default=None, description="The subsector the skill belongs to; absent for cross-cutting skills."
    )


def _not_reserved(value: str) -> str:
    if value in (MANAGER, ERASED_FACILITATOR):
        raise PydanticCustomError("reserved_id", "'{value}' is reserved (it stands for the cluster manager "
                                  "or an erased member)", {"value": value})
    return value


PartyId = Annotated[Id, AfterValidator(_not_reserved)]


class MemberRecord(_Record):
    id: PartyId
    name: Text
    kind: MemberKind = "company"
    subsectors: list[SubsectorId] = Field(
        min_length=1, max_length=12, description="The first is the primary subsector."
    )
    skills: list[Id] = Field(default_factory=list, max_length=100)
    visibility: Visibility = Field(
        default="private",
        description="Who may see the member: private (the manager only; the default, consent is closed until given), "
        "members (other cluster members too) or public (anyone, including the cluster's website).",
    )
    city: Text | None = None
    website: Website | None = None
    email: Email | None = Field(
        default=None, description="Where the manager's mailed introductions go (docs/workspace/messages.md). "
        "Seen only by the manager and the member themselves, whatever the visibility.")
    languages: list[Language] = Field(
        default_factory=list, max_length=12
    )
    description: LongText | None = None
    joined: date | None = None


# The national cluster an organisation belongs to (one of domain.OTHER_CLUSTERS; only the shape is checked).
ClusterName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z-]{1,40}$")]


class OrganisationRecord(_Record):
    id: PartyId
    name: Text
    cluster: ClusterName = Field(
        description="The national cluster the organisation belongs to, e.g. 'automobility'."
    )
    city: Text | None = None
    website: Website | None = None
    skills: list[Id] = Field(default_factory=list, max_length=100,
                             description="The skills the organisation offers (skill ids), in order.")


class TieRecord(_Record):
    source: Id
    target: Id
    kind: TieKind = "knows"
    weight: float = Field(default=1.0, gt=0, le=1, description="Strength of the tie, in (0, 1].")
    since: date | None = None
    confirmed: bool = Field(default=True, description="Whether the other side has confirmed the tie.")


class ProjectRecord(_Record):
    id: Id
    title: Text
    kind: ProjectKind = "project"
    requires: list[Id] = Field(default_factory=list, max_length=100)
    team: list[Id] = Field(default_factory=list, max_length=200)
    client: Text | None = None
    status: ProjectStatus = "completed"
    start: date | None = None
    end: date | None = None


class EventRecord(_Record):
    id: Id
    title: Text
    date: date
    format: EventFormat = "networking"
    theme: Text | None = None
    attendees: list[Id] = Field(default_factory=list, max_length=5000)


Response = Literal["pending", "accepted", "declined"]


class IntroductionRecord(_Record):
    id: Id
    a: Id
    b: Id
    facilitator: Id = Field(default=MANAGER, description="A member id, 'manager', or 'erased' "
                             "when the member who made it was erased.")
    date: _dt.date = Field(description="When the introduction was proposed.")
    status: IntroductionStatus = "proposed"
    outcome: LongText | None = Field(default=None, description="Notes on how it went.")
    a_response: Response | None = Field(default=None, description="a's answer (double opt-in).")
    b_response: Response | None = Field(default=None, description="b's answer (double opt-in).")
    accepted_on: _dt.date | None = Field(default=None, description="When the second side accepted.")
    met_on: _dt.date | None = None
    closed_on: _dt.date | None = Field(default=None, description="When the outcome was recorded.")


class Document(BaseModel):
    """A whole cluster. Every key is optional; the 12 subsectors are built in."""

    model_config = ConfigDict(extra="forbid")

    subsectors: list[SubsectorRecord] = Field(default_factory=list)
    skills: list[SkillRecord] = Field(default_factory=list)
    members: list[MemberRecord] = Field(default_factory=list)
    organisations: list[OrganisationRecord] = Field(default_factory=list)
    ties: list[TieRecord] = Field(default_factory=list)
    projects: list[ProjectRecord] = Field(default_factory=list)
    events: list[EventRecord] = Field(default_factory=list)
    introductions: list[IntroductionRecord] = Field(default_factory=list)


class Problem(BaseModel):
    """One thing wrong with a document: where it is, and why."""

    loc: str = Field(description="Where, e.g. 'members[12].subsectors[0]'.")
    msg: str


def _loc(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def parse_document(raw: Any) -> Document:
    """Validate the shape of every record; raise :class:`DocumentInvalid` with every problem."""
    try:
        return Document.model_validate(raw)
    except ValidationError as exc:
        problems = [Problem(loc=_loc(err["loc"]), msg=err["msg"]) for err in exc.errors()]
        raise DocumentInvalid(problems) from None


def check_references(
    doc: Document,
    *,
    existing_members: frozenset[str] = frozenset(),
    existing_organisations: frozenset[str] = frozenset(),
    existing_skills: frozenset[str] = frozenset(),
    duplicates: bool = True,
) -> list[Problem]:
    """Check the document as a whole and return every problem found.

    ``existing_*`` are the ids already in the graph, which a merge import may refer to. Without
    ``duplicates`` repeated ids are not looked for (the caller has done it, on the records as given).
    """
    problems: list[Problem] = []

    def dupes(section: str, ids: list[str]) -> None:
        if not duplicates:
            return
        seen: set[str] = set()
        for i, ident in enumerate(ids):
            if ident in seen:
                problems.append(Problem(loc=f"{section}[{i}].id", msg=f"duplicate id '{ident}'"))
            seen.add(ident)

    dupes("skills", [s.id for s in doc.skills])
    dupes("members", [m.id for m in doc.members])
    dupes("organisations", [o.id for o in doc.organisations])
    dupes("projects", [p.id for p in doc.projects])
    dupes("events", [e.id for e in doc.events])
    dupes("introductions", [x.id for x in doc.introductions])

    skills = {s.id for s in doc.skills} | set(existing_skills)
    members = {m.id for m in doc.members} | set(existing_members)
    organisations = {o.id for o in doc.organisations} | set(existing_organisations)
    parties = members | organisations

    for i, m in enumerate(doc.members):
        if m.id in existing_organisations:
            problems.append(Problem(loc=f"members[{i}].id", msg=f"'{m.id}' is already an organisation id"))
    for i, o in enumerate(doc.organisations):
        if o.id in members:
            problems.append(Problem(loc=f"organisations[{i}].id", msg=f"'{o.id}' is already a member id"))

    for i, m in enumerate(doc.members):
        if len(set(m.subsectors)) != len(m.subsectors):
            problems.append(Problem(loc=f"members[{i}].subsectors", msg="a subsector is listed twice"))
        for j, sk in enumerate(m.skills):
            if sk not in skills:
                problems.append(Problem(loc=f"members[{i}].skills[{j}]", msg=_unknown("skill", sk, skills)))
        if len(set(m.skills)) != len(m.skills):
            problems.append(Problem(loc=f"members[{i}].skills", msg="a skill is listed twice"))

    for i, o in enumerate(doc.organisations):
        for j, sk in enumerate(o.skills):
            if sk not in skills:
                problems.append(Problem(loc=f"organisations[{i}].skills[{j}]", msg=_unknown("skill", sk, skills)))
        if len(set(o.skills)) != len(o.skills):
            problems.append(Problem(loc=f"organisations[{i}].skills", msg="a skill is listed twice"))

    pairs: dict[tuple[str, str, str], int] = {}
    for i, t in enumerate(doc.ties):
        for end in ("source", "target"):
            ident = getattr(t, end)
            if ident not in parties:
                problems.append(Problem(loc=f"ties[{i}].{end}", msg=f"no member or organisation '{ident}'"))
        if t.source == t.target:
            problems.append(Problem(loc=f"ties[{i}].target", msg="a tie cannot link a member to itself"))
        if t.source not in members and t.target not in members and t.source in parties and t.target in parties:
            problems.append(Problem(loc=f"ties[{i}]", msg="a tie needs at least one member"))
        key = (min(t.source, t.target), max(t.source, t.target), t.kind)
        if key in pairs:
            problems.append(
                Problem(loc=f"ties[{i}]", msg=f"duplicate {t.kind} tie between '{key[0]}' and '{key[1]}' "
                        f"(first at ties[{pairs[key]}])")
            )
        else:
            pairs[key] = i

    for i, p in enumerate(doc.projects):
        for j, sk in enumerate(p.requires):
            if sk not in skills:
                problems.append(Problem(loc=f"projects[{i}].requires[{j}]", msg=_unknown("skill", sk, skills)))
        for j, ident in enumerate(p.team):
            if ident not in parties:
                problems.append(Problem(loc=f"projects[{i}].team[{j}]", msg=f"no member or organisation '{ident}'"))
        if len(set(p.team)) != len(p.team):
            problems.append(Problem(loc=f"projects[{i}].team", msg="a team member is listed twice"))
        if p.start and p.end and p.end < p.start:
            problems.append(Problem(loc=f"projects[{i}].end", msg="ends before it starts"))

    for i, e in enumerate(doc.events):
        for j, ident in enumerate(e.attendees):
            if ident not in parties:
                problems.append(Problem(loc=f"events[{i}].attendees[{j}]", msg=f"no member or organisation '{ident}'"))
        if len(set(e.attendees)) != len(e.attendees):
            problems.append(Problem(loc=f"events[{i}].attendees", msg="an attendee is listed twice"))

    for i, x in enumerate(doc.introductions):
        for end in ("a", "b"):
            ident = getattr(x, end)
            if ident not in parties:
                problems.append(Problem(loc=f"introductions[{i}].{end}", msg=f"no member or organisation '{ident}'"))
        if x.a == x.b:
            problems.append(Problem(loc=f"introductions[{i}].b", msg="cannot introduce a member to itself"))
        if x.facilitator not in (MANAGER, ERASED_FACILITATOR) and x.facilitator not in members:
            problems.append(
                Problem(loc=f"introductions[{i}].facilitator", msg=f"no member '{x.facilitator}' (or 'manager')")
            )
    return problems
