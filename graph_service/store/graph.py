"""Facts about the whole graph: how many nodes and ties of each kind it holds.

Deleting and dumping the whole graph belongs to the import and export
(:mod:`graph_service.store.documents`) and the backup (:mod:`graph_service.store.backup`).
"""

from __future__ import annotations

from typing import TypedDict, cast

from graph_service.store.database import Database

__all__ = ["NodeCounts", "count_nodes"]


class NodeCounts(TypedDict):
    """Nodes by kind, and knows and collaborated ties (``graph/count_nodes``)."""

    members: int
    organisations: int
    skills: int
    subsectors: int
    projects: int
    events: int
    introductions: int
    knows: int
    collaborated: int


def count_nodes(db: Database) -> NodeCounts:
    """How many nodes of each kind, and ties of each type, the graph holds."""
    return cast(NodeCounts, db.rows("graph/count_nodes")[0])
