"""Picking a person by name in the member space: the names a member may see (their consented
view), matched as they type (``/me/names``, an HTML fragment of ``<option>`` for a
``<datalist>``), and a typed name resolved to one member, or to the few it could mean.

Nobody is ever asked for an id: the id only travels as the value of a choice the page offers
when two members share a name, or when the typed text matches several."""

from __future__ import annotations

from dataclasses import dataclass

from graph_service.services.views import GraphView
from graph_service.web.colours import subsector_name
from graph_service.web.pages import render_template

__all__ = ["Person", "Resolved", "MAX_SUGGESTIONS", "people", "matching", "resolve", "names_fragment", "name_of"]

MAX_SUGGESTIONS = 12
"""How many names the search as you type offers."""


@dataclass(frozen=True, slots=True)
class Person:
    """A member as the picker shows them: the name, and a detail line (city, main subsector)."""

    id: str
    name: str
    detail: str


@dataclass(frozen=True, slots=True)
class Resolved:
    """A typed name resolved: ``person`` when it names exactly one member, else ``choices`` (the
    members it could mean, to pick from) and ``error`` (what to tell the member, beside the field)."""

    person: Person | None = None
    choices: tuple[Person, ...] = ()
    error: str | None = None


def people(view: GraphView, *, exclude: str | None = None) -> list[Person]:
    """The members ``view`` holds (the ones its viewer may see), by name; without ``exclude``."""
    found = []
    for m in view.current().document.members:
        if m.id == exclude:
            continue
        detail = " · ".join(x for x in (m.city, subsector_name(m.subsectors[0])) if x)
        found.append(Person(m.id, m.name, detail))
    found.sort(key=lambda p: (p.name.casefold(), p.id))
    return found


def name_of(view: GraphView, member_id: str) -> str | None:
    """The name of ``member_id`` if ``view`` holds them (the viewer may see them), else None."""
    G = view.current().members
    if member_id in G:
        return str(G.nodes[member_id].get("name", member_id))
    return None


def matching(view: GraphView, text: str, *, exclude: str | None = None,
             limit: int = MAX_SUGGESTIONS) -> list[Person]:
    """Members whose name contains ``text`` (any case), those whose name starts with it first."""
    needle = " ".join(text.split()).casefold()
    if not needle:
        return []
    hits = [p for p in people(view, exclude=exclude) if needle in p.name.casefold()]
    hits.sort(key=lambda p: (not p.name.casefold().startswith(needle), p.name.casefold(), p.id))
    return hits[:limit]


def resolve(view: GraphView, text: str, *, chosen: str | None = None, exclude: str | None = None,
            field: str = "the name") -> Resolved:
    """The member ``text`` names. ``chosen`` is the id of a choice the page offered (used when it
    is still one of the members ``text`` matches, or ``text`` is empty). One member called
    exactly ``text`` (any case) is the answer; several, or none but a few containing ``text``,
    are choices; none at all is an error."""
    everyone = people(view, exclude=exclude)
    if chosen:
        for p in everyone:
            if p.id == chosen:
                return Resolved(person=p)
    needle = " ".join(text.split()).casefold()
    if not needle:
        return Resolved(error=f"Enter {field}: start typing and pick one of the names offered.")
    exact = [p for p in everyone if p.name.casefold() == needle]
    if len(exact) == 1:
        return Resolved(person=exact[0])
    if exact:
        return Resolved(choices=tuple(exact), error=f"Several members are called “{text.strip()}”: pick one.")
    near = matching(view, text, exclude=exclude)
    if near:
        return Resolved(choices=tuple(near), error=f"No member is called exactly “{text.strip()}”: pick one of these.")
    return Resolved(error=f"No member you can see has a name containing “{text.strip()}”.")


def names_fragment(view: GraphView, text: str, *, exclude: str | None = None) -> str:
    """The ``<option>`` elements of a ``<datalist>``: the names matching ``text``."""
    return render_template("me_names.html.j2", inline=False, people=matching(view, text, exclude=exclude))
