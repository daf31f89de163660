"""ASGI middleware: request-body size limits and the audit log."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs, unquote

from starlette.exceptions import HTTPException

from graph_service.api.auth.principals import Principal
from graph_service.services.audit import AuditLog

__all__ = ["SUBJECT_PARAMS", "AuditTrail", "BodyLimit", "route_template"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimit:
    """Refuse request bodies above a size with 413 and a JSON message, before they are read whole.

    The declared ``Content-Length`` is checked first, before the application runs. A body sent
    without one (chunked) is counted as it arrives; past the limit, reading it raises a 413
    ``HTTPException``, which FastAPI's handlers turn into the same JSON answer. ``limits`` maps a
    path to its own limit (the import).
    """

    def __init__(self, app: ASGIApp, *, default: int, limits: dict[str, int] | None = None):
        self.app = app
        self.default = default
        self.limits = limits or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(scope.get("path", ""), self.default)
        message = f"The request body is larger than this endpoint accepts ({limit:,} bytes)."
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await _send_json(send, 413, {"detail": message})
                return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            incoming = await receive()
            if incoming["type"] == "http.request":
                received += len(incoming.get("body", b""))
                if received > limit:
                    raise HTTPException(413, detail=message)
            return incoming

        await self.app(scope, counting_receive, send)


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": payload})


# Path and query parameters that name a member whose data the request reads or changes.
SUBJECT_PARAMS = ("member_id", "source", "target", "other_id", "member")
_NOT_AUDITED = ("/health", "/viz/assets/", "/docs", "/redoc", "/openapi.json", "/favicon")


class AuditTrail:
    """Write one audit line per request that reads or changes cluster data (docs/privacy.md)."""

    def __init__(self, app: ASGIApp, *, log: AuditLog):
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(_NOT_AUDITED) or (path == "/login" and scope["method"] == "GET"):
            await self.app(scope, receive, send)
            return
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            self._write(scope, path, status)

    def _write(self, scope: Scope, path: str, status: int) -> None:
        principal: Principal | None = (scope.get("state") or {}).get("principal")
        if principal is None:
            actor, role = "anonymous", "anonymous"
        elif principal.role == "member" and principal.member_id:
            actor, role = principal.member_id, "member"
        elif principal.role == "manager":
            actor, role = "manager", "manager"
        else:
            actor, role = f"key:{principal.key_id}", principal.role
        params = dict(scope.get("path_params") or {})
        route = route_template(path, params) if scope.get("route") is not None else "(no route)"
        query = parse_qs((scope.get("query_string") or b"").decode("latin-1"))
        subjects = [str(params[p]) for p in SUBJECT_PARAMS if p in params]
        subjects += [v for v in query.get("member", [])]
        self.log.record(actor=actor, role=role, method=scope["method"], route=route, subjects=subjects,
                        status=status)


def route_template(path: str, params: dict[str, Any]) -> str:
    """The request path with each path parameter's value put back as ``{name}``, so the log
    holds ``/api/v1/members/{member_id}`` and never the id itself."""
    by_value = {str(v): k for k, v in params.items()}
    return "/".join(f"{{{by_value[unquote(part)]}}}" if unquote(part) in by_value else part
                    for part in path.split("/"))
