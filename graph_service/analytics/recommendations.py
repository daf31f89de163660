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
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import networkx as nx

from graph_service.analytics.errors import UnknownMember
from graph_service.analytics.projection import event_weight, is_tie
from graph_service.domain import SUBSECTOR_BY_ID, SUBSECTOR_IDS

__all__ = [
    "RecommenderWeights",
    "Recommendation",
    "PairMethod",
    "recommend",
    "common_neighbours_scores",
    "adamic_adar_scores",
    "resource_allocation_scores",
    "score_pairs",
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
    return [z for z, d in G._adj[n].items() if is_tie(d)]


def _check_member(G: nx.Graph, member_id: str, *, allow_organisation: bool = False) -> dict:
    if member_id not in G:
        raise UnknownMember(member_id)
    data = G.nodes[member_id]
    if data.get("node_type", "member") != "member" and not allow_organisation:
        raise UnknownMember(member_id)
    return data


class _Scorer:
    """Per-graph caches shared by the scores of many pairs (tie degrees, skill rarity)."""

    def __init__(self, G: nx.Graph, weights: RecommenderWeights):
        self.G = G
        self.w = weights
        self._deg: dict[str, int] = {}
        self._ctx: dict[str, _Context] = {}
        counts = G.graph.get("skill_counts")
        n_members = G.graph.get("member_count")
        if counts is None or n_members is None:
            counts, n_members = {}, 0
            for _, d in G.nodes(data=True):
                if d.get("node_type", "member") == "member":
                    n_members += 1
                    for s in d.get("skills", ()):
                        counts[s] = counts.get(s, 0) + 1
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
        A graph from :func:`~graph_service.analytics.projection.build_collaboration_graph`.
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
    """
    _check_member(G, member_id)
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if subsector is not None and subsector not in SUBSECTOR_IDS:
        raise ValueError(f"unknown subsector '{subsector}'")
    scorer = _Scorer(G, weights or RecommenderWeights())
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

    found: list[tuple[float, str]] = []
    for v, vdata in G.nodes(data=True):
        if v == member_id or v in ctx.tie_nbrs or v in exclude:
            continue
        ntype = vdata.get("node_type", "member")
        if ntype != "member" and not (include_organisations and ntype == "organisation"):
            continue
        if subsector is not None and subsector not in vdata.get("subsectors", ()):
            continue
        if skill is not None and skill not in vdata.get("skills", ()):
            continue
        if cross_sector:
            subs = vdata.get("subsectors", ())
            if not subs or subs[0] == ctx.primary or u_subs.intersection(subs):
                continue
        if open_pairs or declined:
            pair = frozenset((member_id, v))
            if pair in open_pairs or pair in declined:
                continue
        if viewer_can_see is not None and not viewer_can_see(v):
            continue
        total = scorer.total(ctx, v, vdata)
        if total > 0.0:
            found.append((total * penalties.get(v, 1.0), v))

    out = []
    for score, v in heapq.nsmallest(limit, found, key=lambda t: (-t[0], t[1])):
        _, components, detail = scorer.score(ctx, v)
        components["penalty"] = penalties.get(v, 1.0)
        out.append(_explain(G, scorer, ctx, v, score, components, detail, viewer_can_see))
    return out


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
