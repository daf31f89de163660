"""Request dependencies, as ``Annotated`` aliases the routes declare: the one place a route looks.

* the service's state: :data:`DatabaseDep` (readiness checked first, 503 until Neo4j answers),
  :data:`SettingsDep`;
* the caller (:mod:`graph_service.api.auth`): :data:`CallerDep` for the API (401 without valid
  credentials, 429 over the rate limit, 403 for a change made with a browser session that lacks
  its anti-forgery token or comes from another origin) and :data:`PageCallerDep` for the HTML
  pages (a browser without a login is sent to the login page instead; the page's header names
  the caller);
* the caller in a role (else 403): :data:`ManagerDep`, :data:`PersonDep` (the manager or a
  member), and :data:`ManagerPageDep`, :data:`PersonPageDep` for the pages;
* the graph as the caller may see it: :data:`ViewDep`, :data:`PageViewDep`.

The API's dependencies are ``async`` and answer on the event loop when they need no I/O (Neo4j
ready, a key the :class:`~graph_service.api.auth.principals.Guard` trusts without a lookup, the
manager's view); otherwise they hand their work to the thread pool, as a synchronous dependency
would. Each hand-off is a round trip through a worker thread, which on a busy machine waits for a
core; a request for a recommendation used to make four.

A route that names an object also checks the caller may see it, with the rules of
:mod:`graph_service.services.visibility` (e.g. ``ensure_own(principal.viewer, member_id)``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials
from starlette.concurrency import run_in_threadpool

from graph_service.api.auth.csrf import submitted_token
from graph_service.api.auth.principals import Principal, bearer, identify, identify_cached
from graph_service.api.auth.sessions import Session
from graph_service.errors import Forbidden, LoginRequired, NotAuthenticated, NotFound, StoreError
from graph_service.services.views import GraphView, ProjectionCache
from graph_service.services.visibility import Role
from graph_service.settings import Settings
from graph_service.store import members as member_store
from graph_service.store.database import Database
from graph_service.web.pages import Visitor, set_visitor

__all__ = [
    "DatabaseDep",
    "SettingsDep",
    "BearerDep",
    "CsrfTokenDep",
    "CallerDep",
    "PageCallerDep",
    "ManagerDep",
    "PersonDep",
    "ManagerPageDep",
    "PersonPageDep",
    "ViewDep",
    "PageViewDep",
    "get_database",
    "database_dep",
    "ProjectionDep",
    "get_projection",
    "visitor_of",
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


async def database_dep(request: Request) -> Database:
    """:func:`get_database`, on the event loop once the schema is in place (no I/O then)."""
    if request.app.state.readiness.done:
        db: Database = request.app.state.db
        return db
    return await run_in_threadpool(get_database, request)


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_projection(request: Request) -> ProjectionCache:
    get_database(request)
    projection: ProjectionCache = request.app.state.projection
    return projection


async def projection_dep(request: Request) -> ProjectionCache:
    """:func:`get_projection`, on the event loop once the schema is in place."""
    if request.app.state.readiness.done:
        projection: ProjectionCache = request.app.state.projection
        return projection
    return await run_in_threadpool(get_projection, request)


DatabaseDep = Annotated[Database, Depends(database_dep)]
ProjectionDep = Annotated[ProjectionCache, Depends(projection_dep)]
"""The manager's projection cache (the whole graph), for answers that show counts only."""
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


# -- the caller ---------------------------------------------------------------------------------

BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
"""The ``Authorization: Bearer`` credentials, if any (the OpenAPI security scheme)."""

CsrfTokenDep = Annotated[str | None, Depends(submitted_token)]
"""The anti-forgery token the request carries, if any (:func:`graph_service.api.auth.csrf.submitted_token`)."""


async def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    csrf_token: CsrfTokenDep,
) -> Principal:
    """The caller of an API route; 401 without valid credentials, 429 over the rate limit, 403
    for a change made with a browser session without its token or from another origin.

    A key the guard trusts without a lookup is answered on the event loop
    (:func:`~graph_service.api.auth.principals.identify_cached`); anything else in the thread pool."""
    principal = identify_cached(request, credentials)
    if principal is not None:
        return principal
    return await run_in_threadpool(identify, request, credentials, csrf_token)


def visitor_of(request: Request, principal: Principal, session: Session | None, *, lookup: bool = True) -> Visitor:
    """The caller as the pages' header names them: the member's name (read from the graph unless
    ``lookup`` is false), the client application's key name, or the cluster manager; with the
    session's token."""
    token = session.csrf_token if session else None
    if principal.role == "manager":
        return Visitor("Cluster manager", "manager", token)
    if principal.role == "client":
        return Visitor(principal.key_name or f"key {principal.key_id}", "client", token)
    name = f"member {principal.member_id}"
    if principal.member_id and lookup:
        with suppress(NotFound, StoreError):  # erased meanwhile, or Neo4j away: the page says so itself
            name = member_store.get_member(get_database(request), principal.member_id).name
    return Visitor(name, "member", token)


async def authenticate_page(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    csrf_token: CsrfTokenDep,
) -> Principal:
    """The caller of an HTML page: like :func:`authenticate`, but a browser without a login is
    sent to the login page instead of getting a 401 body.

    Also names the page's :class:`~graph_service.web.pages.Visitor` for its header (and for an
    error page, on ``request.state.visitor``). Async, so that the visitor is set in the request's
    own context, which the route's thread inherits; the lookups run in the thread pool."""
    try:
        principal = await run_in_threadpool(identify, request, credentials, csrf_token)
    except NotAuthenticated as exc:
        if credentials is None and not request.headers.get("authorization"):
            raise LoginRequired(str(exc)) from None
        raise
    visitor = await run_in_threadpool(visitor_of, request, principal, getattr(request.state, "session", None))
    request.state.visitor = visitor
    set_visitor(visitor)
    return principal


CallerDep = Annotated[Principal, Depends(authenticate)]
PageCallerDep = Annotated[Principal, Depends(authenticate_page)]


# -- the caller in a role -----------------------------------------------------------------------

def require_roles(*roles: Role, page: bool = False) -> Callable[..., Awaitable[Principal]]:
    """A dependency: the caller, who must have one of ``roles`` (else 403)."""
    allowed = frozenset(roles)
    who = " or ".join(roles)

    # A default value, not an annotation: with postponed annotations, FastAPI could not resolve
    # an Annotated[...] that refers to this closure's variables.
    async def check(principal: Principal = Depends(authenticate_page if page else authenticate)) -> Principal:
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


async def get_view(request: Request, principal: CallerDep) -> GraphView:
    """The projection as the caller may see it: everything for the manager, the consented view
    (visible members, confirmed ties) for members and client applications.

    The manager's view is the cache itself (no I/O once Neo4j is ready); picking another
    viewer's view may look for changes in Neo4j, so it runs in the thread pool."""
    if principal.role == "manager" and request.app.state.readiness.done:
        projection: ProjectionCache = request.app.state.projection
        return projection
    return await run_in_threadpool(_view, request, principal)


async def get_page_view(request: Request, principal: PageCallerDep) -> GraphView:
    if principal.role == "manager" and request.app.state.readiness.done:
        projection: ProjectionCache = request.app.state.projection
        return projection
    return await run_in_threadpool(_view, request, principal)


ViewDep = Annotated[GraphView, Depends(get_view)]
PageViewDep = Annotated[GraphView, Depends(get_page_view)]
