"""Request and response models of the HTTP API (the interchange records are reused where they fit)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from graph_service.domain import EventFormat, IntroductionStatus, MemberKind, ProjectKind, ProjectStatus, Visibility
from graph_service.interchange import (
    ClusterName,
    Email,
    Id,
    Language,
    LongText,
    PartyId,
    Problem,
    SubsectorId,
    Text,
    Website,
)

__all__ = [
    "Page",
    "MemberUpdate",
    "EventCreate",
    "EventUpdate",
    "Attendees",
    "ProjectCreate",
    "ProjectUpdate",
    "Team",
    "Participant",
    "OrganisationCreate",
    "OrganisationUpdate",
    "SubsectorOut",
    "SkillOut",
    "IntroductionOut",
    "IntroductionCreate",
    "IntroductionUpdate",
    "IntroductionResponse",
    "Health",
    "ImportSummary",
    "FieldChangeOut",
    "RecordChangeOut",
    "SectionPreview",
    "ImportPreview",
    "Problems",
]

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="How many match, over all pages.")
    offset: int
    limit: int


class MemberUpdate(BaseModel):
    """Fields to change; those left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    name: Text | None = None
    kind: MemberKind | None = None
    subsectors: list[SubsectorId] | None = Field(default=None, min_length=1, max_length=12)
    skills: list[Id] | None = Field(default=None, max_length=100)
    visibility: Visibility | None = None
    city: Text | None = None
    website: Website | None = None
    email: Email | None = None
    languages: list[Language] | None = Field(default=None, max_length=12)
    description: LongText | None = None
    joined: dt.date | None = None


# -- the records the manager keeps (events, projects and tenders, organisations) -------------------
# A create takes a record's fields, the id optional (left out: the kind's prefix and the next free
# number, e.g. e-041). An update takes only the fields to change, with the merge rules of an
# import: a field left out keeps its value, null clears it (a field with a default goes back to
# it; a required one cannot be cleared), a list given replaces the list.
_NEW_ID = "Left out: the prefix ({prefix}) and the next free number, e.g. {example}."


class EventCreate(BaseModel):
    """A new event and its attendance."""

    model_config = ConfigDict(extra="forbid")

    id: Id | None = Field(default=None, description=_NEW_ID.format(prefix="e-", example="e-041"))
    title: Text
    date: dt.date
    format: EventFormat = "networking"
    theme: Text | None = None
    attendees: list[Id] = Field(default_factory=list, max_length=5000,
                                description="Members and organisations who attended, in order.")


class EventUpdate(BaseModel):
    """The fields of an event to change: one left out keeps its value, null clears it, a list given
    replaces the list."""

    model_config = ConfigDict(extra="forbid")

    title: Text | None = None
    date: dt.date | None = None
    format: EventFormat | None = Field(default=None, description="null: back to 'networking'.")
    theme: Text | None = None
    attendees: list[Id] | None = Field(default=None, max_length=5000, description="The whole attendance.")


class Attendees(BaseModel):
    """The whole attendance of an event, in order."""

    model_config = ConfigDict(extra="forbid")

    attendees: list[Id] = Field(max_length=5000)


class ProjectCreate(BaseModel):
    """A new past project, or a call for tender (``kind: tender``), with its required skills and team."""

    model_config = ConfigDict(extra="forbid")

    id: Id | None = Field(default=None, description=_NEW_ID.format(prefix="p-", example="p-061"))
    title: Text
    kind: ProjectKind = "project"
    requires: list[Id] = Field(default_factory=list, max_length=100, description="Skill ids, in order.")
    team: list[Id] = Field(default_factory=list, max_length=200,
                           description="Members and organisations on the team, in order.")
    client: Text | None = None
    status: ProjectStatus = "completed"
    start: dt.date | None = None
    end: dt.date | None = Field(default=None, description="Not before start.")


class ProjectUpdate(BaseModel):
    """The fields of a project to change: one left out keeps its value, null clears it, a list given
    replaces the list."""

    model_config = ConfigDict(extra="forbid")

    title: Text | None = None
    kind: ProjectKind | None = Field(default=None, description="null: back to 'project'.")
    requires: list[Id] | None = Field(default=None, max_length=100, description="Every required skill.")
    team: list[Id] | None = Field(default=None, max_length=200, description="The whole team.")
    client: Text | None = None
    status: ProjectStatus | None = Field(default=None, description="null: back to 'completed'.")
    start: dt.date | None = None
    end: dt.date | None = None


class Team(BaseModel):
    """The whole team of a project, in order."""

    model_config = ConfigDict(extra="forbid")

    team: list[Id] = Field(max_length=200)


class Participant(BaseModel):
    """One attendee of an event, or one on a project's team."""

    model_config = ConfigDict(extra="forbid")

    member: Id = Field(description="A member or organisation id.")


class OrganisationCreate(BaseModel):
    """A new organisation of another national cluster, with the skills it offers."""

    model_config = ConfigDict(extra="forbid")

    id: PartyId | None = Field(default=None, description=_NEW_ID.format(prefix="o-", example="o-26") +
                               " Never a member's id.")
    name: Text
    cluster: ClusterName = Field(description="The national cluster it belongs to, e.g. 'automobility'.")
    city: Text | None = None
    website: Website | None = None
    skills: list[Id] = Field(default_factory=list, max_length=100, description="Skill ids it offers, in order.")


class OrganisationUpdate(BaseModel):
    """The fields of an organisation to change: one left out keeps its value, null clears it, a list given
    replaces the list."""

    model_config = ConfigDict(extra="forbid")

    name: Text | None = None
    cluster: ClusterName | None = None
    city: Text | None = None
    website: Website | None = None
    skills: list[Id] | None = Field(default=None, max_length=100, description="Every skill it offers.")


class SubsectorOut(BaseModel):
    id: str
    name: str
    nace: list[str]
    description: str
    primary_members: int = Field(description="Members whose primary subsector this is.")
    members: int = Field(description="Members active in it, primary or not.")
    skills: int


class SkillOut(BaseModel):
    id: str
    name: str
    subsector: str | None = Field(description="None for a cross-cutting skill.")
    members: int


class IntroductionOut(BaseModel):
    id: str
    a: str
    b: str
    facilitator: str
    date: dt.date
    status: IntroductionStatus
    outcome: str | None = None
    a_response: str | None = None
    b_response: str | None = None
    accepted_on: dt.date | None = None
    met_on: dt.date | None = None
    closed_on: dt.date | None = None
    updated: dt.date | None = None
    waiting_days: int | None = Field(default=None, description="With due=true: days waiting for a follow-up.")
    follow_up: str | None = Field(default=None, description="With due=true: what to ask.")


class IntroductionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id | None = Field(default=None, description="Left out: one is generated.")
    a: Id
    b: Id
    facilitator: Id = Field(default="manager", description="Who proposes it: 'manager' or a member id.")
    notes: LongText | None = None


class IntroductionResponse(BaseModel):
    """One side's answer to a proposed introduction (double opt-in)."""

    model_config = ConfigDict(extra="forbid")

    member: Id = Field(description="The answering side: the introduction's a or b.")
    answer: Literal["accept", "decline"]
    note: str | None = Field(
        default=None, max_length=500,
        description="An optional word from the answering side, added on its own line to the introduction's notes.")


class IntroductionUpdate(BaseModel):
    """Move the introduction on: met, collaborating, no-follow-up (or declined before meeting)."""

    model_config = ConfigDict(extra="forbid")

    status: IntroductionStatus
    outcome: LongText | None = Field(default=None, description="Notes on how it went.")


class Health(BaseModel):
    status: str = Field(description="'ok' when Neo4j answers, else 'unavailable'.")
    neo4j: str = Field(description="The server's version, or why it does not answer.")
    uri: str


class ImportSummary(BaseModel):
    replaced: bool
    counts: dict[str, int]
    transactions: int


class FieldChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    field: str
    old: Any = Field(description="The stored value (null when there was none).")
    new: Any = Field(description="The value the import would set (null: cleared).")


class RecordChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    changes: list[FieldChangeOut]


class SectionPreview(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    created: list[str] = Field(description="Ids of the records the import would create.")
    updated: list[RecordChangeOut] = Field(description="Records it would change, field by field (old -> new).")
    unchanged: int = Field(description="How many records it would leave as they are.")
    written: int = Field(0, description="Ties and introductions, which are written whole, as given.")


class ImportPreview(BaseModel):
    """What an import would do (``dry_run=true``); nothing was written."""

    dry_run: Literal[True] = True
    replace: bool
    valid: bool = Field(description="Whether the import would be accepted.")
    sections: dict[str, SectionPreview]
    detail: str = Field(description="In a sentence, e.g. '3 problem(s); nothing was written.'")
    total_problems: int
    problems: list[Problem] = Field(description="The first 200 problems, in document order.")


class Problems(BaseModel):
    detail: str
    problems: list[Problem]


class Message(BaseModel):
    """An error answer: what went wrong, in a sentence."""

    detail: str
