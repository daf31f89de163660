"""What an import would do: records as given, resolved against the stored ones, and every problem.

A merge import sets only the fields a record carries (see "Merge rules" in ``docs/format.md``):

* an absent key (or CSV column) keeps the stored value;
* an explicit ``null`` (or an empty cell in a present column) clears it; a field with a default
  (a member's ``kind`` or ``visibility``, a project's ``status``...) goes back to its default;
* a list that is given replaces the stored list.

For skills, members, organisations, projects and events a record is the stored record with the
given fields laid over it, then checked as a whole record; so a partial record ``{id, name}``
renames an existing member, and a new member still needs ``name`` and ``subsectors``. Ties and
introductions are written whole, as given. With ``replace`` nothing is laid over anything: every
record must be complete.

This module runs no query: :mod:`graph_service.store.documents` reads the stored records and
writes what :func:`check_draft` resolved, in one transaction.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

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

__all__ = [
    "SECTIONS",
    "MERGED_SECTIONS",
    "MAX_PROBLEMS",
    "Draft",
    "FieldChange",
    "RecordChange",
    "SectionPlan",
    "Checked",
    "Lookup",
    "read_draft",
    "draft_of",
    "check_draft",
    "requested_ids",
    "references_of",
    "capped",
    "problems_detail",
]

# In the order they are written (and checked).
SECTIONS: Final[tuple[str, ...]] = ("subsectors", "skills", "organisations", "members", "ties", "projects",
                                    "events", "introductions")
# The sections whose records are merged field by field with the stored ones.
MERGED_SECTIONS: Final[tuple[str, ...]] = ("skills", "organisations", "members", "projects", "events")
MAX_PROBLEMS: Final[int] = 200

MODELS: Final[dict[str, type[BaseModel]]] = {
    "subsectors": SubsectorRecord, "skills": SkillRecord, "organisations": OrganisationRecord,
    "members": MemberRecord, "ties": TieRecord, "projects": ProjectRecord, "events": EventRecord,
    "introductions": IntroductionRecord,
}
_NOUNS: Final[dict[str, str]] = {
    "subsectors": "subsector", "skills": "skill", "organisations": "organisation", "members": "member",
    "ties": "tie", "projects": "project", "events": "event", "introductions": "introduction",
}
_WITH_IDS: Final[tuple[str, ...]] = ("subsectors", "skills", "organisations", "members", "projects", "events",
                                     "introductions")


@dataclass(frozen=True, slots=True)
class Draft:
    """A document as given, not yet checked: each section's records as the caller wrote them.

    ``problems`` are those of the document's outer shape (an unknown section, a section that is
    not a list). ``replace_ready`` is set for a :class:`Document` of whole records meant to
    replace the graph, which needs no resolving.
    """

    sections: dict[str, list[Any]]
    problems: list[Problem] = field(default_factory=list)
    # For a member spreadsheet: the line each ``members[i]`` row starts on (the header is line 1).
    lines: tuple[int, ...] | None = None

    def rows(self) -> int:
        return sum(len(v) for v in self.sections.values())

    def placed(self, problem: Problem) -> Problem:
        """The problem placed where the caller wrote it: a spreadsheet's line for its rows."""
        if self.lines is None:
            return problem
        lines = self.lines

        def line(m: re.Match[str]) -> str:
            k = int(m.group(1))
            return f"line {lines[k] if k < len(lines) else k + 2}"

        m = _ROW.match(problem.loc)
        if not m:
            return problem
        rest = problem.loc[m.end():].lstrip(".")
        return Problem(loc=line(m) + (f", {rest}" if rest else ""), msg=_ROW_ANYWHERE.sub(line, problem.msg))


_ROW = re.compile(r"^members\[(\d+)\]")
_ROW_ANYWHERE = re.compile(r"\bmembers\[(\d+)\]")


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class RecordChange:
    id: str
    changes: list[FieldChange]


@dataclass(slots=True)
class SectionPlan:
    """What an import does to one section: ids created, records updated (field by field), and
    how many are unchanged; ``written`` counts the records of sections written whole (ties,
    introductions) and ``unchanged`` is then 0."""

    created: list[str] = field(default_factory=list)
    updated: list[RecordChange] = field(default_factory=list)
    unchanged: int = 0
    written: int = 0


@dataclass(frozen=True, slots=True)
class Checked:
    """The outcome of :func:`check_draft`: the whole records to write, the plan, every problem."""

    document: Document
    plan: dict[str, SectionPlan]
    problems: list[Problem]


def read_draft(raw: Any, where: str = "body") -> Draft:
    """The sections of a JSON document as given; never raises (problems are kept)."""
    if not isinstance(raw, dict):
        return Draft({}, [Problem(loc=where, msg="the document must be a JSON object")])
    sections: dict[str, list[Any]] = {}
    problems: list[Problem] = []
    for key, value in raw.items():
        if key not in SECTIONS:
            close = difflib.get_close_matches(str(key), SECTIONS, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(Problem(loc=str(key), msg=f"unknown section '{key}'{hint}; the sections are "
                                    f"{', '.join(SECTIONS)}"))
        elif not isinstance(value, list):
            problems.append(Problem(loc=key, msg="must be a list of records"))
        else:
            sections[key] = value
    return Draft(sections, problems)


def draft_of(doc: Document) -> Draft:
    """A checked document as a draft: each record holds only the fields it was given."""
    sections: dict[str, list[Any]] = {}
    for name in SECTIONS:
        records: list[BaseModel] = getattr(doc, name)
        if records:
            sections[name] = [{k: getattr(r, k) for k in r.model_fields_set} for r in records]
    return Draft(sections)


def requested_ids(draft: Draft) -> dict[str, list[str]]:
    """The ids of the merged sections' records, to read the stored records by."""
    out: dict[str, list[str]] = {}
    for name in MERGED_SECTIONS:
        ids = {r["id"] for r in draft.sections.get(name, []) if isinstance(r, dict) and isinstance(r.get("id"), str)}
        out[name] = sorted(ids)
    return out


def _given_id(raw: Any) -> str | None:
    if isinstance(raw, dict):
        ident = raw.get("id")
        if isinstance(ident, str):
            return ident
    return None


def _loc(prefix: str, parts: Iterable[Any]) -> str:
    out = prefix
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _reason(err: ErrorDetails, section: str, ident: str | None,
            old: BaseModel | None, merging: bool) -> str:
    """The reason for one validation error, in the words people see."""
    loc = err["loc"]
    noun = _NOUNS[section]
    if err["type"] == "missing" and len(loc) == 1:
        name = str(loc[0])
        if old is not None:
            return f"cannot be cleared: a {noun} needs its {name}"
        if merging and section in MERGED_SECTIONS and ident is not None:
            return f"required for a new {noun} ('{ident}' does not exist yet)"
        return "required"
    if err["type"] == "extra_forbidden" and len(loc) == 1:
        name = str(loc[0])
        known = list(MODELS[section].model_fields)
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown field '{name}'{hint}; a {noun} has {', '.join(known)}"
    return str(err["msg"])


def _jsonable(record: BaseModel) -> dict[str, Any]:
    return record.model_dump(mode="json")


def _diff(old: BaseModel, new: BaseModel) -> list[FieldChange]:
    before, after = _jsonable(old), _jsonable(new)
    return [FieldChange(k, before.get(k), v) for k, v in after.items() if before.get(k) != v]


def references_of(records: Mapping[str, Sequence[BaseModel]]) -> tuple[set[str], set[str]]:
    """The party ids and skill ids the records refer to (and the parties' own ids)."""
    parties: set[str] = set()
    skills: set[str] = set()
    for m in records.get("members", []):
        assert isinstance(m, MemberRecord)
        parties.add(m.id)
        skills.update(m.skills)
    for o in records.get("organisations", []):
        assert isinstance(o, OrganisationRecord)
        parties.add(o.id)
        skills.update(o.skills)
    for t in records.get("ties", []):
        assert isinstance(t, TieRecord)
        parties.update((t.source, t.target))
    for p in records.get("projects", []):
        assert isinstance(p, ProjectRecord)
        parties.update(p.team)
        skills.update(p.requires)
    for e in records.get("events", []):
        assert isinstance(e, EventRecord)
        parties.update(e.attendees)
    for x in records.get("introductions", []):
        assert isinstance(x, IntroductionRecord)
        parties.update((x.a, x.b, x.facilitator))
    return parties, skills


@dataclass(slots=True)
class _Resolved:
    records: dict[str, list[BaseModel]]
    positions: dict[str, list[int]]
    broken: dict[str, set[str]]
    plan: dict[str, SectionPlan]
    write: dict[str, list[BaseModel]]
    problems: list[Problem]


def _resolve(draft: Draft, stored: Mapping[str, Mapping[str, BaseModel]], *, replace: bool) -> _Resolved:
    out = _Resolved({}, {}, {}, {}, {}, list(draft.problems))
    for name in SECTIONS:
        given = draft.sections.get(name, [])
        model = MODELS[name]
        records: list[BaseModel] = []
        positions: list[int] = []
        broken: set[str] = set()
        to_write: list[BaseModel] = []
        plan = SectionPlan()
        first: dict[str, int] = {}
        merged_section = name in MERGED_SECTIONS
        have = stored.get(name, {})
        for i, raw in enumerate(given):
            where = f"{name}[{i}]"
            if not isinstance(raw, dict):
                out.problems.append(Problem(loc=where, msg=f"a {_NOUNS[name]} must be an object with named fields"))
                continue
            ident = _given_id(raw)
            if ident is not None and name in _WITH_IDS:
                if ident in first:
                    out.problems.append(Problem(loc=f"{where}.id", msg=f"duplicate id '{ident}' (first at "
                                                f"{name}[{first[ident]}])"))
                else:
                    first[ident] = i
            old = have.get(ident) if ident is not None and merged_section else None
            base: dict[str, Any] = {} if old is None or replace else old.model_dump()
            merged = {k: v for k, v in {**base, **raw}.items() if v is not None}
            try:
                record = model.model_validate(merged)
            except ValidationError as exc:
                for err in exc.errors():
                    out.problems.append(Problem(loc=_loc(where, err["loc"]),
                                                msg=_reason(err, name, ident, None if replace else old,
                                                            not replace)))
                if ident is not None:
                    broken.add(ident)
                continue
            records.append(record)
            positions.append(i)
            if not merged_section:
                plan.written += 1
                to_write.append(record)
            elif old is None:
                plan.created.append(ident or "")
                to_write.append(record)
            else:
                changes = _diff(old, record)
                if changes:
                    plan.updated.append(RecordChange(ident or "", changes))
                    to_write.append(record)
                else:
                    plan.unchanged += 1
                    if replace:
                        to_write.append(record)
        out.records[name], out.positions[name], out.broken[name] = records, positions, broken
        out.write[name] = to_write
        if given:
            out.plan[name] = plan
    return out


_PLACE = re.compile(r"\b(subsectors|skills|organisations|members|ties|projects|events|introductions)\[(\d+)\]")


def _relocate(problem: Problem, positions: Mapping[str, Sequence[int]]) -> Problem:
    """A problem placed by a checked record's index, placed by the record's index as given."""
    def place(m: re.Match[str]) -> str:
        index = positions.get(m.group(1), [])
        k = int(m.group(2))
        return f"{m.group(1)}[{index[k] if k < len(index) else k}]"

    return Problem(loc=_PLACE.sub(place, problem.loc, count=1), msg=_PLACE.sub(place, problem.msg))


Lookup = Callable[[set[str], set[str]], Mapping[str, frozenset[str]]]


def check_draft(
    draft: Draft,
    stored: Mapping[str, Mapping[str, BaseModel]],
    lookup: Lookup | None,
    *,
    replace: bool,
) -> Checked:
    """Resolve every record against ``stored`` (by section, then id) and check the whole.

    ``lookup(party_ids, skill_ids)`` answers which of those ids the graph has (as ``members``,
    ``organisations`` and ``skills``), which a merge may refer to; None for a replace. With
    ``replace`` the stored records are only compared with (for the plan), never laid over.
    Shape, values, duplicates and references are all checked: a record whose shape is broken
    is left out of the reference check (others may still refer to its id), the rest is checked
    as usual.
    """
    res = _resolve(draft, stored, replace=replace)
    doc = Document.model_validate(res.records)
    existing: Mapping[str, frozenset[str]] = {}
    if lookup is not None:
        parties, skills = references_of(res.records)
        existing = lookup(parties, skills - {s.id for s in doc.skills})
    found = check_references(
        doc,
        existing_members=frozenset(existing.get("members", frozenset()) | res.broken["members"]),
        existing_organisations=frozenset(existing.get("organisations", frozenset()) | res.broken["organisations"]),
        existing_skills=frozenset(existing.get("skills", frozenset()) | res.broken["skills"]),
        duplicates=False,
    )
    problems = res.problems + [_relocate(p, res.positions) for p in found]
    problems.sort(key=_order)
    problems = [draft.placed(p) for p in problems]
    to_write = Document.model_validate(res.write)
    return Checked(to_write, res.plan, problems)


_KEY = re.compile(r"^(\w+)\[(\d+)\]")


def _order(p: Problem) -> tuple[int, int, str]:
    """Document order: by section, then record, then place in the record."""
    m = _KEY.match(p.loc)
    if not m or m.group(1) not in SECTIONS:
        return (-1, 0, p.loc)
    return (SECTIONS.index(m.group(1)), int(m.group(2)), p.loc)


def problems_detail(total: int) -> str:
    if total > MAX_PROBLEMS:
        return f"{total} problem(s); the first {MAX_PROBLEMS} are listed; nothing was written."
    return f"{total} problem(s); nothing was written."


def capped(problems: Sequence[Problem]) -> tuple[list[Problem], str]:
    """The first :data:`MAX_PROBLEMS` problems, and the sentence that says how many there are."""
    return list(problems[:MAX_PROBLEMS]), problems_detail(len(problems))
