"""Overlays: extra nodes and edges drawn over a map in one style, with a legend entry.

Proposed introductions are dashed edges (:func:`proposed_ties_overlay`), a proposed team is its
members linked by dotted edges (:func:`team_overlay`); any other overlay is built the same way
and passed to the page builders. :func:`parse_pairs` and :func:`parse_members` read them from
query parameters (or CLI options).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph_service.errors import InvalidRequest
from graph_service.web.colours import PROPOSED_COLOUR, TEAM_COLOUR
from graph_service.web.maps.model import MapPage, add_edge

__all__ = [
    "MAX_PROPOSED",
    "MAX_TEAM",
    "Overlay",
    "apply_overlays",
    "parse_members",
    "parse_pairs",
    "proposed_ties_overlay",
    "team_overlay",
]

MAX_TEAM = 20
MAX_PROPOSED = 200
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _proposed_style() -> dict[str, Any]:
    return {"dashes": True, "color": PROPOSED_COLOUR, "width": 3}


@dataclass(frozen=True, slots=True)
class Overlay:
    """Extra nodes and edges drawn over a map in one style, with a legend entry.

    ``nodes`` are highlighted (and added to the map when missing); ``edges`` are drawn with
    ``edge_style`` (vis-network edge options, e.g. ``{"dashes": True}``). Ids must be nodes
    of the projection; the page builders add missing ones.
    """

    name: str
    edges: tuple[tuple[str, str], ...] = ()
    nodes: tuple[str, ...] = ()
    edge_style: Mapping[str, Any] = field(default_factory=_proposed_style)
    node_border: str = PROPOSED_COLOUR
    edge_note: str = ""


def proposed_ties_overlay(
    pairs: Iterable[tuple[str, str]], *, name: str = "Proposed introduction", colour: str = PROPOSED_COLOUR
) -> Overlay:
    """Proposed ties (introductions not made yet) as dashed edges."""
    edges = tuple((a, b) for a, b in pairs)
    return Overlay(
        name=name,
        edges=edges,
        edge_style={"dashes": [8, 6], "color": colour, "width": 3},
        node_border=colour,
        edge_note="proposed, not a tie yet",
    )


def team_overlay(members: Iterable[str], *, name: str = "Proposed team", colour: str = TEAM_COLOUR) -> Overlay:
    """A proposed team: its members highlighted and linked to each other by dotted edges."""
    people = tuple(dict.fromkeys(members))
    edges = tuple((a, b) for i, a in enumerate(people) for b in people[i + 1:])
    return Overlay(
        name=name,
        edges=edges,
        nodes=people,
        edge_style={"dashes": [2, 4], "color": colour, "width": 2},
        node_border=colour,
        edge_note="in the proposed team",
    )


def parse_members(text: str | None, known: Callable[[str], bool], *, field_name: str = "team",
                  limit: int = MAX_TEAM) -> list[str]:
    """Parse ``m-001,m-002`` into member ids; each well-formed and ``known``.

    Raises :class:`InvalidRequest` (HTTP 422) naming the first problem.
    """
    if text is None or not text.strip():
        return []
    ids = list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    if len(ids) > limit:
        raise InvalidRequest(field_name, f"at most {limit} members")
    for ident in ids:
        if not _ID.match(ident):
            raise InvalidRequest(field_name, f"'{ident[:80]}' is not a member id like m-001")
        if not known(ident):
            raise InvalidRequest(field_name, f"unknown member '{ident}'")
    return ids


def parse_pairs(
    text: str | None, known: Callable[[str], bool], *, field_name: str = "proposed", limit: int = MAX_PROPOSED
) -> list[tuple[str, str]]:
    """Parse ``a:b,c:d`` into id pairs; every id well-formed and ``known``, no self-pair.

    Raises :class:`InvalidRequest` (HTTP 422) naming the first problem.
    """
    if text is None or not text.strip():
        return []
    pairs: list[tuple[str, str]] = []
    seen: set[frozenset[str]] = set()
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        parts = item.split(":")
        if len(parts) != 2 or not all(_ID.match(p) for p in parts):
            raise InvalidRequest(field_name, f"'{item[:80]}' is not a pair of member ids like m-001:m-002")
        a, b = parts
        if a == b:
            raise InvalidRequest(field_name, f"'{item}' pairs a member with itself")
        for ident in (a, b):
            if not known(ident):
                raise InvalidRequest(field_name, f"unknown member '{ident}'")
        key = frozenset((a, b))
        if key not in seen:
            seen.add(key)
            pairs.append((a, b))
        if len(pairs) > limit:
            raise InvalidRequest(field_name, f"at most {limit} pairs")
    return pairs


def apply_overlays(
    page: MapPage,
    G: nx.Graph[str],
    overlays: Sequence[Overlay],
    *,
    node_of: Callable[[str], str | None] = lambda n: n,
    add_missing: Callable[[str], bool] | None = None,
) -> None:
    """Draw ``overlays`` on ``page``: highlight their nodes and add their edges in their style.

    ``node_of`` maps a member to the node that shows it (itself, or its aggregate); a member
    whose node is not on the page is added with ``add_missing`` (when given) or skipped.
    """
    present = set(page.net.node_ids)
    for k, ov in enumerate(overlays):
        shown = 0

        def place(n: str) -> str | None:
            m = node_of(n)
            if m is None:
                return None
            if m not in present:
                if add_missing is None or not add_missing(m):
                    return None
                present.add(m)
            return m

        for n in ov.nodes:
            m = place(n)
            if m is not None:
                node = page.net.node_map[m]
                current = node.get("color")
                background = current.get("background") if isinstance(current, dict) else current
                node.update(borderWidth=4, color={"background": background, "border": ov.node_border})
                page.meta.setdefault(m, {})["border"] = ov.node_border
        for i, (a, b) in enumerate(ov.edges):
            ma, mb = place(a), place(b)
            if ma is None or mb is None or ma == mb:
                continue
            eid = add_edge(page.net, ma, mb, id=f"o{k}-{i}", **dict(ov.edge_style))
            names = [G.nodes[x].get("name", x) if x in G else x for x in (a, b)]
            tip: list[Any] = [ov.name, ["Between", f"{names[0]} ({a}) and {names[1]} ({b})"]]
            if ov.edge_note:
                tip.append(["Note", ov.edge_note])
            page.edge_tips[eid] = tip
            shown += 1
        style = dict(ov.edge_style)
        page.legend_extra.append(
            {
                "label": f"{ov.name} ({shown})",
                "colour": str(style.get("color", PROPOSED_COLOUR)),
                "dashes": bool(style.get("dashes")),
            }
        )
