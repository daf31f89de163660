"""The managed local Neo4j server: assembled from Maven Central, run on Java 17.

No Docker engine is needed. ``install`` copies ``org.neo4j.app:neo4j-server`` and
``org.neo4j:neo4j`` with their runtime dependencies into ``<neo4j_dist>/<version>/lib`` once
(``pom.xml`` beside this module); ``ManagedServer.start`` writes a ``neo4j.conf`` under
``<home>/neo4j/conf``, sets a generated initial password with the admin tool from the same jars,
runs ``org.neo4j.server.CommunityEntryPoint`` and waits until Bolt answers.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from graph_service.settings import Settings

__all__ = [
    "NEO4J_VERSION",
    "ManagedServer",
    "ServerError",
    "ServerStatus",
    "install",
    "lib_dir",
]

NEO4J_VERSION = "5.26.31"
POM = Path(__file__).with_name("pom.xml")
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
_PASSWORD_ALPHABET = string.ascii_letters + string.digits
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djol.skipHotspotSAAttach=true",
    "-Dfile.encoding=UTF-8",
)


# Servers this process started. The server outlives the command that started it (it has its own
# session and pid file); keeping the Popen objects here lets them be reaped without warnings.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


class ServerError(RuntimeError):
    """The managed server could not be installed, started or stopped; the message says why."""


@dataclass(frozen=True, slots=True)
class ServerStatus:
    running: bool
    pid: int | None
    bolt_uri: str
    http_url: str
    home: Path
    version: str


def lib_dir(settings: Settings) -> Path:
    return settings.neo4j_dist / NEO4J_VERSION / "lib"


def install(settings: Settings, log: Callable[[str], None] = print) -> Path:
    """Assemble the Neo4j jars from Maven Central once; later calls reuse them."""
    lib = lib_dir(settings)
    marker = lib.parent / ".complete"
    if marker.exists():
        return lib
    if shutil.which(settings.mvn) is None:
        raise ServerError(
            f"Maven ('{settings.mvn}') was not found. Install Maven and Java 17 "
            "(Debian: apt-get install maven openjdk-17-jdk-headless), or set NEO4J_URI to use another server."
        )
    lib.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="lib-", dir=lib.parent))
    log(f"Assembling Neo4j {NEO4J_VERSION} from Maven Central into {lib} (first run only)...")
    cmd = [
        settings.mvn, "-B", "-q", "-f", str(POM),
        f"-Dneo4j.version={NEO4J_VERSION}",
        "dependency:copy-dependencies",
        f"-DoutputDirectory={staging}",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
        raise ServerError(f"Maven could not assemble Neo4j {NEO4J_VERSION}:\n{tail}")
    if lib.exists():
        shutil.rmtree(lib)
    staging.rename(lib)
    marker.write_text(NEO4J_VERSION + "\n")
    return lib


def _port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def _pid_alive(pid: int) -> bool:
    proc = _CHILDREN.get(pid)
    if proc is not None:
        return proc.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A process whose parent is gone may linger as a zombie. Beware: the JVM's main thread exits
    # before the others, leaving the leader in state Z while the process still runs, so a
    # process is only dead when it is a zombie with no thread left.
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    zombie = fields.get("State", "").strip().startswith("Z")
    return not (zombie and fields.get("Threads", "1").strip() == "1")


class ManagedServer:
    """One local Neo4j instance living under ``<home>/neo4j``.

    ``extra_config`` is written into ``neo4j.conf`` after (and over) the settings this class
    makes, e.g. a Bolt TLS policy (``dbms.ssl.policy.bolt.*``, ``server.bolt.tls_level``; see
    ``tests/test_cluster_ready.py``)."""

    def __init__(self, settings: Settings, *, extra_config: Mapping[str, str] | None = None):
        self.settings = settings
        self.extra_config = dict(extra_config or {})
        self.root = settings.home / "neo4j"
        self.conf_dir = self.root / "conf"
        self.data_dir = self.root / "data"
        self.logs_dir = self.root / "logs"
        self.run_dir = self.root / "run"
        self.plugins_dir = self.root / "plugins"
        self.import_dir = self.root / "import"
        self.pid_file = self.run_dir / "graph-service-neo4j.pid"
        self.password_file = self.root / "password"
        self.console_log = self.logs_dir / "console.log"

    # -- facts -----------------------------------------------------------------------------
    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.settings.bolt_port}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.http_port}"

    def password(self) -> str:
        try:
            return self.password_file.read_text().strip()
        except FileNotFoundError:
            raise ServerError(
                f"No password in {self.password_file}: start the managed server first (graph-service db start)."
            ) from None

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        return pid if _pid_alive(pid) else None

    def status(self) -> ServerStatus:
        pid = self.pid()
        running = pid is not None and _port_open(self.settings.bolt_port)
        return ServerStatus(running, pid, self.bolt_uri, self.http_url, self.settings.home, NEO4J_VERSION)

    def log_tail(self, lines: int = 40) -> str:
        chunks = []
        for path in (self.console_log, self.logs_dir / "debug.log"):
            if path.exists():
                text = path.read_text(errors="replace").splitlines()[-lines:]
                chunks.append(f"--- {path} ---\n" + "\n".join(text))
        return "\n".join(chunks) or "(no log written)"

    # -- configuration ---------------------------------------------------------------------
    def write_config(self) -> Path:
        s = self.settings
        for d in (self.conf_dir, self.data_dir, self.logs_dir, self.run_dir, self.plugins_dir, self.import_dir):
            d.mkdir(parents=True, exist_ok=True)
        conf = {
            "server.default_listen_address": "127.0.0.1",
            "server.default_advertised_address": "127.0.0.1",
            "server.bolt.enabled": "true",
            "server.bolt.listen_address": f"127.0.0.1:{s.bolt_port}",
            "server.bolt.advertised_address": f"127.0.0.1:{s.bolt_port}",
            "server.http.enabled": "true",
            "server.http.listen_address": f"127.0.0.1:{s.http_port}",
            "server.http.advertised_address": f"127.0.0.1:{s.http_port}",
            "server.https.enabled": "false",
            "server.directories.data": str(self.data_dir),
            "server.directories.logs": str(self.logs_dir),
            "server.directories.run": str(self.run_dir),
            "server.directories.plugins": str(self.plugins_dir),
            "server.directories.import": str(self.import_dir),
            "server.memory.pagecache.size": s.pagecache,
            "dbms.memory.transaction.total.max": s.tx_memory_total,
            "db.memory.transaction.max": s.tx_memory_max,
            "db.transaction.timeout": f"{int(s.tx_timeout_s * 2)}s",
            # One server: a bookmark it has not reached names a store it no longer holds (replaced
            # by a bulk load or a restore), never a write still on its way; say so after 2 s, not 30,
            # and the process forgets those bookmarks (store/database.py).
            "db.transaction.bookmark_ready_timeout": "2s",
            "dbms.security.auth_enabled": "true",
            "dbms.security.auth_minimum_password_length": "16",
            "dbms.usage_report.enabled": "false",
            # Erased members' data leaves the transaction logs when their file is rotated and then
            # pruned (docs/privacy.md): small files rotate within days even on a quiet cluster.
            "db.tx_log.rotation.retention_policy": "2 days 256M",
            "db.tx_log.rotation.size": "8M",
        }
        conf.update(self.extra_config)
        path = self.conf_dir / "neo4j.conf"
        body = "# Written by graph-service; edits are overwritten at each start.\n"
        body += "".join(f"{k}={v}\n" for k, v in conf.items())
        path.write_text(body)
        return path

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["NEO4J_HOME"] = str(self.root)
        env["NEO4J_CONF"] = str(self.conf_dir)
        return env

    def _classpath(self, lib: Path) -> str:
        return f"{self.plugins_dir}/*:{lib}/*"

    def _ensure_password(self, lib: Path) -> None:
        """Generate and set the initial password before the very first start."""
        auth_file = self.data_dir / "dbms" / "auth.ini"
        if self.password_file.exists():
            return
        if (self.data_dir / "databases").exists() or auth_file.exists():
            raise ServerError(
                f"{self.data_dir} holds a database but {self.password_file} is missing; the password cannot be "
                f"recovered. Remove {self.root} to start afresh (this deletes the local graph)."
            )
        # Letters and digits only: a password starting with '-' would be read by the admin tool
        # as an option (token_urlsafe does that once in 64 draws). 32 characters: 190 bits.
        password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(32))
        proc = subprocess.run(
            [self.settings.java, "-cp", self._classpath(lib), ADMIN_TOOL, "dbms", "set-initial-password", password],
            capture_output=True, text=True, env=self._env(),
        )
        if proc.returncode != 0:
            raise ServerError(f"Setting the initial password failed:\n{proc.stdout}\n{proc.stderr}")
        fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(password + "\n")

    # -- lifecycle -------------------------------------------------------------------------
    def start(self, log: Callable[[str], None] = print) -> ServerStatus:
        """Start the server (installing it first if needed) and wait until Bolt answers."""
        current = self.status()
        if current.running:
            return current
        if current.pid is not None:  # alive but Bolt not yet answering: wait for it
            self._wait_ready(current.pid, time.monotonic())
            return self.status()
        if shutil.which(self.settings.java) is None:
            raise ServerError(f"Java ('{self.settings.java}') was not found; Neo4j 5.26 needs Java 17 or 21.")
        for port in (self.settings.bolt_port, self.settings.http_port):
            if _port_open(port):
                raise ServerError(
                    f"Port {port} on 127.0.0.1 is already in use by another process; set GRAPH_SERVICE_BOLT_PORT "
                    "/ GRAPH_SERVICE_HTTP_PORT to free ports or stop that process."
                )
        lib = install(self.settings, log)
        self.write_config()
        self._ensure_password(lib)
        cmd = [
            self.settings.java, f"-Xms{self.settings.heap}", f"-Xmx{self.settings.heap}", *JVM_FLAGS,
            "-cp", self._classpath(lib), ENTRY_POINT,
            f"--home-dir={self.root}", f"--config-dir={self.conf_dir}", "--console-mode",
        ]
        log(f"Starting Neo4j {NEO4J_VERSION} on {self.bolt_uri} (home {self.root})...")
        began = time.monotonic()
        with open(self.console_log, "ab") as out:
            proc = subprocess.Popen(
                cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=self._env(), start_new_session=True, cwd=self.root,
            )
        _CHILDREN[proc.pid] = proc
        self.pid_file.write_text(f"{proc.pid}\n")
        self._wait_ready(proc.pid, began, proc)
        log(f"Neo4j answered on {self.bolt_uri} after {time.monotonic() - began:.1f} s.")
        return self.status()

    def _wait_ready(self, pid: int, began: float, proc: subprocess.Popen[bytes] | None = None) -> None:
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError, ServiceUnavailable

        deadline = began + self.settings.start_timeout
        password = self.password()
        while True:
            exited = proc.poll() is not None if proc is not None else not _pid_alive(pid)
            if exited:
                self.pid_file.unlink(missing_ok=True)
                raise ServerError(f"Neo4j exited during start-up.\n{self.log_tail()}")
            if _port_open(self.settings.bolt_port):
                try:
                    with GraphDatabase.driver(self.bolt_uri, auth=("neo4j", password),
                                              connection_timeout=2) as driver:
                        driver.verify_connectivity()
                    return
                except AuthError as exc:
                    self.stop()
                    raise ServerError(f"Neo4j refused the stored password: {exc}") from None
                except (ServiceUnavailable, OSError):
                    pass
            if time.monotonic() > deadline:
                self.stop()
                raise ServerError(
                    f"Neo4j did not answer on {self.bolt_uri} within {self.settings.start_timeout:.0f} s.\n"
                    f"{self.log_tail()}"
                )
            time.sleep(0.25)

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop the server cleanly (SIGTERM, then SIGKILL after ``timeout``). True if one was running."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _pid_alive(pid) and time.monotonic() < deadline:
            _reap(pid)
            time.sleep(0.2)
        if _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)
        _reap(pid)
        self.pid_file.unlink(missing_ok=True)
        return True


def _reap(pid: int) -> None:
    proc = _CHILDREN.get(pid)
    if proc is not None:
        if proc.poll() is not None:
            del _CHILDREN[pid]
        return
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
