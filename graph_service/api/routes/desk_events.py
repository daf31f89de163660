"""Events and round tables on the desk: ``/desk/events`` (create an event, register attendees by
name, seat them, print the table plan and the place cards).

Thin: the pages are :mod:`graph_service.web.desk_events`, the writes
:mod:`graph_service.services.records`. Every write answers with a 303 (Post/Redirect/Get) carrying
what was done (``?done=``), or the page again saying what is wrong beside its field (422)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from graph_service.api.deps import DatabaseDep, ManagerPageDep, PageViewDep
from graph_service.api.routes.page_responses import html_page, see_other
from graph_service.errors import DocumentInvalid
from graph_service.services import records
from graph_service.web.desk_events import (
    EventForm,
    event_form_html,
    event_html,
    events_html,
    parse_event_form,
    print_html,
    problems_by_field,
    register_attendee,
    suggestions_html,
)

router = APIRouter(tags=["pages"], include_in_schema=False)

EventId = Annotated[str, Path(max_length=64)]
Text = Annotated[str, Form(max_length=2000)]


def _to_event(ident: str, **done: str) -> RedirectResponse:
    return see_other(f"/desk/events/{quote(ident, safe='')}?{urlencode(done)}")


@router.get("/desk/events", response_class=HTMLResponse)
def events(_manager: ManagerPageDep, view: PageViewDep, db: DatabaseDep) -> Response:
    """Every event, the latest first."""
    return html_page(events_html(view, db))


@router.get("/desk/events/new", response_class=HTMLResponse)
def new_event(_manager: ManagerPageDep) -> Response:
    return html_page(event_form_html(EventForm(), {}))


@router.post("/desk/events/new", response_class=HTMLResponse)
def create_event(manager: ManagerPageDep, db: DatabaseDep, title: Text = "", date: Text = "",
                 format: Text = "round-table", theme: Text = "") -> Response:
    form = EventForm(title, date, format, theme)
    fields, errors = parse_event_form(form)
    if not errors:
        try:
            event = records.create_event(db, fields, actor=manager.viewer)
        except DocumentInvalid as exc:
            errors = problems_by_field(exc)
        else:
            return _to_event(event.id, done="created")
    return html_page(event_form_html(form, errors), 422)


@router.get("/desk/events/names", response_class=HTMLResponse)
def names(_manager: ManagerPageDep, view: PageViewDep,
          name: Annotated[str, Query(max_length=300)] = "") -> Response:
    """The name picker's suggestions (``<option>`` elements), fetched while typing."""
    return html_page(suggestions_html(view, name))


@router.get("/desk/events/{event_id}", response_class=HTMLResponse)
def event(request: Request, _manager: ManagerPageDep, view: PageViewDep, db: DatabaseDep,
          event_id: EventId) -> Response:
    """An event's page: attendance, the name picker, and the seating the address asks for."""
    return html_page(event_html(view, db, event_id, list(request.query_params.multi_items())))


@router.get("/desk/events/{event_id}/edit", response_class=HTMLResponse)
def edit_event(_manager: ManagerPageDep, view: PageViewDep, db: DatabaseDep, event_id: EventId) -> Response:
    found = records.get_event(view, event_id, db=db)
    return html_page(event_form_html(EventForm.of(found), {}, event=found))


@router.post("/desk/events/{event_id}/edit", response_class=HTMLResponse)
def update_event(manager: ManagerPageDep, view: PageViewDep, db: DatabaseDep, event_id: EventId,
                 title: Text = "", date: Text = "", format: Text = "round-table",
                 theme: Text = "") -> Response:
    found = records.get_event(view, event_id, db=db)
    form = EventForm(title, date, format, theme)
    fields, errors = parse_event_form(form)
    if not errors:
        try:
            records.update_event(db, event_id, fields, actor=manager.viewer)
        except DocumentInvalid as exc:
            errors = problems_by_field(exc)
        else:
            return _to_event(event_id, done="updated")
    return html_page(event_form_html(form, errors, event=found), 422)


@router.post("/desk/events/{event_id}/attendees", response_class=HTMLResponse)
def register(manager: ManagerPageDep, view: PageViewDep, db: DatabaseDep, event_id: EventId,
             name: Annotated[str, Form(max_length=300)] = "",
             member: Annotated[str, Form(max_length=64)] = "") -> Response:
    """Register the member a name stands for (or the one chosen among several of that name)."""
    target, html = register_attendee(view, db, event_id, name=name, member=member, actor=manager.viewer)
    if target is not None:
        return see_other(target)
    return html_page(html or "", 422)


@router.post("/desk/events/{event_id}/attendees/remove")
def remove(manager: ManagerPageDep, db: DatabaseDep, event_id: EventId,
           member: Annotated[str, Form(max_length=64)]) -> Response:
    records.remove_attendee(db, event_id, member, actor=manager.viewer)
    return see_other(f"/desk/events/{quote(event_id, safe='')}?"
                            f"{urlencode({'done': 'removed', 'who': member})}#attendance")


@router.get("/desk/events/{event_id}/print/tables", response_class=HTMLResponse)
def print_tables(request: Request, _manager: ManagerPageDep, view: PageViewDep, db: DatabaseDep,
                 event_id: EventId) -> Response:
    """The table plan, ready to print (A4), for the seating the address gives."""
    return html_page(print_html(view, db, event_id, list(request.query_params.multi_items()), what="tables"))


@router.get("/desk/events/{event_id}/print/cards", response_class=HTMLResponse)
def print_cards(request: Request, _manager: ManagerPageDep, view: PageViewDep, db: DatabaseDep,
                event_id: EventId) -> Response:
    """One place card per seated attendee (name, subsector, table), eight to an A4 sheet."""
    return html_page(print_html(view, db, event_id, list(request.query_params.multi_items()), what="cards"))
