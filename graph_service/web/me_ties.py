"""A member's ties (``/me/ties``): by the other person's name, what kind, how strong, confirmed or
not and who recorded it; the form that records one (the other person picked by name); the
buttons that confirm the ties others recorded with the member; and the confirmation step of a
withdrawal. The changes themselves are :mod:`graph_service.services.ties`' (the API's rules)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graph_service.services.ties import Tie
from graph_service.web.me_people import Resolved
from graph_service.web.pages import nav_links, render_template

__all__ = ["STRENGTHS", "KIND_LABELS", "NOTICES", "strength_label", "ties_html", "withdraw_html"]

STRENGTHS: tuple[tuple[str, str], ...] = (
    ("0.2", "Slight: we have met"),
    ("0.5", "Fair: we know each other"),
    ("0.8", "Strong: we work or talk together often"),
    ("1.0", "Very strong: close partners"),
)
"""The strengths a member chooses from (the tie's weight, in (0, 1])."""

KIND_LABELS: dict[str, str] = {"knows": "know each other", "collaborated": "worked together"}

NOTICES: dict[str, str] = {
    "recorded": "Your tie is recorded. It counts on the maps once the other person confirms it.",
    "confirmed": "The tie is confirmed: it now shows on the maps and counts for recommendations.",
    "withdrawn": "The tie is withdrawn: it has left every map.",
}


def strength_label(weight: float) -> str:
    """A tie's weight in words (the nearest of :data:`STRENGTHS`) and as a number."""
    nearest = min(STRENGTHS, key=lambda s: abs(float(s[0]) - weight))
    return f"{nearest[1].split(':', 1)[0]} ({weight:.2f})"


def _row(tie: Tie, me: str, my_name: str) -> dict[str, Any]:
    return {
        "other": tie.other,
        "kind": tie.kind,
        "kind_label": KIND_LABELS.get(tie.kind, tie.kind),
        "strength": strength_label(tie.weight),
        "since": tie.since.isoformat() if tie.since else None,
        "confirmed": tie.confirmed,
        "awaiting": tie.awaiting,
        "recorded_by": "you" if tie.recorded_by == me else tie.other.name,
    }


def ties_html(
    ties: Sequence[Tie],
    *,
    me: str,
    my_name: str,
    visible: frozenset[str] | set[str],
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    resolved: Resolved | None = None,
    notice: str | None = None,
) -> str:
    """The ties page: those waiting for the member's confirmation, those waiting for the other
    side, the confirmed ones, and the form that records a new one (``values``, ``errors`` and
    the name's ``resolved`` choices when it was posted with a problem). ``visible``: the members
    the member may see (their names link to their cards)."""
    rows = [_row(t, me, my_name) for t in ties]
    return render_template(
        "me_ties.html.j2",
        inline=False,
        nav=nav_links("member"),
        awaiting=[r for r in rows if r["awaiting"]],
        waiting=[r for r in rows if not r["confirmed"] and not r["awaiting"]],
        confirmed=[r for r in rows if r["confirmed"]],
        visible=visible,
        values={"person": "", "kind": "knows", "weight": "0.5", "since": "", **(values or {})},
        errors=dict(errors or {}),
        choices=resolved.choices if resolved else (),
        kinds=[("knows", "We know each other"), ("collaborated", "We worked together")],
        strengths=list(STRENGTHS),
        notice=notice,
    )


def withdraw_html(tie: Tie, *, me: str, my_name: str) -> str:
    """The confirmation step before a tie is withdrawn."""
    return render_template(
        "me_withdraw.html.j2", inline=False, nav=nav_links("member"), tie=_row(tie, me, my_name),
    )
