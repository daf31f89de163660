"""Request dependencies, as ``Annotated`` aliases the routes declare: the one place a route looks.

* the service's state: :data:`DatabaseDep` (readiness checked first, 503 until Neo4j answers),
  :data:`SettingsDep`;
* the caller (:mod:`graph_service.api.auth`): :data:`CallerDep` for the API (401 without valid
  credentials, 429 over the rate limit) and :data:`PageCallerDep` for the HTML pages (a browser
  without a login is sent to the login page instead);
* the caller in a role (else 403): :data:`ManagerDep`, :data:`PersonDep` (the manager or a
  member), and :data:`ManagerPageDep`, :data:`PersonPageDep` for the pages;
* the graph as the caller may see it: :data:`ViewDep`, :data:`PageViewDep`.

A route that names an object also checks the caller may see it, with the rules of
:mod:`graph_service.services.visibility` (e.g. ``ensure_own(principal.viewer, member_id)``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials

from graph_service.api.auth.principals import Principal, bearer, identify
from graph_service.errors import Forbidden, LoginRequired, NotAuthenticated
from graph_service.services.views import GraphView, ProjectionCache
from graph_service.services.visibility import Role
from graph_service.settings import Settings
from graph_service.store.database import Database

__all__ = [
    "DatabaseDep",
    "SettingsDep",
    "CallerDep",
    "PageCallerDep",
    "ManagerDep",
    "PersonDep",
    "ManagerPageDep",
    "PersonPageDep",
    "ViewDep",
    "PageViewDep",
    "get_database",
    "get_projection",
    "authenticate",
    "authenticate_page",
    "require_roles",
    "manager_only",
    "people_only",
]


# -- the service's state ------------------------------------------------------------------------

def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    request.app.state.readiness.ensure(db)
    return db


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_projection(request: Request) -> ProjectionCache:
    get_database(request)
    projection: ProjectionCache = request.app.state.projection
    return projection


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


# -- the caller ---------------------------------------------------------------------------------

def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller of an API route; 401 without valid credentials, 429 over the rate limit."""
    return identify(request, credentials)


def authenticate_page(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller of an HTML page: like :func:`authenticate`, but a browser without a login is
    sent to the login page instead of getting a 401 body."""
    try:
        return identify(request, credentials)
    except NotAuthenticated as exc:
        if credentials is None and not request.headers.get("authorization"):
            raise LoginRequired(str(exc)) from None
        raise


CallerDep = Annotated[Principal, Depends(authenticate)]
PageCallerDep = Annotated[Principal, Depends(authenticate_page)]


# -- the caller in a role -----------------------------------------------------------------------

def require_roles(*roles: Role, page: bool = False) -> Callable[..., Principal]:
    """A dependency: the caller, who must have one of ``roles`` (else 403)."""
    allowed = frozenset(roles)
    who = " or ".join(roles)

    # A default value, not an annotation: with postponed annotations, FastAPI could not resolve
    # an Annotated[...] that refers to this closure's variables.
    def check(principal: Principal = Depends(authenticate_page if page else authenticate)) -> Principal:
        if principal.role not in allowed:
            raise Forbidden(f"only the {who} may do this; this key is a {principal.role} key")
        return principal

    return check


manager_only = require_roles("manager")
people_only = require_roles("manager", "member")
ManagerDep = Annotated[Principal, Depends(manager_only)]
PersonDep = Annotated[Principal, Depends(people_only)]
ManagerPageDep = Annotated[Principal, Depends(require_roles("manager", page=True))]
PersonPageDep = Annotated[Principal, Depends(require_roles("manager", "member", page=True))]


# -- the graph as the caller may see it ---------------------------------------------------------

def _view(request: Request, principal: Principal) -> GraphView:
    return get_projection(request).view(principal.viewer)


def get_view(request: Request, principal: CallerDep) -> GraphView:
    """The projection as the caller may see it: everything for the manager, the consented view
    (visible members, confirmed ties) for members and client applications."""
    return _view(request, principal)


def get_page_view(request: Request, principal: PageCallerDep) -> GraphView:
    return _view(request, principal)


ViewDep = Annotated[GraphView, Depends(get_view)]
PageViewDep = Annotated[GraphView, Depends(get_page_view)]
