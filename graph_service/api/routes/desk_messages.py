"""The manager's messages: ``/desk/messages`` (for each proposed introduction, a ready message
saying why the two should meet; sent by mail when SMTP is configured) and the members' one-click
answers from the mail, ``/answer/{token}`` (signed, expiring, single use).

The answer pages need no login: the signed link is the member's proof
(:mod:`graph_service.services.answer_links`). A ``GET`` never answers (mail scanners open links
before people do); it shows a confirmation whose form ``POST`` answers, carrying a form token made
from the link, and refused when its ``Origin`` is another site's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from graph_service.api.auth.csrf import check_origin, own_origin
from graph_service.api.deps import DatabaseDep, ManagerPageDep, PageViewDep, SettingsDep, get_projection
from graph_service.api.routes.page_responses import see_other
from graph_service.errors import Conflict, NotFound
from graph_service.services import answer_links
from graph_service.services.answer_links import LinkExpired, LinkInvalid, LinkPayload, LinkUsed
from graph_service.services.mail import server_name
from graph_service.services.messages import SendReport, introduction_messages, send_introductions
from graph_service.services.views import GraphView, ProjectionCache
from graph_service.settings import Settings
from graph_service.store import introductions as introduction_store
from graph_service.store.database import Database
from graph_service.store.introductions import IntroductionRow
from graph_service.web.desk_messages import AnswerPage, AnswerState, answer_html, messages_html
from graph_service.web.pages import SECURITY_HEADERS

router = APIRouter(tags=["pages"], include_in_schema=False)

ProjectionDep = Annotated[ProjectionCache, Depends(get_projection)]
# An answer page is the member's own: never kept by a cache. (Its referrer policy stays the pages'
# same-origin: with no-referrer a browser would post the form with "Origin: null", which is refused.)
_ANSWER_HEADERS = {**SECURITY_HEADERS, "Cache-Control": "no-store"}


def _page(settings: Settings, view: GraphView, db: Database, *, report: SendReport | None = None,
          sent: int | None = None) -> str:
    smtp = server_name(settings) if settings.smtp_configured else None
    return messages_html(introduction_messages(view, db), smtp=smtp, sender=settings.smtp_from,
                         report=report, sent=sent)


@router.get("/desk/messages", response_class=HTMLResponse)
def messages_page(_manager: ManagerPageDep, view: PageViewDep, db: DatabaseDep, settings: SettingsDep,
                  sent: Annotated[int | None, Query(ge=0, le=100_000)] = None) -> Response:
    """Every proposed introduction with a ready message to each side, to copy or to mail."""
    return HTMLResponse(_page(settings, view, db, sent=sent), headers=SECURITY_HEADERS)


@router.post("/desk/messages/send", response_class=HTMLResponse)
async def send_messages(request: Request, _manager: ManagerPageDep, view: PageViewDep, db: DatabaseDep,
                        settings: SettingsDep) -> Response:
    """Mail one introduction (form field ``introduction``) or every side not mailed yet (``all``).
    All mailed: back to the page (303). Otherwise the page says who was not mailed and why."""
    from starlette.concurrency import run_in_threadpool

    form = await request.form()
    ident = form.get("introduction")
    ids = [ident] if isinstance(ident, str) and ident else None
    if ids is None and not form.get("all"):
        html = await run_in_threadpool(_page, settings, view, db)
        return HTMLResponse(html, status_code=400, headers=SECURITY_HEADERS)
    base_url = settings.public_url or own_origin(request)
    report = await run_in_threadpool(send_introductions, view, db, settings, base_url=base_url, ids=ids)
    if report.error is None and not report.refused:
        anchor = f"#intro-{ids[0]}" if ids else ""
        return see_other(f"/desk/messages?sent={len(report.sent)}{anchor}")
    html = await run_in_threadpool(_page, settings, view, db, report=report)
    return HTMLResponse(html, status_code=502 if report.error else 200, headers=SECURITY_HEADERS)


# -- the members' answers ---------------------------------------------------------------------------

def _names(projection: ProjectionCache, row: IntroductionRow, member: str) -> tuple[str, str]:
    """The member's name and the other side's, as the mail named them."""
    doc = projection.current().document
    names = {m.id: m.name for m in doc.members} | {o.id: o.name for o in doc.organisations}
    other = row["b"] if member == row["a"] else row["a"]
    return names.get(member, "member"), names.get(other, "the other side")


def _state(db: Database, projection: ProjectionCache, payload: LinkPayload, *, state: AnswerState | None = None,
           action: str | None = None, form_token: str | None = None, error: str | None = None) -> AnswerPage:
    """The page for a valid link, from the introduction as it stands (``state`` when the caller
    knows it, else: used, to confirm, or closed)."""
    try:
        row = introduction_store.get_introduction(db, payload.introduction)
    except NotFound:
        return AnswerPage("gone")
    if payload.member not in (row["a"], row["b"]):
        return AnswerPage("invalid")
    name, other = _names(projection, row, payload.member)
    mine, theirs = ((row["a_response"], row["b_response"]) if payload.member == row["a"]
                    else (row["b_response"], row["a_response"]))
    used = answer_links.used_at(db, payload)
    if state is None:
        state = "used" if used else "confirm" if row["status"] == "proposed" else "closed"
    return AnswerPage(state, name=name, other=other, answer=payload.answer, recorded=mine or "pending",
                      other_answer=theirs or "pending", status=row["status"], expires=payload.expires,
                      used=used, action=action, form_token=form_token, error=error)


def _read(settings: Settings, token: str) -> tuple[bytes, LinkPayload | AnswerPage]:
    key = answer_links.link_key(settings.home)
    try:
        return key, answer_links.read_token(key, token)
    except LinkExpired as exc:
        return key, AnswerPage("expired", expires=exc.payload.expires)
    except LinkInvalid:
        return key, AnswerPage("invalid")


_STATUS = {"expired": 410, "gone": 410, "invalid": 400}


def _answer_response(page: AnswerPage, status: int | None = None) -> HTMLResponse:
    return HTMLResponse(answer_html(page), status_code=status or _STATUS.get(page.state, 200), headers=_ANSWER_HEADERS)


@router.get("/answer/{token}", response_class=HTMLResponse)
def answer_page(token: str, db: DatabaseDep, settings: SettingsDep, projection: ProjectionDep,
                done: Annotated[bool, Query()] = False) -> Response:
    """The confirmation page of a mailed link (nothing is answered by opening it), or what the link
    has done: already used, the introduction closed, the link expired or not valid."""
    key, read = _read(settings, token)
    if isinstance(read, AnswerPage):
        return _answer_response(read)
    page = _state(db, projection, read, action=f"/answer/{token}", form_token=answer_links.form_token(key, token))
    if done and page.state == "used":
        page = _state(db, projection, read, state="done")
    return _answer_response(page)


@router.post("/answer/{token}", response_class=HTMLResponse)
async def answer_link(token: str, request: Request, db: DatabaseDep, settings: SettingsDep,
                      projection: ProjectionDep) -> Response:
    """Record the link's answer (through the introductions' rules), once; then the page that says
    so (303 to ``?done=1``)."""
    from starlette.concurrency import run_in_threadpool

    check_origin(request, required=False)  # another site's form cannot post here; a missing header may
    key, read = _read(settings, token)
    if isinstance(read, AnswerPage):
        return _answer_response(read)
    form = await request.form()
    submitted = form.get("form_token")
    action = f"/answer/{token}"
    if not answer_links.check_form_token(key, token, submitted if isinstance(submitted, str) else None):
        page = await run_in_threadpool(
            _state, db, projection, read, action=action, form_token=answer_links.form_token(key, token),
            error="The form was not complete. Press the button below to answer.")
        return _answer_response(page, 400 if page.state == "confirm" else None)
    try:
        await run_in_threadpool(answer_links.answer, db, read, now=datetime.now(UTC))
    except LinkUsed:
        return _answer_response(await run_in_threadpool(_state, db, projection, read, state="used"))
    except Conflict:
        return _answer_response(await run_in_threadpool(_state, db, projection, read, state="closed"), 409)
    except NotFound:
        return _answer_response(AnswerPage("gone"))
    return see_other(f"{action}?done=1")
