"""Read your own writes across processes: a browser session's last write, kept with the session.

Every request runs in its own :func:`~graph_service.store.database.request_consistency`. When
the request comes with a browser session that wrote through another process in the last
:data:`~graph_service.api.auth.sessions.LAST_WRITE_KEEP_S` seconds, :func:`identify
<graph_service.api.auth.principals.identify>` makes it wait for that write
(:func:`~graph_service.store.database.wait_for`): its reads carry the write's bookmarks, and the
projection refreshes until it holds the write's change records. When the request wrote, its
write is kept with the session (in Redis) before the answer leaves, so the browser's next request
(the redirect after a form, typically) sees it whichever worker or host answers.

With the sessions in memory (one process) nothing is kept: the process's bookmark manager and
its projection, invalidated by every local write, already give that. In Redis the cost is one
``SET`` after a request that wrote and one ``GET`` in the pipeline that reads the session anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any

from starlette.concurrency import run_in_threadpool

from graph_service.api.auth.sessions import SESSION_COOKIE
from graph_service.errors import StoreUnavailable
from graph_service.store.database import request_consistency

__all__ = ["ReadYourWrites"]

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _session_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            morsel = SimpleCookie(value.decode("latin-1")).get(SESSION_COOKIE)
            if morsel is not None:
                return morsel.value
    return None


class ReadYourWrites:
    """ASGI middleware: the request's causal state, and the session's last write kept."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with request_consistency() as state:

            async def keep_then_send(message: Message) -> None:
                if message["type"] == "http.response.start" and state.wrote is not None:
                    await self._keep(scope, state.after.followed_by(state.wrote) if state.after else state.wrote)
                await send(message)

            await self.app(scope, receive, keep_then_send)

    async def _keep(self, scope: Scope, write: Any) -> None:
        session = (scope.get("state") or {}).get("session")  # set by identify: a live session
        sid = _session_id(scope) if session is not None else None
        guard = getattr(scope["app"].state, "guard", None)
        if sid is None or guard is None:
            return
        try:
            await run_in_threadpool(guard.sessions.note_write, sid, write)
        except StoreUnavailable as exc:  # the write is made; only another worker may answer from before it
            log.warning("could not keep the session's last write: %s", exc)
