"""What the service needs to run unchanged on a Neo4j cluster or Aura, tried on the one server here.

Neo4j Community is one server, so no cluster answers these tests; what can be observed on one
server is observed for real, on the wire (the driver's Bolt log) or by the server's own refusals:

* ``NEO4J_URI``: the six schemes accepted, anything else refused naming the setting;
* the service end to end over ``neo4j://`` (the driver fetches a routing table: Bolt ``ROUTE``),
  every read in a transaction begun in READ mode and every write-mode transaction writing;
* a read transaction cannot write (the server refuses: ``Neo.ClientError.Statement.AccessMode``);
* bookmarks: a second ``Database`` given the first's bookmarks sends them and sees the write;
* TLS: a managed server with a Bolt TLS policy (a CA and a certificate made with openssl), reached
  with ``bolt+s://`` and ``neo4j+s://`` (the CA trusted through
  ``GRAPH_SERVICE_NEO4J_TRUSTED_CA``) and ``neo4j+ssc://``; refused without the CA;
* two workers (``graph-service serve --workers 2``, Redis) with the projection's check interval at
  300 s: a member's write through one worker is on the other's next page of that browser session
  at once (its warm paths, by name), while another session of the same member on that worker still
  sees the old names.
"""

from __future__ import annotations

import logging
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError

from graph_service.api.app import create_app
from graph_service.errors import ConfigurationError, StoreUnavailable
from graph_service.interchange import Document, MemberRecord
from graph_service.neo4j_server.managed import ManagedServer
from graph_service.services.keys import create_key
from graph_service.settings import Settings
from graph_service.store import documents
from graph_service.store import members as member_store
from graph_service.store.changes import positions
from graph_service.store.database import (
    URI_SCHEMES,
    Connection,
    Database,
    LastWrite,
    driver_target,
    request_consistency,
)
from tests.conftest import _free_port
from tests.factories import MANAGER, small_document
from tests.serving import two_workers_serving
from tests.test_workers import client_not_on, one_per_worker

# -- the Bolt conversation, as the driver logs it ---------------------------------------------------
_LINE = re.compile(r"^\[#(?P<conn>[0-9A-F]{4})\]\s+C: (?P<verb>BEGIN|RUN|COMMIT|ROLLBACK|ROUTE)\b ?(?P<rest>.*)$",
                   re.DOTALL)
_WRITING = re.compile(r"\b(MERGE|CREATE|SET|DELETE|REMOVE|DETACH|LOAD\s+CSV)\b")


class BoltLog(logging.Handler):
    """The messages the driver sends (its DEBUG log of the Bolt protocol)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def transactions(self) -> list[tuple[str, list[str]]]:
        """Each explicit transaction: its access mode ("r" or "w") and the statements it ran."""
        open_tx: dict[str, tuple[str, list[str]]] = {}
        done: list[tuple[str, list[str]]] = []
        for line in self.lines:
            m = _LINE.match(line)
            if m is None:
                continue
            conn, verb, rest = m["conn"], m["verb"], m["rest"]
            if verb == "BEGIN":
                open_tx[conn] = ("r" if "'mode': 'r'" in rest else "w", [])
            elif verb == "RUN" and conn in open_tx:
                open_tx[conn][1].append(rest)
            elif verb in ("COMMIT", "ROLLBACK") and conn in open_tx:
                done.append(open_tx.pop(conn))
        return done

    def begins(self) -> list[str]:
        return [line for line in self.lines if " C: BEGIN " in line]


@contextmanager
def bolt_log() -> Iterator[BoltLog]:
    logger = logging.getLogger("neo4j")
    handler = BoltLog()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _statement(run: str) -> str:
    """The query text of a logged RUN, without its comment lines."""
    text = run.split("' {", 1)[0].split('" {', 1)[0]
    return "\n".join(line for line in text.replace("\\n", "\n").splitlines() if not line.lstrip("'\"").startswith("//"))


def _routed(settings: Settings, connection: Connection, **more: object) -> Settings:
    """The test run's server as an external server reached through ``neo4j://`` (routing)."""
    uri = connection.uri.replace("bolt://", "neo4j://", 1)
    return settings.model_copy(update={"neo4j_uri": uri, "neo4j_user": connection.user,
                                       "neo4j_password": SecretStr(connection.password),
                                       "neo4j_database": connection.database, **more})


# -- NEO4J_URI --------------------------------------------------------------------------------------
def test_every_scheme_is_accepted_and_anything_else_refused_by_name(tmp_path: Path) -> None:
    for scheme in URI_SCHEMES:
        assert Settings(NEO4J_URI=f"{scheme}://db.example.lu:7687").neo4j_uri == f"{scheme}://db.example.lu:7687"
        assert driver_target(f"{scheme}://db.example.lu")[0] == f"{scheme}://db.example.lu"
    for wrong in ("http://db.example.lu:7474", "db.example.lu:7687", "neo4j://", "bolt+tls://db.example.lu"):
        with pytest.raises(ValidationError, match="NEO4J_URI must be bolt://, bolt\\+s://"):
            Settings(NEO4J_URI=wrong)
        with pytest.raises(ConfigurationError, match="NEO4J_URI"):
            driver_target(wrong)
    assert Settings(NEO4J_URI="").managed  # empty: the managed local server, as unset

    ca = tmp_path / "ca.crt"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    uri, extra = driver_target("neo4j+s://graph.cluster.internal:7687?policy=eu", ca)
    assert uri == "neo4j://graph.cluster.internal:7687?policy=eu" and extra["encrypted"] is True
    assert type(extra["trusted_certificates"]).__name__ == "TrustCustomCAs"
    for scheme in ("neo4j", "bolt+ssc"):
        with pytest.raises(ConfigurationError, match="GRAPH_SERVICE_NEO4J_TRUSTED_CA"):
            driver_target(f"{scheme}://graph.cluster.internal", ca)
    with pytest.raises(ConfigurationError, match="no such file"):
        driver_target("bolt+s://graph.cluster.internal", tmp_path / "missing.crt")


# -- routing, access modes ----------------------------------------------------------------------------
def test_the_service_over_neo4j_routing_reads_in_read_mode_and_writes_in_write_mode(
        db: Database, neo4j_backend: tuple[Settings, Connection]) -> None:
    settings, connection = neo4j_backend
    routed = _routed(settings, connection)
    with bolt_log() as log, TestClient(create_app(routed), headers=MANAGER) as client:
        app_db: Database = client.app.state.db  # type: ignore[attr-defined]
        assert app_db.connection.uri.startswith("neo4j://")
        assert client.get("/health").json()["status"] == "ok"
        r = client.post("/api/v1/import", json=small_document())
        assert r.status_code == 200, r.text
        assert client.get("/api/v1/members/m-002").json()["name"] == "Pixel Kayl"
        assert client.get("/api/v1/members/m-001/recommendations").status_code == 200
        assert client.patch("/api/v1/members/m-002", json={"city": "Kayl"}).status_code == 200
        paths = client.get("/api/v1/members/m-001/paths/m-003")
        assert paths.status_code == 200, paths.text
        assert client.get("/api/v1/members/m-002").json()["city"] == "Kayl"
        assert client.get("/viz", follow_redirects=True).status_code == 200

    assert any(" C: ROUTE " in line for line in log.lines), "no routing table was fetched"
    transactions = log.transactions()
    reads = [statements for mode, statements in transactions if mode == "r"]
    writes = [statements for mode, statements in transactions if mode == "w"]
    assert len(reads) >= 8 and len(writes) >= 3, (len(reads), len(writes))
    for statements in reads:
        for run in statements:
            assert not _WRITING.search(_statement(run)), f"a write in a read transaction: {run[:300]}"
    for statements in writes:
        texts = [_statement(run) for run in statements]
        assert any(_WRITING.search(t) or "awaitIndexes" in t for t in texts), \
            f"a write transaction that only reads: {[t[:200] for t in texts]}"
    # The projection's reads (positions, changes after them, the whole graph) are among the reads.
    read_text = "\n".join(run for statements in reads for run in statements)
    assert "ChangeShard" in read_text and "Change" in read_text


def test_a_read_transaction_cannot_write(db: Database) -> None:
    """The driver begins reads in READ mode, and the server holds them to it (on a cluster they
    may go to a follower or read replica, which could not write)."""
    with pytest.raises(Exception) as refused:  # the driver's ClientError (the driver is the store's)
        db.read(lambda tx: tx.run("changes/append_change", shard=0, kinds=["bulk"], ids=[""]))
    assert getattr(refused.value, "code", None) == "Neo.ClientError.Statement.AccessMode"
    before = db.version()
    db.write(lambda tx: None)  # the same statement in a write transaction: a bulk change record
    assert db.version() == before + 1


# -- bookmarks ------------------------------------------------------------------------------------------
def test_a_second_database_given_the_first_ones_bookmarks_sends_them_and_sees_the_write(
        db: Database, neo4j_backend: tuple[Settings, Connection]) -> None:
    settings, connection = neo4j_backend
    routed = _routed(settings, connection)
    with request_consistency() as mine:
        member_store.create_member(db, MemberRecord.model_validate(
            {"id": "m-700", "name": "Bookmark Studio", "kind": "company", "subsectors": ["design"]}))
    assert mine.wrote is not None and mine.wrote.bookmarks and mine.wrote.changes
    assert set(mine.wrote.bookmarks) <= set(db.bookmarks())
    # As another process would: the LastWrite travels as JSON (Redis, in the service).
    travelled = LastWrite.from_json(mine.wrote.to_json())
    assert travelled == mine.wrote

    other = Database(routed)
    try:
        with bolt_log() as log, request_consistency(travelled):
            assert member_store.get_member(other, "m-700").name == "Bookmark Studio"
        sent = [line for line in log.begins() if "'mode': 'r'" in line]
        assert sent and all(b in sent[0] for b in travelled.bookmarks), log.begins()
        # Its own later reads carry its own newer bookmark (one manager for all its sessions).
        with bolt_log() as later:
            other.version()
        assert other.bookmarks() and any(other.bookmarks()[0] in line for line in later.begins())
    finally:
        other.close()

    # The projection's positions include the write's change record.
    assert travelled.seen_in(positions(db))
    assert not LastWrite((), ((3, 10**9),)).seen_in(positions(db))


def test_the_projections_read_after_a_local_write_carries_that_writes_bookmark(db: Database) -> None:
    member_store.create_member(db, MemberRecord.model_validate(
        {"id": "m-701", "name": "Causal Works", "kind": "company", "subsectors": ["design"]}))
    written = db.bookmarks()
    assert written
    with bolt_log() as log:
        seen = positions(db)  # what ProjectionCache.current reads at once after a local write
    assert sum(seen) > 0
    assert log.begins() and all(b in log.begins()[0] for b in written), (written, log.begins())


def test_bookmarks_the_server_refuses_are_dropped_and_the_read_made_without_them(db: Database) -> None:
    """A session's kept write that the server cannot parse (another deployment's, another
    database's): the request reads without those bookmarks, keeping the change records to wait for."""
    with bolt_log() as log, request_consistency(LastWrite(("FB:not-a-bookmark",), ((0, 1),))) as state:
        assert db.version() >= 0
        assert state.after == LastWrite((), ((0, 1),))
    begins = log.begins()
    assert len(begins) == 2 and "FB:not-a-bookmark" in begins[0] and "FB:not-a-bookmark" not in begins[1]
    assert any("S: FAILURE" in line and "Neo.ClientError.Transaction.InvalidBookmark" in line for line in log.lines)


# -- TLS ----------------------------------------------------------------------------------------------
def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def _certificates(folder: Path) -> tuple[Path, Path]:
    """A CA, and a certificate for 127.0.0.1 and localhost signed by it (with its PKCS#8 key)
    in ``folder/bolt`` as Neo4j's SSL policy expects; the CA's path and the policy folder."""
    folder.mkdir(parents=True)
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=graph-service test CA",
             "-keyout", "ca.key", "-out", "ca.crt", cwd=folder)
    policy = folder / "bolt"
    for sub in ("trusted", "revoked"):
        (policy / sub).mkdir(parents=True)
    _openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "bolt/private.key", cwd=folder)
    _openssl("req", "-new", "-key", "bolt/private.key", "-subj", "/CN=localhost", "-out", "server.csr", cwd=folder)
    (folder / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
             "-extfile", "san.ext", "-out", "bolt/public.crt", cwd=folder)
    return folder / "ca.crt", policy


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, str]]:
    """A managed server of its own whose Bolt port speaks TLS (and plain Bolt, for its start-up
    check): the settings to reach it through NEO4J_URI, and its password."""
    root = tmp_path_factory.mktemp("tls")
    ca, policy = _certificates(root / "certs")
    managed = Settings(GRAPH_SERVICE_HOME=root / "home", GRAPH_SERVICE_BOLT_PORT=_free_port(),
                       GRAPH_SERVICE_HTTP_PORT=_free_port(), GRAPH_SERVICE_HEAP="512m",
                       GRAPH_SERVICE_PAGECACHE="64m", NEO4J_URI=None)
    server = ManagedServer(managed, extra_config={
        "dbms.ssl.policy.bolt.enabled": "true",
        "dbms.ssl.policy.bolt.base_directory": str(policy),
        "dbms.ssl.policy.bolt.private_key": "private.key",
        "dbms.ssl.policy.bolt.public_certificate": "public.crt",
        "dbms.ssl.policy.bolt.client_auth": "NONE",
        "server.bolt.tls_level": "OPTIONAL",
    })
    try:
        server.start(log=lambda m: print(m))
        assert "dbms.ssl.policy.bolt.enabled=true" in (server.conf_dir / "neo4j.conf").read_text()
        yield managed.model_copy(update={"neo4j_trusted_ca": ca, "home": root / "service"}), server.password()
    finally:
        server.stop()


def test_tls_with_a_private_ca_and_with_a_self_signed_certificate(tls_server: tuple[Settings, str]) -> None:
    base, password = tls_server
    port = base.bolt_port

    def reach(uri: str, *, ca: bool) -> Database:
        return Database(base.model_copy(update={"neo4j_uri": uri, "neo4j_password": SecretStr(password),
                                                "neo4j_trusted_ca": base.neo4j_trusted_ca if ca else None}))

    for uri, ca in ((f"bolt+s://127.0.0.1:{port}", True), (f"neo4j+s://localhost:{port}", True),
                    (f"neo4j+ssc://127.0.0.1:{port}", False), (f"bolt+ssc://localhost:{port}", False)):
        database = reach(uri, ca=ca)
        try:
            with bolt_log() as log:
                assert database.ping().startswith("Neo4j/5.26")
                assert database.version() >= 0
            assert not uri.startswith("neo4j") or any(" C: ROUTE " in line for line in log.lines)
        finally:
            database.close()
    # The certificate is really checked: without the CA, the system's CAs do not know it.
    unknown = reach(f"bolt+s://127.0.0.1:{port}", ca=False)
    try:
        with pytest.raises(StoreUnavailable, match="SSLCertVerificationError"):
            unknown.ping()
    finally:
        unknown.close()


# -- two workers: a member reads their own write whichever worker answers ----------------------------
@pytest.fixture
def slow_checking_workers(db: Database, neo4j_backend: tuple[Settings, Connection],
                          tmp_path: Path) -> Iterator[str]:
    """``graph-service serve --workers 2`` over ``neo4j://``, its projections looking for other
    processes' writes only every 300 s."""
    _settings, c = neo4j_backend
    documents.import_document(db, Document.model_validate(small_document()), replace=True)
    with two_workers_serving(c, tmp_path, {"GRAPH_SERVICE_PROJECTION_CHECK": "300"},
                             uri=c.uri.replace("bolt://", "neo4j://", 1)) as base:
        yield base


def _login(client: httpx.Client, base: str, key: str) -> None:
    r = client.post("/login", data={"key": key, "next": "/"}, headers={"Origin": base}, follow_redirects=False)
    assert r.status_code == 303, r.text


def _paths_page(client: httpx.Client, base: str, pid: str) -> tuple[httpx.Client, str]:
    """Who can introduce me to Atelier Weber: warm paths by name, drawn from the projection, as
    answered by worker ``pid``, below the page's header (whose name of the visitor is read from
    Neo4j); a connection that came back on the other worker is replaced."""
    for _ in range(5):
        page = client.get("/me/introduce", params={"person": "Atelier Weber"})
        assert page.status_code == 200, page.text[:300]
        if page.headers["x-served-by"] == pid:
            return client, page.text.split("</header>", 1)[1]
        cookies = httpx.Cookies(client.cookies)
        client.close()
        client = client_not_on(base, page.headers["x-served-by"])
        client.cookies = cookies
    pytest.fail(f"no answer from worker {pid}")


def test_a_members_write_through_one_worker_is_on_their_next_page_from_the_other(
        slow_checking_workers: str, db: Database) -> None:
    base = slow_checking_workers
    a, b = one_per_worker(base)
    pid_a, pid_b = a.get("/health").headers["x-served-by"], b.get("/health").headers["x-served-by"]
    key = create_key(db, role="member", member="m-002", name="Pixel's laptop")
    _login(a, base, key.key)
    b.cookies = httpx.Cookies(a.cookies)  # the same browser, on its connection to the other worker
    other = client_not_on(base, pid_a)  # a second browser of the same member, on worker B too
    _login(other, base, key.key)

    b, before = _paths_page(b, base, pid_b)  # worker B's projection is built, then not checked for 300 s
    assert "Pixel Kayl" in before and "Kayl Game Works" not in before
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', a.get("/me").text)
    assert token
    changed = a.patch("/api/v1/members/m-002", json={"name": "Kayl Game Works"},
                      headers={"X-CSRF-Token": token.group(1), "Origin": base})
    assert changed.status_code == 200 and changed.headers["x-served-by"] == pid_a, changed.text

    # The other browser's request waits for nothing: worker B answers from its projection as it was.
    other, stale = _paths_page(other, base, pid_b)
    assert "Kayl Game Works" not in stale and "Pixel Kayl" in stale
    # The browser that wrote: worker B waits for its write, and shows it.
    b, fresh = _paths_page(b, base, pid_b)
    assert "Kayl Game Works" in fresh and "Pixel Kayl" not in fresh
    for c in (a, b, other):
        c.close()
