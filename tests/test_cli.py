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
    assert "Bridge ties: 1; articulation points: Member p4 (p4), Member q1 (q1)" in _run(cli, "analytics", "bridges")
    # People by name, their ids as the detail: plans, seating, paths.
    plan = _run(cli, "introductions", "plan", "--total", "2")
    assert "If every introduction succeeded" in plan and "Member " in plan
    tables = _run(cli, "tables", "e-1", "--table-size", "2")
    assert "new cross-subsector pairs" in tables and "Table 1: Member " in tables and "(p1)" in tables + plan
    assert "Member p1 (p1) → " in _run(cli, "paths", "p1", "q1")
    assert "Recommended partners for Member p1 (p1)" in _run(cli, "recommend", "p1")
    result = cli.invoke(app, ["recommend", "nobody"])
    assert result.exit_code == 1 and "no member 'nobody'" in result.output


def test_seed_loads_writes_and_only_writes(cli: CliRunner, tmp_path: Path) -> None:
    from seed.generator import dump_json, generate_cluster

    expected = dump_json(generate_cluster(members=50, seed=7)[0])
    written = tmp_path / "seeded.json"
    assert "Seeded 50 members" in _run(cli, "seed", "--members", "50", "--seed", "7", "--out", str(written))
    assert written.read_text(encoding="utf-8") == expected  # the one JSON writer: what dump_json gives
    assert "not seeding (--if-empty)" in _run(cli, "seed", "--members", "50", "--if-empty")
    exported = tmp_path / "exported.json"
    _run(cli, "export", str(exported))
    assert len(json.loads(exported.read_text(encoding="utf-8"))["members"]) == 50

    # --no-load: what `python -m seed.generator` did; the database is not opened
    only = tmp_path / "sub" / "only.json"
    assert "Wrote 50 members" in _run(cli, "seed", "--members", "50", "--seed", "7", "--no-load", "--out", str(only))
    assert only.read_text(encoding="utf-8") == expected
    result = CliRunner().invoke(app, ["seed", "--members", "50", "--seed", "7", "--no-load", "--out", "-"])
    assert result.exit_code == 0 and result.stdout == expected
    refused = CliRunner().invoke(app, ["seed", "--no-load"])
    assert refused.exit_code == 2 and "--out" in refused.output


def test_choices_are_checked_by_the_command_line() -> None:
    """A wrong value of an enumerated option is a usage error (2) naming the option and its values,
    before anything opens the database."""
    from graph_service.cli.common import SubsectorId
    from graph_service.domain import SUBSECTOR_IDS

    assert tuple(s.value for s in SubsectorId) == SUBSECTOR_IDS
    runner = CliRunner()
    for args, option, allowed in (
        (["analytics", "communities", "--subsector", "gamming"], "'--subsector'", "'gaming'"),
        (["recommend", "m-1", "--subsector", "gamming"], "'--subsector'", "'music'"),
        (["introductions", "plan", "--focus", "everything"], "'--focus'", "'isolated-subsectors'"),
        (["introductions", "respond", "i-1", "m-1", "maybe"], "'answer'", "'decline'"),
        (["viz", "ecosystem", "--out", "x.html", "--group", "region"], "'--group'", "'subsector'"),
        (["keys", "create", "admin", "--name", "x"], "'role'", "'client'"),
    ):
        result = runner.invoke(app, args)
        text = " ".join(result.output.split())  # the error box wraps long lines
        assert result.exit_code == 2, (args, result.output)
        assert option in text and allowed in text, (args, result.output)
