"""Partner recommendations and warm introduction paths, as answers a person can act on.

Both are computed on the :class:`~graph_service.services.views.GraphView` they are given, the
graph as their caller may see it: a member who has not agreed to be seen, or a tie the other
side has not confirmed, neither appears in nor shapes an answer for anyone but the manager.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from graph_service.analytics import MAX_HOPS, Recommendation, UnknownMember, WarmPath, recommend
from graph_service.analytics.paths import HOP_DISCOUNT, MAX_EXPANSIONS, search_warm_paths
from graph_service.analytics.recommendations import LinkModel
from graph_service.errors import InvalidRequest, NotFound
from graph_service.services import impressions
from graph_service.services.link_models import ModelAsOf, keeper
from graph_service.services.views import GraphView, Projection
from graph_service.store.database import Database

__all__ = ["Recommendations", "Paths", "recommendations_for", "link_model", "paths_between", "ignored_penalty",
           "FREE_SHOWS", "IGNORED_DECAY"]

# A suggestion shown more than FREE_SHOWS times without anyone acting on it loses rank: its score
# is multiplied by IGNORED_DECAY for every further showing.
FREE_SHOWS = 2
IGNORED_DECAY = 0.5


def ignored_penalty(shown: int) -> float:
    """The rank multiplier of a suggestion shown ``shown`` times and never acted on."""
    return IGNORED_DECAY ** max(0, shown - FREE_SHOWS)


@dataclass(frozen=True, slots=True)
class Recommendations:
    """``model``: which fit of the link predictor ranked ``items`` (the graph version it was
    fitted on, whether a newer one is being fitted); None when the classic score ranked them (a
    graph too small to learn from)."""

    member: str
    items: tuple[Recommendation, ...]
    model: ModelAsOf | None = None


@dataclass(frozen=True, slots=True)
class Paths:
    source: str
    target: str
    max_hops: int
    items: tuple[WarmPath, ...]
    message: str
    complete: bool


def link_model(view: GraphView, projection: Projection | None = None) -> tuple[LinkModel | None, ModelAsOf | None]:
    """The link predictor of ``view`` and which fit it is: fitted on the view's members' ties
    (seed 0: the same graph gives the same model) and kept until the graph has drifted enough,
    then refitted in the background (:mod:`graph_service.services.link_models`). ``(None, None)``
    (the classic score is used) when the view has too few ties to learn from. ``projection``: the
    view's projection the answer is computed on (default: ``view.current()``)."""
    return keeper(view).model(projection if projection is not None else view.current())


def recommendations_for(
    view: GraphView,
    member_id: str,
    *,
    db: Database | None = None,
    record: bool = False,
    limit: int = 10,
    subsector: str | None = None,
    skill: str | None = None,
    cross_sector: bool = False,
    organisations: bool = False,
) -> Recommendations:
    """Ranked members ``member_id`` is not tied to, with no open or declined introduction.

    Computed on ``view``: candidates, scores, reasons and shared-contact counts only come from
    the members and ties that view holds.
    Ranked by the learned link predictor of the view (:func:`link_model`) plus the subsector
    bonus; the classic score when the view has too few ties to learn from.
    With ``db``, suggestions shown before and ignored lose rank (:func:`ignored_penalty`); with
    ``record`` too, the ones returned now are remembered as shown to the member.
    """
    projection = view.current()
    G = projection.full if organisations else projection.members
    if member_id not in G or G.nodes[member_id].get("node_type") == "organisation":
        raise NotFound("member", member_id)
    if skill is not None and skill not in G.graph.get("skill_names", {}):
        raise InvalidRequest("skill", f"unknown skill '{skill}'")
    penalties: dict[str, float] = {}
    if db is not None:
        for other, count in impressions.counts(db, member_id).items():
            if (p := ignored_penalty(count)) < 1.0:
                penalties[other] = p
    model, model_as_of = link_model(view, projection)
    try:
        items = recommend(
            G, member_id, limit=limit, subsector=subsector, skill=skill, cross_sector=cross_sector,
            include_organisations=organisations, penalties=penalties, model=model,
        )
    except UnknownMember:
        raise NotFound("member", member_id) from None
    if db is not None and record and items:
        shown = [r.id for r in items]
        impressions.record(db, member_id, shown, today=date.today())
    return Recommendations(member_id, tuple(items), model_as_of)


def paths_between(
    view: GraphView,
    source: str,
    target: str,
    *,
    k: int = 3,
    max_hops: int = 4,
    timeout_s: float = 5.0,
) -> Paths:
    """Up to ``k`` warm paths from ``source`` to ``target`` on ``view``: nobody the view leaves out
    is an intermediary, and a tie it does not hold is no hop.

    Only paths without detours; fewest introducers first unless a longer chain is clearly more
    trusted (``score = trust * HOP_DISCOUNT ** introducers``), and every contact the two share is
    offered when ``k`` allows (see :mod:`graph_service.analytics.paths`)."""
    if max_hops > MAX_HOPS:
        raise InvalidRequest("max_hops", f"at most {MAX_HOPS}")
    if source == target:
        raise InvalidRequest("target", "the target is the member itself")
    G = view.current().members
    for ident in (source, target):
        if ident not in G:
            raise NotFound("member", ident)
    deadline = time.monotonic() + timeout_s
    search = search_warm_paths(G, source, target, k=k, max_hops=max_hops, deadline=deadline)
    items, complete = search.paths, search.complete
    if items:
        message = (f"{len(items)} path(s) of at most {max_hops} hops, without detours; fewest introducers "
                   f"first, unless a longer chain is more than {1 / HOP_DISCOUNT:g} times as trusted per "
                   "extra introducer.")
    else:
        message = f"No path of at most {max_hops} hops links {source} to {target}."
    if not complete:
        if search.expanded >= MAX_EXPANSIONS:
            message += " The search stopped at its bound on the work; more paths may exist."
        else:
            message += " The search stopped at its time limit; more paths may exist."
    return Paths(source, target, max_hops, items, message, complete)
