"""Fixtures of the browser tests: one real uvicorn on 127.0.0.1 and one headless Chromium per run.

* ``live_server``: the service (``create_app``) served by uvicorn in a thread on a free port of
  127.0.0.1, on the test run's real Neo4j, seeded through ``POST /api/v1/import?replace=true``
  with the seed cluster (300 members, seed 42) plus a member whose name is hostile HTML.
* ``browser``: Debian's Chromium (``/usr/bin/chromium``) driven by Playwright with a fresh
  profile. If Chromium is missing the tests FAIL (``make test`` installs it); Playwright's own
  browser download (``playwright install``) is never used.
* ``tab``: a new page whose every request URL, console error, page error and dialog is recorded;
  requests to any other host than 127.0.0.1 are recorded and then aborted.
* ``open_tab(key=None, next_path="/")``: another person: a page in a new browser context with its
  own cookies, logged in with ``key`` (a member's key) or not logged in at all.
* ``tests/browser/axe.py``: the accessibility check (axe-core, vendored).

Screenshots go to ``test-artifacts/browser/`` (git-ignored).
"""

from __future__ import annotations

import json
import shutil
import socket
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from graph_service.settings import PROJECT_ROOT, Settings
from graph_service.store.database import Connection, Database
from tests.factories import MANAGER, MANAGER_KEY

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-default-browser-check",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "browser"
HOSTILE_ID = "m-hostile"  # test_browser_pages.py repeats these two
HOSTILE_NAME = "<script>alert(1)</script> <img src=x onerror=alert(2)>"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed_document() -> dict[str, Any]:
    """The seed cluster plus one public member with a hostile name, tied to two members."""
    from seed.generator import generate_cluster

    doc, _facts = generate_cluster(members=300, seed=42)
    data = doc.model_dump(mode="json", exclude_none=True)
    data["members"].append(
        {
            "id": HOSTILE_ID,
            "name": HOSTILE_NAME,
            "kind": "freelancer",
            "subsectors": ["gaming"],
            "skills": [],
            "visibility": "public",
            "joined": "2026-01-15",
            "description": HOSTILE_NAME,
            "city": "<b>Esch</b>",
        }
    )
    data["ties"].append({"source": HOSTILE_ID, "target": "m-001", "kind": "knows", "weight": 0.9})
    data["ties"].append({"source": HOSTILE_ID, "target": "m-002", "kind": "collaborated", "weight": 0.7})
    return data


class LiveServer:
    """uvicorn serving the app in a daemon thread."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            ws="none",
            lifespan="on",
            access_log=False,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="uvicorn-viz-tests", daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 180  # generous: the start-up checks the schema, on a busy machine
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)

    def post_json(self, path: str, body: Any) -> Any:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode("utf-8"),
            method="POST",
            headers={"Content-Type": "application/json", **MANAGER},
        )
        with urllib.request.urlopen(request, timeout=300) as r:
            return json.loads(r.read())


@pytest.fixture(scope="session")
def live_server(neo4j_backend: tuple[Settings, Connection]) -> Iterator[LiveServer]:
    from graph_service.api.app import create_app

    settings, connection = neo4j_backend
    db = Database(settings, connection)
    server = LiveServer(create_app(settings, db))
    server.start()
    try:
        server.post_json("/api/v1/import?replace=true", seed_document())
        yield server
    finally:
        server.stop()
        db.close()


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    """Playwright, once per run (its browsers come from :data:`CHROMIUM`)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install it with `apt-get install -y --no-install-recommends chromium` "
            "(`make test` does it)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(live_server: LiveServer, playwright_driver: Any) -> Iterator[Any]:
    """Headless Chromium, logged in as the manager through the login page (a session cookie)."""
    profile = tempfile.mkdtemp(prefix="viz-chromium-")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = playwright_driver.chromium.launch_persistent_context(
        profile,
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1400, "height": 900},
        service_workers="block",
        accept_downloads=False,
    )
    try:
        login = context.new_page()
        login.goto(live_server.url + "/login?next=/explore")
        login.fill("#key", MANAGER_KEY)
        login.click("button[type=submit]")
        login.wait_for_url(live_server.url + "/explore")
        login.close()
        yield context
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def chromium(playwright_driver: Any) -> Iterator[Any]:
    """A second headless Chromium whose contexts are separate people (:func:`open_tab`)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    instance = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    try:
        yield instance
    finally:
        instance.close()


@dataclass
class Tab:
    """A browser page and everything it did."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        """Requests to anything but 127.0.0.1 (file: URLs of standalone pages count as local)."""
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "about", "blob"):
                continue
            if parts.scheme == "file" and not parts.netloc:
                continue
            if parts.hostname != "127.0.0.1":
                out.append(url)
        return out

    def wait_ready(self, timeout: float = 30.0, frame: Any = None) -> float:
        """Wait for the map script's ``window.__graphReady`` (ms since navigation).

        Polls with ``evaluate`` (DevTools protocol, not subject to the page's CSP) rather than
        ``wait_for_function``, whose polling is string evaluation that the policy blocks.
        """
        target = frame or self.page
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = target.evaluate("() => window.__graphReady === undefined ? null : window.__graphReady")
            if value is not None:
                return float(value)
            self.page.wait_for_timeout(50)  # not time.sleep: Playwright must keep dispatching events
        raise AssertionError(f"the map was not drawn within {timeout} s; console errors: {self.errors}")

    def canvas(self, frame: Any = None) -> dict[str, Any]:
        """Size and ink of the network's canvas (pixels that are neither blank nor white)."""
        return (frame or self.page).evaluate("""() => {
            const c = document.querySelector('#network canvas');
            if (!c) return null;
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let ink = 0;
            for (let i = 0; i < d.length; i += 4 * 7) {
                if (d[i + 3] > 0 && (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235)) ink++;
            }
            return {width: c.width, height: c.height, ink: ink, dataUrl: c.toDataURL('image/png').length};
        }""")

    def artifact(self, name: str) -> Path:
        return ARTIFACTS / name

    def screenshot(self, name: str, **kwargs: Any) -> Path:
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), **kwargs)
        return path

    def assert_clean(self) -> None:
        assert not self.errors, f"console errors: {self.errors}"
        assert not self.dialogs, f"dialogs fired: {self.dialogs}"
        assert not self.foreign_requests(), f"requests left 127.0.0.1: {self.foreign_requests()}"


def watch(page: Any) -> Tab:
    """Record a page's requests, console errors, page errors and dialogs; abort any request to
    another host than 127.0.0.1 (it is recorded first)."""
    t = Tab(page)

    def on_request(request: Any) -> None:
        t.requests.append(request.url)

    def on_console(message: Any) -> None:
        if message.type == "error":
            t.errors.append(message.text)

    def on_dialog(dialog: Any) -> None:
        t.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def guard(route: Any) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != "127.0.0.1":
            route.abort()
        else:
            route.continue_()

    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", lambda exc: t.errors.append(f"page error: {exc}"))
    page.on("dialog", on_dialog)
    page.route("**/*", guard)
    return t


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    """A new page of the manager's browser."""
    t = watch(browser.new_page())
    try:
        yield t
    finally:
        t.page.close()


@pytest.fixture
def open_tab(chromium: Any, live_server: LiveServer) -> Iterator[Callable[..., Tab]]:
    """``open_tab(key=None, next_path="/")``: a page in a NEW browser context (its own cookies: another
    person), logged in through the login form with ``key`` when one is given (a member's key from
    ``live_server.post_json("/api/v1/keys", {...})["key"]``), else not logged in at all (a member
    following a mailed link). Every context is closed at the end of the test."""
    contexts: list[Any] = []

    def open_one(key: str | None = None, next_path: str = "/") -> Tab:
        context = chromium.new_context(viewport={"width": 1400, "height": 900}, service_workers="block",
                                       accept_downloads=True)
        contexts.append(context)
        t = watch(context.new_page())
        if key is not None:
            t.page.goto(f"{live_server.url}/login?next={next_path}")
            t.page.fill("#key", key)
            t.page.click("main button[type=submit]")
            t.page.wait_for_load_state()
        return t

    try:
        yield open_one
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def smtp(live_server: LiveServer) -> Iterator[Any]:
    """A real SMTP server on 127.0.0.1 (tests/smtp.py), and the live app's settings pointed at it
    for this test only."""
    from tests.smtp import smtp_server

    app = live_server.server.config.app
    with smtp_server() as server:
        # Saved and put back by hand: pytest's monkeypatch deletes the attribute of a Starlette
        # State on undo instead of restoring it, which left the live app without settings.
        before = app.state.settings
        app.state.settings = server.settings(before)
        try:
            yield server
        finally:
            app.state.settings = before
