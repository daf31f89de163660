"""The member page (``/members-app``, also ``/explore``): search a member or a skill, profile,
map, partners and warm paths. Its data comes from the API (``viz/static/explore.js``)."""

from __future__ import annotations

from graph_service.services.visibility import Role
from graph_service.web.pages import nav_links, render_template

__all__ = ["members_app_html"]


def members_app_html(role: Role) -> str:
    """The member page, with the menu of ``role``."""
    return render_template("explore.html.j2", inline=False, nav=nav_links(role))
