"""Ties between members (and with organisations): reading a member's ties, recording,
confirming and withdrawing one.

A tie is stored from the side that recorded it (its start node), so the other side is the one
to confirm it. Each change here is one write transaction that checks the two parties and the
tie's current state and then writes, so a retried or concurrent request never leaves half a
change; the refusals are :class:`~graph_service.errors.NotFound` and
:class:`~graph_service.errors.Conflict`. The checks of the request itself (a tie with oneself,
the weight's range, who may record a tie as confirmed) are in
:mod:`graph_service.services.ties`. Bulk loading and export of ties are in
:mod:`graph_service.store.documents`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from graph_service.domain import TieKind
from graph_service.errors import Conflict, NotFound
from graph_service.store.changes import record_change, tie_pair
from graph_service.store.database import Database, Tx

__all__ = [
    "TIE_KINDS",
    "TieParty",
    "Tie",
    "TieRecorded",
    "member_ties",
    "record_tie",
    "confirm_tie",
    "withdraw_tie",
]

TIE_KINDS: tuple[TieKind, ...] = ("knows", "collaborated")
_RECORD_QUERIES: dict[TieKind, str] = {"knows": "ties/record_knows", "collaborated": "ties/record_collaborated"}
_TIE_TYPES: dict[TieKind, str] = {"knows": "KNOWS", "collaborated": "COLLABORATED"}


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


def _kinds(kind: TieKind | None) -> list[TieKind]:
    return [kind] if kind is not None else list(TIE_KINDS)


def _check_parties(tx: Tx, member_id: str, other: str | None) -> None:
    row = tx.one("ties/tie_parties", member=member_id, other=other) or {}
    if not row.get("member"):
        raise NotFound("member", member_id)
    if other is not None and not row.get("other"):
        raise NotFound("member or organisation", other)


def member_ties(db: Database, member_id: str) -> list[Tie]:
    """Every tie of ``member_id``, in both directions, confirmed or not, sorted by other id and kind;
    :class:`NotFound` for an unknown member."""

    def work(tx: Tx) -> list[Tie]:
        _check_parties(tx, member_id, None)
        return _ties(tx, member_id)

    return db.read(work)


def record_tie(db: Database, member_id: str, other: str, *, kind: TieKind, weight: float,
               since: date | None, confirmed: bool) -> TieRecorded:
    """``member_id`` records a ``kind`` tie with ``other`` (``confirmed`` at once, or not), in one
    write transaction; when ``other`` had recorded the same tie, this confirms it instead.

    Raises :class:`NotFound` when ``member_id`` is no member or ``other`` no member or
    organisation, and :class:`Conflict` when the tie is already confirmed, or ``member_id``
    already recorded it (and ``confirmed`` is not given) and it waits for the other side.
    """

    def work(tx: Tx) -> TieRecorded:
        _check_parties(tx, member_id, other)
        existing = next((t for t in _ties(tx, member_id, other) if t.kind == kind), None)
        if existing is None:
            tx.run(_RECORD_QUERIES[kind], member=member_id, other=other, weight=weight, since=since,
                   confirmed=confirmed)
            status: Literal["recorded", "confirmed"] = "recorded"
        elif existing.confirmed:
            raise Conflict(f"other: {member_id} and {other} already have a confirmed {kind} tie")
        elif existing.recorded_by == member_id and not confirmed:
            raise Conflict(f"other: {member_id} already recorded this {kind} tie; "
                           f"it waits for {other} to confirm it")
        else:
            tx.run("ties/confirm_ties", member=member_id, other=other, types=[_TIE_TYPES[kind]])
            status = "confirmed"
        record_change(tx, "tie", tie_pair(member_id, other))
        tie = next(t for t in _ties(tx, member_id, other) if t.kind == kind)
        return TieRecorded(status, tie)

    return db.write(work)


def confirm_tie(db: Database, member_id: str, other: str, *, kind: TieKind | None = None) -> list[Tie]:
    """``member_id`` confirms the tie(s) ``other`` recorded with them (of ``kind``, or of any kind),
    in one write transaction; the ties confirmed.

    Raises :class:`NotFound` when no such tie waits for ``member_id`` (or a party is unknown), and
    :class:`Conflict` when the tie is already confirmed, or ``member_id`` recorded it themselves.
    """
    kinds = _kinds(kind)
    what = f"{kind} tie" if kind else "tie"

    def work(tx: Tx) -> list[Tie]:
        _check_parties(tx, member_id, other)
        ties = [t for t in _ties(tx, member_id, other) if t.kind in kinds]
        awaiting = [t for t in ties if t.awaiting]
        if not awaiting:
            if not ties:
                raise NotFound(f"{what} awaiting {member_id}'s confirmation from", other)
            if all(t.confirmed for t in ties):
                raise Conflict(f"other: the {what} between {member_id} and {other} is already confirmed")
            raise Conflict(f"other: {member_id} recorded this {what}; {other} is the one to confirm it")
        tx.run("ties/confirm_ties", member=member_id, other=other,
               types=[_TIE_TYPES[t.kind] for t in awaiting])
        record_change(tx, "tie", tie_pair(member_id, other))
        confirmed = {t.kind for t in awaiting}
        return [t for t in _ties(tx, member_id, other) if t.kind in confirmed]

    return db.write(work)


def withdraw_tie(db: Database, member_id: str, other: str, *, kind: TieKind | None = None) -> int:
    """Delete the tie(s) between ``member_id`` and ``other`` (of ``kind``, or of any kind), in one
    write transaction; how many. :class:`NotFound` when there is none (or a party is unknown)."""
    kinds = _kinds(kind)
    what = f"{kind} tie" if kind else "tie"

    def work(tx: Tx) -> int:
        _check_parties(tx, member_id, other)
        types = [_TIE_TYPES[k] for k in kinds]
        row = tx.one("ties/delete_ties", member=member_id, other=other, types=types) or {}
        deleted = int(row.get("deleted", 0))
        if not deleted:
            raise NotFound(f"{what} between {member_id} and", other)
        record_change(tx, "tie", tie_pair(member_id, other))
        return deleted

    return db.write(work)
