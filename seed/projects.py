"""Phase 6: projects and tenders (:func:`build_projects`), and the ``collaborated`` ties of the
people who worked on them."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import NamedTuple

from seed import vocabulary as vocab
from seed.common import (
    FIRST,
    INSTITUTION_TOWN,
    ORIGIN,
    SKILL_DRAW,
    SKILL_SUBSECTOR,
    TODAY_ORD,
    Context,
    Pair,
    commune_body,
    pair,
    width,
)
from seed.members import Members, Profiles
from seed.organisations import Organisation
from seed.ties import Collab, Network, Pools

__all__ = ["Project", "Projects", "build_projects"]


class Project(NamedTuple):
    id: str
    title: str
    kind: str
    """"project" or "tender"."""
    requires: tuple[str, ...]
    team: tuple[int, ...]
    """Member indices, the lead first."""
    client: str
    status: str
    start: int
    """Date ordinal."""
    end: int | None


@dataclass(frozen=True, slots=True)
class Projects:
    records: tuple[Project, ...]
    """In order of start (``p-001``...)."""
    team_pairs: frozenset[Pair]
    """Every pair of members who share a project team (a tie, for the analytics)."""
    missing_skill_tender: str
    """The first open tender: it requires an unheld skill."""


class _Draft(NamedTuple):
    title: str
    kind: str
    requires: tuple[str, ...]
    team: tuple[int, ...]
    client: str
    status: str
    start: int
    end: int | None


class _ProjectDraws:
    """The draws that make one project; they read the members, pools and network, and change
    nothing but the random generator's state."""

    def __init__(self, ctx: Context, members: Members, profiles: Profiles, pools: Pools, network: Network,
                 organisations: tuple[Organisation, ...]):
        self.ctx = ctx
        self.rng = ctx.rng
        self.members = members
        self.skills = profiles.skills
        self.pools = pools
        self.adj = network.adj
        self.org_names = [o.name for o in organisations]

    def client(self, public: bool | None = None, place: str | None = None) -> str:
        """A fictional private client, a public body, or (sometimes) an organisation of
        another cluster."""
        rng = self.rng
        r = rng.random()
        if public is None:
            if r < 0.1 and self.org_names:
                return rng.choice(self.org_names)
            public = r >= 0.55
        template = rng.choice(vocab.PUBLIC_CLIENTS if public else vocab.PRIVATE_CLIENTS)
        place = place or INSTITUTION_TOWN.pick(rng)
        return template.format(family=self.ctx.family(ORIGIN.pick(rng)), word=rng.choice(vocab.WORDS),
                               place=place, commune=commune_body(place))

    def joinable(self, c: int, team: list[int]) -> bool:
        return c not in team and all(self.members.pair_ok(c, m) for m in team)

    def team(self, lead: int, size: int) -> list[int]:
        """Up to ``size`` people around ``lead``: mostly people its team already knows,
        preferring new disciplines; members of a closed subsector stay among themselves."""
        rng, primary, adj, members = self.rng, self.members.primary, self.adj, self.members
        team = [lead]
        subs = {primary[lead]}
        closed = members.isolated[lead] or members.inward[lead]
        attempts = 0
        while len(team) < size and attempts < size * 8:
            attempts += 1
            if rng.random() < 0.8:
                m = team[rng.randrange(len(team))]
                if not adj[m]:
                    continue
                c = adj[m][rng.randrange(len(adj[m]))]
                if primary[c] in subs and not closed and rng.random() < 0.6:
                    continue  # prefer a new discipline
            else:
                t = primary[lead] if closed else self.pools.elsewhere[primary[lead]].pick(rng)
                picked = self.pools.outward[t].pick(rng)
                if picked is None:
                    continue
                c = picked
            if self.joinable(c, team):
                team.append(c)
                subs.add(primary[c])
        return team

    def requirements(self, team: list[int]) -> list[str]:
        """Skills a project needs: mostly subsector skills the team holds (the lead's first),
        at most one business skill, and sometimes one the team lacks."""
        rng = self.rng
        lead_skills = [sk for sk in self.skills[team[0]] if SKILL_SUBSECTOR[sk] is not None]
        others: list[str] = []
        business: list[str] = []
        for m in team:
            for sk in self.skills[m]:
                if SKILL_SUBSECTOR[sk] is None:
                    if sk not in business:
                        business.append(sk)
                elif sk not in lead_skills and sk not in others:
                    others.append(sk)
        out = rng.sample(lead_skills, min(len(lead_skills), rng.choice((1, 2))))
        out += rng.sample(others, min(len(others), rng.randint(1, 3)))
        if business and (rng.random() < 0.4 or not out):
            out.append(rng.choice(business))
        if rng.random() < 0.3:
            sk = SKILL_DRAW[self.members.primary[team[0]]].pick(rng)
            if sk not in out:
                out.append(sk)
        return out

    def title_and_client(self, subsector: str, kind: str) -> tuple[str, str]:
        rng = self.rng
        template = rng.choice(vocab.PROJECT_TITLES[subsector])
        place = INSTITUTION_TOWN.pick(rng)
        public = True if kind == "tender" else None
        if "{client}" not in template and "{place}" in template and rng.random() < 0.8:
            client = self.client(public=True, place=place)
        else:
            client = self.client(public=public)
        return template.format(client=client, place=place, word=rng.choice(vocab.WORDS)), client

    def project(self) -> _Draft:
        """A past, running or planned project, or a won, lost or cancelled tender."""
        rng = self.rng
        lead = self.pools.everyone.draw(rng)
        size = rng.choices((2, 3, 4, 5, 6), weights=(25, 30, 22, 13, 10))[0]
        team = self.team(lead, size)
        kind = "tender" if rng.random() < 0.2 else "project"
        lo = max(max(self.members.joined[m] for m in team), FIRST + 60)
        duration = int(30 + 330 * rng.random() ** 1.5)
        end: int | None
        if kind == "project" and rng.random() < 0.04:
            start = TODAY_ORD + rng.randint(15, 120)
            end, status = start + duration, "planned"
        elif lo < TODAY_ORD - 45:
            start = lo + int((TODAY_ORD - 45 - lo) * rng.random() ** 1.3)
            end = start + duration
            if kind == "tender":
                r = rng.random()
                status = "won" if r < 0.45 else ("lost" if r < 0.95 else "cancelled")
                if status != "won":
                    end = None
            elif end < TODAY_ORD:
                status = "completed" if rng.random() < 0.93 else "cancelled"
            else:
                status = "running"
        else:
            kind, start = "project", lo + rng.randint(0, max(0, TODAY_ORD - 1 - lo))
            end, status = start + duration, "running"
        title, client = self.title_and_client(self.members.primary[lead], kind)
        return _Draft(title, kind, tuple(self.requirements(team)), tuple(team), client, status, start, end)

    def open_tender(self, j: int) -> _Draft:
        """An open call for tender that needs skills of several subsectors, with an empty or
        tiny team."""
        rng = self.rng
        template, needs, extra, client_template = vocab.OPEN_TENDERS[j % len(vocab.OPEN_TENDERS)]
        requires: list[str] = []
        for s in needs:
            for _ in range(rng.choice((1, 2))):
                sk = SKILL_DRAW[s].pick(rng)
                if sk not in requires:
                    requires.append(sk)
        for sk in extra:
            if sk not in requires:
                requires.append(sk)
        team: list[int] = []
        if rng.random() < 0.5:
            s = needs[rng.randrange(len(needs))]
            lead = self.pools.outward[s].pick(rng)
            if lead is not None:
                team = self.team(lead, rng.choice((1, 2)))
        start = TODAY_ORD + rng.randint(40, 200)
        place = INSTITUTION_TOWN.pick(rng)
        end = start + rng.randint(90, 365)
        return _Draft(template.format(place=place), "tender", tuple(requires), tuple(team),
                      client_template.format(place=place, commune=commune_body(place)), "open", start, end)


def build_projects(ctx: Context, members: Members, profiles: Profiles, pools: Pools, network: Network,
                   organisations: tuple[Organisation, ...]) -> tuple[Projects, Network]:
    """members/5 projects, members/75 of them open tenders (the first of which requires an
    unheld skill); then the collaborated ties they leave, and a few that were never recorded as
    projects. Returns the projects and the network with the new ties."""
    rng, n = ctx.rng, members.count
    n_projects = max(8, round(n / 5))
    n_open = max(3, round(n / 75))
    draw = _ProjectDraws(ctx, members, profiles, pools, network, organisations)
    drafts = [draw.project() for _ in range(n_projects - n_open)]
    missing_skill_tender_index = len(drafts)
    drafts += [draw.open_tender(j) for j in range(n_open)]

    # collaborated ties between people who actually worked together; project teams are
    # mostly people who know each other, the rest get to know each other on the job.
    book = network.extend(rng, members)
    joined, knows, collab = members.joined, book.knows, book.collab
    team_pairs: set[Pair] = set()
    for p in drafts:
        for a, b in combinations(p.team, 2):
            team_pairs.add(pair(a, b))
        if p.status not in ("completed", "running", "won") or p.start > TODAY_ORD:
            continue
        for a, b in combinations(p.team, 2):
            key = pair(a, b)
            if key not in knows and rng.random() < 0.8:
                since = max(joined[a], joined[b], p.start - rng.randint(0, 365))
                book.add_knows(a, b, since=since)
            if rng.random() < 0.6:
                entry = collab.get(key)
                if entry is None:
                    collab[key] = Collab(1, p.start)
                else:
                    collab[key] = Collab(entry.times + 1, min(entry.since, p.start))
    order = sorted(range(len(drafts)), key=lambda k: (drafts[k].start, k))
    digits = width(len(drafts), 3)
    ids = [""] * len(drafts)
    for rank, k in enumerate(order):
        ids[k] = f"p-{rank + 1:0{digits}d}"
    records = tuple(Project(ids[k], *drafts[k]) for k in order)

    # a few collaborations that were never recorded as projects
    adj = book.adj
    extra = round(n * 0.05)
    tries = 0
    while extra > 0 and tries < n:
        tries += 1
        u = pools.everyone.draw(rng)
        if not adj[u]:
            continue
        v = adj[u][rng.randrange(len(adj[u]))]
        key = pair(u, v)
        if key in collab or not members.pair_ok(u, v) or knows[key].weight < 0.5:
            continue
        since = knows[key].since
        collab[key] = Collab(1, since + int((TODAY_ORD - 1 - since) * rng.random()))
        extra -= 1
    return Projects(records, frozenset(team_pairs), ids[missing_skill_tender_index]), book.freeze()
