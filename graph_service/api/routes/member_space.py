"""A member's own space, opening on ``/me``: their profile (edit what a member may), ties (record,
confirm, withdraw), introductions (accept or decline), recommended partners, who can introduce
them to someone picked by name, and their privacy.

Thin: each route checks it is a member's (the manager, who has no space of their own, is sent
to the desk), reads the form, calls the same services as the JSON routes, with the same rules
(the profile's changes go through the API's own handler), and answers with a page. A change is
Post/Redirect/Get: a 303 to the page with a fixed notice, or the form again with each problem
beside its field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from graph_service.analytics import MAX_HOPS
from graph_service.api.auth.principals import Principal
from graph_service.api.auth.sessions import SESSION_COOKIE
from graph_service.api.deps import DatabaseDep, PageViewDep, PersonPageDep, SettingsDep
from graph_service.api.routes.members import update_member
from graph_service.api.routes.page_responses import NO_STORE, private_page, see_other
from graph_service.api.routes.session import HOME
from graph_service.api.routes.ties import TieCreate
from graph_service.api.schemas import MemberUpdate
from graph_service.errors import Conflict, InvalidRequest, NotFound
from graph_service.services import introductions, privacy, ties
from graph_service.services.recommendations import Paths, paths_between, recommendations_for
from graph_service.services.views import GraphView
from graph_service.store import members as member_store
from graph_service.store.taxonomy import list_skills
from graph_service.web import me as me_page
from graph_service.web import me_introductions, me_partners, me_people, me_privacy, me_ties
from graph_service.web.forms import field_errors
from graph_service.web.pages import set_visitor

router = APIRouter(tags=["pages"], include_in_schema=False)

Done = Annotated[str | None, Query(max_length=20, description="Which notice to show after a change.")]
Person = Annotated[str, Query(max_length=200, description="A name, as typed.")]
Chosen = Annotated[str | None, Query(max_length=64, description="The member picked among those a name matches.")]


async def _form(request: Request) -> FormData:
    return await request.form()


FormDep = Annotated[FormData, Depends(_form)]


def _home(principal: Principal) -> RedirectResponse:
    """Where someone without a member space goes instead: the manager to the desk."""
    return see_other(HOME[principal.role])


def _text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _worded(message: str, view: GraphView, me: str) -> str:
    """A service's message in the member's words: their own id is "you", others' ids their names."""
    text = message.split(": ", 1)[1] if ": " in message[:20] else message
    for ident in sorted(set(text.replace(";", " ").replace("'", " ").split()), key=len, reverse=True):
        if ident == me:
            text = text.replace(ident, "you")
        elif (name := me_people.name_of(view, ident)) is not None:
            text = text.replace(ident, name)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


# -- my profile ---------------------------------------------------------------------------------

def _skill_names(db: DatabaseDep) -> dict[str, str]:
    return {row["id"]: row["name"] for row in list_skills(db)}


@router.get("/me", response_class=HTMLResponse)
def me(principal: PersonPageDep, db: DatabaseDep, done: Done = None) -> Response:
    """A member's own page: their profile and the way to the rest of their space (the manager
    has the desk instead)."""
    if principal.member_id is None:
        return _home(principal)
    member = member_store.get_member(db, principal.member_id)
    return private_page(me_page.me_html(member, _skill_names(db), notice=me_page.NOTICES.get(done or "")))


def _edit_page(db: DatabaseDep, member_id: str, values: Mapping[str, Any], errors: Mapping[str, str],
               status: int = 200) -> HTMLResponse:
    member = member_store.get_member(db, member_id)
    skills = sorted(_skill_names(db).items(), key=lambda s: s[1].casefold())
    return private_page(me_page.edit_html(member, skills, values, errors), status)


@router.get("/me/edit", response_class=HTMLResponse)
def edit_profile(principal: PersonPageDep, db: DatabaseDep) -> Response:
    """The form that changes what a member may change of their profile."""
    if principal.member_id is None:
        return _home(principal)
    member = member_store.get_member(db, principal.member_id)
    return _edit_page(db, member.id, me_page.profile_form_values(member), {})


@router.post("/me/edit", response_class=HTMLResponse)
def save_profile(principal: PersonPageDep, db: DatabaseDep, form: FormDep) -> Response:
    """Save the profile form through the API's own PATCH handler (the same rules); the form again
    with each problem beside its field, or back to /me with a notice."""
    if principal.member_id is None:
        return _home(principal)
    me = principal.member_id
    changes = me_page.profile_changes(form)
    errors: dict[str, str] = {}
    try:
        before = member_store.get_member(db, me)
        after = update_member(db, principal, me, MemberUpdate.model_validate(changes))
    except ValidationError as exc:
        errors = me_page.profile_errors(exc.errors())
    except RequestValidationError as exc:
        errors = me_page.profile_errors(exc.errors())
    except (Conflict, InvalidRequest) as exc:  # e.g. a skill nobody defined meanwhile
        errors = {"skills" if "skill" in str(exc) else "name": str(exc)}
    if errors:
        return _edit_page(db, me, me_page.posted_values(form), errors, status=422)
    return see_other("/me?done=" + ("profile" if after != before else "unchanged"))


# -- picking a person by name -------------------------------------------------------------------

@router.get("/me/names", response_class=HTMLResponse)
def names(principal: PersonPageDep, view: PageViewDep, person: Person = "") -> Response:
    """The names matching what was typed, as the ``<option>`` elements of a ``<datalist>`` (an
    HTML fragment for htmx): only members the caller may see, never themselves."""
    return private_page(me_people.names_fragment(view, person, exclude=principal.member_id))


# -- my ties ------------------------------------------------------------------------------------

def _ties_page(db: DatabaseDep, view: GraphView, me: str, *, values: Mapping[str, Any] | None = None,
               errors: Mapping[str, str] | None = None, resolved: me_people.Resolved | None = None,
               notice: str | None = None, status: int = 200) -> HTMLResponse:
    visible = set(view.current().members.nodes)
    html = me_ties.ties_html(ties.member_ties(db, me), me=me, my_name=me_people.name_of(view, me) or me,
                             visible=visible, values=values, errors=errors, resolved=resolved, notice=notice)
    return private_page(html, status)


@router.get("/me/ties", response_class=HTMLResponse)
def my_ties(principal: PersonPageDep, db: DatabaseDep, view: PageViewDep, done: Done = None) -> Response:
    """My ties by the other person's name, the ones waiting for me first; the form that records one."""
    if principal.member_id is None:
        return _home(principal)
    return _ties_page(db, view, principal.member_id, notice=me_ties.NOTICES.get(done or ""))


_TIE_FIELDS = {"other": "person", "kind": "kind", "weight": "weight", "since": "since"}


@router.post("/me/ties", response_class=HTMLResponse)
def record_tie(principal: PersonPageDep, db: DatabaseDep, view: PageViewDep, form: FormDep) -> Response:
    """Record a tie with someone picked by name (services/ties.record_tie, the API's rules): it waits
    for the other side, or confirms theirs if they had recorded it."""
    if principal.member_id is None:
        return _home(principal)
    me = principal.member_id
    values = {k: _text(form, k) for k in ("person", "kind", "weight", "since")}
    resolved = me_people.resolve(view, values["person"], chosen=_text(form, "chosen") or None, exclude=me,
                                 field="the name of the person you know")
    errors: dict[str, str] = {}
    if resolved.person is None:
        errors["person"] = resolved.error or "Pick the person you know."
    body = {"other": resolved.person.id if resolved.person else "unknown", "kind": values["kind"] or "knows",
            "weight": values["weight"] or "0.5", "since": values["since"] or None}
    try:
        tie = TieCreate.model_validate(body)
    except ValidationError as exc:
        for label, message in field_errors(exc.errors()).items():
            errors.setdefault(_TIE_FIELDS.get(label, "person"), message)
    if errors or resolved.person is None:
        return _ties_page(db, view, me, values=values, errors=errors, resolved=resolved, status=422)
    values["person"] = resolved.person.name
    try:
        done = ties.record_tie(db, me, tie.other, kind=tie.kind, weight=tie.weight, since=tie.since,
                               actor=principal.viewer)
    except InvalidRequest as exc:
        errors[_TIE_FIELDS.get(exc.field, "person")] = _worded(exc.message, view, me)
    except (Conflict, NotFound) as exc:
        errors["person"] = _worded(str(exc), view, me)
    if errors:
        return _ties_page(db, view, me, values=values, errors=errors, status=422)
    return see_other(f"/me/ties?done={done.status}")


def _kind(form: Mapping[str, Any]) -> Any:
    kind = _text(form, "kind")
    return kind if kind in ("knows", "collaborated") else None


@router.post("/me/ties/confirm", response_class=HTMLResponse)
def confirm_tie(principal: PersonPageDep, db: DatabaseDep, view: PageViewDep, form: FormDep) -> Response:
    """Confirm a tie the other side recorded with me (services/ties.confirm_tie)."""
    if principal.member_id is None:
        return _home(principal)
    me = principal.member_id
    try:
        ties.confirm_tie(db, me, _text(form, "other"), kind=_kind(form))
    except (Conflict, NotFound) as exc:
        return _ties_page(db, view, me, errors={"awaiting": _worded(str(exc), view, me)}, status=409)
    return see_other("/me/ties?done=confirmed")


def _the_tie(db: DatabaseDep, me: str, other: str, kind: str | None) -> ties.Tie:
    for tie in ties.member_ties(db, me):
        if tie.other.id == other and (kind is None or tie.kind == kind):
            return tie
    raise NotFound("tie with", other)


@router.get("/me/ties/withdraw", response_class=HTMLResponse)
def withdraw_tie_form(
    principal: PersonPageDep, db: DatabaseDep, view: PageViewDep,
    other: Annotated[str, Query(max_length=64)], kind: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """The confirmation step before a tie is withdrawn."""
    if principal.member_id is None:
        return _home(principal)
    me = principal.member_id
    tie = _the_tie(db, me, other, kind)
    return private_page(me_ties.withdraw_html(tie, me=me, my_name=me_people.name_of(view, me) or me))


@router.post("/me/ties/withdraw", response_class=HTMLResponse)
def withdraw_tie(principal: PersonPageDep, db: DatabaseDep, form: FormDep) -> Response:
    """Withdraw (or refuse) a tie: deleted for both sides (services/ties.withdraw_tie)."""
    if principal.member_id is None:
        return _home(principal)
    ties.withdraw_tie(db, principal.member_id, _text(form, "other"), kind=_kind(form))
    return see_other("/me/ties?done=withdrawn")


# -- my introductions ---------------------------------------------------------------------------

def _introductions_page(db: DatabaseDep, view: GraphView, me: str, *, errors: Mapping[str, str] | None = None,
                        notice: str | None = None, status: int = 200) -> HTMLResponse:
    rows = introductions.list_introductions(db, member=me)
    html = me_introductions.introductions_html(rows, me=me, name=lambda n: me_people.name_of(view, n),
                                               errors=errors, notice=notice)
    return private_page(html, status)


@router.get("/me/introductions", response_class=HTMLResponse)
def my_introductions(principal: PersonPageDep, db: DatabaseDep, view: PageViewDep, done: Done = None) -> Response:
    """The introductions I am part of, open ones first, with the way to answer."""
    if principal.member_id is None:
        return _home(principal)
    return _introductions_page(db, view, principal.member_id, notice=me_introductions.NOTICES.get(done or ""))


@router.post("/me/introductions/{introduction_id}/respond", response_class=HTMLResponse)
def respond(principal: PersonPageDep, db: DatabaseDep, view: PageViewDep, form: FormDep,
            introduction_id: Annotated[str, Path(max_length=64)]) -> Response:
    """Accept or decline an introduction, with an optional note (services/introductions.respond,
    the API's rules: a member answers for themselves only)."""
    if principal.member_id is None:
        return _home(principal)
    me = principal.member_id
    answer = _text(form, "answer")
    note_field = f"note-{introduction_id}"
    if answer not in ("accept", "decline"):
        return _introductions_page(db, view, me, errors={note_field: "Choose Accept or Decline."}, status=422)
    note = _text(form, note_field)
    if len(note) > 500:
        return _introductions_page(db, view, me, errors={note_field: "The note has at most 500 characters."},
                                   status=422)
    if note:
        verb = "accepting" if answer == "accept" else "declining"
        note = f"{me_people.name_of(view, me) or me}, {verb}: {note}"
    try:
        introductions.respond(db, introduction_id, member=me, answer="accept" if answer == "accept" else "decline",
                              note=note or None)
    except InvalidRequest as exc:
        return _introductions_page(db, view, me, errors={note_field: _worded(exc.message, view, me)}, status=422)
    except Conflict as exc:
        return _introductions_page(db, view, me, errors={note_field: _worded(str(exc), view, me)}, status=409)
    return see_other("/me/introductions?done=" + ("accepted" if answer == "accept" else "declined"))


# -- partners and who can introduce me ----------------------------------------------------------

PARTNERS = 8
"""How many partners /me/partners suggests."""


@router.get("/me/partners", response_class=HTMLResponse)
def partners(principal: PersonPageDep, db: DatabaseDep, view: PageViewDep, settings: SettingsDep) -> Response:
    """My recommended partners, why, and who can introduce me to each (on my own view; the
    suggestions are recorded as shown, as the API's ``record=true``)."""
    if principal.member_id is None:
        return _home(principal)
    me = principal.member_id
    answer = recommendations_for(view, me, db=db, record=True, limit=PARTNERS)
    G = view.current().members
    found: list[Paths | None] = []
    for r in answer.items:
        found.append(paths_between(view, me, r.id, k=2, max_hops=4, timeout_s=settings.path_timeout_s)
                     if r.id in G else None)

    def name(n: str) -> str:
        return me_people.name_of(view, n) or n

    return private_page(me_partners.partners_html(answer, found, name=name, is_member=lambda n: n in G))


@router.get("/me/introduce", response_class=HTMLResponse)
def introduce(principal: PersonPageDep, view: PageViewDep, settings: SettingsDep,
              person: Person = "", chosen: Chosen = None) -> Response:
    """Who can introduce me to someone picked by name: the warm paths, by name, each hop with its
    reason (services/recommendations.paths_between on my view)."""
    if principal.member_id is None:
        return _home(principal)
    me = principal.member_id
    resolved = (me_people.resolve(view, person, chosen=chosen, exclude=me, field="a name")
                if person or chosen else None)
    target = resolved.person if resolved else None
    answer = (paths_between(view, me, target.id, k=3, max_hops=min(4, MAX_HOPS), timeout_s=settings.path_timeout_s)
              if target else None)

    def name(n: str) -> str:
        return me_people.name_of(view, n) or n

    typed = target.name if target else person
    html = me_partners.introduce_html(me=me, typed=typed, resolved=resolved, target=target, answer=answer, name=name)
    return private_page(html, 200 if target or resolved is None else 422)


# -- my privacy ---------------------------------------------------------------------------------

@router.get("/me/privacy", response_class=HTMLResponse)
def my_privacy(principal: PersonPageDep, db: DatabaseDep, done: Done = None) -> Response:
    """Who may see me (the three levels, what each means), a copy of my data, erasure."""
    if principal.member_id is None:
        return _home(principal)
    member = member_store.get_member(db, principal.member_id)
    return private_page(me_privacy.privacy_html(member, notice=me_privacy.NOTICES.get(done or "")))


@router.post("/me/privacy/visibility", response_class=HTMLResponse)
def save_visibility(principal: PersonPageDep, db: DatabaseDep, form: FormDep) -> Response:
    """Change who may see me, through the API's own PATCH handler (``private`` withdraws consent at once)."""
    if principal.member_id is None:
        return _home(principal)
    me = principal.member_id
    try:
        update_member(db, principal, me, MemberUpdate.model_validate({"visibility": _text(form, "visibility")}))
    except ValidationError:
        member = member_store.get_member(db, me)
        errors = {"visibility": "Choose who may see you: private, members of the cluster or public."}
        return private_page(me_privacy.privacy_html(member, errors=errors), 422)
    return see_other("/me/privacy?done=visibility")


@router.get("/me/privacy/export")
def export_my_data(principal: PersonPageDep, db: DatabaseDep) -> Response:
    """Everything held about me, as a JSON file to download (services/privacy.export_member, the
    same answer as ``GET /api/v1/members/{id}/export``)."""
    if principal.member_id is None:
        return _home(principal)
    me = principal.member_id
    data = privacy.export_member(db, me).model_dump_json(indent=2)
    filename = f"my-data-{me}-{dt.date.today().isoformat()}.json"
    return Response(data, media_type="application/json", headers={
        **NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/me/privacy/erase", response_class=HTMLResponse)
def erase_form(principal: PersonPageDep, db: DatabaseDep) -> Response:
    """The confirmation step of an erasure, saying what will happen."""
    if principal.member_id is None:
        return _home(principal)
    return private_page(me_privacy.erase_html(member_store.get_member(db, principal.member_id)))


@router.post("/me/privacy/erase", response_class=HTMLResponse)
def erase_me(principal: PersonPageDep, db: DatabaseDep, request: Request, form: FormDep) -> Response:
    """Erase me (services/privacy.erase_member, as ``DELETE /api/v1/members/{id}``: the profile,
    ties, links, impressions and keys in one transaction), end my browser sessions, and say so."""
    if principal.member_id is None:
        return _home(principal)
    me = principal.member_id
    if _text(form, "confirm") != "yes":
        member = member_store.get_member(db, me)
        error = "Tick the box to confirm that you want to be erased."
        return private_page(me_privacy.erase_html(member, error=error), 422)
    privacy.erase_member(db, me)  # deletes the member's keys in the same transaction
    request.app.state.guard.sessions.drop_member(me)  # and their browser sessions end now
    set_visitor(None)  # nobody is logged in any more: the page's header names no one
    response = private_page(me_privacy.erased_html())
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict",
                           secure=request.url.scheme == "https")
    return response
