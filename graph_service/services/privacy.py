"""A member's rights under the GDPR: export everything held about them, and erasure.

* :func:`export_member` (right of access, art. 15, and portability, art. 20) reads, in one read
  transaction, the member's profile, subsectors and skills, ties in both directions, projects,
  events, introductions (as a party and as facilitator), the suggestions shown to them and their
  API keys (never the secret). Other members appear by id and name only when their visibility
  is not ``private``; a private one is ``{"id": null, "name": null, "private": true}``, so what
  is counted stays complete while no private member is disclosed. Project teams and event
  attendee lists are given as sizes only.
* :func:`erase_member` (right to erasure, art. 17) runs one write transaction
  (:func:`graph_service.store.privacy.delete_member`): the member node and every relationship it
  has (ties, subsector and skill links, team places, attendances, impressions to and from it)
  are deleted, and so are its API keys. An introduction the member took part in loses its link
  to them, its outcome notes and their answer, and keeps its status, dates and the member's
  primary subsector as an anonymous attribute (``a_erased_subsector``/``b_erased_subsector``),
  so the introduction KPIs are unchanged. Such an introduction has fewer than two parties: the
  introduction listings and the interchange document leave it out, the KPIs read it through
  :func:`anonymised_introductions`, and a backup carries it. An introduction the member
  facilitated keeps its two parties and gets the facilitator ``'erased'``
  (:data:`~graph_service.domain.ERASED_FACILITATOR`).

What the erasure cannot reach (backups taken before, Neo4j's transaction logs) is described in
``docs/privacy.md``.
"""

from __future__ import annotations

import datetime as dt
from datetime import UTC, date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from graph_service.analytics.kpis import AnonymisedIntroduction
from graph_service.domain import ERASED_FACILITATOR, MANAGER
from graph_service.interchange import MemberRecord
from graph_service.services.visibility import DEFAULT_VISIBILITY, VISIBLE_TO
from graph_service.store import privacy as store
from graph_service.store.database import Database
from graph_service.store.privacy import ExportTie, PartyRef

__all__ = [
    "EXPORT_FORMAT",
    "Counterpart",
    "SubsectorRef",
    "SkillRef",
    "TieEntry",
    "ProjectEntry",
    "EventEntry",
    "IntroductionEntry",
    "FacilitatedEntry",
    "ImpressionEntry",
    "SuggestedToOthers",
    "ApiKeyEntry",
    "MemberExport",
    "Mention",
    "ErasureSummary",
    "export_member",
    "erase_member",
    "anonymised_introductions",
    "find_mentions",
]

EXPORT_FORMAT = "graph-service-member-export/1"
MIN_NAME_LENGTH = 4
"""A name shorter than this is looked for as a whole value only (not inside texts) after an erasure."""


# -- the export -----------------------------------------------------------------------------------
class Counterpart(BaseModel):
    """Another party, as the export names it: by id and name unless that would disclose a private
    member or there is nobody left to name."""

    id: str | None = Field(description="The party's id; null when it is private or erased.")
    name: str | None = Field(description="The party's name; null when it is private or erased.")
    kind: Literal["member", "organisation", "manager"] | None = Field(
        description="member, organisation (of another cluster), or manager (the cluster manager as "
        "facilitator); null when erased.")
    private: bool = Field(default=False, description="A member whose visibility is private (not named).")
    erased: bool = Field(default=False, description="A member who has since been erased.")


class SubsectorRef(BaseModel):
    id: str
    name: str
    primary: bool = Field(description="The member's primary subsector (the first one).")


class SkillRef(BaseModel):
    id: str
    name: str


class TieEntry(BaseModel):
    """A tie of the member, in either direction."""

    kind: Literal["knows", "collaborated"]
    weight: float = Field(description="Strength of the tie, in (0, 1].")
    since: date | None = None
    confirmed: bool | None = Field(description="Whether the other side confirmed the tie.")
    recorded_by: Literal["member", "counterpart"] = Field(
        description="Who recorded the tie: the recorder stored with it, or else (imported ties) the side "
        "it was recorded from.")
    introduction: str | None = Field(default=None,
                                     description="The introduction that created the tie, if any.")
    other: Counterpart


class ProjectEntry(BaseModel):
    """A project or tender the member was on the team of (the other team members are not listed)."""

    id: str
    title: str
    kind: str
    status: str
    client: str | None = None
    start: date | None = None
    end: date | None = None
    position: int | None = Field(description="The member's place in the team list (0 first).")
    team_size: int


class EventEntry(BaseModel):
    """An event the member attended (the other attendees are not listed)."""

    id: str
    title: str
    date: date
    format: str
    theme: str | None = None
    attendees: int


class IntroductionEntry(BaseModel):
    """An introduction the member is one of the two parties of."""

    id: str
    side: Literal["a", "b"]
    date: dt.date
    status: str
    response: str | None = Field(description="The member's own answer: pending, accepted or declined.")
    other_response: str | None = Field(default=None, description="The other side's answer.")
    accepted_on: dt.date | None = None
    met_on: dt.date | None = None
    closed_on: dt.date | None = None
    updated: dt.date | None = None
    outcome: str | None = Field(default=None,
                                description="The outcome notes (removed once a side is erased).")
    other: Counterpart
    facilitator: Counterpart


class FacilitatedEntry(BaseModel):
    """An introduction the member made between two others."""

    id: str
    date: date
    status: str
    a: Counterpart
    b: Counterpart


class ImpressionEntry(BaseModel):
    """A recommended partner shown to the member, how often, first and last."""

    other: Counterpart
    count: int
    first: date | None = None
    last: date | None = None


class SuggestedToOthers(BaseModel):
    """How often the member was suggested to other members (counts only, nobody named)."""

    members: int
    times: int


class ApiKeyEntry(BaseModel):
    """An API key issued to the member (never its secret or hash)."""

    id: str
    name: str
    created: datetime | None = None
    revoked: datetime | None = None


class MemberExport(BaseModel):
    """Everything the service holds about one member, machine-readable."""

    format: Literal["graph-service-member-export/1"] = Field(
        description="This document's format and version.")
    generated_at: datetime = Field(description="When the export was read (UTC).")
    member: MemberRecord = Field(description="The profile as stored (the interchange record).")
    subsectors: list[SubsectorRef] = Field(
        description="The member's subsectors with their names, primary first.")
    skills: list[SkillRef]
    ties: list[TieEntry] = Field(description="Knows and collaborated ties, both directions.")
    projects: list[ProjectEntry]
    events: list[EventEntry]
    introductions: list[IntroductionEntry] = Field(description="Introductions the member is a party of.")
    introductions_facilitated: list[FacilitatedEntry] = Field(description="Introductions the member made.")
    impressions: list[ImpressionEntry] = Field(description="Recommended partners shown to the member.")
    suggested_to_others: SuggestedToOthers
    api_keys: list[ApiKeyEntry] = Field(description="Keys issued to the member for the API.")


def _counterpart(party: PartyRef | None) -> Counterpart:
    """Name a party unless it is a private member; ``None`` is an erased member."""
    if party is None:
        return Counterpart(id=None, name=None, kind=None, erased=True)
    if party.get("organisation"):
        return Counterpart(id=party["id"], name=party["name"], kind="organisation")
    if (party.get("visibility") or DEFAULT_VISIBILITY) in VISIBLE_TO["member"]:
        return Counterpart(id=party["id"], name=party["name"], kind="member")
    return Counterpart(id=None, name=None, kind="member", private=True)


def _facilitator(value: str | None, party: PartyRef | None) -> Counterpart:
    if party is not None:
        return _counterpart(party)
    if value == ERASED_FACILITATOR:
        return Counterpart(id=None, name=None, kind=None, erased=True)
    return Counterpart(id=MANAGER, name="the cluster manager", kind="manager")


def _order(c: Counterpart) -> tuple[bool, str, str]:
    """Named parties first, by name; private and erased ones after (in no order that reveals them)."""
    return (c.name is None, (c.name or "").lower(), c.id or "")


def _recorded_by(row: ExportTie, member_id: str) -> Literal["member", "counterpart"]:
    recorder = row.get("recorded_by")
    if recorder is not None:
        return "member" if recorder == member_id else "counterpart"
    return "member" if row["outgoing"] else "counterpart"


def export_member(db: Database, member_id: str) -> MemberExport:
    """Everything held about ``member_id``, read in one transaction; :class:`NotFound` when unknown."""
    data = store.read_member_data(db, member_id)
    ties = [
        TieEntry(kind=r["kind"], weight=r["weight"], since=r["since"], confirmed=r["confirmed"],
                 recorded_by=_recorded_by(r, member_id), introduction=r["introduction"],
                 other=_counterpart(r["other"]))
        for r in data.ties
    ]
    ties.sort(key=lambda t: (t.kind, *_order(t.other), t.since or date.min))
    intros = []
    for x in data.introductions:
        a_side = x["side"] == "a"
        own, other = (x["a_response"], x["b_response"]) if a_side else (x["b_response"], x["a_response"])
        intros.append(IntroductionEntry(
            id=x["id"], side=x["side"], date=x["date"], status=x["status"], response=own,
            other_response=other, accepted_on=x["accepted_on"], met_on=x["met_on"],
            closed_on=x["closed_on"], updated=x["updated"], outcome=x["outcome"],
            other=_counterpart(x["other"]),
            facilitator=_facilitator(x["facilitator"], x["facilitator_party"]),
        ))
    facilitated = [FacilitatedEntry(id=f["id"], date=f["date"], status=f["status"],
                                    a=_counterpart(f["a"]), b=_counterpart(f["b"]))
                   for f in data.facilitated]
    impressions = sorted(
        (ImpressionEntry(other=_counterpart(s["other"]), count=s["count"], first=s["first"], last=s["last"])
         for s in data.shown),
        key=lambda i: (-i.count, *_order(i.other)),
    )
    return MemberExport(
        format=EXPORT_FORMAT,
        generated_at=datetime.now(UTC).replace(microsecond=0),
        member=data.member,
        subsectors=[SubsectorRef(**s) for s in data.subsectors],
        skills=[SkillRef(**k) for k in data.skills],
        ties=ties,
        projects=[ProjectEntry(**r) for r in data.projects],
        events=[EventEntry(**r) for r in data.events],
        introductions=intros,
        introductions_facilitated=facilitated,
        impressions=impressions,
        suggested_to_others=SuggestedToOthers(members=len(data.suggested),
                                              times=sum(c or 0 for c in data.suggested)),
        api_keys=[ApiKeyEntry(id=k["id"], name=k["name"], created=k.get("created"), revoked=k.get("revoked"))
                  for k in data.keys],
    )


# -- the erasure ----------------------------------------------------------------------------------
class Mention(BaseModel):
    """A property value that still holds the erased member's id, or their name inside a text
    (for example a project's client or another member's description): for the manager to edit."""

    kind: str = Field(description="The node label or relationship type.")
    id: str | None = Field(description="The node's id, or 'source -> target' for a relationship.")
    key: str = Field(description="The property.")


class ErasureSummary(BaseModel):
    """What an erasure removed and anonymised."""

    knows: int = Field(description="Knows ties deleted.")
    collaborated: int = Field(description="Collaborated ties deleted.")
    subsectors: int = Field(description="Subsector links deleted.")
    skills: int = Field(description="Skill links deleted.")
    projects: int = Field(description="Team places deleted (the projects stay).")
    events: int = Field(description="Attendances deleted (the events stay).")
    impressions_shown_to_member: int = Field(description="Suggestions shown to the member, deleted.")
    impressions_of_member: int = Field(description="Suggestions of the member shown to others, deleted.")
    introductions: int = Field(description="Introductions the member was a party of, anonymised.")
    introductions_fully_anonymised: int = Field(
        description="Of those, the ones whose other side had been erased before: nothing personal is left.")
    facilitations: int = Field(
        description="Introductions the member facilitated; the facilitator became 'erased'.")
    api_keys: int = Field(description="The member's API keys, deleted (they stop working at once).")
    mentions: list[Mention] = Field(
        description="Where the id or name still appears in a text, after the erasure.")


def erase_member(db: Database, member_id: str) -> ErasureSummary:
    """Erase ``member_id`` in one write transaction (see the module docstring); :class:`NotFound`
    for an unknown member, and then nothing is written."""
    erased = store.delete_member(db, member_id)
    return ErasureSummary(**erased.counts, mentions=find_mentions(db, member_id, erased.name))


def find_mentions(db: Database, member_id: str, name: str | None) -> list[Mention]:
    """Property values equal to ``member_id`` or containing ``name`` (case-insensitive; a name
    shorter than :data:`MIN_NAME_LENGTH` only as a whole value)."""
    needle = name.lower() if name and len(name) >= MIN_NAME_LENGTH else None
    found = [Mention(**r) for r in store.find_mentions(db, member_id, text=needle)]
    if name and needle is None:
        found += [Mention(**r) for r in store.find_mentions(db, name)]
    return found


def anonymised_introductions(db: Database) -> tuple[AnonymisedIntroduction, ...]:
    """The introductions with an erased side, as the KPIs count them."""
    return tuple(
        AnonymisedIntroduction(date=r["date"], status=r["status"], facilitator=r["facilitator"] or MANAGER,
                               a=r["a"], b=r["b"], a_subsector=r["a_erased_subsector"],
                               b_subsector=r["b_erased_subsector"])
        for r in store.anonymised_introductions(db)
    )
