"""A member's own page (``/me``): their profile as the cluster holds it, the links to the rest of
their space, and the form that changes what a member may change of it (``/me/edit``).

The form's fields are those of the API's ``PATCH /api/v1/members/{id}``
(:class:`~graph_service.api.schemas.MemberUpdate`) a member may send, less the visibility, which
has its own page (``/me/privacy``); the route sends the changes through the API's own handler, so
the rules are the same. :func:`profile_changes` turns the form into those changes,
:func:`profile_errors` the validation errors into a message beside each field."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from graph_service.api.schemas import MemberUpdate
from graph_service.domain import SUBSECTORS
from graph_service.interchange import MemberRecord
from graph_service.web.colours import subsector_name
from graph_service.web.forms import field_errors
from graph_service.web.pages import nav_links, render_template

__all__ = [
    "VISIBILITY_MEANS",
    "KIND_LABELS",
    "EDITABLE",
    "NOTICES",
    "me_html",
    "profile_changes",
    "profile_errors",
    "profile_form_values",
    "posted_values",
    "edit_html",
]

VISIBILITY_MEANS: dict[str, str] = {
    "private": "Only the cluster manager sees your profile; other members and the cluster's website do not, "
               "and you are left out of their maps and recommendations.",
    "members": "Other members of the cluster see your profile and you appear on their maps; the cluster's "
               "website does not show you.",
    "public": "Everyone sees your profile, the cluster's website included.",
}

KIND_LABELS: dict[str, str] = {
    "company": "Company",
    "freelancer": "Freelancer",
    "institution": "Institution",
    "creative-hub": "Creative hub",
}

EDITABLE = tuple(f for f in ("name", "kind", "subsectors", "skills", "city", "website", "email", "languages",
                             "description") if f in MemberUpdate.model_fields)
"""The fields of the profile form: what a member may change of their profile through the API, less
``visibility`` (on /me/privacy) and ``joined`` (the manager's)."""

NOTICES: dict[str, str] = {
    "profile": "Your profile is saved.",
    "unchanged": "Nothing to save: your profile is as it was.",
}
"""The notices ``/me?done=...`` shows after a change (fixed texts: nothing from the address is shown)."""

# Messages for the fields whose validation message is a pattern nobody reads.
_FRIENDLY: dict[str, str] = {
    "name": "Enter your name, at most 200 characters.",
    "subsectors": "Choose your main subsector.",
    "city": "The city has at most 200 characters.",
    "website": "Give the whole address of your website, starting with https:// (or http://), without spaces.",
    "email": "Give a mail address such as name@example.lu.",
    "languages": "Give languages as two- or three-letter codes separated by commas, e.g. lb, fr, en (at most 12).",
    "description": "The description has at most 2,000 characters.",
    "skills": "Choose at most 100 skills from the list.",
}


def me_html(member: MemberRecord, skill_names: Mapping[str, str], *, notice: str | None = None) -> str:
    """The page of ``member`` (their own); ``skill_names`` names the skill ids."""
    return render_template(
        "me.html.j2",
        inline=False,
        nav=nav_links("member"),
        member=member,
        kind=KIND_LABELS.get(member.kind, member.kind),
        subsectors=[subsector_name(s) for s in member.subsectors],
        skills=[skill_names.get(s, s) for s in member.skills],
        visibility_means=VISIBILITY_MEANS.get(member.visibility, ""),
        notice=notice,
    )


def _text(form: Mapping[str, Any], name: str) -> str | None:
    value = form.get(name)
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def _all(form: Any, name: str) -> list[str]:
    values = form.getlist(name) if hasattr(form, "getlist") else form.get(name, [])
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def profile_changes(form: Any) -> dict[str, Any]:
    """The changes a posted profile form asks for, shaped as the API's body: every field of the
    form (an emptied one is cleared: ``None``), the main subsector first, languages split at
    commas or spaces."""
    changes: dict[str, Any] = {}
    if "name" in EDITABLE:
        changes["name"] = _text(form, "name")
    if "kind" in EDITABLE:
        changes["kind"] = _text(form, "kind")
    main = _text(form, "subsector")
    others = [s for s in _all(form, "subsectors") if s != main]
    changes["subsectors"] = ([main] if main else []) + list(dict.fromkeys(others))
    changes["skills"] = list(dict.fromkeys(_all(form, "skills")))
    for name in ("city", "website", "email", "description"):
        if name in EDITABLE:
            changes[name] = _text(form, name)
    languages = (_text(form, "languages") or "").replace(",", " ").split()
    changes["languages"] = list(dict.fromkeys(x.lower() for x in languages))
    return changes


def profile_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """``{form field: message}`` from the API's validation errors (``languages[2]`` is the
    ``languages`` field, a subsector problem is the main subsector's)."""
    found: dict[str, str] = {}
    for label, message in field_errors(errors).items():
        name = label.split("[", 1)[0].split(".", 1)[0]
        if name == "subsectors":
            name = "subsector"
        found.setdefault(name, _FRIENDLY.get(label.split("[", 1)[0], message))
    return found


def profile_form_values(member: MemberRecord) -> dict[str, Any]:
    """The form's values for ``member`` as stored."""
    return {
        "name": member.name,
        "kind": member.kind,
        "subsector": member.subsectors[0],
        "subsectors": list(member.subsectors[1:]),
        "skills": list(member.skills),
        "city": member.city or "",
        "website": member.website or "",
        "email": getattr(member, "email", None) or "",
        "languages": ", ".join(member.languages),
        "description": member.description or "",
    }


def posted_values(form: Any) -> dict[str, Any]:
    """The form's values as the member posted them (shown again beside the errors)."""
    return {
        "name": form.get("name") or "",
        "kind": form.get("kind") or "",
        "subsector": form.get("subsector") or "",
        "subsectors": _all(form, "subsectors"),
        "skills": _all(form, "skills"),
        **{n: form.get(n) or "" for n in ("city", "website", "email", "languages", "description")},
    }


def edit_html(member: MemberRecord, skills: Sequence[tuple[str, str]], values: Mapping[str, Any],
              errors: Mapping[str, str]) -> str:
    """The profile form of ``member``: ``skills`` the (id, name) choices, ``values`` what the
    fields hold, ``errors`` the message beside each wrong field."""
    return render_template(
        "me_edit.html.j2",
        inline=False,
        nav=nav_links("member"),
        member=member,
        values=values,
        errors=dict(errors),
        editable=EDITABLE,
        kinds=list(KIND_LABELS.items()),
        subsectors=[(s.id, s.name) for s in SUBSECTORS],
        skills=list(skills),
    )
