"""Calls for tender on the desk: ``/desk/tenders`` (create or edit one, see proposed teams by
name, save a team onto the project).

Thin: the pages are :mod:`graph_service.web.desk_tenders`, the writes
:mod:`graph_service.services.records`. Every write answers with a 303 to the tender's page
(Post/Redirect/Get) carrying what was done (``?done=``), or the form again with each error
beside its field (422)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from graph_service.api.deps import DatabaseDep, ManagerPageDep, PageViewDep
from graph_service.api.routes.page_responses import html_page, see_other
from graph_service.errors import DocumentInvalid
from graph_service.services import records
from graph_service.store.taxonomy import list_skills
from graph_service.web.desk_tenders import (
    TenderForm,
    parse_tender_form,
    problems_by_field,
    tender_form_html,
    tender_html,
    tenders_html,
)

router = APIRouter(tags=["pages"], include_in_schema=False)

TenderId = Annotated[str, Path(max_length=64)]
Text = Annotated[str, Form(max_length=2000)]


def _to_tender(ident: str, done: str) -> RedirectResponse:
    return see_other(f"/desk/tenders/{quote(ident, safe='')}?done={done}")


@router.get("/desk/tenders", response_class=HTMLResponse)
def tenders(_manager: ManagerPageDep, view: PageViewDep, db: DatabaseDep) -> Response:
    """Every call for tender."""
    return html_page(tenders_html(view, db))


@router.get("/desk/tenders/new", response_class=HTMLResponse)
def new_tender(_manager: ManagerPageDep, db: DatabaseDep) -> Response:
    return html_page(tender_form_html(db, TenderForm(), {}))


def _form(title: str, client: str, deadline: str, status: str, requires: list[str]) -> TenderForm:
    return TenderForm(title, client, deadline, status, requires)


@router.post("/desk/tenders/new", response_class=HTMLResponse)
def create_tender(manager: ManagerPageDep, db: DatabaseDep, title: Text = "", client: Text = "",
                  deadline: Text = "", status: Text = "open",
                  requires: Annotated[list[str], Form(max_length=200)] = []) -> Response:  # noqa: B006
    form = _form(title, client, deadline, status, requires)
    fields, errors = parse_tender_form(form, {r["id"]: r["name"] for r in list_skills(db)})
    if not errors:
        try:
            tender = records.create_project(db, fields, actor=manager.viewer)
        except DocumentInvalid as exc:
            errors = problems_by_field(exc)
        else:
            return _to_tender(tender.id, "created")
    return html_page(tender_form_html(db, form, errors), 422)


@router.get("/desk/tenders/{tender_id}", response_class=HTMLResponse)
def tender(request: Request, _manager: ManagerPageDep, view: PageViewDep, db: DatabaseDep,
           tender_id: TenderId) -> Response:
    """A tender's page: its team and the proposed teams (options in the address)."""
    return html_page(tender_html(view, db, tender_id, dict(request.query_params)))


@router.get("/desk/tenders/{tender_id}/edit", response_class=HTMLResponse)
def edit_tender(_manager: ManagerPageDep, view: PageViewDep, db: DatabaseDep, tender_id: TenderId) -> Response:
    found = records.get_project(view, tender_id, db=db)
    return html_page(tender_form_html(db, TenderForm.of(found), {}, tender=found))


@router.post("/desk/tenders/{tender_id}/edit", response_class=HTMLResponse)
def update_tender(manager: ManagerPageDep, view: PageViewDep, db: DatabaseDep, tender_id: TenderId,
                  title: Text = "", client: Text = "", deadline: Text = "", status: Text = "open",
                  requires: Annotated[list[str], Form(max_length=200)] = []) -> Response:  # noqa: B006
    found = records.get_project(view, tender_id, db=db)
    form = _form(title, client, deadline, status, requires)
    fields, errors = parse_tender_form(form, {r["id"]: r["name"] for r in list_skills(db)})
    if not errors:
        try:
            records.update_project(db, tender_id, fields, actor=manager.viewer)
        except DocumentInvalid as exc:
            errors = problems_by_field(exc)
        else:
            return _to_tender(tender_id, "updated")
    return html_page(tender_form_html(db, form, errors, tender=found), 422)


@router.post("/desk/tenders/{tender_id}/team")
def save_team(manager: ManagerPageDep, db: DatabaseDep, tender_id: TenderId,
              member: Annotated[list[str], Form(max_length=200)] = []) -> Response:  # noqa: B006
    """Save a proposed team onto the project (its whole team, in the order proposed)."""
    records.set_team(db, tender_id, list(dict.fromkeys(member)), actor=manager.viewer)
    return _to_tender(tender_id, "team-saved")


@router.post("/desk/tenders/{tender_id}/team/add")
def add_to_team(manager: ManagerPageDep, db: DatabaseDep, tender_id: TenderId,
                party: Annotated[str, Form(max_length=64)]) -> Response:
    records.add_team_member(db, tender_id, party, actor=manager.viewer)
    return _to_tender(tender_id, "added")


@router.post("/desk/tenders/{tender_id}/team/remove")
def remove_from_team(manager: ManagerPageDep, db: DatabaseDep, tender_id: TenderId,
                     party: Annotated[str, Form(max_length=64)]) -> Response:
    records.remove_team_member(db, tender_id, party, actor=manager.viewer)
    return _to_tender(tender_id, "removed")
