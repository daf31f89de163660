"""The pages' colours: one per subsector (maps and report alike), the community palette and
the maps' fixed colours; and the subsectors' display names."""

from __future__ import annotations

from graph_service.domain import SUBSECTOR_BY_ID

__all__ = [
    "COMMUNITY_PALETTE",
    "EDGE_COLOUR",
    "HIGHLIGHT",
    "NO_TIES_COLOUR",
    "OTHER_COLOUR",
    "PATH_COLOURS",
    "PROPOSED_COLOUR",
    "SUBSECTOR_COLOURS",
    "TEAM_COLOUR",
    "subsector_colour",
    "subsector_name",
]

SUBSECTOR_COLOURS: dict[str, str] = {
    "architecture": "#4e79a7",
    "crafts-manufacturing": "#f28e2b",
    "visual-arts": "#e15759",
    "film-audiovisual": "#76b7b2",
    "design": "#59a14f",
    "fashion-design": "#edc948",
    "gaming": "#b07aa1",
    "marketing-communication": "#ff9da7",
    "literature": "#9c755f",
    "digital-media-publishing": "#17becf",
    "performing-arts": "#bcbd22",
    "music": "#7f3c8d",
}
COMMUNITY_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#aec7e8",
    "#ffbb78",
    "#98df8a",
    "#ff9896",
    "#c5b0d5",
    "#c49c94",
    "#f7b6d2",
    "#dbdb8d",
    "#9edae5",
    "#393b79",
)
OTHER_COLOUR = "#b8b8b8"
NO_TIES_COLOUR = "#dddddd"
EDGE_COLOUR = "rgba(110,110,110,0.28)"
HIGHLIGHT = "#d6336c"
PATH_COLOURS = (
    "#d6336c",
    "#1c7ed6",
    "#2b8a3e",
    "#e8590c",
    "#7048e8",
    "#0c8599",
    "#5c940d",
    "#c2255c",
    "#364fc7",
    "#a61e4d",
)
PROPOSED_COLOUR = "#e8590c"
TEAM_COLOUR = "#7c3aed"


def subsector_name(sid: str | None) -> str:
    """The display name of a subsector id ("none" for None, the id itself when unknown)."""
    if sid is None:
        return "none"
    s = SUBSECTOR_BY_ID.get(sid)
    return s.name if s else sid


def subsector_colour(sid: str | None) -> str:
    """The colour of a subsector (grey when unknown or None)."""
    return SUBSECTOR_COLOURS.get(sid or "", OTHER_COLOUR)
