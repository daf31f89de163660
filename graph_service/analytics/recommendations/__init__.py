"""Who should meet whom: link recommendations with reasons a person understands.

The score of a candidate ``v`` for a member ``u`` is

.. math::

    s(u, v) = \\pi_v \\, \\Big( RA(u, v) + \\lambda \\big( w_k K(u, v) + w_s S(u, v)
              + w_e E(u, v) \\big) \\Big)

* ``RA`` -- the resource-allocation index on the ties graph (Zhou, Lü & Zhang 2009,
  "Predicting missing links via local information", Eur. Phys. J. B 71, 623-630):
  ``sum(1 / deg(z))`` over common tie neighbours ``z``. It beats Adamic-Adar (Adamic & Adar
  2003, "Friends and neighbors on the Web", Social Networks 25, 211-230) and common neighbours
  on most benchmarks because a hub that knows everybody says little about any one pair; see
  ``bench/recommender_quality.py`` for our own measurements.
* ``K`` -- complementary skills: skills ``v`` has and ``u`` lacks, each weighted by rarity
  ``r = ln(N / df) / ln(N)`` (N members, df members with the skill), combined by noisy-or
  ``1 - prod(1 - r / 2)``. Zero when ``u`` lists no skills (nobody can say what they lack).
* ``S`` -- subsector crossing: 1 when ``v``'s primary subsector is one ``u`` neither belongs to
  nor has a tie into, 0.5 when only a secondary subsector of ``v`` is, else 0.
* ``E`` -- shared events: ``min(1, sum(min(0.5, 1 / (n - 1))))`` over the events both attended
  (n attendees; Newman 2001 weighting).
* ``pi_v`` -- the penalty multiplier for ``v`` (suggestions shown and ignored), 1 by default.

Defaults (:class:`RecommenderWeights`): ``lambda = 0.05``, ``w_k = 0.3``, ``w_s = 0.2``,
``w_e = 0.5``. ``K``, ``S`` and ``E`` lie in [0, 1], so the whole content part adds at most 0.05
-- the RA contribution of one shared contact who has twenty ties. Structure therefore dominates
whenever it is present, content orders candidates that are structurally (nearly) equal, and a
member with no ties at all still gets candidates ranked by content. On structure-only data (no
skills, one subsector, no events) the score *is* RA.

Shared events carry the largest content weight because they are evidence that two people move
in the same circles; complementary skills and subsector crossing are what the cluster wants to
encourage, and they do not predict existing ties (people tie within their subsector), as the
benchmark shows -- they are there on purpose, with a small weight.

:func:`recommend` returns exactly the ``limit`` best candidates of the whole graph (ties by
id) without scoring every node: since content is worth at most ``lambda``, it scores the
candidates with shared contacts, then those with shared events, then the rest in decreasing
order of an upper bound of their score, and stops as soon as no bound can beat the
``limit``-th score (a threshold top-k). The bounds come from an index per graph object (skill
products, subsector groups, event attendees), built on the first call in about half a second
at 100,000 members and kept in ``G.__networkx_cache__``; ``bench/recommend_speed.py`` measures
it and checks the answers against the full scan.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import networkx as nx

from graph_service.analytics.graph import event_weight
from graph_service.domain import SUBSECTOR_BY_ID, SUBSECTOR_IDS
from graph_service.errors import UnknownMember

__all__ = [
    "RecommenderWeights",
    "Recommendation",
    "PairMethod",
    "recommend",
    "common_neighbours_scores",
    "adamic_adar_scores",
    "resource_allocation_scores",
    "score_pairs",
    "clear_recommendation_index",
]

PairMethod = Literal["recommender", "common_neighbours", "adamic_adar", "resource_allocation", "random"]


@dataclass(frozen=True, slots=True)
class RecommenderWeights:
    """The constants of the recommender score (see the module docstring)."""

    content_scale: float = 0.05
    skills: float = 0.3
    subsector: float = 0.2
    events: float = 0.5


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One suggested introduction for a member.

    ``components`` holds the additive contributions to the score before the penalty
    (``structure``, ``skills``, ``subsector``, ``events``) and the ``penalty`` multiplier.
    ``shared_contacts`` lists only the contacts the viewer may see; ``shared_contact_count``
    counts all of them.
    """

    id: str
    name: str
    score: float
    components: dict[str, float]
    reasons: tuple[str, ...]
    shared_contacts: tuple[str, ...]
    complementary_skills: tuple[str, ...]
    shared_events: tuple[str, ...]
    subsectors_bridged: tuple[str, ...]
    shared_contact_count: int = 0
    node_type: str = "member"


@dataclass(slots=True)
class _Context:
    """What the score needs to know about the member ``u``; built once per member."""

    u: str
    primary: str | None
    subsectors: frozenset[str]
    reached: frozenset[str]
    skills: frozenset[str]
    events: frozenset[str]
    tie_nbrs: frozenset[str]
    common: dict[str, list[str]] = field(default_factory=dict)  # candidate -> common neighbours
    ra: dict[str, float] = field(default_factory=dict)  # candidate -> resource allocation


def _tie_neighbours(G: nx.Graph, n: str) -> list[str]:
    # is_tie(d), inlined: this walks every co-attendance contact of n too
    return [z for z, d in G._adj[n].items() if d.get("structural", True)]


def _skill_counts(G: nx.Graph) -> tuple[Mapping[str, int], int]:
    """``(members per skill, members)``: from the graph attributes, else counted."""
    counts = G.graph.get("skill_counts")
    n_members = G.graph.get("member_count")
    if counts is None or n_members is None:
        counts, n_members = {}, 0
        for _, d in G.nodes(data=True):
            if d.get("node_type", "member") == "member":
                n_members += 1
                for s in d.get("skills", ()):
                    counts[s] = counts.get(s, 0) + 1
    return counts, n_members


def _check_member(G: nx.Graph, member_id: str, *, allow_organisation: bool = False) -> dict:
    if member_id not in G:
        raise UnknownMember(member_id)
    data = G.nodes[member_id]
    if data.get("node_type", "member") != "member" and not allow_organisation:
        raise UnknownMember(member_id)
    return data


class _Scorer:
    """Per-graph caches shared by the scores of many pairs (tie degrees, skill rarity)."""

    def __init__(
        self,
        G: nx.Graph,
        weights: RecommenderWeights,
        counts: Mapping[str, int] | None = None,
        n_members: int | None = None,
    ):
        self.G = G
        self.w = weights
        self._deg: dict[str, int] = {}
        self._ctx: dict[str, _Context] = {}
        if counts is None or n_members is None:
            counts, n_members = _skill_counts(G)
        self.skill_counts: Mapping[str, int] = counts
        self.n_members: int = n_members
        self.event_sizes: Mapping[str, int] = G.graph.get("event_sizes", {})
        self._rarity: dict[str, float] = {}

    def tie_degree(self, n: str) -> int:
        d = self._deg.get(n)
        if d is None:
            d = self._deg[n] = len(_tie_neighbours(self.G, n))
        return d

    def rarity(self, skill: str) -> float:
        r = self._rarity.get(skill)
        if r is None:
            n = self.n_members
            df = max(1, self.skill_counts.get(skill, 1))
            r = 1.0 if n <= 1 else max(0.0, math.log(n / df) / math.log(n))
            self._rarity[skill] = r
        return r

    def context(self, u: str) -> _Context:
        ctx = self._ctx.get(u)
        if ctx is not None:
            return ctx
        G = self.G
        data = G.nodes[u]
        nbrs = _tie_neighbours(G, u)
        reached = set(data.get("subsectors", ()))
        for z in nbrs:
            p = G.nodes[z].get("subsector")
            if p is not None:
                reached.add(p)
        common: dict[str, list[str]] = {}
        for z in nbrs:
            z_nbrs = _tie_neighbours(G, z)
            self._deg[z] = len(z_nbrs)
            for c in z_nbrs:
                if c != u:
                    common.setdefault(c, []).append(z)
        # math.fsum is exactly rounded: pairs whose common neighbours have the same degrees get
        # bit-identical scores whatever the order of summation, so ties are real ties.
        deg = self._deg
        ra = {c: math.fsum([1.0 / deg[z] for z in zs]) for c, zs in common.items()}
        ctx = _Context(
            u=u,
            primary=data.get("subsector"),
            subsectors=frozenset(data.get("subsectors", ())),
            reached=frozenset(reached),
            skills=frozenset(data.get("skills", ())),
            events=frozenset(data.get("events", ())),
            tie_nbrs=frozenset(nbrs),
            common=common,
            ra=ra,
        )
        self._ctx[u] = ctx
        return ctx

    # --- the components --------------------------------------------------------------------

    def structure(self, ctx: _Context, v: str) -> float:
        return ctx.ra.get(v, 0.0)

    def skills(self, ctx: _Context, vdata: dict) -> tuple[float, list[str]]:
        if not ctx.skills:
            return 0.0, []
        comp = [s for s in vdata.get("skills", ()) if s not in ctx.skills]
        if not comp:
            return 0.0, []
        not_p = 1.0
        for s in comp:
            not_p *= 1.0 - self.rarity(s) / 2.0
        return 1.0 - not_p, comp

    def subsector(self, ctx: _Context, vdata: dict) -> tuple[float, list[str]]:
        subs = vdata.get("subsectors", ())
        bridged = [s for s in subs if s not in ctx.reached]
        if not bridged:
            return 0.0, []
        return (1.0 if subs and bridged[0] == subs[0] else 0.5), bridged

    def events(self, ctx: _Context, vdata: dict) -> tuple[float, list[str]]:
        if not ctx.events:
            return 0.0, []
        shared = [e for e in vdata.get("events", ()) if e in ctx.events]
        if not shared:
            return 0.0, []
        sizes = self.event_sizes
        total = sum((event_weight(sizes.get(e, 0)) for e in shared), 0.0)
        return min(1.0, total), shared

    def total(self, ctx: _Context, v: str, vdata: dict) -> float:
        """The same number as ``score(ctx, v)[0]``, without building the explanation."""
        w = self.w
        total = ctx.ra.get(v, 0.0)
        content = 0.0
        if ctx.skills and w.skills:
            not_p = 1.0
            for s in vdata.get("skills", ()):
                if s not in ctx.skills:
                    not_p *= 1.0 - self.rarity(s) / 2.0
            content += w.skills * (1.0 - not_p)
        if w.subsector:
            subs = vdata.get("subsectors", ())
            for i, s in enumerate(subs):
                if s not in ctx.reached:
                    content += w.subsector * (1.0 if i == 0 else 0.5)
                    break
        if ctx.events and w.events:
            e = 0.0
            for ev in vdata.get("events", ()):
                if ev in ctx.events:
                    e += event_weight(self.event_sizes.get(ev, 0))
            content += w.events * min(1.0, e)
        return total + w.content_scale * content

    def score(self, ctx: _Context, v: str) -> tuple[float, dict[str, float], dict[str, list[str]]]:
        vdata = self.G.nodes[v]
        w = self.w
        ra = self.structure(ctx, v)
        k, comp = self.skills(ctx, vdata)
        s, bridged = self.subsector(ctx, vdata)
        e, shared = self.events(ctx, vdata)
        components = {
            "structure": ra,
            "skills": w.content_scale * w.skills * k,
            "subsector": w.content_scale * w.subsector * s,
            "events": w.content_scale * w.events * e,
        }
        # summed exactly as in total(), so both give bit-identical numbers
        total = ra + w.content_scale * (w.skills * k + w.subsector * s + w.events * e)
        return total, components, {"skills": comp, "subsectors": bridged, "events": shared}


# --- reasons --------------------------------------------------------------------------------


def _join(items: Sequence[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _contacts_reason(names: Sequence[str], total: int) -> str:
    hidden = total - len(names)
    if not names:
        return f"You have {total} shared contact{'s' if total != 1 else ''}."
    shown = list(names[:3])
    more = total - len(shown)
    if more == 0:
        return f"You both know {_join(shown)}."
    if hidden > 0:
        return f"You both know {', '.join(shown)} and {more} other contact{'s' if more != 1 else ''}."
    return f"You both know {', '.join(shown)} and {more} other{'s' if more != 1 else ''}."


def _skills_reason(names: Sequence[str]) -> str:
    if len(names) == 1:
        return f"Brings a skill you lack: {names[0]}."
    shown = list(names[:5])
    if len(names) > 5:
        return f"Brings skills you lack: {', '.join(shown)} and {len(names) - 5} more."
    return f"Brings skills you lack: {', '.join(shown)}."


def _subsector_name(sid: str) -> str:
    s = SUBSECTOR_BY_ID.get(sid)
    return s.name.lower() if s else sid


def _subsector_reason(bridged: Sequence[str]) -> str:
    names = [_subsector_name(s) for s in bridged]
    if len(names) == 1:
        return f"Would connect you with {names[0]}, a subsector you have no ties to."
    return f"Would connect you with {_join(names)}, subsectors you have no ties to."


def _events_reason(events: Sequence[str], titles: Mapping[str, str], sizes: Mapping[str, int]) -> str:
    parts = [f"'{titles.get(e, e)}' ({sizes.get(e, 0)} people)" for e in events[:3]]
    more = len(events) - len(parts)
    if more:
        return f"You both attended {', '.join(parts)} and {more} other event{'s' if more != 1 else ''}."
    return f"You both attended {_join(parts)}."


# --- public API -----------------------------------------------------------------------------


def recommend(
    G: nx.Graph,
    member_id: str,
    *,
    limit: int = 10,
    subsector: str | None = None,
    skill: str | None = None,
    cross_sector: bool = False,
    viewer_can_see: Callable[[str], bool] | None = None,
    exclude: frozenset[str] = frozenset(),
    penalties: Mapping[str, float] | None = None,
    include_organisations: bool = False,
    weights: RecommenderWeights | None = None,
) -> list[Recommendation]:
    """Suggest the people ``member_id`` should meet, best first, each with its reasons.

    Parameters
    ----------
    G : networkx.Graph
        A graph from :func:`~graph_service.analytics.graph.build_collaboration_graph`.
    member_id : str
        The member to recommend for.
    limit : int, default 10
        At most this many recommendations (>= 1).
    subsector : str, optional
        Only candidates that list this subsector.
    skill : str, optional
        Only candidates that have this skill.
    cross_sector : bool, default False
        Only candidates whose primary subsector differs from the member's and who share no
        subsector with the member.
    viewer_can_see : callable, optional
        ``viewer_can_see(id)`` says whether whoever reads the result may see that member.
        Candidates the viewer cannot see are left out, and shared contacts the viewer cannot
        see are counted but not named. ``None`` means the viewer sees everybody.
    exclude : frozenset of str
        Ids never to suggest.
    penalties : mapping, optional
        Member id -> multiplier in (0, 1] applied to that candidate's score (suggestions
        shown before and ignored).
    include_organisations : bool, default False
        Also suggest organisation nodes (when ``G`` has them).
    weights : RecommenderWeights, optional
        The constants of the score; the defaults are documented in the module docstring.

    Returns
    -------
    list of Recommendation
        Sorted by score descending, then id. Candidates with a zero score (nothing at all in
        favour of the meeting) are not returned.

    Raises
    ------
    UnknownMember
        If ``member_id`` is not a member node of ``G``.
    ValueError
        For a bad ``limit``, an unknown ``subsector`` or ``skill`` or a penalty outside (0, 1].

    Notes
    -----
    Candidates exclude the member, everyone already tied to them (a knows tie, a collaboration
    or a successful introduction; co-attendance alone does not count), everyone with an open
    introduction (proposed, accepted, met) or a declined one with them, and ``exclude``.

    The result is the exact top ``limit`` of the score over every node of ``G``, but only a
    few nodes are scored: everyone with a shared tie contact or a shared event, then the
    others (whose score is content only, at most ``lambda``) in decreasing order of an upper
    bound of their score, until the bound falls below the current ``limit``-th score (see
    :func:`_top_k`). The bound comes from a per-graph index built on the first call for a
    graph object and cached in ``G.__networkx_cache__``, which networkx clears whenever the
    graph is modified through its API; editing node attribute dicts in place does not clear
    it, so call :func:`clear_recommendation_index` after doing that.
    """
    _check_member(G, member_id)
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if subsector is not None and subsector not in SUBSECTOR_IDS:
        raise ValueError(f"unknown subsector '{subsector}'")
    w = weights or RecommenderWeights()
    index = _index_for(G) if _boundable(w) else None
    if index is not None:
        scorer = _Scorer(G, w, index.skill_counts, index.n_members)
    else:
        scorer = _Scorer(G, w)
    if skill is not None and skill not in G.graph.get("skill_names", {}) and skill not in scorer.skill_counts:
        raise ValueError(f"unknown skill '{skill}'")
    penalties = dict(penalties or {})
    for pid, mult in penalties.items():
        if not (0.0 < mult <= 1.0):
            raise ValueError(f"penalty for '{pid}' must be in (0, 1], got {mult}")

    ctx = scorer.context(member_id)
    open_pairs = G.graph.get("open_pairs", frozenset())
    declined = G.graph.get("declined_pairs", frozenset())
    u_subs = ctx.subsectors
    tie_nbrs = ctx.tie_nbrs

    def eligible(v: str, vdata: dict) -> bool:
        """The candidate filters, in the order (and with the calls) of the full scan."""
        if v == member_id or v in tie_nbrs or v in exclude:
            return False
        ntype = vdata.get("node_type", "member")
        if ntype != "member" and not (include_organisations and ntype == "organisation"):
            return False
        if subsector is not None and subsector not in vdata.get("subsectors", ()):
            return False
        if skill is not None and skill not in vdata.get("skills", ()):
            return False
        if cross_sector:
            subs = vdata.get("subsectors", ())
            if not subs or subs[0] == ctx.primary or u_subs.intersection(subs):
                return False
        if open_pairs or declined:
            pair = frozenset((member_id, v))
            if pair in open_pairs or pair in declined:
                return False
        if viewer_can_see is not None and not viewer_can_see(v):
            return False
        return True

    if index is None:
        found = _scan(G, scorer, ctx, eligible, penalties)
        best = heapq.nsmallest(limit, found, key=lambda t: (-t[0], t[1]))
    else:
        best = _top_k(G, index, scorer, ctx, eligible, penalties, limit, subsector, skill, cross_sector)

    out = []
    for score, v in best:
        _, components, detail = scorer.score(ctx, v)
        components["penalty"] = penalties.get(v, 1.0)
        out.append(_explain(G, scorer, ctx, v, score, components, detail, viewer_can_see))
    return out


def _scan(
    G: nx.Graph,
    scorer: _Scorer,
    ctx: _Context,
    eligible: Callable[[str, dict], bool],
    penalties: Mapping[str, float],
) -> list[tuple[float, str]]:
    """Every eligible candidate with a positive score: the reference the index must agree with."""
    found: list[tuple[float, str]] = []
    for v, vdata in G.nodes(data=True):
        if not eligible(v, vdata):
            continue
        total = scorer.total(ctx, v, vdata)
        if total > 0.0:
            found.append((total * penalties.get(v, 1.0), v))
    return found


# --- the candidate index and the bounded top-k ----------------------------------------------

_CACHE_KEY = "graph_service.analytics.recommendations.index"
_SUM_SLACK = 1.0 + 1e-9
"""Pads a sum of positive terms added in another order (which moves it by a few ulps at most)."""


def _boundable(w: RecommenderWeights) -> bool:
    """Whether the score is monotone in its components (the bounds of :func:`_top_k` need it)."""
    return all(math.isfinite(x) and x >= 0.0 for x in (w.content_scale, w.skills, w.subsector, w.events))


@dataclass(slots=True)
class _Group:
    """The nodes with one ``subsectors`` tuple (so one subsector-crossing value for a member),
    as ranks (positions in id order): ``by_rank`` in id order, ``by_k`` by ``notp`` ascending
    (the best complementary-skills bound first) then id, ``run_end[i]`` the end of the run of
    equal ``notp`` that ``by_k[i]`` belongs to."""

    subs: tuple[str, ...]
    by_rank: list[int]
    by_k: list[int]
    notp: list[float]
    run_end: list[int]


def _group(subs: tuple[str, ...], ranks: list[int], notp: Sequence[float]) -> _Group:
    by_k = sorted(ranks, key=lambda r: (notp[r], r))
    values = [notp[r] for r in by_k]
    run_end = [0] * len(values)
    end = len(values)
    for i in range(len(values) - 1, -1, -1):
        if i + 1 < len(values) and values[i + 1] != values[i]:
            end = i + 1
        run_end[i] = end
    return _Group(subs, ranks, by_k, values, run_end)


class _Index:
    """What the bounded top-k needs about every node of one graph, built once per graph object.

    ``notp[r]`` is ``prod(1 - rarity / 2)`` over *all* the skills of the node of rank ``r``,
    multiplied in the order :meth:`_Scorer.total` multiplies them: the complementary-skills
    product for any member multiplies a subsequence of the same factors (all in [0.5, 1]), so
    it is never smaller, in floating point too (rounding is monotone). Nothing here depends on
    the edges, so tie changes cannot make it stale; it depends on the node set and attributes
    and on ``skill_counts`` / ``member_count``, which :meth:`matches` checks.
    """

    def __init__(self, G: nx.Graph):
        self.n_nodes = len(G)
        self.src_counts = G.graph.get("skill_counts")
        self.src_members = G.graph.get("member_count")
        self.skill_counts, self.n_members = _skill_counts(G)
        rarity = _Scorer(G, RecommenderWeights(), self.skill_counts, self.n_members).rarity
        nodes = G.nodes
        self.ids: list[str] = sorted(nodes)
        self.rank: dict[str, int] = {v: r for r, v in enumerate(self.ids)}
        notp: list[float] = []
        by_subs: dict[tuple[str, ...], list[int]] = {}
        holders: dict[str, list[int]] = {}
        attendees: dict[str, list[str]] = {}
        for r, v in enumerate(self.ids):
            vdata = nodes[v]
            p = 1.0
            for s in vdata.get("skills", ()):
                p *= 1.0 - rarity(s) / 2.0
                holders.setdefault(s, []).append(r)
            notp.append(p)
            by_subs.setdefault(tuple(vdata.get("subsectors", ())), []).append(r)
            for e in vdata.get("events", ()):
                attendees.setdefault(e, []).append(v)
        self.notp = notp
        self.min_notp = min(notp, default=1.0)
        self.groups = [_group(subs, ranks, notp) for subs, ranks in sorted(by_subs.items())]
        self.group_of = [0] * len(notp)
        for gi, g in enumerate(self.groups):
            for r in g.by_rank:
                self.group_of[r] = gi
        self.holders = holders
        self.attendees = attendees
        self._skill_groups: dict[str, list[_Group]] = {}

    def matches(self, G: nx.Graph) -> bool:
        return (
            len(G) == self.n_nodes
            and G.graph.get("skill_counts") is self.src_counts
            and G.graph.get("member_count") == self.src_members
        )

    def skill_groups(self, skill: str) -> list[_Group]:
        """The groups restricted to the holders of ``skill`` (built on first use)."""
        groups = self._skill_groups.get(skill)
        if groups is None:
            by_group: dict[int, list[int]] = {}
            for r in self.holders.get(skill, ()):  # ascending ranks
                by_group.setdefault(self.group_of[r], []).append(r)
            groups = [_group(self.groups[gi].subs, ranks, self.notp)
                      for gi, ranks in sorted(by_group.items())]
            self._skill_groups[skill] = groups
        return groups


def _index_for(G: nx.Graph) -> _Index | None:
    """The index of ``G``, built on first use and kept in ``G.__networkx_cache__``.

    That cache belongs to the graph object: ``copy()``, ``subgraph()``, :func:`subset` and
    :func:`ties_graph` all give new graphs with an empty one, and networkx clears it whenever
    nodes or edges are added or removed through its API. ``None`` (the caller then scans every
    node) when the graph has no cache or its node ids cannot be sorted.
    """
    cache = getattr(G, "__networkx_cache__", None)
    if not isinstance(cache, dict):
        return None
    index = cache.get(_CACHE_KEY)
    if isinstance(index, _Index) and index.matches(G):
        return index
    try:
        index = _Index(G)
    except TypeError:  # ids of mixed types: no id order to rank them by
        return None
    cache[_CACHE_KEY] = index
    return index


def clear_recommendation_index(G: nx.Graph) -> None:
    """Forget the candidate index of ``G`` (after editing node attributes in place)."""
    cache = getattr(G, "__networkx_cache__", None)
    if isinstance(cache, dict):
        cache.pop(_CACHE_KEY, None)


def _top_k(
    G: nx.Graph,
    index: _Index,
    scorer: _Scorer,
    ctx: _Context,
    eligible: Callable[[str, dict], bool],
    penalties: Mapping[str, float],
    limit: int,
    subsector: str | None,
    skill: str | None,
    cross_sector: bool,
) -> list[tuple[float, str]]:
    """The ``limit`` best ``(score, id)`` of the full scan, by score descending then id, exactly.

    Every candidate's score is bounded from above by evaluating :meth:`_Scorer.total`, operation
    for operation, on upper bounds of its components: its exact structure score, ``K`` with
    all its skills complementary (``_Index.notp``), its exact ``S`` (fixed by its
    ``subsectors`` tuple) and its shared-event sum padded by :data:`_SUM_SLACK`. Rounding is
    monotone and penalties are at most 1, so the bound holds in floating point too. A candidate
    is scored only while its bound can still beat the current ``limit``-th best
    ``(score, id)``:

    1. Everyone with a shared tie contact (tens to a few thousand nodes), in decreasing bound.
    2. Everyone else with a shared event (hundreds), in decreasing bound -- skipped, like 3,
       when the worst of the best already beats the largest possible content score.
    3. Everyone else scores content only (at most ``lambda``): one list per ``subsectors``
       tuple (:class:`_Group`) in decreasing bound, merged, until the best remaining bound
       falls below the ``limit``-th score -- Fagin's threshold algorithm.
    """
    nodes = G.nodes
    rank, ids = index.rank, index.ids
    notp, group_of = index.notp, index.group_of
    w = scorer.w
    cs, wk, wsub, wev = w.content_scale, w.skills, w.subsector, w.events
    skills_on = bool(ctx.skills and wk)
    events_on = bool(ctx.events and wev)
    reached = ctx.reached
    top: list[tuple[float, int, str]] = []  # (score, -rank, id): a min-heap, worst of the best first

    def offer(total: float, v: str) -> None:
        item = (total * penalties.get(v, 1.0), -rank[v], v)
        if len(top) < limit:
            heapq.heappush(top, item)
        elif item > top[0]:
            heapq.heapreplace(top, item)

    def hopeless(bound: float, r: int) -> bool:
        """Whether the node of rank ``r``, scoring at most ``bound``, cannot enter the top."""
        if len(top) < limit:
            return False
        worst, worst_neg_rank = top[0][0], top[0][1]
        return bound < worst or (bound == worst and -r < worst_neg_rank)

    def crossing(subs: tuple[str, ...]) -> float:
        if wsub:
            for i, s in enumerate(subs):
                if s not in reached:
                    return 1.0 if i == 0 else 0.5
        return 0.0

    def content_bound(notp_v: float, crossing_v: float, events_v: float) -> float:
        content = 0.0
        if skills_on:
            content += wk * (1.0 - notp_v)
        if crossing_v:
            content += wsub * crossing_v
        if events_on:
            content += wev * min(1.0, events_v)
        return content

    def score(v: str) -> None:
        vdata = nodes[v]
        if eligible(v, vdata):
            total = scorer.total(ctx, v, vdata)
            if total > 0.0:
                offer(total, v)

    def walk(bounded: list[tuple[float, int, str]]) -> None:
        bounded.sort()
        for neg_b, r, v in bounded:
            if hopeless(-neg_b, r):
                if -neg_b < top[0][0]:
                    return  # sorted: nobody further down can enter either
                continue
            score(v)

    # 1. shared tie contacts (shared events bounded by 1)
    ra = ctx.ra
    group_crossing = [crossing(g.subs) for g in index.groups]
    near: list[tuple[float, int, str]] = []
    for v, s in ra.items():
        r = rank[v]
        b = s + cs * content_bound(notp[r], group_crossing[group_of[r]], 1.0)
        if b > 0.0:
            near.append((-b, r, v))
    walk(near)
    seen = set(ra)
    # content alone is worth at most cs * content_bound(min notp, 1, 1) <= lambda: often less
    # than the worst of the best already, and then nobody else needs to be looked at
    if len(top) == limit and 0.0 + cs * content_bound(index.min_notp, 1.0, 1.0) < top[0][0]:
        return [(s, v) for s, _, v in sorted(top, reverse=True)]

    # 2. shared events, without shared contacts
    if events_on:
        shared: dict[str, float] = {}  # node -> sum of the weights of the events it shares with u
        sizes, attendees = scorer.event_sizes, index.attendees
        for e in ctx.events:
            weight = event_weight(sizes.get(e, 0))
            for v in attendees.get(e, ()):
                shared[v] = shared.get(v, 0.0) + weight
        near = []
        for v, e in shared.items():
            if v in seen:
                continue
            r = rank[v]
            # the same sum as total() takes, in another order: a few ulps apart, so padded
            b = 0.0 + cs * content_bound(notp[r], group_crossing[group_of[r]], e * _SUM_SLACK)
            if b > 0.0:
                near.append((-b, r, v))
        walk(near)
        seen.update(shared)

    # 3. everyone else: content only, no shared event, one list per subsectors tuple
    def bound(notp_v: float, crossing_v: float) -> float:
        return 0.0 + cs * content_bound(notp_v, crossing_v, 0.0)

    if len(top) == limit and bound(index.min_notp, 1.0) < top[0][0]:
        return [(s, v) for s, _, v in sorted(top, reverse=True)]
    groups = index.groups if skill is None else index.skill_groups(skill)
    u_subs = ctx.subsectors
    crossing_of: dict[int, float] = {}
    heads: list[tuple[float, int, int, int]] = []  # (-bound, rank, group, position)
    for gi, g in enumerate(groups):
        subs = g.subs
        if subsector is not None and subsector not in subs:
            continue
        if cross_sector and (not subs or subs[0] == ctx.primary or u_subs.intersection(subs)):
            continue
        c = crossing(subs)
        b = bound(g.notp[0], c)
        if b > 0.0:
            crossing_of[gi] = c
            heads.append((-b, (g.by_k if skills_on else g.by_rank)[0], gi, 0))
    heapq.heapify(heads)

    def advance(gi: int, pos: int) -> None:
        g = groups[gi]
        order = g.by_k if skills_on else g.by_rank
        if pos < len(order):
            heapq.heapreplace(heads, (-bound(g.notp[pos], crossing_of[gi]), order[pos], gi, pos))
        else:
            heapq.heappop(heads)

    while heads:
        neg_b, r, gi, pos = heads[0]
        if hopeless(-neg_b, r):
            if -neg_b < top[0][0]:
                break  # the best bound left: nobody can enter any more
            # a tie on score at best, with a larger id; so is the rest of this run of nodes
            # with the same notp (hence the same bound) in this group, in increasing id
            g = groups[gi]
            advance(gi, g.run_end[pos] if skills_on else len(g.by_rank))
            continue
        advance(gi, pos + 1)
        v = ids[r]
        if v not in seen:
            score(v)
    return [(s, v) for s, _, v in sorted(top, reverse=True)]


def _explain(
    G: nx.Graph,
    scorer: _Scorer,
    ctx: _Context,
    v: str,
    score: float,
    components: dict[str, float],
    detail: dict[str, list[str]],
    viewer_can_see: Callable[[str], bool] | None,
) -> Recommendation:
    contacts = sorted(ctx.common.get(v, ()), key=lambda z: (scorer.tie_degree(z), z))
    detail = {
        "skills": sorted(detail["skills"], key=lambda s: (-scorer.rarity(s), s)),
        "subsectors": detail["subsectors"],
        "events": sorted(detail["events"], key=lambda e: (scorer.event_sizes.get(e, 0), e)),
    }
    visible = [z for z in contacts if viewer_can_see is None or viewer_can_see(z)]
    skill_names = G.graph.get("skill_names", {})
    sentences: dict[str, str] = {}
    if contacts:
        sentences["structure"] = _contacts_reason([G.nodes[z].get("name", z) for z in visible], len(contacts))
    if detail["events"]:
        sentences["events"] = _events_reason(
            detail["events"], G.graph.get("event_titles", {}), scorer.event_sizes
        )
    if components["skills"] > 0:
        sentences["skills"] = _skills_reason([skill_names.get(s, s) for s in detail["skills"]])
    if detail["subsectors"] and components["subsector"] > 0:
        sentences["subsector"] = _subsector_reason(detail["subsectors"])
    order = ["structure", "events", "skills", "subsector"]
    order.sort(key=lambda k: -components.get(k, 0.0))  # stable: the fixed order breaks ties
    vdata = G.nodes[v]
    return Recommendation(
        id=v,
        name=vdata.get("name", v),
        score=score,
        components=components,
        reasons=tuple(sentences[k] for k in order if k in sentences),
        shared_contacts=tuple(visible),
        complementary_skills=tuple(detail["skills"]) if components["skills"] > 0 else (),
        shared_events=tuple(detail["events"]),
        subsectors_bridged=tuple(detail["subsectors"]),
        shared_contact_count=len(contacts),
        node_type=vdata.get("node_type", "member"),
    )


def _baseline(G: nx.Graph, member_id: str, per_neighbour: Callable[[int], float]) -> dict[str, float]:
    _check_member(G, member_id, allow_organisation=True)
    nbrs = set(_tie_neighbours(G, member_id))
    parts: dict[str, list[float]] = {}
    for z in sorted(nbrs):
        zn = _tie_neighbours(G, z)
        if len(zn) < 2:  # z knows only member_id: it is nobody's common neighbour
            continue
        contrib = per_neighbour(len(zn))
        for c in zn:
            if c != member_id and c not in nbrs:
                parts.setdefault(c, []).append(contrib)
    return {c: math.fsum(parts[c]) for c in sorted(parts)}


def common_neighbours_scores(G: nx.Graph, member_id: str) -> dict[str, float]:
    """Common-neighbour counts between ``member_id`` and every node it is not tied to.

    Only nodes with at least one common tie neighbour appear (on the ties graph). A baseline
    (Newman 2001; Liben-Nowell & Kleinberg 2007).
    """
    return _baseline(G, member_id, lambda d: 1.0)


def adamic_adar_scores(G: nx.Graph, member_id: str) -> dict[str, float]:
    """Adamic-Adar index ``sum(1 / ln deg(z))`` over common tie neighbours (Adamic & Adar 2003)."""
    return _baseline(G, member_id, lambda d: 1.0 / math.log(d))


def resource_allocation_scores(G: nx.Graph, member_id: str) -> dict[str, float]:
    """Resource-allocation index ``sum(1 / deg(z))`` over common tie neighbours.

    Zhou, Lü & Zhang (2009), "Predicting missing links via local information".
    """
    return _baseline(G, member_id, lambda d: 1.0 / d)


def score_pairs(
    G: nx.Graph,
    pairs: Iterable[tuple[str, str]],
    method: PairMethod = "recommender",
    *,
    weights: RecommenderWeights | None = None,
    seed: int = 0,
) -> list[float]:
    """Score arbitrary ``(u, v)`` pairs with one method, e.g. to compute an AUC.

    Parameters
    ----------
    G : networkx.Graph
        The collaboration graph.
    pairs : iterable of (str, str)
        Pairs to score; ``u`` is the member the recommendation is for (the recommender score
        is not symmetric: complementary skills are the ones ``u`` lacks).
    method : {"recommender", "common_neighbours", "adamic_adar", "resource_allocation", "random"}
        ``recommender`` is the full :func:`recommend` score without filters or penalties;
        ``random`` draws uniform numbers from ``random.Random(seed)``.
    weights : RecommenderWeights, optional
        Constants of the recommender score.
    seed : int, default 0
        Seed of the ``random`` method.

    Returns
    -------
    list of float
        One score per pair, in order.

    Raises
    ------
    UnknownMember
        If a pair names a node that is not in ``G``.
    ValueError
        For an unknown ``method``.
    """
    pairs = list(pairs)
    for u, v in pairs:
        for n in (u, v):
            if n not in G:
                raise UnknownMember(n)
    if method == "random":
        rng = random.Random(seed)
        return [rng.random() for _ in pairs]
    scorer = _Scorer(G, weights or RecommenderWeights())
    if method == "recommender":
        return [scorer.score(scorer.context(u), v)[0] for u, v in pairs]
    per: Callable[[int], float]
    if method == "common_neighbours":
        per = lambda d: 1.0  # noqa: E731
    elif method == "adamic_adar":
        per = lambda d: 1.0 / math.log(d)  # noqa: E731
    elif method == "resource_allocation":
        per = lambda d: 1.0 / d  # noqa: E731
    else:
        raise ValueError(f"unknown method '{method}'")
    out = []
    for u, v in pairs:
        ctx = scorer.context(u)
        out.append(math.fsum([per(scorer.tie_degree(z)) for z in ctx.common.get(v, ())]))
    return out
