"""What the network says: ``recommend``, ``paths`` and ``analytics communities|subsectors|matrix|bridges``.

Every command answers from the projection (the manager's view) and prints tables, or JSON with
``--json``.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from graph_service.analytics.communities import Evidence, Method
from graph_service.cli.common import JoinedOpt, JsonOpt, SubsectorOpt, ask, named, out, party_names, subset
from graph_service.services import analyses
from graph_service.services.recommendations import Paths, Recommendations, paths_between, recommendations_for
from graph_service.services.views import ProjectionCache
from graph_service.store.database import Database

__all__ = ["analytics_app", "paths_cmd", "recommend_cmd"]

analytics_app = typer.Typer(help="Network analyses: communities, isolated subsectors, the matrix, bridges.",
                            no_args_is_help=True)


def recommend_cmd(
    member: Annotated[str, typer.Argument(help="A member id, e.g. m-042.")],
    limit: Annotated[int, typer.Option(min=1, max=100)] = 10,
    subsector: SubsectorOpt = None,
    skill: Annotated[str | None, typer.Option(help="Only candidates with this skill.")] = None,
    cross_sector: Annotated[bool, typer.Option("--cross-sector", help="Only other subsectors.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Recommended partners for a member, with the reasons."""
    names: dict[str, str] = {}

    def compute(db: Database, view: ProjectionCache) -> Recommendations:
        answer = recommendations_for(view, member, limit=limit, subsector=subsector.value if subsector else None,
                                     skill=skill, cross_sector=cross_sector)
        names.update(party_names(view))
        return answer

    answer = ask(compute, as_json)
    if answer is None:
        return
    table = Table(title=Text(f"Recommended partners for {named(names, member)}"), show_lines=True)
    for col in ("#", "member", "score", "why"):
        table.add_column(col)
    for i, r in enumerate(answer.items, 1):
        table.add_row(str(i), f"{r.name}\n{r.id}", f"{r.score:.3f}", "\n".join(r.reasons))
    out.print(table)


def paths_cmd(
    member: Annotated[str, typer.Argument(help="From this member.")],
    target: Annotated[str, typer.Argument(help="To this member.")],
    k: Annotated[int, typer.Option(min=1, max=10)] = 3,
    max_hops: Annotated[int, typer.Option(min=1, max=6)] = 4,
    as_json: JsonOpt = False,
) -> None:
    """Warm introduction paths: who can introduce MEMBER to TARGET."""
    names: dict[str, str] = {}

    def compute(db: Database, view: ProjectionCache) -> Paths:
        answer = paths_between(view, member, target, k=k, max_hops=max_hops, timeout_s=db.settings.path_timeout_s)
        names.update(party_names(view))
        return answer

    answer = ask(compute, as_json)
    if answer is None:
        return
    out.print(answer.message)
    table = Table(show_lines=True)
    for col in ("#", "path", "trust", "intermediaries (open introductions)"):
        table.add_column(col)
    for i, p in enumerate(answer.items, 1):
        hops = " → ".join([named(names, p.members[0])]
                          + [f"{named(names, h.target)} [{'+'.join(h.kinds)}]" for h in p.hops])
        inter = ", ".join(f"{x.name} ({x.load})" for x in p.intermediaries) or "-"
        table.add_row(str(i), Text(hops), f"{p.trust:.3f}", Text(inter))
    if answer.items:
        out.print(table)


@analytics_app.command("communities")
def communities_cmd(
    subsector: SubsectorOpt = None, joined_before: JoinedOpt = None,
    evidence: Annotated[Evidence, typer.Option(
        help="'all': ties and co-attendance at small events; 'ties': ties only.")] = "all",
    method: Annotated[Method, typer.Option(help="'leiden' (connected communities) or 'louvain'.")] = "leiden",
    as_json: JsonOpt = False,
) -> None:
    """Communities (Leiden by default, seed 42) and how far they follow subsectors."""
    report = ask(lambda db, view: analyses.communities(view, subset(subsector, joined_before), evidence=evidence,
                                                       method=method), as_json)
    if report is None:
        return
    mod = "n/a" if report.modularity is None else f"{report.modularity:.3f}"
    out.print(f"{report.method.capitalize()} on {'ties' if report.evidence == 'ties' else 'ties and co-attendance'}: "
              f"modularity {mod}; NMI with subsectors {report.nmi:.3f}")
    table = Table()
    for col in ("community", "size", "subsector mix"):
        table.add_column(col)
    for c in report.communities:
        if c.size > 1:
            table.add_row(c.id, str(c.size), ", ".join(f"{k} {v}" for k, v in c.subsector_mix.items()))
    out.print(table)
    singles = sum(1 for c in report.communities if c.size == 1)
    if singles:
        out.print(f"{singles} member(s) form communities of their own (nothing in the evidence groups them).")


@analytics_app.command("subsectors")
def subsectors_cmd(subsector: SubsectorOpt = None, joined_before: JoinedOpt = None, as_json: JsonOpt = False) -> None:
    """Subsectors from the most isolated (E-I index), and the isolated members."""
    names: dict[str, str] = {}

    def compute(db: Database, view: ProjectionCache) -> analyses.SubsectorsAnswer:
        names.update(party_names(view))
        return analyses.subsectors(view, subset(subsector, joined_before))

    answer = ask(compute, as_json)
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
    out.print(f"No ties at all: {', '.join(named(names, m) for m in iso.no_ties) or 'none'}", markup=False)
    out.print(f"Ties only inside their subsector: {len(iso.only_internal)} member(s)")


@analytics_app.command("matrix")
def matrix_cmd(subsector: SubsectorOpt = None, joined_before: JoinedOpt = None, as_json: JsonOpt = False) -> None:
    """Tie counts between the 12 subsectors."""
    m = ask(lambda db, view: analyses.matrix(view, subset(subsector, joined_before)), as_json)
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
    names: dict[str, str] = {}

    def compute(db: Database, view: ProjectionCache) -> analyses.BridgesAnswer:
        names.update(party_names(view))
        return analyses.bridges(view, subset(subsector, joined_before), limit=limit)

    answer = ask(compute, as_json)
    if answer is None:
        return
    table = Table(title="Brokers, by betweenness")
    for col in ("member", "subsector", "betweenness", "constraint", "eff. size", "liaison", "connects"):
        table.add_column(col)
    for b in answer.items:
        table.add_row(
            Text(f"{b.name} ({b.id})"), b.subsector or "-", f"{b.betweenness:.3f}",
            "n/a" if b.constraint is None else f"{b.constraint:.3f}",
            "n/a" if b.effective_size is None else f"{b.effective_size:.1f}",
            f"{b.roles.liaison:g}", ", ".join(list(b.subsectors_connected)[:5]),
        )
    out.print(table)
    out.print(f"Bridge ties: {len(answer.bridge_ties)}; articulation points: "
              f"{', '.join(named(names, m) for m in answer.articulation_points) or 'none'}", markup=False)
    for link in answer.cluster_links:
        who = ", ".join(m.name for m in link.members[:3]) or "nobody"
        out.print(f"Linked to {link.cluster}: {who}", markup=False)
