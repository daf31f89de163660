"""Errors the services raise for requests that cannot be answered as asked."""

from __future__ import annotations

__all__ = ["InvalidRequest", "Forbidden"]


class InvalidRequest(ValueError):
    """A parameter is valid in form but not for this graph (e.g. a skill nobody defined)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Forbidden(PermissionError):
    """The caller is known but may not do this (HTTP 403); the message says why."""
