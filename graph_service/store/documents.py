"""Import and export of the interchange document.

Import checks the whole document first (shape, values, duplicates and references, against the
graph when merging; see :mod:`graph_service.merge`), and writes nothing when anything is wrong.
A merge sets only the fields each record carries: the stored records are read, the given fields
laid over them and the result written, in the same transaction (documents up to
``SINGLE_TX_ROWS`` rows); records that would not change are not written at all.

Writes are batched with ``UNWIND`` and are
idempotent (``MERGE`` on constrained ids), so a second import of the same document changes
nothing and an import that was cut off half-way can simply be run again. Documents up to
``SINGLE_TX_ROWS`` rows are written in one transaction, so they land whole or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
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
from graph_service.store.database import Database, Tx

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
    "member_row",
    "organisation_row",
    "project_row",
    "event_row",
    "introduction_row",
    "without_nulls",
    "SINGLE_TX_ROWS",
    "IMPORT_TIMEOUT_S",
]

SINGLE_TX_ROWS = 20_000
UNITS_PER_ROW = 5
IMPORT_TIMEOUT_S = 600.0
TIE_QUERIES = {"knows": "ties/upsert_knows", "collaborated": "ties/upsert_collaborated"}

Progress = Callable[[str, int], None]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import wrote: ``counts`` per section (for a merge, the records created or
    updated; unchanged ones are not written) and ``plan`` (what changed, when it is known)."""

    replaced: bool
    counts: dict[str, int]
    transactions: int
    plan: dict[str, SectionPlan] | None = None


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


def _plan(doc: Document) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(section, query, rows) in dependency order."""
    plan = [
        ("skills", "skills/upsert_skills", [_skill_row(s) for s in doc.skills]),
        ("organisations", "organisations/upsert_organisations", [organisation_row(o) for o in doc.organisations]),
        ("members", "members/upsert_members", [member_row(m) for m in doc.members]),
    ]
    for kind, name in TIE_QUERIES.items():
        plan.append(("ties", name, [_tie_row(t) for t in doc.ties if t.kind == kind]))
    plan += [
        ("projects", "projects/upsert_projects", [project_row(p) for p in doc.projects]),
        ("events", "events/upsert_events", [event_row(e) for e in doc.events]),
        ("introductions", "introductions/upsert_introductions", [introduction_row(x) for x in doc.introductions]),
    ]
    return plan


def _weight(row: dict[str, Any]) -> int:
    """Roughly how many nodes and relationships a row writes: 1 plus the length of its lists."""
    return 1 + sum(len(v) for v in row.values() if isinstance(v, list))


def _batches(rows: Sequence[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """Batches of at most ``size`` rows and about ``UNITS_PER_ROW * size`` written items, so a
    batch of large events (hundreds of attendees each) stays under the transaction memory limit."""
    budget = UNITS_PER_ROW * size
    batch: list[dict[str, Any]] = []
    units = 0
    for row in rows:
        w = _weight(row)
        if batch and (len(batch) >= size or units + w > budget):
            yield batch
            batch, units = [], 0
        batch.append(row)
        units += w
    if batch:
        yield batch


def _writing(name: str, rows: list[dict[str, Any]]) -> Callable[[Tx], None]:
    """The work of one transaction that writes ``rows`` with the query ``name``."""
    return lambda tx: tx.run(name, rows=rows)


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


def _counts(plan: Sequence[tuple[str, str, list[dict[str, Any]]]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for section, _, rows in plan:
        counts[section] = counts.get(section, 0) + len(rows)
    return counts


def preview_import(db: Database, doc: Document | Draft, *, replace: bool = False) -> ImportPlan:
    """What :func:`import_document` would do with ``doc``, and every problem; writes nothing."""
    draft = doc if isinstance(doc, Draft) else draft_of(doc)
    checked = db.read(lambda tx: _check(tx, draft, replace=replace), timeout=IMPORT_TIMEOUT_S)
    return ImportPlan(replace, checked.plan, checked.problems)


def import_document(
    db: Database,
    doc: Document | Draft,
    *,
    replace: bool = False,
    batch_size: int = 2000,
    progress: Progress | None = None,
    extra: Sequence[tuple[str, str, list[dict[str, Any]]]] = (),
) -> ImportResult:
    """Check, then write ``doc``. With ``replace`` the graph ends up holding exactly ``doc``;
    without it, a merge: each record sets only the fields it carries (see :mod:`graph_service.merge`).

    ``doc`` is a checked :class:`Document` (its records' given fields count) or a
    :class:`~graph_service.merge.Draft` of records as given. ``extra`` holds further
    ``(section, query, rows)`` steps, written after the document in the same transaction(s) and
    batches (a restore uses it for what the document does not hold); they must be idempotent
    too, and are validated by the caller. Raises :class:`DocumentInvalid` with every problem.
    """
    if isinstance(doc, Document) and replace:
        validate_document(db, doc, replace=True)  # whole records already: nothing to resolve
        return _write(db, None, _plan(doc) + list(extra), replace=True, batch_size=batch_size, progress=progress)
    draft = doc if isinstance(doc, Draft) else draft_of(doc)
    extra_rows = sum(len(rows) for _, _, rows in extra)
    if draft.rows() + extra_rows <= SINGLE_TX_ROWS:
        def everything(tx: Tx) -> ImportResult:
            checked = _check(tx, draft, replace=replace)
            if checked.problems:
                raise DocumentInvalid(checked.problems)  # the transaction is rolled back
            plan = _plan(checked.document) + list(extra)
            _write_all(tx, plan, replace=replace, batch_size=batch_size)
            return ImportResult(replace, _counts(plan), 1, checked.plan)

        result = db.write(everything, timeout=IMPORT_TIMEOUT_S)
        if progress:
            progress("rows", sum(result.counts.values()))
        return result
    checked = db.read(lambda tx: _check(tx, draft, replace=replace), timeout=IMPORT_TIMEOUT_S)
    if checked.problems:
        raise DocumentInvalid(checked.problems)
    return _write(db, checked.plan, _plan(checked.document) + list(extra), replace=replace,
                  batch_size=batch_size, progress=progress)


def _write_all(tx: Tx, plan: Sequence[tuple[str, str, list[dict[str, Any]]]], *, replace: bool,
               batch_size: int) -> None:
    if replace:
        while (tx.one("graph/delete_batch", limit=10_000) or {}).get("deleted", 0):
            pass
    for _section, name, rows in plan:
        for chunk in _batches(rows, batch_size):
            tx.run(name, rows=chunk)


def _write(
    db: Database,
    changes: dict[str, SectionPlan] | None,
    plan: Sequence[tuple[str, str, list[dict[str, Any]]]],
    *,
    replace: bool,
    batch_size: int,
    progress: Progress | None,
) -> ImportResult:
    """Write checked rows: in one transaction up to ``SINGLE_TX_ROWS`` rows, else batch by batch."""
    counts = _counts(plan)
    total_rows = sum(counts.values())
    if total_rows <= SINGLE_TX_ROWS:
        db.write(lambda tx: _write_all(tx, plan, replace=replace, batch_size=batch_size), timeout=IMPORT_TIMEOUT_S)
        if progress:
            progress("rows", total_rows)
        return ImportResult(replace, counts, 1, changes)

    transactions = 0
    if replace:
        clear_graph(db)
        transactions += 1
    for _section, name, rows in plan:
        for chunk in _batches(rows, batch_size):
            db.write(_writing(name, chunk), timeout=IMPORT_TIMEOUT_S)
            transactions += 1
            if progress:
                progress("rows", len(chunk))
    return ImportResult(replace, counts, transactions, changes)


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
