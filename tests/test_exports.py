"""Exports against the real database, each read back by an independent reader: networkx's GEXF and
GraphML readers, igraph's GraphML reader, openpyxl for the workbook and ``csv`` for the members."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path

import igraph
import networkx as nx
import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graph_service.cli import app as cli_app
from graph_service.interchange import parse_document
from graph_service.services.imports import CSV_COLUMNS
from graph_service.services.views import ProjectionCache
from graph_service.store import documents
from graph_service.store.database import Database
from graph_service.web import exports
from graph_service.web.colours import OTHER_COLOUR, SUBSECTOR_COLOURS
from graph_service.web.ecosystem import ecosystem_page
from tests.factories import small_document

MemberClient = Callable[[str], TestClient]
TODAY = dt.date.today().isoformat()


@pytest.fixture
def loaded(client: TestClient) -> TestClient:
    assert client.post("/api/v1/import", json=small_document()).status_code == 200
    return client


def _get(client: TestClient, fmt: str) -> bytes:
    r = client.get("/api/v1/export", params={"format": fmt})
    assert r.status_code == 200, r.text
    return r.content


def _hex(rgb: dict[str, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(rgb["r"], rgb["g"], rgb["b"])


# -- formats, content types, file names ---------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "media_type"), [
    ("json", "application/json"),
    ("csv", "text/csv; charset=utf-8"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("gexf", "application/gexf+xml"),
    ("graphml", "application/graphml+xml"),
])
def test_content_type_and_file_name(loaded: TestClient, fmt: str, media_type: str) -> None:
    r = loaded.get("/api/v1/export", params={"format": fmt})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == media_type
    assert r.headers["content-disposition"] == f'attachment; filename="cluster-{TODAY}.{fmt}"'


def test_json_is_the_interchange_document_as_before(loaded: TestClient, db: Database) -> None:
    default = loaded.get("/api/v1/export")
    assert default.headers["content-type"] == "application/json"
    assert default.json() == documents.export_document(db).model_dump(mode="json")
    assert loaded.get("/api/v1/export", params={"format": "json"}).json() == default.json()


def test_an_unknown_format_is_a_422_naming_the_allowed_ones(loaded: TestClient) -> None:
    r = loaded.get("/api/v1/export", params={"format": "pdf"})
    assert r.status_code == 422
    text = r.text
    for fmt in exports.FORMATS:
        assert f"'{fmt}'" in text, text


def test_openapi_documents_the_formats(client: TestClient) -> None:
    op = client.get("/openapi.json").json()["paths"]["/api/v1/export"]["get"]
    content = op["responses"]["200"]["content"]
    assert set(content) >= {"application/json", "text/csv", "application/gexf+xml", "application/graphml+xml",
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    fmt = next(p for p in op["parameters"] if p["name"] == "format")
    assert fmt["schema"]["enum"] == list(exports.FORMATS)
    assert {"403", "422"} <= set(op["responses"])


# -- GEXF ------------------------------------------------------------------------------------------------


def test_gexf_read_back_by_networkx(loaded: TestClient) -> None:
    body = _get(loaded, "gexf")
    assert b'xmlns="http://gexf.net/1.3"' in body and b'version="1.3"' in body
    assert b'xmlns:viz="http://gexf.net/1.3/viz"' in body
    G = nx.read_gexf(io.BytesIO(body))
    assert sorted(G.nodes) == ["m-001", "m-002", "m-003", "m-004", "o-01"]
    first = G.nodes["m-001"]
    assert first["label"] == first["name"] == "Atelier Weber"
    assert first["kind"] == "company" and first["node_type"] == "member"
    assert first["subsector"] == "Architecture" and first["subsector_id"] == "architecture"
    assert first["subsectors"] == "architecture;design"
    assert G.nodes["o-01"]["node_type"] == "organisation" and G.nodes["o-01"]["cluster"] == "automobility"

    # the communities and brokerage the analytics answer
    communities = loaded.get("/api/v1/analytics/communities").json()["communities"]
    expected = {m: c["id"] for c in communities for m in c["members"]}
    assert {n: G.nodes[n]["community"] for n in expected} == expected
    brokers = loaded.get("/api/v1/analytics/bridges", params={"limit": 4}).json()["items"]
    assert len(brokers) == 4
    for b in brokers:
        d = G.nodes[b["id"]]
        assert d["betweenness"] == pytest.approx(b["betweenness"])
        if b["constraint"] is not None:
            assert d["constraint"] == pytest.approx(b["constraint"])
        assert d["role"] in ("none", "coordinator", "consultant", "gatekeeper", "representative", "liaison")
    assert G.nodes["m-001"]["role"] != "none"  # m-001 brokers between architecture, gaming and design

    # the map's look: colours by subsector, positions, sizes from brokerage
    for n, d in G.nodes(data=True):
        viz = d["viz"]
        assert set(viz) >= {"color", "position", "size"}
        colour = SUBSECTOR_COLOURS[d["subsector_id"]] if d["node_type"] == "member" else OTHER_COLOUR
        assert _hex(viz["color"]) == colour == d["colour"], n
    sizes = {n: d["viz"]["size"] for n, d in G.nodes(data=True) if d["node_type"] == "member"}
    top = max(sizes, key=lambda n: G.nodes[n]["betweenness"])
    assert sizes[top] == max(sizes.values()) > min(sizes.values())

    # ties as weighted edges (co-attendance alone is not a tie)
    assert G.number_of_edges() == 4
    assert G.edges["m-001", "m-002"]["weight"] == pytest.approx(0.9)
    assert G.edges["m-001", "m-002"]["kinds"] == "knows"
    assert G.edges["m-004", "o-01"]["confirmed"] is True


def test_gexf_looks_like_the_ecosystem_map(db: Database) -> None:
    from seed.generator import generate_cluster

    doc, _facts = generate_cluster(members=60, seed=7)
    documents.import_document(db, doc, replace=True)
    view = ProjectionCache(db)
    page = ecosystem_page(view, threshold=10_000, aggregate=False)
    G = nx.read_gexf(io.BytesIO(exports.to_gexf(exports.gather(view))))
    drawn = {node["id"]: node for node in page.net.nodes}
    assert set(drawn) == {n for n, t in G.nodes(data="node_type") if t == "member"}
    for n, node in drawn.items():
        viz = G.nodes[n]["viz"]
        assert (viz["position"]["x"], -viz["position"]["y"]) == pytest.approx((node["x"], node["y"])), n
        assert _hex(viz["color"]) == node["color"]


# -- GraphML ---------------------------------------------------------------------------------------------


def test_graphml_read_back_by_networkx_and_igraph(loaded: TestClient, tmp_path: Path) -> None:
    body = _get(loaded, "graphml")
    assert b'attr.name="betweenness" attr.type="double"' in body
    G = nx.read_graphml(io.BytesIO(body))
    assert sorted(G.nodes) == ["m-001", "m-002", "m-003", "m-004", "o-01"]
    d = G.nodes["m-002"]
    assert d["name"] == "Pixel Kayl" and d["subsector"] == "Gaming" and d["kind"] == "freelancer"
    assert isinstance(d["betweenness"], float) and d["community"].startswith("c-")
    assert d["colour"] == SUBSECTOR_COLOURS["gaming"] and {"x", "y", "size", "r", "g", "b"} <= set(d)
    assert G.edges["m-002", "m-003"]["weight"] == pytest.approx(0.88)

    gexf = nx.read_gexf(io.BytesIO(_get(loaded, "gexf")))
    for n in G.nodes:  # the same attributes as the GEXF
        same = {k: v for k, v in gexf.nodes[n].items() if k not in ("viz", "label")}
        for k, v in same.items():
            assert G.nodes[n][k] == (pytest.approx(v) if isinstance(v, float) else v), (n, k)

    path = tmp_path / "cluster.graphml"
    path.write_bytes(body)
    ig = igraph.Graph.Read_GraphML(str(path))
    assert ig.vcount() == 5 and ig.ecount() == 4 and not ig.is_directed()
    by_id = {v["id"]: v for v in ig.vs}
    assert by_id["m-001"]["name"] == "Atelier Weber"
    assert by_id["m-001"]["subsector_id"] == "architecture"
    assert by_id["m-001"]["betweenness"] == pytest.approx(G.nodes["m-001"]["betweenness"])
    assert sorted(ig.es["weight"]) == pytest.approx([0.5, 0.88, 0.9, 1.0])


# -- CSV -------------------------------------------------------------------------------------------------


def test_csv_has_the_import_columns_and_imports_back_unchanged(loaded: TestClient) -> None:
    body = _get(loaded, "csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [r["id"] for r in rows] == ["m-001", "m-002", "m-003", "m-004"]
    assert rows[0]["name"] == "Atelier Weber"
    assert rows[0]["subsectors"] == "architecture;design" and rows[0]["languages"] == "lb;fr"
    assert rows[0]["joined"] == "2019-03-01" and rows[2]["visibility"] == "private"

    before = loaded.get("/api/v1/export").json()
    r = loaded.post("/api/v1/import", content=body, headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    assert loaded.get("/api/v1/export").json() == before
    assert _get(loaded, "csv") == body


# -- Excel -----------------------------------------------------------------------------------------------


def test_xlsx_has_one_sheet_per_kind(loaded: TestClient) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(_get(loaded, "xlsx")))
    assert wb.sheetnames == list(exports.SHEETS)
    rows = {name: [list(r) for r in wb[name].iter_rows(values_only=True)] for name in wb.sheetnames}
    assert tuple(rows["members"][0]) == CSV_COLUMNS
    members = [dict(zip(CSV_COLUMNS, r, strict=True)) for r in rows["members"][1:]]
    assert [m["id"] for m in members] == ["m-001", "m-002", "m-003", "m-004"]
    assert members[0]["subsectors"] == "architecture;design"
    assert members[0]["joined"] == dt.datetime(2019, 3, 1)

    csv_rows = list(csv.reader(io.StringIO(_get(loaded, "csv").decode("utf-8"), newline="")))
    for xl, text in zip(rows["members"], csv_rows, strict=True):  # the same columns and values as the CSV
        assert [("" if v is None else v.date().isoformat() if isinstance(v, dt.datetime) else str(v))
                for v in xl] == text

    ties = [dict(zip(rows["ties"][0], r, strict=True)) for r in rows["ties"][1:]]
    assert {(t["source"], t["target"], t["kind"]) for t in ties} == {
        ("m-001", "m-002", "knows"), ("m-002", "m-003", "knows"),
        ("m-001", "m-004", "collaborated"), ("m-004", "o-01", "knows")}
    # Names beside the ids, for people (the import ignores them: the round trip holds, see test_spreadsheets).
    assert rows["ties"][0][:4] == ["source", "source_name", "target", "target_name"]
    named = {(t["source_name"], t["target_name"]) for t in ties}
    assert ("Atelier Weber", "Pixel Kayl") in named and ("1535 Hub", "Moselle Mobility Systems") in named
    projects = [dict(zip(rows["projects"][0], r, strict=True)) for r in rows["projects"][1:]]
    assert projects[0]["team"] == "m-002;m-003" and "requires" in projects[0]
    assert projects[0]["team_names"] == "Pixel Kayl;Sonic Moselle"
    events = [dict(zip(rows["events"][0], r, strict=True)) for r in rows["events"][1:]]
    assert events[0]["attendees"] == "m-001;m-002;m-004"
    assert events[0]["attendee_names"] == "Atelier Weber;Pixel Kayl;1535 Hub"
    assert rows["organisations"][1][:3] == ["o-01", "Moselle Mobility Systems", "automobility"]


def test_the_name_columns_are_ignored_on_import(loaded: TestClient) -> None:
    """Names beside ids are for people: a workbook whose name cells are wrong, or empty, imports as
    its ids say, with no problem and no change."""
    before = loaded.get("/api/v1/export").json()
    wb = openpyxl.load_workbook(io.BytesIO(_get(loaded, "xlsx")))
    for title, column in (("ties", "source_name"), ("ties", "target_name"), ("projects", "team_names"),
                          ("events", "attendee_names")):
        ws = wb[title]
        k = [c.value for c in ws[1]].index(column)
        for row in ws.iter_rows(min_row=2):
            row[k].value = "Somebody Else" if title == "ties" else None
    buffer = io.BytesIO()
    wb.save(buffer)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    r = loaded.post("/api/v1/import", content=buffer.getvalue(), headers={"Content-Type": xlsx})
    assert r.status_code == 200, r.text
    after = loaded.get("/api/v1/export").json()
    assert after == before


def test_ties_and_introductions_tables_carry_names(loaded: TestClient) -> None:
    projection = ProjectionCache(loaded.app.state.db)  # type: ignore[attr-defined]  # the app of the TestClient
    doc = projection.current().document
    ties = list(csv.DictReader(io.StringIO(exports.table_csv(doc, "ties").decode("utf-8"), newline="")))
    assert list(ties[0]) == list(exports.TIE_CSV_COLUMNS)
    first = next(t for t in ties if (t["source"], t["target"]) == ("m-001", "m-002"))
    assert (first["source_name"], first["target_name"], first["weight"], first["confirmed"]) == (
        "Atelier Weber", "Pixel Kayl", "0.8", "true")
    intros = list(csv.DictReader(io.StringIO(exports.table_csv(doc, "introductions").decode("utf-8"), newline="")))
    assert list(intros[0]) == list(exports.INTRODUCTION_CSV_COLUMNS)
    assert (intros[0]["a_name"], intros[0]["b_name"], intros[0]["facilitator_name"]) == (
        "Atelier Weber", "Sonic Moselle", "Cluster manager")


# -- consent ---------------------------------------------------------------------------------------------


def test_a_member_export_leaves_out_private_members(loaded: TestClient, member_client: MemberClient,
                                                    app_client: TestClient) -> None:
    me = member_client("m-001")
    assert me.get("/api/v1/export", params={"format": "json"}).status_code == 403
    assert me.get("/api/v1/export").status_code == 403  # json is the default
    rows = list(csv.DictReader(io.StringIO(_get(me, "csv").decode("utf-8"), newline="")))
    assert [r["id"] for r in rows] == ["m-001", "m-002", "m-004"]  # m-003 is private
    G = nx.read_gexf(io.BytesIO(_get(me, "gexf")))
    assert "m-003" not in G and "m-002" in G
    assert not G.has_edge("m-002", "m-003")
    H = nx.read_graphml(io.BytesIO(_get(me, "graphml")))
    assert set(H.nodes) == set(G.nodes)
    wb = openpyxl.load_workbook(io.BytesIO(_get(me, "xlsx")))
    sheet_ids = [r[0] for r in wb["members"].iter_rows(min_row=2, values_only=True)]
    assert sheet_ids == ["m-001", "m-002", "m-004"]
    teams = [r for r in wb["projects"].iter_rows(min_row=2, values_only=True)]
    assert all("m-003" not in str(cell) for row in teams for cell in row)

    website = [r["id"] for r in csv.DictReader(io.StringIO(_get(app_client, "csv").decode("utf-8")))]
    assert website == ["m-001", "m-004"]  # a client application: public members only

    everything = [r["id"] for r in csv.DictReader(io.StringIO(_get(loaded, "csv").decode("utf-8")))]
    assert everything == ["m-001", "m-002", "m-003", "m-004"]  # the manager


# -- the CLI ---------------------------------------------------------------------------------------------


def test_cli_export_formats(cli: CliRunner, db: Database, tmp_path: Path) -> None:
    documents.import_document(db, parse_document(small_document()))
    out = tmp_path / "network.xml"
    result = cli.invoke(cli_app, ["export", str(out), "--format", "gexf"])
    assert result.exit_code == 0, result.output
    G = nx.read_gexf(out)
    assert sorted(G.nodes) == ["m-001", "m-002", "m-003", "m-004", "o-01"]
    assert "position" in G.nodes["m-001"]["viz"]

    by_extension = tmp_path / "cluster.graphml"
    assert cli.invoke(cli_app, ["export", str(by_extension)]).exit_code == 0
    assert nx.read_graphml(by_extension).number_of_nodes() == 5
    sheet = tmp_path / "cluster.xlsx"
    assert cli.invoke(cli_app, ["export", str(sheet)]).exit_code == 0
    assert openpyxl.load_workbook(sheet).sheetnames == list(exports.SHEETS)
    plain = tmp_path / "cluster.txt"  # no known extension: json
    assert cli.invoke(cli_app, ["export", str(plain)]).exit_code == 0
    assert len(json.loads(plain.read_text(encoding="utf-8"))["members"]) == 4
    bad = cli.invoke(cli_app, ["export", str(plain), "--format", "pdf"])
    assert bad.exit_code == 2
