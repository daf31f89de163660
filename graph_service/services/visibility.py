"""Who may see whom: a member's visibility setting against the audience of an answer.

``private`` members are seen by the cluster manager only; ``members`` by the manager and other
cluster members; ``public`` by anyone, including the cluster website's HTTP clients.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import networkx as nx

__all__ = ["Audience", "VISIBLE_TO", "can_see"]

Audience = Literal["manager", "member", "public"]

VISIBLE_TO: dict[str, frozenset[str]] = {
    "manager": frozenset({"private", "members", "public"}),
    "member": frozenset({"members", "public"}),
    "public": frozenset({"public"}),
}


def can_see(G: nx.Graph, audience: Audience) -> Callable[[str], bool]:
    """A predicate: may ``audience`` see node ``n`` of ``G``? Organisations are visible to all."""
    allowed = VISIBLE_TO[audience]
    nodes = G.nodes

    def visible(n: str) -> bool:
        data = nodes[n]
        if data.get("node_type") == "organisation":
            return True
        return data.get("visibility", "members") in allowed

    return visible
