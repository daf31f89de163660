"""Phase 9: networking evenings, workshops, round tables and conferences since 2022, and a few
upcoming ones (:func:`build_events`)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from graph_service.domain import SUBSECTOR_IDS
from seed import vocabulary as vocab
from seed.common import INSTITUTION_TOWN, ISOLATED_SUBSECTORS, TODAY_ORD, Choice, Context, Pool, width
from seed.members import Members, Profiles
from seed.ties import Pools

__all__ = ["Event", "Events", "build_events"]

_FORMATS: Choice[str] = Choice((("networking", 0.35), ("workshop", 0.32), ("round-table", 0.25),
                                ("conference", 0.08)))
_BOOST = {"creative-hub": 2.5, "institution": 1.5}
"""Hubs and institutions come more often than their activity alone says."""


class Event(NamedTuple):
    id: str
    title: str
    date: int
    """Date ordinal."""
    format: str
    theme: str
    attendees: tuple[int, ...]
    """Member indices, ascending."""


@dataclass(frozen=True, slots=True)
class Events:
    records: tuple[Event, ...]
    """By date (``e-001``...)."""
    upcoming_round_table: str
    """The upcoming round table to seat: 12 people from five subsectors."""


class _Draft(NamedTuple):
    title: str
    date: int
    format: str
    theme: str
    attendees: tuple[int, ...]


class _EventDraws:
    """The draws that make one event: its size, attendees, title and theme."""

    def __init__(self, ctx: Context, members: Members, profiles: Profiles, pools: Pools):
        n = members.count
        self.rng = ctx.rng
        self.pools = pools
        weights = [members.activity[i] * _BOOST.get(members.kind[i], 1.0) * (0.6 if members.isolated[i] else 1.0)
                   * (0.5 if members.unconnected[i] else 1.0) for i in range(n)]
        self.everyone = Pool(list(range(n)), weights)
        self.hub_names = [profiles.names[i] for i in range(n) if members.kind[i] == "creative-hub"]

    def size_for(self, fmt: str) -> int:
        rng = self.rng
        r = rng.random()
        if fmt == "networking":
            return int(40 + 160 * r ** 1.8)
        if fmt == "conference":
            return int(80 + 170 * r ** 1.5)
        if fmt == "workshop":
            return rng.randint(10, 30)
        return rng.randint(8, 15)

    def fill(self, size: int, limit: int, focus: list[str] | None = None) -> tuple[int, ...]:
        """Up to ``size`` attendees who had joined by then (index at most ``limit``), mostly
        from the ``focus`` subsectors when there are some."""
        rng = self.rng
        chosen: list[int] = []
        seen: set[int] = set()
        tries = 0
        while len(chosen) < size and tries < size * 5:
            tries += 1
            if focus and rng.random() < 0.7:
                m = self.pools.by_subsector[focus[rng.randrange(len(focus))]].pick(rng, limit)
            else:
                m = self.everyone.pick(rng, limit)
            if m is not None and m not in seen:
                seen.add(m)
                chosen.append(m)
        return tuple(sorted(chosen))

    def describe(self, fmt: str, when: int) -> tuple[str, str]:
        """A title and a theme."""
        rng = self.rng
        theme = rng.choice(vocab.EVENT_THEMES)
        place = INSTITUTION_TOWN.pick(rng)
        venue = rng.choice(self.hub_names) if rng.random() < 0.6 else place
        year = date.fromordinal(when).year
        if fmt == "networking":
            title = rng.choice(vocab.NETWORKING_TITLES).format(venue=venue, place=place)
        elif fmt == "conference":
            title = rng.choice(vocab.CONFERENCE_TITLES).format(year=year, theme=theme)
        elif fmt == "workshop":
            title = f"Workshop: {theme}"
        else:
            title = f"Round table: {theme}"
        return title, theme


def build_events(ctx: Context, members: Members, profiles: Profiles, pools: Pools) -> Events:
    """members/7.5 events: past ones since 2022-01-10 attended by members who had joined by
    then (hubs and active members more often), then upcoming ones: a cross-disciplinary round
    table (the first broker, someone from literature), a networking evening at the 1535°
    Creative Hub, and more at larger scales."""
    rng, n = ctx.rng, members.count
    n_events = max(6, round(n * 40 / 300))
    n_upcoming = max(2, n_events // 20)
    draw = _EventDraws(ctx, members, profiles, pools)

    events: list[_Draft] = []
    first, last = date(2022, 1, 10).toordinal(), TODAY_ORD - 2
    for _ in range(n_events - n_upcoming):
        when = first + rng.randrange(last - first + 1)
        fmt = _FORMATS.pick(rng)
        limit = bisect.bisect_right(members.joined, when) - 1
        size = min(draw.size_for(fmt), max(2, int(0.7 * (limit + 1))))
        focus = None
        if fmt in ("round-table", "workshop"):
            focus = rng.sample(SUBSECTOR_IDS, rng.choice((1, 2)))
        title, theme = draw.describe(fmt, when)
        events.append(_Draft(title, when, fmt, theme, draw.fill(size, limit, focus)))

    # upcoming: a cross-disciplinary round table to seat, a networking evening, and more
    # at larger scales
    last_member = n - 1
    rt_subsectors = rng.sample([s for s in SUBSECTOR_IDS if s not in ISOLATED_SUBSECTORS], 4) + \
        [ISOLATED_SUBSECTORS[1]]
    rt: list[int] = [members.brokers[0]]
    k = 0
    while len(rt) < 12 and k < 200:
        m = pools.outward[rt_subsectors[k % len(rt_subsectors)]].pick(rng)
        k += 1
        if m is not None and m not in rt:
            rt.append(m)
    hub_names = draw.hub_names
    venue = vocab.HUBS[0][0] if vocab.HUBS[0][0] in hub_names else hub_names[0]
    upcoming = [
        _Draft("Round table: Immersive experiences across disciplines", TODAY_ORD + 11,
               "round-table", "Immersive experiences", tuple(sorted(rt))),
        _Draft(f"Creative Christmas Afterwork at {venue}", TODAY_ORD + 18, "networking",
               "Working across borders", draw.fill(min(rng.randint(60, 90), n // 2), last_member)),
    ]
    for _ in range(n_upcoming - 2):
        when = TODAY_ORD + rng.randint(5, 120)
        fmt = _FORMATS.pick(rng)
        title, theme = draw.describe(fmt, when)
        size = max(2, draw.size_for(fmt) // 2)
        upcoming.append(_Draft(title, when, fmt, theme, draw.fill(size, last_member)))
    round_table = len(events)
    events.extend(upcoming)
    order = sorted(range(len(events)), key=lambda k: (events[k].date, k))
    digits = width(len(events), 3)
    ids = [""] * len(events)
    for rank, k in enumerate(order):
        ids[k] = f"e-{rank + 1:0{digits}d}"
    records = tuple(Event(ids[k], *events[k]) for k in order)
    return Events(records, ids[round_table])
