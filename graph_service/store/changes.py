"""Change records, and the reads an in-memory projection needs to follow the graph.

**Change records.** Every write transaction that changes the cluster notes what it changed with
:func:`record_change` (the kind of entity and its id); :meth:`Database.write
<graph_service.store.database.Database.write>` appends them, last in the same transaction, as one
``:Change`` node numbered by one of :data:`~graph_service.store.database.CHANGE_SHARDS`
counters (``:ChangeShard``), picked at random per write, so writers that picked different
counters never wait for each other. A counter's numbers have no holes: its lock is held from
taking the number to the commit, so its records commit in number order. A write that noted
nothing (an import, a replace) or more than ``MAX_CHANGE_IDS`` entities appends a ``bulk``
record: read everything again.

A process follows with :func:`read_changes`: the counters' positions, then the records after
those it has seen, then (same read transaction) the entities they name, by id
(:func:`read_entities`). A hole (records deleted by :func:`forget_changes`, or a counter that went
back because the graph was wiped) says "read everything".

**The full read** (:func:`read_document`): the whole cluster in a few queries whose rows are
taken as plain lists, and records made without pydantic's validation (the values were checked
when they were written); it equals :func:`graph_service.store.documents.export_document`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date as _date
from operator import itemgetter
from typing import Any, Literal, TypeVar, get_args

from pydantic import BaseModel

from graph_service.collector import collector_paused
from graph_service.domain import SUBSECTORS
from graph_service.interchange import (
    Document,
    EventRecord,
    IntroductionRecord,
    MemberRecord,
    OrganisationRecord,
    ProjectRecord,
    SkillRecord,
    SubsectorRecord,
    TieRecord,
)
from graph_service.store.database import CHANGE_SHARDS, Database, Tx

__all__ = [
    "ChangeKind",
    "CHANGE_KINDS",
    "ENTITY_KINDS",
    "KEEP_CHANGES_S",
    "Positions",
    "ChangeLog",
    "Entities",
    "record_change",
    "forget_party",
    "tie_pair",
    "positions",
    "read_changes",
    "read_entities",
    "read_changed",
    "read_document",
    "forget_changes",
]

ChangeKind = Literal["member", "organisation", "tie", "project", "event", "introduction", "skill",
                     "key", "subsector", "bulk"]
"""What a change record names: an entity of the interchange document (a ``tie`` is named by its
two parties, see :func:`tie_pair`), an API key or a subsector (no part of the projection), or
``bulk`` (anything: read everything again)."""
CHANGE_KINDS: tuple[ChangeKind, ...] = get_args(ChangeKind)
ENTITY_KINDS: tuple[ChangeKind, ...] = ("member", "organisation", "tie", "project", "event", "introduction",
                                        "skill")
"""The kinds a projection re-reads (the others do not change it)."""

KEEP_CHANGES_S = 86_400
"""How long change records are kept (a day): a process that has not looked for longer reads the
whole graph again."""

Positions = tuple[int, ...]
"""The last number seen of each change shard (index = shard)."""

R = TypeVar("R", bound=BaseModel)


def record_change(tx: Tx, kind: ChangeKind, *ids: str) -> None:
    """Note, in a write transaction, that it changed (created, updated or deleted) the entities
    ``ids`` of ``kind``; the write's change record names them (``bulk``, without ids: anything,
    read everything again). Every store function that writes the cluster calls it
    (``tests/test_change_records.py`` checks that they do)."""
    tx.note_change(kind, ("",) if kind == "bulk" else ids)


def forget_party(tx: Tx, ident: str) -> None:
    """In the transaction that erases member ``ident``: turn the change records that name them
    into ``bulk`` records, so no record names an erased member (a process that has not read them
    yet reads everything)."""
    tx.run("changes/forget_party", id=ident)


def tie_pair(a: str, b: str) -> str:
    """How a change record names the ties between ``a`` and ``b`` (any kind, either direction):
    the two ids, smaller first, separated by a space (an id has no spaces)."""
    return f"{a} {b}" if a < b else f"{b} {a}"


# -- the change records ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ChangeLog:
    """The records after the ``since`` positions, up to ``positions``: ``changed`` maps each kind
    to the ids named; ``complete`` is False when some were missing (forgotten or wiped) or a
    ``bulk`` record was among them, and then the whole graph must be read again."""

    since: Positions
    positions: Positions
    changed: dict[str, set[str]]
    complete: bool
    records: int


def _positions(tx: Tx) -> Positions:
    found = {int(s): int(n or 0) for s, n in tx.values("changes/positions")[1]}
    return tuple(found.get(i, 0) for i in range(max([CHANGE_SHARDS, *[s + 1 for s in found]])))


def positions(db: Database) -> Positions:
    """The last number taken by each change shard (one small query: what a process checks once a
    second)."""
    return db.read(_positions)


def read_changes(tx: Tx, since: Positions) -> ChangeLog:
    """The change records after ``since`` (inside a read transaction)."""
    now = _positions(tx)
    seen = tuple(since) + (0,) * (len(now) - len(since))
    went_back = any(n < s for n, s in zip(now, seen, strict=False)) or len(seen) > len(now)
    after = [{"shard": i, "n": s, "until": n} for i, (s, n) in enumerate(zip(seen, now, strict=False)) if n > s]
    changed: dict[str, set[str]] = {}
    count = 0
    if after and not went_back:
        for _shard, _n, kinds, ids in tx.values("changes/changes_after", after=after)[1]:
            count += 1
            for kind, ident in zip(kinds, ids, strict=True):
                changed.setdefault(kind, set()).add(ident)
    expected = sum(a["until"] - a["n"] for a in after)
    complete = not went_back and count == expected and "bulk" not in changed
    return ChangeLog(seen, now, changed, complete, count)


def forget_changes(db: Database, *, keep_s: float = KEEP_CHANGES_S, batch: int = 10_000) -> int:
    """Delete the change records older than ``keep_s`` seconds; how many. Not itself a change."""
    total = 0
    while True:
        row = db.write(lambda tx: tx.one("changes/forget_changes", keep_s=int(keep_s), limit=batch), bump=False)
        deleted = int(row["deleted"]) if row else 0
        total += deleted
        if deleted < batch:
            return total


# -- records without validation -------------------------------------------------------------------
def _maker(model: type[R], dates: Sequence[str] = (), floats: Sequence[str] = ()) -> Callable[[Mapping[str, Any]], R]:
    """A function that makes a ``model`` record from a row of stored values, as
    ``model(**without_nulls(row))`` would (a null takes the field's default and is not "set"),
    without validating: the values were checked when written. Temporal values of ``dates`` (the
    driver's dates, or ISO dates as text) become ``datetime.date``, numbers of ``floats`` become
    floats."""
    names = tuple(model.model_fields)
    factories: dict[str, Callable[[], Any]] = {}
    defaults: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if info.default_factory is not None:
            factories[name] = info.default_factory  # type: ignore[assignment]  # takes no argument here
        elif not info.is_required():
            defaults[name] = info.default
    date_fields, float_fields = frozenset(dates), frozenset(floats)
    new, setattr_ = object.__new__, object.__setattr__

    def make(row: Mapping[str, Any]) -> R:
        values: dict[str, Any] = {}
        given: set[str] = set()
        for name in names:
            value = row.get(name)
            if value is None:
                factory = factories.get(name)
                value = factory() if factory is not None else defaults.get(name)
            else:
                given.add(name)
                if name in date_fields:  # the driver's date, or its ISO text (the bulk reads)
                    value = _date.fromisoformat(value) if isinstance(value, str) else value.to_native()
                elif name in float_fields:
                    value = float(value)
            values[name] = value
        record: R = new(model)
        setattr_(record, "__dict__", values)
        setattr_(record, "__pydantic_fields_set__", given)
        setattr_(record, "__pydantic_extra__", None)
        setattr_(record, "__pydantic_private__", None)
        return record

    return make


make_member = _maker(MemberRecord, dates=("joined",))
make_organisation = _maker(OrganisationRecord)
make_tie = _maker(TieRecord, dates=("since",), floats=("weight",))
make_project = _maker(ProjectRecord, dates=("start", "end"))
make_event = _maker(EventRecord, dates=("date",))
make_introduction = _maker(IntroductionRecord, dates=("date", "accepted_on", "met_on", "closed_on"))
make_skill = _maker(SkillRecord)


def _records(tx: Tx, name: str, make: Callable[[Mapping[str, Any]], R], **params: Any) -> list[R]:
    keys, rows = tx.values(name, **params)
    return [make(dict(zip(keys, row, strict=True))) for row in rows]


def _tie_rows(rows: Iterable[Sequence[Any]]) -> list[TieRecord]:
    """Tie records from rows of (source, target, knows?, weight, since, confirmed), sorted by
    source, target and kind: what ``make_tie`` makes of each, made inline (the hundreds of
    thousands of ties are most of the full read's records)."""
    ordered = sorted(rows, key=itemgetter(0, 1, 2))  # kind: "collaborated" (False) before "knows"
    new, setattr_ = object.__new__, object.__setattr__
    out = []
    for source, target, knows, weight, since, confirmed in ordered:
        given = {"source", "target", "kind"}
        if weight is None:
            weight = 1.0
        else:
            weight = float(weight)
            given.add("weight")
        if since is not None:
            since = _date.fromisoformat(since) if isinstance(since, str) else since.to_native()
            given.add("since")
        if confirmed is None:
            confirmed = True
        else:
            given.add("confirmed")
        record = new(TieRecord)
        setattr_(record, "__dict__", {"source": source, "target": target, "kind": "knows" if knows else "collaborated",
                                      "weight": weight, "since": since, "confirmed": confirmed})
        setattr_(record, "__pydantic_fields_set__", given)
        setattr_(record, "__pydantic_extra__", None)
        setattr_(record, "__pydantic_private__", None)
        out.append(record)
    return out


def _tie_key(t: TieRecord) -> tuple[str, str, str]:
    return (t.source, t.target, t.kind)


@dataclass(slots=True)
class Entities:
    """Entities re-read by id: each kind maps the ids asked for to the record, or None when it is
    gone; ``ties`` maps a :func:`tie_pair` to the ties between the two (possibly none)."""

    members: dict[str, MemberRecord | None] = field(default_factory=dict)
    organisations: dict[str, OrganisationRecord | None] = field(default_factory=dict)
    ties: dict[str, list[TieRecord]] = field(default_factory=dict)
    projects: dict[str, ProjectRecord | None] = field(default_factory=dict)
    events: dict[str, EventRecord | None] = field(default_factory=dict)
    introductions: dict[str, IntroductionRecord | None] = field(default_factory=dict)
    skills: dict[str, SkillRecord | None] = field(default_factory=dict)


def _by_id(ids: Iterable[str], records: Iterable[R]) -> dict[str, R | None]:
    found: dict[str, R | None] = dict.fromkeys(ids)
    for r in records:
        found[getattr(r, "id")] = r  # noqa: B009  # every record kind here has an id
    return found


def read_entities(tx: Tx, wanted: Mapping[str, Iterable[str]]) -> Entities:
    """The current records of the entities ``wanted`` (kind -> ids; a ``tie`` id is a
    :func:`tie_pair`), inside a read transaction."""
    out = Entities()
    ids = {kind: sorted(set(wanted.get(kind, ()))) for kind in ENTITY_KINDS}
    if ids["member"]:
        out.members = _by_id(ids["member"], _records(tx, "members/get_members", make_member, ids=ids["member"],
                                                     after=None, limit=len(ids["member"])))
    if ids["organisation"]:
        out.organisations = _by_id(ids["organisation"], _records(tx, "organisations/get_organisations",
                                                                 make_organisation, ids=ids["organisation"]))
    if ids["tie"]:
        pairs = [p.split(" ", 1) for p in ids["tie"]]
        out.ties = {p: [] for p in ids["tie"]}
        for t in _tie_rows(tx.values("projection/ties_between", pairs=pairs)[1]):
            out.ties[tie_pair(t.source, t.target)].append(t)
    if ids["project"]:
        out.projects = _by_id(ids["project"], _records(tx, "projects/get_projects", make_project,
                                                       ids=ids["project"], status=None, kind=None))
    if ids["event"]:
        out.events = _by_id(ids["event"], _records(tx, "events/get_events", make_event, ids=ids["event"],
                                                   **{"from": None}))
    if ids["introduction"]:
        out.introductions = _by_id(ids["introduction"], _records(
            tx, "introductions/get_introductions", make_introduction, ids=ids["introduction"], member=None,
            statuses=None))
    if ids["skill"]:
        out.skills = _by_id(ids["skill"], _records(tx, "skills/get_skills", make_skill, ids=ids["skill"]))
    return out


# -- the full read --------------------------------------------------------------------------------
READ_PAGE = 50_000
"""How many members (projects, events, introductions; parties for their ties) one page of the
full read holds: a page's one row of columns must stay well inside the server's transaction
memory limit (``db.memory.transaction.max``, 256 MB by default; at 1,000,000 members the ties in
one row took about 700 MB), while a few pages a section keep the round trips few."""


def _rows(tx: Tx, name: str, *, page: int = READ_PAGE) -> tuple[list[str], Iterable[tuple[Any, ...]]]:
    """A ``projection/*`` query's field names and rows, from the one row of columns each of its
    pages returns (one list per field; at 100,000 members the driver took most of the full read's
    time making a record of each of the hundreds of thousands of rows, and a date object of each
    stored date). Pages follow each other by id within the one transaction, so they read one
    snapshot. A page's columns are the query's fields, but for ``anchors`` and ``last`` (how many
    ids the page covered and the last of them, for queries whose rows are not one per id: the
    ties); else the page's last ``id``."""
    keys: list[str] = []
    columns: list[list[Any]] = []
    after = ""
    while True:
        names, found = tx.values(name, after=after, page=page)
        if not found:
            break
        row = dict(zip(names, found[0], strict=True))
        covered, last = row.pop("anchors", None), row.pop("last", None)
        if not keys:
            keys, columns = list(row), [[] for _ in row]
        for column, values in zip(columns, row.values(), strict=True):
            column.extend(values)
        if covered is None:
            ids = row["id"]
            covered, last = len(ids), (ids[-1] if ids else None)
        if covered < page or last is None:
            break
        after = last
    return keys, zip(*columns, strict=True)


def _row_records(tx: Tx, name: str, make: Callable[[Mapping[str, Any]], R], page: int) -> list[R]:
    keys, rows = _rows(tx, name, page=page)
    return [make(dict(zip(keys, row, strict=True))) for row in rows]


def _document(tx: Tx, page: int) -> Document:
    members = _row_records(tx, "projection/members", make_member, page)
    members.sort(key=lambda m: m.id)
    return Document.model_construct(
        subsectors=[SubsectorRecord(id=s.id, name=s.name) for s in SUBSECTORS],
        skills=_records(tx, "skills/list_skills", make_skill, subsector=None, cross_cutting=None),
        members=members,
        organisations=_records(tx, "organisations/export_organisations", make_organisation),
        ties=_tie_rows(_rows(tx, "projection/ties", page=page)[1]),
        projects=_row_records(tx, "projection/projects", make_project, page),
        events=_row_records(tx, "projection/events", make_event, page),
        introductions=_row_records(tx, "projection/introductions", make_introduction, page),
    )


def read_document(db: Database, *, timeout: float = 600.0, page: int = READ_PAGE) -> tuple[Positions, Document]:
    """The change positions and the whole cluster at them, in one read transaction: the same
    document as :func:`~graph_service.store.documents.export_document`, read several times faster,
    each section in pages of ``page`` (:data:`READ_PAGE`)."""
    with collector_paused():
        return db.read(lambda tx: (_positions(tx), _document(tx, page)), timeout=timeout)


def read_changed(db: Database, since: Positions, cascade: Callable[[Entities], Mapping[str, Iterable[str]]]
                 ) -> tuple[ChangeLog, Entities]:
    """The change records after ``since`` and, when they are complete, the entities they name, in
    one read transaction; ``cascade(entities)`` names further entities to re-read (what a deleted
    member took with it), which are read in the same transaction and added."""

    def work(tx: Tx) -> tuple[ChangeLog, Entities]:
        log = read_changes(tx, since)
        if not log.complete or not log.changed:
            return log, Entities()
        found = read_entities(tx, log.changed)
        more = {k: set(v) for k, v in cascade(found).items()}
        for kind, ids in more.items():
            ids -= set(log.changed.get(kind, ()))
        if any(more.values()):
            extra = read_entities(tx, more)
            for name in ("members", "organisations", "ties", "projects", "events", "introductions", "skills"):
                getattr(found, name).update(getattr(extra, name))
        return log, found

    return db.read(work, timeout=120.0)
