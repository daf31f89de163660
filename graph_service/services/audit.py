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
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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

    def pseudonym(self, member_id: str) -> str:
        digest = hmac.new(self._secret, member_id.encode("utf-8"), hashlib.sha256).hexdigest()
        return "m:" + digest[:32]

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
        line = (json.dumps(entry, separators=(",", ":")) + "\n").encode("utf-8")
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)

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
