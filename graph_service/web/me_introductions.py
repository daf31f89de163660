"""A member's introductions (``/me/introductions``): those they are part of, by the other person's
name, with why (the introduction's notes), where each stands, and, while an introduction is
proposed and the member has not answered, the form that accepts or declines it with an optional
note (:func:`graph_service.services.introductions.respond`, the API's rules)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from graph_service.domain import MANAGER
from graph_service.store.introductions import IntroductionRow
from graph_service.web.pages import nav_links, render_template

__all__ = ["NOTICES", "PRIVATE_NAME", "STATES", "introductions_html"]

PRIVATE_NAME = "a member whose profile is private"
"""How the other side is named when the member may not see them."""

STATES: dict[str, str] = {
    "proposed": "Proposed: waiting for both answers",
    "accepted": "Made: you both accepted; now meet",
    "met": "You met",
    "collaborating": "You work together",
    "no-follow-up": "You met; nothing followed for now",
    "declined": "Declined",
}

ANSWERS: dict[str | None, str] = {None: "not answered yet", "pending": "not answered yet",
                                  "accepted": "accepted", "declined": "declined"}

NOTICES: dict[str, str] = {
    "accepted": "You accepted the introduction. It is made once the other side accepts too; the manager follows up.",
    "declined": "You declined the introduction. You will not be proposed to each other again.",
}

OPEN = ("proposed", "accepted", "met")


def _row(r: IntroductionRow, me: str, name: Callable[[str], str | None]) -> dict[str, Any]:
    other = r["b"] if r["a"] == me else r["a"]
    mine, theirs = (r["a_response"], r["b_response"]) if r["a"] == me else (r["b_response"], r["a_response"])
    facilitator = r["facilitator"]
    if facilitator == MANAGER:
        by = "the cluster manager"
    elif facilitator == me:
        by = "you"
    else:
        by = name(facilitator) or "a member"
    other_name = name(other)
    return {
        "id": r["id"],
        "other": other,
        "other_name": other_name or PRIVATE_NAME,
        "other_visible": other_name is not None,
        "by": by,
        "date": r["date"].isoformat(),
        "status": r["status"],
        "state": STATES.get(r["status"], r["status"]),
        "mine": ANSWERS.get(mine, mine or ""),
        "theirs": ANSWERS.get(theirs, theirs or ""),
        "notes": [line for line in (r["outcome"] or "").splitlines() if line.strip()],
        "can_answer": r["status"] == "proposed" and (mine or "pending") == "pending",
    }


def introductions_html(
    rows: Sequence[IntroductionRow],
    *,
    me: str,
    name: Callable[[str], str | None],
    errors: Mapping[str, str] | None = None,
    notice: str | None = None,
) -> str:
    """The introductions page: open ones first (newest first), then the closed ones. ``name``
    names a member the viewer may see (None for one they may not)."""
    items = sorted((_row(r, me, name) for r in rows), key=lambda x: x["date"], reverse=True)
    return render_template(
        "me_introductions.html.j2",
        inline=False,
        nav=nav_links("member"),
        open=[x for x in items if x["status"] in OPEN],
        closed=[x for x in items if x["status"] not in OPEN],
        errors=dict(errors or {}),
        notice=notice,
    )
