"""The ``graph-service`` command line: the managed Neo4j, the API server, import, export and seed."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import TypeAdapter
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from graph_service.domain import SUBSECTOR_IDS
from graph_service.errors import Conflict, DocumentInvalid, InvalidRequest, NotFound, StoreError
from graph_service.interchange import Document
from graph_service.neo4j_server.managed import ManagedServer, ServerError, install
from graph_service.services import analyses, introductions
from graph_service.services.analyses import Subset
from graph_service.services.kpis import introduction_kpis
from graph_service.services.planning import plan_introductions
from graph_service.services.recommendations import paths_between, recommendations_for
from graph_service.services.teams import TeamsAnswer, tables_for, teams_for
from graph_service.services.views import ProjectionCache
from graph_service.settings import Settings, get_settings
from graph_service.store import documents, records
from graph_service.store.database import Database
from graph_service.store.readiness import Readiness

app = typer.Typer(help=__doc__, no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="The managed local Neo4j server (used when NEO4J_URI is not set).", no_args_is_help=True)
app.add_typer(db_app, name="db")

out = Console()
err = Console(stderr=True)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def _settings() -> Settings:
    return get_settings()


def open_database(settings: Settings | None = None, *, start: bool = True) -> Database:
    """A ready database: starts the managed server when needed, applies the schema."""
    settings = settings or _settings()
    if settings.managed and start:
        try:
            ManagedServer(settings).start(log=lambda m: err.print(m, highlight=False))
        except ServerError as exc:
            raise _fail(str(exc)) from None
    db = Database(settings)
    try:
        Readiness().ensure(db)
    except StoreError as exc:
        raise _fail(str(exc)) from None
    return db


@contextmanager
def db_closing(db: Database) -> Iterator[Database]:
    try:
        yield db
    except StoreError as exc:
        raise _fail(str(exc)) from None
    finally:
        db.close()


# -- db -----------------------------------------------------------------------------------------
@db_app.command("install")
def db_install() -> None:
    """Assemble the Neo4j jars from Maven Central (once; reused afterwards)."""
    try:
        lib = install(_settings(), log=lambda m: err.print(m, highlight=False))
    except ServerError as exc:
        raise _fail(str(exc)) from None
    out.print(f"Neo4j jars in {lib}")


@db_app.command("start")
def db_start() -> None:
    """Start the managed Neo4j server and wait until Bolt answers."""
    settings = _settings()
    if not settings.managed:
        raise _fail(f"NEO4J_URI is set ({settings.neo4j_uri}); the managed server is not used.")
    began = time.monotonic()
    try:
        status = ManagedServer(settings).start(log=lambda m: err.print(m, highlight=False))
    except ServerError as exc:
        raise _fail(str(exc)) from None
    out.print(f"Neo4j running (pid {status.pid}) on {status.bolt_uri}; ready in {time.monotonic() - began:.1f} s")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the managed Neo4j server cleanly."""
    stopped = ManagedServer(_settings()).stop()
    out.print("Neo4j stopped." if stopped else "Neo4j was not running.")


@db_app.command("status")
def db_status() -> None:
    """Whether the managed server runs, where, and how to reach it."""
    settings = _settings()
    if not settings.managed:
        out.print(f"External Neo4j at {settings.neo4j_uri} (NEO4J_URI); the managed server is not used.")
        return
    s = ManagedServer(settings).status()
    table = Table(show_header=False)
    for k, v in (("running", s.running), ("pid", s.pid), ("bolt", s.bolt_uri), ("http", s.http_url),
                 ("home", s.home), ("version", s.version)):
        table.add_row(k, str(v))
    out.print(table)
    if not s.running:
        raise typer.Exit(3)


# -- data ---------------------------------------------------------------------------------------
def _report_problems(exc: DocumentInvalid) -> typer.Exit:
    err.print(f"[bold red]The document was refused; nothing was written.[/] {len(exc.problems)} problem(s):")
    for p in exc.problems:
        err.print(f"  {p.loc}: {p.msg}", highlight=False, markup=False)
    return typer.Exit(2)


def _load(db: Database, doc: Document, replace: bool) -> documents.ImportResult:
    settings = db.settings
    rows = sum(len(getattr(doc, k)) for k in ("skills", "organisations", "members", "ties", "projects",
                                              "events", "introductions"))
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("importing", total=rows)
        return documents.import_document(
            db, doc, replace=replace, batch_size=settings.import_batch_size,
            progress=lambda _kind, n: bar.advance(task, n),
        )


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A JSON document or a CSV spreadsheet.")],
    replace: Annotated[bool, typer.Option("--replace", help="Replace the whole graph with the document.")] = False,
) -> None:
    """Import an interchange document (JSON) or a member spreadsheet (CSV)."""
    from graph_service.services.imports import read_document_file

    try:
        doc = read_document_file(file)
    except DocumentInvalid as exc:
        raise _report_problems(exc) from None
    db = open_database()
    began = time.monotonic()
    with db_closing(db):
        try:
            result = _load(db, doc, replace)
        except DocumentInvalid as exc:
            from graph_service.services.imports import csv_problems

            raise _report_problems(csv_problems(exc) if file.suffix.lower() == ".csv" else exc) from None
    counts = ", ".join(f"{v} {k}" for k, v in result.counts.items() if v)
    out.print(f"Imported {counts or 'nothing'} in {time.monotonic() - began:.1f} s"
              f"{' (graph replaced)' if replace else ''}.")


@app.command("export")
def export_cmd(file: Annotated[Path, typer.Argument(help="Where to write the JSON document ('-' for stdout).")]) -> None:
    """Export the whole graph as an interchange document."""
    db = open_database()
    with db_closing(db):
        doc = documents.export_document(db)
    text = json.dumps(doc.model_dump(mode="json", exclude_none=True), indent=1, ensure_ascii=False) + "\n"
    if str(file) == "-":
        sys.stdout.write(text)
    else:
        file.write_text(text, encoding="utf-8")
        out.print(f"Wrote {len(doc.members)} members, {len(doc.ties)} ties to {file}")


@app.command("seed")
def seed_cmd(
    members: Annotated[int, typer.Option(min=50, max=1_000_000, help="How many members.")] = 300,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same cluster.")] = 42,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Only when the graph has no members yet.")] = False,
    out_file: Annotated[Path | None, typer.Option("--out", help="Also write the document here.")] = None,
) -> None:
    """Generate a realistic Luxembourg creative-industries cluster and load it (replacing the graph)."""
    from seed.generator import generate_cluster

    db = open_database()
    with db_closing(db):
        if if_empty and records.count_nodes(db)["members"] > 0:
            out.print("The graph already holds members; not seeding (--if-empty).")
            return
        began = time.monotonic()
        doc, _facts = generate_cluster(members=members, seed=seed)
        generated = time.monotonic() - began
        if out_file:
            out_file.write_text(json.dumps(doc.model_dump(mode="json", exclude_none=True), indent=1) + "\n")
        loaded = time.monotonic()
        _load(db, doc, replace=True)
        done = time.monotonic()
    out.print(f"Seeded {len(doc.members)} members, {len(doc.ties)} ties, {len(doc.projects)} projects, "
              f"{len(doc.events)} events, {len(doc.introductions)} introductions "
              f"(generated in {generated:.1f} s, loaded in {done - loaded:.1f} s).")


# -- the introductions engine ---------------------------------------------------------------------
analytics_app = typer.Typer(help="Network analyses: communities, isolated subsectors, the matrix, bridges.",
                            no_args_is_help=True)
app.add_typer(analytics_app, name="analytics")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
SubsectorOpt = Annotated[str | None, typer.Option(help="Only members active in this subsector.")]
JoinedOpt = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Only members who joined before.")]


def _cache() -> tuple[Database, ProjectionCache]:
    db = open_database()
    return db, ProjectionCache(db)


def _print_json(value: object) -> None:
    out.print_json(data=TypeAdapter(type(value)).dump_python(value, mode="json"))


def _subset(subsector: str | None, joined_before: datetime | None) -> Subset:
    if subsector is not None and subsector not in SUBSECTOR_IDS:
        raise _fail(f"--subsector: unknown subsector '{subsector}' (one of {', '.join(SUBSECTOR_IDS)})")
    return Subset(subsector=subsector, joined_before=joined_before.date() if joined_before else None)


def _answer(compute):  # type: ignore[no-untyped-def]
    """Run a service call and turn its errors into clear messages."""
    try:
        return compute()
    except (NotFound, InvalidRequest, Conflict) as exc:
        raise _fail(str(exc)) from None


def _ask(compute, as_json: bool):  # type: ignore[no-untyped-def]
    """Open the database and the projection, run ``compute(db, cache)`` with clear errors, close
    them, and print the answer as JSON when asked (then return None: nothing is left to print)."""
    db, cache = _cache()
    with db_closing(db):
        answer = _answer(lambda: compute(db, cache))
    if as_json:
        _print_json(answer)
        return None
    return answer


@app.command("recommend")
def recommend_cmd(
    member: Annotated[str, typer.Argument(help="A member id, e.g. m-042.")],
    limit: Annotated[int, typer.Option(min=1, max=100)] = 10,
    subsector: SubsectorOpt = None,
    skill: Annotated[str | None, typer.Option(help="Only candidates with this skill.")] = None,
    cross_sector: Annotated[bool, typer.Option("--cross-sector", help="Only other subsectors.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Recommended partners for a member, with the reasons."""
    answer = _ask(lambda db, cache: recommendations_for(
        cache, member, limit=limit, subsector=subsector, skill=skill, cross_sector=cross_sector), as_json)
    if answer is None:
        return
    table = Table(title=f"Recommended partners for {member}", show_lines=True)
    for col in ("#", "member", "score", "why"):
        table.add_column(col)
    for i, r in enumerate(answer.items, 1):
        table.add_row(str(i), f"{r.name}\n{r.id}", f"{r.score:.3f}", "\n".join(r.reasons))
    out.print(table)


@app.command("paths")
def paths_cmd(
    member: Annotated[str, typer.Argument(help="From this member.")],
    target: Annotated[str, typer.Argument(help="To this member.")],
    k: Annotated[int, typer.Option(min=1, max=10)] = 3,
    max_hops: Annotated[int, typer.Option(min=1, max=6)] = 4,
    as_json: JsonOpt = False,
) -> None:
    """Warm introduction paths: who can introduce MEMBER to TARGET."""
    answer = _ask(lambda db, cache: paths_between(
        cache, member, target, k=k, max_hops=max_hops, timeout_s=db.settings.path_timeout_s), as_json)
    if answer is None:
        return
    out.print(answer.message)
    table = Table(show_lines=True)
    for col in ("#", "path", "trust", "intermediaries (open introductions)"):
        table.add_column(col)
    for i, p in enumerate(answer.items, 1):
        hops = " → ".join([p.members[0]] + [f"{h.target} ({'+'.join(h.kinds)})" for h in p.hops])
        inter = ", ".join(f"{x.name} ({x.load})" for x in p.intermediaries) or "-"
        table.add_row(str(i), hops, f"{p.trust:.3f}", inter)
    if answer.items:
        out.print(table)


@analytics_app.command("communities")
def communities_cmd(subsector: SubsectorOpt = None, joined_before: JoinedOpt = None, as_json: JsonOpt = False) -> None:
    """Louvain communities (seed 42) and how far they follow subsectors."""
    report = _ask(lambda db, cache: analyses.communities(cache, _subset(subsector, joined_before)), as_json)
    if report is None:
        return
    mod = "n/a" if report.modularity is None else f"{report.modularity:.3f}"
    out.print(f"Modularity {mod}; NMI with subsectors {report.nmi:.3f}")
    table = Table()
    for col in ("community", "size", "subsector mix"):
        table.add_column(col)
    for c in report.communities:
        if c.size > 1:
            table.add_row(c.id, str(c.size), ", ".join(f"{k} {v}" for k, v in c.subsector_mix.items()))
    out.print(table)
    singles = sum(1 for c in report.communities if c.size == 1)
    if singles:
        out.print(f"{singles} member(s) without ties form communities of their own.")


@analytics_app.command("subsectors")
def subsectors_cmd(subsector: SubsectorOpt = None, joined_before: JoinedOpt = None, as_json: JsonOpt = False) -> None:
    """Subsectors from the most isolated (E-I index), and the isolated members."""
    answer = _ask(lambda db, cache: analyses.subsectors(cache, _subset(subsector, joined_before)), as_json)
    if answer is None:
        return
    table = Table(title="Subsectors, most isolated first")
    for col in ("subsector", "members", "internal", "external", "E-I", "no outside tie", "linked to"):
        table.add_column(col)
    for s in answer.items:
        table.add_row(
            s.id, str(s.members), str(s.internal_ties), str(s.external_ties),
            "n/a" if s.ei_index is None else f"{s.ei_index:+.2f}",
            "n/a" if s.share_without_external is None else f"{s.share_without_external:.0%}",
            ", ".join(f"{k} {v}" for k, v in list(s.linked_to.items())[:4]),
        )
    out.print(table)
    iso = answer.isolated_members
    out.print(f"No ties at all: {', '.join(iso.no_ties) or 'none'}")
    out.print(f"Ties only inside their subsector: {len(iso.only_internal)} member(s)")


@analytics_app.command("matrix")
def matrix_cmd(subsector: SubsectorOpt = None, joined_before: JoinedOpt = None, as_json: JsonOpt = False) -> None:
    """Tie counts between the 12 subsectors."""
    m = _ask(lambda db, cache: analyses.matrix(cache, _subset(subsector, joined_before)), as_json)
    if m is None:
        return
    table = Table(title="Ties between subsectors")
    table.add_column("")
    for sid in m.ids:
        table.add_column(sid[:6], justify="right")
    for sid, row in zip(m.ids, m.counts, strict=True):
        table.add_row(sid, *(str(v) for v in row))
    out.print(table)


@analytics_app.command("bridges")
def bridges_cmd(
    limit: Annotated[int, typer.Option(min=1, max=200)] = 20,
    subsector: SubsectorOpt = None, joined_before: JoinedOpt = None, as_json: JsonOpt = False,
) -> None:
    """Members who bridge the sector, bridge ties and articulation points."""
    answer = _ask(lambda db, cache: analyses.bridges(cache, _subset(subsector, joined_before), limit=limit),
                  as_json)
    if answer is None:
        return
    table = Table(title="Brokers, by betweenness")
    for col in ("member", "subsector", "betweenness", "constraint", "eff. size", "liaison", "connects"):
        table.add_column(col)
    for b in answer.items:
        table.add_row(
            f"{b.name} ({b.id})", b.subsector or "-", f"{b.betweenness:.3f}",
            "n/a" if b.constraint is None else f"{b.constraint:.3f}",
            "n/a" if b.effective_size is None else f"{b.effective_size:.1f}",
            f"{b.roles.liaison:g}", ", ".join(list(b.subsectors_connected)[:5]),
        )
    out.print(table)
    out.print(f"Bridge ties: {len(answer.bridge_ties)}; articulation points: "
              f"{', '.join(answer.articulation_points) or 'none'}")
    for link in answer.cluster_links:
        who = ", ".join(m.name for m in link.members[:3]) or "nobody"
        out.print(f"Linked to {link.cluster}: {who}")


# -- from analysis to action -------------------------------------------------------------------------
intro_app = typer.Typer(help="Introductions: propose, answers, follow-ups, KPIs and the monthly plan.",
                        no_args_is_help=True)
app.add_typer(intro_app, name="introductions")


def _print_introduction(row: dict) -> None:
    out.print(f"{row['id']}: {row['a']} ↔ {row['b']} — {row['status']} "
              f"(a: {row.get('a_response') or '-'}, b: {row.get('b_response') or '-'})", highlight=False)


@intro_app.command("propose")
def propose_cmd(a: str, b: str, facilitator: Annotated[str, typer.Option()] = "manager") -> None:
    """Propose an introduction of A and B (made only when both accept)."""
    db = open_database()
    with db_closing(db):
        _print_introduction(_answer(lambda: introductions.propose(db, a=a, b=b, facilitator=facilitator)))


@intro_app.command("respond")
def respond_cmd(introduction: str, member: str,
                answer: Annotated[str, typer.Argument(help="accept or decline")]) -> None:
    """Record one side's answer to a proposed introduction."""
    if answer not in ("accept", "decline"):
        raise _fail("answer: 'accept' or 'decline'")
    db = open_database()
    with db_closing(db):
        _print_introduction(_answer(lambda: introductions.respond(db, introduction, member=member,
                                                                  answer=answer)))  # type: ignore[arg-type]


@intro_app.command("update")
def update_cmd(introduction: str, status: Annotated[str, typer.Argument(help="met, collaborating, no-follow-up "
                                                                         "or declined")],
               outcome: Annotated[str | None, typer.Option(help="Notes on how it went.")] = None) -> None:
    """Move an introduction on; 'collaborating' makes the pair a knows tie."""
    db = open_database()
    with db_closing(db):
        _print_introduction(_answer(lambda: introductions.advance(db, introduction, status=status, outcome=outcome)))


@intro_app.command("due")
def due_cmd(days: Annotated[int, typer.Option(min=1, max=365)] = 30) -> None:
    """Introductions waiting for a follow-up, longest first."""
    db = open_database()
    with db_closing(db):
        due = introductions.due_for_follow_up(db, days=days)
    table = Table(title=f"Waiting for a follow-up for more than {days} days")
    for col in ("introduction", "members", "status", "waiting", "next step"):
        table.add_column(col)
    for d in due:
        x = d.introduction
        table.add_row(x["id"], f"{x['a']} ↔ {x['b']}", x["status"], f"{d.waiting_days} days", d.action)
    out.print(table)


@intro_app.command("kpis")
def kpis_cmd(since: JoinedOpt = None, as_json: JsonOpt = False) -> None:
    """Introduction KPIs for the manager's report."""
    k = _ask(lambda db, cache: introduction_kpis(cache, since=since.date() if since else None), as_json)
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
    focus: Annotated[str, typer.Option(help="all, isolated-subsectors, new-members or theme")] = "all",
    theme: Annotated[str | None, typer.Option(help="With --focus theme: a skill or subsector id.")] = None,
    record: Annotated[bool, typer.Option("--record", help="Record them as proposed.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """A month's introduction plan and what it would change."""
    if focus not in ("all", "isolated-subsectors", "new-members", "theme"):
        raise _fail("--focus: all, isolated-subsectors, new-members or theme")
    plan = _ask(lambda db, cache: plan_introductions(
        cache, db, total=total, max_per_member=max_per_member, focus=focus,  # type: ignore[arg-type]
        theme=theme, record=record), as_json)
    if plan is None:
        return
    table = Table(title=f"Introduction plan ({plan.focus}){' — recorded as proposed' if plan.recorded else ''}",
                  show_lines=True)
    for col in ("#", "introduce", "subsectors", "score", "why"):
        table.add_column(col)
    for i, item in enumerate(plan.items, 1):
        table.add_row(str(i), f"{item.a} ↔ {item.b}", " / ".join(s or "-" for s in item.subsectors),
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


@app.command("team")
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
    def split(v: str | None) -> list[str]:
        return [x.strip() for x in (v or "").split(",") if x.strip()]

    if bool(skills) == bool(project):
        raise _fail("give either --skills or --project")
    def compute(db: Database, cache: ProjectionCache) -> TeamsAnswer:
        required = split(skills) if skills else records.get_project(db, project or "").requires
        return teams_for(cache, required, max_size=max_size, must_include=split(include),
                         must_exclude=split(exclude), organisations=organisations)

    answer = _ask(compute, as_json)
    if answer is None:
        return
    out.print(answer.message)
    for i, t in enumerate(answer.items, 1):
        table = Table(title=f"Team {i}: communication cost {t.communication_cost}, diameter {t.diameter}, "
                            f"{t.past_collaborations} past collaboration(s)")
        for col in ("member", "subsector", "covers"):
            table.add_column(col)
        for m in t.members:
            table.add_row(f"{m.name} ({m.id})", m.subsector or "-", ", ".join(m.covers))
        out.print(table)
    for m in answer.missing_skills:
        offers = "; ".join(f"{o.name} ({o.cluster}): {o.why}" for o in m.organisations) or (
            "no organisation of another cluster is known for it" if organisations
            else "add --organisations to look in the other clusters")
        out.print(f"Nobody in the cluster has {m.name}: {offers}", highlight=False)


@app.command("tables")
def tables_cmd(
    event: Annotated[str, typer.Argument(help="An event id.")],
    table_size: Annotated[int, typer.Option(min=2, max=50)] = 6,
    skills: Annotated[str, typer.Option(help="Themed: attendees with one of these skills.")] = "",
    subsectors: Annotated[str, typer.Option(help="Themed: attendees in one of these subsectors.")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Seat a round table's attendees so that they meet new people from other subsectors."""
    answer = _ask(lambda db, cache: tables_for(
        cache, event, table_size=table_size, skills=[s for s in skills.split(",") if s],
        subsectors=[s for s in subsectors.split(",") if s]), as_json)
    if answer is None:
        return
    s = answer.seating
    gain = "n/a" if s.gain_over_random is None else f"{s.gain_over_random:+.0%}"
    out.print(f"{s.attendees} attendees at {len(s.tables)} tables: {s.new_cross_pairs} new cross-subsector pairs "
              f"(random seating: {s.random_new_cross_pairs:.1f}, {gain}); acquaintances seated together: "
              f"{s.tied_pairs_together}")
    for t in s.tables:
        out.print(f"Table {t.number}: {', '.join(t.members)} — {t.new_cross_pairs} new cross-subsector pairs",
                  highlight=False)


# -- network pages and the ecosystem report (standalone HTML files) -----------------------------------
viz_app = typer.Typer(help="Write the network pages as standalone HTML files (everything inline, no network).",
                      no_args_is_help=True)
app.add_typer(viz_app, name="viz")

OutOpt = Annotated[Path, typer.Option("--out", help="The HTML file to write.", dir_okay=False)]


def _write_page(out_file: Path, build) -> None:  # type: ignore[no-untyped-def]
    """Build a page with a fresh projection and write it; errors become clear messages."""
    db, cache = _cache()
    with db_closing(db):
        html = _answer(lambda: build(cache, db.settings))
    out_file.write_text(html, encoding="utf-8")
    out.print(f"Wrote {out_file} ({len(html) // 1024} KiB); open it in a browser, it needs no network.")


@viz_app.command("ecosystem")
def viz_ecosystem_cmd(
    out_file: OutOpt,
    group: Annotated[str, typer.Option(help="Aggregated map: group by 'community' or 'subsector'.")] = "community",
    community: Annotated[str | None, typer.Option(help="Only this community, e.g. c-3.")] = None,
    subsector: Annotated[str | None, typer.Option(help="Only members of this primary subsector.")] = None,
    aggregate: Annotated[bool | None, typer.Option("--aggregate/--no-aggregate",
                                                    help="One node per group (default: above the size limit).")] = None,
    proposed: Annotated[str | None, typer.Option(help="Proposed ties drawn dashed: m-001:m-002,m-003:m-004")] = None,
) -> None:
    """The whole cluster's map (members coloured by subsector, sized by brokerage)."""
    from graph_service.services import maps

    if group not in ("community", "subsector"):
        raise _fail("--group: 'community' or 'subsector'")

    def build(cache: ProjectionCache, settings: Settings) -> str:
        G = cache.current().members
        pairs = maps.parse_pairs(proposed, lambda n: n in G)
        page = maps.ecosystem_page(cache, threshold=settings.viz_aggregate_threshold, group=group,  # type: ignore[arg-type]
                                   community=community, subsector=subsector, aggregate=aggregate,
                                   overlays=[maps.proposed_ties_overlay(pairs)] if pairs else [])
        return maps.render_map(page, inline=True)

    _write_page(out_file, build)


@viz_app.command("member")
def viz_member_cmd(
    member: Annotated[str, typer.Argument(help="A member id, e.g. m-042.")],
    out_file: OutOpt,
    hops: Annotated[int, typer.Option(min=1, max=2, help="1: direct ties; 2: their ties too.")] = 1,
) -> None:
    """A member's neighbourhood (the manager's view: private members included)."""
    from graph_service.services import maps

    _write_page(out_file, lambda cache, _s: maps.render_map(
        maps.member_page(cache, member, hops=hops), inline=True))


@viz_app.command("subsectors")
def viz_subsectors_cmd(out_file: OutOpt) -> None:
    """The twelve subsectors and the ties between them."""
    from graph_service.services import maps

    _write_page(out_file, lambda cache, _s: maps.render_map(maps.subsectors_page(cache), inline=True))


@viz_app.command("path")
def viz_path_cmd(
    member: Annotated[str, typer.Argument(help="From this member.")],
    target: Annotated[str, typer.Argument(help="To this member.")],
    out_file: OutOpt,
    k: Annotated[int, typer.Option(min=1, max=10)] = 3,
    max_hops: Annotated[int, typer.Option(min=1, max=6)] = 4,
) -> None:
    """The warm paths from MEMBER to TARGET, highlighted."""
    from graph_service.services import maps

    _write_page(out_file, lambda cache, settings: maps.render_map(
        maps.paths_page(cache, member, target, k=k, max_hops=max_hops, timeout_s=settings.path_timeout_s), inline=True))


@app.command("report")
def report_cmd(
    out_file: OutOpt,
    since: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"],
                                                   help="Also show the change since this date.")] = None,
) -> None:
    """The ecosystem report as one HTML file (print it to PDF from the browser)."""
    from graph_service.services import report

    _write_page(out_file, lambda cache, _s: report.render_report(
        report.build_report(cache, since=since.date() if since else None), inline=True))


# -- backup and restore ---------------------------------------------------------------------------
@app.command("backup")
def backup_cmd(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="Where to write it, e.g. graph.json.gz.")],
    allow_incomplete: Annotated[bool, typer.Option(
        "--allow-incomplete", help="Write it even if the graph holds what a restore would not put back.",
    )] = False,
) -> None:
    """Back up the whole graph: a logical backup (gzip JSON, SHA-256 checksum) that works with any Neo4j."""
    from graph_service.services import backup

    db = open_database()
    with db_closing(db):
        try:
            info = backup.write_backup(db, file, allow_incomplete=allow_incomplete)
        except backup.BackupError as exc:
            raise _fail(str(exc)) from None
    for line in info.omitted:
        err.print(f"[yellow]not in the backup:[/] {line}", highlight=False)
    nodes, rels = sum(info.counts.nodes.values()), sum(info.counts.relationships.values())
    out.print(f"Backed up {info.counts.nodes.get('Member', 0)} members ({nodes} nodes, {rels} relationships; "
              f"graph version {info.graph_version}) to {file}: {info.bytes:,} bytes, "
              f"sha256 {info.sha256[:16]}…, in {info.seconds:.1f} s.", highlight=False)


@app.command("restore")
def restore_cmd(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A file written by 'backup'.")],
) -> None:
    """Replace the whole graph with a backup; the file is checked (format, checksum, references) first."""
    from graph_service.services import backup

    try:
        saved = backup.read_backup(file)
    except backup.BackupError as exc:
        raise _fail(str(exc), code=2) from None
    for line in saved.omitted:
        err.print(f"[yellow]not in this backup:[/] {line}", highlight=False)
    db = open_database()
    with db_closing(db):
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("restoring", total=saved.rows())
            try:
                result = backup.restore_backup(db, saved, batch_size=db.settings.import_batch_size,
                                               progress=lambda _kind, n: bar.advance(task, n))
            except backup.BackupError as exc:
                raise _fail(str(exc)) from None
    nodes, rels = sum(result.counts.nodes.values()), sum(result.counts.relationships.values())
    members = result.counts.nodes.get("Member", 0)
    out.print(f"Restored the backup of {saved.created:%Y-%m-%d %H:%M %Z}: {members} members ({nodes} nodes, "
              f"{rels} relationships) in {result.transactions} transaction(s), "
              f"{result.seconds:.1f} s; the graph was replaced.", highlight=False)


# -- serve --------------------------------------------------------------------------------------
@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    seed_if_empty: Annotated[bool, typer.Option("--seed-if-empty", help="Seed the default cluster first "
                                                "when the graph has no members.")] = False,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs); starts the managed Neo4j first when needed."""
    import uvicorn

    from graph_service.api.app import create_app
    from graph_service.errors import ConfigurationError

    settings = _settings()
    try:  # before anything starts: no manager key outside development mode is a refusal
        application = create_app(settings)
    except ConfigurationError as exc:
        raise _fail(str(exc), code=2) from None
    if seed_if_empty:
        seed_cmd(members=300, seed=42, if_empty=True, out_file=None)
    else:
        open_database().close()
    out.print(f"Serving on http://{host}:{port} (API docs at http://{host}:{port}/docs)")
    if settings.development and settings.manager_key is None:
        out.print(f"Development mode: the manager key is in {settings.home / 'manager-key'}; log in at "
                  f"http://{host}:{port}/login (or send it as 'Authorization: Bearer <key>').", highlight=False)
    # No access log: its lines hold request paths, and paths hold member ids. The audit log
    # (pseudonymous) records every request instead; see docs/privacy.md.
    uvicorn.run(application, host=host, port=port, log_level="info", access_log=False)


# -- keys and audit -----------------------------------------------------------------------------
keys_app = typer.Typer(help="API keys of members and client applications (the manager's key is "
                            "GRAPH_SERVICE_MANAGER_KEY).", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Argument(help="member or client")],
    name: Annotated[str, typer.Option("--name", help="What the key is for.")],
    member: Annotated[str | None, typer.Option("--member", help="The member a member key belongs to.")] = None,
) -> None:
    """Create a key and print its secret (shown this once; only its hash is kept)."""
    from graph_service.services import keys

    if role not in ("member", "client"):
        raise _fail("role: must be 'member' or 'client'", code=2)
    with db_closing(open_database()) as db:
        try:
            new = keys.create_key(db, role=role, member=member, name=name)  # type: ignore[arg-type]
        except (InvalidRequest, NotFound) as exc:
            raise _fail(str(exc), code=2) from None
    out.print(f"{new.id}  {new.role}  {new.member or ''}", highlight=False)
    print(new.key)


@keys_app.command("list")
def keys_list(member: Annotated[str | None, typer.Option("--member")] = None) -> None:
    from graph_service.services import keys

    with db_closing(open_database()) as db:
        found = keys.list_keys(db, member=member)
    table = Table("id", "role", "member", "name", "created", "revoked")
    for k in found:
        table.add_row(k.id, k.role, k.member or "", k.name, str(k.created or ""), str(k.revoked or ""))
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: str) -> None:
    """Revoke a key: it stops working at once."""
    from graph_service.services import keys

    with db_closing(open_database()) as db:
        try:
            keys.revoke_key(db, key_id)
        except NotFound as exc:
            raise _fail(str(exc), code=2) from None
    out.print(f"revoked {key_id}")


@app.command("audit")
def audit_cmd(
    member: Annotated[str | None, typer.Option("--member", help="Only lines where this member acted or "
                                               "was read or changed.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Read the audit log (member ids are pseudonymised in it; this command knows the secret)."""
    from graph_service.services.audit import AuditLog, load_secret

    settings = _settings()
    log = AuditLog(settings.audit_log_path, load_secret(settings.home))
    entries = list(log.lines(member=member))
    if as_json:
        print(json.dumps(entries, indent=2))
        return
    table = Table("at", "actor", "role", "method", "route", "subjects", "status")
    for e in entries:
        table.add_row(e["at"], e["actor"], e["role"], e["method"], e["route"], " ".join(e["subjects"]), str(e["status"]))
    out.print(table)


if __name__ == "__main__":  # pragma: no cover
    app()
