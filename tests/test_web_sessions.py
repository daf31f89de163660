"""Browser sessions that can write, safely; each role's home page; errors a person can read; the
docs pages offline. Against the real Neo4j (tests/conftest.py), through the app's TestClient
(base URL http://testserver, so that is the service's own origin here)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.services.keys import create_key
from graph_service.settings import Settings
from graph_service.store.database import Connection, Database
from tests.factories import MANAGER, MANAGER_KEY, small_document

OWN = "http://testserver"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.fixture
def loaded(client: TestClient) -> TestClient:
    assert client.post("/api/v1/import", json=small_document()).status_code == 200
    return client


def login(app: object, key: str) -> TestClient:
    """A browser (a TestClient with a cookie jar) logged in with ``key`` through the login form."""
    browser = TestClient(app)  # type: ignore[arg-type]  # the app of another TestClient
    r = browser.post("/login", data={"key": key, "next": "/"}, headers={"Origin": OWN}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return browser


def token_of(browser: TestClient, page: str = "/explore") -> str:
    """The anti-forgery token a page carries in its <meta name="csrf-token">."""
    html = browser.get(page).text
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
    assert found, "the page carries no anti-forgery token"
    return found.group(1)


@pytest.fixture
def member_browser(loaded: TestClient, db: Database) -> TestClient:
    """Pixel Kayl (m-002, visibility "members") logged in in a browser."""
    key = create_key(db, role="member", member="m-002", name="Pixel's laptop")
    return login(loaded.app, key.key)


def city(loaded: TestClient, member: str) -> str | None:
    value: str | None = loaded.get(f"/api/v1/members/{member}").json().get("city")
    return value


# -- writing with a session ---------------------------------------------------------------------

def test_a_session_writes_with_its_token_from_its_own_origin(loaded: TestClient, member_browser: TestClient) -> None:
    token = token_of(member_browser)
    r = member_browser.patch("/api/v1/members/m-002", json={"city": "Dudelange"},
                             headers={"X-CSRF-Token": token, "Origin": OWN})
    assert r.status_code == 200, r.text
    assert city(loaded, "m-002") == "Dudelange"
    # Another JSON write route, the same way: recording a tie.
    r = member_browser.post("/api/v1/members/m-002/ties", json={"other": "m-004", "kind": "knows"},
                            headers={"X-CSRF-Token": token, "Origin": OWN})
    assert r.status_code == 201, r.text
    # Without an Origin, a same-origin Referer does.
    r = member_browser.patch("/api/v1/members/m-002", json={"city": "Mamer"},
                             headers={"X-CSRF-Token": token, "Referer": OWN + "/me"})
    assert r.status_code == 200, r.text
    assert city(loaded, "m-002") == "Mamer"


@pytest.mark.parametrize(("headers", "says"), [
    ({"Origin": OWN}, "anti-forgery token"),  # the cookie alone
    ({"Origin": OWN, "X-CSRF-Token": "not-the-token"}, "does not match"),
    ({"Origin": "https://evil.example"}, "another site (Origin: https://evil.example)"),
    ({"Origin": "http://testserver:8080"}, "another site"),  # another port is another origin
    ({"Origin": "null"}, "another site (Origin: null)"),
    ({"Referer": "https://evil.example/page"}, "another site (Referer: https://evil.example/page)"),
    ({}, "neither an Origin nor a Referer"),
])
def test_a_session_write_without_its_token_or_from_another_origin_is_refused(
    loaded: TestClient, member_browser: TestClient, headers: dict[str, str], says: str,
) -> None:
    token = token_of(member_browser)
    if "X-CSRF-Token" not in headers and says != "anti-forgery token":
        headers = {**headers, "X-CSRF-Token": token}  # the right token, from the wrong place
    r = member_browser.patch("/api/v1/members/m-002", json={"city": "Forged"}, headers=headers)
    assert r.status_code == 403, r.text
    detail = r.json()["detail"]
    assert detail.startswith("Forbidden: ") and says in detail, detail
    assert city(loaded, "m-002") == "Esch-sur-Alzette"  # nothing changed
    r = member_browser.post("/api/v1/members/m-002/ties", json={"other": "m-004", "kind": "knows"}, headers=headers)
    assert r.status_code == 403
    assert not any(t["other"] == "m-004" for t in loaded.get("/api/v1/members/m-002/ties").json())


def test_a_form_post_carries_the_token_as_a_field(loaded: TestClient, member_browser: TestClient) -> None:
    # A form field is read for a form post (here: the logout, with a wrong then the right token).
    r = member_browser.post("/logout", data={"csrf_token": "wrong"}, headers={"Origin": OWN}, follow_redirects=False)
    assert r.status_code == 403
    assert member_browser.get("/api/v1/members/m-002").status_code == 200  # still logged in
    r = member_browser.post("/logout", data={"csrf_token": token_of(member_browser)}, headers={"Origin": OWN},
                            follow_redirects=False)
    assert r.status_code == 303


def test_bearer_writes_need_no_token(loaded: TestClient, member_client: Callable[[str], TestClient]) -> None:
    assert loaded.patch("/api/v1/members/m-001", json={"city": "Ettelbruck"}).status_code == 200
    # A key is not a browser session: no token, and an Origin does not matter.
    r = member_client("m-002").patch("/api/v1/members/m-002", json={"city": "Wiltz"},
                                     headers={"Origin": "https://elsewhere.example"})
    assert r.status_code == 200
    assert city(loaded, "m-001") == "Ettelbruck" and city(loaded, "m-002") == "Wiltz"


def test_logout_ends_the_session(loaded: TestClient) -> None:
    browser = login(loaded.app, MANAGER_KEY)
    cookie = browser.cookies.get("gs_session")
    token = token_of(browser, "/desk")
    assert browser.post("/logout", headers={"Origin": OWN}, follow_redirects=False).status_code == 403
    assert browser.get("/api/v1/members").status_code == 200  # a forged logout changes nothing
    r = browser.post("/logout", data={"csrf_token": token}, headers={"Origin": OWN}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?out=true"
    assert "gs_session" not in browser.cookies
    assert "logged out" in browser.get("/login?out=true").text
    assert browser.get("/api/v1/members").status_code == 401
    assert browser.get("/desk", follow_redirects=False).status_code == 303
    # The old cookie, replayed, is dead too.
    replay = TestClient(loaded.app, cookies={"gs_session": cookie or ""})
    assert replay.get("/api/v1/members").status_code == 401


def test_the_login_keeps_its_cookie_safe_and_refuses_another_sites_form(loaded: TestClient) -> None:
    anon = TestClient(loaded.app)
    r = anon.post("/login", data={"key": MANAGER_KEY, "next": "/desk"}, headers={"Origin": OWN},
                  follow_redirects=False)
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Path=/" in cookie
    other = TestClient(loaded.app)
    r = other.post("/login", data={"key": MANAGER_KEY, "next": "/desk"}, headers={"Origin": "https://evil.example"},
                   follow_redirects=False)
    assert r.status_code == 403 and "set-cookie" not in r.headers


# -- home pages and the header ------------------------------------------------------------------

def test_the_root_leads_each_role_home(loaded: TestClient, member_browser: TestClient, db: Database,
                                       app_client: TestClient) -> None:
    anon = TestClient(loaded.app)
    assert anon.get("/", follow_redirects=False).headers["location"] == "/login"
    manager = login(loaded.app, MANAGER_KEY)
    r = manager.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/desk"
    assert loaded.get("/", follow_redirects=False).headers["location"] == "/desk"  # the manager's key too
    assert member_browser.get("/", follow_redirects=False).headers["location"] == "/me"
    assert app_client.get("/", follow_redirects=False).headers["location"] == "/docs"
    # The login sends a browser home when it was not going anywhere else.
    fresh = TestClient(loaded.app)
    r = fresh.post("/login", data={"key": MANAGER_KEY}, headers={"Origin": OWN}, follow_redirects=False)
    assert r.headers["location"] == "/"


def test_every_page_says_who_is_logged_in_with_a_logout(loaded: TestClient, member_browser: TestClient) -> None:
    manager = login(loaded.app, MANAGER_KEY)
    for page in ("/desk", "/explore", "/viz/ecosystem", "/viz/subsectors", "/viz/members/m-001", "/report"):
        html = manager.get(page).text
        assert '<span class="who-name">Cluster manager</span>' in html, page
        assert '<span class="who-role">manager</span>' in html, page
        assert 'action="/logout"' in html and 'name="csrf_token"' in html, page
        assert 'href="/desk"' in html and 'href="/report"' in html, page
    html = member_browser.get("/viz/ecosystem").text
    assert '<span class="who-name">Pixel Kayl</span>' in html and '<span class="who-role">member</span>' in html
    assert 'href="/me"' in html and 'href="/report"' not in html and 'href="/desk"' not in html
    # The token in the forms and in the meta tag is the session's, and the same on every page.
    assert token_of(member_browser, "/me") == token_of(member_browser, "/viz/subsectors")
    # With a Bearer key there is no session: the name, but no logout button and no token.
    bearer = loaded.get("/desk").text
    assert "Cluster manager" in bearer and 'action="/logout"' not in bearer and "csrf-token" not in bearer


def test_the_header_escapes_a_hostile_name(loaded: TestClient, db: Database) -> None:
    hostile = "<script>alert(1)</script>"
    assert loaded.patch("/api/v1/members/m-004", json={"name": hostile}).status_code == 200
    browser = login(loaded.app, create_key(db, role="member", member="m-004", name="hub").key)
    html = browser.get("/me").text
    assert hostile not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_desk_and_me_pages(loaded: TestClient, member_browser: TestClient) -> None:
    manager = login(loaded.app, MANAGER_KEY)
    desk = manager.get("/desk")
    assert desk.status_code == 200 and desk.headers["content-security-policy"].startswith("default-src 'self'")
    links = re.findall(r'<li><a href="([^"]+)">', desk.text)
    assert links == ["/desk/introductions", "/desk/introductions/board", "/desk/messages", "/desk/tenders",
                     "/desk/events", "/desk/members", "/desk/data",
                     "/viz/ecosystem", "/viz/subsectors", "/viz/ecosystem?aggregate=true", "/members-app",
                     "/report", "/docs", "/redoc"]
    for link in links:  # every job is a page that exists
        assert manager.get(link).status_code == 200, link
    assert manager.get("/me", follow_redirects=False).headers["location"] == "/desk"

    me = member_browser.get("/me")
    assert me.status_code == 200
    for text in ("Pixel Kayl", "freelancer", "Gaming", "Game design", "Esch-sur-Alzette", "members</strong>",
                 'href="/viz/members/m-002"', 'href="/members-app"'):
        assert text in me.text, text
    assert member_browser.get("/viz/members/m-002").status_code == 200
    r = member_browser.get("/desk", headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 403 and "text/html" in r.headers["content-type"]
    assert "only the manager may do this" in r.text and "Pixel Kayl" in r.text


def test_the_login_page_names_the_key_file_in_development_mode(
    neo4j_backend: tuple[Settings, Connection], db: Database, tmp_path: Path,
) -> None:
    settings = neo4j_backend[0]
    dev = settings.model_copy(update={"mode": "development", "manager_key": None, "home": tmp_path,
                                      "audit_log": tmp_path / "audit.jsonl"})
    with TestClient(create_app(dev, db)) as c:
        page = c.get("/login").text
    assert f"<code>{tmp_path / 'manager-key'}</code>" in page and "GRAPH_SERVICE_MANAGER_KEY" not in page
    assert (tmp_path / "manager-key").exists()
    with TestClient(create_app(settings, db)) as c:
        page = c.get("/login").text
    assert "<code>GRAPH_SERVICE_MANAGER_KEY</code>" in page and "manager-key</code>" not in page
    assert "the key the cluster manager gave you" in page


# -- errors a person can read -------------------------------------------------------------------

def _is_page(r: object, status: int) -> str:
    assert r.status_code == status, (r.status_code, r.text[:300])  # type: ignore[attr-defined]
    assert r.headers["content-type"].startswith("text/html"), r.headers  # type: ignore[attr-defined]
    html: str = r.text  # type: ignore[attr-defined]
    assert 'href="/">Go to your home page</a>' in html and "Traceback" not in html
    assert r.headers["content-security-policy"].startswith("default-src 'self'")  # type: ignore[attr-defined]
    return html


def test_a_browser_gets_error_pages(loaded: TestClient, member_browser: TestClient) -> None:
    manager = login(loaded.app, MANAGER_KEY)
    html = _is_page(manager.get("/viz/members/m-999", headers={"Accept": BROWSER_ACCEPT,
                                                               "Referer": OWN + "/viz/ecosystem"}), 404)
    assert "There is no member &#39;m-999&#39;." in html
    assert 'href="/viz/ecosystem">Back to the previous page</a>' in html
    assert '<span class="who-name">Cluster manager</span>' in html
    # A page route answers a page whatever the Accept header, unless JSON is asked for.
    _is_page(manager.get("/viz/members/m-999"), 404)
    assert manager.get("/viz/members/m-999", headers={"Accept": "application/json"}).json() == {
        "detail": "no member 'm-999'"}
    # 403: a member opens the manager's report.
    html = _is_page(member_browser.get("/report", headers={"Accept": BROWSER_ACCEPT}), 403)
    assert "Forbidden: only the manager may do this; this key is a member key." in html
    # 422: a parameter out of range, named.
    html = _is_page(manager.get("/viz/members/m-001?hops=3", headers={"Accept": BROWSER_ACCEPT}), 422)
    assert "<strong>hops</strong>: Input should be less than or equal to 2." in html
    # 401: a page with a key that is not valid (no login: the login page, 303, as before).
    r = TestClient(loaded.app).get("/viz/ecosystem", headers={"Authorization": "Bearer gsk_nope"})
    html = _is_page(r, 401)
    assert 'href="/login?next=%2Fviz%2Fecosystem">Log in</a>' in html and r.headers["www-authenticate"] == "Bearer"
    assert TestClient(loaded.app).get("/viz/ecosystem", follow_redirects=False).status_code == 303
    # An unknown address typed into the address bar.
    html = _is_page(manager.get("/no/such/page", headers={"Accept": BROWSER_ACCEPT}), 404)
    assert "There is no page at /no/such/page." in html


def test_api_clients_keep_their_json(loaded: TestClient, member_client: Callable[[str], TestClient]) -> None:
    browserish = {"Accept": BROWSER_ACCEPT}
    r = loaded.get("/api/v1/members/m-999", headers=browserish)
    assert r.status_code == 404 and r.json() == {"detail": "no member 'm-999'"}
    r = TestClient(loaded.app).get("/api/v1/members", headers=browserish)
    assert r.status_code == 401 and r.json()["detail"].startswith("Not authenticated: ")
    r = member_client("m-002").get("/api/v1/analytics/communities", headers=browserish)
    assert r.status_code == 403 and r.json() == {
        "detail": "Forbidden: only the manager may do this; this key is a member key."}
    r = loaded.get("/api/v1/members?limit=0", headers=browserish)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "limit"]
    assert loaded.get("/no/such/page").json() == {"detail": "Not Found"}  # Accept: */* is not a browser
    assert loaded.get("/viz/members/m-999", headers={"Accept": "application/json"}).status_code == 404


def test_503_and_500_pages(settings: Settings, db: Database) -> None:
    dead = Database(settings.model_copy(update={"connection_timeout_s": 1.0}),
                    Connection("bolt://127.0.0.1:9", "neo4j", "x" * 20, "neo4j"))
    with TestClient(create_app(settings, dead), raise_server_exceptions=False, headers=MANAGER) as c:
        html = _is_page(c.get("/viz/ecosystem", headers={"Accept": BROWSER_ACCEPT}), 503)
        assert "The graph database (Neo4j) is not available right now" in html
        r = c.get("/api/v1/members", headers={"Accept": BROWSER_ACCEPT})
        assert r.status_code == 503 and r.json() == {
            "detail": "The graph database (Neo4j) is not available right now; try again shortly."}
        assert r.headers["retry-after"] == "5"
    dead.close()
    app = create_app(settings, db)

    @app.get("/boom", tags=["pages"])
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as c:
        html = _is_page(c.get("/boom", headers={"Accept": BROWSER_ACCEPT}), 500)
        assert "secret internals" not in html and "RuntimeError" not in html
        r = c.get("/boom", headers={"Accept": "application/json"})
        assert r.status_code == 500 and r.text == "Internal Server Error"


# -- the docs pages -----------------------------------------------------------------------------

def test_docs_pages_use_local_copies(client: TestClient) -> None:
    anon = TestClient(client.app)
    for path, script in (("/docs", "/viz/assets/swagger-ui-bundle.js"), ("/redoc", "/viz/assets/redoc.standalone.js")):
        r = anon.get(path)  # public, like /openapi.json
        assert r.status_code == 200 and f'src="{script}"' in r.text
        assert not re.search(r'(src|href)="(https?:)?//', r.text), "the page loads something from another host"
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "https:" not in csp and "'unsafe-eval'" not in csp
        asset = anon.get(script)
        assert asset.status_code == 200 and asset.headers["content-type"].startswith("text/javascript")
        assert len(asset.content) > 500_000
    docs = anon.get("/docs")
    assert "'sha256-" in docs.headers["content-security-policy"] and "validatorUrl" in docs.text
    assert anon.get("/viz/assets/swagger-ui.css").headers["content-type"].startswith("text/css")


# -- the form macros ----------------------------------------------------------------------------

def test_form_macros_put_each_error_beside_its_field_escaped() -> None:
    from graph_service.web.forms import field_errors
    from graph_service.web.pages import Visitor, _jinja

    template = _jinja().from_string(
        '{% import "forms.html.j2" as forms %}{{ forms.error_summary(errors) }}'
        '<form>{{ forms.csrf_field(visitor) }}'
        '{{ forms.field("city", "City", value=value, hint="Where you work", error=errors.get("city")) }}'
        '{{ forms.field("name", "Name", value="ok") }}</form>')
    errors = field_errors([{"loc": ("body", "city"), "msg": "Value error, <b>bad</b> city", "type": "value_error"}])
    html = template.render(errors=errors, value='"><script>x</script>', visitor=Visitor("A", "member", "t0k"))
    assert '<a href="#city">&lt;b&gt;bad&lt;/b&gt; city.</a>' in html  # the summary links to the field
    assert '<p class="error-message" id="city-error"><span class="visually-hidden">Error:</span> &lt;b&gt;bad' in html
    assert 'aria-describedby="city-hint city-error" aria-invalid="true"' in html
    assert "<script>x</script>" not in html and 'value="&#34;&gt;&lt;script&gt;' in html
    assert '<input type="hidden" name="csrf_token" value="t0k">' in html
    assert 'id="name" name="name" type="text" value="ok">' in html
    assert "error-summary" not in template.render(errors={}, value="", visitor=None)
