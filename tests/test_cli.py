"""The command line against the real database: readable tables, JSON, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from graph_service.cli import app
from tests.factories import small_document
from tests.test_introductions_engine import two_cliques


def _run(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_import_export_and_refusal(cli: CliRunner, tmp_path: Path) -> None:
    good = tmp_path / "cluster.json"
    good.write_text(json.dumps(small_document()))
    assert "Imported" in _run(cli, "import", str(good), "--replace")
    bad = small_document()
    bad["members"][0]["subsectors"] = ["gamming"]
    bad_file = tmp_path / "bad.json"
    bad_file.write_text(json.dumps(bad))
    result = cli.invoke(app, ["import", str(bad_file)])
    assert result.exit_code == 2
    assert "members[0].subsectors[0]: unknown subsector 'gamming' (did you mean 'gaming'?)" in result.output
    out = tmp_path / "out.json"
    _run(cli, "export", str(out))
    assert [m["id"] for m in json.loads(out.read_text())["members"]] == ["m-001", "m-002", "m-003", "m-004"]


def test_engine_and_action_commands(cli: CliRunner, tmp_path: Path) -> None:
    doc = two_cliques()
    doc["events"] = [{"id": "e-1", "title": "Round table", "date": "2026-12-03", "format": "round-table",
                      "attendees": ["p1", "p2", "q1", "q2"]}]
    path = tmp_path / "cliques.json"
    path.write_text(json.dumps(doc))
    _run(cli, "import", str(path), "--replace")
    assert "Member q1" in _run(cli, "recommend", "p1")
    assert json.loads(_run(cli, "recommend", "p1", "--json"))["items"][0]["id"] == "q1"
    assert "path(s) of at most 4 hops" in _run(cli, "paths", "p1", "q1")
    assert "NMI with subsectors 1.000" in _run(cli, "analytics", "communities")
    assert "design" in _run(cli, "analytics", "subsectors")
    assert "Bridge ties: 1; articulation points: p4, q1" in _run(cli, "analytics", "bridges")
    assert "If every introduction succeeded" in _run(cli, "introductions", "plan", "--total", "2")
    assert "new cross-subsector pairs" in _run(cli, "tables", "e-1", "--table-size", "2")
    result = cli.invoke(app, ["recommend", "nobody"])
    assert result.exit_code == 1 and "no member 'nobody'" in result.output
