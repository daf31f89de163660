"""The records the manager keeps: events and their attendance, projects and calls for tender with
their required skills and team, organisations of the other clusters with the skills they offer.

The JSON routes (``api/routes/events.py``, ``projects.py``, ``organisations.py``) and the pages
call these functions, so both follow the same rules:

* **reads** take the caller's ``view`` and cut attendees and teams to the members it shows
  (the manager's view shows everyone; organisations are visible to all);
* **writes** are the manager's: each takes the ``actor`` and refuses anyone else
  (:class:`~graph_service.errors.Forbidden`), then is one store function, one transaction
  (:mod:`graph_service.store.records`): the merge rules of an import (an absent field keeps its
  value, None clears it, a list given replaces the list), every problem at once in a
  :class:`~graph_service.errors.DocumentInvalid` placed at its field, :class:`NotFound` for an
  unknown id, :class:`Conflict` for an id that is taken; nothing is written when it fails.
  A new record without an id gets ``e-``, ``p-`` or ``o-`` and the next free number.

A write bumps the graph's version, so the projection (recommendations, maps, analyses) sees a
new event's attendance on the next request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from graph_service.errors import Forbidden
from graph_service.interchange import EventRecord, OrganisationRecord, ProjectRecord
from graph_service.services.views import GraphView
from graph_service.services.visibility import Viewer
from graph_service.store import events as event_store
from graph_service.store import organisations as organisation_store
from graph_service.store import projects as project_store
from graph_service.store.database import Database

__all__ = [
    "shown_event",
    "shown_project",
    "list_events",
    "get_event",
    "create_event",
    "update_event",
    "delete_event",
    "set_attendees",
    "add_attendee",
    "remove_attendee",
    "list_projects",
    "get_project",
    "create_project",
    "update_project",
    "delete_project",
    "set_team",
    "add_team_member",
    "remove_team_member",
    "list_organisations",
    "get_organisation",
    "create_organisation",
    "update_organisation",
    "delete_organisation",
]


def _ensure_manager(actor: Viewer) -> None:
    if not actor.is_manager:
        raise Forbidden("only the manager keeps the records of events, projects and organisations")


# -- reads: as the view shows them ----------------------------------------------------------------
def shown_event(view: GraphView, event: EventRecord) -> EventRecord:
    """The event with its attendees cut to the members (and organisations) ``view`` shows."""
    visible = view.visible_ids()
    if visible is None:
        return event
    return event.model_copy(update={"attendees": [m for m in event.attendees if m in visible]})


def shown_project(view: GraphView, project: ProjectRecord) -> ProjectRecord:
    """The project with its team cut to the members (and organisations) ``view`` shows."""
    visible = view.visible_ids()
    if visible is None:
        return project
    return project.model_copy(update={"team": [m for m in project.team if m in visible]})


def list_events(view: GraphView, *, db: Database, from_date: date | None = None) -> list[EventRecord]:
    """Events in id order (optionally on or after ``from_date``), attendees as ``view`` shows them."""
    return [shown_event(view, e) for e in event_store.list_events(db, from_date=from_date)]


def get_event(view: GraphView, ident: str, *, db: Database) -> EventRecord:
    """One event, attendees as ``view`` shows them; :class:`NotFound`."""
    return shown_event(view, event_store.get_event(db, ident))


def list_projects(view: GraphView, *, db: Database, status: str | None = None,
                  kind: str | None = None) -> list[ProjectRecord]:
    """Projects and calls for tender in id order, teams as ``view`` shows them."""
    return [shown_project(view, p) for p in project_store.list_projects(db, status=status, kind=kind)]


def get_project(view: GraphView, ident: str, *, db: Database) -> ProjectRecord:
    """One project or call for tender, team as ``view`` shows it; :class:`NotFound`."""
    return shown_project(view, project_store.get_project(db, ident))


def list_organisations(db: Database) -> list[OrganisationRecord]:
    """Every organisation of the other clusters (not people: every caller sees them all)."""
    return organisation_store.list_organisations(db)


def get_organisation(db: Database, ident: str) -> OrganisationRecord:
    """One organisation with the skills it offers; :class:`NotFound`."""
    return organisation_store.get_organisation(db, ident)


# -- events ---------------------------------------------------------------------------------------
def create_event(db: Database, fields: Mapping[str, Any], *, actor: Viewer) -> EventRecord:
    """Add an event from the ``fields`` given (``title`` and ``date`` needed; ``id`` optional)."""
    _ensure_manager(actor)
    return event_store.create_event(db, fields)


def update_event(db: Database, ident: str, changes: Mapping[str, Any], *, actor: Viewer) -> EventRecord:
    """Change an event with the ``changes`` given (absent keeps, None clears, a list replaces)."""
    _ensure_manager(actor)
    return event_store.update_event(db, ident, changes)


def delete_event(db: Database, ident: str, *, actor: Viewer) -> None:
    """Delete an event and its attendance; the attendees stay."""
    _ensure_manager(actor)
    event_store.delete_event(db, ident)


def set_attendees(db: Database, ident: str, attendees: Sequence[str], *, actor: Viewer) -> EventRecord:
    """The event's whole attendance, in order."""
    _ensure_manager(actor)
    return event_store.set_attendees(db, ident, attendees)


def add_attendee(db: Database, ident: str, party: str, *, actor: Viewer) -> EventRecord:
    """One more attendee (a member or an organisation); unchanged when already recorded."""
    _ensure_manager(actor)
    return event_store.add_attendee(db, ident, party)


def remove_attendee(db: Database, ident: str, party: str, *, actor: Viewer) -> EventRecord:
    """One attendee fewer; :class:`NotFound` when they are not on the attendance."""
    _ensure_manager(actor)
    return event_store.remove_attendee(db, ident, party)


# -- projects and calls for tender ----------------------------------------------------------------
def create_project(db: Database, fields: Mapping[str, Any], *, actor: Viewer) -> ProjectRecord:
    """Add a project or a call for tender (``kind: tender``) from the ``fields`` given."""
    _ensure_manager(actor)
    return project_store.create_project(db, fields)


def update_project(db: Database, ident: str, changes: Mapping[str, Any], *, actor: Viewer) -> ProjectRecord:
    """Change a project with the ``changes`` given (absent keeps, None clears, a list replaces)."""
    _ensure_manager(actor)
    return project_store.update_project(db, ident, changes)


def delete_project(db: Database, ident: str, *, actor: Viewer) -> None:
    """Delete a project with its team places and required skills; members and skills stay."""
    _ensure_manager(actor)
    project_store.delete_project(db, ident)


def set_team(db: Database, ident: str, team: Sequence[str], *, actor: Viewer) -> ProjectRecord:
    """The project's whole team, in order."""
    _ensure_manager(actor)
    return project_store.set_team(db, ident, team)


def add_team_member(db: Database, ident: str, party: str, *, actor: Viewer) -> ProjectRecord:
    """One more on the team (a member or an organisation); unchanged when already on it."""
    _ensure_manager(actor)
    return project_store.add_team_member(db, ident, party)


def remove_team_member(db: Database, ident: str, party: str, *, actor: Viewer) -> ProjectRecord:
    """One fewer on the team; :class:`NotFound` when they are not on it."""
    _ensure_manager(actor)
    return project_store.remove_team_member(db, ident, party)


# -- organisations of the other clusters ----------------------------------------------------------
def create_organisation(db: Database, fields: Mapping[str, Any], *, actor: Viewer) -> OrganisationRecord:
    """Add an organisation of another cluster (``name`` and ``cluster`` needed; ``skills`` it offers)."""
    _ensure_manager(actor)
    return organisation_store.create_organisation(db, fields)


def update_organisation(db: Database, ident: str, changes: Mapping[str, Any], *,
                        actor: Viewer) -> OrganisationRecord:
    """Change an organisation with the ``changes`` given (absent keeps, None clears, ``skills`` replaces)."""
    _ensure_manager(actor)
    return organisation_store.update_organisation(db, ident, changes)


def delete_organisation(db: Database, ident: str, *, actor: Viewer) -> None:
    """Delete an organisation with its ties, team places, attendance and skills offered;
    :class:`Conflict` when it is a side of an introduction."""
    _ensure_manager(actor)
    organisation_store.delete_organisation(db, ident)
