"""Request and response models of the HTTP API (the interchange records are reused where they fit)."""

from __future__ import annotations

import datetime as dt
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from graph_service.domain import IntroductionStatus, MemberKind, Visibility
from graph_service.interchange import Id, LongText, Problem, SubsectorId, Text

__all__ = [
    "Page",
    "MemberUpdate",
    "SubsectorOut",
    "SkillOut",
    "IntroductionOut",
    "IntroductionCreate",
    "IntroductionUpdate",
    "Health",
    "ImportSummary",
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
    website: str | None = Field(default=None, max_length=300, pattern=r"^https?://\S+$")
    languages: list[str] | None = Field(default=None, max_length=12)
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
    updated: dt.date | None = None


class IntroductionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id | None = Field(default=None, description="Left out: one is generated.")
    a: Id
    b: Id
    facilitator: Id = "manager"
    date: dt.date | None = Field(default=None, description="Left out: today.")
    status: IntroductionStatus = "proposed"
    outcome: LongText | None = None


class IntroductionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: IntroductionStatus
    outcome: LongText | None = None


class Health(BaseModel):
    status: str = Field(description="'ok' when Neo4j answers, else 'unavailable'.")
    neo4j: str = Field(description="The server's version, or why it does not answer.")
    uri: str


class ImportSummary(BaseModel):
    replaced: bool
    counts: dict[str, int]
    transactions: int


class Problems(BaseModel):
    detail: str
    problems: list[Problem]
