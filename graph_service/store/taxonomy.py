"""The taxonomy: the subsectors and the skills, with how many members each has.

The 12 subsectors themselves are written by :func:`graph_service.store.documents.ensure_subsectors`
and skills by an import (:mod:`graph_service.store.documents`).
"""

from __future__ import annotations

from typing import TypedDict, cast

from graph_service.store.database import Database

__all__ = ["SubsectorRow", "SkillRow", "list_subsectors", "list_skills"]


class SubsectorRow(TypedDict):
    """A subsector with its NACE codes and member counts (``subsectors/list_subsectors``)."""

    id: str
    name: str
    nace: list[str]
    description: str
    primary_members: int
    members: int
    skills: int


class SkillRow(TypedDict):
    """A skill, its subsector (None for a cross-cutting skill) and how many members have it."""

    id: str
    name: str
    subsector: str | None
    members: int


def list_subsectors(db: Database) -> list[SubsectorRow]:
    """Every subsector, in id order."""
    return cast(list[SubsectorRow], db.rows("subsectors/list_subsectors"))


def list_skills(db: Database, *, subsector: str | None = None,
                cross_cutting: bool | None = None) -> list[SkillRow]:
    """Skills in id order: all, those of one ``subsector``, or only (not) cross-cutting ones."""
    rows = db.rows("skills/list_skills", {"subsector": subsector, "cross_cutting": cross_cutting})
    return cast(list[SkillRow], rows)
