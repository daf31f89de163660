"""What a backup reads beyond the interchange document, and the restore that writes it all back.

A backup (:mod:`graph_service.services.backup`) holds the interchange document
(:func:`graph_service.store.documents.export_document`) and the few things the document does not
carry: when each introduction was last changed, which introduction created a knows tie, the
suggestions shown to members and the introductions of erased members (:func:`read_extras`). To
check that a backup covers the graph it also counts every label and relationship type
(:func:`graph_counts`) and lists their property keys (:func:`property_keys`).
:func:`restore_graph` replaces the graph with a document and those lists through the ordinary
replace-import, in the same transaction(s) and batches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict, cast

from graph_service.interchange import Document
from graph_service.store.database import Database, Tx
from graph_service.store.documents import IMPORT_TIMEOUT_S, ImportResult, Progress, import_document
from graph_service.store.privacy import AnonymisedIntroductionRow, anonymised_introductions_of

__all__ = [
    "BackupExtras",
    "GraphCounts",
    "ImpressionRow",
    "IntroductionUpdateRow",
    "LabelKey",
    "PropertyKeys",
    "TieIntroductionRow",
    "TypeKey",
    "graph_counts",
    "property_keys",
    "read_extras",
    "restore_graph",
]


@dataclass(frozen=True, slots=True)
class GraphCounts:
    """Nodes per label (a node with two labels counts under both) and relationships per type,
    each in name order."""

    nodes: dict[str, int]
    relationships: dict[str, int]


class LabelKey(TypedDict):
    """A property key found on nodes of a label."""

    label: str
    key: str


class TypeKey(TypedDict):
    """A property key found on relationships of a type."""

    type: str
    key: str


@dataclass(frozen=True, slots=True)
class PropertyKeys:
    """Every (label, key) and (type, key) pair the graph holds, in name order."""

    nodes: list[LabelKey]
    relationships: list[TypeKey]


class IntroductionUpdateRow(TypedDict):
    """When an introduction was last changed."""

    id: str
    updated: date


class TieIntroductionRow(TypedDict):
    """A knows tie an introduction created (``introductions/record_tie``), with that introduction."""

    source: str
    target: str
    introduction: str


class ImpressionRow(TypedDict):
    """A suggestion shown to a member: how often, first and last."""

    member: str
    shown: str
    count: int
    first: date | None
    last: date | None


@dataclass(frozen=True, slots=True)
class BackupExtras:
    """What a backup holds beyond the interchange document, each list in id order."""

    introduction_updates: list[IntroductionUpdateRow]
    tie_introductions: list[TieIntroductionRow]
    impressions: list[ImpressionRow]
    anonymised_introductions: list[AnonymisedIntroductionRow]


def graph_counts(db: Database) -> GraphCounts:
    """Every label's node count and every type's relationship count, in one read transaction."""

    def work(tx: Tx) -> GraphCounts:
        nodes = {str(r["label"]): int(r["count"]) for r in tx.rows("backup/label_counts")}
        rels = {str(r["type"]): int(r["count"]) for r in tx.rows("backup/type_counts")}
        return GraphCounts(nodes=nodes, relationships=rels)

    return db.read(work, timeout=IMPORT_TIMEOUT_S)


def property_keys(db: Database) -> PropertyKeys:
    """The property keys of every label and relationship type, in one read transaction."""

    def work(tx: Tx) -> PropertyKeys:
        return PropertyKeys(nodes=cast(list[LabelKey], tx.rows("backup/label_keys")),
                            relationships=cast(list[TypeKey], tx.rows("backup/type_keys")))

    return db.read(work, timeout=IMPORT_TIMEOUT_S)


def read_extras(db: Database) -> BackupExtras:
    """What the interchange document does not hold, in one read transaction."""

    def work(tx: Tx) -> BackupExtras:
        return BackupExtras(
            introduction_updates=cast(list[IntroductionUpdateRow], tx.rows("backup/introduction_updates")),
            tie_introductions=cast(list[TieIntroductionRow], tx.rows("backup/tie_introductions")),
            impressions=cast(list[ImpressionRow], tx.rows("backup/impressions")),
            anonymised_introductions=anonymised_introductions_of(tx),
        )

    return db.read(work, timeout=IMPORT_TIMEOUT_S)


def restore_graph(
    db: Database,
    document: Document,
    *,
    anonymised_introductions: Sequence[Mapping[str, Any]],
    introduction_updates: Sequence[Mapping[str, Any]],
    tie_introductions: Sequence[Mapping[str, Any]],
    impressions: Sequence[Mapping[str, Any]],
    batch_size: int = 2000,
    progress: Progress | None = None,
) -> ImportResult:
    """Replace the graph with ``document`` and the lists a backup adds to it, written after the
    document in the same transaction(s) and batches (see
    :func:`~graph_service.store.documents.import_document`; ``DocumentInvalid``, and nothing
    written, for a document that does not hold together).

    The rows are JSON-ready (dates as ISO strings): ``anonymised_introductions`` as
    ``introductions/upsert_introductions`` takes them (``id``, ``a``, ``b`` and ``facilitator``,
    a side None when erased, and ``props``), the others shaped like :class:`IntroductionUpdateRow`,
    :class:`TieIntroductionRow` and :class:`ImpressionRow`. Each step is idempotent, so a
    restore that was cut off can be run again.
    """
    extra = [
        # Before the updates: those of anonymised introductions are among them.
        ("anonymised_introductions", "introductions/upsert_introductions", list(anonymised_introductions)),
        ("introduction_updates", "backup/restore_introduction_updates", list(introduction_updates)),
        ("tie_introductions", "backup/restore_tie_introductions", list(tie_introductions)),
        ("impressions", "backup/restore_impressions", list(impressions)),
    ]
    return import_document(db, document, replace=True, batch_size=batch_size, progress=progress,
                           extra=[(section, name, [dict(r) for r in rows]) for section, name, rows in extra if rows])
