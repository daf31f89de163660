"""Team assembly for a project or a call for tender, from the cluster's trust network.

Follows Lappas, Liu & Terzi (2009, "Finding a team of experts in social networks", KDD) and its
RarestFirst algorithm: start from each holder of the rarest required skill, then add, for every
skill still uncovered (rarest first), the holder closest to the team so far. Teams are ranked by
communication cost as the sum of pairwise distances over ties (Kargar & An 2011, "Discovering
top-k teams of experts with/without a leader in social networks", CIKM), then by past
collaboration between the members, then by size. Distances are hop counts on ties; a pair with
no path within :data:`MAX_DISTANCE` hops counts as :data:`UNREACHABLE`.

A project that already has a team keeps it: its members (``existing``) are in every team, count
toward the size, and the skills they hold are covered before anyone is added. Each member's part
is said in words: what they cover, whether they are already on the project, and how they are
tied to the rest of the team.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

import networkx as nx

from graph_service.analytics.graph import ties_graph

__all__ = ["TeamMember", "Team", "MissingSkill", "assemble_teams", "MAX_DISTANCE", "UNREACHABLE", "MAX_SEEDS"]

MAX_DISTANCE = 6
UNREACHABLE = 10
MAX_SEEDS = 40


@dataclass(frozen=True, slots=True)
class TeamMember:
    id: str
    name: str
    subsector: str | None
    covers: tuple[str, ...]
    required: bool = False
    on_project: bool = False
    """Already on the project's team (kept in every proposed team)."""
    part: str = ""
    """This member's part in the team, in words: what they cover, and their tie to the team."""


@dataclass(frozen=True, slots=True)
class Team:
    """One team: its members, who covers which skill, and how well connected it already is."""

    members: tuple[TeamMember, ...]
    coverage: dict[str, str]
    communication_cost: int
    diameter: int
    past_collaborations: int
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MissingSkill:
    id: str
    name: str


class _Distances:
    """Hop distances on ties, computed breadth-first on demand and kept for the call."""

    def __init__(self, T: nx.Graph[str]) -> None:
        self.T = T
        self._from: dict[str, dict[str, int]] = {}

    def get(self, u: str, v: str) -> int:
        if u == v:
            return 0
        if u not in self._from:
            self._from[u] = nx.single_source_shortest_path_length(self.T, u, cutoff=MAX_DISTANCE)
        return self._from[u].get(v, UNREACHABLE)

    def to_team(self, v: str, team: Sequence[str]) -> int:
        return min((self.get(t, v) for t in team), default=0)


def _skills(G: nx.Graph[str], n: str) -> frozenset[str]:
    skills: frozenset[str] = G.nodes[n].get("skills", frozenset())
    return skills


def assemble_teams(
    G: nx.Graph[str],
    required: Sequence[str],
    *,
    max_size: int,
    must_include: Iterable[str] = (),
    must_exclude: Iterable[str] = (),
    limit: int = 3,
    existing: Iterable[str] = (),
) -> tuple[list[Team], list[MissingSkill]]:
    """The best ``limit`` teams of at most ``max_size`` members that cover every required skill
    somebody in ``G`` has, and the required skills nobody has.

    ``existing`` is the project's current team: kept in every team (like ``must_include``) and
    marked ``on_project``.

    Raises ``ValueError`` when the constraints contradict each other.
    """
    required = list(dict.fromkeys(required))
    on_project = list(dict.fromkeys(existing))
    include = list(dict.fromkeys([*on_project, *must_include]))
    exclude = set(must_exclude)
    if set(include) & exclude:
        raise ValueError("a member cannot be both required (or on the project) and excluded")
    if len(include) > max_size:
        raise ValueError("more required members than the maximum team size")
    names = G.graph.get("skill_names", {})
    members = [n for n, d in G.nodes(data=True) if d.get("node_type", "member") == "member" and n not in exclude]
    holders = {s: sorted(n for n in members if s in _skills(G, n)) for s in required}
    missing = [MissingSkill(s, names.get(s, s)) for s in required if not holders[s]]
    coverable = [s for s in required if holders[s]]
    if not coverable and not include:
        return [], missing
    T = ties_graph(G)
    dist = _Distances(T)

    def uncovered(team: Sequence[str]) -> list[str]:
        have = set().union(*(_skills(G, m) for m in team)) if team else set()
        return sorted((s for s in coverable if s not in have), key=lambda s: (len(holders[s]), s))

    def grow(team: list[str]) -> list[str] | None:
        while (todo := uncovered(team)):
            rarest = todo[0]
            wanted = set(todo)

            def closeness(h: str, wanted: set[str] = wanted, team: list[str] = team) -> tuple[float, int, str]:
                covers = len(_skills(G, h) & wanted)  # >= 1: h holds the rarest skill still needed
                return dist.to_team(h, team) / covers, -covers, h

            best = min((h for h in holders[rarest] if h not in team), key=closeness, default=None)
            if best is None or len(team) >= max_size:
                return None
            team.append(best)
        return team

    teams: dict[tuple[str, ...], list[str]] = {}
    todo = uncovered(include)
    seeds = holders[todo[0]][:MAX_SEEDS] if todo else [None]
    if todo and len(holders[todo[0]]) > MAX_SEEDS:  # the best-connected holders first
        seeds = sorted(holders[todo[0]], key=lambda h: (-T.degree(h), h))[:MAX_SEEDS]
    for seed in seeds:
        start = list(include) + ([seed] if seed is not None and seed not in include else [])
        if len(start) > max_size:
            continue
        team = grow(start)
        if team is not None:
            teams.setdefault(tuple(sorted(team)), team)

    ranked = []
    for team in teams.values():
        pairs = list(combinations(team, 2))
        cost = sum(dist.get(a, b) for a, b in pairs)
        diameter = max((dist.get(a, b) for a, b in pairs), default=0)
        worked = sum(1 for a, b in pairs if G.has_edge(a, b) and G.edges[a, b].get("collaborated", 0) > 0)
        ranked.append((cost, -worked, len(team), tuple(sorted(team)), team, diameter, worked))
    ranked.sort(key=lambda r: r[:4])
    return [_describe(G, r[4], coverable, include, set(on_project), dist, r[0], r[5], r[6])
            for r in ranked[:limit]], missing


def _part(G: nx.Graph[str], m: str, team: Sequence[str], covers: Sequence[str], on_project: bool,
          dist: _Distances) -> str:
    """One member's part in ``team``, in a sentence: what they cover (or that they are kept for
    being on the project), and their closest tie to the others."""
    names = G.graph.get("skill_names", {})
    said = []
    if on_project:
        said.append("already on the project's team")
    if covers:
        said.append("covers " + ", ".join(names.get(s, s) for s in covers))
    elif not on_project:
        said.append("required by the request")
    others = [o for o in team if o != m]
    if others:
        closest = min(others, key=lambda o: (dist.get(m, o), G.nodes[o].get("name", o), o))
        d, who = dist.get(m, closest), G.nodes[closest].get("name", closest)
        if d == 1:
            said.append(f"knows {who}")
        elif d < UNREACHABLE:
            said.append(f"{d - 1} introduction{'s' if d != 2 else ''} from {who}")
        else:
            said.append("no chain of ties to the rest of the team yet")
    text = "; ".join(said)
    return text[:1].upper() + text[1:]


def _describe(G: nx.Graph[str], team: list[str], coverable: list[str], include: list[str], on_project: set[str],
              dist: _Distances, cost: int, diameter: int, worked: int) -> Team:
    coverage: dict[str, str] = {}
    for s in coverable:  # each skill to the first team member (in team order) who has it
        coverage[s] = next(m for m in team if s in _skills(G, m))
    people = tuple(
        TeamMember(m, G.nodes[m].get("name", m), G.nodes[m].get("subsector"), covers, m in include,
                   m in on_project, _part(G, m, team, covers, m in on_project, dist))
        for m in team
        for covers in [tuple(s for s in coverable if coverage[s] == m)]
    )
    reasons = []
    if len(team) > 1:
        if diameter >= UNREACHABLE:
            reasons.append("Some members have no chain of ties between them yet: plan an introduction.")
        elif diameter == 1:
            reasons.append("Everyone already knows everyone else.")
        else:
            reasons.append(f"Everyone is at most {diameter} introductions away from every other member.")
    if worked:
        reasons.append(f"{worked} pair{'s' if worked != 1 else ''} in the team worked together before.")
    subs = sorted({p.subsector for p in people if p.subsector})
    if len(subs) > 1:
        reasons.append(f"Brings together {len(subs)} subsectors: {', '.join(subs)}.")
    reasons.extend(f"{p.name}: {p.part}." for p in people)
    return Team(people, coverage, cost, diameter, worked, tuple(reasons))
