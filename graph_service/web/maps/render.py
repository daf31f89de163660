"""A map page as HTML, with the project's template (``viz/templates/map.html.j2``)."""

from __future__ import annotations

from graph_service.web.maps.model import MapPage
from graph_service.web.pages import json_for_html, render_template

__all__ = ["render_map"]


def render_map(page: MapPage, *, inline: bool = False) -> str:
    """The page as HTML: served (assets from ``/viz/assets``) or standalone (everything inline,
    no links back to the service)."""
    data = page.payload(served=not inline)
    return render_template(
        "map.html.j2", inline=inline, page=page, data_json=json_for_html(data), nav=[] if inline else page.nav
    )
