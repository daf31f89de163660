"""Projects and tenders, with their required skills and teams in recorded order.

They are written by an import (:mod:`graph_service.store.documents`); here they are read.
"""

from __future__ import annotations

from graph_service.errors import NotFound
from graph_service.interchange import ProjectRecord
from graph_service.store.database import Database
from graph_service.store.documents import without_nulls

__all__ = ["list_projects", "get_project"]


def list_projects(db: Database, *, status: str | None = None, kind: str | None = None) -> list[ProjectRecord]:
    """Projects in id order, optionally of one ``status`` and ``kind``."""
    rows = db.rows("projects/get_projects", {"ids": None, "status": status, "kind": kind})
    return [ProjectRecord(**without_nulls(r)) for r in rows]


def get_project(db: Database, ident: str) -> ProjectRecord:
    """One project; :class:`NotFound` when there is none."""
    rows = db.rows("projects/get_projects", {"ids": [ident], "status": None, "kind": None})
    if not rows:
        raise NotFound("project", ident)
    return ProjectRecord(**without_nulls(rows[0]))
