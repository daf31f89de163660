"""Impressions: which recommended partners were shown to a member, how often, first and last.

They are ``SHOWN`` relationships, written without bumping the graph's version stamp (they
change no answer but the ranking of ignored suggestions). The recommender itself is pure
(:mod:`graph_service.analytics`); the penalty for ignored suggestions is in
:mod:`graph_service.services.recommendations`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from graph_service.store.database import Database

__all__ = ["impression_counts", "record_impressions"]


def impression_counts(db: Database, member_id: str) -> dict[str, int]:
    """How often each party was shown to ``member_id`` as a suggestion, by the party's id."""
    rows = db.rows("recommendations/get_impressions", {"member": member_id})
    return {str(r["id"]): int(r["count"]) for r in rows}


def record_impressions(db: Database, member_id: str, shown: Sequence[str], *, today: date) -> None:
    """Remember that the parties ``shown`` were suggested to ``member_id`` on ``today``."""
    db.write(lambda tx: tx.run("recommendations/record_impressions", member=member_id, shown=list(shown),
                               today=today), bump=False)
