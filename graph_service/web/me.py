"""A member's own page (``/me``): their profile as the cluster holds it, and the links to their
network map and the member page."""

from __future__ import annotations

from collections.abc import Mapping

from graph_service.interchange import MemberRecord
from graph_service.web.colours import subsector_name
from graph_service.web.pages import nav_links, render_template

__all__ = ["VISIBILITY_MEANS", "me_html"]

VISIBILITY_MEANS: dict[str, str] = {
    "private": "Only the cluster manager sees your profile; other members and the cluster's website do not, "
               "and you are left out of their maps and recommendations.",
    "members": "Other members of the cluster see your profile and you appear on their maps; the cluster's "
               "website does not show you.",
    "public": "Everyone sees your profile, the cluster's website included.",
}


def me_html(member: MemberRecord, skill_names: Mapping[str, str]) -> str:
    """The page of ``member`` (their own); ``skill_names`` names the skill ids."""
    return render_template(
        "me.html.j2",
        inline=False,
        nav=nav_links("member"),
        member=member,
        subsectors=[subsector_name(s) for s in member.subsectors],
        skills=[skill_names.get(s, s) for s in member.skills],
        visibility_means=VISIBILITY_MEANS.get(member.visibility, ""),
    )
