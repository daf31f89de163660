"""The one definition of the workbook's sheets and their columns: the interchange record's fields,
with how each column's cells are read and what the template says about them. The import, the
export and the template all use :data:`SHEETS`, so their columns are the same."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal, get_args

from graph_service.domain import (
    OTHER_CLUSTERS,
    EventFormat,
    MemberKind,
    ProjectKind,
    ProjectStatus,
    TieKind,
    Visibility,
)

__all__ = ["XLSX_MEDIA_TYPE", "LIST_SEPARATOR", "README_SHEET", "ColumnKind", "Column", "NameColumn", "Sheet", "SHEETS",
           "SHEET_BY_NAME", "MEMBER_COLUMNS", "READ_ORDER"]

XLSX_MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_SEPARATOR: Final = ";"
README_SHEET: Final = "README"

ColumnKind = Literal["id", "ids", "text", "long-text", "choice", "subsector", "subsectors", "skills", "date",
                     "number", "boolean", "url", "languages", "cluster"]

_KIND_TYPES: Final[dict[str, str]] = {
    "id": "id: letters, digits, '.', '_' or '-', at most 64 characters (case matters)",
    "ids": "list of member or organisation ids, separated by ';'",
    "text": "text, 1-200 characters",
    "long-text": "text, at most 2,000 characters",
    "choice": "one of the allowed values, in any case",
    "subsector": "a subsector: its id or display name, in any case",
    "subsectors": "list of subsectors (ids or display names, in any case), separated by ';'",
    "skills": "list of skills (ids or display names, in any case), separated by ';'",
    "date": "date: 2024-03-15 or 15/03/2024 (day first), or a date cell",
    "number": "number (a decimal point or comma)",
    "boolean": "true or false (also yes/no, 1/0), in any case",
    "url": "web address starting with http:// or https://",
    "languages": "list of ISO 639 language codes (2-3 letters), separated by ';'",
    "cluster": "the cluster's name, in lower case",
}


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name (the interchange field's), how its cells are read, and what the
    template says about it."""

    name: str
    kind: ColumnKind
    description: str
    example: str = ""
    required: str = "no"
    """``yes`` (always), ``new`` (for a record the graph does not hold yet) or ``no``."""
    allowed: tuple[str, ...] = ()
    default: str = ""

    @property
    def type_text(self) -> str:
        return _KIND_TYPES[self.kind]


@dataclass(frozen=True, slots=True)
class NameColumn:
    """A column the export writes beside an id column, with the names of the members and
    organisations it holds, for people to read; the import ignores it (the ids count)."""

    name: str
    of: str
    """The id column it names."""
    description: str


@dataclass(frozen=True, slots=True)
class Sheet:
    """One sheet: the records of one section of the interchange document."""

    name: str
    noun: str
    description: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...] = ("id",)
    """The columns a sheet must have to be read at all."""
    name_columns: tuple[NameColumn, ...] = ()
    """Names beside ids, written by the export after the column they name, ignored on import."""

    @property
    def names(self) -> tuple[str, ...]:
        """The record's columns (the interchange fields), in order."""
        return tuple(c.name for c in self.columns)

    @property
    def written(self) -> tuple[str, ...]:
        """The columns the export writes: each record column, then the names beside it."""
        out: list[str] = []
        for c in self.columns:
            out.append(c.name)
            out += [n.name for n in self.name_columns if n.of == c.name]
        return tuple(out)

    @property
    def ignored(self) -> frozenset[str]:
        """The name columns: read past on import without a problem."""
        return frozenset(n.name for n in self.name_columns)


def _choices(literal: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in get_args(literal))


_ID_HELP: Final = "Unique among members and organisations."
_PARTIES: Final = "ids of members or organisations"

_MEMBERS = Sheet("members", "member", "The cluster's members, one row each.", (
    Column("id", "id", _ID_HELP, "m-101", "yes"),
    Column("name", "text", "Display name.", "Atelier Kass", "new"),
    Column("kind", "choice", "What kind of member.", "Company", allowed=_choices(MemberKind), default="company"),
    Column("subsectors", "subsectors", "The subsectors the member is active in, with no repeats; the first is "
           "the primary subsector.", "Design;crafts-manufacturing", "new"),
    Column("skills", "skills", "Skills the member offers (in the skills sheet or the graph already).",
           "project-management;Unity development"),
    Column("visibility", "choice", "Who may see the member: private (the manager only), members (other members "
           "too), public (anyone). Consent is closed by default.", "members", allowed=_choices(Visibility),
           default="private"),
    Column("city", "text", "", "Differdange"),
    Column("website", "url", "", "https://atelier.example.lu"),
    Column("email", "text", "Where the manager's mailed introductions go; seen only by the manager and the member.",
           "hello@atelier.example.lu"),
    Column("languages", "languages", "", "lb;fr;en"),
    Column("description", "long-text", "", "Small-series furniture, prototypes"),
    Column("joined", "date", "When the member joined the cluster.", "15/03/2024"),
))

_TIES = Sheet("ties", "tie", "Who knows or worked with whom, one row per pair and kind (undirected).", (
    Column("source", "id", "A member or organisation (the side that recorded the tie).", "m-101", "yes"),
    Column("target", "id", "Another member or organisation; at least one of the two is a member.", "m-102", "yes"),
    Column("kind", "choice", "", "knows", allowed=_choices(TieKind), default="knows"),
    Column("weight", "number", "Strength of the tie, more than 0 and at most 1.", "0.8", default="1"),
    Column("since", "date", "When the tie began.", "01/06/2022"),
    Column("confirmed", "boolean", "Whether the other side (target) has confirmed the tie.", "true",
           default="true"),
), keys=("source", "target"), name_columns=(
    NameColumn("source_name", "source", "The source's name (written by the export; ignored on import)."),
    NameColumn("target_name", "target", "The target's name (written by the export; ignored on import)."),
))

_PROJECTS = Sheet("projects", "project", "Past projects and calls for tender, one row each.", (
    Column("id", "id", "Unique among projects.", "p-101", "yes"),
    Column("title", "text", "", "Driving-simulator UX", "new"),
    Column("kind", "choice", "A project, or a call for tender.", "tender", allowed=_choices(ProjectKind),
           default="project"),
    Column("requires", "skills", "The skills it needs, in order.", "Unity development;sound-design"),
    Column("team", "ids", f"Who worked on it ({_PARTIES}), in order, with no repeats.", "m-101;m-102"),
    Column("client", "text", "", "Example Mobility S.A."),
    Column("status", "choice", "", "open", allowed=_choices(ProjectStatus), default="completed"),
    Column("start", "date", "", "09/01/2023"),
    Column("end", "date", "Not before start.", "31/07/2023"),
), name_columns=(
    NameColumn("team_names", "team", "The team's names, in the same order (written by the export; ignored on "
               "import)."),
))

_EVENTS = Sheet("events", "event", "Events and who attended them, one row each.", (
    Column("id", "id", "Unique among events.", "e-101", "yes"),
    Column("title", "text", "", "Creative Industries Networking Night", "new"),
    Column("date", "date", "", "17/10/2024", "new"),
    Column("format", "choice", "", "round-table", allowed=_choices(EventFormat), default="networking"),
    Column("theme", "text", "", "heritage"),
    Column("attendees", "ids", f"Who attended ({_PARTIES}), with no repeats.", "m-101;m-102;o-01"),
), name_columns=(
    NameColumn("attendee_names", "attendees", "The attendees' names, in the same order (written by the export; "
               "ignored on import)."),
))

_ORGANISATIONS = Sheet("organisations", "organisation", "Organisations of the other national clusters.", (
    Column("id", "id", _ID_HELP, "o-01", "yes"),
    Column("name", "text", "", "Example Mobility S.A.", "new"),
    Column("cluster", "cluster", "The national cluster it belongs to, for example " + ", ".join(OTHER_CLUSTERS)
           + ".", "automobility", "new"),
    Column("city", "text", "", "Bissen"),
    Column("website", "url", "", "https://mobility.example.lu"),
    Column("skills", "skills", "The skills the organisation offers.", "Unity development"),
))

_SKILLS = Sheet("skills", "skill", "The skills members offer and projects need.", (
    Column("id", "id", "Unique among skills.", "unity", "yes"),
    Column("name", "text", "Display name (the members and projects sheets may use it instead of the id).",
           "Unity development", "new"),
    Column("subsector", "subsector", "The subsector the skill belongs to; empty for a cross-cutting skill.",
           "Gaming"),
))

SHEETS: Final[tuple[Sheet, ...]] = (_MEMBERS, _TIES, _PROJECTS, _EVENTS, _ORGANISATIONS, _SKILLS)
"""The workbook's sheets, in the order the export writes them; each is a section of the document."""
SHEET_BY_NAME: Final[dict[str, Sheet]] = {s.name: s for s in SHEETS}
MEMBER_COLUMNS: Final[tuple[str, ...]] = _MEMBERS.names
"""The member sheet's columns: also the CSV's."""

READ_ORDER: Final[tuple[str, ...]] = ("skills", "organisations", "members", "ties", "projects", "events")
"""The order sheets are read in: skills first, so the other sheets may name the skills the workbook brings."""
