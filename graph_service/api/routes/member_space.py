"""A member's own space, opening on ``/me``: their profile (edit what a member may), ties (record,
confirm, withdraw), introductions (accept or decline), recommended partners, who can introduce
them to someone picked by name, and their privacy."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from graph_service.api.deps import DatabaseDep, PersonPageDep
from graph_service.api.routes.session import HOME
from graph_service.store import members as member_store
from graph_service.store.taxonomy import list_skills
from graph_service.web.me import me_html
from graph_service.web.pages import SECURITY_HEADERS

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/me", response_class=HTMLResponse)
def me(principal: PersonPageDep, db: DatabaseDep) -> Response:
    """A member's own page: their profile and the way to their map and partners (the manager has
    the desk instead)."""
    if principal.member_id is None:
        return RedirectResponse(HOME[principal.role], status_code=303)
    member = member_store.get_member(db, principal.member_id)
    skills = {row["id"]: row["name"] for row in list_skills(db)}
    return HTMLResponse(me_html(member, skills), headers=SECURITY_HEADERS)
