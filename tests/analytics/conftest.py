"""A factory for tiny cluster documents, shared by the analytics tests."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:  # running pytest without an installed package
    sys.path.insert(0, str(_ROOT))

from graph_service.interchange import Document  # noqa: E402


def make_doc(
    members: dict[str, Any] | list[str] = (),
    ties: list[tuple] = (),
    *,
    skills: dict[str, str] | None = None,
    events: list[tuple[str, list[str]]] | list[tuple[str, list[str], str]] = (),
    projects: list[tuple[str, list[str]]] = (),
    introductions: list[tuple[str, str, str]] = (),
    organisations: list[tuple[str, str]] = (),
) -> Document:
    """Build a document.

    ``members``: a list of ids (subsector "design", no skills) or a dict id -> dict with any of
    ``subsectors`` (list or a single id), ``skills``, ``name``, ``joined``.
    ``ties``: (a, b) knows ties of weight 1, or (a, b, kind) or (a, b, kind, weight).
    ``events``: (id, attendees) or (id, attendees, title). ``introductions``: (a, b, status).
    """
    if not isinstance(members, dict):
        members = {m: {} for m in members}
    member_records = []
    used_skills: set[str] = set()
    for mid, spec in members.items():
        subs = spec.get("subsectors", "design")
        subs = [subs] if isinstance(subs, str) else list(subs)
        used_skills.update(spec.get("skills", ()))
        rec: dict[str, Any] = {
            "id": mid,
            "name": spec.get("name", mid.capitalize()),
            "subsectors": subs,
            "skills": list(spec.get("skills", ())),
        }
        if "joined" in spec:
            rec["joined"] = spec["joined"]
        member_records.append(rec)
    skill_names = dict(skills or {})
    for s in used_skills:
        skill_names.setdefault(s, s.replace("-", " "))
    tie_records = []
    for t in ties:
        a, b = t[0], t[1]
        kind = t[2] if len(t) > 2 else "knows"
        weight = t[3] if len(t) > 3 else 1.0
        tie_records.append({"source": a, "target": b, "kind": kind, "weight": weight})
    event_records = []
    for i, e in enumerate(events):
        event_records.append(
            {
                "id": e[0],
                "title": e[2] if len(e) > 2 else f"Event {e[0]}",
                "date": date(2024, 1, 1 + i % 28).isoformat(),
                "attendees": list(e[1]),
            }
        )
    return Document.model_validate(
        {
            "skills": [{"id": s, "name": n} for s, n in sorted(skill_names.items())],
            "members": member_records,
            "organisations": [{"id": o, "name": o.upper(), "cluster": c} for o, c in organisations],
            "ties": tie_records,
            "projects": [{"id": p, "title": f"Project {p}", "team": list(team)} for p, team in projects],
            "events": event_records,
            "introductions": [
                {"id": f"i{i}", "a": a, "b": b, "status": st, "date": "2024-02-01"}
                for i, (a, b, st) in enumerate(introductions)
            ],
        }
    )


@pytest.fixture
def doc_factory():
    """The :func:`make_doc` factory."""
    return make_doc
