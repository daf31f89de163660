"""The manager's introductions pages: the plan (``/desk/introductions``) and the board
(``/desk/introductions/board``).

* **The plan.** The form asks for the same parameters as ``POST /api/v1/introductions/plan``
  (:class:`PlanForm`, read from the query string: the request is stateless). The plan comes from
  :func:`graph_service.services.planning.plan_introductions` and is shown by name: each pair with
  its members' subsectors and its reasons, a tick box each (ticked), the predicted E-I index of
  every subsector before and after as inline SVG (:func:`effect_chart`) with the same figures as
  a table, and a link to the ecosystem map with the pairs drawn dashed. The ticked pairs are
  posted as ``a:b`` values; :func:`check_pairs` checks them again against the graph (they come
  from a browser) and :func:`record_pairs` records each with
  :func:`graph_service.services.introductions.propose`, the service the API's ``POST
  /introductions`` uses, whose transaction checks the pair once more.
* **The board.** Every introduction by state (:data:`BOARD_STATES`), the ones due for a follow-up
  (:func:`graph_service.services.introductions.due_for_follow_up`) highlighted and first; each card
  has one small form to move it on (:func:`graph_service.services.introductions.advance`: a
  ``collaborating`` introduction becomes a knows tie in the same transaction) and, while it is
  proposed, to record an answer a member gave the manager
  (:func:`graph_service.services.introductions.respond`).

People are shown by name (members and organisations from the manager's projection); ids only as
small print.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal
from urllib.parse import urlencode

from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from graph_service.domain import OPEN_INTRODUCTION_STATUSES, SUBSECTOR_IDS, SUBSECTORS
from graph_service.errors import Conflict, InvalidRequest, NotFound
from graph_service.interchange import Id
from graph_service.services import introductions
from graph_service.services.introductions import TRANSITIONS, Answer
from graph_service.services.planning import Focus, Plan, plan_introductions
from graph_service.services.views import GraphView
from graph_service.store.database import Database
from graph_service.store.introductions import IntroductionRow
from graph_service.web.colours import subsector_name
from graph_service.web.maps.overlays import MAX_PROPOSED
from graph_service.web.pages import nav_links, render_template
from graph_service.web.report import text_width

__all__ = [
    "BOARD_STATES",
    "PLAN_PATH",
    "BOARD_PATH",
    "FOLLOW_UP_DAYS",
    "PLAN_SIZE_MAX",
    "Card",
    "PairView",
    "Person",
    "PlanForm",
    "advance_card",
    "answer_card",
    "board_html",
    "check_pairs",
    "effect_chart",
    "plan_html",
    "read_plan_form",
    "record_pairs",
]

PLAN_PATH = "/desk/introductions"
BOARD_PATH = "/desk/introductions/board"

FOCUS_OPTIONS: tuple[tuple[str, str], ...] = (
    ("all", "Everybody (members with no tie outside their subsector first)"),
    ("isolated-subsectors", "The most isolated subsectors (introductions across subsectors)"),
    ("new-members", "New members"),
    ("theme", "A theme: one skill or one subsector"),
)

BOARD_STATES: tuple[tuple[str, str, str], ...] = (
    ("proposed", "Proposed", "Waiting for both members to accept."),
    ("accepted", "Accepted", "Both accepted: have they met?"),
    ("met", "Met", "They met: did it lead to working together?"),
    ("collaborating", "Collaborating", "They work together; the tie is on the map."),
    ("declined", "Declined", "One side declined; never suggested again."),
    ("no-follow-up", "No outcome", "They met, nothing came of it (yet)."),
)
"""The board's sections: (status, heading, what it means)."""

STATE_LABELS = {status: label for status, label, _ in BOARD_STATES}

# What the button that moves an introduction to a status says (declined: see _move_label).
_MOVE_LABELS: dict[str, str] = {
    "met": "They have met",
    "collaborating": "They work together (adds a tie)",
    "no-follow-up": "No outcome",
    "declined": "Declined",
}

_PAIR = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]{0,63}):([A-Za-z0-9][A-Za-z0-9._-]{0,63})$")
FOLLOW_UP_DAYS = 30
"""Introductions waiting longer than this many days are due for a follow-up (the board can change it)."""
PLAN_SIZE_MAX = MAX_PROPOSED
"""The most introductions one plan on the page may hold: as many as the map can draw."""

_PLAN_MESSAGES = {
    "total": f"Enter how many introductions, a whole number from 1 to {PLAN_SIZE_MAX}.",
    "max_per_member": "Enter the most introductions per member, a whole number from 1 to 20.",
    "focus": "Choose one of the focuses in the list.",
    "theme": "Choose a theme from the list.",
    "new_member_days": "Enter a number of days from 1 to 3650.",
    "organisations": "Tick the box or leave it empty.",
}


# -- the plan form ----------------------------------------------------------------------------------


class PlanForm(BaseModel):
    """The plan's parameters, as ``POST /api/v1/introductions/plan`` takes them (the size is capped
    at what the map can draw, :data:`~graph_service.web.maps.overlays.MAX_PROPOSED`)."""

    model_config = ConfigDict(extra="ignore")

    total: int = Field(default=10, ge=1, le=PLAN_SIZE_MAX)
    max_per_member: int = Field(default=2, ge=1, le=20)
    focus: Focus = "all"
    theme: Id | None = None
    new_member_days: int = Field(default=365, ge=1, le=3650)
    organisations: bool = False

    @field_validator("theme", mode="before")
    @classmethod
    def _blank_theme(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    def query(self) -> dict[str, str]:
        """The form as query parameters (for the page's own links)."""
        out = {"total": str(self.total), "max_per_member": str(self.max_per_member), "focus": self.focus,
               "new_member_days": str(self.new_member_days)}
        if self.theme:
            out["theme"] = self.theme
        if self.organisations:
            out["organisations"] = "true"
        return out


def read_plan_form(values: Mapping[str, str]) -> tuple[PlanForm | None, dict[str, str]]:
    """The form from submitted values (only the plan's fields are read), or the errors by field."""
    given = {k: v.strip() for k, v in values.items() if k in PlanForm.model_fields}
    try:
        return PlanForm.model_validate(given), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "total"
            errors.setdefault(name, _PLAN_MESSAGES.get(name, str(error["msg"])))
        return None, errors


# -- people by name ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Person:
    """A member (or an organisation of another cluster) as the pages name them."""

    id: str
    name: str
    detail: str  # the subsectors by name, or the organisation's cluster
    known: bool = True
    member: bool = True


def person(view: GraphView, ident: str) -> Person:
    """``ident`` by name, from the manager's projection (the id itself when it is not in the graph)."""
    nodes = view.current().full.nodes
    if ident not in nodes:
        return Person(ident, ident, "not in the graph", known=False, member=False)
    data = nodes[ident]
    if data.get("node_type", "member") == "organisation":
        return Person(ident, str(data.get("name") or ident), f"organisation, {data.get('cluster')} cluster",
                      member=False)
    subsectors = ", ".join(subsector_name(s) for s in data.get("subsectors", ()))
    return Person(ident, str(data.get("name") or ident), subsectors or "no subsector")


def _pair_names(a: Person, b: Person) -> str:
    return f"{a.name} and {b.name}"


# -- the plan ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairView:
    """One pair of the plan as the page shows it."""

    value: str  # "a:b", what its tick box posts
    a: Person
    b: Person
    reasons: tuple[str, ...] = ()
    score: float | None = None
    new_subsector_pair: bool = False
    checked: bool = True
    error: str | None = None

    @property
    def dom_id(self) -> str:
        return "pair-" + self.value.replace(":", "-")


@dataclass(frozen=True, slots=True)
class EffectRow:
    subsector: str
    name: str
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class PlanView:
    pairs: tuple[PairView, ...]
    effect: tuple[EffectRow, ...]
    figures: tuple[tuple[str, int, int], ...]  # (what, before, after)
    chart: Markup
    map_href: str | None
    left_off_map: int  # pairs with an organisation, which the member map cannot draw
    sources: int
    candidates: int


def _fmt(x: float | None) -> str:
    return "no ties" if x is None else f"{x:+.2f}"


def effect_chart(rows: Sequence[EffectRow]) -> Markup:
    """Each subsector's E-I index before (hollow ring) and after (filled dot) the plan, on one
    axis from -1 (every tie stays inside the subsector) to +1 (every tie goes outside), as inline
    SVG. The label column is as wide as the longest name (:func:`graph_service.web.report.text_width`)."""
    label_size, value_size = 12, 11
    label_w = max([120.0, *(text_width(r.name, label_size) + 14 for r in rows)])
    value_w = text_width("+0.00 → +0.00", value_size) + 16
    plot_w, row_h, top = 380.0, 26, 30
    width = math.ceil(label_w + plot_w + value_w + 16)
    height = top + row_h * max(1, len(rows)) + 12
    left = label_w + 8

    def x_of(v: float) -> float:
        return left + (v + 1) / 2 * plot_w

    title = "E-I index per subsector, before and after the plan"
    parts = [f'<svg class="chart ei-effect" role="img" aria-labelledby="ei-chart-title" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
             f'<title id="ei-chart-title">{Markup.escape(title)}</title>']
    for v in (-1, -0.5, 0, 0.5, 1):
        x = x_of(v)
        stroke = "#868e96" if v == 0 else "#dee2e6"
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 8}" y2="{height - 8}" stroke="{stroke}"/>'
                     f'<text x="{x:.1f}" y="{top - 13}" font-size="{value_size}" text-anchor="middle" '
                     f'fill="#495057">{v:+g}</text>')
    for i, r in enumerate(rows):
        y = top + i * row_h + row_h / 2
        parts.append(f'<text x="{label_w:.1f}" y="{y + 4:.1f}" font-size="{label_size}" text-anchor="end" '
                     f'fill="#212529">{Markup.escape(r.name)}</text>')
        if r.before is not None and r.after is not None:
            x0, x1 = x_of(r.before), x_of(r.after)
            colour = "#2b8a3e" if r.after > r.before else "#c92a2a" if r.after < r.before else "#495057"
            if abs(x1 - x0) > 0.5:
                parts.append(f'<line x1="{x0:.1f}" x2="{x1:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="{colour}" '
                             f'stroke-width="3"/>')
        if r.before is not None:
            parts.append(f'<circle cx="{x_of(r.before):.1f}" cy="{y:.1f}" r="5.5" fill="#fff" stroke="#212529" '
                         f'stroke-width="2"><title>{Markup.escape(r.name)} before: {_fmt(r.before)}</title></circle>')
        if r.after is not None:
            parts.append(f'<circle cx="{x_of(r.after):.1f}" cy="{y:.1f}" r="4.5" fill="#1864ab">'
                         f'<title>{Markup.escape(r.name)} after: {_fmt(r.after)}</title></circle>')
        parts.append(f'<text x="{left + plot_w + 12:.1f}" y="{y + 4:.1f}" font-size="{value_size}" '
                     f'fill="#212529">{_fmt(r.before)} → {_fmt(r.after)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _map_href(pairs: Iterable[PairView]) -> tuple[str | None, int]:
    drawable = [p.value for p in pairs if p.a.member and p.b.member and p.a.known and p.b.known]
    left_off = sum(1 for p in pairs if not (p.a.member and p.b.member))
    if not drawable:
        return None, left_off
    return "/viz/ecosystem?" + urlencode({"proposed": ",".join(drawable)}), left_off


def _plan_view(view: GraphView, plan: Plan, *, ticked: set[str] | None = None,
               extra: Sequence[PairView] = (), errors: Mapping[str, str] | None = None) -> PlanView:
    pairs: list[PairView] = []
    for item in plan.items:
        value = f"{item.a}:{item.b}"
        dom = "pair-" + value.replace(":", "-")
        pairs.append(PairView(value, person(view, item.a), person(view, item.b), item.reasons, item.score,
                              item.new_subsector_pair, checked=ticked is None or value in ticked,
                              error=(errors or {}).get(dom)))
    shown = {p.value for p in pairs}
    pairs.extend(p for p in extra if p.value not in shown)
    before, after = plan.effect.before, plan.effect.after
    effect = tuple(EffectRow(s, subsector_name(s), before.ei_index.get(s), after.ei_index.get(s))
                   for s in before.ei_index)
    figures = (
        ("Ties across subsectors", before.cross_subsector_ties, after.cross_subsector_ties),
        ("Members with no tie outside their subsector", before.members_without_outside_tie,
         after.members_without_outside_tie),
        ("Pairs of subsectors linked by a tie", before.subsector_pairs_connected, after.subsector_pairs_connected),
    )
    href, left_off = _map_href(pairs)
    return PlanView(tuple(pairs), effect, figures, effect_chart(effect), href, left_off, plan.sources,
                    plan.candidates)


def _theme_options(view: GraphView) -> list[tuple[str, str]]:
    skills = view.current().members.graph.get("skill_names", {})
    return ([("", "No theme")]
            + [(s.id, f"Subsector: {s.name}") for s in SUBSECTORS]
            + [(k, f"Skill: {v}") for k, v in sorted(skills.items(), key=lambda kv: str(kv[1]).lower())])


def _make_plan(view: GraphView, db: Database, form: PlanForm) -> tuple[Plan | None, dict[str, str]]:
    try:
        plan = plan_introductions(view, db, total=form.total, max_per_member=form.max_per_member,
                                  focus=form.focus, theme=form.theme, new_member_days=form.new_member_days,
                                  organisations=form.organisations, effect_subsectors=len(SUBSECTOR_IDS))
    except InvalidRequest as exc:
        return None, {exc.field if exc.field in PlanForm.model_fields else "total": exc.message}
    return plan, {}


def plan_html(view: GraphView, db: Database, values: Mapping[str, str], *,
              ticked: Sequence[str] | None = None, errors: Mapping[str, str] | None = None,
              extra: Sequence[PairView] = (), notice: str | None = None) -> tuple[str, int]:
    """The plan page: the form alone (no ``total`` given), the form with its errors, or the form
    and the plan. With ``ticked`` and ``errors`` (a refused recording), the boxes as they were
    posted and each refused pair's reason beside it. The page and its HTTP status."""
    form_errors: dict[str, str] = {}
    asked = "total" in values
    form, form_errors = read_plan_form(values) if asked else (PlanForm(), {})
    plan: Plan | None = None
    if asked and form is not None:
        plan, form_errors = _make_plan(view, db, form)
    record_errors = dict(errors or {})
    shown = (_plan_view(view, plan, ticked=set(ticked) if ticked is not None else None, extra=extra,
                        errors=record_errors) if plan is not None else None)
    status = 422 if form_errors else (409 if record_errors else 200)
    html = render_template(
        "desk_introductions.html.j2", inline=False, nav=nav_links("manager"),
        values={k: v for k, v in values.items() if k in PlanForm.model_fields},
        form=form or PlanForm(), asked=asked, focus_options=FOCUS_OPTIONS, theme_options=_theme_options(view),
        errors={**form_errors, **record_errors}, plan=shown, max_size=PLAN_SIZE_MAX, notice=notice,
        hidden=(form.query() if form is not None and asked else {}),
    )
    return html, status


# -- recording the ticked pairs ---------------------------------------------------------------------


def check_pairs(view: GraphView, values: Sequence[str]) -> tuple[list[tuple[str, str]], dict[str, str],
                                                                   list[PairView]]:
    """The posted ``a:b`` values checked against the graph: the good pairs (in order, each once),
    the errors by the pair's element id (naming the people), and every posted pair by name."""
    projection = view.current()
    nodes = projection.full.nodes
    earlier: dict[frozenset[str], list[tuple[str, date, str]]] = {}
    for intro in projection.document.introductions:
        earlier.setdefault(frozenset((intro.a, intro.b)), []).append((intro.status, intro.date, intro.id))
    good: list[tuple[str, str]] = []
    errors: dict[str, str] = {}
    posted: list[PairView] = []
    seen: set[frozenset[str]] = set()
    for raw in values:
        value = raw.strip()
        found = _PAIR.match(value)
        if found is None:
            errors.setdefault("pairs", f"'{value[:80]}' is not a pair of member ids like m-001:m-002.")
            continue
        a, b = found.group(1), found.group(2)
        pa, pb = person(view, a), person(view, b)
        dom = "pair-" + value.replace(":", "-")
        key = frozenset((a, b))
        if key in seen:
            continue
        seen.add(key)
        problem: str | None = None
        missing = [p for p in (pa, pb) if p.id not in nodes]
        if a == b:
            problem = f"{pa.name} cannot be introduced to themselves."
        elif missing:
            problem = " and ".join(f"'{p.id}'" for p in missing) + (
                " is" if len(missing) == 1 else " are") + " no longer in the cluster: nothing recorded for this pair."
        else:
            for status, when, ident in sorted(earlier.get(key, []), key=lambda e: e[1], reverse=True):
                if status in OPEN_INTRODUCTION_STATUSES:
                    problem = (f"{_pair_names(pa, pb)} already have an open introduction "
                               f"({STATE_LABELS.get(status, status).lower()}, since {when.isoformat()}, {ident}).")
                    break
                if status == "declined":
                    problem = (f"An introduction of {_pair_names(pa, pb)} was declined before "
                               f"({when.isoformat()}, {ident}); it is not proposed again.")
                    break
        posted.append(PairView(value, pa, pb, checked=problem is None, error=problem))
        if problem is None:
            good.append((a, b))
        else:
            errors[dom] = problem
    if not values:
        errors["pairs"] = "Tick at least one introduction to record."
    return good, errors, posted


def record_pairs(view: GraphView, db: Database, pairs: Sequence[tuple[str, str]]
                 ) -> tuple[list[IntroductionRow], dict[str, str]]:
    """Record each pair as a proposed introduction by the manager
    (:func:`graph_service.services.introductions.propose`, which checks the pair again in its own
    transaction); the recorded ones and, for any refused meanwhile, the reason by element id."""
    recorded: list[IntroductionRow] = []
    refused: dict[str, str] = {}
    for a, b in pairs:
        try:
            recorded.append(introductions.propose(db, a=a, b=b))
        except Conflict as exc:
            reason = str(exc).split(": ", 1)[-1]
            refused[f"pair-{a}-{b}"] = f"{_pair_names(person(view, a), person(view, b))}: {reason}."
    return recorded, refused


# -- the board --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Move:
    status: str
    label: str


@dataclass(frozen=True, slots=True)
class Side:
    person: Person
    answer: str  # "accepted", "declined", "waiting", or "" when the introduction predates answers


@dataclass(frozen=True, slots=True)
class Card:
    """One introduction on the board."""

    id: str
    status: str
    a: Side
    b: Side
    date: date
    last_step: str | None  # e.g. "met on 2025-05-02"
    note: str | None
    facilitator: str | None  # a member who made the introduction, by name; None for the manager
    due_days: int | None
    due_action: str | None
    moves: tuple[Move, ...]
    error: str | None = None

    @property
    def dom_id(self) -> str:
        return f"intro-{self.id}"


@dataclass(frozen=True, slots=True)
class Section:
    status: str
    title: str
    means: str
    cards: tuple[Card, ...]
    due: int = field(default=0)


# States only reached when both sides accepted (double opt-in): their answers go without saying.
_BOTH_ACCEPTED = frozenset({"accepted", "met", "collaborating", "no-follow-up"})


def _move_label(current: str, status: str) -> str:
    if status == "declined":
        return "Withdraw it (declined)" if current == "proposed" else "One backed out (declined)"
    return _MOVE_LABELS[status]


def _answer(row: IntroductionRow, side: Literal["a_response", "b_response"]) -> str:
    """One side's answer: accepted, declined, waiting, or "" when it was not recorded (an
    introduction imported without its answers)."""
    value = row.get(side)
    if value is None or value == "pending":
        if row["status"] in _BOTH_ACCEPTED:
            return "accepted"
        return "waiting" if row["status"] == "proposed" else ""
    return str(value)


def _last_step(row: IntroductionRow) -> str | None:
    for label, key in (("closed", "closed_on"), ("met", "met_on"), ("accepted", "accepted_on")):
        value = row.get(key)
        if isinstance(value, date):
            return f"{label} on {value.isoformat()}"
    return None


def _card(view: GraphView, row: IntroductionRow, due: introductions.DueIntroduction | None,
          error: str | None = None) -> Card:
    facilitator = row["facilitator"]
    return Card(
        id=row["id"], status=row["status"],
        a=Side(person(view, row["a"]), _answer(row, "a_response")),
        b=Side(person(view, row["b"]), _answer(row, "b_response")),
        date=row["date"], last_step=_last_step(row), note=row.get("outcome"),
        facilitator=None if facilitator in ("manager", "erased") else person(view, facilitator).name,
        due_days=due.waiting_days if due else None, due_action=due.action if due else None,
        moves=tuple(Move(s, _move_label(row["status"], s))
                    for s in sorted(TRANSITIONS.get(row["status"], ()), key=list(_MOVE_LABELS).index)),
        error=error,
    )


def board_html(view: GraphView, db: Database, *, due_days: int = FOLLOW_UP_DAYS, notice: str | None = None,
               errors: Mapping[str, str] | None = None) -> str:
    """The board: every introduction by state with its counts, due follow-ups first in their state."""
    rows = introductions.list_introductions(db)
    due = {d.introduction["id"]: d for d in introductions.due_for_follow_up(db, days=due_days)}
    errors = dict(errors or {})
    by_state: dict[str, list[Card]] = {status: [] for status, _, _ in BOARD_STATES}
    for row in rows:
        card = _card(view, row, due.get(row["id"]), errors.get(f"intro-{row['id']}"))
        by_state.setdefault(row["status"], []).append(card)
    sections = []
    for status, title, means in BOARD_STATES:
        cards = sorted(by_state.get(status, []),
                       key=lambda c: (c.due_days is None, -(c.due_days or 0), -c.date.toordinal(), c.id))
        sections.append(Section(status, title, means, tuple(cards), sum(1 for c in cards if c.due_days)))
    return render_template(
        "desk_introductions_board.html.j2", inline=False, nav=nav_links("manager"), sections=sections,
        total=len(rows), due_count=len(due), due_days=due_days, notice=notice,
        errors=errors,
        board_path=BOARD_PATH, plan_path=PLAN_PATH,
    )


def moved_notice(view: GraphView, db: Database, ident: str) -> str | None:
    """What the board says after a card moved: the pair by name and where it stands now."""
    try:
        row = next(r for r in introductions.list_introductions(db) if r["id"] == ident)
    except StopIteration:
        return None
    names = _pair_names(person(view, row["a"]), person(view, row["b"]))
    status = STATE_LABELS.get(row["status"], row["status"]).lower()
    extra = " Their tie is now on the map." if row["status"] == "collaborating" else ""
    return f"{names}: now {status}.{extra}"


def advance_card(view: GraphView, db: Database, ident: str, *, status: str, note: str | None
                 ) -> dict[str, str]:
    """Move introduction ``ident`` on to ``status`` with an optional note
    (:func:`graph_service.services.introductions.advance`); the errors by element id (none when it moved)."""
    text = (note or "").strip()
    if len(text) > 2000:
        return {f"intro-{ident}": "The note is too long: at most 2,000 characters."}
    if status not in _MOVE_LABELS:
        return {f"intro-{ident}": "Choose one of the buttons to move this introduction on."}
    try:
        introductions.advance(db, ident, status=status, outcome=text or None)
    except NotFound:
        return {"board": f"There is no introduction '{ident}' any more."}
    except Conflict as exc:
        return {f"intro-{ident}": _readable_conflict(str(exc))}
    return {}


def answer_card(view: GraphView, db: Database, ident: str, *, member: str, answer: str) -> dict[str, str]:
    """Record a member's answer the manager was given (:func:`graph_service.services.introductions.respond`);
    the errors by element id (none when it was recorded)."""
    if answer not in ("accept", "decline"):
        return {f"intro-{ident}": "Choose accepted or declined."}
    chosen: Answer = "accept" if answer == "accept" else "decline"
    try:
        introductions.respond(db, ident, member=member, answer=chosen)
    except NotFound:
        return {"board": f"There is no introduction '{ident}' any more."}
    except Conflict as exc:
        return {f"intro-{ident}": _readable_conflict(str(exc))}
    return {}


def _readable_conflict(message: str) -> str:
    """A service's refusal ("status: cannot go from met to met ...") as a sentence for the card."""
    text = message.split(": ", 1)[-1]
    for status, label in STATE_LABELS.items():
        text = re.sub(rf"\b{re.escape(status)}\b", label.lower(), text)
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."
