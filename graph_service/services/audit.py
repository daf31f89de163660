"""The audit log: who read or changed whose data, under pseudonymous ids.

One JSON object per line, appended to ``GRAPH_SERVICE_AUDIT_LOG`` (default ``<home>/audit.jsonl``)::

    {"at": "2026-11-22T10:15:02.123+00:00", "actor": "m:3f9a0c...", "role": "member",
     "method": "GET", "route": "/api/v1/members/{member_id}/recommendations",
     "subjects": ["m:3f9a0c..."], "status": 200}

Member ids never appear in the log: each is replaced by ``m:`` and the first 16 bytes (hex) of
HMAC-SHA256(secret, id). The secret is kept in ``<home>/audit-secret`` (mode 600), or given by
``GRAPH_SERVICE_AUDIT_SECRET``. Whoever holds the secret can find a given member's lines
(``graph-service audit --member m-042``); the log alone names nobody. Keys are named by their id
(``key:k-…``), which is not personal data; the manager is ``manager``.

Each line is handed to the operating system (one ``write`` on a descriptor opened for appending)
before the answer leaves, so a shutdown or a crash of the service loses no line, and several
processes append whole lines to one file. The descriptor is kept open between lines (opening the
file for each line cost more than the line: 83 µs against about 20 µs under load, see
docs/benchmarks.md "Request path") and opened again when the file was moved or deleted (log
rotation), which is checked at most once a second.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

__all__ = ["AuditLog", "load_secret"]


def load_secret(home: Path) -> bytes:
    """The pseudonymisation secret: ``GRAPH_SERVICE_AUDIT_SECRET``, else ``<home>/audit-secret``
    (created with 32 random bytes on first use)."""
    if env := os.environ.get("GRAPH_SERVICE_AUDIT_SECRET"):
        return env.encode("utf-8")
    path = Path(home) / "audit-secret"
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(value.hex() + "\n")
    return value


class AuditLog:
    """Appends audit lines; thread-safe within a process, one ``write`` per line across processes."""

    def __init__(self, path: Path, secret: bytes):
        self.path = Path(path)
        self._secret = secret
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd: int | None = None
        self._checked = 0.0
        self._names: dict[str, str] = {}  # member id -> pseudonym, the last few thousand

    def pseudonym(self, member_id: str) -> str:
        found = self._names.get(member_id)
        if found is None:
            found = "m:" + hmac.new(self._secret, member_id.encode("utf-8"), hashlib.sha256).hexdigest()[:32]
            if len(self._names) >= 10_000:
                self._names.clear()
            self._names[member_id] = found
        return found

    def _descriptor(self) -> int:
        """The open descriptor of the log; opened again when the file at ``path`` is another one."""
        now = time.monotonic()
        if self._fd is not None and now - self._checked > 1.0:
            self._checked = now
            try:
                moved = os.stat(self.path).st_ino != os.fstat(self._fd).st_ino
            except FileNotFoundError:
                moved = True
            if moved:
                self._close()
        if self._fd is None:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            self._checked = now
        return self._fd

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def close(self) -> None:
        """Close the log's descriptor (a later line opens it again)."""
        with self._lock:
            self._close()

    def __del__(self) -> None:
        self._close()

    def record(self, *, actor: str, role: str, method: str, route: str, subjects: Iterable[str],
               status: int, **extra: Any) -> None:
        """Append one line. ``actor`` and ``subjects`` are member ids (pseudonymised here) or
        ``manager`` / ``key:<id>`` / ``anonymous``."""
        entry = {
            "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "actor": actor if actor.startswith(("key:", "manager", "anonymous")) else self.pseudonym(actor),
            "role": role,
            "method": method,
            "route": route,
            "subjects": sorted({self.pseudonym(s) for s in subjects}),
            "status": status,
            **extra,
        }
        line = orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE)
        with self._lock:
            os.write(self._descriptor(), line)

    def lines(self, *, member: str | None = None) -> Iterator[dict[str, Any]]:
        """The log's entries, optionally only those where ``member`` acted or was a subject."""
        if not self.path.exists():
            return
        wanted = self.pseudonym(member) if member else None
        with self.path.open(encoding="utf-8") as f:
            for raw in f:
                entry = json.loads(raw)
                if wanted is None or entry.get("actor") == wanted or wanted in entry.get("subjects", ()):
                    yield entry
