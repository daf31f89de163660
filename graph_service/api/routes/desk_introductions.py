"""The manager's introductions desk: ``/desk/introductions`` (ask for a plan, see it by name with
its reasons and its effect on each subsector's E-I index, untick pairs, record the rest) and
``/desk/introductions/board`` (the introductions by state, follow-ups, one click to move one on).

Thin: the pages are built by :mod:`graph_service.web.desk_introductions`, which calls the same
services as ``/api/v1/introductions``. Every write is a plain form post answered with a 303 to the
board (Post/Redirect/Get); a refused one shows its page again with the reason beside the field.
A board form sent by htmx (``HX-Request``) gets the same answers, with a refusal as 200 so that
htmx swaps it in.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from graph_service.api.deps import DatabaseDep, ManagerPageDep, PageViewDep
from graph_service.api.routes.page_responses import html_page, see_other
from graph_service.web import desk_introductions as pages

router = APIRouter(tags=["pages"], include_in_schema=False)

IntroductionId = Annotated[str, Path(max_length=64)]
PlanField = Annotated[str | None, Form(max_length=100)]


@router.get(pages.PLAN_PATH, response_class=HTMLResponse)
def plan_page(request: Request, _manager: ManagerPageDep, view: PageViewDep, db: DatabaseDep) -> HTMLResponse:
    """The plan form; with its parameters in the query string, the plan by name and its effect."""
    values = {k: v[:100] for k, v in request.query_params.items()}
    html, status = pages.plan_html(view, db, values)
    return html_page(html, status)


@router.post(pages.PLAN_PATH, response_class=HTMLResponse)
def record_plan(
    _manager: ManagerPageDep,
    view: PageViewDep,
    db: DatabaseDep,
    pair: Annotated[list[str] | None, Form(description="The ticked pairs, a:b.")] = None,
    total: PlanField = None,
    max_per_member: PlanField = None,
    focus: PlanField = None,
    theme: PlanField = None,
    new_member_days: PlanField = None,
    organisations: PlanField = None,
) -> Response:
    """Record the ticked pairs as proposed introductions, then the board (303); a refused pair
    shows the plan again with the reason beside it, and nothing is recorded."""
    posted = (pair or [])[: pages.PLAN_SIZE_MAX]
    good, errors, named = pages.check_pairs(view, posted)
    if not errors:
        recorded, errors = pages.record_pairs(view, db, good)
        if not errors:
            return see_other(f"{pages.BOARD_PATH}?{urlencode({'recorded': len(recorded)})}")
        notice = f"{len(recorded)} of the ticked introductions were recorded; the others were refused meanwhile."
    else:
        notice = "Nothing was recorded."
    plan_values = {k: v for k, v in {"total": total, "max_per_member": max_per_member, "focus": focus,
                                     "theme": theme, "new_member_days": new_member_days,
                                     "organisations": organisations}.items() if v is not None}
    html, _status = pages.plan_html(view, db, plan_values, ticked=[p.value for p in named if p.checked],
                                    errors=errors, extra=named, notice=notice)
    return html_page(html, 409)


@router.get(pages.BOARD_PATH, response_class=HTMLResponse)
def board_page(
    _manager: ManagerPageDep,
    view: PageViewDep,
    db: DatabaseDep,
    recorded: Annotated[int | None, Query(ge=0, le=1000)] = None,
    moved: Annotated[str | None, Query(max_length=64)] = None,
    due_days: Annotated[int, Query(ge=1, le=365)] = pages.FOLLOW_UP_DAYS,
) -> HTMLResponse:
    """Every introduction by state, those due for a follow-up first."""
    notice = None
    if recorded is not None:
        notice = (f"Recorded {recorded} introduction{'s' if recorded != 1 else ''} as proposed. "
                  "Each waits for both members to accept.")
    elif moved:
        notice = pages.moved_notice(view, db, moved)
    return html_page(pages.board_html(view, db, due_days=due_days, notice=notice))


def _after_change(request: Request, view: PageViewDep, db: DatabaseDep, ident: str,
                  errors: dict[str, str]) -> Response:
    if not errors:
        return see_other(f"{pages.BOARD_PATH}?{urlencode({'moved': ident})}#intro-{ident}")
    html = pages.board_html(view, db, errors=errors)
    return html_page(html, 200 if request.headers.get("hx-request") else 409)


@router.post(pages.BOARD_PATH + "/{introduction_id}/advance", response_class=HTMLResponse)
def advance(
    request: Request,
    _manager: ManagerPageDep,
    view: PageViewDep,
    db: DatabaseDep,
    introduction_id: IntroductionId,
    status: Annotated[str, Form(max_length=32)] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Move one introduction on (met, collaborating, no outcome, declined) with an optional note."""
    errors = pages.advance_card(view, db, introduction_id, status=status, note=note)
    return _after_change(request, view, db, introduction_id, errors)


@router.post(pages.BOARD_PATH + "/{introduction_id}/answer", response_class=HTMLResponse)
def answer(
    request: Request,
    _manager: ManagerPageDep,
    view: PageViewDep,
    db: DatabaseDep,
    introduction_id: IntroductionId,
    member: Annotated[str, Form(max_length=64)] = "",
    answer: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """Record a member's answer to a proposed introduction, as they gave it to the manager."""
    errors = pages.answer_card(view, db, introduction_id, member=member, answer=answer)
    return _after_change(request, view, db, introduction_id, errors)
