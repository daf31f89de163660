"""Who may see whom: consent, as the graph each viewer's answers are computed on.

A member's ``visibility`` says who may see them: ``private`` (the default: the cluster manager
only), ``members`` (the manager and other cluster members) or ``public`` (anyone, including the
cluster website's HTTP clients). A tie is shown to anyone but the manager only once both sides
have confirmed it.

Hiding names is not enough: a member who has not agreed must not shape what others are told
either (a score, a shared-contact count, a path through them). So every answer for a viewer
other than the manager is computed on :func:`consented_document`, the cluster as that viewer may
see it, and never on the full graph (see :meth:`ProjectionCache.view
<graph_service.services.views.ProjectionCache.view>`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Literal

import networkx as nx

from graph_service.domain import MANAGER, Visibility
from graph_service.errors import Forbidden
from graph_service.interchange import Document, MemberRecord

__all__ = [
    "Role",
    "VISIBLE_TO",
    "DEFAULT_VISIBILITY",
    "Viewer",
    "MANAGER_VIEW",
    "can_see",
    "may_see_member",
    "visible_levels",
    "ensure_own",
    "kept_members",
    "as_seen_by",
    "consented_document",
]

Role = Literal["manager", "member", "client"]
"""Who is looking, the one vocabulary for it: ``manager`` (the cluster manager), ``member`` (a
cluster member) or ``client`` (a client application such as the cluster's website). A member's
``visibility`` (``private``, ``members``, ``public``) is the other side of the same rule: which
of these roles may see them (:data:`VISIBLE_TO`)."""

VISIBLE_TO: dict[Role, frozenset[Visibility]] = {
    "manager": frozenset({"private", "members", "public"}),
    "member": frozenset({"members", "public"}),
    "client": frozenset({"public"}),
}
"""The visibility settings each role may see."""

DEFAULT_VISIBILITY: Visibility = "private"
"""Consent is closed by default: a member nobody asked is seen by the manager only."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who an answer is for: a role and, for a member, their own id (they always see themselves
    and their own confirmed ties, whatever their visibility)."""

    role: Role
    member_id: str | None = None

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


MANAGER_VIEW = Viewer("manager")


def can_see(G: nx.Graph[str], role: Role) -> Callable[[str], bool]:
    """A predicate: may ``role`` see node ``n`` of ``G``? Organisations are visible to all."""
    allowed = VISIBLE_TO[role]
    nodes = G.nodes

    def visible(n: str) -> bool:
        data = nodes[n]
        if data.get("node_type") == "organisation":
            return True
        return data.get("visibility", DEFAULT_VISIBILITY) in allowed

    return visible


def may_see_member(viewer: Viewer, member_id: str, visibility: str) -> bool:
    """May ``viewer`` see this member's profile? The manager always; a member their own and those
    whose visibility is ``members`` or ``public``; a client application only ``public`` ones."""
    if viewer.is_manager or viewer.member_id == member_id:
        return True
    return visibility in VISIBLE_TO[viewer.role]


def visible_levels(viewer: Viewer) -> list[Visibility]:
    """The visibility settings of the members ``viewer`` may list."""
    return sorted(VISIBLE_TO[viewer.role])


def ensure_own(viewer: Viewer, member_id: str) -> None:
    """Only the manager or that member (their own profile, ties, export, erasure); else
    :class:`~graph_service.errors.Forbidden`."""
    if viewer.is_manager or (viewer.role == "member" and viewer.member_id == member_id):
        return
    raise Forbidden(f"only the manager or member '{member_id}' may do this")


def kept_members(members: Collection[MemberRecord], viewer: Viewer) -> frozenset[str]:
    """Ids of the members ``viewer`` may see: those whose visibility the viewer's role allows, and
    the viewer's own record."""
    allowed = VISIBLE_TO[viewer.role]
    return frozenset(m.id for m in members if m.visibility in allowed or m.id == viewer.member_id)


def as_seen_by(member: MemberRecord, viewer: Viewer) -> MemberRecord:
    """``member`` as ``viewer`` may read it: the mail address only for the manager and the member
    themselves (it is a contact for the manager's introductions, never shown to others)."""
    if member.email is None or viewer.is_manager or viewer.member_id == member.id:
        return member
    return member.model_copy(update={"email": None})


def consented_document(doc: Document, viewer: Viewer) -> Document:
    """The cluster as ``viewer`` may see it.

    - members: those :func:`kept_members` keeps (the viewer's own record even when private),
      each as :func:`as_seen_by` gives it (no one else's mail address);
    - organisations: all of them (they are not people);
    - ties: only confirmed ones whose two ends are kept;
    - project teams and event attendee lists: only kept parties (so an event's size is the
      number of its visible attendees);
    - introductions: only those whose two parties are kept; a facilitator who is not kept is
      shown as the manager.

    The manager's view is ``doc`` itself. The returned document shares the unchanged records
    with ``doc``; treat both as read-only.
    """
    if viewer.is_manager:
        return doc
    members = kept_members(doc.members, viewer)
    parties = members | {o.id for o in doc.organisations}

    projects = [
        p if all(i in parties for i in p.team)
        else p.model_copy(update={"team": [i for i in p.team if i in parties]})
        for p in doc.projects
    ]
    events = [
        e if all(i in parties for i in e.attendees)
        else e.model_copy(update={"attendees": [i for i in e.attendees if i in parties]})
        for e in doc.events
    ]
    introductions = [
        x if x.facilitator == MANAGER or x.facilitator in members
        else x.model_copy(update={"facilitator": MANAGER})
        for x in doc.introductions
        if x.a in parties and x.b in parties
    ]
    return doc.model_copy(update={
        "members": [as_seen_by(m, viewer) for m in doc.members if m.id in members],
        "ties": [t for t in doc.ties if t.confirmed and t.source in parties and t.target in parties],
        "projects": projects,
        "events": events,
        "introductions": introductions,
    })
