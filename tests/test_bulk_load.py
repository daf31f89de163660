"""``graph-service db bulk-load``: a first load through neo4j-admin's offline importer.

A bulk load stops and starts Neo4j, so these tests run a managed server of their own (own home
under a temporary folder, free ports, as tests/test_faults.py does) and never touch the session
server the other tests share; that one gets the same document by the online import, and the two
exports must be equal. Each bulk load restarts the server (~10-20 s), so there are two.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph_service.interchange import Document, parse_document
from graph_service.merge import read_draft
from graph_service.neo4j_server.managed import ManagedServer
from graph_service.services import bulk_load
from graph_service.services.imports import read_document_file
from graph_service.services.views import ProjectionCache
from graph_service.settings import PROJECT_ROOT, Settings
from graph_service.store import changes, documents
from graph_service.store.database import Database
from graph_service.store.graph import count_nodes
from graph_service.store.readiness import Readiness
from tests.factories import MANAGER_KEY, small_document
from tests.test_faults import _free_port

SEED_FILE = PROJECT_ROOT / "seed" / "cluster.json"


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A managed Neo4j of this module's own, which a bulk load may stop and start."""
    settings = Settings(
        NEO4J_URI=None,  # always the managed server, even when the session uses an external one
        GRAPH_SERVICE_HOME=tmp_path_factory.mktemp("bulk-home"),
        GRAPH_SERVICE_BOLT_PORT=_free_port(),
        GRAPH_SERVICE_HTTP_PORT=_free_port(),
        GRAPH_SERVICE_HEAP="512m",
        GRAPH_SERVICE_PAGECACHE="128m",
        GRAPH_SERVICE_PROJECTION_CHECK=0,  # read the version at every request
        GRAPH_SERVICE_MANAGER_KEY=MANAGER_KEY,
    )
    server = ManagedServer(settings)
    server.start(log=print)
    try:
        yield settings
    finally:
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)


def _dump(doc: Document) -> dict[str, object]:
    return doc.model_dump(mode="json")


def test_csv_files_have_typed_headers_and_the_document(tmp_path: Path) -> None:
    doc = parse_document(small_document())
    files = bulk_load.write_csv(doc, tmp_path, shard_positions=(3, 0), rows=12)
    members = (tmp_path / "members.csv").read_text(encoding="utf-8").splitlines()
    assert members[0].split(",")[:3] == ['"id:ID(Party)"', '":LABEL"', '"name:string"']
    assert '"languages:string[]"' in members[0] and '"joined:date"' in members[0]
    assert members[1].startswith('"m-001","Party;Member","Atelier Weber"')
    assert '"lb;fr"' in members[1] and '"2019-03-01"' in members[1]
    kinds = dict(files.relationships)
    assert set(kinds) >= {"KNOWS", "COLLABORATED", "IN_SUBSECTOR", "HAS_SKILL", "OF_SUBSECTOR", "WORKED_ON",
                          "REQUIRES", "ATTENDED", "INTRODUCES"}
    knows = kinds["KNOWS"].read_text(encoding="utf-8").splitlines()
    assert knows[0] == '":START_ID(Party)",":END_ID(Party)","strength:double","since:date","confirmed:boolean"'
    assert knows[1] == '"m-001","m-002",0.8,"2022-01-10","true"'
    assert knows[2] == '"m-002","m-003",0.4,,"true"'  # no since: an empty cell, no property
    shards = (tmp_path / "change-shards.csv").read_text(encoding="utf-8").splitlines()
    assert shards == ['":ID(ChangeShard)",":LABEL","id:long","n:long"', '0,"ChangeShard",0,3', '1,"ChangeShard",1,0']
    assert files.node_count == 12 + len(doc.skills) + 4 + 1 + 1 + 1 + 1 + 2 + 1  # + the 2 shards and the mark


def test_a_bulk_load_gives_what_an_online_import_gives(own_server: Settings, db: Database) -> None:
    """Into an empty database: the export equals the online import's (of the session server), the
    projection of a running service reads the new graph, no unfinished mark is left; then a
    database with data is refused without --force, and replaced with it."""
    draft = read_document_file(SEED_FILE)
    documents.import_document(db, draft, replace=True)
    online = documents.export_document(db)

    target = Database(own_server)
    try:
        Readiness().ensure(target)
        view = ProjectionCache(target)
        assert view.current().document.members == []
        version, counters = target.version(), changes.positions(target)

        result = bulk_load.bulk_load(own_server, draft, log=print)
        assert result.nodes > len(online.members) and set(result.phases) == {"convert", "stop", "import", "start",
                                                                              "schema"}
        assert _dump(documents.export_document(target)) == _dump(online)
        assert count_nodes(target) == count_nodes(db)
        assert documents.unfinished_import(target) is None
        assert target.version() > version
        after = changes.positions(target)  # the counters go on from the old graph's numbers
        assert len(after) == len(counters) and all(a >= b for a, b in zip(after, counters, strict=True))
        assert len(view.current().document.members) == len(online.members)  # a full read after the load

        # The schema is in place: a second member with a taken id is refused by the constraint,
        # and an online merge into the loaded graph works as on any graph.
        renamed = {"members": [{"id": online.members[0].id, "name": "Renamed after the bulk load"}]}
        documents.import_document(target, read_draft(renamed))
        assert documents.export_document(target).members[0].name == "Renamed after the bulk load"

        with pytest.raises(bulk_load.BulkLoadError, match="not empty"):
            bulk_load.bulk_load(own_server, parse_document(small_document()), log=print)
        assert count_nodes(target)["members"] == len(online.members)  # nothing happened

        small = parse_document(small_document())
        bulk_load.bulk_load(own_server, small, force=True, log=print)
        documents.import_document(db, small, replace=True)
        assert _dump(documents.export_document(target)) == _dump(documents.export_document(db))
        assert len(view.current().document.members) == len(small.members)
    finally:
        target.close()


def test_the_command_refuses_a_database_with_data_and_a_spreadsheet(own_server: Settings,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    from graph_service.cli import app
    from graph_service.settings import get_settings

    for key, value in {"GRAPH_SERVICE_HOME": str(own_server.home), "GRAPH_SERVICE_BOLT_PORT": str(own_server.bolt_port),
                       "GRAPH_SERVICE_HTTP_PORT": str(own_server.http_port)}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    get_settings.cache_clear()
    target = Database(own_server)
    try:
        if not count_nodes(target)["members"]:
            documents.import_document(target, parse_document(small_document()), replace=True)
        spreadsheet = tmp_path / "members.csv"
        spreadsheet.write_text("id,name\n", encoding="utf-8")
        r = CliRunner().invoke(app, ["db", "bulk-load", str(spreadsheet)])
        assert r.exit_code == 2 and "whole document" in r.output
        r = CliRunner().invoke(app, ["db", "bulk-load", str(SEED_FILE)])
        assert r.exit_code == 1 and "not empty" in r.output and "--force" in r.output
    finally:
        target.close()
        get_settings.cache_clear()
