"""Phases 3 and 5: the draw pools (:func:`build_pools`) and the ``knows`` ties between members
(:func:`build_ties`), plus the :class:`Network` of member-member ties that the project and
introduction phases extend."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import NamedTuple

from graph_service.domain import SUBSECTOR_IDS
from seed.common import ISOLATED_SUBSECTORS, TODAY_ORD, Choice, Context, Pair, Pool, affinity, pair
from seed.members import Members

__all__ = ["Collab", "Knows", "Network", "Pools", "TieBook", "build_pools", "build_ties"]

_BASE_DEGREE = 5.2          # mean degree of the randomly drawn knows ties
_CLOSURE = 0.3              # share of ties drawn as friend-of-a-friend (triadic closure)
_CLOSURE_ACROSS = 0.3       # chance a friend-of-a-friend in another subsector is accepted
_OUTREACH = 0.5             # chance an all-internal member gets one tie elsewhere
_SAME_REGION = 0.35         # share of internal ties drawn from the same region


# ---------------------------------------------------------------------------------------------
# phase 3: pools


@dataclass(frozen=True, slots=True)
class Pools:
    """Weighted (by activity) draws of connectable members: everyone, by primary subsector,
    by subsector among the outward-looking, by subsector and region; and, per subsector, the
    draw of another subsector to reach out to."""

    everyone: Pool
    by_subsector: dict[str, Pool]
    outward: dict[str, Pool]
    """Members of the subsector who may have ties elsewhere (not inward-looking)."""
    by_region: dict[tuple[str, str], Pool]
    elsewhere: dict[str, Choice[str]]
    """Per subsector, another subsector: by size, affinity, and rarely an isolated one."""
    p_internal: tuple[float, ...]
    """Per member, the chance a randomly drawn tie stays inside the primary subsector."""


def build_pools(members: Members) -> Pools:
    n = members.count
    by_sub: dict[str, list[int]] = {s: [] for s in SUBSECTOR_IDS}
    by_sub_ext: dict[str, list[int]] = {s: [] for s in SUBSECTOR_IDS}
    by_region: dict[tuple[str, str], list[int]] = {}
    connectable: list[int] = []
    for i in range(n):
        if members.unconnected[i]:
            continue
        connectable.append(i)
        s = members.primary[i]
        by_sub[s].append(i)
        if not members.inward[i]:
            by_sub_ext[s].append(i)
        by_region.setdefault((s, members.region[i]), []).append(i)
    act = members.activity
    p_internal = []
    for i in range(n):
        if members.inward[i]:
            p = 1.0
        elif members.isolated[i]:
            p = 0.975
        elif members.kind[i] == "creative-hub":
            p = 0.4
        elif members.kind[i] == "institution":
            p = 0.75
        else:
            p = 0.88
        p_internal.append(p)
    return Pools(
        everyone=Pool(connectable, [act[i] for i in connectable]),
        by_subsector={s: Pool(ids, [act[i] for i in ids]) for s, ids in by_sub.items()},
        outward={s: Pool(ids, [act[i] for i in ids]) for s, ids in by_sub_ext.items()},
        by_region={k: Pool(ids, [act[i] for i in ids]) for k, ids in by_region.items()},
        elsewhere={
            s: Choice([(t, len(by_sub_ext[t]) * affinity(s, t) * (0.04 if t in ISOLATED_SUBSECTORS else 1.0))
                       for t in SUBSECTOR_IDS if t != s])
            for s in SUBSECTOR_IDS
        },
        p_internal=tuple(p_internal),
    )


# ---------------------------------------------------------------------------------------------
# the network of member-member ties


class Knows(NamedTuple):
    weight: float
    since: int
    """Date ordinal."""
    confirmed: bool


class Collab(NamedTuple):
    times: int
    """How many times the pair worked together (the tie's weight grows with it)."""
    since: int
    """Date ordinal of the first time."""


@dataclass(frozen=True, slots=True)
class Network:
    """The member-member tie records so far. A phase that adds ties takes a network and
    returns a new one (:meth:`extend` copies it into a :class:`TieBook`)."""

    knows: dict[Pair, Knows]
    collab: dict[Pair, Collab]
    adj: tuple[list[int], ...]
    """Per member, the members it knows, in the order the ties were made."""

    @classmethod
    def empty(cls, n: int) -> Network:
        return cls({}, {}, tuple([] for _ in range(n)))

    def extend(self, rng: Random, members: Members) -> TieBook:
        return TieBook(rng, members, dict(self.knows), dict(self.collab), tuple(list(a) for a in self.adj))


class TieBook:
    """A network being extended by one phase; :meth:`freeze` hands it on."""

    __slots__ = ("adj", "collab", "joined", "knows", "primary", "rng")

    def __init__(self, rng: Random, members: Members, knows: dict[Pair, Knows], collab: dict[Pair, Collab],
                 adj: tuple[list[int], ...]):
        self.rng = rng
        self.joined = members.joined
        self.primary = members.primary
        self.knows = knows
        self.collab = collab
        self.adj = adj

    def freeze(self) -> Network:
        return Network(self.knows, self.collab, self.adj)

    def add_knows(self, u: int, v: int, weight: float | None = None, since: int | None = None) -> bool:
        """A knows tie between u and v unless there is one; ``since`` and ``weight`` are drawn
        when not given (the weight higher inside a subsector); recent ones may be unconfirmed."""
        key = pair(u, v)
        if u == v or key in self.knows:
            return False
        rng = self.rng
        lo = max(self.joined[u], self.joined[v])
        if since is None:
            since = lo + int((TODAY_ORD - 1 - lo) * rng.random()) if lo < TODAY_ORD - 1 else TODAY_ORD - 1
        if weight is None:
            if self.primary[u] == self.primary[v]:
                weight = rng.triangular(0.2, 1.0, 0.65)
            else:
                weight = rng.triangular(0.1, 0.9, 0.4)
        confirmed = not (since >= TODAY_ORD - 60 and rng.random() < 0.25)
        self.knows[key] = Knows(max(0.05, round(weight, 2)), since, confirmed)
        self.adj[u].append(v)
        self.adj[v].append(u)
        return True


# ---------------------------------------------------------------------------------------------
# phase 5: knows ties


def _partner(rng: Random, members: Members, pools: Pools, adj: tuple[list[int], ...], u: int) -> int | None:
    """Someone for u to know: a friend of a friend, or a draw that mostly stays in the
    subsector (often in the region) and otherwise reaches an outward member elsewhere."""
    primary = members.primary
    if adj[u] and rng.random() < _CLOSURE:
        w = adj[u][rng.randrange(len(adj[u]))]
        if adj[w]:
            v = adj[w][rng.randrange(len(adj[w]))]
            if v != u and members.pair_ok(u, v) and (
                    primary[u] == primary[v] or rng.random() < _CLOSURE_ACROSS):
                return v
    s = primary[u]
    if rng.random() < pools.p_internal[u]:
        if rng.random() < _SAME_REGION:
            pool = pools.by_region.get((s, members.region[u]))
            if pool is not None and len(pool) > 1:
                return pool.pick(rng)
        return pools.by_subsector[s].pick(rng)
    t = pools.elsewhere[s].pick(rng)
    return pools.outward[t].pick(rng)


def build_ties(ctx: Context, members: Members, pools: Pools) -> Network:
    """Random knows ties (homophily, triadic closure, regional preference), the brokers' ties
    into several other subsectors, one outside tie for part of the all-internal members, and a
    tie for everybody but the designated unconnected members."""
    rng, n = ctx.rng, members.count
    book = Network.empty(n).extend(rng, members)
    adj, primary = book.adj, members.primary
    target = round(n * _BASE_DEGREE / 2)
    made = attempts = 0
    while made < target and attempts < target * 3:
        attempts += 1
        u = pools.everyone.draw(rng)
        v = _partner(rng, members, pools, adj, u)
        if v is None or v == u:
            continue
        if book.add_knows(u, v):
            made += 1

    # brokers: ties into several other subsectors
    for k, b in enumerate(members.brokers):
        others = [t for t in SUBSECTOR_IDS
                  if t != primary[b] and t not in ISOLATED_SUBSECTORS and len(pools.outward[t])]
        chosen = rng.sample(others, min(len(others), 4 + (rng.random() < 0.5)))
        if k == 0:  # the one bridge into each isolated subsector, if it is big enough
            chosen += [t for t in ISOLATED_SUBSECTORS if len(pools.outward[t]) >= 8]
        for t in chosen:
            wanted = 1 if t in ISOLATED_SUBSECTORS else 2 + (rng.random() < 0.6)
            got = tries = 0
            while got < wanted and tries < 20:
                tries += 1
                v = pools.outward[t].pick(rng)
                if v is not None and book.add_knows(b, v, weight=rng.triangular(0.3, 0.9, 0.6)):
                    got += 1

    # homophily leaves many small players knowing only their own subsector: give part of
    # them one acquaintance elsewhere, so that "only internal" stays a minority
    for i in range(n):
        if members.unconnected[i] or members.inward[i] or members.isolated[i] or not adj[i]:
            continue
        s = primary[i]
        if all(primary[v] == s for v in adj[i]) and rng.random() < _OUTREACH:
            for _ in range(10):
                v = pools.outward[pools.elsewhere[s].pick(rng)].pick(rng)
                if v is not None and members.pair_ok(i, v) and book.add_knows(i, v):
                    break

    # nobody but the designated unconnected members is left without a tie
    for i in range(n):
        if members.unconnected[i] or adj[i]:
            continue
        for _ in range(20):
            v = pools.by_subsector[primary[i]].pick(rng)
            if v is not None and v != i and book.add_knows(i, v):
                break
        else:
            for _ in range(20):
                t = pools.elsewhere[primary[i]].pick(rng)
                v = pools.outward[t].pick(rng)
                if v is not None and members.pair_ok(i, v) and book.add_knows(i, v):
                    break
    return book.freeze()
