"""Events and round tables on the manager's desk (``/desk/events``): the list, the form that
creates or edits an event (title, date, format, theme: the fields an
:class:`~graph_service.interchange.EventRecord` has), and an event's page where the manager
registers attendees by name (:mod:`graph_service.services.member_names`), takes them off, seats
them at tables (:func:`graph_service.services.teams.tables_for`) and prints the table plan and the
place cards.

A seating is not stored: it is a deterministic function of the attendance, the graph and the
seating's parameters (table size, theme, seed). The print pages take the same parameters in their
address and compute the same plan; the address also carries the plan's fingerprint
(:func:`plan_fingerprint`), so a print page whose plan differs from the one shown (someone was
registered, or ties changed, in between) says so instead of printing another plan silently.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, get_args
from urllib.parse import quote, urlencode

from graph_service.analytics.seating import Seating, Table
from graph_service.domain import SUBSECTORS, EventFormat
from graph_service.errors import DocumentInvalid
from graph_service.interchange import EventRecord
from graph_service.services import records
from graph_service.services.member_names import NameResolution, all_members, resolve_member, suggest_members
from graph_service.services.teams import tables_for
from graph_service.services.views import GraphView
from graph_service.services.visibility import Viewer
from graph_service.store.database import Database
from graph_service.store.taxonomy import list_skills
from graph_service.web import forms
from graph_service.web.colours import subsector_name
from graph_service.web.desk_tenders import Party, party_names
from graph_service.web.pages import nav_links, render_template

__all__ = [
    "CARDS_PER_SHEET",
    "DATALIST_LIMIT",
    "FORMATS",
    "EventForm",
    "SeatingOptions",
    "event_form_html",
    "event_html",
    "events_html",
    "parse_event_form",
    "parse_seating",
    "plan_fingerprint",
    "print_html",
    "problems_by_field",
    "register_attendee",
    "suggestions_html",
]

FORMATS: tuple[str, ...] = get_args(EventFormat)
"""The formats an event may have."""

DATALIST_LIMIT = 2000
"""Up to this many members, the name picker lists every name in the page (so it works without
scripts too); above, only the suggestions fetched while typing."""

CARDS_PER_SHEET = 8
"""Place cards on one A4 sheet (two columns of four)."""

_FORM_FIELD = {"title": "title", "date": "date", "format": "format", "theme": "theme"}


# -- the form --------------------------------------------------------------------------------------
@dataclass(slots=True)
class EventForm:
    """What the form shows, as typed."""

    title: str = ""
    date: str = ""
    format: str = "round-table"
    theme: str = ""

    @classmethod
    def of(cls, event: EventRecord) -> EventForm:
        return cls(event.title, event.date.isoformat(), event.format, event.theme or "")


def parse_event_form(form: EventForm) -> tuple[dict[str, Any], dict[str, str]]:
    """The record's fields from the form, and ``{field: message}`` for what is wrong."""
    errors: dict[str, str] = {}
    title = form.title.strip()
    if not title:
        errors["title"] = "Enter the event's title."
    elif len(title) > 200:
        errors["title"] = "The title must be 200 characters or fewer."
    day: date | None = None
    if not form.date.strip():
        errors["date"] = "Enter the day of the event."
    else:
        try:
            day = date.fromisoformat(form.date.strip())
        except ValueError:
            errors["date"] = "Enter the day as a date, for example 2026-10-15."
    if form.format not in FORMATS:
        errors["format"] = "Choose one of the formats listed."
    theme = form.theme.strip()
    if len(theme) > 200:
        errors["theme"] = "The theme must be 200 characters or fewer."
    return {"title": title, "date": day, "format": form.format, "theme": theme or None}, errors


def problems_by_field(exc: DocumentInvalid) -> dict[str, str]:
    """A refused write's problems, each at the form's field it is about."""
    return forms.problems_by_field(exc, _FORM_FIELD, "title")


def event_form_html(form: EventForm, errors: Mapping[str, str], *, event: EventRecord | None = None) -> str:
    """The form that creates an event (``event`` None) or edits ``event``."""
    return render_template("desk_events_form.html.j2", inline=False, nav=nav_links("manager"), form=form,
                           errors=errors, event=event, formats=[(f, f.replace("-", " ")) for f in FORMATS])


# -- the list --------------------------------------------------------------------------------------
def events_html(view: GraphView, db: Database) -> str:
    """Every event, the latest first."""
    events = sorted(records.list_events(view, db=db), key=lambda e: (e.date, e.id), reverse=True)
    today = date.today()
    return render_template("desk_events.html.j2", inline=False, nav=nav_links("manager"), events=events, today=today)


# -- seating ---------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SeatingOptions:
    """A seating's parameters from the page's address; ``table_size`` None: not asked for."""

    table_size: int | None
    skills: tuple[str, ...]
    subsectors: tuple[str, ...]
    seed: int
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    def query(self) -> str:
        """The parameters as an address's query, to compute the same seating again."""
        pairs: list[tuple[str, str]] = [("table_size", str(self.table_size))]
        pairs += [("skill", s) for s in self.skills] + [("subsector", s) for s in self.subsectors]
        pairs.append(("seed", str(self.seed)))
        return urlencode(pairs)


def parse_seating(query: Sequence[tuple[str, str]], known_skills: Mapping[str, str]) -> SeatingOptions:
    """The seating's parameters (``table_size``, ``skill``, ``subsector``, ``seed``), each error
    in words beside its field."""
    single = dict(query)
    errors: dict[str, str] = {}
    table_size: int | None = None
    text = single.get("table_size", "").strip()
    if text:
        try:
            table_size = int(text)
            if not 2 <= table_size <= 50:
                raise ValueError
        except ValueError:
            errors["table_size"] = "Enter the seats per table as a whole number from 2 to 50."
            table_size = None
    skills = tuple(dict.fromkeys(v for k, v in query if k == "skill"))
    if unknown := [s for s in skills if s not in known_skills]:
        errors["skill"] = f"'{unknown[0][:60]}' is not a skill of the taxonomy; choose from the list."
    known_subsectors = {s.id for s in SUBSECTORS}
    subsectors = tuple(dict.fromkeys(v for k, v in query if k == "subsector"))
    if unknown := [s for s in subsectors if s not in known_subsectors]:
        errors["subsector"] = f"'{unknown[0][:60]}' is not one of the twelve subsectors."
    seed = 42
    if single.get("seed", "").strip():
        try:
            seed = int(single["seed"])
            if not 0 <= seed <= 2**31:
                raise ValueError
        except ValueError:
            errors["seed"] = "Enter the seed as a whole number (0 or more)."
            seed = 42
    values = {"table_size": single.get("table_size", "6"), "seed": single.get("seed", "42")}
    return SeatingOptions(table_size, skills, subsectors, seed, values, errors)


def plan_fingerprint(seating: Seating) -> str:
    """A short fingerprint of who sits at which table (the same plan, the same fingerprint)."""
    text = "|".join(",".join(t.members) for t in seating.tables)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _table_why(table: Table, names: Mapping[str, Party]) -> str:
    """Why these people sit together, in words."""
    n = len(table.members)
    pairs = n * (n - 1) // 2
    subsectors = [subsector_name(s) for s in table.subsectors]
    why = f"{n} people from {len(subsectors)} subsector{'s' if len(subsectors) != 1 else ''}"
    why += f" ({', '.join(subsectors)})" if subsectors else ""
    why += f". {table.new_pairs} of the {pairs} pairs at the table have no tie yet"
    why += f", {table.new_cross_pairs} of them across subsectors" if table.new_pairs else ""
    if table.tied_pairs:
        why += f"; {table.tied_pairs} pair{'s' if table.tied_pairs != 1 else ''} already know each other"
    else:
        why += "; nobody at the table already knows another"
    return why + "."


@dataclass(frozen=True, slots=True)
class _Seated:
    number: int
    people: list[Party]
    why: str


def _seated(seating: Seating, names: Mapping[str, Party]) -> list[_Seated]:
    return [_Seated(t.number, [names.get(m, Party(m, m, "", True)) for m in t.members], _table_why(t, names))
            for t in seating.tables]


def _seat(view: GraphView, event: EventRecord, options: SeatingOptions) -> Seating | None:
    if options.table_size is None or options.errors:
        return None
    return tables_for(view, event.id, table_size=options.table_size, skills=options.skills,
                      subsectors=options.subsectors, seed=options.seed).seating


def _skill_options(db: Database) -> list[tuple[str, str]]:
    return sorted(((r["id"], r["name"]) for r in list_skills(db)), key=lambda s: s[1].casefold())


# -- an event's page -------------------------------------------------------------------------------
NOTICES: dict[str, str] = {
    "created": "The event is recorded.",
    "updated": "The event is saved.",
}


def event_html(view: GraphView, db: Database, ident: str, query: Sequence[tuple[str, str]], *,
               registering: NameResolution | None = None, notice: str | None = None) -> str:
    """An event's page: what it is, its attendees, the name picker (with ``registering``: the
    name that could not be resolved, and whom it may mean), and the seating asked for."""
    event = records.get_event(view, ident, db=db)
    names = party_names(view)
    skills = dict(_skill_options(db))
    options = parse_seating(query, skills)
    seating = _seat(view, event, options)
    attendees = [names.get(a, Party(a, a, "not shown", False)) for a in event.attendees]
    everyone = all_members(view)
    datalist = everyone if len(everyone) <= DATALIST_LIMIT else []
    seated_ids = {m for t in seating.tables for m in t.members} if seating else set()
    unseated = [p for p in attendees if p.id not in seated_ids] if seating else []
    single = dict(query)
    if notice is None:
        notice = NOTICES.get(single.get("done", ""))
        who = names.get(single.get("who", ""))
        if single.get("done") == "added" and who:
            notice = f"{who.name} is registered."
        elif single.get("done") == "already" and who:
            notice = f"{who.name} was already registered."
        elif single.get("done") == "removed" and who:
            notice = f"{who.name} is taken off the attendance."
    return render_template(
        "desk_events_page.html.j2", inline=False, nav=nav_links("manager"),
        event=event, attendees=attendees, datalist=datalist, registering=registering, notice=notice,
        options=options, seating=seating, tables=_seated(seating, names) if seating else [],
        unseated=unseated, plan=plan_fingerprint(seating) if seating else None,
        skill_options=list(skills.items()), subsector_options=[(s.id, s.name) for s in SUBSECTORS],
        subsector_name=subsector_name, gain=_gain(seating),
    )


def _gain(seating: Seating | None) -> str | None:
    """The plan against random seatings, in words: "+35%", "-5%" or "as many"."""
    if seating is None or seating.gain_over_random is None:
        return None
    percent = round(seating.gain_over_random * 100)
    return f"{percent:+d}%" if percent else "as many"


def suggestions_html(view: GraphView, text: str) -> str:
    """The name picker's suggestions for ``text``: ``<option>`` elements for its datalist."""
    return render_template("desk_events_names.html.j2", inline=False, matches=suggest_members(view, text))


# -- printing --------------------------------------------------------------------------------------
def print_html(view: GraphView, db: Database, ident: str, query: Sequence[tuple[str, str]], *, what: str) -> str:
    """The print-ready table plan (``what="tables"``) or place cards (``"cards"``) of the seating
    the address's parameters give; says so when its plan is not the one the address names."""
    event = records.get_event(view, ident, db=db)
    names = party_names(view)
    skills = dict(_skill_options(db))
    options = parse_seating(query, skills)
    if options.table_size is None and not options.errors:
        options.errors["table_size"] = "The address names no table size: print from the event's seating."
    seating = _seat(view, event, options)
    plan = plan_fingerprint(seating) if seating else None
    asked = dict(query).get("plan")
    tables = _seated(seating, names) if seating else []
    cards = [(person, t.number) for t in tables for person in t.people]
    sheets = [cards[i:i + CARDS_PER_SHEET] for i in range(0, len(cards), CARDS_PER_SHEET)]
    theme = [skills.get(s, s) for s in options.skills] + [subsector_name(s) for s in options.subsectors]
    return render_template(
        "desk_events_print.html.j2", inline=False, nav=None, what=what, event=event, options=options,
        seating=seating, tables=tables, sheets=sheets, theme=theme, changed=bool(asked and plan and asked != plan),
        back=f"/desk/events/{event.id}?{options.query()}#seating",
        kinds={m.id: m.kind.replace("-", " ") for m in view.current().document.members},
    )


# -- registering -----------------------------------------------------------------------------------
def register_attendee(view: GraphView, db: Database, ident: str, *, name: str, member: str,
                      actor: Viewer) -> tuple[str | None, str | None]:
    """Register the member ``name`` names (or the member id ``member``, from a choice offered):
    ``(address to go to, None)`` once written, or ``(None, the page again)`` saying why the name
    stands for no one member, with whom it may mean."""
    event = records.get_event(view, ident, db=db)
    resolution = resolve_member(view, f"({member})" if member else name)
    if resolution.member is None:
        if member:  # a choice offered, gone since (erased, or no longer shown)
            resolution = NameResolution(member, None, (), f"No member has the id '{member[:64]}' any more.")
        return None, event_html(view, db, ident, [], registering=resolution)
    who = resolution.member.id
    if who in event.attendees:
        return f"/desk/events/{quote(ident, safe='')}?" + urlencode({"done": "already", "who": who}), None
    records.add_attendee(db, ident, who, actor=actor)
    return f"/desk/events/{quote(ident, safe='')}?" + urlencode({"done": "added", "who": who}) + "#attendance", None
