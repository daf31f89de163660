"""What every phase of the seed generator shares: the fixed dates, the weighted draws, the
static lookup tables, small text helpers, and the :class:`Context` that carries the one random
generator and the names already given out.

Members are numbered from 0 in order of joining (index ``i`` becomes id ``m-{i + 1}``), so an
index range is also a join-date range.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from itertools import accumulate
from random import Random
from typing import Final, Generic, TypeVar

from graph_service.domain import SUBSECTOR_IDS
from seed import places
from seed import skills as taxonomy
from seed import vocabulary as vocab

__all__ = [
    "COMMUNE",
    "CROSS_DRAW",
    "FIRST",
    "FIRST_JOIN",
    "FOLLOW_UP_DAYS",
    "INSTITUTION_TOWN",
    "ISOLATED_SUBSECTORS",
    "LAST",
    "LAST_JOIN",
    "MIN_MEMBERS",
    "ORIGIN",
    "REGION_OF",
    "SKILL_DRAW",
    "SKILL_NAME",
    "SKILL_ROWS",
    "SKILL_SUBSECTOR",
    "SUB_INDEX",
    "TODAY",
    "TODAY_ORD",
    "Choice",
    "Context",
    "Pair",
    "Pool",
    "affinity",
    "and_list",
    "apportion",
    "commune_body",
    "iso",
    "lower_first",
    "pair",
    "short",
    "slug",
    "width",
]

TODAY = date(2026, 11, 22)
"""The generator's fixed "today": nothing depends on the clock."""
FIRST_JOIN = date(2016, 1, 1)
LAST_JOIN = date(2026, 10, 31)
ISOLATED_SUBSECTORS: tuple[str, ...] = ("crafts-manufacturing", "literature")
"""Subsectors whose ties are kept almost entirely internal."""
MIN_MEMBERS = 50
"""Below this the promises (isolated subsectors, brokers...) cannot all be kept."""

FOLLOW_UP_DAYS = 30
"""An introduction "met" longer ago than this without an outcome is due for follow-up."""

TODAY_ORD: Final[int] = TODAY.toordinal()
FIRST: Final[int] = FIRST_JOIN.toordinal()
LAST: Final[int] = LAST_JOIN.toordinal()

_KEEP_CASE = ("Unity", "Unreal", "Luxembourgish")

Pair = tuple[int, int]
"""Two member indices, the smaller first."""

T = TypeVar("T")


def pair(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


# ---------------------------------------------------------------------------------------------
# weighted draws


class Pool:
    """Members (indices, ascending) with cumulative weights, for O(log n) weighted draws.

    Because member indices follow the join date, ``limit`` (the last index allowed) restricts a
    draw to members who had joined by a given day.
    """

    __slots__ = ("cum", "ids")

    def __init__(self, ids: list[int], weights: Sequence[float]):
        self.ids = ids
        self.cum = list(accumulate(weights))

    def __len__(self) -> int:
        return len(self.ids)

    def pick(self, rng: Random, limit: int | None = None) -> int | None:
        """One member, or None (without drawing) when nobody is allowed."""
        k = len(self.ids) if limit is None else bisect.bisect_right(self.ids, limit)
        if k == 0:
            return None
        total = self.cum[k - 1]
        return self.ids[bisect.bisect_right(self.cum, rng.random() * total, 0, k - 1)]

    def draw(self, rng: Random) -> int:
        """One member of a pool known not to be empty (the same draw as :meth:`pick`)."""
        picked = self.pick(rng)
        if picked is None:
            raise ValueError("draw from an empty pool")
        return picked


class Choice(Generic[T]):
    """Weighted draw among a fixed list of values."""

    __slots__ = ("cum", "values")

    def __init__(self, pairs: Sequence[tuple[T, float]]):
        kept = [(v, w) for v, w in pairs if w > 0]
        self.values = [v for v, _ in kept]
        self.cum = list(accumulate(w for _, w in kept))

    def __bool__(self) -> bool:
        return bool(self.values)

    def pick(self, rng: Random) -> T:
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.cum[-1], 0, len(self.cum) - 1)]


def apportion(total: int, weights: Sequence[float], minimum: int | Sequence[int] = 0) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder), each at
    least its ``minimum`` when the total allows."""
    n = len(weights)
    mins = [minimum] * n if isinstance(minimum, int) else list(minimum)
    base = mins if total >= sum(mins) else [0] * n
    rest = total - sum(base)
    wsum = sum(weights)
    quotas = [rest * w / wsum for w in weights]
    counts = [int(q) for q in quotas]
    order = sorted(range(n), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in order[: rest - sum(counts)]:
        counts[i] += 1
    return [b + c for b, c in zip(base, counts, strict=True)]


# ---------------------------------------------------------------------------------------------
# static tables (built once; never changed)

SUB_INDEX: Final[dict[str, int]] = {s: i for i, s in enumerate(SUBSECTOR_IDS)}
SKILL_ROWS: Final[list[tuple[str, str, str | None]]] = taxonomy.all_skills()
SKILL_NAME: Final[dict[str, str]] = {sid: name for sid, name, _ in SKILL_ROWS}
SKILL_SUBSECTOR: Final[dict[str, str | None]] = {sid: sub for sid, _, sub in SKILL_ROWS}
COMMUNE: Final[Choice[str]] = Choice([(c, w) for c, w, _ in places.COMMUNES])
REGION_OF: Final[dict[str, str]] = {c: r for c, _, r in places.COMMUNES}
INSTITUTION_TOWN: Final[Choice[str]] = Choice(places.INSTITUTION_TOWNS)
ORIGIN: Final[Choice[str]] = Choice(vocab.ORIGINS)
_RARE_OR_UNHELD = set(taxonomy.RARE_SKILLS) | set(taxonomy.UNHELD_SKILLS)
SKILL_DRAW: Final[dict[str, Choice[str]]] = {
    s: Choice([(sid, 1.0 / (rank + 1) ** 0.6) for rank, (sid, _) in enumerate(rows)
               if sid not in _RARE_OR_UNHELD])
    for s, rows in taxonomy.SUBSECTOR_SKILLS.items()
}
"""Skills drawn for ordinary members, per subsector: decreasing weights in taxonomy order."""
CROSS_DRAW: Final[Choice[str]] = Choice([(sid, 1.0 / (rank + 1) ** 0.5) for rank, (sid, _) in
                                         enumerate(taxonomy.CROSS_CUTTING) if sid not in _RARE_OR_UNHELD])
"""The cross-cutting business skills, the same way."""


# ---------------------------------------------------------------------------------------------
# the shared state


class Context:
    """The state every phase shares: the one random generator (every draw of the whole run
    comes from it, in a fixed order), and the names and website slugs already given out, so that
    members and organisations never share a name."""

    __slots__ = ("rng", "used_names", "used_slugs")

    def __init__(self, seed: int):
        self.rng = Random(seed)
        self.used_names: dict[str, int] = {}
        self.used_slugs: dict[str, int] = {}

    def unique_name(self, make: Callable[[], str], fallbacks: Sequence[str]) -> str:
        """A name from ``make`` not given out yet: three tries, then ``name fallback``, then
        ``name 2``, ``name 3``..."""
        for _ in range(3):
            name = make()
            if name not in self.used_names:
                self.used_names[name] = 1
                return name
        for suffix in fallbacks:
            candidate = f"{name} {suffix}"
            if candidate not in self.used_names:
                self.used_names[candidate] = 1
                return candidate
        count = self.used_names[name] = self.used_names[name] + 1
        candidate = f"{name} {count}"
        while candidate in self.used_names:
            count += 1
            candidate = f"{name} {count}"
        self.used_names[candidate] = 1
        return candidate

    def fixed_name(self, name: str) -> str:
        """``name`` itself if it is free, else ``name 2``..., given out either way."""
        if name in self.used_names:
            name = self.unique_name(lambda: name, ())
        self.used_names[name] = 1
        return name

    def release(self, name: str) -> None:
        del self.used_names[name]

    def website(self, name: str) -> str:
        site = slug(name)[:60].strip("-")
        count = self.used_slugs.get(site, 0) + 1
        self.used_slugs[site] = count
        if count > 1:
            site = f"{site}-{count}"
        return f"https://{site}.example.lu"

    def family(self, origin: str) -> str:
        return self.rng.choice(vocab.FAMILY_NAMES[origin])


# ---------------------------------------------------------------------------------------------
# small helpers


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "member"


def lower_first(name: str) -> str:
    """A skill name as it reads inside a sentence: "Photography" -> "photography", "UX design"
    and "Unity development" unchanged."""
    if name.startswith(_KEEP_CASE) or (len(name) > 1 and (name[1].isupper() or name[0].isdigit())):
        return name
    return name[0].lower() + name[1:]


def and_list(items: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def commune_body(place: str) -> str:
    """The public body of a commune, as it signs: "Ville de Luxembourg", "Commune d'Esch-sur-Alzette"."""
    if place == "Luxembourg":
        return "Ville de Luxembourg"
    return f"Commune d'{place}" if place[0] in "AEIOUÉ" else f"Commune de {place}"


def short(city: str) -> str:
    return places.SHORT_NAMES.get(city, city)


def affinity(a: str, b: str) -> float:
    return vocab.AFFINITY.get((a, b)) or vocab.AFFINITY.get((b, a)) or 1.0


def iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def width(count: int, minimum: int) -> int:
    """Digits of the ids of ``count`` records: ``m-001`` up to 999, ``m-0001`` up to 9,999..."""
    return max(minimum, len(str(count)))
