"""Browser sessions in a real headless Chromium against a real uvicorn on 127.0.0.1: the header
names who is logged in; a page's script writes with the session's token; logging in and out
through the forms; /docs and /redoc drawn from the local copies with nothing leaving 127.0.0.1;
and a forged form posted from a page on another origin (a second local port) refused, changing
nothing.

The shared ``browser`` is logged in as the manager (tests/browser/conftest.py); a test that logs
it out logs it back in as the manager before it ends."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.request import Request, urlopen

import pytest

from tests.factories import MANAGER, MANAGER_KEY

# The same values as tests/browser/conftest.py's seed document (fixtures, not imports).
HOSTILE_ID = "m-hostile"
HOSTILE_NAME = "<script>alert(1)</script> <img src=x onerror=alert(2)>"
LiveServer = Any
Tab = Any


def _api(live_server: LiveServer, path: str) -> Any:
    import json

    with urlopen(Request(live_server.url + path, headers=MANAGER), timeout=60) as r:
        return json.loads(r.read())


def _log_in(tab: Tab, live_server: LiveServer, key: str, next_path: str = "/") -> None:
    tab.page.goto(f"{live_server.url}/login?next={next_path}")
    tab.page.fill("#key", key)
    tab.page.click("main button[type=submit]")
    tab.page.wait_for_load_state()


def _header(tab: Tab) -> tuple[str, str]:
    return tab.page.inner_text("header .who-name"), tab.page.inner_text("header .who-role")


def test_the_header_names_who_is_logged_in_and_logs_out(live_server: LiveServer, tab: Tab) -> None:
    page = tab.page
    try:
        r = page.goto(live_server.url + "/")
        assert r is not None and r.status == 200 and page.url == live_server.url + "/desk"
        assert _header(tab) == ("Cluster manager", "manager")
        assert [a.inner_text() for a in page.query_selector_all("header nav a")] == [
            "Desk", "Introductions", "Messages", "Tenders", "Events", "Members & keys", "Data", "Ecosystem",
            "Subsectors", "Find members", "Report"]
        tab.screenshot("session-desk")

        # A member logs in through the form: the header shows their name as text (a hostile one here).
        key = live_server.post_json("/api/v1/keys", {"role": "member", "member": HOSTILE_ID, "name": "browser test"})
        page.click("header form.logout button")
        page.wait_for_url(live_server.url + "/login?out=true")
        assert "You are logged out." in page.inner_text("main")
        _log_in(tab, live_server, key["key"])
        assert page.url == live_server.url + "/me"
        assert _header(tab) == (HOSTILE_NAME, "member")
        assert page.inner_text("main h1") == HOSTILE_NAME
        assert "Report" not in page.inner_text("header nav")
        tab.screenshot("session-me")

        # The page's own script writes with the session's token (Chromium sends the page's Origin)...
        write = """async ([path, token]) => {
            const headers = {'Content-Type': 'application/json'};
            if (token) headers['X-CSRF-Token'] = document.querySelector('meta[name=csrf-token]').content;
            const r = await fetch(path, {method: 'PATCH', headers, body: JSON.stringify({city: 'Clervaux'})});
            return [r.status, await r.text()];
        }"""
        status, body = page.evaluate(write, [f"/api/v1/members/{HOSTILE_ID}", True])
        assert status == 200, body
        assert _api(live_server, f"/api/v1/members/{HOSTILE_ID}")["city"] == "Clervaux"
        # ... and without it the same write is refused.
        status, body = page.evaluate(write, [f"/api/v1/members/{HOSTILE_ID}", False])
        assert status == 403 and "anti-forgery token" in body

        page.click("header form.logout button")
        page.wait_for_url(live_server.url + "/login?out=true")
        r = page.goto(live_server.url + "/me")
        assert page.url.startswith(live_server.url + "/login?next=")  # logged out: the login again
        # The refused fetch is the only console error ("Failed to load resource: ... 403").
        assert not tab.dialogs and [e for e in tab.errors if "status of 403" not in e] == [], tab.errors
        assert not tab.foreign_requests()
    finally:
        _log_in(tab, live_server, MANAGER_KEY, "/explore")
        assert page.url == live_server.url + "/explore"
        assert _header(tab) == ("Cluster manager", "manager")


def test_error_pages_in_the_browser(live_server: LiveServer, tab: Tab) -> None:
    page = tab.page
    page.goto(live_server.url + "/viz/ecosystem")
    page.evaluate("() => { location.href = '/viz/members/m-999'; }")
    page.wait_for_url(live_server.url + "/viz/members/m-999")
    assert page.inner_text("main h1") == "Not found"
    assert "There is no member 'm-999'." in page.inner_text("main")
    assert _header(tab) == ("Cluster manager", "manager")
    tab.screenshot("error-404")
    page.click("text=Back to the previous page")
    page.wait_for_url(live_server.url + "/viz/ecosystem")


@pytest.mark.parametrize(("path", "ready"), [
    ("/docs", ".swagger-ui .opblock"),
    ("/redoc", ".redoc-wrap .api-content"),
])
def test_docs_render_offline(live_server: LiveServer, tab: Tab, path: str, ready: str) -> None:
    response = tab.page.goto(live_server.url + path)
    assert response is not None and response.status == 200
    tab.page.wait_for_selector(ready, timeout=30_000)
    assert "Creative Industries Cluster graph service" in tab.page.inner_text("body")
    tab.page.wait_for_timeout(500)  # let late requests (fonts, icons, workers) show themselves
    tab.screenshot("docs" + path.replace("/", "-"))
    tab.assert_clean()  # no console error (no CSP violation), no dialog, nothing left 127.0.0.1


# -- a forged cross-site post --------------------------------------------------------------------

FORGED_PAGES = {
    # A form that tries to log the browser out.
    "/logout": """<form method="post" action="{service}/logout">
        <input name="csrf_token" value="guessed"></form>""",
    # A form whose text/plain body is the JSON of a tie (the classic way to forge a JSON write).
    "/tie": """<form method="post" action="{service}/api/v1/members/m-001/ties" enctype="text/plain">
        <input name='{{"other": "m-005", "kind": "knows", "x": "' value='"}}'></form>""",
    # A tie through an ordinary form, with a guessed token.
    "/form": """<form method="post" action="{service}/api/v1/members/m-001/ties">
        <input name="csrf_token" value="guessed"><input name="other" value="m-005"></form>""",
}


@pytest.fixture
def other_site(live_server: LiveServer) -> Iterator[str]:
    """Another origin: a tiny HTTP server on a second port of 127.0.0.1 whose pages auto-submit a
    form to the service (the port differs, so it is another origin, yet the same site for
    SameSite: the browser does send the session cookie)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the http.server API names it so
            form = FORGED_PAGES.get(self.path)
            if form is None:
                self.send_error(404)
                return
            body = ("<!doctype html><title>Win a prize</title><body>" + form.format(service=live_server.url)
                    + "<script>document.forms[0].submit()</script></body>").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="other-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("forged", list(FORGED_PAGES))
def test_a_forged_cross_site_post_is_refused(live_server: LiveServer, tab: Tab, other_site: str,
                                             forged: str) -> None:
    page = tab.page
    ties_before = _api(live_server, "/api/v1/members/m-001/ties")
    with page.expect_response(lambda r: r.url.startswith(live_server.url) and r.request.method == "POST") as posted:
        page.goto(other_site + forged)
    response = posted.value
    assert response.status == 403, (response.status, response.text()[:300])
    assert response.request.headers.get("origin") == other_site  # the browser said where it came from
    page.wait_for_load_state()
    assert "another site" in page.inner_text("body")
    if forged == "/logout":
        tab.screenshot("forged-post-refused")
    # Nothing changed: the manager is still logged in, and m-001 has the same ties.
    assert _api(live_server, "/api/v1/members/m-001/ties") == ties_before
    page.goto(live_server.url + "/desk")
    assert page.url == live_server.url + "/desk" and _header(tab) == ("Cluster manager", "manager")
    assert not tab.dialogs and not tab.foreign_requests()
