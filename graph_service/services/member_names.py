"""Members picked by name, as a person types them: suggestions while typing, and the one member
a typed name stands for (or why there is not exactly one).

Names are compared without case, accents or repeated spaces ("Ecole  d'Art" finds "École d'Art").
A name may end with the member's id in brackets, "Atelier Weber (m-001)", which is how two
members of the same name are told apart; the suggestions offer that form for them. Only members
the ``view`` shows are found.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from graph_service.services.views import GraphView, Projection

__all__ = ["NameMatch", "NameResolution", "all_members", "normalise_name", "resolve_member", "suggest_members"]

MAX_CANDIDATES = 8
"""At most this many members are offered for a name that is ambiguous or unknown."""

_WITH_ID = re.compile(r"^(?P<name>.*?)\s*\((?P<id>[A-Za-z0-9][A-Za-z0-9._-]{0,63})\)\s*$")


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A member a name may stand for, with what tells them apart."""

    id: str
    name: str
    subsector: str
    city: str | None
    label: str
    """The name as it is typed to pick this member: the name, or "name (id)" when the name is shared."""


@dataclass(frozen=True, slots=True)
class NameResolution:
    """What a typed name stands for: ``member`` when exactly one, else ``problem`` in words and
    the ``candidates`` it may have meant."""

    text: str
    member: NameMatch | None
    candidates: tuple[NameMatch, ...]
    problem: str | None
    ambiguous: bool = False
    """Several members have the name typed (the candidates are all of them)."""


def normalise_name(text: str) -> str:
    """``text`` without case, accents or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", bare).strip().casefold()


@dataclass(frozen=True, slots=True)
class _Index:
    members: tuple[NameMatch, ...]
    keys: tuple[str, ...]  # normalised names, in the order of members
    by_key: dict[str, tuple[NameMatch, ...]]
    by_id: dict[str, NameMatch]


def _build(projection: Projection) -> _Index:
    members = sorted(projection.document.members, key=lambda m: (normalise_name(m.name), m.id))
    counts: dict[str, int] = {}
    for m in members:
        counts[normalise_name(m.name)] = counts.get(normalise_name(m.name), 0) + 1
    out = []
    for m in members:
        shared = counts[normalise_name(m.name)] > 1
        out.append(NameMatch(m.id, m.name, m.subsectors[0], m.city, f"{m.name} ({m.id})" if shared else m.name))
    keys = tuple(normalise_name(m.name) for m in out)
    by_key: dict[str, list[NameMatch]] = {}
    for key, match in zip(keys, out, strict=True):
        by_key.setdefault(key, []).append(match)
    return _Index(tuple(out), keys, {k: tuple(v) for k, v in by_key.items()}, {m.id: m for m in out})


def _index(view: GraphView) -> _Index:
    return view.memo("member-names", _build)


def all_members(view: GraphView) -> tuple[NameMatch, ...]:
    """Every member the view shows, by name (a shared name labelled with the id)."""
    return _index(view).members


def suggest_members(view: GraphView, text: str, *, limit: int = 20) -> list[NameMatch]:
    """Members whose name starts with ``text`` (then those with a word starting with it, then
    those containing it), by name; nothing for fewer than 2 characters."""
    query = normalise_name(text)
    if len(query) < 2:
        return []
    index = _index(view)
    starts, words, inside = [], [], []
    for key, match in zip(index.keys, index.members, strict=True):
        if key.startswith(query):
            starts.append(match)
        elif f" {query}" in key:
            words.append(match)
        elif query in key:
            inside.append(match)
        if len(starts) >= limit:
            break
    return (starts + words + inside)[:limit]


def resolve_member(view: GraphView, text: str) -> NameResolution:
    """The one member ``text`` names (a name, or "name (id)"), or why not: nobody typed, no such
    name (with the closest names), or several members of that name (all of them, to choose)."""
    index = _index(view)
    typed = text.strip()
    if not typed:
        return NameResolution(typed, None, (), "Type the member's name.")
    with_id = _WITH_ID.match(typed)
    if with_id and with_id.group("id") in index.by_id:
        match = index.by_id[with_id.group("id")]
        if not with_id.group("name") or normalise_name(with_id.group("name")) == normalise_name(match.name):
            return NameResolution(typed, match, (), None)
    found = index.by_key.get(normalise_name(typed), ())
    if len(found) == 1:
        return NameResolution(typed, found[0], (), None)
    if found:
        return NameResolution(typed, None, found, f"{len(found)} members are called '{typed}': choose one below.",
                              ambiguous=True)
    candidates = suggest_members(view, typed, limit=MAX_CANDIDATES)
    if not candidates:
        close = difflib.get_close_matches(normalise_name(typed), index.by_key.keys(), n=MAX_CANDIDATES, cutoff=0.6)
        candidates = [m for key in close for m in index.by_key[key]][:MAX_CANDIDATES]
    hint = " Did you mean one of these?" if candidates else ""
    return NameResolution(typed, None, tuple(candidates), f"No member is called '{typed}'.{hint}")
