"""The records the manager keeps, one at a time: events, projects and calls for tender,
organisations of the other clusters (:mod:`graph_service.store.events`, ``projects``,
``organisations`` build on this module).

Each write is one write transaction that does everything in order, so a failure leaves nothing:

1. it takes the write lock of the version stamp (``records/lock_graph``), so record writes run
   one after the other: a generated id is never given twice, and an update never lays its
   fields over a record another write is changing;
2. it reads the stored record (:class:`~graph_service.errors.NotFound` when there is none to
   update, :class:`~graph_service.errors.Conflict` when the id of a new one is taken);
3. it lays the given fields over it with the merge rules of an import
   (:mod:`graph_service.merge`): an absent field keeps the stored value, ``None`` clears it (a
   field with a default goes back to it), a list replaces the list;
4. it checks the whole record and what it refers to (skills, members and organisations), and
   raises :class:`~graph_service.errors.DocumentInvalid` with every problem, each placed at its
   field (``requires[1]``) with a did-you-mean;
5. it writes the record with the import's own query, which sets its lists to exactly those given.

A new record without an id gets the kind's prefix and the next free number: one more than the
highest number among the ids of that form, padded to that id's width (``e-040`` → ``e-041``;
``e-001`` when there is none).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from graph_service.errors import Conflict, DocumentInvalid, NotFound
from graph_service.interchange import Problem
from graph_service.store.changes import CHANGE_KINDS, ChangeKind, record_change
from graph_service.store.database import Database, Tx
from graph_service.store.members import existing_parties

__all__ = [
    "RecordKind",
    "stored_record",
    "create_record",
    "update_record",
    "delete_record",
    "add_to_list",
    "remove_from_list",
    "next_id",
    "ID_WIDTH",
]

R = TypeVar("R", bound=BaseModel)

ID_WIDTH = 3
"""The digits of a generated id when no id of that form exists yet."""


@dataclass(frozen=True, slots=True)
class RecordKind(Generic[R]):
    """What the generic record writes need to know about one kind of record."""

    noun: str  # "event", "project", "organisation": in messages
    model: type[R]
    prefix: str  # of generated ids
    read: Callable[[Tx, str], R | None]  # the stored record, or None
    ids_query: str  # the ids starting with $prefix, among those a new id must differ from
    upsert: str  # writes rows made by ``row``
    row: Callable[[R], dict[str, Any]]
    delete: str  # deletes the node with $id, returns ``deleted``
    skills: tuple[str, ...] = ()  # list fields holding skill ids
    parties: tuple[str, ...] = ()  # list fields holding member or organisation ids
    check: Callable[[Tx, R, bool], list[Problem]] | None = None  # further checks (record, is_new)

    @property
    def article(self) -> str:
        return "an" if self.noun[0] in "aeiou" else "a"

    @property
    def change(self) -> ChangeKind:
        """What the change records call this kind (its noun)."""
        assert self.noun in CHANGE_KINDS, self.noun
        return self.noun


def stored_record(model: type[R], row: Mapping[str, Any]) -> R:
    """A stored record from a query row (without its nulls); one stored before a rule was
    tightened is taken as it is, to be laid over and checked whole."""
    values = {k: v for k, v in row.items() if v is not None}
    try:
        return model.model_validate(values)
    except ValidationError:
        return model.model_construct(**values)


# -- ids ------------------------------------------------------------------------------------------
def next_id(prefix: str, taken: Iterable[str]) -> str:
    """The prefix and one more than the highest number among the ``taken`` ids of the form
    ``<prefix><digits>``, as wide as that id (at least :data:`ID_WIDTH` digits when there is none)."""
    form = re.compile(re.escape(prefix) + r"(\d+)$")
    best, width = 0, ID_WIDTH
    for ident in taken:
        m = form.match(ident)
        if m and int(m.group(1)) >= best:
            best, width = int(m.group(1)), len(m.group(1))
    return f"{prefix}{best + 1:0{width}d}"


# -- checks ---------------------------------------------------------------------------------------
def _loc(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _closest(value: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _validated(kind: RecordKind[R], values: Mapping[str, Any], *, new: bool) -> R:
    """``values`` as a whole record; :class:`DocumentInvalid` naming each bad field."""
    try:
        return kind.model.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = _loc(err["loc"])
            if err["type"] == "missing" and len(err["loc"]) == 1:
                msg = (f"required for a new {kind.noun}" if new
                       else f"cannot be cleared: {kind.article} {kind.noun} needs its {where}")
            else:
                msg = str(err["msg"])
            problems.append(Problem(loc=where, msg=msg))
        raise DocumentInvalid(problems) from None


def _reference_problems(tx: Tx, kind: RecordKind[R], record: R) -> list[Problem]:
    """Unknown or repeated skills, members and organisations in the record's lists."""
    problems: list[Problem] = []
    lists = {name: list(getattr(record, name)) for name in (*kind.skills, *kind.parties)}
    for name, values in lists.items():
        if len(set(values)) != len(values):
            problems.append(Problem(loc=name, msg=f"'{_first_repeat(values)}' is listed twice"))
    skill_refs = sorted({v for name in kind.skills for v in lists[name]})
    party_refs = sorted({v for name in kind.parties for v in lists[name]})
    if not skill_refs and not party_refs:
        return problems
    found = existing_parties(tx, party_refs, skill_refs)
    parties = found.members | found.organisations
    all_skills: list[str] | None = None
    all_parties: list[str] | None = None
    for name in kind.skills:
        for j, value in enumerate(lists[name]):
            if value not in found.skills:
                if all_skills is None:
                    all_skills = [r["id"] for r in tx.rows("records/skill_ids")]
                problems.append(Problem(loc=f"{name}[{j}]", msg=f"unknown skill '{value}'"
                                        f"{_closest(value, all_skills)}"))
    for name in kind.parties:
        for j, value in enumerate(lists[name]):
            if value not in parties:
                if all_parties is None:
                    all_parties = [r["id"] for r in tx.rows("records/party_ids", prefix="")]
                problems.append(Problem(loc=f"{name}[{j}]", msg=f"no member or organisation '{value}'"
                                        f"{_closest(value, all_parties)}"))
    return problems


def _first_repeat(values: Sequence[str]) -> str:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            return v
        seen.add(v)
    return ""


def _checked_write(tx: Tx, kind: RecordKind[R], record: R, *, new: bool) -> None:
    problems = _reference_problems(tx, kind, record)
    if kind.check is not None:
        problems += kind.check(tx, record, new)
    if problems:
        raise DocumentInvalid(problems)  # the transaction is rolled back
    tx.run(kind.upsert, rows=[kind.row(record)])
    record_change(tx, kind.change, _record_id(record))


def _stored(tx: Tx, kind: RecordKind[R], ident: str) -> R:
    record = kind.read(tx, ident)
    if record is None:
        raise NotFound(kind.noun, ident)
    return record


# -- writes ---------------------------------------------------------------------------------------
def create_record(db: Database, kind: RecordKind[R], fields: Mapping[str, Any]) -> R:
    """Write a new record of ``kind`` from ``fields`` (``id`` left out or None: generated).

    :class:`Conflict` when the id is taken, :class:`DocumentInvalid` with every problem; then
    nothing is written.
    """

    def work(tx: Tx) -> R:
        tx.run("records/lock_graph")
        ident = fields.get("id")
        if ident is None:
            ident = next_id(kind.prefix, (r["id"] for r in tx.rows(kind.ids_query, prefix=kind.prefix)))
        elif isinstance(ident, str) and kind.read(tx, ident) is not None:
            raise Conflict(f"id: {kind.article} {kind.noun} '{ident}' already exists")
        record = _validated(kind, {**fields, "id": ident}, new=True)
        _checked_write(tx, kind, record, new=True)
        return _stored(tx, kind, _record_id(record))

    return db.write(work)


def update_record(db: Database, kind: RecordKind[R], ident: str, changes: Mapping[str, Any]) -> R:
    """Lay ``changes`` over the stored record ``ident`` (absent keeps, None clears, a list
    replaces) and write the result. :class:`NotFound`, :class:`DocumentInvalid`; then nothing
    is written."""
    return _change(db, kind, ident, lambda current: {**current.model_dump(), **changes})


def add_to_list(db: Database, kind: RecordKind[R], ident: str, field: str, value: str) -> R:
    """Append ``value`` to the record's list ``field`` (unchanged when it is there already)."""

    def change(current: R) -> dict[str, Any]:
        values = list(getattr(current, field))
        return {**current.model_dump(), field: values if value in values else [*values, value]}

    return _change(db, kind, ident, change)


def remove_from_list(db: Database, kind: RecordKind[R], ident: str, field: str, value: str, *, what: str) -> R:
    """Take ``value`` out of the record's list ``field``; :class:`NotFound` (``what``) when it is
    not in it."""

    def change(current: R) -> dict[str, Any]:
        values = list(getattr(current, field))
        if value not in values:
            raise NotFound(f"{what} of {kind.noun} '{ident}' with id", value)
        return {**current.model_dump(), field: [v for v in values if v != value]}

    return _change(db, kind, ident, change)


def _change(db: Database, kind: RecordKind[R], ident: str, change: Callable[[R], dict[str, Any]]) -> R:
    def work(tx: Tx) -> R:
        tx.run("records/lock_graph")
        current = _stored(tx, kind, ident)
        record = _validated(kind, {**change(current), "id": ident}, new=False)
        _checked_write(tx, kind, record, new=False)
        return _stored(tx, kind, ident)

    return db.write(work)


def delete_record(db: Database, kind: RecordKind[R], ident: str,
                  before: Callable[[Tx], None] | None = None) -> None:
    """Delete the record ``ident`` with its own relationships; :class:`NotFound` when there is
    none. ``before`` runs first in the same transaction and may refuse (and then nothing is deleted)."""

    def work(tx: Tx) -> None:
        tx.run("records/lock_graph")
        _stored(tx, kind, ident)
        if before is not None:
            before(tx)
        tx.run(kind.delete, id=ident)
        record_change(tx, kind.change, ident)

    db.write(work)


def _record_id(record: BaseModel) -> str:
    ident = getattr(record, "id", None)
    assert isinstance(ident, str)
    return ident
