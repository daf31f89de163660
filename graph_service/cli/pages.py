"""The network pages and the ecosystem report as standalone HTML files: ``viz
ecosystem|member|subsectors|path`` and ``report``. The pages are built by the same code as the
web pages (:mod:`graph_service.web`), with everything inline. ``viz reset-layout`` forgets the
ecosystem map's kept positions (:mod:`graph_service.services.layout`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

import typer

from graph_service.cli.common import SubsectorId, connected, day, out, reported
from graph_service.services.views import ProjectionCache
from graph_service.settings import Settings

__all__ = ["report_cmd", "viz_app"]

viz_app = typer.Typer(help="Write the network pages as standalone HTML files (everything inline, no network).",
                      no_args_is_help=True)

OutOpt = Annotated[Path, typer.Option("--out", help="The HTML file to write.", dir_okay=False)]
Group = Literal["community", "subsector"]
"""How the aggregated map groups members (``graph_service.web.ecosystem.Grouping``; the page
builders are imported when a command runs, so that the other commands start fast)."""


def _write_page(out_file: Path, build: Callable[[ProjectionCache, Settings], str]) -> None:
    """Build a page with a fresh projection (the manager's view) and write it; errors become clear messages."""
    with connected() as db, reported():
        html = build(ProjectionCache(db), db.settings)
    out_file.write_text(html, encoding="utf-8")
    out.print(f"Wrote {out_file} ({len(html) // 1024} KiB); open it in a browser, it needs no network.")


@viz_app.command("ecosystem")
def viz_ecosystem_cmd(
    out_file: OutOpt,
    group: Annotated[Group, typer.Option(help="Aggregated map: group by 'community' or 'subsector'.")] = "community",
    community: Annotated[str | None, typer.Option(help="Only this community, e.g. c-3.")] = None,
    subsector: Annotated[SubsectorId | None, typer.Option(metavar="SUBSECTOR",
                                                          help="Only members of this primary subsector.")] = None,
    aggregate: Annotated[bool | None, typer.Option("--aggregate/--no-aggregate",
                                                    help="One node per group (default: above the size limit).")] = None,
    proposed: Annotated[str | None, typer.Option(help="Proposed ties drawn dashed: m-001:m-002,m-003:m-004")] = None,
) -> None:
    """The whole cluster's map (members coloured by subsector, sized by brokerage)."""
    from graph_service.web.ecosystem import ecosystem_page
    from graph_service.web.maps.overlays import parse_pairs, proposed_ties_overlay
    from graph_service.web.maps.render import render_map

    def build(view: ProjectionCache, settings: Settings) -> str:
        G = view.current().members
        pairs = parse_pairs(proposed, lambda n: n in G)
        page = ecosystem_page(view, threshold=settings.viz_aggregate_threshold, group=group, community=community,
                              subsector=subsector.value if subsector else None, aggregate=aggregate,
                              overlays=[proposed_ties_overlay(pairs)] if pairs else [])
        return render_map(page, inline=True)

    _write_page(out_file, build)


@viz_app.command("reset-layout")
def viz_reset_layout_cmd() -> None:
    """Forget the kept positions of the ecosystem maps: the next map is laid out afresh (seeded)."""
    from graph_service.services.layout import reset_layouts

    with connected() as db, reported():
        forgotten = reset_layouts(db)
    out.print(f"Forgot {forgotten} kept map layout(s); the next ecosystem map is laid out afresh.")


@viz_app.command("member")
def viz_member_cmd(
    member: Annotated[str, typer.Argument(help="A member id, e.g. m-042.")],
    out_file: OutOpt,
    hops: Annotated[int, typer.Option(min=1, max=2, help="1: direct ties; 2: their ties too.")] = 1,
) -> None:
    """A member's neighbourhood (the manager's view: private members included)."""
    from graph_service.web.maps.render import render_map
    from graph_service.web.member import member_page

    _write_page(out_file, lambda view, _s: render_map(member_page(view, member, hops=hops), inline=True))


@viz_app.command("subsectors")
def viz_subsectors_cmd(out_file: OutOpt) -> None:
    """The twelve subsectors and the ties between them."""
    from graph_service.web.maps.render import render_map
    from graph_service.web.subsectors import subsectors_page

    _write_page(out_file, lambda view, _s: render_map(subsectors_page(view), inline=True))


@viz_app.command("path")
def viz_path_cmd(
    member: Annotated[str, typer.Argument(help="From this member.")],
    target: Annotated[str, typer.Argument(help="To this member.")],
    out_file: OutOpt,
    k: Annotated[int, typer.Option(min=1, max=10)] = 3,
    max_hops: Annotated[int, typer.Option(min=1, max=6)] = 4,
) -> None:
    """The warm paths from MEMBER to TARGET, highlighted."""
    from graph_service.web.maps.render import render_map
    from graph_service.web.paths import paths_page

    _write_page(out_file, lambda view, settings: render_map(
        paths_page(view, member, target, k=k, max_hops=max_hops, timeout_s=settings.path_timeout_s), inline=True))


def report_cmd(
    out_file: OutOpt,
    since: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"],
                                                   help="Also show the change since this date.")] = None,
) -> None:
    """The ecosystem report as one HTML file (print it to PDF from the browser)."""
    from graph_service.services.report import build_report
    from graph_service.web.report import render_report

    _write_page(out_file, lambda view, _s: render_report(build_report(view, since=day(since)), inline=True))
