"""A member's data under the GDPR: everything held about one member, its erasure, and what is
left of erased members (their anonymised introductions, and mentions of them in texts).

:func:`read_member_data` reads every part of the export in one read transaction and
:func:`delete_member` erases a member in one write transaction. Which other parties the export
may name, and how it is laid out, is decided in :mod:`graph_service.services.privacy`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, TypedDict, cast

from graph_service.domain import ERASED_FACILITATOR
from graph_service.errors import NotFound
from graph_service.interchange import MemberRecord
from graph_service.store.changes import forget_party, record_change
from graph_service.store.database import Database, Tx
from graph_service.store.introductions import IntroductionState
from graph_service.store.keys import KeyRow, delete_keys_of, keys_of
from graph_service.store.layout import forget_member
from graph_service.store.members import read_members

__all__ = [
    "AnonymisedIntroductionRow",
    "ErasureCounts",
    "Erasure",
    "ExportEvent",
    "ExportFacilitated",
    "ExportIntroduction",
    "ExportProject",
    "ExportTie",
    "MemberData",
    "MentionRow",
    "PartyRef",
    "ShownImpression",
    "SkillName",
    "SubsectorName",
    "anonymised_introductions",
    "anonymised_introductions_of",
    "delete_member",
    "find_mentions",
    "read_member_data",
]


# -- what the export reads ------------------------------------------------------------------------
class PartyRef(TypedDict):
    """Another party as the export's queries give it; the service decides whether to name it."""

    id: str
    name: str
    organisation: bool
    visibility: str | None


class SubsectorName(TypedDict):
    id: str
    name: str
    primary: bool


class SkillName(TypedDict):
    id: str
    name: str


class ExportTie(TypedDict):
    """A tie of the member, either direction (``privacy/export_ties``)."""

    kind: Literal["knows", "collaborated"]
    weight: float
    since: date | None
    confirmed: bool | None
    recorded_by: str | None
    outgoing: bool
    introduction: str | None
    other: PartyRef


class ExportIntroduction(IntroductionState):
    """An introduction the member is a party of (``privacy/export_introductions``); ``other`` is
    None once the other side is erased, ``facilitator_party`` None unless a member facilitated."""

    id: str
    side: Literal["a", "b"]
    facilitator: str | None
    other: PartyRef | None
    facilitator_party: PartyRef | None


class ExportFacilitated(TypedDict):
    """An introduction the member facilitated; a side is None once erased."""

    id: str
    date: date
    status: str
    a: PartyRef | None
    b: PartyRef | None


class ExportProject(TypedDict):
    """A project the member was on the team of, with the team's size only."""

    id: str
    title: str
    kind: str
    status: str
    client: str | None
    start: date | None
    end: date | None
    position: int | None
    team_size: int


class ExportEvent(TypedDict):
    """An event the member attended, with the number of attendees only."""

    id: str
    title: str
    date: date
    format: str
    theme: str | None
    attendees: int


class ShownImpression(TypedDict):
    """A suggestion shown to the member: who, how often, first and last."""

    other: PartyRef
    count: int
    first: date | None
    last: date | None


@dataclass(frozen=True, slots=True)
class MemberData:
    """Everything held about one member, as read in one transaction."""

    member: MemberRecord
    subsectors: list[SubsectorName]
    skills: list[SkillName]
    ties: list[ExportTie]
    projects: list[ExportProject]
    events: list[ExportEvent]
    introductions: list[ExportIntroduction]
    facilitated: list[ExportFacilitated]
    shown: list[ShownImpression]
    suggested: list[int | None]
    """How often the member was suggested to each other member (counts only)."""
    keys: list[KeyRow]


def read_member_data(db: Database, member_id: str) -> MemberData:
    """Every part of a member's export, in one read transaction; :class:`NotFound` when unknown."""

    def work(tx: Tx) -> MemberData:
        found = read_members(tx, [member_id])
        profile = tx.one("privacy/export_profile", id=member_id)
        if not found or profile is None:
            raise NotFound("member", member_id)
        shown = tx.one("privacy/export_impressions", id=member_id) or {"shown": [], "suggested": []}
        return MemberData(
            member=found[0],
            subsectors=cast(list[SubsectorName], profile["subsectors"]),
            skills=cast(list[SkillName], profile["skills"]),
            ties=cast(list[ExportTie], tx.rows("privacy/export_ties", id=member_id)),
            introductions=cast(list[ExportIntroduction], tx.rows("privacy/export_introductions", id=member_id)),
            facilitated=cast(list[ExportFacilitated], tx.rows("privacy/export_facilitated", id=member_id)),
            shown=cast(list[ShownImpression], shown["shown"]),
            suggested=cast(list[int | None], shown["suggested"]),
            projects=cast(list[ExportProject], tx.rows("privacy/export_projects", id=member_id)),
            events=cast(list[ExportEvent], tx.rows("privacy/export_events", id=member_id)),
            keys=keys_of(tx, member_id),
        )

    return db.read(work)


# -- the erasure ----------------------------------------------------------------------------------
class ErasureCounts(TypedDict):
    """What an erasure removed (relationships and keys) and anonymised (introductions)."""

    knows: int
    collaborated: int
    subsectors: int
    skills: int
    projects: int
    events: int
    impressions_shown_to_member: int
    impressions_of_member: int
    introductions: int
    introductions_fully_anonymised: int
    facilitations: int
    api_keys: int


@dataclass(frozen=True, slots=True)
class Erasure:
    """An erasure's outcome: the erased member's name (to look for mentions of it) and the counts."""

    name: str | None
    counts: ErasureCounts


def delete_member(db: Database, ident: str) -> Erasure:
    """Erase a member in one write transaction (see :mod:`graph_service.services.privacy`).

    Deletes the member with its ties, subsector and skill links, team places, attendances and
    impressions (closing the gaps in the teams' and attendee lists' ranks); the introductions it
    took part in lose their link to it, their notes and its answer, and keep its primary
    subsector as an anonymous attribute; those it facilitated keep ``ERASED_FACILITATOR``. The
    member's API keys are deleted too.
    Returns the member's name and what was removed or anonymised; :class:`NotFound` (and nothing
    written) for an unknown id.
    """

    def work(tx: Tx) -> Erasure:
        counts = tx.one("privacy/erasure_counts", id=ident)
        if counts is None:
            raise NotFound("member", ident)
        name = counts.pop("name", None)
        tx.run("privacy/renumber_lists", id=ident)
        counts.update(tx.one("privacy/anonymise_introductions", id=ident) or {})
        counts.update(tx.one("privacy/anonymise_facilitations", id=ident, erased=ERASED_FACILITATOR) or {})
        counts["api_keys"] = delete_keys_of(tx, ident)
        forget_member(tx, ident)  # no kept map layout names the erased member
        deleted = tx.one("members/delete_member", id=ident)
        if not deleted or deleted["deleted"] != 1:  # pragma: no cover - matched above, in this transaction
            raise NotFound("member", ident)
        # No change record may name the erased member: the earlier ones that do say "bulk" now,
        # and so does this one (every projection reads the graph again).
        forget_party(tx, ident)
        record_change(tx, "bulk")
        return Erasure(name, cast(ErasureCounts, counts))

    return db.write(work)


# -- what is left of erased members ---------------------------------------------------------------
class MentionRow(TypedDict):
    """A property that holds a value looked for: the node's label (or relationship type), the
    node's id (or ``'source -> target'``) and the property key."""

    kind: str
    id: str | None
    key: str


def find_mentions(db: Database, value: str, *, text: str | None = None) -> list[MentionRow]:
    """Property values equal to ``value``, or (with ``text``, lower case) containing ``text``
    case-insensitively, on any node or relationship."""
    return cast(list[MentionRow], db.rows("privacy/find_mentions", {"id": value, "text": text}))


class AnonymisedIntroductionRow(TypedDict):
    """An introduction with an erased side: ``a`` or ``b`` is None, and the erased side's primary
    subsector is kept as ``a_erased_subsector`` / ``b_erased_subsector``."""

    id: str
    a: str | None
    b: str | None
    a_erased_subsector: str | None
    b_erased_subsector: str | None
    facilitator: str | None
    date: date
    status: str
    a_response: str | None
    b_response: str | None
    accepted_on: date | None
    met_on: date | None
    closed_on: date | None


def anonymised_introductions_of(tx: Tx) -> list[AnonymisedIntroductionRow]:
    """The introductions with an erased side, in id order (inside a store transaction)."""
    return cast(list[AnonymisedIntroductionRow], tx.rows("privacy/anonymised_introductions"))


def anonymised_introductions(db: Database) -> list[AnonymisedIntroductionRow]:
    """The introductions with an erased side, in id order."""
    return db.read(anonymised_introductions_of)
