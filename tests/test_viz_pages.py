"""The HTML pages over HTTP (TestClient) against the real database: status, Content-Security-Policy,
no reference to another host, user text escaped, proposed ties validated, aggregation above the
size limit, and the standalone files the CLI writes. The browser tests are in tests/browser/."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graph_service.api.app import create_app
from graph_service.services import analyses
from graph_service.services.views import GraphView, Projection, project
from graph_service.services.visibility import MANAGER_VIEW, Viewer
from graph_service.settings import Settings
from graph_service.store.database import Database
from graph_service.web.colours import NO_TIES_COLOUR, SUBSECTOR_COLOURS
from graph_service.web.ecosystem import ecosystem_page
from graph_service.web.member import member_page
from graph_service.web.pages import CSP, json_for_html
from tests.factories import MANAGER

HOSTILE = "<script>alert(1)</script> & <img src=x onerror=alert(2)>"
SCRIPT_RAW = "<script>alert(1)</script>"
IMG_RAW = "<img src=x onerror=alert(2)>"

EXTERNAL_REF = re.compile(
    r"""(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//""", re.IGNORECASE
)
DATA_BLOCK = re.compile(r'<script type="application/json" id="graph-data">(.*?)</script>', re.DOTALL)


def _member(ident: str, subsector: str, name: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": ident,
        "name": name or f"Member {ident}",
        "subsectors": [subsector],
        "skills": [],
        "visibility": "members",
        "joined": "2020-01-01",
        **extra,
    }


def _knows(a: str, b: str, w: float = 0.8) -> dict[str, Any]:
    return {"source": a, "target": b, "kind": "knows", "weight": w}


def small_cluster() -> dict[str, Any]:
    """Design (d1, d2 and the hostile-named ``h``, their only link to the rest), gaming (g1-g3 and
    the private ``p``), music (s1, s2) and ``z`` (literature) without any tie."""
    members = [
        _member("d1", "design"),
        _member("d2", "design"),
        _member("g1", "gaming"),
        _member("g2", "gaming"),
        _member("g3", "gaming"),
        _member("s1", "music", joined="2024-06-01"),
        _member("s2", "music", joined="2024-06-01"),
        _member("h", "design", HOSTILE, visibility="public", description=HOSTILE),
        _member("p", "gaming", "Private Person", visibility="private"),
        _member("z", "literature", "Zoe Alone", joined="2025-02-01"),
    ]
    ties = [
        _knows("d1", "h"),
        _knows("d2", "h"),
        _knows("h", "g1"),
        _knows("g1", "g2"),
        _knows("g2", "g3"),
        _knows("g1", "g3"),
        _knows("g3", "p"),
        _knows("s1", "s2"),
        _knows("s1", "g2", 0.4),
    ]
    intros = [
        {
            "id": "i-1",
            "a": "d1",
            "b": "g2",
            "facilitator": "manager",
            "date": "2025-03-01",
            "status": "no-follow-up",
        },
        {
            "id": "i-2",
            "a": "d2",
            "b": "s2",
            "facilitator": "manager",
            "date": "2025-04-01",
            "status": "proposed",
        },
    ]
    return {"members": members, "ties": ties, "introductions": intros}


def _load(client: TestClient, doc: dict[str, Any]) -> None:
    r = client.post("/api/v1/import", json=doc, params={"replace": True})
    assert r.status_code == 200, r.text


def _data(html: str) -> dict[str, Any]:
    m = DATA_BLOCK.search(html)
    assert m, "no graph data block"
    return json.loads(m.group(1))


def _assert_safe_page(r: Any) -> str:
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    html = r.text
    assert not EXTERNAL_REF.search(html), EXTERNAL_REF.search(html)
    assert "://" not in html  # no absolute URL at all, not even in text
    # Served pages carry no inline script: only same-origin files and a JSON data block.
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert 'src="/viz/assets/' in tag or 'type="application/json"' in tag, tag
    assert SCRIPT_RAW not in html and IMG_RAW not in html
    return html


@pytest.fixture
def loaded(client: TestClient) -> TestClient:
    _load(client, small_cluster())
    return client


PAGES = [
    "/viz/ecosystem",
    "/viz/ecosystem?aggregate=true",
    "/viz/ecosystem?aggregate=true&group=subsector",
    "/viz/ecosystem?community=c-1",
    "/viz/ecosystem?subsector=gaming",
    "/viz/ecosystem?proposed=d1:s2,z:g3",
    "/viz/members/h",
    "/viz/members/g1?hops=2",
    "/viz/members/d1?proposed=d1:s2",
    "/viz/subsectors",
    "/viz/paths/d1/g3",
    "/viz/paths/d1/z",
    "/report",
    "/report?since=2024-01-01",
    "/members-app",
    "/explore",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_is_served_with_a_strict_policy_and_nothing_external(loaded: TestClient, url: str) -> None:
    _assert_safe_page(loaded.get(url))


@pytest.mark.parametrize(
    "url",
    [
        "/viz/ecosystem",
        "/viz/ecosystem?aggregate=true",
        "/viz/subsectors",
        "/report",
        "/report?since=2024-01-01",
    ],
)
def test_pages_of_an_empty_cluster(client: TestClient, url: str) -> None:
    _assert_safe_page(client.get(url))


def test_ecosystem_map_data(loaded: TestClient) -> None:
    html = _assert_safe_page(loaded.get("/viz/ecosystem"))
    data = _data(html)
    assert data["kind"] == "ecosystem"
    assert data["options"]["physics"]["enabled"] is False  # positions come from the server, nothing moves
    nodes = {n["id"]: n for n in data["nodes"]}
    assert set(nodes) == {"d1", "d2", "g1", "g2", "g3", "s1", "s2", "h", "p", "z"}
    assert all(isinstance(n["x"], float | int) and isinstance(n["y"], float | int) for n in nodes.values())
    # Sized by brokerage: the only bridge between design and gaming has the largest betweenness.
    assert max(nodes, key=lambda n: nodes[n]["value"]) in {"h", "g1"}
    assert nodes["h"]["value"] > nodes["d1"]["value"] == 0
    assert nodes["h"]["color"] == SUBSECTOR_COLOURS["design"]
    assert set(data["colourings"]) == {"subsector", "community"}
    assert data["colourings"]["community"]["colours"]["z"] == NO_TIES_COLOUR
    assert len(data["edges"]) == 9
    assert "title" not in json.dumps(data["nodes"])  # tooltips are built in the browser with textContent
    # The hostile name travels as escaped JSON only.
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in html
    assert data["meta"]["h"]["n"] == HOSTILE
    assert nodes["h"]["label"].startswith("<script>")  # drawn on the canvas, never parsed as HTML
    # Same layout on every request (seeded, memoised per graph version).
    again = _data(loaded.get("/viz/ecosystem").text)
    assert [(n["x"], n["y"]) for n in again["nodes"]] == [(n["x"], n["y"]) for n in data["nodes"]]


def test_report_escapes_user_text_and_has_every_section(loaded: TestClient) -> None:
    html = _assert_safe_page(loaded.get("/report", params={"since": "2024-01-01"}))
    for section in ("headline", "isolation", "matrix", "brokers", "communities", "introductions", "change"):
        assert f'id="{section}"' in html
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(2)&gt;" in html
    )  # a top broker
    assert html.count("<svg") >= 3  # E-I bars, introductions per month, then vs now
    assert "@media print" not in html  # the print stylesheet is in /viz/assets/site.css
    css = loaded.get("/viz/assets/site.css")
    assert css.status_code == 200 and "@media print" in css.text
    # then: 7 members joined before 2024 (d1, d2, g1, g2, g3, h, p); now 10
    change = html[html.index('id="change"') :]
    assert re.search(r"<td>members</td><td class=\"num\">7</td><td class=\"num\">10</td>", change)


def test_report_refuses_a_bad_date(loaded: TestClient) -> None:
    assert loaded.get("/report", params={"since": "yesterday"}).status_code == 422


def test_proposed_ties_are_dashed_overlays(loaded: TestClient) -> None:
    data = _data(loaded.get("/viz/ecosystem", params={"proposed": "d1:s2, z:g3"}).text)
    overlay = [e for e in data["edges"] if str(e["id"]).startswith("o")]
    assert {(e["from"], e["to"]) for e in overlay} == {("d1", "s2"), ("z", "g3")}
    assert all(e["dashes"] for e in overlay)
    assert any(x["label"] == "Proposed introduction (2)" for x in data["legend_extra"])
    # On a member map, a proposed partner outside the neighbourhood is added next to it.
    member = _data(loaded.get("/viz/members/d1", params={"proposed": "d1:s2"}).text)
    assert "s2" in {n["id"] for n in member["nodes"]}
    assert any(e["dashes"] for e in member["edges"] if str(e["id"]).startswith("o"))


@pytest.mark.parametrize(
    "proposed, message",
    [
        ("d1-s2", "not a pair"),
        ("d1:nobody", "unknown member 'nobody'"),
        ("d1:d1", "itself"),
        ("d1:<script>", "not a pair"),
    ],
)
def test_proposed_ties_are_validated(loaded: TestClient, proposed: str, message: str) -> None:
    r = loaded.get("/viz/ecosystem", params={"proposed": proposed})
    assert r.status_code == 422
    assert message in unescape(r.text)  # an HTML error page: the message, escaped


def test_member_map_hides_private_profiles_and_checks_its_parameters(loaded: TestClient,
                                                                    member_client) -> None:  # type: ignore[no-untyped-def]
    data = _data(member_client("g1").get("/viz/members/g3").text)
    ids = {n["id"] for n in data["nodes"]}
    assert ids == {"g3", "g1", "g2"}  # p is private: a member never sees it
    assert "p" in {n["id"] for n in _data(loaded.get("/viz/members/g3").text)["nodes"]}  # the manager does
    two = {n["id"] for n in _data(loaded.get("/viz/members/d1?hops=2").text)["nodes"]}
    assert two == {"d1", "d2", "h", "g1"}
    assert loaded.get("/viz/members/d1?hops=3").status_code == 422
    assert loaded.get("/viz/members/nobody").status_code == 404


def _notes(html: str) -> list[str]:
    return re.findall(r'<p class="note">(.*?)</p>', html)


def test_paths_page_highlights_paths(loaded: TestClient) -> None:
    data = _data(loaded.get("/viz/paths/d1/g3").text)
    labelled = [e for e in data["edges"] if e.get("label") == "#1"]
    assert [(e["from"], e["to"]) for e in labelled] == [("d1", "h"), ("h", "g1"), ("g1", "g3")]
    none = loaded.get("/viz/paths/d1/z")
    assert "No path of at most 4 hops" in none.text
    assert loaded.get("/viz/paths/d1/nobody").status_code == 404


def test_subsectors_map_marks_isolated_subsectors(loaded: TestClient) -> None:
    data = _data(loaded.get("/viz/subsectors").text)
    assert len(data["nodes"]) == 12
    isolated = {k for k, m in data["meta"].items() if m.get("isolated")}
    # music: 1 tie inside, 1 outside -> E-I 0; literature: a member, no tie at all.
    assert isolated == {"literature"}
    assert {(e["from"], e["to"]) for e in data["edges"]} == {("design", "gaming"), ("gaming", "music")}


def test_assets_are_a_fixed_list(loaded: TestClient) -> None:
    js = loaded.get("/viz/assets/vis-network.min.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert loaded.get("/viz/assets/map.js").status_code == 200
    assert loaded.get("/viz/assets/explore.js").status_code == 200
    assert loaded.get("/viz/assets/vis-network.css").headers["content-type"].startswith("text/css")
    for bad in ("nothing.js", "..%2F..%2Fsettings.py", "%2Fetc%2Fpasswd"):
        assert loaded.get(f"/viz/assets/{bad}").status_code == 404


def test_the_aggregate_view_above_the_threshold(db: Database, settings: Settings) -> None:
    small = settings.model_copy(update={"viz_aggregate_threshold": 5})
    with TestClient(create_app(small, db), headers=MANAGER) as client:
        _load(client, small_cluster())
        data = _data(_assert_safe_page(client.get("/viz/ecosystem")))
        assert data["kind"] == "aggregate"
        assert all(n["id"].startswith("g:") for n in data["nodes"])
        assert all(v.startswith("/viz/ecosystem?community=") for v in data["links"].values())


@pytest.fixture
def big_client(db: Database, settings: Settings) -> Iterator[TestClient]:
    from seed.generator import generate_cluster

    doc, _facts = generate_cluster(members=2500, seed=42)
    with TestClient(create_app(settings, db), headers=MANAGER) as client:
        _load(client, doc.model_dump(mode="json", exclude_none=True))
        yield client


def test_a_2500_member_cluster_shows_groups_with_a_drill_down(big_client: TestClient) -> None:
    r = big_client.get("/viz/ecosystem")
    html = _assert_safe_page(r)
    data = _data(html)
    assert data["kind"] == "aggregate"
    assert len(html) < 300_000  # a few dozen group nodes, not 2,500 members
    communities = big_client.get("/api/v1/analytics/communities").json()["communities"]
    multi = [c for c in communities if c["size"] > 1]
    assert {n["id"] for n in data["nodes"]} == {f"g:{c['id']}" for c in multi}
    assert data["links"]["g:c-1"] == "/viz/ecosystem?community=c-1"
    # Drill down: the largest community's members, every one of them, and nobody else.
    drill = _data(_assert_safe_page(big_client.get(data["links"]["g:c-1"])))
    assert drill["kind"] == "ecosystem"
    assert {n["id"] for n in drill["nodes"]} == set(multi[0]["members"])
    by_subsector = _data(_assert_safe_page(big_client.get("/viz/ecosystem?aggregate=true&group=subsector")))
    assert len(by_subsector["nodes"]) == 12
    sub = _data(_assert_safe_page(big_client.get("/viz/ecosystem?subsector=literature")))
    assert sub["kind"] == "ecosystem" and 0 < len(sub["nodes"]) < 2000
    assert big_client.get("/viz/ecosystem?community=c-99999").status_code == 404


# -- standalone files (the CLI) ---------------------------------------------------------------------


def _assert_standalone(html: str) -> None:
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    assert meta and "default-src 'none'" in unescape(meta.group(1))
    assert "script-src 'nonce-" in unescape(meta.group(1))
    assert "/viz/assets/" not in html
    # Nothing to fetch: no src or href on a script, link, img or iframe, but for data: URLs.
    fetches = r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*(?![\"']?data:)"
    assert not re.search(fetches, html, re.IGNORECASE)
    assert SCRIPT_RAW not in html and IMG_RAW not in html


def test_cli_writes_standalone_pages(loaded: TestClient, cli: CliRunner, tmp_path: Path) -> None:
    from graph_service.cli import app

    runner = cli
    commands = {
        "ecosystem.html": ["viz", "ecosystem", "--proposed", "d1:s2"],
        "member.html": ["viz", "member", "h", "--hops", "2"],
        "subsectors.html": ["viz", "subsectors"],
        "path.html": ["viz", "path", "d1", "g3"],
        "report.html": ["report", "--since", "2024-01-01"],
    }
    for name, args in commands.items():
        out = tmp_path / name
        result = runner.invoke(app, [*args, "--out", str(out)])
        assert result.exit_code == 0, result.output
        html = out.read_text(encoding="utf-8")
        _assert_standalone(html)
    member = _data((tmp_path / "member.html").read_text(encoding="utf-8"))
    assert "p" not in {n["id"] for n in member["nodes"]}  # p is not within two hops of h
    assert member["links"] == {}  # no links back to a service that is not there
    manager_view = _data((tmp_path / "path.html").read_text(encoding="utf-8"))
    assert manager_view["kind"] == "paths"
    bad = runner.invoke(app, ["viz", "member", "nobody", "--out", str(tmp_path / "x.html")])
    assert bad.exit_code == 1 and "nobody" in bad.output


def test_json_for_html_cannot_close_its_element() -> None:
    text = str(json_for_html({"n": "</script><!-- <script> & \u2028"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"n": "</script><!-- <script> & \u2028"}


def test_team_overlay_highlights_the_proposed_team(client) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import small_document

    assert client.post("/api/v1/import", json=small_document(), params={"replace": True}).status_code == 200
    r = client.get("/viz/ecosystem", params={"team": "m-001,m-003"})
    assert r.status_code == 200 and "Proposed team" in r.text
    bad = client.get("/viz/ecosystem", params={"team": "m-001,m-404"})
    assert bad.status_code == 422 and "m-404" in bad.text


# -- one betweenness policy -------------------------------------------------------------------------


class _FixedView(GraphView):
    """The manager's view of one fixed projection (no database): enough for the maps and analyses."""

    viewer = MANAGER_VIEW

    def __init__(self, projection: Projection) -> None:
        super().__init__(memo_size=64)
        self._projection = projection
        self._advance(projection, None)  # the memo's stamp: this projection, read whole

    def current(self) -> Projection:
        return self._projection

    def view(self, viewer: Viewer) -> GraphView:
        return self


@pytest.mark.parametrize("exact_limit", [5_000, 40], ids=["exact", "kadabra"])
def test_map_node_sizes_are_the_betweenness_of_the_bridges_answer(
    monkeypatch: pytest.MonkeyPatch, exact_limit: int
) -> None:
    """The maps and /analytics/bridges share one betweenness policy (exact up to the policy's
    limit, then KADABRA's estimate with its bound): on the same graph the map sizes every member
    by the betweenness the bridges answer gives them, so both rank the brokers alike. The second
    case lowers the limit to reach the estimated regime on a small graph."""
    from seed.generator import generate_cluster

    policy = analyses.BetweennessPolicy(exact_limit=exact_limit, epsilon=0.01, delta=0.1)
    monkeypatch.setattr(analyses, "betweenness_policy", lambda: policy)
    doc, _facts = generate_cluster(members=60, seed=42)
    view = _FixedView(project(1, doc))
    members = sorted(view.current().members.nodes)
    estimated = len(members) > exact_limit

    answer = analyses.bridges(view, limit=len(members))
    assert answer.betweenness_method == ("kadabra" if estimated else "exact")
    assert answer.betweenness_sampled_sources is None
    policy_values = analyses.betweenness(view)
    assert (policy_values.epsilon is not None) == estimated
    assert dict(policy_values.values) == {b.id: b.betweenness for b in answer.items}  # the same numbers
    assert (answer.betweenness_note or "").startswith("approximate: each value within ±") == estimated

    page = ecosystem_page(view)
    size = {n["id"]: n["value"] for n in page.net.nodes}
    assert set(size) == set(members)
    by_bridges = {b.id: b.betweenness for b in answer.items}
    assert size == {m: round(1000 * by_bridges[m], 3) for m in members}
    # The brokers' order: the bridges answer's, and the map's node sizes (ties broken by id).
    assert [m for m in sorted(members, key=lambda m: (-size[m], m)) if size[m] > 0] == [
        b.id for b in answer.items if round(1000 * b.betweenness, 3) > 0
    ]
    assert ("approximate: each value within ±" in page.size_note) == estimated
    # A member's map sizes the people around them by the same numbers (the centre is drawn largest).
    top = answer.items[0].id
    around = {n["id"]: n["value"] for n in member_page(view, top, hops=2).net.nodes if n["id"] != top}
    assert around and around == {m: size[m] for m in around}
