"""The learned link predictor: how the evidence of a pair combines, fitted on the graph's own ties.

Hold-out training, as LinkedIn's People You May Know and Neo4j GDS link-prediction pipelines do
it: hide a seeded sample of the existing ties (the positives), sample pairs that are not tied --
for each positive ``(u, v)`` two ``(u, w)`` with ``w`` at distance 2 and four with ``w`` drawn from
everybody not tied to ``u`` (the negatives: the candidates a recommendation ranks ``v`` among) --,
pooled over several seeded rounds (3 on a cluster of hundreds, up to 20 on a network of a few
dozen ties, each hiding a different 10%), compute the features of every pair on the graph *without* the
hidden ties, and fit a logistic regression on standardised features (scikit-learn). Scoring then
needs only the fitted numbers (:class:`LinkModel`), on the whole graph:

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

    def features(self, u: str) -> FloatArray:
        """The feature matrix (one row per node, in rank order) of ``u`` with every node."""
        i = self.rank[u]
        A = self.A
        a_u = self._row(A, i)
        cn = _mv(A, a_u)  # A is symmetric: (a_u A)^T = A a_u
        aa = _mv(A, (a_u * self.inv_log))
        ra = _mv(A, (a_u * self.inv_deg))
        deg = self.deg
        union = deg[i] + deg - cn
        jac = np.divide(cn, union, out=np.zeros_like(cn), where=union > 0)
        strength = _mv(self.W, self._row(self.W, i))
        projects = _mv(self.C, self._row(self.C, i))
        two = _mv(A, (a_u * self.inv_sqrt))  # weighted walks u-a-b, by b
        three = _mv(A, (two * self.inv_sqrt))  # u-a-b-v
        lo = np.log1p(np.minimum(deg[i], deg))
        hi = np.log1p(np.maximum(deg[i], deg))
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
            np.log1p(cn), np.log1p(aa), ra, jac, np.log1p(strength), np.log1p(projects),
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
    kind : {"logistic", "boosting"}, default "logistic"
        The model: the logistic regression (the service's), or gradient-boosted trees
        (:data:`BOOSTING`; reasons by occlusion, see :meth:`LinkModel.contributions`), which
        came out behind it on every benchmark network (docs/analytics.md).

    Returns
    -------
    LinkModel or None
        None when ``G`` has too few ties to learn from (the caller then uses the classic score).
    """
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
    mean, scale, coef, intercept = _fit_logistic(X, y, seed)
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
    )


def learned_scores(G: nx.Graph[str], model: LinkModel, u: str) -> tuple[_Table, FloatArray, FloatArray, FloatArray]:
    """``(table, X, P, S)`` of ``u`` with every node: features, probabilities, subsector gap."""
    table = table_for(G)
    X = table.features(u)
    return table, X, model.probability(X), table.crossing(u, G)
