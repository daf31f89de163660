"""Errors raised by the analytics functions."""

from __future__ import annotations

import networkx as nx

__all__ = ["UnknownMember"]


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
