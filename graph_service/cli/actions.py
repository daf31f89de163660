"""From analysis to action: ``introductions propose|respond|update|due|kpis|plan``, ``team`` and ``tables``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from graph_service.cli.common import JsonOpt, ask, connected, day, fail, named, named_text, out, party_names, reported
from graph_service.services import introductions
from graph_service.services.introductions import Answer
from graph_service.services.kpis import introduction_kpis
from graph_service.services.planning import Focus, Plan, plan_introductions
from graph_service.services.teams import SeatingAnswer, TeamsAnswer, tables_for, teams_for
from graph_service.services.views import ProjectionCache
from graph_service.store.database import Database
from graph_service.store.members import get_members
from graph_service.store.projects import get_project

__all__ = ["intro_app", "tables_cmd", "team_cmd"]

intro_app = typer.Typer(help="Introductions: propose, answers, follow-ups, KPIs and the monthly plan.",
                        no_args_is_help=True)


def _print_introduction(db: Database, row: Mapping[str, object]) -> None:
    """One introduction, the members by name (their ids as the detail)."""
    a, b = str(row["a"]), str(row["b"])
    names = {m.id: m.name for m in get_members(db, [a, b])}
    out.print(f"{row['id']}: {named(names, a)} ↔ {named(names, b)} — {row['status']} "
              f"(a: {row.get('a_response') or '-'}, b: {row.get('b_response') or '-'})", highlight=False, markup=False)


@intro_app.command("propose")
def propose_cmd(a: str, b: str, facilitator: Annotated[str, typer.Option()] = "manager") -> None:
    """Propose an introduction of A and B (made only when both accept)."""
    with connected() as db, reported():
        _print_introduction(db, introductions.propose(db, a=a, b=b, facilitator=facilitator))


@intro_app.command("respond")
def respond_cmd(introduction: str, member: str,
                answer: Annotated[Answer, typer.Argument(help="accept or decline")]) -> None:
    """Record one side's answer to a proposed introduction."""
    with connected() as db, reported():
        _print_introduction(db, introductions.respond(db, introduction, member=member, answer=answer))


@intro_app.command("update")
def update_cmd(introduction: str, status: Annotated[str, typer.Argument(help="met, collaborating, no-follow-up "
                                                                         "or declined")],
               outcome: Annotated[str | None, typer.Option(help="Notes on how it went.")] = None) -> None:
    """Move an introduction on; 'collaborating' makes the pair a knows tie."""
    # status stays a string: the service names the statuses this introduction may move to.
    with connected() as db, reported():
        _print_introduction(db, introductions.advance(db, introduction, status=status, outcome=outcome))


@intro_app.command("due")
def due_cmd(days: Annotated[int, typer.Option(min=1, max=365)] = 30) -> None:
    """Introductions waiting for a follow-up, longest first."""
    with connected() as db:
        due = introductions.due_for_follow_up(db, days=days)
        names = party_names(ProjectionCache(db)) if due else {}
    table = Table(title=f"Waiting for a follow-up for more than {days} days")
    for col in ("introduction", "members", "status", "waiting", "next step"):
        table.add_column(col)
    for d in due:
        x = d.introduction
        table.add_row(x["id"], named_text(names, x["a"], x["b"]), x["status"], f"{d.waiting_days} days", d.action)
    out.print(table)


@intro_app.command("kpis")
def kpis_cmd(
    since: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"],
                                                   help="Only introductions from this date.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Introduction KPIs for the manager's report."""
    k = ask(lambda db, view: introduction_kpis(view, since=day(since)), as_json)
    if k is None:
        return

    def pct(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.0%}"

    out.print(f"{k.total} introductions; accepted {pct(k.acceptance_rate)}; led to collaboration "
              f"{pct(k.success_rate)}; across subsectors {pct(k.cross_subsector_share)}; by the manager "
              f"{pct(k.manager_share)}; cross-subsector ties from the manager's introductions "
              f"{pct(k.cross_ties_from_manager_share)}; members depending on them {k.members_depending_on_manager}")
    table = Table(title="Per month")
    for col in ("month", "total", "proposed", "accepted", "declined", "met", "collaborating", "no follow-up"):
        table.add_column(col, justify="right")
    for m in k.per_month:
        table.add_row(m.month, str(m.total), str(m.proposed), str(m.accepted), str(m.declined), str(m.met),
                      str(m.collaborating), str(m.no_follow_up))
    out.print(table)


@intro_app.command("plan")
def plan_cmd(
    total: Annotated[int, typer.Option(min=1, max=500)] = 20,
    max_per_member: Annotated[int, typer.Option(min=1, max=20)] = 2,
    focus: Annotated[Focus, typer.Option(help="all, isolated-subsectors, new-members or theme")] = "all",
    theme: Annotated[str | None, typer.Option(help="With --focus theme: a skill or subsector id.")] = None,
    record: Annotated[bool, typer.Option("--record", help="Record them as proposed.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """A month's introduction plan and what it would change."""
    names: dict[str, str] = {}

    def compute(db: Database, view: ProjectionCache) -> Plan:
        names.update(party_names(view))
        return plan_introductions(view, db, total=total, max_per_member=max_per_member, focus=focus, theme=theme,
                                  record=record)

    plan = ask(compute, as_json)
    if plan is None:
        return
    table = Table(title=f"Introduction plan ({plan.focus}){' — recorded as proposed' if plan.recorded else ''}",
                  show_lines=True)
    for col in ("#", "introduce", "subsectors", "score", "why"):
        table.add_column(col)
    for i, item in enumerate(plan.items, 1):
        table.add_row(str(i), named_text(names, item.a, item.b), " / ".join(s or "-" for s in item.subsectors),
                      f"{item.score:.3f}", "\n".join(item.reasons[:3]))
    out.print(table)
    b, a = plan.effect.before, plan.effect.after
    effect = Table(title="If every introduction succeeded")
    for col in ("measure", "before", "after"):
        effect.add_column(col)
    effect.add_row("cross-subsector ties", str(b.cross_subsector_ties), str(a.cross_subsector_ties))
    effect.add_row("members with no tie outside their subsector", str(b.members_without_outside_tie),
                   str(a.members_without_outside_tie))
    effect.add_row("subsector pairs linked", str(b.subsector_pairs_connected), str(a.subsector_pairs_connected))
    for sid, value in b.ei_index.items():
        after = a.ei_index.get(sid)
        effect.add_row(f"E-I index of {sid}", f"{value:+.2f}" if value is not None else "n/a",
                       f"{after:+.2f}" if after is not None else "n/a")
    out.print(effect)


def _split(value: str | None) -> list[str]:
    """A comma-separated option as a list, without empty items."""
    return [x.strip() for x in (value or "").split(",") if x.strip()]


def team_cmd(
    skills: Annotated[str | None, typer.Option(help="Required skill ids, comma-separated.")] = None,
    project: Annotated[str | None, typer.Option(help="Or: a project or tender stored in the graph.")] = None,
    max_size: Annotated[int, typer.Option(min=1, max=20)] = 5,
    include: Annotated[str, typer.Option(help="Members who must be in it, comma-separated.")] = "",
    exclude: Annotated[str, typer.Option(help="Members who must not, comma-separated.")] = "",
    organisations: Annotated[bool, typer.Option("--organisations", help="Offer other clusters' "
                                                "organisations for missing skills.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Assemble teams for a call for tender from the trust network."""
    if bool(skills) == bool(project):
        raise fail("give either --skills or --project")

    def compute(db: Database, view: ProjectionCache) -> TeamsAnswer:
        stored = get_project(db, project) if project else None
        required = stored.requires if stored else _split(skills)
        return teams_for(view, required, max_size=max_size, must_include=_split(include),
                         must_exclude=_split(exclude), organisations=organisations,
                         existing=stored.team if stored else ())

    teams = ask(compute, as_json)
    if teams is None:
        return
    out.print(teams.message)
    for i, t in enumerate(teams.items, 1):
        table = Table(title=f"Team {i}: communication cost {t.communication_cost}, diameter {t.diameter}, "
                            f"{t.past_collaborations} past collaboration(s)")
        for col in ("member", "subsector", "part in the team"):
            table.add_column(col)
        for m in t.members:
            table.add_row(f"{m.name} ({m.id})", m.subsector or "-", m.part)
        out.print(table)
    for missing in teams.missing_skills:
        offers = "; ".join(f"{o.name} ({o.cluster}): {o.why}" for o in missing.organisations) or (
            "no organisation of another cluster is known for it" if organisations
            else "add --organisations to look in the other clusters")
        out.print(f"Nobody in the cluster has {missing.name}: {offers}", highlight=False)


def tables_cmd(
    event: Annotated[str, typer.Argument(help="An event id.")],
    table_size: Annotated[int, typer.Option(min=2, max=50)] = 6,
    skills: Annotated[str, typer.Option(help="Themed: attendees with one of these skills.")] = "",
    subsectors: Annotated[str, typer.Option(help="Themed: attendees in one of these subsectors.")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Seat a round table's attendees so that they meet new people from other subsectors."""
    names: dict[str, str] = {}

    def compute(db: Database, view: ProjectionCache) -> SeatingAnswer:
        names.update(party_names(view))
        return tables_for(view, event, table_size=table_size, skills=[s for s in skills.split(",") if s],
                          subsectors=[s for s in subsectors.split(",") if s])

    tables = ask(compute, as_json)
    if tables is None:
        return
    s = tables.seating
    gain = "n/a" if s.gain_over_random is None else f"{s.gain_over_random:+.0%}"
    out.print(f"{s.attendees} attendees at {len(s.tables)} tables: {s.new_cross_pairs} new cross-subsector pairs "
              f"(random seating: {s.random_new_cross_pairs:.1f}, {gain}); acquaintances seated together: "
              f"{s.tied_pairs_together}")
    for t in s.tables:
        out.print(f"Table {t.number}: {', '.join(named(names, m) for m in t.members)} — {t.new_cross_pairs} new "
                  "cross-subsector pairs", highlight=False, markup=False)
