"""The ecosystem map (``/viz/ecosystem``): the whole cluster, one community or one subsector, or,
above the size limit, one node per community (or subsector).

Members are coloured by subsector (or community) and sized by brokerage (betweenness, with the
policy of ``/analytics/bridges``: :mod:`graph_service.web.maps.analyses`). A new graph is laid out
with each community on its own and the communities placed by the ties between them
(:func:`~graph_service.web.maps.layout.seeded_layout`); from then on the whole cluster's map is
stable: each graph version's map starts from the last one's positions, kept in Neo4j, and moves
only new members and those whose ties changed (:func:`member_positions`). Above ``threshold``
members the map shows communities (or subsectors) as single nodes; clicking one opens its members.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np

from graph_service.analytics import Community
from graph_service.domain import SUBSECTOR_BY_ID, SUBSECTOR_IDS
from graph_service.errors import InvalidRequest, NotFound
from graph_service.services.layout import keep_layout, kept_layout
from graph_service.services.views import GraphView, Projection
from graph_service.web.colours import (
    COMMUNITY_PALETTE,
    EDGE_COLOUR,
    OTHER_COLOUR,
    subsector_colour,
    subsector_name,
)
from graph_service.web.maps.analyses import MapAnalyses, brokerage_note, communities, map_analyses, ties
from graph_service.web.maps.layout import carry_layout, seeded_layout, separate
from graph_service.web.maps.model import (
    Colouring,
    MapPage,
    add_edge,
    add_members,
    add_node,
    add_ties,
    community_colouring,
    member_adder,
    network,
    options,
    subsector_colouring,
)
from graph_service.web.maps.overlays import Overlay, apply_overlays
from graph_service.web.maps.render import render_map
from graph_service.web.pages import nav_links

__all__ = ["Grouping", "ecosystem_html", "ecosystem_page"]

Grouping = Literal["community", "subsector"]


def ecosystem_page(
    view: GraphView,
    *,
    threshold: int = 2000,
    group: Grouping = "community",
    community: str | None = None,
    subsector: str | None = None,
    aggregate: bool | None = None,
    overlays: Sequence[Overlay] = (),
) -> MapPage:
    """The whole cluster: members coloured by subsector (or community), sized by brokerage.

    Above ``threshold`` members (or with ``aggregate=True``) the map shows one node per
    community (``group="community"``) or subsector, sized by members, with the ties between
    them; ``community=`` / ``subsector=`` drill down to one group's members.
    """
    G = view.current().members
    found_communities, _where = communities(view)
    if community is not None and subsector is not None:
        raise InvalidRequest("community", "choose a community or a subsector, not both")
    if community is not None:
        found = next((c for c in found_communities if c.id == community), None)
        if found is None:
            raise NotFound("community", community)
        return _members_map(
            view,
            map_analyses(view),
            list(found.members),
            threshold=threshold,
            overlays=overlays,
            title=f"Community {community}",
            subtitle=f"{found.size} members · mostly {subsector_name(next(iter(found.subsector_mix), None))}",
            colouring="subsector",
        )
    if subsector is not None:
        if subsector not in SUBSECTOR_BY_ID:
            raise InvalidRequest("subsector", f"unknown subsector '{subsector}'")
        members = [n for n, d in G.nodes(data=True) if d.get("subsector") == subsector]
        return _members_map(
            view,
            map_analyses(view),
            members,
            threshold=threshold,
            overlays=overlays,
            title=subsector_name(subsector),
            subtitle=f"{len(members)} members whose primary subsector it is",
            colouring="community",
        )
    n_members = G.number_of_nodes()
    if aggregate or (aggregate is None and n_members > threshold):
        # No betweenness here: the aggregated map sizes groups by their members.
        return _aggregate_page(view, group=group, threshold=threshold, overlays=overlays)
    data = map_analyses(view)
    return _members_map(
        view,
        data,
        sorted(G.nodes),
        threshold=threshold,
        overlays=overlays,
        title="The cluster's collaboration network",
        subtitle=f"{n_members} members, {data.ties.number_of_edges()} ties",
        colouring="subsector",
        whole=True,
    )


def ecosystem_html(
    view: GraphView,
    *,
    threshold: int = 2000,
    group: Grouping = "community",
    community: str | None = None,
    subsector: str | None = None,
    aggregate: bool | None = None,
    overlays: Sequence[Overlay] = (),
) -> str:
    """The served ecosystem page as HTML; without overlays it is memoised per graph version (at
    2,000 members building and rendering it takes most of a second)."""

    def build(_p: Projection | None = None) -> str:
        return render_map(
            ecosystem_page(
                view,
                threshold=threshold,
                group=group,
                community=community,
                subsector=subsector,
                aggregate=aggregate,
                overlays=overlays,
            )
        )

    if overlays:
        return build()
    if community is not None or subsector is not None:  # a drill-down: grouping options do not apply
        key: tuple[Any, ...] = ("viz", "ecosystem-html", threshold, community, subsector)
    else:
        key = ("viz", "ecosystem-html", threshold, group, aggregate)
    return view.memo(key, build)


# -- members ---------------------------------------------------------------------------------------


def member_positions(view: GraphView, data: MapAnalyses, members: Iterable[str]) -> dict[str, tuple[float, float]]:
    """Where the ecosystem map puts ``members``. Memoised on the view, so the map and the exports
    (:mod:`graph_service.web.exports`) put everyone in the same place.

    * The whole cluster of the view (the ecosystem map, the exports): the **stable layout**. The
      positions of the view's last map are read from Neo4j
      (:func:`graph_service.services.layout.kept_layout`) and carried over to this graph version
      by :func:`~graph_service.web.maps.layout.carry_layout`: removed members disappear, the
      others keep their positions, new members are placed near their contacts with everyone
      else fixed, and a member whose ties to members of the last map changed moves by at most
      :data:`~graph_service.web.maps.layout.NUDGE` pixels. A graph with no kept layout (or with
      fewer than half of its members on it) gets the seeded layout. The result is kept again
      (:func:`graph_service.services.layout.keep_layout`, without bumping the version) when it
      differs from what was kept, so it survives new versions and restarts.
    * Any other set (a drill-down into a community or subsector, the map cut to its strongest
      brokers): laid out afresh by :func:`~graph_service.web.maps.layout.seeded_layout`
      (communities as groups, or, for one community, its own sub-communities; seed 42).
    """
    chosen = sorted(members)
    T, where = data.ties, data.community_of
    if len(chosen) == T.number_of_nodes() and all(n in T for n in chosen):
        return _stable_positions(view, data)
    return view.memo(("viz", "layout", tuple(chosen)), lambda _p: seeded_layout(T, chosen, where))


def _stable_positions(view: GraphView, data: MapAnalyses) -> dict[str, tuple[float, float]]:
    """The whole cluster's positions, carried from the view's kept layout (see
    :func:`member_positions`)."""
    T = data.ties

    def carry(p: Projection) -> dict[str, tuple[float, float]]:
        kept = kept_layout(view)
        carried = carry_layout(
            T,
            kept.positions if kept is not None else {},
            kept.ties if kept is not None else (),
            data.community_of,
        )
        ties_now = frozenset((u, v) if u < v else (v, u) for u, v in T.edges() if u != v)
        if kept is None or kept.positions != carried.positions or kept.ties != ties_now:
            keep_layout(view, version=p.version, positions=carried.positions, ties=ties_now)
        return carried.positions

    return view.memo(("viz", "stable-layout"), carry)


def _members_map(
    view: GraphView,
    data: MapAnalyses,
    members: list[str],
    *,
    threshold: int,
    overlays: Sequence[Overlay],
    title: str,
    subtitle: str,
    colouring: str,
    whole: bool = False,
) -> MapPage:
    """The map of ``members`` (the whole cluster, or one group's): at most ``threshold`` of them,
    the strongest brokers first."""
    G, where = data.members, data.community_of
    bc = data.betweenness.values
    notes: list[str] = []
    if len(members) > threshold:
        notes.append(f"Showing the {threshold} strongest brokers of {len(members)} members.")
        members = sorted(members, key=lambda n: (-bc.get(n, 0.0), n))[:threshold]
    members = sorted(members)
    pos = member_positions(view, data, members)
    big = len(members) > 600
    page = MapPage(
        kind="ecosystem",
        title=title,
        subtitle=subtitle,
        net=network(),
        nav=nav_links(view.viewer.role),
        filters=True,
        notes=notes,
    )
    page.net.options = options(big=big)
    cols = {
        "subsector": subsector_colouring(G, members),
        "community": community_colouring(data.communities, members, where),
    }
    page.colourings = cols
    page.colouring = colouring
    add_members(page, data, members, pos, colour=cols[colouring].colours)
    add_ties(page, data, members, tips=len(members) <= 2500)
    page.size_note = brokerage_note(data)
    if overlays:
        apply_overlays(
            page,
            G,
            overlays,
            node_of=lambda n: n if n in G else None,
            add_missing=member_adder(page, data, cols[colouring]),
        )
    ties_shown = sum(1 for e in page.net.edges if not str(e["id"]).startswith("o"))
    page.summary = [("Members", str(len(members))), ("Ties", str(ties_shown))]
    if not whole:
        page.nav = nav_links(view.viewer.role) + [("Whole cluster", "/viz/ecosystem?aggregate=true")]
    return page


# -- one node per group ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Groups:
    """The groups of the aggregated map and what it shows of each."""

    of: Mapping[str, str | None]
    """Member id -> group id (members without a group are not shown)."""
    ids: list[str]
    sizes: Counter[str | None]
    names: dict[str, str]
    colours: dict[str, str]
    links: dict[str, str]
    mix: dict[str, str]
    """Group id -> its main subsectors, as text ("" for a subsector)."""


def _groups(G: nx.Graph[str], found: Sequence[Community], group: Grouping) -> _Groups:
    if group == "subsector":
        group_of: dict[str, str | None] = {n: d.get("subsector") for n, d in G.nodes(data=True)}
        ids = [s for s in SUBSECTOR_IDS if any(v == s for v in group_of.values())]
        return _Groups(
            of=group_of,
            ids=ids,
            sizes=Counter(group_of.values()),
            names={s: subsector_name(s) for s in ids},
            colours={s: subsector_colour(s) for s in ids},
            links={f"g:{s}": f"/viz/ecosystem?subsector={s}" for s in ids},
            mix={s: "" for s in ids},
        )
    multi = [c for c in found if c.size > 1]
    return _Groups(
        of={n: c.id for c in multi for n in c.members},
        ids=[c.id for c in multi],
        sizes=Counter({c.id: c.size for c in multi}),
        names={c.id: c.id for c in multi},
        colours={
            c.id: (COMMUNITY_PALETTE[i] if i < len(COMMUNITY_PALETTE) else OTHER_COLOUR)
            for i, c in enumerate(multi)
        },
        links={f"g:{c.id}": f"/viz/ecosystem?community={c.id}" for c in multi},
        mix={
            c.id: ", ".join(f"{subsector_name(s)} {k}" for s, k in list(c.subsector_mix.items())[:3])
            for c in multi
        },
    )


def _aggregate_page(
    view: GraphView, *, group: Grouping, threshold: int, overlays: Sequence[Overlay]
) -> MapPage:
    G = view.current().members
    T = ties(view)
    found, _where = communities(view)
    groups = _groups(G, found, group)
    group_of, ids, sizes, names, colours, mix = (
        groups.of, groups.ids, groups.sizes, groups.names, groups.colours, groups.mix
    )
    between: Counter[tuple[str, str]] = Counter()
    internal: Counter[str] = Counter()
    for u, v in T.edges():
        a, b = group_of.get(u), group_of.get(v)
        if a is None or b is None:
            continue
        if a == b:
            internal[a] += 1
        else:
            between[(a, b) if a < b else (b, a)] += 1

    peak = max(sizes.values(), default=1) or 1
    node_size = {g: round(12 + 38 * math.sqrt(sizes[g] / peak), 1) for g in ids}

    def layout(_p: Projection) -> dict[str, tuple[float, float]]:
        Q: nx.Graph[str] = nx.Graph()
        Q.add_nodes_from(ids)
        for (a, b), w in between.items():
            Q.add_edge(a, b, weight=w)
        if len(ids) == 1:
            return {ids[0]: (0.0, 0.0)}
        p = nx.spring_layout(Q, seed=42, iterations=200)
        R = np.array([node_size[g] + 30.0 for g in ids])
        centres = np.array([p[g] for g in ids], dtype=float) * R.sum() / 2
        centres = separate(centres, R, gap=40.0)
        return {g: (round(float(x), 1), round(float(y), 1)) for g, (x, y) in zip(ids, centres, strict=True)}

    pos = view.memo(("viz", "aggregate-layout", group), layout) if ids else {}
    total_members = G.number_of_nodes()
    label = "communities" if group == "community" else "subsectors"
    page = MapPage(
        kind="aggregate",
        title="The cluster, by " + ("community" if group == "community" else "subsector"),
        subtitle=f"{total_members} members, {T.number_of_edges()} ties: one node per "
        f"{group}; click one to see its members",
        net=network(),
        nav=nav_links(view.viewer.role),
        search=True,
    )
    page.net.options = options(big=False, value_scaling=False)
    max_between = max(between.values(), default=1)
    top_subsector = {c.id: next(iter(c.subsector_mix), None) for c in found}
    for g in ids:
        x, y = pos[g]
        gid = f"g:{g}"
        node_label = (
            f"{names[g]} · {sizes[g]}"
            if group == "subsector"
            else f"{g} · {sizes[g]}\nmostly {subsector_name(top_subsector.get(g))}"
        )
        add_node(page.net, gid, label=node_label, x=x, y=y, size=node_size[g], color=colours[g], shape="dot")
        tip: list[Any] = [
            f"{names[g]}" if group == "subsector" else f"Community {g}",
            ["Members", str(sizes[g])],
            ["Ties inside", str(internal[g])],
        ]
        if mix.get(g):
            tip.append(["Mostly", mix[g]])
        tip.append(["Open", "click to see its members"])
        page.meta[gid] = {"n": names[g], "tip": tip}
    for (a, b), w in sorted(between.items()):
        eid = add_edge(
            page.net, f"g:{a}", f"g:{b}", width=round(0.5 + 9.5 * w / max_between, 2), color=EDGE_COLOUR
        )
        page.edge_tips[eid] = [f"{names[a]} – {names[b]}", ["Ties", str(w)]]
    page.links = groups.links
    page.colourings = {
        "group": Colouring(
            label.capitalize(),
            {f"g:{g}": colours[g] for g in ids},
            tuple(
                (
                    f"{names[g]} ({sizes[g]})"
                    + (f" · mostly {subsector_name(top_subsector.get(g))}" if group == "community" else ""),
                    colours[g],
                )
                for g in ids[:20]
            ),
        )
    }
    page.colouring = "group"
    other = "subsector" if group == "community" else "community"
    page.nav = nav_links(view.viewer.role) + [(f"Group by {other}", f"/viz/ecosystem?aggregate=true&group={other}")]
    no_ties = sum(1 for c in found if c.size == 1) if group == "community" else 0
    page.notes.append(
        f"{total_members} members is above the map's limit of {threshold}: showing {len(ids)} "
        f"{label} instead."
        if total_members > threshold
        else f"Showing {len(ids)} {label}."
    )
    if no_ties:
        page.notes.append(f"{no_ties} members without ties are not shown.")
    page.size_note = "Size: members; edge width: ties between the groups"
    page.summary = [
        (label.capitalize(), str(len(ids))),
        ("Members", str(total_members)),
        ("Ties", str(T.number_of_edges())),
    ]
    if overlays:
        apply_overlays(page, G, overlays, node_of=lambda n: f"g:{group_of[n]}" if n in group_of else None)
    return page
