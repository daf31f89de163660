"""Small interchange documents for tests, built by hand so their answers are known."""

from __future__ import annotations

import secrets
from typing import Any

# The manager's key for this test run: a fresh random one each run (never a default), and the
# header that carries it. Defined here, not in conftest, so every test module shares one value.
MANAGER_KEY = secrets.token_urlsafe(32)
MANAGER = {"Authorization": f"Bearer {MANAGER_KEY}"}


def small_document() -> dict[str, Any]:
    """Four members in three subsectors, an organisation, a project, an event and an introduction."""
    return {
        "skills": [
            {"id": "bim-modelling", "name": "BIM modelling", "subsector": "architecture"},
            {"id": "game-design", "name": "Game design", "subsector": "gaming"},
            {"id": "sound-design", "name": "Sound design", "subsector": "music"},
            {"id": "tendering", "name": "Tendering"},
        ],
        "members": [
            {"id": "m-001", "name": "Atelier Weber", "kind": "company", "subsectors": ["architecture", "design"],
             "skills": ["bim-modelling", "tendering"], "visibility": "public", "city": "Luxembourg",
             "website": "https://atelier-weber.example.lu", "languages": ["lb", "fr"],
             "description": "Architecture studio", "joined": "2019-03-01"},
            {"id": "m-002", "name": "Pixel Kayl", "kind": "freelancer", "subsectors": ["gaming"],
             "skills": ["game-design"], "visibility": "members", "city": "Esch-sur-Alzette", "joined": "2021-06-15"},
            {"id": "m-003", "name": "Sonic Moselle", "kind": "company", "subsectors": ["music"],
             "skills": ["sound-design"], "visibility": "private", "city": "Remich"},
            {"id": "m-004", "name": "1535 Hub", "kind": "creative-hub", "subsectors": ["design"],
             "visibility": "public", "city": "Differdange"},
        ],
        "organisations": [{"id": "o-01", "name": "Moselle Mobility Systems", "cluster": "automobility"}],
        "ties": [
            {"source": "m-001", "target": "m-002", "kind": "knows", "weight": 0.8, "since": "2022-01-10"},
            {"source": "m-002", "target": "m-003", "kind": "knows", "weight": 0.4},
            {"source": "m-001", "target": "m-004", "kind": "collaborated", "weight": 1.0},
            {"source": "m-004", "target": "o-01", "kind": "knows", "weight": 0.5},
        ],
        "projects": [
            {"id": "p-001", "title": "Museum app", "kind": "tender", "requires": ["game-design", "sound-design"],
             "team": ["m-002", "m-003"], "client": "City museum", "status": "won",
             "start": "2024-01-01", "end": "2024-06-30"},
        ],
        "events": [
            {"id": "e-001", "title": "Round table: games and heritage", "date": "2025-03-12",
             "format": "round-table", "theme": "heritage", "attendees": ["m-001", "m-002", "m-004"]},
        ],
        "introductions": [
            {"id": "i-001", "a": "m-001", "b": "m-003", "facilitator": "manager", "date": "2025-04-01",
             "status": "met", "outcome": "Met at the hub"},
        ],
    }
