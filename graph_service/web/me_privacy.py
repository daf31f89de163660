"""A member's privacy (``/me/privacy``): who may see them (the three levels and what each means,
:data:`~graph_service.web.me.VISIBILITY_MEANS`), a copy of their data (the GDPR export of
:func:`graph_service.services.privacy.export_member`, as a JSON download), and erasure, behind a
confirmation step that says what will happen (:func:`graph_service.services.privacy.erase_member`,
the API's ``DELETE /api/v1/members/{id}``)."""

from __future__ import annotations

from collections.abc import Mapping

from graph_service.interchange import MemberRecord
from graph_service.web.me import VISIBILITY_MEANS
from graph_service.web.pages import nav_links, render_template

__all__ = ["NOTICES", "LEVELS", "privacy_html", "erase_html", "erased_html"]

LEVELS: tuple[tuple[str, str], ...] = (
    ("private", "Private"),
    ("members", "Members of the cluster"),
    ("public", "Public"),
)

NOTICES: dict[str, str] = {
    "visibility": "Saved: who may see you has changed, on every map and list at once.",
}


def privacy_html(member: MemberRecord, *, errors: Mapping[str, str] | None = None, notice: str | None = None) -> str:
    return render_template(
        "me_privacy.html.j2",
        inline=False,
        nav=nav_links("member"),
        member=member,
        levels=[(value, label, VISIBILITY_MEANS[value]) for value, label in LEVELS],
        errors=dict(errors or {}),
        notice=notice,
    )


def erase_html(member: MemberRecord, *, error: str | None = None) -> str:
    """The confirmation step of an erasure: what it deletes, what it keeps, and the button."""
    return render_template("me_erase.html.j2", inline=False, nav=nav_links("member"), member=member, error=error)


def erased_html() -> str:
    """After the erasure: the session is over, nothing about the member is left to show."""
    return render_template("me_erased.html.j2", inline=False, nav=[])
