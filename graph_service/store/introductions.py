"""Introductions: reading them, proposing one, changing one, and saving a planned batch.

Each change is one write transaction that reads what it needs, checks and writes, so two
concurrent answers cannot both win. The lifecycle's rules (which status may follow which, what
an answer does) are the service's (:mod:`graph_service.services.introductions`): it passes them
in as plain functions of the rows read, which run inside the transaction and raise
:class:`~graph_service.errors.Conflict` to refuse. The store's own checks (the id is free, the
parties exist) raise :class:`~graph_service.errors.Conflict` and
:class:`~graph_service.errors.NotFound`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypedDict, cast

from graph_service.domain import MANAGER
from graph_service.errors import Conflict, NotFound
from graph_service.interchange import IntroductionRecord
from graph_service.store.changes import record_change, tie_pair
from graph_service.store.database import Database, Tx
from graph_service.store.documents import introduction_row
from graph_service.store.members import existing_parties

__all__ = [
    "IntroductionChange",
    "IntroductionRow",
    "change_introduction",
    "IntroductionState",
    "create_introduction",
    "get_introduction",
    "list_introductions",
    "save_introductions",
]


class IntroductionState(TypedDict):
    """Where an introduction stands: when it was proposed, its status, each side's answer, the
    dates of its steps and of its last change (shared by every read of an introduction)."""

    date: date
    status: str
    outcome: str | None
    a_response: str | None
    b_response: str | None
    accepted_on: date | None
    met_on: date | None
    closed_on: date | None
    updated: date | None


class IntroductionRow(IntroductionState):
    """An introduction between two parties as stored (``introductions/get_introductions``)."""

    id: str
    a: str
    b: str
    facilitator: str


@dataclass(frozen=True, slots=True)
class IntroductionChange:
    """What a change writes: the introduction as it becomes, and, when ``knows_tie`` is set, a
    knows tie of that strength between its two sides from the day of the change (or a stronger
    one, when they already know each other)."""

    record: IntroductionRecord
    knows_tie: float | None = None


def _rows(tx: Tx, *, ids: list[str] | None = None, member: str | None = None,
          statuses: Sequence[str] | None = None) -> list[IntroductionRow]:
    rows = tx.rows("introductions/get_introductions", ids=ids, member=member,
                   statuses=list(statuses) if statuses is not None else None)
    return cast(list[IntroductionRow], rows)


def _save(tx: Tx, records: Sequence[IntroductionRecord], today: date) -> None:
    tx.run("introductions/upsert_introductions", rows=[introduction_row(r, updated=today) for r in records])
    record_change(tx, "introduction", *(r.id for r in records))


def list_introductions(db: Database, *, member: str | None = None,
                       statuses: Sequence[str] | None = None) -> list[IntroductionRow]:
    """Introductions in id order, optionally those ``member`` is a party of, of these ``statuses``."""
    return db.read(lambda tx: _rows(tx, member=member, statuses=statuses))


def get_introduction(db: Database, ident: str) -> IntroductionRow:
    """One introduction; :class:`NotFound` when there is none."""
    rows = db.read(lambda tx: _rows(tx, ids=[ident]))
    if not rows:
        raise NotFound("introduction", ident)
    return rows[0]


def create_introduction(db: Database, record: IntroductionRecord, *, today: date,
                        check_pair: Callable[[list[IntroductionRow]], None]) -> IntroductionRow:
    """Write the new introduction ``record`` (last changed ``today``) in one write transaction.

    Refused with :class:`Conflict`, and nothing written, when its id is taken, a side is no member
    or organisation, or the facilitator is neither a member nor the manager; and when
    ``check_pair``, given the introductions the two sides already have with each other, raises.
    """
    a, b, facilitator = record.a, record.b, record.facilitator

    def work(tx: Tx) -> None:
        if _rows(tx, ids=[record.id]):
            raise Conflict(f"id: an introduction '{record.id}' already exists")
        found = existing_parties(tx, [a, b] + ([facilitator] if facilitator != MANAGER else []))
        known = found.members | found.organisations
        for field, value in (("a", a), ("b", b)):
            if value not in known:
                raise Conflict(f"{field}: no member or organisation '{value}'")
        if facilitator != MANAGER and facilitator not in found.members:
            raise Conflict(f"facilitator: no member '{facilitator}' (or 'manager')")
        check_pair([x for x in _rows(tx, member=a) if {x["a"], x["b"]} == {a, b}])
        _save(tx, [record], today)

    db.write(work)
    return get_introduction(db, record.id)


def change_introduction(db: Database, ident: str, change: Callable[[IntroductionRow], IntroductionChange],
                        *, today: date) -> IntroductionRow:
    """Read introduction ``ident``, let ``change`` decide what it becomes, and write that (last
    changed ``today``), all in one write transaction; the introduction as it now is.

    :class:`NotFound` for an unknown introduction; whatever ``change`` raises (and then nothing
    is written).
    """

    def work(tx: Tx) -> None:
        rows = _rows(tx, ids=[ident])
        if not rows:
            raise NotFound("introduction", ident)
        current = rows[0]
        decided = change(current)
        _save(tx, [decided.record], today)
        if decided.knows_tie is not None:
            tx.run("introductions/record_tie", a=current["a"], b=current["b"], strength=decided.knows_tie,
                   since=today, introduction=ident)
            record_change(tx, "tie", tie_pair(current["a"], current["b"]))

    db.write(work)
    return get_introduction(db, ident)


def save_introductions(db: Database, records: Sequence[IntroductionRecord], *, today: date) -> None:
    """Write these introductions (last changed ``today``) in one write transaction; the caller
    has checked them (a plan's pairs come from the graph)."""
    db.write(lambda tx: _save(tx, records, today))
