"""Ties as their two sides see them: recording, confirming and withdrawing a tie.

A tie recorded by one side is shown to anyone but the manager and the two sides only once the
other side has confirmed it (:func:`~graph_service.services.visibility.consented_document`).
A tie is stored from the side that recorded it: its start node is the recorder (for ties that
came in through an import, the document's ``source``), so the other side is the one to confirm
it, and the direction alone carries who recorded it (an interchange export and a backup keep it).

Each change is one write transaction of :mod:`graph_service.store.ties` (checks of the tie's
state included), so a retried or concurrent request never leaves half a change, and the version
stamp it bumps makes every consented view drop the tie (or show it) on the very next request.
"""

from __future__ import annotations

from datetime import date

from graph_service.domain import TieKind
from graph_service.errors import Forbidden, InvalidRequest
from graph_service.services.visibility import MANAGER_VIEW, Viewer
from graph_service.store import ties as store
from graph_service.store.database import Database
from graph_service.store.ties import Tie, TieParty, TieRecorded

__all__ = [
    "TieParty",
    "Tie",
    "TieRecorded",
    "member_ties",
    "record_tie",
    "confirm_tie",
    "withdraw_tie",
]


def member_ties(db: Database, member_id: str) -> list[Tie]:
    """Every tie of ``member_id``, in both directions, confirmed or not, sorted by other id and kind."""
    return store.member_ties(db, member_id)


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
    if confirmed and not actor.is_manager:
        raise Forbidden("confirmed: only the manager may record a tie as confirmed; "
                        "the other side confirms it")
    return store.record_tie(db, member_id, other, kind=kind, weight=weight, since=since, confirmed=confirmed)


def confirm_tie(db: Database, member_id: str, other: str, *, kind: TieKind | None = None) -> list[Tie]:
    """``member_id`` confirms the tie(s) ``other`` recorded with them (of ``kind``, or of any kind).

    Raises
    ------
    NotFound
        When no such tie waits for ``member_id``.
    Conflict
        When the tie is already confirmed, or ``member_id`` recorded it themselves.
    """
    return store.confirm_tie(db, member_id, other, kind=kind)


def withdraw_tie(db: Database, member_id: str, other: str, *, kind: TieKind | None = None) -> int:
    """Either side withdraws the tie(s) with ``other`` (of ``kind``, or of any kind): they are
    deleted, and leave every view at once. Returns how many; NotFound when there is none."""
    return store.withdraw_tie(db, member_id, other, kind=kind)
