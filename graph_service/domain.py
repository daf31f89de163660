"""The fixed vocabulary of the cluster: subsectors, kinds, statuses and the other clusters.

Everything that may become a label, a relationship type or an enumerated field lives here as a
fixed list, so no user input ever decides the shape of a Cypher statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "SUBSECTORS",
    "SUBSECTOR_IDS",
    "Subsector",
    "MemberKind",
    "Visibility",
    "TieKind",
    "ProjectKind",
    "ProjectStatus",
    "EventFormat",
    "IntroductionStatus",
    "OPEN_INTRODUCTION_STATUSES",
    "OTHER_CLUSTERS",
    "MANAGER",
    "ERASED_FACILITATOR",
]


@dataclass(frozen=True, slots=True)
class Subsector:
    """One of the cluster's twelve subsectors, with the NACE Rev. 2 codes that count it."""

    id: str
    name: str
    nace: tuple[str, ...]
    description: str


SUBSECTORS: Final[tuple[Subsector, ...]] = (
    Subsector("architecture", "Architecture", ("71.11", "71.12"),
              "Architecture, including engineering and town planning"),
    Subsector("crafts-manufacturing", "Crafts and manufacturing", ("32.12", "32.40", "16.29", "23.41"),
              "Crafts, applied arts and small-series manufacturing"),
    Subsector("visual-arts", "Visual arts", ("90.03", "74.20"),
              "Fine arts, photography and illustration"),
    Subsector("film-audiovisual", "Film and audiovisual", ("59.11", "59.12", "59.13", "60.20"),
              "Film, television, animation and post-production"),
    Subsector("design", "Design", ("74.10",),
              "Product, graphic, interior and service design"),
    Subsector("fashion-design", "Fashion design", ("14.13", "74.10"),
              "Fashion, textile and accessories design"),
    Subsector("gaming", "Gaming", ("58.21", "62.01"),
              "Video games, serious games and interactive media"),
    Subsector("marketing-communication", "Marketing and communication", ("73.11", "73.12", "70.21", "82.30"),
              "Advertising, communication and events"),
    Subsector("literature", "Literature", ("58.11", "90.03"),
              "Authors, translators and book publishing"),
    Subsector("digital-media-publishing", "Digital media and publishing", ("58.13", "58.14", "63.12"),
              "Press, magazines, digital media and online publishing"),
    Subsector("performing-arts", "Performing arts", ("90.01", "90.02", "90.04"),
              "Theatre, dance, circus and live performance"),
    Subsector("music", "Music", ("59.20", "90.01"),
              "Composition, recording, labels and live music"),
)

SUBSECTOR_IDS: Final[tuple[str, ...]] = tuple(s.id for s in SUBSECTORS)
SUBSECTOR_BY_ID: Final[dict[str, Subsector]] = {s.id: s for s in SUBSECTORS}

MemberKind = Literal["company", "freelancer", "institution", "creative-hub"]
# private: only the manager sees the member; members: other cluster members see them;
# public: anyone, including HTTP clients of the cluster's website.
Visibility = Literal["private", "members", "public"]
TieKind = Literal["knows", "collaborated"]
ProjectKind = Literal["project", "tender"]
ProjectStatus = Literal["planned", "open", "running", "completed", "won", "lost", "cancelled"]
EventFormat = Literal["networking", "round-table", "workshop", "conference"]
IntroductionStatus = Literal[
    "proposed", "accepted", "declined", "met", "collaborating", "no-follow-up"
]
OPEN_INTRODUCTION_STATUSES: Final[frozenset[str]] = frozenset({"proposed", "accepted", "met"})

# The facilitator value that stands for the cluster manager rather than a member.
MANAGER: Final[str] = "manager"

# The facilitator value left on an introduction whose facilitating member was erased (GDPR):
# neither the manager nor anybody's id (see docs/privacy.md).
ERASED_FACILITATOR: Final[str] = "erased"

# The other national clusters run by the innovation agency, whose organisations creatives
# can be linked to.
OTHER_CLUSTERS: Final[tuple[str, ...]] = (
    "automobility",
    "cleantech",
    "healthtech",
    "materials-manufacturing",
    "wood",
    "ict",
    "space",
)
