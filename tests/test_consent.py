"""Consent, closed by default: who appears in (and shapes) the answers each viewer gets.

Small hand-built graphs on the real database. The services are asked through
``ProjectionCache.view(Viewer(...))``, the way the routes ask them; the tie endpoints are asked
over HTTP as the manager (member-role HTTP tests live with the authentication tests).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph_service.errors import Forbidden, NotFound
from graph_service.interchange import (
    Document,
    EventRecord,
    IntroductionRecord,
    MemberRecord,
    ProjectRecord,
    TieRecord,
    parse_document,
)
from graph_service.services import ties
from graph_service.services.recommendations import paths_between, recommendations_for
from graph_service.services.views import ConsentView, ProjectionCache
from graph_service.services.visibility import MANAGER_VIEW, Viewer, consented_document
from graph_service.store.database import Database
from graph_service.store.documents import import_document
from graph_service.web.ecosystem import ecosystem_html, ecosystem_page
from graph_service.web.maps.model import MapPage
from graph_service.web.maps.render import render_map
from graph_service.web.member import member_page
from graph_service.web.paths import paths_page

MEMBER_A = Viewer("member", "a")
CLIENT = Viewer("client")
PRIVATE_NAME = "Hidden Person"


def _member(ident: str, subsector: str, visibility: str, **extra: Any) -> dict[str, Any]:
    name = PRIVATE_NAME if ident == "p" else f"Member {ident}"
    return {"id": ident, "name": name, "subsectors": [subsector], "visibility": visibility, **extra}


def _knows(a: str, b: str, w: float = 0.8, confirmed: bool = True) -> dict[str, Any]:
    return {"source": a, "target": b, "kind": "knows", "weight": w, "confirmed": confirmed}


def cluster() -> dict[str, Any]:
    """``a`` and ``c`` share the contacts ``f`` (members) and ``p`` (private); ``d`` is reached from
    ``a`` only through ``p``; ``g`` recorded a tie with ``a`` that ``a`` has not confirmed, and
    ``g`` knows ``h``, so ``h`` is reached from ``a`` only through that tie."""
    return {
        "members": [
            _member("a", "design", "public"),
            _member("c", "gaming", "public"),
            _member("f", "design", "members"),
            _member("p", "music", "private"),
            _member("d", "music", "members"),
            _member("g", "literature", "members"),
            _member("h", "literature", "members"),
        ],
        "ties": [
            _knows("a", "f"), _knows("c", "f"),
            _knows("a", "p", 0.9), _knows("c", "p", 0.9), _knows("p", "d", 0.9),
            _knows("g", "a", 0.9, confirmed=False), _knows("g", "h", 0.9),
        ],
        "events": [{"id": "e-1", "title": "Round table", "date": "2025-03-12", "format": "round-table",
                    "attendees": ["a", "p", "d"]}],
    }


def _load(db: Database, doc: dict[str, Any]) -> None:
    import_document(db, parse_document(doc), replace=True)


@pytest.fixture
def cache(db: Database) -> ProjectionCache:
    _load(db, cluster())
    return ProjectionCache(db, check_interval=60.0)


def _text(answer: Any) -> str:
    return json.dumps(asdict(answer), default=str)


def _map_ids(page: MapPage) -> set[str]:
    return {n["id"] for n in page.net.nodes}


# -- the consented document ------------------------------------------------------------------------


def test_consented_document_keeps_what_the_viewer_may_see() -> None:
    doc = Document(
        members=[MemberRecord(id=i, name=i, subsectors=["design"], visibility=v)
                 for i, v in (("a", "members"), ("b", "public"), ("p", "private"), ("q", "private"))],
        ties=[TieRecord(source="a", target="b"), TieRecord(source="a", target="p"),
              TieRecord(source="b", target="a", kind="collaborated", confirmed=False),
              TieRecord(source="p", target="b", kind="collaborated")],
        projects=[ProjectRecord(id="pr", title="P", team=["a", "p", "b"])],
        events=[EventRecord(id="e", title="E", date=date(2025, 1, 1), attendees=["p", "a"])],
        introductions=[
            IntroductionRecord(id="i1", a="a", b="b", facilitator="p", date=date(2025, 1, 1)),
            IntroductionRecord(id="i2", a="a", b="p", date=date(2025, 1, 1)),
        ],
    )
    assert consented_document(doc, MANAGER_VIEW) is doc
    member = consented_document(doc, Viewer("member", "a"))
    assert [m.id for m in member.members] == ["a", "b"]
    assert [(t.source, t.target, t.kind) for t in member.ties] == [("a", "b", "knows")]
    assert member.projects[0].team == ["a", "b"] and member.events[0].attendees == ["a"]
    assert [(x.id, x.facilitator) for x in member.introductions] == [("i1", "manager")]
    public = consented_document(doc, CLIENT)
    assert [m.id for m in public.members] == ["b"] and public.ties == [] and public.introductions == []
    own = consented_document(doc, Viewer("member", "p"))  # a private member sees themselves
    assert [m.id for m in own.members] == ["a", "b", "p"]
    assert {(t.source, t.target) for t in own.ties} == {("a", "b"), ("a", "p"), ("p", "b")}
    assert own.projects[0].team == ["a", "p", "b"]
    assert [m.visibility for m in doc.members] == ["members", "public", "private", "private"]  # untouched


def test_visibility_is_private_unless_given() -> None:
    assert MemberRecord(id="x", name="X", subsectors=["design"]).visibility == "private"


# -- views -----------------------------------------------------------------------------------------


def test_views_are_shared_per_role_and_rebuilt_after_a_write(
    cache: ProjectionCache, db: Database
) -> None:
    assert cache.view(MANAGER_VIEW) is cache
    shared = cache.view(MEMBER_A)
    assert isinstance(shared, ConsentView) and cache.view(Viewer("member", "f")) is shared
    assert cache.view(Viewer("member")) is shared and cache.view(CLIENT) is not shared
    assert set(shared.current().members) == {"a", "c", "f", "d", "g", "h"}
    assert set(cache.view(CLIENT).current().members) == {"a", "c"}
    own = cache.view(Viewer("member", "p"))  # p is private: a view of their own
    assert own is not shared and own is cache.view(Viewer("member", "p"))
    G = own.current().members
    assert set(G) == {"a", "c", "f", "d", "g", "h", "p"} and set(G["p"]) == {"a", "c", "d"}
    builds = shared.builds
    shared.current()
    assert shared.builds == builds and shared.memo("k", lambda p: p.version) == shared.current().version
    db.write(lambda tx: None)  # any write bumps the version: the next request rebuilds the view
    shared.current()
    assert shared.builds == builds + 1


# -- private members ------------------------------------------------------------------------------


def test_a_private_member_neither_appears_in_nor_shapes_recommendations(cache: ProjectionCache) -> None:
    boss = recommendations_for(cache, "a")
    top = next(r for r in boss.items if r.id == "c")
    assert top.shared_contact_count == 2 and PRIVATE_NAME in " ".join(top.reasons)

    member = recommendations_for(cache.view(MEMBER_A), "a")
    assert "p" not in {r.id for r in member.items} and PRIVATE_NAME not in _text(member)
    seen = next(r for r in member.items if r.id == "c")
    assert seen.shared_contacts == ("f",) and seen.shared_contact_count == 1
    assert seen.score < top.score  # p no longer adds to it

    public = recommendations_for(cache.view(CLIENT), "a")
    assert {r.id for r in public.items} <= {"c"} and PRIVATE_NAME not in _text(public)
    assert all(r.shared_contact_count == 0 and "Member f" not in _text(r) for r in public.items)
    with pytest.raises(NotFound):  # the public does not see f at all
        recommendations_for(cache.view(CLIENT), "f")
    with pytest.raises(NotFound):
        recommendations_for(cache.view(MEMBER_A), "p")


def test_every_answer_from_the_projection_takes_its_view_and_nothing_else_about_audience() -> None:
    """The view is a required first argument: leaving it out cannot silently change whose answer it is."""
    import inspect

    for service in (recommendations_for, paths_between, member_page, paths_page, ecosystem_page):
        params = inspect.signature(service).parameters
        first = next(iter(params.values()))
        assert first.name == "view" and first.default is inspect.Parameter.empty, service.__name__
        assert not {"audience", "viewer", "cache"} & set(params), service.__name__


def test_a_path_only_through_a_private_member_is_found_for_the_manager_only(cache: ProjectionCache) -> None:
    boss = paths_between(cache, "a", "d")
    assert boss.items[0].members == ("a", "p", "d") and all("p" in p.members for p in boss.items)
    member = paths_between(cache.view(MEMBER_A), "a", "d")
    assert member.items == () and "No path" in member.message
    with pytest.raises(NotFound):
        paths_between(cache.view(MEMBER_A), "a", "p")
    with pytest.raises(NotFound):  # d is not public
        paths_between(cache.view(CLIENT), "a", "d")


def test_maps_leave_private_members_out(cache: ProjectionCache) -> None:
    assert "p" in _map_ids(member_page(cache, "a"))
    assert "p" in _map_ids(ecosystem_page(cache))
    for viewer in (MEMBER_A, CLIENT):
        view = cache.view(viewer)
        page = member_page(view, "a", hops=2)
        assert "p" not in _map_ids(page) and "d" not in _map_ids(page)
        assert PRIVATE_NAME not in render_map(page)
        eco = ecosystem_page(view)
        assert "p" not in _map_ids(eco) and PRIVATE_NAME not in render_map(eco)
        assert PRIVATE_NAME not in ecosystem_html(view)
        assert PRIVATE_NAME not in render_map(paths_page(view, "a", "c"))
    assert _map_ids(ecosystem_page(cache.view(CLIENT))) == {"a", "c"}
    own = member_page(cache.view(Viewer("member", "p")), "p")
    assert _map_ids(own) == {"p", "a", "c", "d"}  # a private member sees their own map


# -- unconfirmed ties -----------------------------------------------------------------------------


def test_an_unconfirmed_tie_shows_once_confirmed_and_goes_when_withdrawn(
    client: TestClient, db: Database
) -> None:
    _load(db, cluster())
    cache: ProjectionCache = client.app.state.projection  # type: ignore[attr-defined]  # app typed as plain ASGI
    view = cache.view(MEMBER_A)
    assert paths_between(view, "a", "h").items == ()
    assert all("g" not in r.shared_contacts for r in recommendations_for(view, "a").items)
    assert "g" not in _map_ids(member_page(view, "a"))
    assert [p.members for p in paths_between(cache, "a", "h").items] == [("a", "g", "h")]

    r = client.post("/api/v1/members/a/ties/g/confirm")
    assert r.status_code == 200, r.text
    assert [(t["other"]["id"], t["confirmed"]) for t in r.json()] == [("g", True)]
    view = cache.view(MEMBER_A)
    assert [p.members for p in paths_between(view, "a", "h").items] == [("a", "g", "h")]
    h = next(x for x in recommendations_for(view, "a").items if x.id == "h")
    assert h.shared_contacts == ("g",)
    assert "g" in _map_ids(member_page(view, "a"))

    assert client.delete("/api/v1/members/g/ties/a").status_code == 204
    assert paths_between(cache.view(MEMBER_A), "a", "h").items == ()
    assert paths_between(cache, "a", "h").items == ()


def test_withdrawing_consent_takes_effect_on_the_next_request(client: TestClient, db: Database) -> None:
    _load(db, cluster())
    cache: ProjectionCache = client.app.state.projection  # type: ignore[attr-defined]  # app typed as plain ASGI
    seen = next(r for r in recommendations_for(cache.view(MEMBER_A), "a").items if r.id == "c")
    assert seen.shared_contacts == ("f",)
    assert "f" in _map_ids(ecosystem_page(cache.view(MEMBER_A)))
    assert "f" in _map_ids(member_page(cache.view(MEMBER_A), "a"))
    assert paths_between(cache.view(MEMBER_A), "a", "c").items[0].members == ("a", "f", "c")

    r = client.patch("/api/v1/members/f", json={"visibility": "private"})
    assert r.status_code == 200, r.text

    view = cache.view(MEMBER_A)
    recs = recommendations_for(view, "a")
    assert "f" not in {r.id for r in recs.items} and "Member f" not in _text(recs)
    assert all(r.shared_contact_count == 0 for r in recs.items)
    assert paths_between(view, "a", "c").items == ()
    assert "f" not in _map_ids(ecosystem_page(view)) and "f" not in _map_ids(member_page(view, "a"))
    # The manager still sees everything, and f still sees themselves.
    boss = next(r for r in recommendations_for(cache, "a").items if r.id == "c")
    assert set(boss.shared_contacts) == {"f", "p"}
    assert "f" in _map_ids(ecosystem_page(cache))
    assert "f" in cache.view(Viewer("member", "f")).current().members
    body = client.get("/api/v1/members/a/recommendations").json()  # the client is the manager
    assert next(x for x in body["items"] if x["id"] == "c")["shared_contact_count"] == 2


# -- the tie endpoints -----------------------------------------------------------------------------


def _ties(client: TestClient, member: str) -> dict[str, dict[str, Any]]:
    r = client.get(f"/api/v1/members/{member}/ties")
    assert r.status_code == 200, r.text
    return {f'{t["other"]["id"]}:{t["kind"]}': t for t in r.json()}


def test_tie_endpoints_record_confirm_and_withdraw(client: TestClient, db: Database) -> None:
    _load(db, cluster())
    mine = _ties(client, "a")
    assert set(mine) == {"f:knows", "p:knows", "g:knows"}
    assert mine["p:knows"]["other"] == {"id": "p", "name": PRIVATE_NAME, "party": "member"}  # their own tie
    assert mine["g:knows"] | {"other": None} == {"other": None, "kind": "knows", "weight": 0.9, "since": None,
                                                 "confirmed": False, "recorded_by": "g", "awaiting": True}
    assert _ties(client, "g")["a:knows"]["awaiting"] is False

    r = client.post("/api/v1/members/a/ties", json={"other": "d", "since": "2025-02-01"})
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "recorded"
    assert r.json()["tie"] | {"other": None} == {"other": None, "kind": "knows", "weight": 0.5,
                                                 "since": "2025-02-01", "confirmed": False,
                                                 "recorded_by": "a", "awaiting": False}
    assert _ties(client, "d")["a:knows"]["awaiting"] is True
    assert client.post("/api/v1/members/a/ties", json={"other": "d"}).status_code == 409  # waits for d
    assert client.post("/api/v1/members/a/ties/d/confirm").status_code == 409  # a recorded it
    r = client.post("/api/v1/members/d/ties", json={"other": "a", "weight": 0.2})
    assert r.status_code == 200 and r.json()["status"] == "confirmed", r.text
    assert r.json()["tie"]["confirmed"] is True and r.json()["tie"]["weight"] == 0.5
    assert client.post("/api/v1/members/d/ties", json={"other": "a"}).status_code == 409
    assert client.post("/api/v1/members/d/ties/a/confirm").status_code == 409
    assert client.post("/api/v1/members/a/ties/c/confirm").status_code == 404
    assert "d" in cache_members(client, MEMBER_A, "a")

    # A second kind is a tie of its own; the manager may record it as confirmed at once.
    r = client.post("/api/v1/members/a/ties", json={"other": "d", "kind": "collaborated", "confirmed": True})
    assert r.status_code == 201 and r.json()["tie"]["confirmed"] is True
    assert {k for k in _ties(client, "d") if k.startswith("a:")} == {"a:knows", "a:collaborated"}

    bad = client.post("/api/v1/members/a/ties", json={"other": "a"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "other"]
    assert client.post("/api/v1/members/a/ties", json={"other": "d", "weight": 0}).status_code == 422
    assert client.post("/api/v1/members/a/ties", json={"other": "nobody"}).status_code == 404
    assert client.post("/api/v1/members/nobody/ties", json={"other": "a"}).status_code == 404
    assert client.get("/api/v1/members/nobody/ties").status_code == 404

    assert client.delete("/api/v1/members/d/ties/a", params={"kind": "collaborated"}).status_code == 204
    assert {k for k in _ties(client, "a") if k.startswith("d:")} == {"d:knows"}
    assert client.delete("/api/v1/members/d/ties/a").status_code == 204
    assert "d" not in cache_members(client, MEMBER_A, "a")
    assert client.delete("/api/v1/members/d/ties/a").status_code == 404


def cache_members(client: TestClient, viewer: Viewer, member: str) -> set[str]:
    """The tie neighbours of ``member`` in ``viewer``'s view of the app's projection."""
    cache: ProjectionCache = client.app.state.projection  # type: ignore[attr-defined]  # app typed as plain ASGI
    G = cache.view(viewer).current().members
    return {n for n, d in G[member].items() if d.get("structural", True)}


def test_only_the_manager_records_a_confirmed_tie(db: Database) -> None:
    _load(db, cluster())
    with pytest.raises(Forbidden):
        ties.record_tie(db, "a", "d", confirmed=True, actor=MEMBER_A)
    assert ties.record_tie(db, "a", "d", actor=MEMBER_A).status == "recorded"


def test_members_confirm_ties_and_withdraw_consent_themselves_over_http(
    client: TestClient, db: Database, member_client: Any
) -> None:
    _load(db, cluster())
    a, c, d, f = (member_client(x) for x in "acdf")
    # a records a tie with d; only d may confirm it, and nobody else may touch a's ties.
    assert a.post("/api/v1/members/a/ties", json={"other": "d"}).status_code == 201
    assert a.post("/api/v1/members/a/ties", json={"other": "c", "confirmed": True}).status_code == 403
    assert a.post("/api/v1/members/d/ties/a/confirm").status_code == 403  # not a's to confirm
    assert c.get("/api/v1/members/a/ties").status_code == 403
    assert d.post("/api/v1/members/d/ties/a/confirm").status_code == 200
    assert {t["other"]["id"]: t["confirmed"] for t in d.get("/api/v1/members/d/ties").json()}["a"] is True

    # f is the shared contact of a and c; f withdraws consent in one request, effective at once.
    top = next(x for x in c.get("/api/v1/members/c/recommendations").json()["items"] if x["id"] == "a")
    assert "Member f" in " ".join(top["reasons"])
    assert f.patch("/api/v1/members/f", json={"visibility": "private"}).status_code == 200
    recs = c.get("/api/v1/members/c/recommendations").json()["items"]
    assert "Member f" not in json.dumps(recs) and all(x["id"] != "f" for x in recs)
    assert c.get("/api/v1/members/f").status_code == 404
    assert "Member f" not in c.get("/viz/ecosystem").text
    # Either side withdraws a tie.
    assert a.delete("/api/v1/members/a/ties/d").status_code == 204
    assert "a" not in {t["other"]["id"] for t in d.get("/api/v1/members/d/ties").json()}
