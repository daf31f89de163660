"""The online import's write paths against the real Neo4j: CREATE for what is known to be new
beside MERGE for what exists, a replace of a big graph (deleted in batches first), and the mark
an import that takes more than one transaction leaves until its last batch is written."""

from __future__ import annotations

import pytest

from graph_service.cli.data import unfinished_warning
from graph_service.interchange import Document, parse_document
from graph_service.merge import read_draft
from graph_service.store import documents
from graph_service.store.database import Database
from graph_service.store.graph import count_nodes
from tests.factories import small_document
from tests.test_faults import _assert_graph_holds_exactly


def _ties(doc: Document) -> dict[tuple[str, str, str], float]:
    return {(min(t.source, t.target), max(t.source, t.target), t.kind): t.weight for t in doc.ties}


@pytest.mark.parametrize(("one_transaction", "writers"), [(True, 1), (False, 1), (False, 2)])
def test_new_and_existing_records_in_one_merge(db: Database, monkeypatch: pytest.MonkeyPatch,
                                               one_transaction: bool, writers: int) -> None:
    documents.import_document(db, parse_document(small_document()), replace=True)
    if not one_transaction:
        monkeypatch.setattr(documents, "SINGLE_TX_ROWS", 2)
    merge = read_draft({
        "members": [
            {"id": "m-010", "name": "Nouveau Studio", "subsectors": ["music", "design"], "skills": ["sound-design"]},
            {"id": "m-001", "name": "Atelier Weber & Fils"},  # an update: the rest is kept
        ],
        "ties": [
            {"source": "m-010", "target": "m-001", "kind": "knows", "weight": 0.3},  # a new side: CREATE
            {"source": "m-002", "target": "m-001", "kind": "knows", "weight": 0.9},  # exists (reversed): MERGE
        ],
        "projects": [{"id": "p-010", "title": "Sound walk", "requires": ["sound-design", "tendering",
                                                                       "sound-design"],
                      "team": ["m-010", "m-003"]}],
        "events": [{"id": "e-010", "title": "Open studio", "date": "2025-05-01", "attendees": ["m-004", "m-010"]}],
    })
    result = documents.import_document(db, merge, batch_size=1, writers=writers)
    assert result.counts["members"] == 2 and (result.transactions == 1) == one_transaction
    got = documents.export_document(db)
    members = {m.id: m for m in got.members}
    assert members["m-010"].subsectors == ["music", "design"] and members["m-010"].skills == ["sound-design"]
    assert members["m-001"].name == "Atelier Weber & Fils" and members["m-001"].skills == ["bim-modelling",
                                                                                            "tendering"]
    ties = _ties(got)
    assert ties[("m-001", "m-010", "knows")] == 0.3 and ties[("m-001", "m-002", "knows")] == 0.9
    assert len(got.ties) == len(small_document()["ties"]) + 1  # the reversed tie was not written twice
    project = next(p for p in got.projects if p.id == "p-010")
    assert project.requires == ["tendering", "sound-design"] and project.team == ["m-010", "m-003"]
    assert next(e for e in got.events if e.id == "e-010").attendees == ["m-004", "m-010"]
    assert documents.unfinished_import(db) is None

    # The same merge again changes nothing and writes nothing twice.
    documents.import_document(db, merge, batch_size=1, writers=writers)
    assert documents.export_document(db) == got


def test_a_replace_of_a_big_graph_deletes_it_in_batches(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from seed.generator import generate_cluster

    big, _facts = generate_cluster(members=200, seed=3)
    documents.import_document(db, big, replace=True)
    nodes, relationships = documents.cluster_size(db)
    monkeypatch.setattr(documents, "CLEAR_IN_ONE_TX", nodes)  # the graph is bigger than that
    small = parse_document(small_document())
    result = documents.import_document(db, small, replace=True)
    assert result.transactions > 2  # the mark, the batched deletion, the document, the end of the mark
    _assert_graph_holds_exactly(db, small)
    assert documents.unfinished_import(db) is None
    assert relationships > 0


def test_a_cut_off_import_leaves_its_mark_until_run_again(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from seed.generator import generate_cluster

    doc, _facts = generate_cluster(members=120, seed=5)
    monkeypatch.setattr(documents, "SINGLE_TX_ROWS", 50)
    calls: list[int] = []

    def cut_off(_kind: str, n: int) -> None:
        calls.append(n)
        if len(calls) == 3:
            raise KeyboardInterrupt  # as when the command is stopped

    with pytest.raises(KeyboardInterrupt):
        documents.import_document(db, doc, replace=True, batch_size=20, progress=cut_off)
    mark = documents.unfinished_import(db)
    assert mark is not None and mark["replace"] is True and mark["rows"] > 50
    warning = unfinished_warning(db)
    assert warning is not None and "did not finish" in warning and "again" in warning
    assert count_nodes(db)["members"] < len(doc.members)

    documents.import_document(db, doc, replace=True, batch_size=20)
    assert documents.unfinished_import(db) is None and unfinished_warning(db) is None
    _assert_graph_holds_exactly(db, doc)
