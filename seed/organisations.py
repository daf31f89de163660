"""Phases 4 and 8: organisations of the seven other national clusters
(:func:`build_organisations`) and the members' ties to them (:func:`build_org_ties`)."""

from __future__ import annotations

from typing import NamedTuple

from graph_service.domain import OTHER_CLUSTERS, SUBSECTOR_IDS
from seed import vocabulary as vocab
from seed.common import COMMUNE, TODAY_ORD, Choice, Context, short, width
from seed.members import Members
from seed.ties import Pools

__all__ = ["OrgTie", "OrgTieKey", "Organisation", "build_org_ties", "build_organisations"]


class Organisation(NamedTuple):
    id: str
    name: str
    cluster: str
    city: str
    website: str


class OrgTie(NamedTuple):
    weight: float
    since: int
    """Date ordinal."""


OrgTieKey = tuple[int, int, str]
"""(member index, organisation index, "knows" or "collaborated")."""


def build_organisations(ctx: Context, n: int) -> tuple[Organisation, ...]:
    """25·√(n/300) organisations (``o-01``...), at least one per other cluster; their names are
    unique among the members' too."""
    rng = ctx.rng
    n_orgs = max(len(OTHER_CLUSTERS), round(25 * (n / 300) ** 0.5))
    clusters = list(OTHER_CLUSTERS) + [None] * (n_orgs - len(OTHER_CLUSTERS))
    cluster_choice = Choice([(c, vocab.CLUSTER_WEIGHTS.get(c, 1.0)) for c in OTHER_CLUSTERS])
    digits = width(n_orgs, 2)
    orgs: list[Organisation] = []
    for k, given in enumerate(clusters):
        cluster = given or cluster_choice.pick(rng)
        templates = vocab.ORGANISATION_TEMPLATES.get(cluster, ("{word} " + cluster.title(),))
        city = COMMUNE.pick(rng)

        def make(templates: tuple[str, ...] = templates, city: str = city) -> str:
            return rng.choice(templates).format(word=rng.choice(vocab.WORDS), place=short(city),
                                                family=ctx.family(rng.choice(("lu", "fr", "de"))))

        name = ctx.unique_name(make, (short(city),))
        orgs.append(Organisation(f"o-{k + 1:0{digits}d}", name, cluster, city, ctx.website(name)))
    return tuple(orgs)


def build_org_ties(ctx: Context, members: Members, pools: Pools,
                   organisations: tuple[Organisation, ...]) -> dict[OrgTieKey, OrgTie]:
    """About n/10 ties from outward-looking members to organisations, the member's subsector
    drawn from what the organisation's cluster works with."""
    rng, n = ctx.rng, members.count
    by_cluster: dict[str, list[int]] = {}
    for k, org in enumerate(organisations):
        by_cluster.setdefault(org.cluster, []).append(k)
    cluster_choice = Choice([(c, vocab.CLUSTER_WEIGHTS.get(c, 1.0)) for c in OTHER_CLUSTERS
                             if c in by_cluster])
    wanted = max(5, round(n * 0.1))
    org_ties: dict[OrgTieKey, OrgTie] = {}
    tries = 0
    while len(org_ties) < wanted and tries < wanted * 10:
        tries += 1
        cluster = cluster_choice.pick(rng)
        subsector = rng.choice(vocab.CLUSTER_AFFINITY.get(cluster, SUBSECTOR_IDS))
        m = pools.outward[subsector].pick(rng)
        if m is None:
            continue
        o = rng.choice(by_cluster[cluster])
        kind = "collaborated" if rng.random() < 0.55 else "knows"
        key = (m, o, kind)
        if key in org_ties:
            continue
        since = members.joined[m] + int((TODAY_ORD - 1 - members.joined[m]) * rng.random())
        weight = rng.triangular(0.4, 0.9, 0.6) if kind == "collaborated" else rng.triangular(0.2, 0.8, 0.45)
        org_ties[key] = OrgTie(round(weight, 2), since)
    return org_ties
