"""The member page (``/members-app``, also ``/explore``): search a member or a skill, profile,
map, partners and warm paths. Its data comes from the API (``viz/static/explore.js``).

The page knows who is looking (``data-role``, ``data-me`` on its ``<main>``), so that it offers
only what the API lets them do: the manager sees every member's partners and warm paths; a
member sees their own partners, and on anyone else's profile "who can introduce me to them"
(from their own point of view), never that member's reserved answers. People are picked by
name, never by id."""

from __future__ import annotations

from graph_service.services.visibility import Role
from graph_service.web.pages import nav_links, render_template

__all__ = ["members_app_html"]


def members_app_html(role: Role, member_id: str | None = None) -> str:
    """The member page, with the menu of ``role``; ``member_id``: the member looking, if one is."""
    return render_template("explore.html.j2", inline=False, nav=nav_links(role), role=role, me=member_id)
