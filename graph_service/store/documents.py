"""Import and export of the interchange document.

Import checks the whole document first (shape, values, duplicates and references, against the
graph when merging; see :mod:`graph_service.merge`), and writes nothing when anything is wrong.
A merge sets only the fields each record carries: the stored records are read, the given fields
laid over them and the result written, in the same transaction (documents up to
``SINGLE_TX_ROWS`` rows); records that would not change are not written at all.

**How it writes** (:func:`_steps`): what is known to be new is written with ``CREATE``: every
record after a replace cleared the graph, else the records whose ids the check found nowhere in
the graph, and the ties with a new side. Their nodes go first, then their relationships as flat
parallel lists (``$a``, ``$b``, ``$r``: one relationship per element, no nested subqueries);
a new member's subsectors and skills are created with it, the batch looking those shared nodes
up once (``imports/create_members``).
Everything else is written by the ``upsert`` queries (``MERGE`` on constrained ids, lists set to
exactly those given), which the records kept one at a time share. Batches are sized by what they
write: ``UNITS_PER_ROW * batch_size`` nodes and relationships (10,000 by default), an upsert
row weighing one plus the length of its lists. Python's garbage collector is paused meanwhile.

**Transactions.** Documents up to ``SINGLE_TX_ROWS`` rows are written in one transaction (a
replace also deletes the old graph in it, when that holds at most ``CLEAR_IN_ONE_TX`` nodes and
relationships), so they land whole or not at all. Bigger ones are checked whole first, then
written one batch per transaction between the marks of an unfinished import
(:func:`unfinished_import`; the commands say when a graph holds part of one), ``WRITERS``
transactions at a time where their rows lock no common node (:func:`_rounds`). Imports are
idempotent: new is decided from the graph at each run, so an import that was cut off half-way
is completed by running it again, with nothing twice. (The driver retries a transaction only
when it was rolled back, never after a commit whose outcome is unknown, so ``CREATE`` is never
applied twice; a second ``CREATE`` of an id would be refused by its uniqueness constraint.)
"""

from __future__ import annotations

import contextvars
import gc
import threading
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from graph_service.domain import SUBSECTORS
from graph_service.errors import DocumentInvalid
from graph_service.interchange import (
    Document,
    EventRecord,
    IntroductionRecord,
    MemberRecord,
    OrganisationRecord,
    Problem,
    ProjectRecord,
    SkillRecord,
    SubsectorRecord,
    TieRecord,
    check_references,
)
from graph_service.merge import Checked, Draft, SectionPlan, check_draft, draft_of, requested_ids
from graph_service.store.changes import record_change
from graph_service.store.database import _REQUEST, Database, LastWrite, Tx, request_consistency

__all__ = [
    "ImportResult",
    "ImportPlan",
    "Progress",
    "preview_import",
    "validate_document",
    "import_document",
    "export_document",
    "ensure_subsectors",
    "clear_graph",
    "unfinished_import",
    "cluster_size",
    "end_bulk_load",
    "member_row",
    "organisation_row",
    "project_row",
    "event_row",
    "introduction_row",
    "without_nulls",
    "SINGLE_TX_ROWS",
    "CLEAR_IN_ONE_TX",
    "IMPORT_TIMEOUT_S",
]

SINGLE_TX_ROWS = 20_000
"""Documents of at most this many rows to write are written in one transaction."""
CLEAR_IN_ONE_TX = 50_000
"""A replace deletes a graph of at most this many nodes and relationships in the transaction that
writes the document; a bigger one is deleted in batches first (the per-transaction memory limit)."""
UNITS_PER_ROW = 5
WRITERS = 1
"""Batched imports write with this many transactions at a time, where their rows lock no common
node (:func:`_rounds`). One: on this 2-core machine, quiet, two writers were slower (20,000
members into an empty graph 26.2 s against 20.2 s, into the populated graph 20.7 s against 16.3 s),
as Neo4j still deadlocks on neighbouring relationships and retries (docs/benchmarks.md, Imports);
more cores may turn that round."""
IMPORT_TIMEOUT_S = 600.0
TIE_QUERIES = {"knows": ("ties/create_knows", "ties/upsert_knows"),
               "collaborated": ("ties/create_collaborated", "ties/upsert_collaborated")}

Progress = Callable[[str, int], None]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import wrote: ``counts`` per section (for a merge, the records created or
    updated; unchanged ones are not written) and ``plan`` (what changed, when it is known)."""

    replaced: bool
    counts: dict[str, int]
    transactions: int
    plan: dict[str, SectionPlan] | None = None
    retries: int = 0  # batches written again after a deadlock or another transient error


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What an import would do (a dry run): per section, and every problem (empty when it would succeed)."""

    replace: bool
    plan: dict[str, SectionPlan]
    problems: list[Problem]


def ensure_subsectors(db: Database) -> None:
    rows = [{"id": s.id, "name": s.name, "nace": list(s.nace), "description": s.description} for s in SUBSECTORS]

    def work(tx: Tx) -> None:
        tx.run("subsectors/upsert_subsectors", rows=rows)
        record_change(tx, "subsector", *(s.id for s in SUBSECTORS))  # no projection reads them

    db.write(work)


def member_row(m: MemberRecord) -> dict[str, Any]:
    return {
        "id": m.id,
        "subsectors": list(m.subsectors),
        "skills": list(m.skills),
        "props": {
            "name": m.name, "name_lower": m.name.lower(), "kind": m.kind, "visibility": m.visibility,
            "city": m.city, "website": m.website, "email": m.email, "languages": list(m.languages),
            "description": m.description, "joined": m.joined,
        },
    }


def introduction_row(x: IntroductionRecord, **extra: Any) -> dict[str, Any]:
    return {
        "id": x.id, "a": x.a, "b": x.b, "facilitator": x.facilitator,
        "props": {"date": x.date, "status": x.status, "outcome": x.outcome, "facilitator": x.facilitator,
                  "a_response": x.a_response, "b_response": x.b_response, "accepted_on": x.accepted_on,
                  "met_on": x.met_on, "closed_on": x.closed_on, **extra},
    }


def _skill_row(s: SkillRecord) -> dict[str, Any]:
    return {"id": s.id, "name": s.name, "subsector": s.subsector}


def organisation_row(o: OrganisationRecord) -> dict[str, Any]:
    return {"id": o.id, "skills": list(o.skills),
            "props": {"name": o.name, "cluster": o.cluster, "city": o.city, "website": o.website}}


def _tie_row(t: TieRecord) -> dict[str, Any]:
    return {"source": t.source, "target": t.target, "weight": t.weight, "since": t.since,
            "confirmed": t.confirmed}


def project_row(p: ProjectRecord) -> dict[str, Any]:
    return {"id": p.id, "requires": list(p.requires), "team": list(p.team),
            "props": {"title": p.title, "kind": p.kind, "client": p.client, "status": p.status,
                      "start": p.start, "end": p.end}}


def event_row(e: EventRecord) -> dict[str, Any]:
    return {"id": e.id, "attendees": list(e.attendees),
            "props": {"title": e.title, "date": e.date, "format": e.format, "theme": e.theme}}


@dataclass(frozen=True, slots=True)
class Known:
    """What an import knows to be new, so that it writes it with ``CREATE`` (no lookup of what
    is there, no old relationships to delete): everything after the graph was cleared, else the
    records whose ids the check found nowhere in the graph (``new``: by section, the ids of
    members, organisations, projects, events and introductions). A tie is new when one of its
    sides is a new member or organisation; every other record is written by its ``upsert`` query
    (``MERGE``)."""

    everything: bool = False
    new: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def is_new(self, section: str, ident: str) -> bool:
        return self.everything or ident in self.new.get(section, frozenset())

    def new_party(self, ident: str) -> bool:
        return self.everything or ident in self.new.get("members", frozenset()) \
            or ident in self.new.get("organisations", frozenset())


@dataclass(frozen=True, slots=True)
class Step:
    """One query of an import and the rows it writes, in batches.

    Rows are maps (sent as ``$rows``; a row weighs one plus the length of its lists: what it
    writes) or, with ``columns``, tuples sent as parallel lists named by the columns (``$a``,
    ``$b``...: one relationship each, weight 1). ``counted`` steps write the section's records
    (their rows are counted and reported as progress); the others write the relationships of
    records created by an earlier step."""

    section: str
    query: str
    rows: Sequence[Any]
    columns: tuple[str, ...] = ()
    counted: bool = True
    cap: int | None = None  # at most this many rows in a batch (None: only the unit budget)
    pack: Callable[[Sequence[Any]], dict[str, Any]] | None = None  # a batch's parameters, if not $rows
    # How batches may run at the same time (see _rounds): None, one after the other; else the
    # nodes a row locks, as (kind, id) pairs: rows that lock no common node run in parallel.
    # ``fresh`` rows lock only the nodes they create (and shared dense ones): any batches may.
    locks: Callable[[Any], tuple[tuple[str, str], ...]] | None = None
    fresh: bool = False

    def params(self, chunk: Sequence[Any]) -> dict[str, Any]:
        if self.pack is not None:
            return self.pack(chunk)
        if not self.columns:
            return {"rows": list(chunk)}
        return {name: [row[j] for row in chunk] for j, name in enumerate(self.columns)}

    def batches(self, budget: int, rows: Sequence[Any] | None = None) -> Iterator[Sequence[Any]]:
        """The rows (or ``rows``, some of them) in batches of at most ``budget`` units (and
        ``cap`` rows), so that a batch of large events (hundreds of attendees each) stays within
        the transaction memory limit."""
        rows = self.rows if rows is None else rows
        cap = self.cap or budget
        if self.columns:  # every row weighs 1
            for i in range(0, len(rows), min(cap, budget)):
                yield rows[i:i + min(cap, budget)]
            return
        start, units = 0, 0
        for i, row in enumerate(rows):
            w = _weight(row)
            if i > start and (i - start >= cap or units + w > budget):
                yield rows[start:i]
                start, units = i, 0
            units += w
        if start < len(rows):
            yield rows[start:]


def _member_batch(chunk: Sequence[Any]) -> dict[str, Any]:
    """The parameters of imports/create_members: the subsectors and skills the batch names, once
    each, and each member's as positions in those lists."""
    subsectors: dict[str, int] = {}
    skills: dict[str, int] = {}
    rows = [{"id": r["id"], "props": r["props"],
             "s": [subsectors.setdefault(x, len(subsectors)) for x in r["subsectors"]],
             "k": [skills.setdefault(x, len(skills)) for x in r["skills"]]} for r in chunk]
    return {"rows": rows, "subsectors": list(subsectors), "skills": list(skills)}


def _own_id(row: Any) -> tuple[tuple[str, str], ...]:
    return (("party", row["id"]),)


def _tie_ends(row: Any) -> tuple[tuple[str, str], ...]:
    return (("party", row["source"]), ("party", row["target"]))


def _ends(a: str, b: str | None) -> Callable[[Any], tuple[tuple[str, str], ...]]:
    """The nodes a flat-list row ``(a, b, ...)`` locks: its two ends, of kinds ``a`` and ``b``
    (``b`` None: a shared node with many relationships, a skill, which Neo4j does not lock
    exclusively to add one)."""
    if b is None:
        return lambda row: ((a, row[0]),)
    return lambda row: ((a, row[0]), (b, row[1]))


def _steps(doc: Document, known: Known, size: int) -> list[Step]:
    """The steps that write ``doc``, in dependency order: what is known to be new with ``CREATE``
    (nodes first, then their relationships as flat lists), the rest with the ``upsert`` queries
    (``MERGE``, lists set to exactly those given)."""
    steps = [
        Step("skills", "skills/upsert_skills", [_skill_row(s) for s in doc.skills], cap=size),
        Step("organisations", "organisations/upsert_organisations",
             [organisation_row(o) for o in doc.organisations], cap=size),
    ]
    new_members = [m for m in doc.members if known.is_new("members", m.id)]
    old_members = [m for m in doc.members if not known.is_new("members", m.id)]
    steps += [
        Step("members", "imports/create_members", [member_row(m) for m in new_members], pack=_member_batch,
             fresh=True),
        Step("members", "members/upsert_members", [member_row(m) for m in old_members], cap=size,
             locks=_own_id),
    ]
    for kind, (create, upsert) in TIE_QUERIES.items():
        ties = [t for t in doc.ties if t.kind == kind]
        steps += [
            Step("ties", create,
                 [(t.source, t.target, t.weight, t.since, t.confirmed) for t in ties
                  if known.new_party(t.source) or known.new_party(t.target)], ("a", "b", "w", "s", "c"),
                 locks=_ends("party", "party")),
            Step("ties", upsert,
                 [_tie_row(t) for t in ties if not (known.new_party(t.source) or known.new_party(t.target))],
                 cap=size, locks=_tie_ends),
        ]
    new_projects = [p for p in doc.projects if known.is_new("projects", p.id)]
    steps += [
        Step("projects", "projects/create_projects", [{"id": p.id, "props": project_row(p)["props"]}
                                                     for p in new_projects], fresh=True),
        Step("projects", "projects/upsert_projects",
             [project_row(p) for p in doc.projects if not known.is_new("projects", p.id)], cap=size),
        # A skill listed twice counts once, at its last place (as upsert_projects' MERGE leaves it).
        Step("projects", "projects/create_requires",
             [(p.id, k, i) for p in new_projects for k, i in {k: i for i, k in enumerate(p.requires)}.items()],
             ("a", "b", "r"), counted=False, locks=_ends("project", None)),
        Step("projects", "projects/create_worked_on",
             [(m, p.id, i) for p in new_projects for i, m in enumerate(p.team)],
             ("a", "b", "r"), counted=False, locks=_ends("party", "project")),
    ]
    new_events = [e for e in doc.events if known.is_new("events", e.id)]
    steps += [
        Step("events", "events/create_events", [{"id": e.id, "props": event_row(e)["props"]} for e in new_events],
             fresh=True),
        Step("events", "events/upsert_events",
             [event_row(e) for e in doc.events if not known.is_new("events", e.id)], cap=size),
        Step("events", "events/create_attended",
             [(m, e.id, i) for e in new_events for i, m in enumerate(e.attendees)], ("a", "b", "r"), counted=False,
             locks=_ends("party", "event")),
        Step("introductions", "introductions/create_introductions",
             [introduction_row(x) for x in doc.introductions if known.is_new("introductions", x.id)]),
        Step("introductions", "introductions/upsert_introductions",
             [introduction_row(x) for x in doc.introductions if not known.is_new("introductions", x.id)], cap=size),
    ]
    return steps


def _weight(row: Any) -> int:
    """Roughly how many nodes and relationships a row writes: 1 plus the length of its lists."""
    if not isinstance(row, dict):
        return 1
    return 1 + sum(len(v) for v in row.values() if isinstance(v, list))


def _budget(batch_size: int) -> int:
    """The units (nodes and relationships written) of one batch: ``UNITS_PER_ROW`` per row of
    ``batch_size``."""
    return UNITS_PER_ROW * batch_size


def _counts(steps: Sequence[Step]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for step in steps:
        if step.counted:
            counts[step.section] = counts.get(step.section, 0) + len(step.rows)
    return counts


def _run_steps(tx: Tx, steps: Sequence[Step], budget: int) -> None:
    """Every step, batch by batch, in one transaction."""
    for step in steps:
        for chunk in step.batches(budget):
            tx.run(step.query, **step.params(chunk))


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Without Python's cyclic garbage collector: checking a big document allocates millions of
    small objects (and no cycles), and each full collection walks all of them again (half of
    the check's time on 100,000 members)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def validate_document(db: Database, doc: Document, *, replace: bool) -> None:
    """Raise :class:`DocumentInvalid` listing every problem; a merge may refer to what the graph holds."""
    existing: dict[str, frozenset[str]] = {}
    if not replace:
        own = {m.id for m in doc.members} | {o.id for o in doc.organisations}
        refs = {t.source for t in doc.ties} | {t.target for t in doc.ties}
        refs |= {i for p in doc.projects for i in p.team} | {i for e in doc.events for i in e.attendees}
        refs |= {x.a for x in doc.introductions} | {x.b for x in doc.introductions}
        refs |= {x.facilitator for x in doc.introductions}
        refs |= own  # to catch a new member whose id is an existing organisation's, and vice versa
        own_skills = {s.id for s in doc.skills}
        skill_refs = {k for m in doc.members for k in m.skills} | {k for p in doc.projects for k in p.requires}
        skill_refs |= {k for o in doc.organisations for k in o.skills}
        row = db.one("members/existing_parties",
                     {"ids": sorted(refs), "skills": sorted(skill_refs - own_skills)}) or {}
        existing = {
            "existing_members": frozenset(row.get("members", [])),
            "existing_organisations": frozenset(row.get("organisations", [])),
            "existing_skills": frozenset(row.get("skills", [])),
        }
    problems = check_references(
        doc,
        existing_members=existing.get("existing_members", frozenset()),
        existing_organisations=existing.get("existing_organisations", frozenset()),
        existing_skills=existing.get("existing_skills", frozenset()),
    )
    if problems:
        raise DocumentInvalid(problems)


def clear_graph(db: Database, batch: int = 2_000, relationship_batch: int = 10_000) -> int:
    """Delete the cluster's data in batches, keeping the schema and the built-in subsectors; how
    many nodes were deleted.

    The relationships go first, ``relationship_batch`` at a time, then the nodes, which by then
    have none: deleting 2,000 nodes with their relationships in one transaction ran over the
    per-transaction memory limit on a 20,000-member graph (an event node can hold thousands)."""

    def repeat(name: str, limit: int) -> int:
        total = 0
        while True:
            row = db.write(lambda tx: tx.one(name, limit=limit), timeout=IMPORT_TIMEOUT_S)
            deleted = int(row["deleted"]) if row else 0
            total += deleted
            if deleted < limit:
                return total

    repeat("graph/delete_relationships_batch", relationship_batch)
    return repeat("graph/delete_batch", batch)


def _records(model: type[BaseModel], rows: Sequence[Mapping[str, Any]]) -> dict[str, BaseModel]:
    out: dict[str, BaseModel] = {}
    for r in rows:
        values = without_nulls(r)
        try:
            out[str(r["id"])] = model.model_validate(values)
        except ValidationError:  # stored before a rule was tightened: compared and laid over as it is
            out[str(r["id"])] = model.model_construct(**values)
    return out


def _stored(tx: Tx, draft: Draft) -> dict[str, dict[str, BaseModel]]:
    """The stored records that the draft's records have the ids of, by section and id."""
    ids = requested_ids(draft)
    out: dict[str, dict[str, BaseModel]] = {}
    if ids["skills"]:
        out["skills"] = _records(SkillRecord, tx.rows("skills/get_skills", ids=ids["skills"]))
    if ids["organisations"]:
        out["organisations"] = _records(OrganisationRecord,
                                        tx.rows("organisations/get_organisations", ids=ids["organisations"]))
    if ids["members"]:
        rows = tx.rows("members/get_members", ids=ids["members"], after=None, limit=len(ids["members"]))
        out["members"] = _records(MemberRecord, rows)
    if ids["projects"]:
        out["projects"] = _records(ProjectRecord, tx.rows("projects/get_projects", ids=ids["projects"],
                                                          status=None, kind=None))
    if ids["events"]:
        out["events"] = _records(EventRecord, tx.rows("events/get_events", ids=ids["events"], **{"from": None}))
    return out


def _check(tx: Tx, draft: Draft, *, replace: bool) -> Checked:
    """Every problem of ``draft`` and the whole records to write, against the graph as ``tx`` sees it."""

    def lookup(parties: set[str], skills: set[str]) -> dict[str, frozenset[str]]:
        row = tx.one("members/existing_parties", ids=sorted(parties), skills=sorted(skills)) or {}
        return {k: frozenset(row.get(k, [])) for k in ("members", "organisations", "skills")}

    return check_draft(draft, _stored(tx, draft), None if replace else lookup, replace=replace)


def _known(tx: Tx, checked: Checked) -> Known:
    """For a merge: the records the check found no stored record of, and the introductions the
    graph does not hold (the check does not read those: they are written whole)."""
    new = {section: frozenset(plan.created) for section, plan in checked.plan.items()
           if section in ("members", "organisations", "projects", "events")}
    ids = [x.id for x in checked.document.introductions]
    if ids:
        row = tx.one("introductions/existing_ids", ids=ids) or {}
        new["introductions"] = frozenset(ids) - frozenset(row.get("ids", []))
    return Known(new=new)


def preview_import(db: Database, doc: Document | Draft, *, replace: bool = False) -> ImportPlan:
    """What :func:`import_document` would do with ``doc``, and every problem; writes nothing."""
    draft = doc if isinstance(doc, Draft) else draft_of(doc)
    with _gc_paused():
        checked = db.read(lambda tx: _check(tx, draft, replace=replace), timeout=IMPORT_TIMEOUT_S)
    return ImportPlan(replace, checked.plan, checked.problems)


def cluster_size(db: Database) -> tuple[int, int]:
    """How many nodes of cluster data the graph holds, and how many relationships (any)."""
    row = db.one("graph/cluster_size") or {}
    return int(row.get("nodes", 0)), int(row.get("relationships", 0))


def end_bulk_load(db: Database) -> None:
    """The bulk load (:mod:`graph_service.services.bulk_load`) has ended: its mark of an
    unfinished import goes, and a "bulk" change record says that everything changed."""

    def work(tx: Tx) -> None:
        tx.run("imports/end")
        record_change(tx, "bulk", "")

    db.write(work)


def unfinished_import(db: Database) -> dict[str, Any] | None:
    """The import (or bulk load) that was cut off before its end, if the graph holds part of one:
    ``started`` (when), ``replace`` (whether it was replacing the graph), ``rows``. Running the
    same import again completes it (see :func:`import_document`)."""
    return db.one("imports/unfinished")


def import_document(
    db: Database,
    doc: Document | Draft,
    *,
    replace: bool = False,
    batch_size: int = 2000,
    progress: Progress | None = None,
    extra: Sequence[tuple[str, str, list[dict[str, Any]]]] = (),
    writers: int = WRITERS,
) -> ImportResult:
    """Check, then write ``doc``. With ``replace`` the graph ends up holding exactly ``doc``;
    without it, a merge: each record sets only the fields it carries (see :mod:`graph_service.merge`).

    ``doc`` is a checked :class:`Document` (its records' given fields count) or a
    :class:`~graph_service.merge.Draft` of records as given. ``extra`` holds further
    ``(section, query, rows)`` steps, written after the document in the same transaction(s) and
    batches (a restore uses it for what the document does not hold); they must be idempotent
    too, and are validated by the caller. ``batch_size`` rows (``UNITS_PER_ROW`` times as many
    nodes and relationships) make a batch; a document written in batches is written by up to
    ``writers`` transactions at a time (:func:`_rounds`). Raises :class:`DocumentInvalid` with
    every problem.
    """
    extra_steps = [Step(section, name, rows, cap=batch_size) for section, name, rows in extra if rows]
    budget = _budget(batch_size)
    with _gc_paused():
        if isinstance(doc, Document) and replace:
            validate_document(db, doc, replace=True)  # whole records already: nothing to resolve
            return _write(db, None, _steps(doc, Known(everything=True), batch_size) + extra_steps,
                          replace=True, budget=budget, progress=progress, writers=writers)
        draft = doc if isinstance(doc, Draft) else draft_of(doc)
        if not replace and draft.rows() + sum(len(s.rows) for s in extra_steps) <= SINGLE_TX_ROWS:
            def everything(tx: Tx) -> ImportResult:
                checked = _check(tx, draft, replace=False)
                if checked.problems:
                    raise DocumentInvalid(checked.problems)  # the transaction is rolled back
                steps = _steps(checked.document, _known(tx, checked), batch_size) + extra_steps
                _run_steps(tx, steps, budget)
                return ImportResult(False, _counts(steps), 1, checked.plan)

            result = db.write(everything, timeout=IMPORT_TIMEOUT_S)
            if progress:
                progress("rows", sum(result.counts.values()))
            return result

        def checking(tx: Tx) -> tuple[Checked, Known]:
            checked = _check(tx, draft, replace=replace)
            if replace or checked.problems:
                return checked, Known(everything=True)
            return checked, _known(tx, checked)

        checked, known = db.read(checking, timeout=IMPORT_TIMEOUT_S)
        if checked.problems:
            raise DocumentInvalid(checked.problems)
        return _write(db, checked.plan, _steps(checked.document, known, batch_size) + extra_steps,
                      replace=replace, budget=budget, progress=progress, writers=writers)


def _write(
    db: Database,
    changes: dict[str, SectionPlan] | None,
    steps: Sequence[Step],
    *,
    replace: bool,
    budget: int,
    progress: Progress | None,
    writers: int = WRITERS,
) -> ImportResult:
    """Write checked steps: in one transaction when they are small enough (up to
    ``SINGLE_TX_ROWS`` rows, and for a replace a graph of at most ``CLEAR_IN_ONE_TX`` nodes and
    relationships to delete first), else batch by batch between the marks of an unfinished
    import (see :func:`unfinished_import`), up to ``writers`` batches at a time (the mark goes
    only after every batch committed)."""
    counts = _counts(steps)
    total_rows = sum(counts.values())
    small = total_rows <= SINGLE_TX_ROWS
    if small and replace:
        small = sum(cluster_size(db)) <= CLEAR_IN_ONE_TX
    if small:
        def everything(tx: Tx) -> None:
            if replace:
                for name in ("graph/delete_relationships_batch", "graph/delete_batch"):
                    while (tx.one(name, limit=10_000) or {}).get("deleted", 0):
                        pass
            _run_steps(tx, steps, budget)

        db.write(everything, timeout=IMPORT_TIMEOUT_S)
        if progress:
            progress("rows", total_rows)
        return ImportResult(replace, counts, 1, changes)

    db.write(lambda tx: tx.run("imports/begin", replace=replace, rows=total_rows), bump=False)
    transactions = 1
    if replace:
        clear_graph(db)
        transactions += 1
    writer = _Writers(db, progress, writers)
    try:
        for step in steps:
            for lanes in _rounds(step, budget, writers):
                writer.run(step, lanes)
    finally:
        writer.close()
    db.write(lambda tx: tx.run("imports/end"), bump=False)
    return ImportResult(replace, counts, transactions + writer.transactions + 1, changes, writer.retries)


GROUPS = 4
"""A step whose rows lock nodes (:attr:`Step.locks`) is split by the nodes' groups (a hash of the
id, per kind) into classes; classes that share no group run at the same time, so two writers
never wait for the same node's lock (and never deadlock)."""


def _group(kind: str, ident: str) -> tuple[str, int]:
    return kind, zlib.crc32(ident.encode()) % GROUPS


def _rounds(step: Step, budget: int, writers: int) -> Iterator[list[list[Sequence[Any]]]]:
    """The batches of ``step`` as rounds, one after the other; a round's lanes (each a list of
    batches, written one after the other) run at the same time, one writer each.

    Rows that create their nodes (``fresh``) lock nothing another batch locks: the first batch
    goes alone (the shared nodes it links to, subsectors and skills, then have enough
    relationships to be "dense", which Neo4j does not lock exclusively to add one), the rest
    are dealt to the writers. Rows that lock existing nodes are split into classes by the
    groups of those nodes (:data:`GROUPS`); the biggest class goes with the biggest one that
    shares no group with it. Steps without either go batch by batch."""
    if writers <= 1 or not step.rows or (step.locks is None and not step.fresh):
        yield [list(step.batches(budget))]
        return
    if step.fresh:
        batches = list(step.batches(budget))
        yield [batches[:1]]
        if batches[1:]:
            yield [batches[1 + i::writers] for i in range(writers) if batches[1 + i::writers]]
        return
    assert step.locks is not None
    classes: dict[frozenset[tuple[str, int]], list[Any]] = {}
    for row in step.rows:
        classes.setdefault(frozenset(_group(k, i) for k, i in step.locks(row)), []).append(row)
    left = sorted(classes.items(), key=lambda c: -len(c[1]))
    while left:
        taken: set[tuple[str, int]] = set()
        lanes: list[list[Sequence[Any]]] = []
        rest = []
        for groups, rows in left:
            if len(lanes) < writers and not groups & taken:
                taken |= groups
                lanes.append(list(step.batches(budget, rows)))
            else:
                rest.append((groups, rows))
        left = rest
        yield lanes


class _Writers:
    """Writes the rounds of :func:`_rounds`: a round of one lane in this thread, else one thread
    per lane. Each batch is one transaction. A batch that a deadlock stopped after the driver's
    retries is written again once the round is over, alone; the first other error stops the
    round (the lanes finish the batch they are writing) and is raised: the import stays
    unfinished, to be completed by running it again."""

    def __init__(self, db: Database, progress: Progress | None, writers: int):
        self.db, self.progress, self.writers = db, progress, writers
        self.transactions = 0
        self.retries = 0  # attempts the driver made again (deadlocks, transient errors)
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def run(self, step: Step, lanes: list[list[Sequence[Any]]]) -> None:
        if len(lanes) == 1:
            for chunk in lanes[0]:
                self._batch(step, chunk)
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.writers, thread_name_prefix="import-writer")
        stop = threading.Event()
        later: list[Sequence[Any]] = []
        caller = _REQUEST.get()

        def lane(chunks: list[Sequence[Any]]) -> LastWrite | None:
            with request_consistency(caller.after if caller else None) as own:
                for chunk in chunks:
                    if stop.is_set():
                        break
                    try:
                        self._batch(step, chunk)
                    except Exception as exc:
                        if "DeadlockDetected" not in str(getattr(exc, "code", "")):
                            stop.set()
                            raise
                        with self._lock:
                            later.append(chunk)
                return own.wrote

        futures = [self._pool.submit(contextvars.copy_context().run, lane, chunks) for chunks in lanes]
        try:
            for future in futures:
                wrote = future.result()
                if caller is not None and wrote is not None:
                    caller.wrote = wrote if caller.wrote is None else caller.wrote.merged(wrote)
        finally:
            stop.set()
            for future in futures:
                future.exception()  # wait for every lane before the next round or the error
        for chunk in later:
            self._batch(step, chunk)
            with self._lock:
                self.retries += 1

    def _batch(self, step: Step, chunk: Sequence[Any]) -> None:
        attempts = 0

        def work(tx: Tx) -> None:
            nonlocal attempts
            attempts += 1
            tx.run(step.query, **step.params(chunk))

        try:
            self.db.write(work, timeout=IMPORT_TIMEOUT_S)
        finally:
            with self._lock:
                self.retries += max(0, attempts - 1)
        with self._lock:
            self.transactions += 1
            if self.progress and step.counted:
                self.progress("rows", len(chunk))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()


def without_nulls(row: Mapping[str, Any]) -> dict[str, Any]:
    """A query row without its null values, ready for an interchange record's defaults."""
    return {k: v for k, v in row.items() if v is not None}


def _paged(db: Database, name: str, key: str, page: int = 10_000) -> Iterator[dict[str, Any]]:
    after = None
    while True:
        rows = db.rows(name, {"after": after, "limit": page, "ids": None}, timeout=IMPORT_TIMEOUT_S)
        # Take the cursor before yielding: callers may pop it from the rows they receive.
        after = rows[-1][key] if rows else None
        yield from rows
        if len(rows) < page:
            return


def export_document(db: Database) -> Document:
    """The whole cluster as an interchange document, in a canonical order (sorted by id)."""
    skills = [SkillRecord(id=r["id"], name=r["name"], subsector=r["subsector"])
              for r in db.rows("skills/list_skills", {"subsector": None, "cross_cutting": None})]
    members = [MemberRecord(**without_nulls(r)) for r in _paged(db, "members/get_members", "id")]
    organisations = [OrganisationRecord(**without_nulls(r)) for r in db.rows("organisations/export_organisations")]
    ties = []
    for r in _paged(db, "ties/export_ties", "cursor"):
        r.pop("cursor")
        ties.append(TieRecord(**without_nulls(r)))
    ties.sort(key=lambda t: (t.source, t.target, t.kind))
    projects = [ProjectRecord(**without_nulls(r)) for r in
                db.rows("projects/get_projects", {"ids": None, "status": None, "kind": None})]
    events = [EventRecord(**without_nulls(r)) for r in db.rows("events/get_events", {"ids": None, "from": None})]
    introductions = [
        IntroductionRecord(**without_nulls({k: v for k, v in r.items() if k != "updated"}))
        for r in db.rows("introductions/get_introductions", {"ids": None, "member": None, "statuses": None})
    ]
    return Document(
        subsectors=[SubsectorRecord(id=s.id, name=s.name) for s in SUBSECTORS],
        skills=skills, members=members, organisations=organisations, ties=ties,
        projects=projects, events=events, introductions=introductions,
    )
