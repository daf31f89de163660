"""The manager's members and keys pages (``/desk/members``, ``/desk/keys``).

* The members: a searchable list (name, kind, subsectors by name, city, visibility), and one form
  to add a member or edit one, with the fields the API takes (``MemberRecord``): skills are named
  by their display name (or id), the subsectors as a main one and others, every field's error
  beside it in words.
* The keys: every stored key with its member's name; a new member's or application's key, whose
  secret is shown once on the answer page (never stored, never in a URL, ``Cache-Control:
  no-store``); revoking one after a confirmation. The manager's own key is not stored, so it is
  not listed and cannot be revoked here.

What the forms say is turned into a record here (:func:`member_from_form`); the routes in
``api/routes/desk_members.py`` write it through the same store functions as the JSON API.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, get_args

from pydantic import ValidationError

from graph_service.domain import SUBSECTORS, MemberKind
from graph_service.interchange import MemberRecord
from graph_service.services.keys import KeyInfo, NewKey
from graph_service.web.colours import subsector_name
from graph_service.web.forms import field_errors
from graph_service.web.pages import nav_links, render_template

__all__ = [
    "MEMBER_FIELDS",
    "MemberForm",
    "form_of",
    "member_from_form",
    "members_html",
    "member_form_html",
    "keys_html",
    "key_form_errors",
    "key_created_html",
    "key_revoke_html",
    "PAGE_SIZE",
]

PAGE_SIZE: Final = 50
"""Members listed per page."""

MEMBER_FIELDS: Final = ("id", "name", "kind", "subsector", "subsectors", "skills", "city", "website", "email",
                        "languages", "description", "visibility", "joined")
"""The form's fields, in the order of the page (``subsector`` is the main one, ``subsectors`` the others)."""

KIND_OPTIONS: Final = [(k, k.replace("-", " ").capitalize()) for k in get_args(MemberKind)]
VISIBILITY_OPTIONS: Final = [
    ("private", "Private: only you, the cluster manager (consent not given yet)"),
    ("members", "Members: other cluster members too, on their maps and recommendations"),
    ("public", "Public: anyone, the cluster's website included"),
]
SUBSECTOR_OPTIONS: Final = [(s.id, s.name) for s in SUBSECTORS]
_SPLIT = re.compile(r"[;,\n]")


@dataclass(slots=True)
class MemberForm:
    """The form as the manager filled it in (strings, as typed), and its errors by field."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _items(text: str) -> list[str]:
    return [part.strip() for part in _SPLIT.split(text or "") if part.strip()]


def form_of(member: MemberRecord, skill_names: Mapping[str, str]) -> MemberForm:
    """The form filled in with a stored member (skills by name)."""
    return MemberForm(values={
        "id": member.id, "name": member.name, "kind": member.kind,
        "subsector": member.subsectors[0] if member.subsectors else "",
        "subsectors": list(member.subsectors[1:]),
        "skills": "; ".join(skill_names.get(s, s) for s in member.skills),
        "city": member.city or "", "website": member.website or "", "email": getattr(member, "email", None) or "",
        "languages": ", ".join(member.languages), "description": member.description or "",
        "visibility": member.visibility, "joined": member.joined.isoformat() if member.joined else "",
    })


def _skill_ids(text: str, skill_names: Mapping[str, str]) -> tuple[list[str], str | None]:
    """Skills named by display name or id (any case), as ids; or the error naming the unknown ones."""
    by_name = {name.lower(): ident for ident, name in skill_names.items()}
    by_id = {ident.lower(): ident for ident in skill_names}
    ids: list[str] = []
    unknown: list[str] = []
    for item in _items(text):
        found = by_name.get(item.lower()) or by_id.get(item.lower())
        if found is None:
            close = difflib.get_close_matches(item.lower(), list(by_name), n=1, cutoff=0.7)
            unknown.append(f"'{item}'" + (f" (did you mean '{skill_names[by_name[close[0]]]}'?)" if close else ""))
        elif found not in ids:
            ids.append(found)
    if unknown:
        return ids, f"Unknown skill {', '.join(unknown)}: name skills the cluster knows, separated by ';'."
    return ids, None


def _field_of(label: str) -> str:
    """The form field an error of the record belongs to: ``subsectors[0]`` is the main subsector."""
    if label.startswith("subsectors[0]"):
        return "subsector"
    return re.split(r"[.\[]", label, maxsplit=1)[0]


def member_from_form(
    form: Mapping[str, Any], subsectors: Sequence[str], skill_names: Mapping[str, str], *,
    current: MemberRecord | None = None, new_id: str | None = None,
) -> tuple[MemberRecord | None, MemberForm]:
    """The record a submitted form describes (``current`` for an edit: its id is kept), or None
    and the form with each field's error. ``subsectors`` are the ticked other subsectors."""
    values: dict[str, Any] = {name: str(form.get(name) or "").strip() for name in MEMBER_FIELDS if name != "subsectors"}
    values["subsectors"] = [s for s in subsectors if s]
    out = MemberForm(values=values)
    skills, skill_error = _skill_ids(values["skills"], skill_names)
    if skill_error:
        out.errors["skills"] = skill_error
    main = values["subsector"]
    others = [s for s in values["subsectors"] if s != main]
    ident = current.id if current is not None else (values["id"] or new_id or "")
    record: dict[str, Any] = {
        "id": ident or None, "name": values["name"] or None, "kind": values["kind"] or "company",
        "subsectors": ([main] if main else []) + others, "skills": skills,
        "visibility": values["visibility"] or "private",
        "city": values["city"] or None, "website": values["website"] or None, "email": values["email"] or None,
        "languages": [x.lower() for x in _items(values["languages"])],
        "description": values["description"] or None, "joined": values["joined"] or None,
    }
    if not main:
        out.errors["subsector"] = "Choose the member's main subsector."
    try:
        member = MemberRecord.model_validate({k: v for k, v in record.items() if v is not None})
    except ValidationError as exc:
        for label, message in field_errors(exc.errors()).items():
            name = _field_of(label)
            if name == "subsectors" and not main:
                continue  # said once, on the main subsector
            out.errors.setdefault(name if name in MEMBER_FIELDS else "name", _worded(name, message))
        return None, _ordered(out)
    if out.errors:
        return None, _ordered(out)
    return member, out


def _ordered(form: MemberForm) -> MemberForm:
    """The errors in the order of the form's fields (the summary lists them as the page does)."""
    form.errors = {name: form.errors[name] for name in MEMBER_FIELDS if name in form.errors}
    return form


_WORDS: Final = {
    "id": "The id", "name": "The name", "city": "The city", "website": "The website", "joined": "The date joined",
    "languages": "Each language", "description": "The description", "subsectors": "The other subsectors",
}


def _worded(name: str, message: str) -> str:
    """pydantic's message, with the field named in words."""
    if name == "name" and message == "This field is required.":
        return "Enter the member's name."
    if name == "website":
        return "Enter a web address that starts with http:// or https://."
    if name == "email":
        return "Enter a mail address such as name@example.lu."
    if name == "languages":
        return "Give each language as its 2- or 3-letter code (ISO 639), e.g. lb, fr, en."
    if name == "joined":
        return "Enter the date joined as a date, e.g. 2024-03-15."
    if name == "id":
        return "The id may hold only letters, digits, '.', '_' or '-', at most 64 characters, e.g. m-101."
    words = _WORDS.get(name)
    return f"{words}: {message[0].lower() + message[1:]}" if words else message


def _page(template: str, **context: Any) -> str:
    return render_template(template, inline=False, nav=nav_links("manager"), **context)


def members_html(
    members: Sequence[MemberRecord], *, total: int, q: str, subsector: str, offset: int, notice: str | None = None,
) -> str:
    """The list of members matching ``q`` and ``subsector``, one page from ``offset``."""
    rows = [{
        "member": m, "kind": m.kind.replace("-", " "),
        "subsectors": [subsector_name(s) for s in m.subsectors],
    } for m in members]
    return _page("desk_members.html.j2", rows=rows, total=total, q=q, subsector=subsector, offset=offset,
                 page_size=PAGE_SIZE, subsector_options=SUBSECTOR_OPTIONS, notice=notice)


def member_form_html(form: MemberForm, *, editing: MemberRecord | None, skill_names: Mapping[str, str],
                     new_id: str | None = None) -> str:
    """The add or edit form, filled in, with its errors."""
    return _page("desk_members_form.html.j2", form=form.values, errors=form.errors, editing=editing,
                 new_id=new_id, kind_options=KIND_OPTIONS, visibility_options=VISIBILITY_OPTIONS,
                 subsector_options=SUBSECTOR_OPTIONS, skill_names=sorted(skill_names.values(), key=str.lower))


def _key_row(key: KeyInfo, names: Mapping[str, str]) -> dict[str, Any]:
    return {"key": key, "member_name": names.get(key.member, "") if key.member else "",
            "created": key.created.strftime("%Y-%m-%d %H:%M") if key.created else "not recorded",
            "revoked": key.revoked.strftime("%Y-%m-%d %H:%M") if key.revoked else ""}


def keys_html(keys: Sequence[KeyInfo], member_names: Mapping[str, str], *, members: Sequence[tuple[str, str]],
              values: Mapping[str, str] | None = None, errors: Mapping[str, str] | None = None,
              notice: str | None = None) -> str:
    """Every stored key (live ones first), and the form for a new one. ``members`` are
    ``(id, name)`` pairs for the member picker."""
    rows = [_key_row(k, member_names) for k in sorted(keys, key=lambda k: (k.revoked is not None, k.name.lower()))]
    return _page("desk_keys.html.j2", rows=rows, values=dict(values or {}), errors=dict(errors or {}),
                 member_options=[("", "Choose a member"), *members], notice=notice)


def key_form_errors(values: Mapping[str, str]) -> dict[str, str]:
    """The new-key form's mistakes, by field (``role``, ``member``, ``name``)."""
    errors: dict[str, str] = {}
    if values.get("role") not in ("member", "client"):
        errors["role"] = "Choose whom the key is for: a member, or a client application."
    name = values.get("name", "")
    if not name:
        errors["name"] = "Say what the key is for, e.g. 'Anna's laptop' or 'cluster website'."
    elif len(name) > 200:
        errors["name"] = "The name may be at most 200 characters."
    if values.get("role") == "member" and not values.get("member"):
        errors["member"] = "Choose the member the key belongs to."
    return errors


def key_created_html(key: NewKey, member_name: str | None) -> str:
    """The page that shows a new key's secret, this once."""
    return _page("desk_keys_created.html.j2", key=key, member_name=member_name)


def key_revoke_html(key: KeyInfo, member_name: str | None) -> str:
    """The confirmation before a key is revoked."""
    return _page("desk_keys_revoke.html.j2", row=_key_row(key, {key.member: member_name or ""} if key.member else {}))
