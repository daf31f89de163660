"""Organisations of the other national clusters that members are linked to.

They are written by an import (:mod:`graph_service.store.documents`); here they are read.
"""

from __future__ import annotations

from graph_service.interchange import OrganisationRecord
from graph_service.store.database import Database
from graph_service.store.documents import without_nulls

__all__ = ["list_organisations"]


def list_organisations(db: Database) -> list[OrganisationRecord]:
    """Every organisation, in id order."""
    return [OrganisationRecord(**without_nulls(r)) for r in db.rows("organisations/export_organisations")]
