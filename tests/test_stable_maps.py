"""Stable maps (issue 13, item 5) against the real Neo4j: the ecosystem map's positions are carried
from one graph version to the next, so only new or changed members move.

The rule is :func:`graph_service.web.maps.layout.carry_layout`'s (docs/viz.md, "Stable layout"):
removed members disappear, everyone else stays exactly where they were, newcomers are placed
next to their contacts with the rest fixed, the two members of a new or withdrawn tie move by at
most ``NUDGE`` pixels, and a graph without a kept layout gets the seeded one. The positions are
kept in Neo4j (``:MapLayout``), so a restart draws the same map.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterator
from typing import Any

import networkx as nx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graph_service.api.app import create_app
from graph_service.interchange import Document
from graph_service.services.layout import reset_layouts
from graph_service.services.views import ProjectionCache
from graph_service.settings import Settings
from graph_service.store import documents
from graph_service.store.database import Database
from graph_service.store.layout import get_layout
from graph_service.store.privacy import find_mentions
from graph_service.web.ecosystem import member_positions
from graph_service.web.maps.analyses import map_analyses
from graph_service.web.maps.layout import GAP, NUDGE, SPACING, carry_layout, community_layout, seeded_layout
from tests.factories import MANAGER

Positions = dict[str, tuple[float, float]]

DATA_BLOCK = re.compile(r'<script type="application/json" id="graph-data">(.*?)</script>', re.DOTALL)
NEAR = 3 * SPACING
"""A newcomer lands at most this far (pixels) from its contact."""


def cluster(seed: int = 42) -> Document:
    from seed.generator import generate_cluster

    return generate_cluster(60, seed)[0]


def positions(client: TestClient, url: str = "/viz/ecosystem") -> Positions:
    """The positions the ecosystem page draws (the map's data block)."""
    r = client.get(url)
    assert r.status_code == 200, r.text[:300]
    m = DATA_BLOCK.search(r.text)
    assert m, "no graph data block"
    return {n["id"]: (n["x"], n["y"]) for n in json.loads(m.group(1))["nodes"]}


def ties_of(db: Database) -> nx.Graph[str]:
    return map_analyses(ProjectionCache(db)).ties


def far_pair(T: nx.Graph[str], pos: Positions) -> tuple[str, str]:
    """Two members with ties of their own, not tied to each other, as far apart as the first
    such member has one."""
    tied = [n for n in sorted(T) if T.degree(n) >= 2]
    a = tied[0]
    b = max((n for n in tied if n != a and not T.has_edge(a, n)), key=lambda n: (math.dist(pos[a], pos[n]), n))
    return a, b


def add_tie(client: TestClient, a: str, b: str) -> None:
    r = client.post(f"/api/v1/members/{a}/ties", json={"other": b, "kind": "knows", "weight": 0.8,
                                                       "confirmed": True})
    assert r.status_code in (200, 201), r.text


def same_except(before: Positions, after: Positions, moving: set[str]) -> None:
    """Everyone but ``moving`` at exactly the same place; ``moving`` by at most NUDGE."""
    assert set(after) == set(before)
    unmoved = {n for n in before if n not in moving}
    assert {n: after[n] for n in unmoved} == {n: before[n] for n in unmoved}
    for n in moving:
        assert math.dist(before[n], after[n]) <= NUDGE, (n, before[n], after[n])


@pytest.fixture
def fresh(db: Database) -> Iterator[Database]:
    """The database with no kept layout (layouts are not cluster data: clearing the graph keeps
    them), and none left behind for the next test."""
    reset_layouts(db)
    yield db
    reset_layouts(db)


@pytest.fixture
def loaded(fresh: Database, client: TestClient) -> Iterator[TestClient]:
    documents.import_document(fresh, cluster(), replace=True)
    yield client


# -- a new graph -------------------------------------------------------------------------------------------


def test_a_graph_without_a_kept_layout_gets_the_seeded_layout(fresh: Database, loaded: TestClient) -> None:
    drawn = positions(loaded)
    data = map_analyses(ProjectionCache(fresh))
    T, where = data.ties, data.community_of
    # Exactly the layout the map had before it was stable: communities as groups, largest first.
    groups: dict[str, list[str]] = {}
    for n in sorted(T):
        groups.setdefault(where.get(n, n), []).append(n)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), g[0]))
    assert drawn == community_layout(T.subgraph(sorted(T)), ordered) == seeded_layout(T, T.nodes, where)
    kept = get_layout(fresh, "ecosystem")
    assert kept is not None and kept.positions == drawn and kept.version == fresh.version()
    assert kept.ties == {(u, v) if u < v else (v, u) for u, v in T.edges()}

    # A different cluster under the same ids is a new graph, not a new version: laid out afresh.
    documents.import_document(fresh, cluster(seed=7), replace=True)
    other = map_analyses(ProjectionCache(fresh))
    assert positions(loaded) == seeded_layout(other.ties, other.ties.nodes, other.community_of)


# -- a new tie ---------------------------------------------------------------------------------------------


def test_a_new_tie_moves_only_its_two_members_and_only_a_little(fresh: Database, loaded: TestClient) -> None:
    before = positions(loaded)
    a, b = far_pair(ties_of(fresh), before)
    add_tie(loaded, a, b)
    after = positions(loaded)
    same_except(before, after, {a, b})
    assert after[a] != before[a] or after[b] != before[b]
    assert math.dist(after[a], after[b]) < math.dist(before[a], before[b])  # towards each other

    # Withdrawn again: the two move again (a little), nobody else.
    assert loaded.delete(f"/api/v1/members/{a}/ties/{b}").status_code == 204
    withdrawn = positions(loaded)
    same_except(after, withdrawn, {a, b})

    # Deterministic: the same sequence of graph versions, from a new graph, gives the same maps.
    reset_layouts(fresh)
    documents.import_document(fresh, cluster(), replace=True)
    assert positions(loaded) == before
    add_tie(loaded, a, b)
    assert positions(loaded) == after


def test_a_version_that_changes_no_tie_moves_nobody(fresh: Database, loaded: TestClient) -> None:
    before = positions(loaded)
    kept = get_layout(fresh, "ecosystem")
    assert kept is not None
    r = loaded.patch("/api/v1/members/m-001", json={"description": "Now also does sound design."})
    assert r.status_code == 200, r.text
    assert fresh.version() > kept.version
    assert positions(loaded) == before
    again = get_layout(fresh, "ecosystem")
    assert again is not None and again.version == kept.version  # nothing to write


# -- members come and go -----------------------------------------------------------------------------------


def _new_member(client: TestClient, ident: str, subsector: str) -> None:
    r = client.post("/api/v1/members", json={"id": ident, "name": f"Newcomer {ident}", "subsectors": [subsector],
                                             "visibility": "members", "joined": "2025-06-01"})
    assert r.status_code == 201, r.text


def test_a_new_member_lands_next_to_its_contact_and_nobody_else_moves(fresh: Database, loaded: TestClient) -> None:
    before = positions(loaded)
    contact = sorted(ties_of(fresh))[0]
    _new_member(loaded, "m-900", "design")
    add_tie(loaded, "m-900", contact)
    after = positions(loaded)
    assert set(after) == set(before) | {"m-900"}
    assert {n: after[n] for n in before} == before
    assert math.dist(after["m-900"], after[contact]) <= NEAR
    assert min(math.dist(after["m-900"], xy) for n, xy in before.items()) >= GAP - 0.1

    # A newcomer drawn before its first tie waits on the row below the map, then joins its contact.
    other = sorted(ties_of(fresh))[-1]
    _new_member(loaded, "m-901", "music")
    waiting = positions(loaded)
    assert {n: waiting[n] for n in after} == after
    assert waiting["m-901"][1] > max(y for _x, y in after.values())
    add_tie(loaded, "m-901", other)
    joined = positions(loaded)
    assert {n: joined[n] for n in after} == after
    assert math.dist(joined["m-901"], joined[other]) <= NEAR


def test_an_erased_member_disappears_and_nobody_else_moves(fresh: Database, loaded: TestClient) -> None:
    before = positions(loaded)
    T = ties_of(fresh)
    gone = max(sorted(T), key=lambda n: T.degree(n))
    assert loaded.delete(f"/api/v1/members/{gone}").status_code == 204
    after = positions(loaded)
    assert set(after) == set(before) - {gone}
    assert after == {n: xy for n, xy in before.items() if n != gone}
    # The next map leaves no trace of the erased member in the kept layout.
    assert find_mentions(fresh, gone) == []


def test_an_erasure_takes_the_member_out_of_the_kept_layout_at_once(fresh: Database, loaded: TestClient) -> None:
    drawn = positions(loaded)
    gone = sorted(drawn)[0]
    assert loaded.delete(f"/api/v1/members/{gone}").status_code == 204
    assert find_mentions(fresh, gone) == []  # before any map is drawn again
    kept = get_layout(fresh, "ecosystem")
    assert kept is not None and kept.positions == {n: xy for n, xy in drawn.items() if n != gone}


# -- a restart ---------------------------------------------------------------------------------------------


def test_a_restart_draws_the_same_map(fresh: Database, loaded: TestClient, settings: Settings) -> None:
    positions(loaded)
    a, b = far_pair(ties_of(fresh), positions(loaded))
    add_tie(loaded, a, b)
    _new_member(loaded, "m-900", "gaming")
    add_tie(loaded, "m-900", a)
    drawn = positions(loaded)
    # Another service on the same database (a restart): the same positions, nothing recomputed afresh.
    with TestClient(create_app(settings, fresh), headers=MANAGER) as restarted:
        assert positions(restarted) == drawn
        gexf = restarted.get("/api/v1/export", params={"format": "gexf"})
        assert gexf.status_code == 200, gexf.text[:300]
    view = ProjectionCache(fresh)
    assert member_positions(view, map_analyses(view), view.current().members.nodes) == drawn
    G = nx.read_gexf(io.BytesIO(gexf.content))
    for n, (x, y) in drawn.items():
        p = G.nodes[n]["viz"]["position"]
        assert (p["x"], -p["y"]) == pytest.approx((x, y)), n


def test_each_role_keeps_its_own_layout(fresh: Database, loaded: TestClient, member_client: Any) -> None:
    manager_map = positions(loaded)
    doc = cluster()
    shown = next(m.id for m in doc.members if m.visibility in ("members", "public"))
    member_map = positions(member_client(shown))
    private = {m.id for m in doc.members if m.visibility == "private"}
    assert private and not private & set(member_map) and private <= set(manager_map)
    kept = get_layout(fresh, "ecosystem:member")
    assert kept is not None and kept.positions == member_map
    assert not private & {n for pair in kept.ties for n in pair}
    manager_kept = get_layout(fresh, "ecosystem")
    assert manager_kept is not None and manager_kept.positions == manager_map


def test_reset_layout_from_the_cli(fresh: Database, loaded: TestClient, cli: CliRunner) -> None:
    from graph_service.cli import app

    before = positions(loaded)
    a, b = far_pair(ties_of(fresh), before)
    add_tie(loaded, a, b)
    carried = positions(loaded)
    result = cli.invoke(app, ["viz", "reset-layout"])
    assert result.exit_code == 0, result.output
    assert "Forgot 1 kept map layout" in result.output
    assert get_layout(fresh, "ecosystem") is None
    # The next map is seeded again: the graph with the tie, laid out afresh.
    _new_member(loaded, "m-900", "design")  # a new version, so the page is drawn again
    data = map_analyses(ProjectionCache(fresh))
    assert positions(loaded) == seeded_layout(data.ties, data.ties.nodes, data.community_of) != carried


# -- the rule on hand-made graphs (no database) ------------------------------------------------------------


def _graph(edges: list[tuple[str, str]], nodes: tuple[str, ...] = ()) -> nx.Graph[str]:
    G: nx.Graph[str] = nx.Graph()
    G.add_nodes_from(nodes)
    G.add_edges_from(edges, weight=1.0)
    return G


def test_newcomers_tied_only_to_each_other_go_to_the_right_and_loners_below() -> None:
    ring = [(f"a{i}", f"a{(i + 1) % 8}") for i in range(8)]
    T = _graph(ring)
    where = {n: "c-1" for n in T}
    first = carry_layout(T, {}, (), where)
    assert first.fresh
    T2 = _graph(ring + [("b1", "b2"), ("b2", "b3")], nodes=("z",))
    where2 = {**where, "b1": "c-2", "b2": "c-2", "b3": "c-2", "z": "c-3"}
    second = carry_layout(T2, first.positions, T.edges(), where2)
    assert not second.fresh and second.placed == {"b1", "b2", "b3", "z"}
    assert {n: second.positions[n] for n in T} == first.positions
    right = max(x for x, _ in first.positions.values())
    assert all(second.positions[n][0] > right for n in ("b1", "b2", "b3"))
    bottom = max(y for _, y in second.positions.values())
    assert second.positions["z"][1] == bottom
    assert carry_layout(T2, second.positions, T2.edges(), where2).positions == second.positions


def test_a_mostly_new_graph_is_laid_out_afresh() -> None:
    T = _graph([("a", "b"), ("b", "c")])
    where = {"a": "c-1", "b": "c-1", "c": "c-1"}
    first = carry_layout(T, {}, (), where)
    bigger = _graph([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e"), ("e", "f"), ("f", "g")])
    where2 = {n: "c-1" for n in bigger}
    again = carry_layout(bigger, first.positions, T.edges(), where2)
    assert again.fresh and again.positions == seeded_layout(bigger, bigger.nodes, where2)
