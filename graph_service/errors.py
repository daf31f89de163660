"""Every error the service raises on purpose, in one module that every layer imports.

The store, the analytics, the services, the CLI and the API all raise and catch these; only
``graph_service.api.errors`` knows how each becomes an HTTP status (and the CLI how each becomes
an exit code). Driver exceptions never leave the store: it raises :class:`StoreUnavailable` and
:class:`QueryTimeout` instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

if TYPE_CHECKING:  # pragma: no cover
    from graph_service.interchange import Problem

__all__ = [
    "NotFound",
    "Conflict",
    "InvalidRequest",
    "Forbidden",
    "NotAuthenticated",
    "LoginRequired",
    "RateLimited",
    "ConfigurationError",
    "DocumentInvalid",
    "UnknownMember",
    "StoreError",
    "StoreUnavailable",
    "QueryTimeout",
]


class NotFound(LookupError):
    """No object with that id (HTTP 404); ``kind`` and ``id`` say which."""

    def __init__(self, kind: str, ident: str):
        super().__init__(f"no {kind} '{ident}'")
        self.kind = kind
        self.id = ident


class Conflict(ValueError):
    """The write contradicts what the graph holds, e.g. an id that is taken (HTTP 409)."""


class InvalidRequest(ValueError):
    """A parameter is valid in form but not for this graph, e.g. a skill nobody defined (HTTP 422)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Forbidden(PermissionError):
    """The caller is known but may not do this (HTTP 403); the message says why."""


class NotAuthenticated(Exception):
    """No credentials, or credentials that match no live key (HTTP 401)."""


class LoginRequired(NotAuthenticated):
    """A page was asked for without a login: the browser is sent to /login."""


class RateLimited(Exception):
    """The caller has used up its allowance (HTTP 429); ``retry_after`` in seconds."""

    def __init__(self, retry_after: float, what: str):
        super().__init__(what)
        self.retry_after = retry_after


class ConfigurationError(RuntimeError):
    """The service cannot start as configured (e.g. no manager key outside development mode)."""


class DocumentInvalid(Exception):
    """An interchange document (or spreadsheet) has problems; carries every one of them (HTTP 422)."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the document")
        self.problems = problems


class UnknownMember(nx.NodeNotFound, KeyError):
    """A member (or organisation) id that is not a node of the collaboration graph.

    It is both a :class:`networkx.NodeNotFound` and a :class:`KeyError`, so callers may catch
    either; ``id`` holds the offending id.
    """

    def __init__(self, ident: str, what: str = "member"):
        super().__init__(f"no {what} '{ident}' in the collaboration graph")
        self.id = ident

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class StoreError(RuntimeError):
    """Base of the errors the store raises instead of driver exceptions."""


class StoreUnavailable(StoreError):
    """Neo4j does not answer: down, unreachable, or refusing the credentials (HTTP 503)."""


class QueryTimeout(StoreError):
    """A query ran past its transaction timeout and was stopped (HTTP 504)."""
