"""One real Neo4j per test run, a clean graph for every test that asks for one.

Where the server comes from, in order:
1. ``NEO4J_URI`` (with ``NEO4J_USER``/``NEO4J_PASSWORD``): an external server, e.g. in CI.
2. testcontainers' Neo4j container (``neo4j:5.26-community``) when a Docker engine answers.
3. The managed local server (Maven Central jars on Java 17) in a new folder under ``.data/test``
   (removed afterwards), on free ports, so runs side by side do not disturb each other.

If none starts, the run fails loudly: there is no skip and no stand-in.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graph_service.api.app import create_app
from graph_service.settings import PROJECT_ROOT, Settings, get_settings
from graph_service.store.database import Connection, Database
from graph_service.store.documents import clear_graph
from graph_service.store.readiness import Readiness
from tests.factories import MANAGER, MANAGER_KEY

# Each run gets a home of its own, so two runs in one checkout never stop each other's server.
TEST_HOMES = Path(os.environ.get("GRAPH_SERVICE_TEST_HOME", PROJECT_ROOT / ".data" / "test"))

# Rate limits are lifted for the suite; tests of the limits set their own.


def _auth_settings(settings: Settings, home: Path) -> Settings:
    from pydantic import SecretStr

    return settings.model_copy(update={
        "manager_key": SecretStr(MANAGER_KEY),
        "rate_limit_per_minute": 10_000_000,
        "rate_burst": 1_000_000,
        "login_attempts_per_minute": 100_000,
        "audit_log": home / "audit.jsonl",
        "home": home,
    })


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _docker_container() -> tuple[object, Connection] | None:
    """A Neo4j container when a Docker engine answers, else None."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    if host.startswith("unix://") and not Path(host.removeprefix("unix://")).exists():
        return None  # no engine: the managed server is next
    import docker

    try:
        engine = docker.DockerClient(base_url=host, version="1.44", timeout=3)
    except Exception:
        return None
    try:
        engine.ping()
    except Exception:
        return None
    finally:
        engine.close()
    try:
        from testcontainers.community.neo4j import Neo4jContainer  # type: ignore[import-not-found]  # newer layout
    except ImportError:
        from testcontainers.neo4j import Neo4jContainer
    container = Neo4jContainer("neo4j:5.26-community")
    container.start()
    uri = container.get_connection_url()
    return container, Connection(uri, "neo4j", container.password, "neo4j")


@pytest.fixture(scope="session")
def neo4j_backend() -> Iterator[tuple[Settings, Connection]]:
    TEST_HOMES.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="run-", dir=TEST_HOMES))
    if os.environ.get("NEO4J_URI"):
        settings = _auth_settings(Settings(), home)
        yield settings, Database(settings).connection
        shutil.rmtree(home, ignore_errors=True)
        return
    found = _docker_container()
    if found is not None:
        container, connection = found
        settings = _auth_settings(Settings(NEO4J_URI=connection.uri, NEO4J_PASSWORD=connection.password), home)
        yield settings, connection
        container.stop()  # type: ignore[attr-defined]  # typed object: testcontainers is optional
        shutil.rmtree(home, ignore_errors=True)
        return
    from graph_service.neo4j_server.managed import ManagedServer

    settings = Settings(
        GRAPH_SERVICE_HOME=home,
        GRAPH_SERVICE_BOLT_PORT=_free_port(),
        GRAPH_SERVICE_HTTP_PORT=_free_port(),
        GRAPH_SERVICE_HEAP="768m",
    )
    settings = _auth_settings(settings, home)
    server = ManagedServer(settings)
    try:
        server.start(log=lambda m: print(m))  # raises ServerError with the log tail: the run fails
        yield settings, Connection(server.bolt_uri, "neo4j", server.password(), "neo4j")
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def _session_db(neo4j_backend: tuple[Settings, Connection]) -> Iterator[Database]:
    settings, connection = neo4j_backend
    database = Database(settings, connection)
    Readiness().ensure(database)
    yield database
    database.close()


@pytest.fixture
def db(_session_db: Database) -> Database:
    """The real database, emptied of cluster data, API keys and kept map layouts (schema and
    subsectors kept)."""
    from graph_service.services.keys import delete_keys
    from graph_service.store.layout import delete_layouts

    clear_graph(_session_db)
    delete_keys(_session_db, member=None)
    delete_layouts(_session_db)
    Readiness().ensure(_session_db)
    return _session_db


@pytest.fixture
def settings(neo4j_backend: tuple[Settings, Connection]) -> Settings:
    return neo4j_backend[0]


@pytest.fixture
def client(db: Database, settings: Settings) -> Iterator[TestClient]:
    """The API as the cluster manager (the manager key on every request)."""
    with TestClient(create_app(settings, db), headers=MANAGER) as c:
        yield c


@pytest.fixture
def anon_client(client: TestClient) -> TestClient:
    """The same app, with no credentials."""
    return TestClient(client.app)


@pytest.fixture
def member_client(client: TestClient, db: Database) -> Callable[[str], TestClient]:
    """``member_client("m-001")``: the same app as that member (a member key made for it)."""
    from graph_service.services.keys import create_key

    def make(member_id: str) -> TestClient:
        key = create_key(db, role="member", member=member_id, name=f"test key of {member_id}")
        return TestClient(client.app, headers={"Authorization": f"Bearer {key.key}"})

    return make


@pytest.fixture
def app_client(client: TestClient, db: Database) -> TestClient:
    """The same app as a client application (e.g. the cluster's website)."""
    from graph_service.services.keys import create_key

    key = create_key(db, role="client", name="cluster website (test)")
    return TestClient(client.app, headers={"Authorization": f"Bearer {key.key}"})


@pytest.fixture
def cli(db: Database, neo4j_backend: tuple[Settings, Connection],
        monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A CLI runner whose commands reach the test database as an external server (NEO4J_URI)."""
    _settings, connection = neo4j_backend
    for name, value in (("NEO4J_URI", connection.uri), ("NEO4J_USER", connection.user),
                        ("NEO4J_PASSWORD", connection.password), ("NEO4J_DATABASE", connection.database)):
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()
