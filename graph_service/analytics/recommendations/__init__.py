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
at 100,000 members and kept in ``G.__networkx_cache__``; ``recommend(..., exhaustive=True)``
scores every node instead, and ``bench/recommend_speed.py`` measures both and checks that they
give the same answers.

The package is laid out as the computation: ``score.py`` holds the terms, their weights and
the one formula that combines them (the exact score, its breakdown and the search's bound are
all that formula); ``index.py`` the per-graph candidate index; ``search.py`` the full scan and
the bounded top-k; ``reasons.py`` the :class:`Recommendation` and its sentences;
``recommender.py`` :func:`recommend` itself; ``baselines.py`` the classic link-prediction scores
and :func:`score_pairs`. Import from the package: the modules' own names are internal.
"""

from graph_service.analytics.recommendations.baselines import (
    PairMethod,
    adamic_adar_scores,
    common_neighbours_scores,
    resource_allocation_scores,
    score_pairs,
)
from graph_service.analytics.recommendations.index import clear_recommendation_index
from graph_service.analytics.recommendations.learned import LinkModel, fit_link_model
from graph_service.analytics.recommendations.reasons import Recommendation
from graph_service.analytics.recommendations.recommender import explain_pair, recommend
from graph_service.analytics.recommendations.score import RecommenderWeights

__all__ = [
    "LinkModel",
    "fit_link_model",
    "RecommenderWeights",
    "Recommendation",
    "PairMethod",
    "recommend",
    "explain_pair",
    "common_neighbours_scores",
    "adamic_adar_scores",
    "resource_allocation_scores",
    "score_pairs",
    "clear_recommendation_index",
]
