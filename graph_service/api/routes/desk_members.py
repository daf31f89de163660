"""Members and keys on the desk: ``/desk/members`` (add or edit a member) and ``/desk/keys``
(create a member's or an application's key, shown once; list and revoke keys).

Plain forms with Post/Redirect/Get; a form with a mistake is answered with the same form (422),
every field's error beside it. The writes are the JSON API's (``store/members``,
``services/keys``). A new key's secret is answered once, by the POST itself (``Cache-Control:
no-store``), never through a redirect."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from graph_service.api.deps import DatabaseDep, ManagerPageDep, PageViewDep
from graph_service.api.routes.page_responses import html_page, private_page, see_other
from graph_service.errors import Conflict, InvalidRequest, NotFound
from graph_service.interchange import MemberRecord
from graph_service.services import keys as key_service
from graph_service.services.imports import known_skills
from graph_service.store import members as member_store
from graph_service.store.database import Database
from graph_service.store.records import next_id
from graph_service.web import desk_members as pages
from graph_service.web.desk_members import MemberForm

router = APIRouter(tags=["pages"], include_in_schema=False)

MemberId = Annotated[str, Path(max_length=64)]
KeyId = Annotated[str, Path(max_length=64)]


# -- members ------------------------------------------------------------------------------------


@router.get("/desk/members", response_class=HTMLResponse)
def members_page(
    _manager: ManagerPageDep, db: DatabaseDep,
    q: Annotated[str, Query(max_length=100)] = "",
    subsector: Annotated[str, Query(max_length=64)] = "",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    saved: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    """The members, searchable by name, city or description, filtered by subsector."""
    known = {s for s, _ in pages.SUBSECTOR_OPTIONS}
    total, members = member_store.list_members(
        db, subsector=subsector if subsector in known else None, skill=None, text=q.strip() or None,
        visibilities=["private", "members", "public"], offset=offset, limit=pages.PAGE_SIZE)
    notice = None
    if saved:
        found = member_store.get_members(db, [saved])
        notice = f"Saved {found[0].name}." if found else None
    return html_page(pages.members_html(members, total=total, q=q, subsector=subsector, offset=offset, notice=notice))


def _new_id(view: PageViewDep) -> str:
    document = view.current().document
    return next_id("m-", [m.id for m in document.members] + [o.id for o in document.organisations])


def _conflict_errors(exc: Conflict | InvalidRequest) -> dict[str, str]:
    """A refused write as the field's error: the store's messages start with the field's name."""
    text = str(exc)
    name, _, message = text.partition(": ")
    if name in ("id", "skills"):
        return {name: message[0].upper() + message[1:] + ("" if message.endswith(".") else ".")}
    return {"name": text}


async def _submitted(request: Request) -> tuple[dict[str, str], list[str]]:
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    return fields, [v for v in form.getlist("subsectors") if isinstance(v, str)]


@router.get("/desk/members/new", response_class=HTMLResponse)
def new_member_page(_manager: ManagerPageDep, db: DatabaseDep, view: PageViewDep) -> Response:
    """The form for a new member."""
    form = MemberForm(values={"kind": "company", "visibility": "private", "subsectors": []})
    return html_page(pages.member_form_html(form, editing=None, skill_names=known_skills(db), new_id=_new_id(view)))


@router.post("/desk/members/new", response_class=HTMLResponse)
async def create_member(request: Request, _manager: ManagerPageDep, db: DatabaseDep, view: PageViewDep) -> Response:
    """Add the member; the form again with its errors when something is wrong."""
    fields, subsectors = await _submitted(request)
    skills = known_skills(db)
    new_id = _new_id(view)
    member, form = pages.member_from_form(fields, subsectors, skills, new_id=new_id)
    if member is not None:
        try:
            member = member_store.create_member(db, member)
        except (Conflict, InvalidRequest) as exc:
            form.errors.update(_conflict_errors(exc))
        else:
            return see_other("/desk/members?" + urlencode({"saved": member.id, "q": member.name}))
    return html_page(pages.member_form_html(form, editing=None, skill_names=skills, new_id=new_id), 422)


def _stored(db: Database, member_id: str) -> MemberRecord:
    return member_store.get_member(db, member_id)


@router.get("/desk/members/{member_id}/edit", response_class=HTMLResponse)
def edit_member_page(_manager: ManagerPageDep, db: DatabaseDep, member_id: MemberId) -> Response:
    """The form filled in with the member's profile."""
    member = _stored(db, member_id)
    skills = known_skills(db)
    return html_page(pages.member_form_html(pages.form_of(member, skills), editing=member, skill_names=skills))


@router.post("/desk/members/{member_id}/edit", response_class=HTMLResponse)
async def update_member(request: Request, _manager: ManagerPageDep, db: DatabaseDep, member_id: MemberId) -> Response:
    """Replace the member's profile with the form's fields (ties, keys and history stay)."""
    current = _stored(db, member_id)
    fields, subsectors = await _submitted(request)
    skills = known_skills(db)
    member, form = pages.member_from_form(fields, subsectors, skills, current=current)
    if member is not None:
        try:
            member_store.replace_member(db, member)
        except (Conflict, InvalidRequest) as exc:
            form.errors.update(_conflict_errors(exc))
        else:
            return see_other("/desk/members?" + urlencode({"saved": member.id, "q": member.name}))
    return html_page(pages.member_form_html(form, editing=current, skill_names=skills), 422)


# -- keys -----------------------------------------------------------------------------------------


def _names(db: Database, ids: list[str]) -> dict[str, str]:
    return {m.id: m.name for m in member_store.get_members(db, sorted(set(ids)))} if ids else {}


def _keys_page(db: Database, view: PageViewDep, *, values: dict[str, str] | None = None,
               errors: dict[str, str] | None = None, notice: str | None = None, status: int = 200) -> Response:
    keys = key_service.list_keys(db)
    members = sorted(((m.id, m.name) for m in view.current().document.members), key=lambda p: p[1].lower())
    names = dict(members) | _names(db, [k.member for k in keys if k.member])
    html = pages.keys_html(keys, names, members=members, values=values, errors=errors, notice=notice)
    return html_page(html, status)


@router.get("/desk/keys", response_class=HTMLResponse)
def keys_page(_manager: ManagerPageDep, db: DatabaseDep, view: PageViewDep,
              revoked: Annotated[str, Query(max_length=64)] = "") -> Response:
    """Every stored key, and the form for a new one."""
    notice = None
    if revoked:
        found = [k for k in key_service.list_keys(db) if k.id == revoked and k.revoked]
        notice = f"The key '{found[0].name}' is revoked: it no longer works." if found else None
    return _keys_page(db, view, notice=notice)


@router.post("/desk/keys", response_class=HTMLResponse)
async def create_key(request: Request, _manager: ManagerPageDep, db: DatabaseDep, view: PageViewDep) -> Response:
    """Create a key and show its secret, this once (the answer is not kept by the browser)."""
    form = await request.form()
    values = {k: str(form.get(k) or "").strip() for k in ("role", "member", "name")}
    errors = pages.key_form_errors(values)
    if errors:
        return _keys_page(db, view, values=values, errors=errors, status=422)
    member = values["member"] if values["role"] == "member" else None
    try:
        new = key_service.create_key(db, role="member" if member else "client", name=values["name"], member=member)
    except NotFound:
        return _keys_page(db, view, values=values, errors={"member": "That member no longer exists."}, status=422)
    name = _names(db, [member]).get(member) if member else None
    return private_page(pages.key_created_html(new, name))


def _key(db: Database, key_id: str) -> key_service.KeyInfo:
    found = [k for k in key_service.list_keys(db) if k.id == key_id]
    if not found:
        raise NotFound("key", key_id)
    return found[0]


@router.get("/desk/keys/{key_id}/revoke", response_class=HTMLResponse)
def revoke_key_page(_manager: ManagerPageDep, db: DatabaseDep, key_id: KeyId) -> Response:
    """Ask before revoking: who the key is for, and what revoking does."""
    key = _key(db, key_id)
    name = _names(db, [key.member]).get(key.member) if key.member else None
    return html_page(pages.key_revoke_html(key, name))


@router.post("/desk/keys/{key_id}/revoke", response_class=HTMLResponse)
def revoke_key(request: Request, _manager: ManagerPageDep, db: DatabaseDep, key_id: KeyId) -> Response:
    """Revoke the key: it stops working at once, and browser sessions opened with it end."""
    key_service.revoke_key(db, key_id)
    request.app.state.guard.sessions.drop_key(key_id)
    return see_other("/desk/keys?" + urlencode({"revoked": key_id}))
