"""Roles, keys, logins, rate limits, body limits and the audit log, against the real database.

The graph is ``small_document``: m-001 (public), m-002 (members), m-003 (private), m-004
(public); an introduction i-001 between m-001 and m-003.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError
from typer.testing import CliRunner

from graph_service.api.app import create_app
from graph_service.api.auth.limits import RateLimiter
from graph_service.api.auth.principals import manager_key
from graph_service.cli import app as cli_app
from graph_service.errors import ConfigurationError
from graph_service.settings import Settings
from graph_service.store.database import Database
from tests.factories import MANAGER, MANAGER_KEY, small_document

MemberClient = Callable[[str], TestClient]


@pytest.fixture
def loaded(client: TestClient) -> TestClient:
    assert client.post("/api/v1/import", json=small_document()).status_code == 200
    return client


# -- who may start the service ------------------------------------------------------------------

def test_no_manager_key_outside_development_mode_is_a_refusal(settings: Settings, db: Database) -> None:
    bare = settings.model_copy(update={"manager_key": None, "mode": "production"})
    with pytest.raises(ConfigurationError, match="GRAPH_SERVICE_MANAGER_KEY is not set"):
        create_app(bare, db)


def test_serve_refuses_to_start_without_a_manager_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from graph_service.settings import get_settings

    monkeypatch.delenv("GRAPH_SERVICE_MANAGER_KEY", raising=False)
    monkeypatch.setenv("GRAPH_SERVICE_MODE", "production")
    monkeypatch.setenv("GRAPH_SERVICE_HOME", str(tmp_path))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli_app, ["serve", "--port", "9"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "GRAPH_SERVICE_MANAGER_KEY is not set" in result.output


def test_a_short_manager_key_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least 24 characters"):
        Settings(GRAPH_SERVICE_MANAGER_KEY="secret")


def test_development_mode_generates_a_private_manager_key_once(tmp_path: Path) -> None:
    dev = Settings(GRAPH_SERVICE_MODE="development", GRAPH_SERVICE_HOME=tmp_path)
    first = manager_key(dev)
    assert len(first) >= 40 and manager_key(dev) == first
    path = tmp_path / "manager-key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# -- authentication -----------------------------------------------------------------------------

def test_every_api_route_needs_a_key(loaded: TestClient, anon_client: TestClient) -> None:
    spec = loaded.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        if not path.startswith("/api/v1"):
            continue
        concrete = path.replace("{", "").replace("}", "")
        for method in operations:
            r = anon_client.request(method.upper(), concrete)
            assert r.status_code == 401, (method, path, r.status_code)
            assert r.headers["www-authenticate"] == "Bearer"
    assert anon_client.get("/health").status_code == 200  # health and the docs stay open
    assert anon_client.get("/openapi.json").status_code == 200


def test_wrong_and_malformed_credentials(loaded: TestClient) -> None:
    for header in ("Bearer gsk_not-a-key", "Bearer " + MANAGER_KEY[:-1], "Basic bWFuYWdlcjp4", "Bearer"):
        r = TestClient(loaded.app).get("/api/v1/members", headers={"Authorization": header})
        assert r.status_code == 401, header
        assert "Not authenticated" in r.json()["detail"]


def test_keys_are_stored_hashed_and_revocation_is_immediate(loaded: TestClient, db: Database) -> None:
    r = loaded.post("/api/v1/keys", json={"role": "member", "member": "m-002", "name": "Pixel Kayl laptop"})
    assert r.status_code == 201
    made = r.json()
    secret = made["key"]
    assert secret.startswith("gsk_") and len(secret) > 40
    # Nothing in the graph holds the secret; the key node holds its SHA-256.
    rows = db.read(lambda tx: tx._tx.run("MATCH (k:ApiKey {id: $id}) RETURN properties(k) AS p",
                                         id=made["id"]).data())
    props = rows[0]["p"]
    assert secret not in json.dumps(props, default=str)
    assert props["hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert all("key" not in k and "hash" not in k for k in loaded.get("/api/v1/keys").json())

    member = TestClient(loaded.app, headers={"Authorization": f"Bearer {secret}"})
    assert member.get("/api/v1/members/m-002").status_code == 200
    assert loaded.delete(f"/api/v1/keys/{made['id']}").status_code == 200
    assert member.get("/api/v1/members/m-002").status_code == 401
    assert loaded.post("/api/v1/keys", json={"role": "member", "member": "m-999", "name": "x"}).status_code == 404
    bad = loaded.post("/api/v1/keys", json={"role": "client", "member": "m-001", "name": "x"})
    assert bad.status_code == 422 and "member" in bad.text


def test_cli_keys_create_list_revoke(cli: CliRunner, db: Database, loaded: TestClient) -> None:
    r = cli.invoke(cli_app, ["keys", "create", "client", "--name", "cluster website"])
    assert r.exit_code == 0, r.output
    secret = r.output.strip().splitlines()[-1]
    site = TestClient(loaded.app, headers={"Authorization": f"Bearer {secret}"})
    assert site.get("/api/v1/members/m-001").status_code == 200
    key_id = r.output.split()[0]
    assert key_id in cli.invoke(cli_app, ["keys", "list"]).output
    assert cli.invoke(cli_app, ["keys", "revoke", key_id]).exit_code == 0
    assert site.get("/api/v1/members/m-001").status_code == 401


# -- the member role ----------------------------------------------------------------------------

def test_a_member_sees_their_own_and_what_others_allow(loaded: TestClient, member_client: MemberClient) -> None:
    me = member_client("m-002")
    listed = {m["id"] for m in me.get("/api/v1/members").json()["items"]}
    assert listed == {"m-001", "m-002", "m-004"}  # not the private m-003
    assert me.get("/api/v1/members/m-003").status_code == 404  # as if it did not exist
    assert me.get("/api/v1/members/m-001").status_code == 200
    # A private member still sees their own profile.
    assert member_client("m-003").get("/api/v1/members/m-003").status_code == 200

    assert me.patch("/api/v1/members/m-002", json={"city": "Kayl"}).json()["city"] == "Kayl"
    r = me.patch("/api/v1/members/m-001", json={"city": "Kayl"})
    assert r.status_code == 403 and "m-001" in r.json()["detail"]
    assert me.patch("/api/v1/members/m-002", json={"joined": "2000-01-01"}).status_code == 403
    assert me.post("/api/v1/members", json={"id": "m-009", "name": "X", "subsectors": ["music"]}).status_code == 403


def test_a_member_asks_only_for_their_own_recommendations_and_paths(
    loaded: TestClient, member_client: MemberClient
) -> None:
    me = member_client("m-002")
    assert me.get("/api/v1/members/m-002/recommendations").status_code == 200
    assert me.get("/api/v1/members/m-001/recommendations").status_code == 403
    assert me.get("/api/v1/members/m-002/paths/m-004").status_code == 200
    assert me.get("/api/v1/members/m-001/paths/m-004").status_code == 403
    assert me.get("/api/v1/members/m-002/paths/m-003").status_code == 404  # private target


def test_manager_only_areas(loaded: TestClient, member_client: MemberClient, app_client: TestClient) -> None:
    for caller in (member_client("m-001"), app_client):
        for method, path in (("GET", "/api/v1/analytics/subsectors"), ("GET", "/api/v1/analytics/bridges"),
                             ("GET", "/api/v1/export"), ("POST", "/api/v1/import"), ("GET", "/api/v1/keys"),
                             ("GET", "/api/v1/introductions/kpis"), ("POST", "/api/v1/introductions/plan"),
                             ("POST", "/api/v1/introductions"), ("POST", "/api/v1/events/e-001/tables")):
            r = caller.request(method, path, json={})
            assert r.status_code == 403, (method, path, r.status_code, r.text)
        assert caller.get("/report").status_code == 403


def test_a_member_sees_only_their_introductions(loaded: TestClient, member_client: MemberClient) -> None:
    one, two = member_client("m-001"), member_client("m-002")
    assert [i["id"] for i in one.get("/api/v1/introductions").json()] == ["i-001"]
    assert two.get("/api/v1/introductions").json() == []
    assert two.get("/api/v1/introductions", params={"member": "m-001"}).status_code == 403
    assert one.get("/api/v1/introductions/i-001").status_code == 200
    assert two.get("/api/v1/introductions/i-001").status_code == 403
    assert two.patch("/api/v1/introductions/i-001", json={"status": "no-follow-up"}).status_code == 403


def test_a_member_answers_an_introduction_only_for_themselves(
    loaded: TestClient, member_client: MemberClient
) -> None:
    made = loaded.post("/api/v1/introductions", json={"a": "m-001", "b": "m-002"}).json()
    one = member_client("m-001")
    r = one.post(f"/api/v1/introductions/{made['id']}/responses", json={"member": "m-002", "answer": "accept"})
    assert r.status_code == 403
    r = one.post(f"/api/v1/introductions/{made['id']}/responses", json={"member": "m-001", "answer": "accept"})
    assert r.status_code == 200


def test_project_teams_and_attendees_are_cut_to_visible_members(
    loaded: TestClient, member_client: MemberClient
) -> None:
    me = member_client("m-001")
    assert me.get("/api/v1/projects/p-001").json()["team"] == ["m-002"]  # m-003 is private
    assert loaded.get("/api/v1/projects/p-001").json()["team"] == ["m-002", "m-003"]
    assert me.get("/api/v1/events/e-001").status_code == 200


# -- client applications ------------------------------------------------------------------------

def test_a_client_application_sees_public_profiles_and_recommendations_only(
    loaded: TestClient, app_client: TestClient
) -> None:
    assert {m["id"] for m in app_client.get("/api/v1/members").json()["items"]} == {"m-001", "m-004"}
    assert app_client.get("/api/v1/members/m-002").status_code == 404
    r = app_client.get("/api/v1/members/m-001/recommendations")
    assert r.status_code == 200
    assert {i["id"] for i in r.json()["items"]} <= {"m-004"}
    assert app_client.get("/api/v1/members/m-002/recommendations").status_code == 404
    assert app_client.get("/api/v1/members/m-001/paths/m-004").status_code == 403
    assert app_client.patch("/api/v1/members/m-001", json={"city": "X"}).status_code == 403
    assert app_client.get("/api/v1/introductions").status_code == 403
    assert app_client.get("/api/v1/projects").status_code == 403
    assert app_client.get("/api/v1/subsectors").status_code == 200
    assert app_client.get("/viz/ecosystem").status_code == 403


# -- rate limits and body limits ----------------------------------------------------------------

def test_rate_limiter_refills_at_its_rate() -> None:
    now = [0.0]
    bucket = RateLimiter(per_minute=60, burst=2, clock=lambda: now[0])
    assert bucket.take("a") == 0 and bucket.take("a") == 0
    assert bucket.take("a") == pytest.approx(1.0)
    assert bucket.take("b") == 0  # another key has its own bucket
    now[0] = 1.0
    assert bucket.take("a") == 0


@pytest.fixture
def limited(db: Database, settings: Settings) -> Iterator[TestClient]:
    tight = settings.model_copy(update={"rate_limit_per_minute": 60, "rate_burst": 3, "login_attempts_per_minute": 4,
                                        "max_body_bytes": 4096, "max_import_bytes": 200_000})
    with TestClient(create_app(tight, db), headers=MANAGER) as c:
        assert c.post("/api/v1/import", json=small_document()).status_code == 200
        yield c


def test_a_key_over_its_rate_gets_429_and_others_do_not(limited: TestClient, db: Database) -> None:
    from graph_service.services.keys import create_key

    other = create_key(db, role="client", name="other")
    statuses = [limited.get("/api/v1/subsectors").status_code for _ in range(4)]
    assert statuses[:2] == [200, 200] and statuses[-1] == 429
    r = limited.get("/api/v1/subsectors")
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1 and "rate limit" in r.json()["detail"]
    fresh = TestClient(limited.app, headers={"Authorization": f"Bearer {other.key}"})
    assert fresh.get("/api/v1/subsectors").status_code == 200


def test_failed_authentications_are_throttled_per_address(limited: TestClient) -> None:
    guess = TestClient(limited.app, headers={"Authorization": "Bearer gsk_guess"})
    statuses = [guess.get("/api/v1/members").status_code for _ in range(6)]
    assert statuses[0] == 401 and statuses[-1] == 429


def test_request_bodies_are_size_limited(limited: TestClient) -> None:
    big = {"name": "x" * 5000}
    r = limited.patch("/api/v1/members/m-001", json=big)
    assert r.status_code == 413 and "4,096 bytes" in r.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(10):
            yield b" " * 1000

    r = limited.post("/api/v1/introductions", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    # The import has its own, larger limit.
    assert limited.post("/api/v1/import", json=small_document()).status_code == 200
    assert limited.post("/api/v1/import", content=b" " * 300_000,
                        headers={"Content-Type": "application/json"}).status_code == 413


# -- browser logins -----------------------------------------------------------------------------

def test_pages_send_a_browser_to_the_login_and_back(loaded: TestClient, anon_client: TestClient) -> None:
    r = anon_client.get("/viz/ecosystem?group=subsector", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fviz%2Fecosystem%3Fgroup%3Dsubsector"
    page = anon_client.get("/login")
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers

    wrong = anon_client.post("/login", data={"key": "nope", "next": "/viz/ecosystem"}, follow_redirects=False)
    assert wrong.status_code == 401 and "not valid" in wrong.text

    ok = anon_client.post("/login", data={"key": MANAGER_KEY, "next": "/viz/ecosystem"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/viz/ecosystem"
    cookie = ok.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert anon_client.get("/viz/ecosystem").status_code == 200
    assert anon_client.get("/api/v1/members").status_code == 200  # the page's own reads
    # The cookie alone never authorises a change: it needs the page's anti-forgery token from this
    # origin too, so a page on another site cannot make the browser write (tests/test_web_sessions.py).
    assert anon_client.patch("/api/v1/members/m-001", json={"city": "X"}).status_code == 403
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', anon_client.get("/viz/ecosystem").text)
    assert token is not None
    assert anon_client.post("/logout", data={"csrf_token": token[1]}, headers={"Origin": "http://testserver"},
                            follow_redirects=False).status_code == 303
    assert anon_client.get("/api/v1/members").status_code == 401


def test_login_never_redirects_to_another_site(loaded: TestClient, anon_client: TestClient) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        r = anon_client.post("/login", data={"key": MANAGER_KEY, "next": target}, follow_redirects=False)
        assert r.headers["location"] == "/", target  # home: the page of the key's role


def test_a_member_logs_in_to_the_pages(loaded: TestClient, db: Database, anon_client: TestClient) -> None:
    from graph_service.services.keys import create_key

    key = create_key(db, role="member", member="m-002", name="browser")
    anon_client.post("/login", data={"key": key.key, "next": "/explore"})
    explore = anon_client.get("/explore")
    assert explore.status_code == 200 and 'href="/report"' not in explore.text  # the manager's page
    assert 'href="/report"' in loaded.get("/explore").text
    assert anon_client.get("/viz/members/m-002").status_code == 200
    assert anon_client.get("/viz/members/m-003").status_code == 404  # private
    assert anon_client.get("/report").status_code == 403


# -- the audit log ------------------------------------------------------------------------------

def test_the_audit_log_names_nobody_but_finds_everyone(
    loaded: TestClient, member_client: MemberClient, settings: Settings, cli: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log = settings.audit_log_path
    before = log.read_text().count("\n") if log.exists() else 0
    member_client("m-002").get("/api/v1/members/m-002/recommendations")
    loaded.patch("/api/v1/members/m-004", json={"city": "Esch-sur-Alzette"})
    lines = [json.loads(x) for x in log.read_text().splitlines()[before:]]
    text = "\n".join(log.read_text().splitlines()[before:])
    assert "m-002" not in text and "m-004" not in text and "Pixel" not in text
    read = next(e for e in lines if e["route"] == "/api/v1/members/{member_id}/recommendations")
    assert read["role"] == "member" and read["status"] == 200 and read["actor"].startswith("m:")
    assert read["subjects"] == [read["actor"]]
    changed = next(e for e in lines if e["method"] == "PATCH")
    assert changed["actor"] == "manager" and len(changed["subjects"]) == 1
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600

    monkeypatch.setenv("GRAPH_SERVICE_HOME", str(settings.home))
    monkeypatch.setenv("GRAPH_SERVICE_AUDIT_LOG", str(log))
    from graph_service.settings import get_settings

    get_settings.cache_clear()
    r = cli.invoke(cli_app, ["audit", "--member", "m-004", "--json"])
    get_settings.cache_clear()
    assert r.exit_code == 0, r.output
    found = json.loads(r.output)
    assert found and found[-1]["method"] == "PATCH" and found[-1]["subjects"] == changed["subjects"]
    assert all(changed["subjects"][0] in e["subjects"] or e["actor"] == changed["subjects"][0] for e in found)


def test_manager_key_setting_is_secret(settings: Settings) -> None:
    assert isinstance(settings.manager_key, SecretStr)
    assert MANAGER_KEY not in repr(settings)


def test_erasure_ends_the_members_keys_and_sessions(loaded: TestClient, db: Database,
                                                   anon_client: TestClient) -> None:
    from graph_service.services.keys import create_key

    key = create_key(db, role="member", member="m-002", name="laptop")
    by_key = TestClient(loaded.app, headers={"Authorization": f"Bearer {key.key}"})
    anon_client.post("/login", data={"key": key.key, "next": "/explore"})
    assert anon_client.get("/api/v1/members/m-002").status_code == 200
    assert loaded.delete("/api/v1/members/m-002").status_code == 204
    assert by_key.get("/api/v1/members/m-001").status_code == 401
    assert anon_client.get("/api/v1/members/m-001").status_code == 401


def test_bad_profile_changes_name_the_field(loaded: TestClient) -> None:
    r = loaded.patch("/api/v1/members/m-001", json={"name": None})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "name"]
    r = loaded.patch("/api/v1/members/m-001", json={"languages": ["'; DROP"]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][:2] == ["body", "languages"]
    r = loaded.post("/api/v1/members", json={"id": "manager", "name": "X", "subsectors": ["music"]})
    assert r.status_code == 422 and "reserved" in r.text
