"""The introduction lifecycle, with double opt-in, follow-ups and outcomes that feed the graph.

    proposed ──(both accept)──► accepted ──► met ──► collaborating
        │                          │           └───► no-follow-up ──► collaborating
        └──(either declines)──► declined ◄─────┘ (a side may still back out before meeting)

* An introduction is only *made* (status ``accepted``) when both sides accept.
* A declined pair is never suggested again (the recommender excludes it).
* ``collaborating`` turns the pair into a ``knows`` tie (strength :data:`INTRODUCED_TIE_STRENGTH`),
  in the same transaction.
* Follow-ups are due for introductions accepted but not met, or met but without an outcome, for
  more than ``days`` days.

Each change is one write transaction (:mod:`graph_service.store.introductions`) that reads the
introduction, checks the transition with the rules below and writes it, so two concurrent
answers cannot both win.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from graph_service.domain import MANAGER
from graph_service.errors import Conflict, InvalidRequest
from graph_service.interchange import IntroductionRecord
from graph_service.store import introductions as store
from graph_service.store.database import Database
from graph_service.store.introductions import IntroductionChange, IntroductionRow

__all__ = [
    "TRANSITIONS",
    "INTRODUCED_TIE_STRENGTH",
    "Answer",
    "DueIntroduction",
    "new_introduction_id",
    "propose",
    "respond",
    "advance",
    "due_for_follow_up",
    "list_introductions",
]

INTRODUCED_TIE_STRENGTH = 0.6
# Where each status may go by PATCH; "accepted" is only reached through both sides' answers.
TRANSITIONS: dict[str, frozenset[str]] = {
    "proposed": frozenset({"declined"}),
    "accepted": frozenset({"met", "declined"}),
    "met": frozenset({"collaborating", "no-follow-up"}),
    "no-follow-up": frozenset({"collaborating"}),
    "collaborating": frozenset(),
    "declined": frozenset(),
}
OPEN = ("proposed", "accepted", "met")
NOTES_LIMIT = 2000  # the introduction's notes (outcome) are a LongText
Answer = Literal["accept", "decline"]


def new_introduction_id(today: date) -> str:
    return f"i-{today:%Y%m%d}-{secrets.token_hex(3)}"


def _record(row: IntroductionRow, **changes: Any) -> IntroductionRecord:
    data = {k: v for k, v in row.items() if v is not None and k != "updated"}
    data.update(changes)
    return IntroductionRecord.model_validate(data)


def propose(db: Database, *, a: str, b: str, facilitator: str = MANAGER, ident: str | None = None,
            outcome: str | None = None, today: date | None = None) -> IntroductionRow:
    """Record a proposed introduction between ``a`` and ``b``; both answers start as pending.

    Refused (409) when a party does not exist, when the pair already has an open introduction,
    or when one of them declined an introduction to the other before.
    """
    today = today or date.today()
    if a == b:
        raise Conflict("b: cannot introduce a member to itself")
    record = IntroductionRecord(id=ident or new_introduction_id(today), a=a, b=b, facilitator=facilitator,
                                date=today, status="proposed", outcome=outcome,
                                a_response="pending", b_response="pending")

    def check_pair(earlier: list[IntroductionRow]) -> None:
        for other in earlier:
            if other["status"] in OPEN:
                raise Conflict(f"b: '{a}' and '{b}' already have an open introduction ({other['id']})")
            if other["status"] == "declined":
                raise Conflict(f"b: an introduction of '{a}' and '{b}' was declined before ({other['id']})")

    return store.create_introduction(db, record, today=today, check_pair=check_pair)


def respond(db: Database, ident: str, *, member: str, answer: Answer, note: str | None = None,
            today: date | None = None) -> IntroductionRow:
    """One side's answer. Declining closes the introduction; the second acceptance makes it.

    ``note`` (optional, a line the answering side wrote, e.g. from their page) is added on a line
    of its own to the introduction's notes (``outcome``), which both sides and the manager see."""
    today = today or date.today()
    note = (note or "").strip() or None

    def change(row: IntroductionRow) -> IntroductionChange:
        if member not in (row["a"], row["b"]):
            raise Conflict(f"member: '{member}' is not a party to introduction '{ident}'")
        if row["status"] != "proposed":
            raise Conflict(f"status: the introduction is already {row['status']}; answers are closed")
        side: Literal["a_response", "b_response"] = "a_response" if member == row["a"] else "b_response"
        changes: dict[str, Any] = {side: "accepted" if answer == "accept" else "declined"}
        other = (row["b_response"] if side == "a_response" else row["a_response"]) or "pending"
        if answer == "decline":
            changes.update(status="declined", closed_on=today)
        elif other == "accepted":
            changes.update(status="accepted", accepted_on=today)
        if note:
            changes["outcome"] = "\n".join(filter(None, (row["outcome"], note)))
            if len(changes["outcome"]) > NOTES_LIMIT:
                raise InvalidRequest("note", f"too long: an introduction's notes hold at most {NOTES_LIMIT:,} "
                                     "characters in all")
        return IntroductionChange(_record(row, **changes))

    return store.change_introduction(db, ident, change, today=today)


def advance(db: Database, ident: str, *, status: str, outcome: str | None = None,
            today: date | None = None) -> IntroductionRow:
    """Move an introduction on (met, collaborating, no-follow-up, or declined before meeting)."""
    today = today or date.today()

    def change(row: IntroductionRow) -> IntroductionChange:
        allowed = TRANSITIONS[row["status"]]
        if status not in allowed:
            hint = ("; 'accepted' is reached when both sides accept (POST .../respond)"
                    if status == "accepted" else "")
            options = ", ".join(sorted(allowed)) or "none: it is closed"
            raise Conflict(f"status: cannot go from {row['status']} to {status} (allowed: {options}){hint}")
        changes: dict[str, Any] = {"status": status}
        if outcome is not None:
            changes["outcome"] = outcome
        if status == "met":
            changes["met_on"] = today
        else:
            changes["closed_on"] = today
        tie = INTRODUCED_TIE_STRENGTH if status == "collaborating" else None
        return IntroductionChange(_record(row, **changes), knows_tie=tie)

    return store.change_introduction(db, ident, change, today=today)


@dataclass(frozen=True, slots=True)
class DueIntroduction:
    introduction: IntroductionRow
    waiting_days: int
    action: str


def due_for_follow_up(db: Database, *, days: int = 30, today: date | None = None) -> list[DueIntroduction]:
    """Introductions waiting for a follow-up: accepted but not met, or met without an outcome,
    for more than ``days`` days; longest waiting first."""
    today = today or date.today()
    limit = today - timedelta(days=days)
    due: list[DueIntroduction] = []
    for row in store.list_introductions(db, statuses=["accepted", "met"]):
        since = (row.get("met_on") if row["status"] == "met" else row.get("accepted_on")) or row["date"]
        if since < limit:
            action = ("ask both sides whether it led to working together" if row["status"] == "met"
                      else "check whether they have met")
            due.append(DueIntroduction(row, (today - since).days, action))
    due.sort(key=lambda d: (-d.waiting_days, d.introduction["id"]))
    return due



def list_introductions(db: Database, *, member: str | None = None,
                       statuses: Sequence[str] | None = None) -> list[IntroductionRow]:
    """Introductions in id order, optionally those ``member`` takes part in, of these ``statuses``
    (the store's read, for the pages that list them)."""
    return store.list_introductions(db, member=member, statuses=statuses)
