"""A member's recommended partners (``/me/partners``) and "who can introduce me to…"
(``/me/introduce``): the partners :func:`~graph_service.services.recommendations.recommendations_for`
suggests on the member's own view, with its reasons as sentences and, for each, the warm paths
(:func:`~graph_service.services.recommendations.paths_between`) by name, each hop with the reason
it counts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from graph_service.analytics.paths import Hop, WarmPath
from graph_service.services.recommendations import Paths, Recommendations
from graph_service.web.me_people import Person, Resolved
from graph_service.web.pages import nav_links, render_template

__all__ = ["PathView", "hop_reason", "path_view", "partners_html", "introduce_html"]

_EVIDENCE: dict[str, str] = {
    "knows": "know each other",
    "collaborated": "worked together on projects",
    "introduced": "were introduced through the cluster and went on to work together",
    "co-attended": "went to the same small events",
}


def hop_reason(hop: Hop, name: Callable[[str], str]) -> str:
    """Why one hop of a warm path counts, in a sentence: who, what evidence, how strong."""
    main = hop.evidence or (hop.kinds[0] if hop.kinds else "knows")
    text = f"{name(hop.source)} and {name(hop.target)} {_EVIDENCE.get(main, main)}"
    others = [_EVIDENCE[k].split(" on ")[0].split(" through ")[0] for k in hop.kinds if k != main and k in _EVIDENCE]
    if others:
        text += "; they also " + " and ".join(others)
    return f"{text} (trust {hop.weight:.2f})."


@dataclass(frozen=True, slots=True)
class PathView:
    """A warm path as the page shows it: the names along it, the reason of each hop, how far."""

    names: tuple[str, ...]
    introducers: tuple[str, ...]
    reasons: tuple[str, ...]
    trust: float
    rank_reason: str
    mutual_contact: bool


def path_view(path: WarmPath, name: Callable[[str], str]) -> PathView:
    return PathView(
        names=tuple(name(n) for n in path.members),
        introducers=tuple(name(n) for n in path.members[1:-1]),
        reasons=tuple(hop_reason(h, name) for h in path.hops),
        trust=path.trust,
        rank_reason=path.rank_reason,
        mutual_contact=path.mutual_contact,
    )


def partners_html(
    answer: Recommendations,
    paths: Sequence[Paths | None],
    *,
    name: Callable[[str], str],
    is_member: Callable[[str], bool],
) -> str:
    """The partners page: each recommendation with its reasons and its warm paths (``paths``, in
    the same order; None where there was no path to look for, e.g. an organisation)."""
    items: list[dict[str, Any]] = []
    for r, found in zip(answer.items, paths, strict=True):
        items.append({
            "id": r.id,
            "name": r.name,
            "member": is_member(r.id),
            "score": r.score,
            "reasons": r.reasons,
            "paths": [path_view(p, name) for p in found.items] if found else [],
            "paths_message": found.message if found else None,
        })
    return render_template("me_partners.html.j2", inline=False, nav=nav_links("member"), items=items)


def introduce_html(
    *,
    me: str,
    typed: str,
    resolved: Resolved | None,
    target: Person | None,
    answer: Paths | None,
    name: Callable[[str], str],
) -> str:
    """The "who can introduce me to…" page: the form (a name typed, resolved or with choices),
    and the warm paths to ``target`` when one was picked."""
    return render_template(
        "me_introduce.html.j2",
        inline=False,
        nav=nav_links("member"),
        me_id=me,
        typed=typed,
        error=resolved.error if resolved and resolved.person is None else None,
        choices=resolved.choices if resolved else (),
        target=target,
        message=answer.message if answer else None,
        paths=[path_view(p, name) for p in answer.items] if answer else [],
    )
