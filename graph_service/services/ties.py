"""Ties as their two sides see them: recording, confirming and withdrawing a tie.

A tie recorded by one side is shown to anyone but the manager and the two sides only once the
other side has confirmed it (:func:`~graph_service.services.visibility.consented_document`).
A tie is stored from the side that recorded it: its start node is the recorder (for ties that
came in through an import, the document's ``source``), so the other side is the one to confirm
it, and the direction alone carries who recorded it (an interchange export and a backup keep it).

Each change is one write transaction (checks included), so a retried or concurrent request
never leaves half a change, and the version stamp it bumps makes every consented view drop the
tie (or show it) on the very next request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from graph_service.domain import TieKind
from graph_service.errors import Conflict, Forbidden, InvalidRequest, NotFound
from graph_service.services.visibility import MANAGER_VIEW, Viewer
from graph_service.store.database import Database, Tx

__all__ = [
    "TieParty",
    "Tie",
    "TieRecorded",
    "member_ties",
    "record_tie",
    "confirm_tie",
    "withdraw_tie",
    "RECORD_QUERIES",
    "TIE_TYPES",
]

RECORD_QUERIES: dict[str, str] = {"knows": "ties/record_knows", "collaborated": "ties/record_collaborated"}
TIE_TYPES: dict[str, str] = {"knows": "KNOWS", "collaborated": "COLLABORATED"}


@dataclass(frozen=True, slots=True)
class TieParty:
    """The other side of a tie: a member (shown to the member even when private: it is their own
    tie) or an organisation of another cluster."""

    id: str
    name: str
    party: Literal["member", "organisation"]


@dataclass(frozen=True, slots=True)
class Tie:
    """One tie of a member. ``awaiting`` is True when the member is the side that has to confirm it."""

    other: TieParty
    kind: TieKind
    weight: float
    since: date | None
    confirmed: bool
    recorded_by: str
    awaiting: bool


@dataclass(frozen=True, slots=True)
class TieRecorded:
    """What a ``record`` did: ``recorded`` a new tie, or ``confirmed`` one the other side had
    recorded; and the tie as it now is."""

    status: Literal["recorded", "confirmed"]
    tie: Tie


def _tie(member_id: str, row: dict[str, Any]) -> Tie:
    confirmed = bool(row["confirmed"])
    return Tie(
        other=TieParty(row["other"], row["name"], row["party"]),
        kind=row["kind"],
        weight=float(row["weight"]),
        since=row["since"],
        confirmed=confirmed,
        recorded_by=row["recorded_by"],
        awaiting=not confirmed and row["recorded_by"] != member_id,
    )


def _ties(tx: Tx, member_id: str, other: str | None = None) -> list[Tie]:
    return [_tie(member_id, r) for r in tx.rows("ties/member_ties", member=member_id, other=other)]


def _check_parties(tx: Tx, member_id: str, other: str | None) -> None:
    row = tx.one("ties/tie_parties", member=member_id, other=other) or {}
    if not row.get("member"):
        raise NotFound("member", member_id)
    if other is not None and not row.get("other"):
        raise NotFound("member or organisation", other)


def member_ties(db: Database, member_id: str) -> list[Tie]:
    """Every tie of ``member_id``, in both directions, confirmed or not, sorted by other id and kind."""

    def work(tx: Tx) -> list[Tie]:
        _check_parties(tx, member_id, None)
        return _ties(tx, member_id)

    return db.read(work)


def record_tie(
    db: Database,
    member_id: str,
    other: str,
    *,
    kind: TieKind = "knows",
    weight: float = 0.5,
    since: date | None = None,
    confirmed: bool = False,
    actor: Viewer = MANAGER_VIEW,
) -> TieRecorded:
    """``member_id`` records a ``kind`` tie with ``other``, unconfirmed: the other side confirms it.

    If ``other`` had already recorded the same tie, this confirms it instead (status
    ``confirmed``; the tie keeps the weight and date its recorder gave). Only the manager
    (``actor``) may record a tie as ``confirmed`` at once, e.g. on behalf of both sides or for a
    tie with an organisation, which has nobody to confirm it.

    Raises
    ------
    InvalidRequest
        For a tie of a member with itself, or ``weight`` outside (0, 1].
    Forbidden
        When someone other than the manager sends ``confirmed``.
    NotFound
        When ``member_id`` is no member, or ``other`` no member or organisation.
    Conflict
        When the tie is already confirmed, or ``member_id`` already recorded it and it waits
        for the other side.
    """
    if other == member_id:
        raise InvalidRequest("other", "a member cannot record a tie with itself")
    if not 0.0 < weight <= 1.0:
        raise InvalidRequest("weight", "must be greater than 0 and at most 1")
    if confirmed and actor.audience != "manager":
        raise Forbidden("confirmed: only the manager may record a tie as confirmed; "
                        "the other side confirms it")

    def work(tx: Tx) -> TieRecorded:
        _check_parties(tx, member_id, other)
        existing = next((t for t in _ties(tx, member_id, other) if t.kind == kind), None)
        if existing is None:
            tx.run(RECORD_QUERIES[kind], member=member_id, other=other, weight=weight, since=since,
                   confirmed=confirmed)
            status: Literal["recorded", "confirmed"] = "recorded"
        elif existing.confirmed:
            raise Conflict(f"other: {member_id} and {other} already have a confirmed {kind} tie")
        elif existing.recorded_by == member_id and not confirmed:
            raise Conflict(f"other: {member_id} already recorded this {kind} tie; "
                           f"it waits for {other} to confirm it")
        else:
            tx.run("ties/confirm_ties", member=member_id, other=other, types=[TIE_TYPES[kind]])
            status = "confirmed"
        tie = next(t for t in _ties(tx, member_id, other) if t.kind == kind)
        return TieRecorded(status, tie)

    return db.write(work)


def confirm_tie(db: Database, member_id: str, other: str, *, kind: TieKind | None = None) -> list[Tie]:
    """``member_id`` confirms the tie(s) ``other`` recorded with them (of ``kind``, or of any kind).

    Raises
    ------
    NotFound
        When no such tie waits for ``member_id``.
    Conflict
        When the tie is already confirmed, or ``member_id`` recorded it themselves.
    """
    kinds = [kind] if kind is not None else list(TIE_TYPES)

    def work(tx: Tx) -> list[Tie]:
        _check_parties(tx, member_id, other)
        ties = [t for t in _ties(tx, member_id, other) if t.kind in kinds]
        awaiting = [t for t in ties if t.awaiting]
        if not awaiting:
            what = f"{kind} tie" if kind else "tie"
            if not ties:
                raise NotFound(f"{what} awaiting {member_id}'s confirmation from", other)
            if all(t.confirmed for t in ties):
                raise Conflict(f"other: the {what} between {member_id} and {other} is already confirmed")
            raise Conflict(f"other: {member_id} recorded this {what}; {other} is the one to confirm it")
        tx.run("ties/confirm_ties", member=member_id, other=other,
               types=[TIE_TYPES[t.kind] for t in awaiting])
        confirmed = {t.kind for t in awaiting}
        return [t for t in _ties(tx, member_id, other) if t.kind in confirmed]

    return db.write(work)


def withdraw_tie(db: Database, member_id: str, other: str, *, kind: TieKind | None = None) -> int:
    """Either side withdraws the tie(s) with ``other`` (of ``kind``, or of any kind): they are
    deleted, and leave every view at once. Returns how many; NotFound when there is none."""
    kinds = [kind] if kind is not None else list(TIE_TYPES)

    def work(tx: Tx) -> int:
        _check_parties(tx, member_id, other)
        types = [TIE_TYPES[k] for k in kinds]
        row = tx.one("ties/delete_ties", member=member_id, other=other, types=types) or {}
        deleted = int(row.get("deleted", 0))
        if not deleted:
            raise NotFound(f"{kind + ' ' if kind else ''}tie between {member_id} and", other)
        return deleted

    return db.write(work)
