"""Phase 7: the manager's (and a few members') introductions over the last 18 months
(:func:`build_introductions`), and the ties the successful ones left."""

from __future__ import annotations

import bisect
from typing import NamedTuple

from graph_service.domain import MANAGER
from seed import vocabulary as vocab
from seed.common import FOLLOW_UP_DAYS, INSTITUTION_TOWN, TODAY_ORD, Context, Pair, apportion, pair, width
from seed.members import Members
from seed.ties import Collab, Network, Pools

__all__ = ["Introduction", "build_introductions"]

_MIX = (("proposed", 0.14), ("accepted", 0.11), ("declined", 0.10), ("met", 0.10),
        ("collaborating", 0.27), ("no-follow-up", 0.28))
"""The share of each status among the introductions not due for follow-up."""
_DAYS = {"proposed": (1, 25), "accepted": (8, 60), "met": (3, FOLLOW_UP_DAYS - 1),
         "met-due": (FOLLOW_UP_DAYS + 5, 160), "declined": (20, 540),
         "collaborating": (75, 540), "no-follow-up": (60, 540)}
"""How many days before today an introduction with each status was made."""


class Introduction(NamedTuple):
    id: str
    a: int
    b: int
    """Member indices."""
    facilitator: str
    """``MANAGER`` or a member id."""
    date: int
    """Date ordinal."""
    status: str
    outcome: str | None


class _Draft(NamedTuple):
    a: int
    b: int
    facilitator: str
    date: int
    status: str
    outcome: str | None


def build_introductions(ctx: Context, members: Members, pools: Pools,
                        network: Network) -> tuple[tuple[Introduction, ...], Network]:
    """members/3 introductions (``i-001``..., by date), members/60 of them "met" and due for
    follow-up. Pairs are mostly people who did not know each other, often across subsectors;
    most "collaborating" ones leave a later knows tie, some a collaborated one. Returns the
    introductions and the network with those ties."""
    rng, n = ctx.rng, members.count
    total = max(10, round(n / 3))
    n_due = max(3, round(n / 60))
    counts = apportion(total - n_due, [w for _, w in _MIX])
    plan = ["met-due"] * n_due + [s for (s, _), c in zip(_MIX, counts, strict=True) for _ in range(c)]
    rng.shuffle(plan)
    book = network.extend(rng, members)
    knows, collab, adj = book.knows, book.collab, book.adj
    primary, isolated, inward = members.primary, members.isolated, members.inward
    seen: set[Pair] = set()
    intros: list[_Draft] = []
    for status in plan:
        lo, hi = _DAYS[status]
        when = TODAY_ORD - rng.randint(lo, hi)
        limit = bisect.bisect_right(members.joined, when) - 1
        strict = status == "collaborating"
        chosen: tuple[int, int, Pair] | None = None
        for attempt in range(30):
            a = pools.everyone.pick(rng, limit)
            if a is None:
                break
            if strict and (isolated[a] or inward[a]):
                continue
            if rng.random() < 0.7:
                t = pools.elsewhere[primary[a]].pick(rng)
                b = pools.outward[t].pick(rng, limit)
            else:
                b = pools.by_subsector[primary[a]].pick(rng, limit)
            if b is None or b == a:
                continue
            if strict and (not members.pair_ok(a, b) or isolated[b] or inward[b]):
                continue
            key = pair(a, b)
            if key in seen:
                continue
            if key in knows and attempt < 25 and rng.random() < 0.9:
                continue
            chosen = (a, b, key)
            break
        if chosen is None:
            continue
        a, b, key = chosen
        seen.add(key)
        facilitator = MANAGER
        if rng.random() < 0.18:
            common = sorted(set(adj[a]) & set(adj[b]))
            options = [m for m in (common or adj[a]) if m not in (a, b) and m <= limit]
            if options:
                facilitator = members.ids[options[rng.randrange(len(options))]]
        outcome = None
        real_status = "met" if status == "met-due" else status
        if real_status in ("collaborating", "no-follow-up", "declined"):
            outcome = rng.choice(vocab.INTRO_OUTCOMES[real_status])
        elif real_status == "met" and status == "met" and rng.random() < 0.5:
            outcome = rng.choice(vocab.INTRO_OUTCOMES["met"])
        if outcome:
            outcome = outcome.format(word=rng.choice(vocab.WORDS), place=INSTITUTION_TOWN.pick(rng))
        if real_status == "collaborating":
            if rng.random() < 0.9:
                since = min(TODAY_ORD - 1, when + rng.randint(14, 90))
                book.add_knows(a, b, since=since, weight=rng.triangular(0.5, 0.9, 0.7))
            if rng.random() < 0.4 and key not in collab:
                collab[key] = Collab(1, min(TODAY_ORD - 1, when + rng.randint(30, 150)))
        intros.append(_Draft(a, b, facilitator, when, real_status, outcome))
    intros.sort(key=lambda x: x.date)
    digits = width(len(intros), 3)
    records = tuple(Introduction(f"i-{rank + 1:0{digits}d}", *x) for rank, x in enumerate(intros))
    return records, book.freeze()
