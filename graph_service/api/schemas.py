"""Request and response models of the HTTP API (the interchange records are reused where they fit)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from graph_service.domain import IntroductionStatus, MemberKind, Visibility
from graph_service.interchange import Id, Language, LongText, Problem, SubsectorId, Text, Website

__all__ = [
    "Page",
    "MemberUpdate",
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
    languages: list[Language] | None = Field(default=None, max_length=12)
    description: LongText | None = None
    joined: dt.date | None = None


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
