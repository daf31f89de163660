"""Projects and calls for tender, with their required skills and teams in recorded order: read,
and kept one at a time by the manager.

An import writes them in bulk (:mod:`graph_service.store.documents`); the functions below write
one project each, in one transaction, with the rules of :mod:`graph_service.store.records`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graph_service.errors import NotFound
from graph_service.interchange import Problem, ProjectRecord
from graph_service.store.database import Database, Tx
from graph_service.store.documents import project_row, without_nulls
from graph_service.store.records import (
    RecordKind,
    add_to_list,
    create_record,
    delete_record,
    remove_from_list,
    stored_record,
    update_record,
)

__all__ = [
    "PROJECT_ID_PREFIX",
    "list_projects",
    "get_project",
    "create_project",
    "update_project",
    "delete_project",
    "set_team",
    "add_team_member",
    "remove_team_member",
]

PROJECT_ID_PREFIX = "p-"


def list_projects(db: Database, *, status: str | None = None, kind: str | None = None) -> list[ProjectRecord]:
    """Projects in id order, optionally of one ``status`` and ``kind``."""
    rows = db.rows("projects/get_projects", {"ids": None, "status": status, "kind": kind})
    return [ProjectRecord(**without_nulls(r)) for r in rows]


def get_project(db: Database, ident: str) -> ProjectRecord:
    """One project; :class:`NotFound` when there is none."""
    found = db.read(lambda tx: _read(tx, ident))
    if found is None:
        raise NotFound("project", ident)
    return found


def _read(tx: Tx, ident: str) -> ProjectRecord | None:
    rows = tx.rows("projects/get_projects", ids=[ident], status=None, kind=None)
    return stored_record(ProjectRecord, rows[0]) if rows else None


def _dates(_tx: Tx, project: ProjectRecord, _new: bool) -> list[Problem]:
    if project.start and project.end and project.end < project.start:
        return [Problem(loc="end", msg=f"ends before it starts ({project.end} is before {project.start})")]
    return []


PROJECTS: RecordKind[ProjectRecord] = RecordKind(
    noun="project", model=ProjectRecord, prefix=PROJECT_ID_PREFIX, read=_read, ids_query="projects/project_ids",
    upsert="projects/upsert_projects", row=project_row, delete="projects/delete_project",
    skills=("requires",), parties=("team",), check=_dates,
)


def create_project(db: Database, fields: Mapping[str, Any]) -> ProjectRecord:
    """Add a project or call for tender (``kind: tender``); ``id`` absent: ``p-`` and the next
    free number. :class:`Conflict` when the id is taken; :class:`DocumentInvalid` for a missing
    or bad field, an unknown skill or team member, an end before the start."""
    return create_record(db, PROJECTS, fields)


def update_project(db: Database, ident: str, changes: Mapping[str, Any]) -> ProjectRecord:
    """Change a project: an absent field keeps its value, None clears it, a list replaces the list."""
    return update_record(db, PROJECTS, ident, changes)


def delete_project(db: Database, ident: str) -> None:
    """Delete a project with its team places and required skills (members and skills stay)."""
    delete_record(db, PROJECTS, ident)


def set_team(db: Database, ident: str, team: Sequence[str]) -> ProjectRecord:
    """Replace the project's team with ``team``, in that order."""
    return update_record(db, PROJECTS, ident, {"team": list(team)})


def add_team_member(db: Database, ident: str, party: str) -> ProjectRecord:
    """Put ``party`` (a member or an organisation) on the team; unchanged if already on it."""
    return add_to_list(db, PROJECTS, ident, "team", party)


def remove_team_member(db: Database, ident: str, party: str) -> ProjectRecord:
    """Take ``party`` off the team; :class:`NotFound` when they are not on it."""
    return remove_from_list(db, PROJECTS, ident, "team", party, what="team member")
