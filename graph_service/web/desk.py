"""The cluster manager's desk (``/desk``): where the manager's work starts, one link per job the
service can do in the browser today. It lists only pages that exist."""

from __future__ import annotations

from dataclasses import dataclass

from graph_service.web.pages import nav_links, render_template

__all__ = ["DESK_JOBS", "Job", "desk_html"]


@dataclass(frozen=True, slots=True)
class Job:
    title: str
    href: str
    what: str


DESK_JOBS: tuple[tuple[str, tuple[Job, ...]], ...] = (
    ("Introductions", (
        Job("Plan introductions", "/desk/introductions",
            "Ask for this month's plan (size, focus, a cap per member, a theme): the pairs by name, why "
            "each should meet and what the plan does to each subsector's isolation; untick pairs, record the rest."),
        Job("Follow up", "/desk/introductions/board",
            "Every introduction by state, who has answered, which are due for a follow-up; move one on "
            "with a note."),
        Job("Messages", "/desk/messages",
            "A ready message for each proposed introduction, to copy or to send by mail with a "
            "one-click accept or decline for each member."),
    )),
    ("Tenders and events", (
        Job("Calls for tender", "/desk/tenders",
            "Create or edit a call for tender and its required skills; see proposed teams by name, "
            "the missing skills and who offers them; save a team onto the project."),
        Job("Events and round tables", "/desk/events",
            "Create an event, register attendees by name, seat them by theme, print the table plan "
            "and the place cards."),
    )),
    ("Members, keys and data", (
        Job("Members and keys", "/desk/members",
            "Add or edit a member; create a member's or an application's key (shown once); list and "
            "revoke keys."),
        Job("Data", "/desk/data",
            "Upload a workbook, CSV or JSON, see what would change, confirm; download every export."),
    )),
    ("See the cluster", (
        Job("Ecosystem map", "/viz/ecosystem",
            "Every member and tie, coloured by subsector or community and sized by brokerage; "
            "filter, search, and open a member's neighbourhood."),
        Job("Subsectors", "/viz/subsectors",
            "The twelve subsectors and the ties between them: which ones are isolated."),
        Job("Communities at a glance", "/viz/ecosystem?aggregate=true",
            "One node per community, for a large cluster or a first look."),
    )),
    ("Members", (
        Job("Find a member or a partner", "/members-app",
            "Search by name, city, description or skill; a member's profile, map, recommended "
            "partners and the warm paths to someone."),
    )),
    ("Report", (
        Job("Ecosystem report", "/report",
            "The figures for the ministry: members, ties, subsectors, communities and brokers, "
            "compared with an earlier date; printable to PDF."),
    )),
    ("The API", (
        Job("API documentation (Swagger UI)", "/docs",
            "Every endpoint, with its parameters and answers; try one with a key."),
        Job("API reference (ReDoc)", "/redoc", "The same documentation, as one long page."),
    )),
)
"""The desk's sections and their jobs: (section, jobs)."""


def desk_html() -> str:
    """The manager's desk."""
    return render_template("desk.html.j2", inline=False, nav=nav_links("manager"), sections=DESK_JOBS)
