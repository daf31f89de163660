"""Backup and restore round trips against the real database, through the service and the CLI."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from graph_service.cli import app as cli_app
from graph_service.interchange import MemberRecord, parse_document
from graph_service.services import backup, introductions
from graph_service.store import documents
from graph_service.store.database import Database, native
from graph_service.store.members import create_member, replace_member
from graph_service.store.privacy import delete_member
from tests.factories import small_document


# -- helpers --------------------------------------------------------------------------------------
def _everything(db: Database) -> dict[str, Any]:
    """Every node (labels, properties) and relationship (type, ends, properties) in the graph,
    sorted, except the version stamp's counter and the change records (they grow with every
    write). Independent of the export queries."""
    with db.driver.session(database=db.connection.database) as session:
        nodes = [(sorted(r["labels"]), native(r["props"])) for r in session.run(
            "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")]
        nodes = [(labels, props) for labels, props in nodes if not {"Change", "ChangeShard"} & set(labels)]
        rels = [(r["type"], r["a"], r["b"], native(r["props"])) for r in session.run(
            "MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS a, b.id AS b, properties(r) AS props")]
        labels = {r["label"]: r["n"] for r in session.run(
            "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n")
            if r["label"] not in ("Change", "ChangeShard")}
        types = {r["type"]: r["n"] for r in session.run(
            "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n")}
    for _labels, props in nodes:
        if "version" in props and props.get("id") == "graph":
            props.pop("version")
    key = lambda item: json.dumps(item, sort_keys=True, default=str)
    return {"nodes": sorted(nodes, key=key), "relationships": sorted(rels, key=key),
            "labels": labels, "types": types}


def _export(db: Database) -> dict[str, Any]:
    return documents.export_document(db).model_dump(mode="json", exclude_none=True)


def _impressions(db: Database, member: str, shown: list[str], today: date) -> None:
    db.write(lambda tx: tx.run("recommendations/record_impressions", member=member, shown=shown, today=today),
             bump=False)


def _activity(db: Database) -> None:
    """Writes that leave what the interchange document does not hold: introduction dates, a tie
    made by an introduction, suggestions shown."""
    documents.import_document(db, parse_document(small_document()), replace=True)
    introductions.advance(db, "i-001", status="collaborating", outcome="A joint installation",
                          today=date(2025, 5, 2))  # a knows tie m-001 -- m-003 with its introduction
    introductions.propose(db, a="m-002", b="m-004", ident="i-002", today=date(2025, 5, 3))
    introductions.respond(db, "i-002", member="m-002", answer="accept", today=date(2025, 5, 4))
    _impressions(db, "m-001", ["m-002", "o-01"], date(2025, 5, 5))
    _impressions(db, "m-001", ["m-002"], date(2025, 5, 6))


def _changes(db: Database) -> None:
    """Add, delete and change members, ties, introductions and impressions."""
    create_member(db, MemberRecord(id="m-100", name="New Studio", subsectors=["fashion-design"]))
    delete_member(db, "m-003")
    replace_member(db, MemberRecord(id="m-002", name="Pixel Kayl", kind="company",
                                            subsectors=["music"]))
    documents.import_document(db, parse_document({"ties": [
        {"source": "m-100", "target": "m-004", "kind": "collaborated", "weight": 0.3}]}))
    introductions.respond(db, "i-002", member="m-004", answer="decline", today=date(2025, 6, 1))
    _impressions(db, "m-001", ["m-002", "m-004"], date(2025, 6, 2))


# -- the service ----------------------------------------------------------------------------------
def test_backup_change_restore_gives_the_same_graph_exactly(db: Database, tmp_path: Path) -> None:
    _activity(db)
    before, exported = _everything(db), _export(db)
    assert {"KNOWS", "SHOWN", "FACILITATED_BY"} - set(before["types"]) == {"FACILITATED_BY"}
    version = db.version()

    path = tmp_path / "graph.json.gz"
    info = backup.write_backup(db, path)
    assert info.omitted == [] and info.graph_version == version and info.bytes == path.stat().st_size
    assert info.counts.nodes["Member"] == 4 and info.counts.relationships["SHOWN"] == 2

    _changes(db)
    assert _everything(db) != before

    result = backup.restore_backup(db, path, batch_size=3)
    assert result.transactions == 1  # a small graph is restored in one transaction: all or nothing
    assert _everything(db) == before
    assert _export(db) == exported
    assert result.counts == info.counts
    assert db.version() > version  # the stamp is never set back, so running services see the change

    # A restore run again (e.g. after being cut off) changes nothing.
    backup.restore_backup(db, path)
    assert _everything(db) == before


def test_a_large_backup_restores_batch_by_batch(db: Database, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _activity(db)
    before = _everything(db)
    path = tmp_path / "graph.json.gz"
    backup.write_backup(db, path)
    _changes(db)
    monkeypatch.setattr(documents, "SINGLE_TX_ROWS", 5)  # as for a document of more than 20,000 rows
    result = backup.restore_backup(db, path, batch_size=4)
    assert result.transactions > 5
    assert _everything(db) == before


def test_the_file_is_gzip_json_with_a_format_version_a_timestamp_and_a_checksum(
    db: Database, tmp_path: Path,
) -> None:
    _activity(db)
    path = tmp_path / "graph.json.gz"
    info = backup.write_backup(db, path)
    raw = json.loads(gzip.decompress(path.read_bytes()))
    assert raw["format"] == "graph-service-backup" and raw["format_version"] == backup.FORMAT_VERSION
    assert raw["created"] == info.created.isoformat() and raw["neo4j"].startswith("Neo4j/")
    assert raw["sha256"] == info.sha256 and len(info.sha256) == 64
    assert raw["data"]["document"]["members"][0]["id"] == "m-001"
    assert raw["data"]["introduction_updates"] == [{"id": "i-001", "updated": "2025-05-02"},
                                                   {"id": "i-002", "updated": "2025-05-04"}]
    assert raw["data"]["tie_introductions"] == [
        {"source": "m-001", "target": "m-003", "introduction": "i-001"}]
    assert raw["data"]["impressions"] == [
        {"member": "m-001", "shown": "m-002", "count": 2, "first": "2025-05-05", "last": "2025-05-06"},
        {"member": "m-001", "shown": "o-01", "count": 1, "first": "2025-05-05", "last": "2025-05-05"}]


def _rewrite(path: Path, change: Any, *, fix_checksum: bool = False) -> None:
    raw = json.loads(gzip.decompress(path.read_bytes()))
    change(raw)
    if fix_checksum:
        raw["sha256"] = backup.checksum(raw)
    path.write_bytes(gzip.compress(json.dumps(raw).encode()))


def test_damaged_or_foreign_files_are_refused_before_anything_is_written(
    db: Database, tmp_path: Path,
) -> None:
    _activity(db)
    good = tmp_path / "graph.json.gz"
    backup.write_backup(db, good)
    before = _everything(db)

    def member_renamed(raw: dict[str, Any]) -> None:
        raw["data"]["document"]["members"][0]["name"] = "Someone else"

    def dangling_impression(raw: dict[str, Any]) -> None:
        raw["data"]["impressions"][0]["shown"] = "m-404"

    cases: list[tuple[str, bytes | None, Any, bool]] = [
        ("SHA-256", None, member_renamed, False),
        ("not a gzip-compressed backup", good.read_bytes()[:200], None, False),
        ("not a graph-service backup", gzip.compress(json.dumps(small_document()).encode()), None, False),
        ("format version 99", None, lambda raw: raw.update(format_version=99), True),
        ("no member or organisation 'm-404'", None, dangling_impression, True),
        ("recorded counts do not match", None, lambda raw: raw["counts"]["nodes"].update(Member=5), True),
    ]
    for i, (message, content, change, fix) in enumerate(cases):
        bad = tmp_path / f"bad-{i}.json.gz"
        bad.write_bytes(content if content is not None else good.read_bytes())
        if change is not None:
            _rewrite(bad, change, fix_checksum=fix)
        with pytest.raises(backup.BackupInvalid, match=message):
            backup.restore_backup(db, bad)
    assert _everything(db) == before


def test_a_graph_the_backup_would_not_restore_exactly_is_refused(db: Database, tmp_path: Path) -> None:
    _activity(db)
    with db.driver.session(database=db.connection.database) as session:
        session.run("MATCH (m:Member {id: 'm-001'}) SET m.note = 'kept by hand'").consume()
        session.run("MATCH (a:Member {id: 'm-001'}), (b:Member {id: 'm-002'}) "
                    "MERGE (a)-[:MENTORS]->(b)").consume()
    path = tmp_path / "graph.json.gz"
    with pytest.raises(backup.BackupIncomplete, match="property 'note' of Member nodes") as refused:
        backup.write_backup(db, path)
    assert "MENTORS relationships" in str(refused.value)
    assert not path.exists()
    info = backup.write_backup(db, path, allow_incomplete=True)
    assert any("MENTORS" in line for line in info.omitted)
    assert backup.read_backup(path).omitted == info.omitted


# -- the CLI --------------------------------------------------------------------------------------
def test_cli_backup_and_restore_round_trip(db: Database, cli: CliRunner, tmp_path: Path) -> None:
    from seed.generator import generate_cluster

    doc, _facts = generate_cluster(members=150, seed=3)
    documents.import_document(db, doc, replace=True)
    intro = doc.introductions[0]
    _impressions(db, doc.members[0].id, [doc.members[1].id, doc.members[2].id], date(2025, 7, 1))
    before, exported = _everything(db), _export(db)

    path = tmp_path / "nightly.json.gz"
    made = cli.invoke(cli_app, ["backup", str(path)])
    assert made.exit_code == 0, made.output
    assert "Backed up 150 members" in made.output

    delete_member(db, intro.a)
    documents.import_document(db, parse_document(small_document()), replace=True)
    assert _everything(db) != before

    restored = cli.invoke(cli_app, ["restore", str(path)])
    assert restored.exit_code == 0, restored.output
    assert "150 members" in restored.output and "graph was replaced" in restored.output
    assert _everything(db) == before
    assert _export(db) == exported

    damaged = tmp_path / "damaged.json.gz"
    damaged.write_bytes(path.read_bytes()[:-40])
    refused = cli.invoke(cli_app, ["restore", str(damaged)])
    assert refused.exit_code == 2 and "truncated" in refused.output


def test_recorded_ties_round_trip_and_keys_stay_out_of_backups(db: Database, tmp_path: Path) -> None:
    from graph_service.services import keys, ties

    documents.import_document(db, parse_document(small_document()), replace=True)
    ties.record_tie(db, "m-004", other="m-002")  # waits for m-002 to confirm
    key = keys.create_key(db, role="member", member="m-002", name="laptop")
    before = _everything(db)
    path = tmp_path / "graph.json.gz"
    info = backup.write_backup(db, path)
    assert info.omitted == [] and "ApiKey" not in info.counts.nodes
    assert key.key not in gzip.decompress(path.read_bytes()).decode()
    ties.withdraw_tie(db, "m-002", "m-004")
    delete_member(db, "m-003")
    backup.restore_backup(db, path)
    assert _everything(db) == before  # the key is still there: a restore leaves keys as they are
    waiting = [t for t in ties.member_ties(db, "m-002") if t.other.id == "m-004"]
    assert [(t.recorded_by, t.confirmed, t.awaiting) for t in waiting] == [("m-004", False, True)]


def test_the_skills_organisations_offer_round_trip(db: Database, tmp_path: Path) -> None:
    doc = small_document()
    skills = [s["id"] for s in doc["skills"]][:2]
    for o in doc["organisations"]:
        o["skills"] = skills
    documents.import_document(db, parse_document(doc), replace=True)
    before = _everything(db)
    assert before["types"].get("OFFERS") == len(skills) * len(doc["organisations"])
    path = tmp_path / "graph.json.gz"
    backup.write_backup(db, path)
    documents.import_document(db, parse_document({"organisations": [
        {**o, "skills": []} for o in doc["organisations"]]}))
    assert "OFFERS" not in _everything(db)["types"]
    backup.restore_backup(db, path)
    assert _everything(db) == before
