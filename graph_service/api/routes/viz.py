"""HTML pages, outside /api/v1: network maps (/viz/...), the ecosystem report (/report), the
member page (/members-app, also /explore) and the files they load (/viz/assets/...).

Thin: each route parses its parameters, checks who is asking and returns the page that
:mod:`graph_service.web` builds (the report's figures come from
:mod:`graph_service.services.report`). Every page is sent with a strict Content-Security-Policy
(nothing from another host, no inline script).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from graph_service.analytics import MAX_HOPS
from graph_service.api.deps import ManagerPageDep, PageViewDep, PersonPageDep, SettingsDep
from graph_service.errors import NotFound
from graph_service.interchange import SubsectorId
from graph_service.services.report import build_report
from graph_service.services.views import GraphView
from graph_service.services.visibility import ensure_own
from graph_service.web.ecosystem import ecosystem_html
from graph_service.web.explore import members_app_html
from graph_service.web.maps.overlays import Overlay, parse_members, parse_pairs, proposed_ties_overlay, team_overlay
from graph_service.web.maps.render import render_map
from graph_service.web.member import member_page
from graph_service.web.pages import SECURITY_HEADERS, asset
from graph_service.web.paths import paths_page
from graph_service.web.report import render_report
from graph_service.web.subsectors import subsectors_page

router = APIRouter(tags=["pages"])

MemberId = Annotated[str, Path(description="A member id, e.g. m-042.", max_length=64)]
Proposed = Annotated[
    str | None,
    Query(
        max_length=8000,
        description="Proposed ties drawn dashed: member id pairs, e.g. m-001:m-002,m-003:m-004.",
    ),
]


def _html(text: str) -> HTMLResponse:
    return HTMLResponse(text, headers=SECURITY_HEADERS)


Team = Annotated[
    str | None,
    Query(max_length=1500, description="A proposed team drawn over the map: member ids, e.g. m-001,m-002."),
]


def _overlays(view: GraphView, proposed: str | None, team: str | None = None) -> list[Overlay]:
    """The plan overlay (proposed ties, dashed) and the team overlay, from query parameters."""
    if not proposed and not team:
        return []
    G = view.current().members
    overlays = []
    if pairs := parse_pairs(proposed, lambda n: n in G):
        overlays.append(proposed_ties_overlay(pairs))
    if members := parse_members(team, lambda n: n in G):
        overlays.append(team_overlay(members))
    return overlays


@router.get("/viz", include_in_schema=False)
def viz_index() -> RedirectResponse:
    return RedirectResponse("/viz/ecosystem", status_code=307)


@router.get(
    "/viz/ecosystem", response_class=HTMLResponse, responses={404: {"description": "No such community"}}
)
def ecosystem(
    _caller: PersonPageDep,
    view: PageViewDep,
    settings: SettingsDep,
    group: Annotated[
        Literal["community", "subsector"], Query(description="How the aggregated map groups members.")
    ] = "community",
    community: Annotated[
        str | None, Query(pattern=r"^c-\d{1,7}$", description="Only this community.")
    ] = None,
    subsector: Annotated[
        SubsectorId | None, Query(description="Only members of this primary subsector.")
    ] = None,
    aggregate: Annotated[
        bool | None, Query(description="One node per group (default: only above the size limit).")
    ] = None,
    proposed: Proposed = None,
    team: Team = None,
) -> HTMLResponse:
    """The whole cluster's map: members coloured by subsector or community, sized by brokerage.
    Above the size limit (GRAPH_SERVICE_VIZ_AGGREGATE_THRESHOLD) one node per community.
    A member sees the members who agreed to be shown and the confirmed ties between them."""
    return _html(
        ecosystem_html(
            view,
            threshold=settings.viz_aggregate_threshold,
            group=group,
            community=community,
            subsector=subsector,
            aggregate=aggregate,
            overlays=_overlays(view, proposed, team),
        )
    )


@router.get(
    "/viz/members/{member_id}",
    response_class=HTMLResponse,
    responses={404: {"description": "No such member"}},
)
def member_map(
    principal: PersonPageDep,
    view: PageViewDep,
    member_id: MemberId,
    hops: Annotated[int, Query(ge=1, le=2, description="1: direct ties; 2: their ties too.")] = 1,
    proposed: Proposed = None,
) -> HTMLResponse:
    """A member's neighbourhood, one or two hops out (private profiles left out)."""
    page = member_page(view, member_id, hops=hops, overlays=_overlays(view, proposed),
                       links_for=principal.viewer)
    return _html(render_map(page))


@router.get("/viz/subsectors", response_class=HTMLResponse)
def subsectors_map(_caller: PersonPageDep, view: PageViewDep) -> HTMLResponse:
    """The twelve subsectors and the ties between them; isolated ones stand out."""
    return _html(render_map(subsectors_page(view)))


@router.get(
    "/viz/paths/{source}/{target}",
    response_class=HTMLResponse,
    responses={404: {"description": "No such member"}},
)
def paths_map(
    principal: PersonPageDep,
    view: PageViewDep,
    settings: SettingsDep,
    source: MemberId,
    target: MemberId,
    k: Annotated[int, Query(ge=1, le=10, description="How many paths at most.")] = 3,
    max_hops: Annotated[int, Query(ge=1, le=MAX_HOPS)] = 4,
) -> HTMLResponse:
    """The warm paths from one member to another, highlighted (a member: from themselves)."""
    if principal.role == "member":
        ensure_own(principal.viewer, source)
    page = paths_page(view, source, target, k=k, max_hops=max_hops, timeout_s=settings.path_timeout_s)
    return _html(render_map(page))


@router.get("/report", response_class=HTMLResponse)
def ecosystem_report(
    _manager: ManagerPageDep,
    view: PageViewDep,
    since: Annotated[
        date | None, Query(description="Compare with the cluster of members who joined before this date.")
    ] = None,
) -> HTMLResponse:
    """The ecosystem report for the manager and the ministry (printable to PDF)."""
    return _html(render_report(build_report(view, since=since)))


@router.get("/members-app", response_class=HTMLResponse)
@router.get("/explore", response_class=HTMLResponse, include_in_schema=False)
def members_app(principal: PersonPageDep) -> HTMLResponse:
    """The member page: search a member or a skill, profile, map, partners and warm paths."""
    return _html(members_app_html(principal.role, principal.member_id))


@router.get("/viz/assets/{name}", include_in_schema=False)
def viz_asset(name: Annotated[str, Path(max_length=64)]) -> Response:
    found = asset(name)
    if found is None:
        raise NotFound("asset", name)
    path, media_type = found
    return FileResponse(
        path,
        media_type=media_type,
        headers={
            "Cache-Control": "public, max-age=3600",
            "X-Content-Type-Options": "nosniff",
            "Cross-Origin-Resource-Policy": "same-origin",
        },
    )
