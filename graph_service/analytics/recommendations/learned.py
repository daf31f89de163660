"""The learned link predictor: how the evidence of a pair combines, fitted on the graph's own ties.

Training on the graph's own ties, as LinkedIn's People You May Know and Neo4j GDS
link-prediction pipelines do it, by default **leave one out, ranked per member**
(:func:`leave_one_out_groups`): every present tie ``(u, v)`` is a positive, its features computed
as if that tie were absent (the degrees lose it, common-neighbour counts never include it); its
negatives are the members ``u`` is not tied to -- the candidates a recommendation for ``u`` ranks
``v`` among: all of them at distance 2 and a seeded sample of the others, each weighted by how
many it stands for. The weights ``w`` minimise the per-member softmax loss
``-log(e^{w.x_v} / (e^{w.x_v} + sum_c e^{w.x_c}))`` (a ranking objective: hits@k is a per-member
ranking measure) with a ridge term whose strength -- or one classical index alone (common
neighbours, Adamic-Adar, resource allocation), whichever generalises best -- is chosen by 3-fold
cross-validation over the source members of the graph itself. A one-feature logistic fit on the
ranking score (per positive two pairs at distance 2 and four drawn from everybody not tied)
calibrates it into a probability. The older hold-out training (``training="holdout"``: hide 10%
of the ties in several seeded rounds, features on the graph without them, a logistic regression)
is kept as an option. Scoring needs only the fitted numbers (:class:`LinkModel`), on the whole
graph:

.. math::

    P(u, v) = \\sigma\\Big(b + \\sum_i c_i \\frac{x_i(u, v) - \\mu_i}{s_i}\\Big), \\qquad
    \\text{score}(u, v) = \\pi_v \\big(P(u, v) + \\beta \\, S(u, v)\\big)

``P`` is how likely the two are to tie; ``S`` is the subsector gap of the package docstring (1 when
``v``'s primary subsector is one ``u`` neither belongs to nor has a tie into, 0.5 for a secondary
one) and ``beta`` (:data:`SUBSECTOR_BONUS`) the cluster's wish for cross-subsector meetings: a
stated term on top of the prediction, not learned (people tie within their subsector, so a
learned weight would push the other way). ``pi_v`` is the penalty.

Each term ``c_i (x_i - mu_i) / s_i`` is the feature's contribution (in log-odds, relative to the
average training pair); the contributions grouped by the evidence they rest on (:data:`EVIDENCE`)
are the recommendation's ``components``, and its reasons are the evidence with the largest
positive contributions.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from graph_service.analytics.graph import event_weight

FloatArray = npt.NDArray[np.float64]

FEATURES: tuple[str, ...] = (
    "common_neighbours",  # log(1 + |N(u) & N(v)|)
    "adamic_adar",  # log(1 + sum 1 / ln deg z)
    "resource_allocation",  # sum 1 / deg z
    "resource_allocation_log",  # log(1 + 10 sum 1 / deg z): ranks the many small sums apart
    "jaccard",  # |N(u) & N(v)| / |N(u) | N(v)|
    "tie_strength",  # log(1 + sum w(u, z) w(z, v)), tie weights of the projection
    "shared_projects",  # log(1 + common neighbours both collaborated with)
    "paths_of_three",  # log(1 + sum over u-a-b-v of 1 / sqrt(deg a deg b)), Kovacs et al. 2019
    "degree_low",  # log(1 + min(deg u, deg v))
    "degree_high",  # log(1 + max(deg u, deg v))
    "shared_events",  # E: min(1, sum of the Newman weights of the events both attended)
    "same_subsector",  # 1 when the primary subsectors are equal
    "shared_subsectors",  # subsectors in common
    "shared_skills",  # log(1 + skills in common)
    "complementary_skills",  # K: noisy-or of the rarities of the skills v has and u lacks
)

EVIDENCE: Mapping[str, str] = {
    "common_neighbours": "structure",
    "adamic_adar": "structure",
    "resource_allocation": "structure",
    "resource_allocation_log": "structure",
    "jaccard": "structure",
    "tie_strength": "structure",
    "shared_projects": "structure",
    "paths_of_three": "structure",
    "degree_low": "activity",
    "degree_high": "activity",
    "shared_events": "events",
    "same_subsector": "subsector",
    "shared_subsectors": "subsector",
    "shared_skills": "skills",
    "complementary_skills": "skills",
}
"""The part of the score (a ``components`` key) each feature's contribution goes to."""

RA_LOG_SCALE = 10.0
"""``resource_allocation_log`` is ``log(1 + 10 RA)``: resource allocation is a sum of ``1/deg z``,
so in a large sparse network most candidates' sums are small and close together, and the raw
value, standardised, cannot rank them apart in a linear score; its logarithm can (on the
computational-geometry co-authorship network, 7,343 authors, hits@10 went from below resource
allocation to 0.015 above it). The 10 puts one shared contact of degree 10 at ``log 2``."""

SUBSECTOR_BONUS = 0.05
"""``beta``: a candidate bridging a subsector the member has no ties into gains 0.05 of probability
(half that for a secondary subsector)."""
HIDDEN_SHARE = 0.10
MIN_ROUNDS = 3
MAX_ROUNDS = 20
TARGET_POSITIVES = 300
NEAR_NEGATIVES = 2
RANDOM_NEGATIVES = 4
BOOSTING: Mapping[str, Any] = {
    "max_iter": 200, "learning_rate": 0.1, "max_leaf_nodes": 15, "l2_regularization": 1.0,
    "min_samples_leaf": 20, "early_stopping": False, "random_state": 42,
}
MAX_POSITIVES = 2_000
MIN_POSITIVES = 10
_CACHE_KEY = "graph_service.analytics.recommendations.learned"


@dataclass(frozen=True, slots=True)
class LinkModel:
    """A fitted link predictor: plain numbers, so scoring needs no scikit-learn and is exact to
    repeat. ``positives``/``negatives`` count the training pairs; ``seed`` drew them."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    subsector_bonus: float = SUBSECTOR_BONUS
    positives: int = 0
    negatives: int = 0
    seed: int = 0
    kind: str = "logistic"
    """``"logistic"`` (``coef``/``intercept`` score) or ``"boosting"`` (``booster`` scores,
    ``coef`` is the logistic fit kept alongside, unused for scoring)."""
    digest: str = ""
    """Fingerprint of the booster (its predictions on the training pairs): equal models compare
    equal although the scikit-learn object does not."""
    booster: Any = field(default=None, compare=False, repr=False)
    choice: str = ""
    """What the inner cross-validation chose (``objective="softmax"``), for the record."""

    def _logit(self, X: FloatArray) -> FloatArray:
        if self.booster is not None:
            return np.asarray(self.booster.decision_function(X), dtype=np.float64).ravel()
        return np.asarray(self._linear(X).sum(axis=1) + self.intercept, dtype=np.float64)

    def _linear(self, X: FloatArray) -> FloatArray:
        mean = np.asarray(self.mean)
        scale = np.asarray(self.scale)
        return np.asarray(((X - mean) / scale) * np.asarray(self.coef), dtype=np.float64)

    def contributions(self, X: FloatArray) -> FloatArray:
        """Per-feature contributions (log-odds) of the rows of ``X``: for the logistic model its
        terms ``c_i (x_i - mu_i) / s_i``; for the boosted trees the occlusion ``f(x) - f(x with
        x_i set to its training mean mu_i)`` of the model's log-odds ``f``."""
        if self.booster is None:
            return self._linear(X)
        n, d = X.shape
        base = self._logit(X)
        occluded = np.repeat(X[:, None, :], d, axis=1)  # (row, feature occluded, column)
        idx = np.arange(d)
        occluded[:, idx, idx] = np.asarray(self.mean)[None, :]
        f = self._logit(occluded.reshape(n * d, d)).reshape(n, d)
        return np.asarray(base[:, None] - f, dtype=np.float64)

    def probability(self, X: FloatArray) -> FloatArray:
        z = self._logit(X)
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)


def _mv(M: sp.csr_array, x: FloatArray) -> FloatArray:
    """``M @ x`` for a sparse ``M`` and a dense vector, as a flat float array."""
    return np.asarray(M @ x, dtype=np.float64).ravel()


class _Table:
    """What the features need about every node of one graph, as sparse matrices over the node
    ranks (id order); built once per graph object and kept in ``G.__networkx_cache__``."""

    def __init__(self, G: nx.Graph[str]):
        self.ids: list[str] = sorted(G.nodes)
        self.rank: dict[str, int] = {v: i for i, v in enumerate(self.ids)}
        n = len(self.ids)
        self.n = n
        rows: list[int] = []
        cols: list[int] = []
        weights: list[float] = []
        collab_rows: list[int] = []
        collab_cols: list[int] = []
        rank = self.rank
        for a, b, d in G.edges(data=True):
            if not d.get("structural", True) or a == b:
                continue
            i, j = rank[a], rank[b]
            w = float(d.get("weight", 1.0))
            rows += [i, j]
            cols += [j, i]
            weights += [w, w]
            if d.get("collaborated", 0):
                collab_rows += [i, j]
                collab_cols += [j, i]
        ones = np.ones(len(rows))
        self.A = sp.csr_array((ones, (rows, cols)), shape=(n, n))
        self.A.sum_duplicates()
        self.W = sp.csr_array((np.asarray(weights), (rows, cols)), shape=(n, n))
        self.C = sp.csr_array((np.ones(len(collab_rows)), (collab_rows, collab_cols)), shape=(n, n))
        self.deg: FloatArray = np.asarray(self.A.sum(axis=1), dtype=np.float64).ravel()
        deg = self.deg
        self.inv_deg = np.where(deg > 1, 1.0 / np.maximum(deg, 1.0), 0.0)  # z knowing only u: nobody's
        self.inv_log = np.where(deg > 1, 1.0 / np.log(np.maximum(deg, 2.0)), 0.0)
        self.inv_sqrt = np.where(deg > 0, 1.0 / np.sqrt(np.maximum(deg, 1.0)), 0.0)
        self.sqrt_sum: FloatArray = _mv(self.A, self.inv_sqrt)  # sum over the neighbours b of 1/sqrt(deg b)

        nodes = G.nodes
        subsector_ids = sorted({s for v in self.ids for s in nodes[v].get("subsectors", ())})
        self.subsector_code = {s: k for k, s in enumerate(subsector_ids)}
        self.primary = np.full(n, -1, dtype=np.int64)
        s_rows: list[int] = []
        s_cols: list[int] = []
        secondary_rows: list[int] = []
        secondary_cols: list[int] = []
        skill_ids = sorted({s for v in self.ids for s in nodes[v].get("skills", ())})
        self.skill_code = {s: k for k, s in enumerate(skill_ids)}
        k_rows: list[int] = []
        k_cols: list[int] = []
        counts: Mapping[str, int] | None = G.graph.get("skill_counts")
        n_members: int | None = G.graph.get("member_count")
        if counts is None or n_members is None:
            counted: dict[str, int] = {}
            n_members = 0
            for v in self.ids:
                if nodes[v].get("node_type", "member") == "member":
                    n_members += 1
                    for s in nodes[v].get("skills", ()):
                        counted[s] = counted.get(s, 0) + 1
            counts = counted
        event_ids = sorted({e for v in self.ids for e in nodes[v].get("events", ())})
        event_code = {e: k for k, e in enumerate(event_ids)}
        sizes: Mapping[str, int] = G.graph.get("event_sizes", {})
        e_rows: list[int] = []
        e_cols: list[int] = []
        for i, v in enumerate(self.ids):
            data = nodes[v]
            subs = tuple(data.get("subsectors", ()))
            if subs:
                self.primary[i] = self.subsector_code[subs[0]]
            for pos, s in enumerate(subs):
                s_rows.append(i)
                s_cols.append(self.subsector_code[s])
                if pos:
                    secondary_rows.append(i)
                    secondary_cols.append(self.subsector_code[s])
            for s in sorted(data.get("skills", ())):
                k_rows.append(i)
                k_cols.append(self.skill_code[s])
            for e in sorted(data.get("events", ())):
                e_rows.append(i)
                e_cols.append(event_code[e])
        n_subs = max(1, len(subsector_ids))
        self.S = sp.csr_array((np.ones(len(s_rows)), (s_rows, s_cols)), shape=(n, n_subs))
        self.S2 = sp.csr_array((np.ones(len(secondary_rows)), (secondary_rows, secondary_cols)),
                               shape=(n, n_subs))
        n_skills = max(1, len(skill_ids))
        self.K = sp.csr_array((np.ones(len(k_rows)), (k_rows, k_cols)), shape=(n, n_skills))
        N = n_members
        rarity = np.array(
            [1.0 if N <= 1 else max(0.0, math.log(N / max(1, counts.get(s, 1))) / math.log(N)) for s in skill_ids]
            or [0.0]
        )
        log_factor = np.log(1.0 - rarity / 2.0)
        self.K_log = sp.csr_array((log_factor[np.asarray(k_cols, dtype=np.int64)], (k_rows, k_cols)),
                                  shape=(n, n_skills))
        self.log_notp: FloatArray = np.asarray(self.K_log.sum(axis=1), dtype=np.float64).ravel()
        self.n_skills_of: FloatArray = np.asarray(self.K.sum(axis=1), dtype=np.float64).ravel()
        ev_w = np.array([event_weight(sizes.get(e, 0)) for e in event_ids] or [0.0])
        n_events = max(1, len(event_ids))
        self.E = sp.csr_array((np.ones(len(e_rows)), (e_rows, e_cols)), shape=(n, n_events))
        self.event_w = ev_w

    # --- the features of u with every node ---

    def _row(self, M: sp.csr_array, i: int) -> FloatArray:
        """Row ``i`` of ``M`` as a dense vector (straight from the CSR arrays: scipy's fancy
        indexing costs ten times more)."""
        out = np.zeros(M.shape[1], dtype=np.float64)
        start, end = int(M.indptr[i]), int(M.indptr[i + 1])
        np.add.at(out, M.indices[start:end], M.data[start:end])
        return out

    def features(self, u: str, *, leave_out: bool = False) -> FloatArray:
        """The feature matrix (one row per node, in rank order) of ``u`` with every node.

        With ``leave_out`` the row of each node ``v`` tied to ``u`` is computed as if that one
        tie were absent (its training positive): the degrees of ``u`` and ``v`` lose it, and so
        do the Jaccard union and the walks of three that run along it. Common neighbours,
        Adamic-Adar, resource allocation, strengths and shared projects never count the pair's
        own tie (their middle nodes are neither ``u`` nor ``v``), so they need no correction."""
        i = self.rank[u]
        A = self.A
        a_u = self._row(A, i)
        cn = _mv(A, a_u)  # A is symmetric: (a_u A)^T = A a_u
        aa = _mv(A, (a_u * self.inv_log))
        ra = _mv(A, (a_u * self.inv_deg))
        deg = self.deg
        deg_u = np.full(self.n, deg[i])
        deg_v = deg.copy()
        two = _mv(A, (a_u * self.inv_sqrt))  # weighted walks u-a-b, by b
        three = _mv(A, (two * self.inv_sqrt))  # u-a-b-v
        if leave_out:
            tied = a_u > 0
            deg_u = deg_u - tied
            deg_v = deg_v - tied
            # the walks u-v-b-v and u-a-u-v use the tie itself (u-v-u-v is counted by both)
            s = self.inv_sqrt
            walk_v = s * self.sqrt_sum
            three = np.where(tied, three - walk_v - s[i] * self.sqrt_sum[i] + s * s[i], three)
            three = np.maximum(three, 0.0)
        union = deg_u + deg_v - cn
        jac = np.divide(cn, union, out=np.zeros_like(cn), where=union > 0)
        strength = _mv(self.W, self._row(self.W, i))
        projects = _mv(self.C, self._row(self.C, i))
        lo = np.log1p(np.minimum(deg_u, deg_v))
        hi = np.log1p(np.maximum(deg_u, deg_v))
        e_u = self._row(self.E, i)
        events = np.minimum(1.0, _mv(self.E, (e_u * self.event_w))) if e_u.any() else np.zeros(self.n)
        p = self.primary
        same = ((p == p[i]) & (p >= 0)).astype(np.float64)
        shared_subs = _mv(self.S, self._row(self.S, i))
        k_u = self._row(self.K, i)
        if k_u.any():
            shared_skills = _mv(self.K, k_u)
            comp = 1.0 - np.exp(self.log_notp - _mv(self.K_log, k_u))
            comp = np.where(self.n_skills_of > shared_skills, np.maximum(comp, 0.0), 0.0)
        else:
            shared_skills = np.zeros(self.n)
            comp = np.zeros(self.n)
        X = np.column_stack([
            np.log1p(cn), np.log1p(aa), ra, np.log1p(RA_LOG_SCALE * ra), jac, np.log1p(strength), np.log1p(projects),
            np.log1p(three), lo, hi, events, same, shared_subs, np.log1p(shared_skills), comp,
        ])
        return np.asarray(X, dtype=np.float64)

    def crossing(self, u: str, G: nx.Graph[str]) -> FloatArray:
        """``S(u, v)`` for every node: 1, 0.5 or 0 (see the module docstring)."""
        i = self.rank[u]
        reached = np.zeros(self.S.shape[1], dtype=bool)
        for s in G.nodes[u].get("subsectors", ()):
            reached[self.subsector_code[s]] = True
        for j in self.A[[i], :].indices:
            if self.primary[j] >= 0:
                reached[self.primary[j]] = True
        p = self.primary
        prim_out = (p >= 0) & ~reached[np.maximum(p, 0)]
        second_out = _mv(self.S2, (~reached).astype(np.float64)) > 0
        return np.where(prim_out, 1.0, np.where(second_out, 0.5, 0.0))


def table_for(G: nx.Graph[str]) -> _Table:
    """The feature table of ``G``, built on first use and kept in ``G.__networkx_cache__`` (which
    networkx clears when nodes or edges change through its API)."""
    cache = getattr(G, "__networkx_cache__", None)
    if isinstance(cache, dict):
        table = cache.get(_CACHE_KEY)
        if isinstance(table, _Table) and table.n == len(G):
            return table
    table = _Table(G)
    if isinstance(cache, dict):
        cache[_CACHE_KEY] = table
    return table


def pair_features(G: nx.Graph[str], pairs: Sequence[tuple[str, str]]) -> FloatArray:
    """The feature rows of ``pairs`` on ``G`` (grouped by their first member)."""
    table = table_for(G)
    X = np.zeros((len(pairs), len(FEATURES)))
    by_u: dict[str, list[int]] = {}
    for k, (u, _) in enumerate(pairs):
        by_u.setdefault(u, []).append(k)
    for u in sorted(by_u):
        F = table.features(u)
        ks = by_u[u]
        X[ks] = F[[table.rank[pairs[k][1]] for k in ks]]
    return X


def _tie_pairs(G: nx.Graph[str]) -> list[tuple[str, str]]:
    members = {v for v, d in G.nodes(data=True) if d.get("node_type", "member") == "member"}
    return sorted(
        (min(a, b), max(a, b))
        for a, b, d in G.edges(data=True)
        if d.get("structural", True) and a != b and a in members and b in members
    )


def without_ties(G: nx.Graph[str], hidden: Sequence[tuple[str, str]]) -> nx.Graph[str]:
    """A copy of ``G`` without the ``hidden`` ties; a hidden pair that co-attended events keeps
    that as a contact (the relationship is hidden, not the attendance lists)."""
    H = G.copy()
    sizes: Mapping[str, int] = H.graph.get("event_sizes", {})
    for a, b in hidden:
        d: dict[str, Any] = H[a][b]
        evs = d.get("events", ())
        if evs:
            not_p = 1.0
            for e in evs:
                not_p *= 1.0 - event_weight(sizes.get(e, 0))
            d.update(knows=0.0, collaborated=0, introduced=False, structural=False, confirmed=False,
                     since=None, weight=1.0 - not_p)
        else:
            H.remove_edge(a, b)
    return H


def _structural(G: nx.Graph[str]) -> nx.Graph[str]:
    """``G`` with its ties only (the features never read a contact edge), cheaper to copy."""
    B: nx.Graph[str] = nx.Graph()
    B.graph.update(G.graph)
    B.add_nodes_from(G.nodes(data=True))
    B.add_edges_from((a, b, d) for a, b, d in G.edges(data=True) if d.get("structural", True))
    return B


def training_pairs(
    G: nx.Graph[str],
    *,
    seed: int = 0,
    hidden_share: float = HIDDEN_SHARE,
    max_positives: int = MAX_POSITIVES,
    near_negatives: int = NEAR_NEGATIVES,
    random_negatives: int = RANDOM_NEGATIVES,
) -> tuple[nx.Graph[str], list[tuple[str, str]], list[int]] | None:
    """The training graph (``G`` without the hidden ties), the pairs and their labels; None when
    ``G`` has fewer than :data:`MIN_POSITIVES` ties to learn from.

    Each hidden tie ``(u, v)`` comes with ``near_negatives`` pairs ``(u, w)``, ``w`` at distance 2
    of ``u``, and ``random_negatives`` with ``w`` drawn from every member not tied to ``u``: the
    candidates a recommendation for ``u`` ranks ``v`` among."""
    ties = _tie_pairs(G)
    n_hidden = min(max_positives, max(MIN_POSITIVES, round(hidden_share * len(ties))))
    if len(ties) < 2 * MIN_POSITIVES:
        return None
    rng = random.Random(seed)
    hidden = sorted(rng.sample(ties, n_hidden))
    H = without_ties(_structural(G), hidden)
    tied = set(ties)
    members = sorted(v for v, d in G.nodes(data=True) if d.get("node_type", "member") == "member")
    nbrs = {v: sorted(z for z, d in H[v].items() if d.get("structural", True)) for v in members}

    def free(u: str, w: str) -> bool:
        return u != w and (min(u, w), max(u, w)) not in tied

    pairs: list[tuple[str, str]] = []
    labels: list[int] = []
    for a, b in hidden:
        u, v = (a, b) if rng.random() < 0.5 else (b, a)
        pairs.append((u, v))
        labels.append(1)
        # negatives at distance 2 (friends of friends who are no tie), when there are some
        found = 0
        for _ in range(8 * near_negatives):
            if found == near_negatives or not nbrs[u]:
                break
            z = rng.choice(nbrs[u])
            zn = nbrs.get(z, ())
            if zn:
                w = rng.choice(zn)
                if free(u, w) and w in nbrs and w not in nbrs[u]:
                    pairs.append((u, w))
                    labels.append(0)
                    found += 1
        found = 0
        for _ in range(8 * random_negatives):  # negatives drawn from everybody
            if found == random_negatives:
                break
            w = rng.choice(members)
            if free(u, w):
                pairs.append((u, w))
                labels.append(0)
                found += 1
    return H, pairs, labels


@dataclass(slots=True)
class _Groups:
    """Leave-one-out training data, per source member ``u``: the rows of ``u``'s ties (each as if
    that tie were absent: the positives), of the members ``u`` is not tied to (its candidates:
    all of them at distance 2 up to :data:`NEAR_CAP`, and a seeded sample of :data:`FAR_SAMPLE`
    of the others, each carrying the log of how many it stands for), and a pair sample for the
    logistic fit and the calibration (per positive :data:`NEAR_NEGATIVES` candidates at distance 2
    and :data:`RANDOM_NEGATIVES` drawn from all of them)."""

    pos: list[FloatArray]
    neg: list[FloatArray]
    log_w: list[FloatArray]
    X: FloatArray
    y: npt.NDArray[np.int64]
    source: npt.NDArray[np.int64]
    """The group (index into ``pos``) of each row of ``X``."""


NEAR_CAP = 200
FAR_SAMPLE = 60
MAX_SOURCES = 400


def leave_one_out_groups(
    G: nx.Graph[str],
    *,
    seed: int = 0,
    max_sources: int = MAX_SOURCES,
    near_negatives: int = NEAR_NEGATIVES,
    random_negatives: int = RANDOM_NEGATIVES,
) -> _Groups | None:
    """Every present tie of ``G`` as a positive, its features computed as if it were absent
    (:meth:`_Table.features` with ``leave_out``), against the members its source is not tied to;
    None when ``G`` has fewer than ``2 * MIN_POSITIVES`` member ties. At most ``max_sources``
    source members (a seeded sample) keep the cost bounded on large graphs."""
    ties = _tie_pairs(G)
    if len(ties) < 2 * MIN_POSITIVES:
        return None
    table = table_for(G)
    rng = np.random.default_rng(seed)
    is_member = np.zeros(table.n, dtype=bool)
    for v, d in G.nodes(data=True):
        if d.get("node_type", "member") == "member":
            is_member[table.rank[v]] = True
    tie_deg = np.zeros(table.n, dtype=np.int64)
    for a, b in ties:
        tie_deg[table.rank[a]] += 1
        tie_deg[table.rank[b]] += 1
    sources = np.flatnonzero(tie_deg > 0)
    if len(sources) > max_sources:
        sources = np.sort(rng.choice(sources, size=max_sources, replace=False))
    pos: list[FloatArray] = []
    neg: list[FloatArray] = []
    log_w: list[FloatArray] = []
    xs: list[FloatArray] = []
    ys: list[npt.NDArray[np.int64]] = []
    src: list[npt.NDArray[np.int64]] = []
    for i in sources:
        u = table.ids[int(i)]
        F = table.features(u, leave_out=True)
        a_u = table._row(table.A, int(i)) > 0
        p = np.flatnonzero(a_u & is_member)
        cand = is_member & ~a_u
        cand[i] = False
        near = np.flatnonzero(cand & (F[:, 0] > 0))
        far = np.flatnonzero(cand & (F[:, 0] <= 0))
        every = np.flatnonzero(cand)
        if not len(p) or not len(every):
            continue
        parts = []
        weights = []
        for block, cap in ((near, NEAR_CAP), (far, FAR_SAMPLE)):
            if not len(block):
                continue
            take = block if len(block) <= cap else np.sort(rng.choice(block, size=cap, replace=False))
            parts.append(take)
            weights.append(np.full(len(take), math.log(len(block) / len(take))))
        rows = np.concatenate(parts)
        pos.append(F[p])
        neg.append(F[rows])
        log_w.append(np.concatenate(weights))
        for j in p:
            picked = [rng.choice(near, size=min(near_negatives, len(near)), replace=False)] if len(near) else []
            picked.append(rng.choice(every, size=min(random_negatives, len(every)), replace=False))
            negs = np.concatenate(picked)
            xs.append(np.vstack([F[[j]], F[negs]]))
            ys.append(np.concatenate([[1], np.zeros(len(negs), dtype=np.int64)]))
            src.append(np.full(1 + len(negs), len(pos) - 1, dtype=np.int64))
    if not pos:
        return None
    return _Groups(pos, neg, log_w, np.vstack(xs), np.concatenate(ys).astype(np.int64), np.concatenate(src))


def _softmax_loss(
    w: FloatArray, P: FloatArray, gp: npt.NDArray[np.int64], N: FloatArray, starts: npt.NDArray[np.int64],
    lw: FloatArray, l2: float,
) -> tuple[float, FloatArray]:
    """Mean over the positives of ``-log(e^{s_p} / (e^{s_p} + sum_c e^{s_c + lw_c}))`` (the
    positive against its source's candidates) plus ``l2 |w|^2``, and its gradient."""
    sn = N @ w + lw
    m = np.maximum.reduceat(sn, starts)
    counts = np.diff(np.append(starts, len(sn)))
    e = np.exp(sn - np.repeat(m, counts))
    tot = np.add.reduceat(e, starts)
    Z = m + np.log(tot)  # log sum over the candidates, per group
    q = e / np.repeat(tot, counts)
    EX = np.add.reduceat(q[:, None] * N, starts)  # the candidates' softmax mean, per group
    sp_ = P @ w
    Zp = Z[gp]
    loss = np.logaddexp(sp_, Zp) - sp_
    sig = np.exp(sp_ - np.logaddexp(sp_, Zp))
    grad = ((1.0 - sig)[:, None] * (EX[gp] - P)).mean(axis=0)
    return float(loss.mean() + l2 * float(w @ w)), np.asarray(grad + 2.0 * l2 * w, dtype=np.float64)


def _stack(groups: _Groups, keep: Sequence[int], mean: FloatArray, scale: FloatArray,
           columns: npt.NDArray[np.int64]) -> tuple[FloatArray, npt.NDArray[np.int64], FloatArray,
                                                    npt.NDArray[np.int64], FloatArray]:
    """The standardised positives, their group numbers, the candidates, the groups' starts and
    the candidates' log weights of the sources ``keep``, on the feature ``columns``."""
    P = (np.vstack([groups.pos[k] for k in keep]) - mean) / scale
    gp = np.concatenate([np.full(len(groups.pos[k]), g, dtype=np.int64) for g, k in enumerate(keep)])
    N = (np.vstack([groups.neg[k] for k in keep]) - mean) / scale
    sizes = np.array([len(groups.neg[k]) for k in keep], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    lw = np.concatenate([groups.log_w[k] for k in keep])
    return P[:, columns], gp, N[:, columns], starts, lw


def _fit_softmax(groups: _Groups, keep: Sequence[int], mean: FloatArray, scale: FloatArray,
                 columns: npt.NDArray[np.int64], l2: float) -> FloatArray:
    """The weights (on ``columns``) minimising the per-source softmax loss of the sources ``keep``."""
    from scipy.optimize import minimize

    args = (*_stack(groups, keep, mean, scale, columns), l2)
    res = minimize(_softmax_loss, np.zeros(len(columns)), args=args, jac=True, method="L-BFGS-B",
                   options={"maxiter": 500})
    return np.asarray(res.x, dtype=np.float64)


L2_GRID: tuple[float, ...] = (1e-4, 1e-3, 1e-2)
"""The ridge strengths the inner cross-validation chooses among."""
CV_FOLDS = 3
SINGLE_INDICES: tuple[str, ...] = ("common_neighbours", "adamic_adar", "resource_allocation")
"""The classical indices the inner cross-validation may also choose on their own (the model can
always fall back to the best of them on a network where the full model generalises worse)."""


def _choose_softmax(groups: _Groups, mean: FloatArray, scale: FloatArray, seed: int) -> tuple[FloatArray, str]:
    """The ranking weights on all features, chosen by ``CV_FOLDS``-fold cross-validation over the
    source members (their held-out softmax loss): the full model at each of :data:`L2_GRID`, or one
    of :data:`SINGLE_INDICES` alone. Returns the weights refitted on every source and the choice."""
    d = len(FEATURES)
    configs: list[tuple[str, npt.NDArray[np.int64], float]] = [
        (f"all features, l2={l2:g}", np.arange(d, dtype=np.int64), l2) for l2 in L2_GRID]
    configs += [(name, np.array([FEATURES.index(name)], dtype=np.int64), 0.0) for name in SINGLE_INDICES]
    n = len(groups.pos)
    order = np.random.default_rng(seed + 7).permutation(n)
    folds = [np.sort(order[f::CV_FOLDS]) for f in range(CV_FOLDS)]
    best: tuple[float, int] | None = None
    if n >= 2 * CV_FOLDS:
        for c, (_, columns, l2) in enumerate(configs):
            total = 0.0
            for f in range(CV_FOLDS):
                train = np.sort(np.concatenate([folds[g] for g in range(CV_FOLDS) if g != f]))
                w = _fit_softmax(groups, train.tolist(), mean, scale, columns, l2)
                loss, _ = _softmax_loss(w, *_stack(groups, folds[f].tolist(), mean, scale, columns), 0.0)
                total += loss * sum(len(groups.pos[k]) for k in folds[f])
            if best is None or total < best[0] - 1e-12:
                best = (total, c)
    name, columns, l2 = configs[0 if best is None else best[1]]
    w = np.zeros(d)
    w[columns] = _fit_softmax(groups, list(range(n)), mean, scale, columns, l2)
    return w, name


def default_rounds(G: nx.Graph[str], hidden_share: float = HIDDEN_SHARE) -> int:
    """Enough hold-out rounds for about :data:`TARGET_POSITIVES` positives: 3 on a cluster of a
    few hundred members, up to :data:`MAX_ROUNDS` on a network of a few dozen ties."""
    n_hidden = max(MIN_POSITIVES, round(hidden_share * len(_tie_pairs(G))))
    return max(MIN_ROUNDS, min(MAX_ROUNDS, math.ceil(TARGET_POSITIVES / n_hidden)))


def _fit_logistic(
    X: FloatArray, y: npt.NDArray[np.int64], seed: int
) -> tuple[FloatArray, FloatArray, FloatArray, float]:
    from sklearn.linear_model import LogisticRegression  # imported here: only fitting needs it
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(X)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    lr = LogisticRegression(C=1.0, max_iter=2000, random_state=seed)
    lr.fit((X - scaler.mean_) / scale, y)
    return (np.asarray(scaler.mean_, dtype=np.float64), np.asarray(scale, dtype=np.float64),
            np.asarray(lr.coef_[0], dtype=np.float64), float(lr.intercept_[0]))


def _fit_booster(X: FloatArray, y: npt.NDArray[np.int64]) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    booster = HistGradientBoostingClassifier(**BOOSTING)
    booster.fit(X, y)
    return booster


def fit_link_model(
    G: nx.Graph[str],
    *,
    seed: int = 0,
    hidden_share: float = HIDDEN_SHARE,
    max_positives: int = MAX_POSITIVES,
    rounds: int | None = None,
    subsector_bonus: float = SUBSECTOR_BONUS,
    kind: Literal["logistic", "boosting"] = "logistic",
    training: Literal["holdout", "leave_one_out"] = "leave_one_out",
    objective: Literal["logistic", "softmax"] = "softmax",
) -> LinkModel | None:
    """Fit the link predictor on ``G``'s own ties (see the module docstring).

    Parameters
    ----------
    G : networkx.Graph
        A collaboration graph.
    seed : int, default 0
        Seeds the hidden ties and the negatives: the same graph and seed give the same model.
    hidden_share : float, default 0.1
        Share of the member-member ties hidden as positives in each round (at least
        :data:`MIN_POSITIVES`, all rounds together at most ``max_positives``).
    max_positives : int, default 2000
        Caps the positives of all rounds together (and so the cost).
    rounds : int, optional
        Independent hold-outs (seeds ``seed * 1009 + round``), each on its own training graph,
        whose pairs are pooled; by default :func:`default_rounds` (3 on the seed cluster, up to
        20 on small networks).
    subsector_bonus : float, default 0.05
        ``beta`` of the score.
    training : {"leave_one_out", "holdout"}, default "leave_one_out"
        Every present tie as a positive with its features as if it were absent
        (:func:`leave_one_out_groups`), or the hidden ties of ``rounds`` hold-outs.
    objective : {"softmax", "logistic"}, default "softmax"
        The per-member ranking loss, its ridge strength or a single classical index chosen by
        inner cross-validation (:func:`_choose_softmax`; needs ``training="leave_one_out"``), then
        calibrated; or a logistic regression on the pair sample.
    kind : {"logistic", "boosting"}, default "logistic"
        The model: the logistic regression (the service's), or gradient-boosted trees
        (:data:`BOOSTING`; reasons by occlusion, see :meth:`LinkModel.contributions`), which
        came out behind it on every benchmark network (docs/analytics.md).

    Returns
    -------
    LinkModel or None
        None when ``G`` has too few ties to learn from (the caller then uses the classic score).
    """
    groups: _Groups | None = None
    if training == "leave_one_out":
        groups = leave_one_out_groups(G, seed=seed)
        if groups is None:
            return None
        X, y = groups.X, groups.y
    else:
        n_rounds = default_rounds(G, hidden_share) if rounds is None else max(1, rounds)
        blocks: list[FloatArray] = []
        ys: list[npt.NDArray[np.int64]] = []
        for r in range(n_rounds):
            found = training_pairs(G, seed=seed * 1009 + r, hidden_share=hidden_share,
                                   max_positives=max(1, max_positives // n_rounds))
            if found is None:
                return None
            H, pairs, round_labels = found
            blocks.append(pair_features(H, pairs))
            ys.append(np.asarray(round_labels, dtype=np.int64))
        X = np.vstack(blocks)
        y = np.concatenate(ys)
    chosen = kind
    choice = ""
    mean, scale, coef, intercept = _fit_logistic(X, y, seed)
    if objective == "softmax" and groups is not None:
        w, choice = _choose_softmax(groups, mean, scale, seed)
        z = ((X - mean) / scale) @ w
        mz, sz, cz, bz = _fit_logistic(z[:, None], y, seed)  # calibration: P = sigma(a z + b)
        a = float(cz[0] / sz[0])
        if a > 0:
            coef, intercept = np.asarray(w * a, dtype=np.float64), bz - a * float(mz[0])
    booster = _fit_booster(X, y) if chosen == "boosting" else None
    digest = ""
    if booster is not None:
        import hashlib

        digest = hashlib.sha256(np.round(booster.decision_function(X), 10).tobytes()).hexdigest()
    return LinkModel(
        features=FEATURES,
        mean=tuple(float(x) for x in mean),
        scale=tuple(float(x) for x in scale),
        coef=tuple(float(x) for x in coef),
        intercept=intercept,
        subsector_bonus=subsector_bonus,
        positives=int(y.sum()),
        negatives=int(len(y) - y.sum()),
        seed=seed,
        kind=chosen,
        digest=digest,
        booster=booster,
        choice=choice,
    )


def learned_scores(G: nx.Graph[str], model: LinkModel, u: str) -> tuple[_Table, FloatArray, FloatArray, FloatArray]:
    """``(table, X, P, S)`` of ``u`` with every node: features, probabilities, subsector gap."""
    table = table_for(G)
    X = table.features(u)
    return table, X, model.probability(X), table.crossing(u, G)
