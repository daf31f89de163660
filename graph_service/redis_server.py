"""A local Redis for several workers on one machine: Debian's ``redis-server``, started and stopped
by ``graph-service serve --workers N`` when no ``GRAPH_SERVICE_REDIS_URL`` is given.

It listens on 127.0.0.1 only, on a free port, with a random password (in the URL the workers get,
never on a command line: the configuration file under ``<home>/redis`` is mode 600), and keeps
nothing on disk (no snapshot, no append-only file): it holds browser sessions and rate limits,
which a restart may lose (everyone logs in again), exactly as with one process in memory. Its log,
pid file and configuration are under ``<home>/redis``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

__all__ = ["RedisServerError", "LocalRedis", "MISSING"]

MISSING = ("redis-server is not installed: install Debian's package (`apt-get install redis-server`, "
           "or `make redis`), or point GRAPH_SERVICE_REDIS_URL at a Redis every worker can reach.")


class RedisServerError(RuntimeError):
    """The local Redis could not be started; the message says why."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalRedis:
    """One ``redis-server`` process under ``home``: :meth:`start` returns its URL, :meth:`stop`
    ends it. Also a context manager."""

    def __init__(self, home: Path, *, executable: str | None = None, start_timeout: float = 20.0):
        self.dir = Path(home) / "redis"
        self.executable = executable or shutil.which("redis-server") or "/usr/bin/redis-server"
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.url: str | None = None

    def start(self) -> str:
        if not Path(self.executable).exists():
            raise RedisServerError(MISSING)
        self.dir.mkdir(parents=True, exist_ok=True)
        port, password = _free_port(), secrets.token_urlsafe(24)
        conf = self.dir / "redis.conf"
        conf.unlink(missing_ok=True)
        fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("\n".join([
                "bind 127.0.0.1", f"port {port}", "protected-mode yes", f"requirepass {password}",
                f"dir {self.dir}", f"pidfile {self.dir / 'redis.pid'}", f"logfile {self.dir / 'redis.log'}",
                'save ""', "appendonly no", "daemonize no", "databases 1", "",
            ]))
        self.process = subprocess.Popen([self.executable, str(conf)], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                        start_new_session=True)  # Ctrl-C reaches uvicorn, which stops us
        url = f"redis://:{password}@127.0.0.1:{port}/0"
        import redis

        deadline = time.monotonic() + self.start_timeout
        client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        try:
            while True:
                if self.process.poll() is not None:
                    log = self.dir / "redis.log"
                    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                    raise RedisServerError(f"redis-server exited ({self.process.returncode}):\n{tail}")
                try:
                    if client.ping():
                        break
                except redis.RedisError:
                    pass
                if time.monotonic() > deadline:
                    self.stop()
                    raise RedisServerError(f"redis-server did not answer within {self.start_timeout:.0f} s")
                time.sleep(0.05)
        finally:
            client.close()
        self.url = url
        return url

    @property
    def port(self) -> int | None:
        return int(self.url.rsplit(":", 1)[1].split("/")[0]) if self.url else None

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        self.url = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
