"""Generate a realistic, deterministic seed cluster as an interchange :class:`Document`.

    from seed.generator import generate_cluster
    doc, facts = generate_cluster(members=300, seed=42)

or, from the command line, generate it and load it into the graph (replacing what is there;
``--out FILE`` also writes the document to a file)::

    graph-service seed --members 300 --seed 42

``seed/README.md`` says how to regenerate ``seed/cluster.json`` byte for byte.

The same ``(members, seed)`` always gives a byte-identical JSON file (:func:`dump_json`): the
only source of randomness is one ``random.Random(seed)``, "today" is the constant
:data:`TODAY`, and no set of strings is ever iterated. Cost is linear in the number of members
(partners are drawn by bisection in cumulative weights), so 100,000 members take seconds, not
minutes.

The generator is a pipeline of phases, each a function that takes what it needs and returns
what it makes (see :func:`generate_cluster`); a :class:`seed.common.Context` carries the one
random generator and the names already given out, so the order of the phases is the order of
the draws. The phases live by family in ``seed/members.py``, ``seed/ties.py``,
``seed/organisations.py``, ``seed/projects.py``, ``seed/introductions.py`` and
``seed/events.py``; this module assembles the document and checks the promises.

What the data promise (and :class:`SeedFacts` records) is described in ``seed/README.md``.
"""

from __future__ import annotations

import gc
import json
from dataclasses import dataclass
from datetime import date

from graph_service.domain import SUBSECTOR_BY_ID, SUBSECTOR_IDS
from graph_service.interchange import Document
from seed import skills as taxonomy
from seed import vocabulary as vocab
from seed.common import (
    FIRST_JOIN,
    FOLLOW_UP_DAYS,
    ISOLATED_SUBSECTORS,
    LAST_JOIN,
    MIN_MEMBERS,
    SKILL_ROWS,
    TODAY,
    TODAY_ORD,
    Context,
    Pair,
    iso,
)
from seed.events import Events, build_events
from seed.introductions import Introduction, build_introductions
from seed.members import Members, Profiles, build_members, describe_members
from seed.organisations import Organisation, OrgTie, OrgTieKey, build_org_ties, build_organisations
from seed.projects import Projects, build_projects
from seed.ties import Network, build_pools, build_ties

__all__ = [
    "FIRST_JOIN",
    "FOLLOW_UP_DAYS",
    "ISOLATED_SUBSECTORS",
    "LAST_JOIN",
    "MIN_MEMBERS",
    "TODAY",
    "SeedFacts",
    "dump_json",
    "ei_indices",
    "generate_cluster",
]

Record = dict[str, object]
"""One record of the interchange document, as JSON-ready values."""


@dataclass(frozen=True)
class SeedFacts:
    """What a generated cluster promises, for tests and demos.

    Fields marked "found" are computed from the finished document, not from the generator's
    intentions. "Tie" there means what ``graph_service.analytics`` counts as one: a tie record
    (knows or collaborated), a shared project team, or an introduction that reached
    "collaborating"; organisations and co-attendance do not count.
    """

    members: int
    seed: int
    today: date
    """The fixed "today" of the data (2026-11-22)."""
    isolated_subsectors: tuple[str, ...]
    """The two subsectors made markedly isolated: almost all their ties stay internal and
    their E-I indices are the lowest, by a wide margin."""
    brokers: tuple[str, ...]
    """Members given ties into at least three other subsectors: high betweenness. 5-8 up to
    2,000 members, then one per 250."""
    hubs: tuple[str, ...]
    """Members of kind creative-hub, the 1535° Creative Hub first."""
    unconnected_members: tuple[str, ...]
    """Found: members with no tie at all (nor an organisation tie): recent joiners."""
    inward_members: tuple[str, ...]
    """Found: members with ties, all to members of their own primary subsector."""
    rare_skills: tuple[str, ...]
    """Skills deliberately held by exactly one or two members (other skills of small subsectors
    may happen to be rare too)."""
    unheld_skills: tuple[str, ...]
    """Skills in the taxonomy that no member holds."""
    open_tenders: tuple[str, ...]
    """Found: projects of kind tender with status open (3-5 at 300 members)."""
    missing_skill_tender: str
    """The open tender that requires an unheld skill: team assembly must report it missing."""
    upcoming_events: tuple[str, ...]
    """Found: events dated after today, with registered attendees."""
    upcoming_round_table: str
    """The upcoming round table (12 attendees from five subsectors), for seating."""
    due_followups: tuple[str, ...]
    """Found: introductions "met" more than 30 days ago without an outcome."""
    ei_index: tuple[tuple[str, float], ...]
    """Found: (subsector, Krackhardt E-I index), lowest first, rounded to 4 decimals."""


def generate_cluster(members: int = 300, seed: int = 42) -> tuple[Document, SeedFacts]:
    """Generate a fictional but realistic cluster of ``members`` members.

    Parameters
    ----------
    members : int, default 300
        Number of members, at least :data:`MIN_MEMBERS`. Projects (members/5), events
        (members/7.5), introductions (members/3), organisations and ties scale with it.
    seed : int, default 42
        Seed of the only random generator used; the same arguments give the same document.

    Returns
    -------
    (Document, SeedFacts)
        A document for which ``check_references`` finds no problem, and what it promises.
    """
    if members < MIN_MEMBERS:
        raise ValueError(f"members must be at least {MIN_MEMBERS}, got {members}")
    # Millions of small containers and no reference cycles: the cyclic garbage collector
    # would only rescan them over and over (it costs ~40% of the time at 100,000 members).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        # The phases draw from ctx.rng in this order: reordering them changes every byte.
        ctx = Context(seed)
        people = build_members(ctx, members)                       # structure and roles
        profiles = describe_members(ctx, people)                   # names, skills, descriptions
        pools = build_pools(people)                                # (no draws)
        organisations = build_organisations(ctx, members)
        network = build_ties(ctx, people, pools)                   # knows ties
        projects, network = build_projects(ctx, people, profiles, pools, network, organisations)
        introductions, network = build_introductions(ctx, people, pools, network)
        org_ties = build_org_ties(ctx, people, pools, organisations)
        events = build_events(ctx, people, profiles, pools)
        raw = _document(people, profiles, organisations, network, org_ties, projects, introductions, events)
        facts = _facts(seed, people, profiles, network, org_ties, projects, introductions, events)
        _check(facts, people, profiles, network)
        return Document.model_validate(raw), facts
    finally:
        if gc_was_enabled:
            gc.enable()


# ---------------------------------------------------------------------------------------------
# assembly


def _document(members: Members, profiles: Profiles, organisations: tuple[Organisation, ...], network: Network,
              org_ties: dict[OrgTieKey, OrgTie], projects: Projects, introductions: tuple[Introduction, ...],
              events: Events) -> dict[str, list[Record]]:
    """The interchange document as plain data, member indices turned into ids."""
    ids, n = members.ids, members.count
    subsectors: list[Record] = [{"id": s, "name": SUBSECTOR_BY_ID[s].name} for s in SUBSECTOR_IDS]
    skills: list[Record] = [{"id": sid, "name": name, **({"subsector": sub} if sub else {})}
                            for sid, name, sub in SKILL_ROWS]
    member_records: list[Record] = []
    for i in range(n):
        m: Record = {
            "id": ids[i], "name": profiles.names[i], "kind": members.kind[i],
            "subsectors": list(members.subsectors[i]), "skills": list(profiles.skills[i]),
            "visibility": profiles.visibility[i], "city": members.city[i],
            "languages": list(profiles.languages[i]), "description": profiles.descriptions[i],
            "joined": iso(members.joined[i]),
        }
        website = profiles.websites[i]
        if website:
            m["website"] = website
        member_records.append(m)
    org_records: list[Record] = [dict(o._asdict()) for o in organisations]
    keyed: list[tuple[str, str, str, Record]] = []  # (source, target, kind, record)
    for (a, b), (weight, since, confirmed) in network.knows.items():
        keyed.append((ids[a], ids[b], "knows", {"source": ids[a], "target": ids[b], "kind": "knows",
                                                "weight": weight, "since": iso(since), "confirmed": confirmed}))
    for (a, b), (times, since) in network.collab.items():
        keyed.append((ids[a], ids[b], "collaborated", {
            "source": ids[a], "target": ids[b], "kind": "collaborated",
            "weight": round(min(1.0, 0.5 + 0.15 * (times - 1)), 2), "since": iso(since), "confirmed": True}))
    for (m_index, o, kind), (weight, since) in org_ties.items():
        org_id = organisations[o].id
        keyed.append((ids[m_index], org_id, kind, {"source": ids[m_index], "target": org_id, "kind": kind,
                                                   "weight": weight, "since": iso(since), "confirmed": True}))
    keyed.sort(key=lambda t: t[:3])
    ties = [t[3] for t in keyed]
    project_records: list[Record] = []
    for p in projects.records:
        rec: Record = {"id": p.id, "title": p.title, "kind": p.kind, "requires": list(p.requires),
                       "team": [ids[m_index] for m_index in p.team], "client": p.client, "status": p.status,
                       "start": iso(p.start)}
        if p.end is not None:
            rec["end"] = iso(p.end)
        project_records.append(rec)
    event_records: list[Record] = [
        {"id": e.id, "title": e.title, "date": iso(e.date), "format": e.format, "theme": e.theme,
         "attendees": [ids[m_index] for m_index in e.attendees]} for e in events.records]
    intro_records: list[Record] = []
    for x in introductions:
        rec = {"id": x.id, "a": ids[x.a], "b": ids[x.b], "facilitator": x.facilitator,
               "date": iso(x.date), "status": x.status}
        if x.outcome:
            rec["outcome"] = x.outcome
        intro_records.append(rec)
    return {"subsectors": subsectors, "skills": skills, "members": member_records,
            "organisations": org_records, "ties": ties, "projects": project_records, "events": event_records,
            "introductions": intro_records}


# ---------------------------------------------------------------------------------------------
# promises


def _facts(seed: int, members: Members, profiles: Profiles, network: Network, org_ties: dict[OrgTieKey, OrgTie],
           projects: Projects, introductions: tuple[Introduction, ...], events: Events) -> SeedFacts:
    """What the finished cluster promises; the "found" fields are computed from the records."""
    n, ids, primary = members.count, members.ids, members.primary
    # the structural member-member graph: ties, shared projects, collaborating introductions
    pairs: set[Pair] = set(network.knows) | set(network.collab) | projects.team_pairs
    pairs |= {(x.a, x.b) if x.a < x.b else (x.b, x.a) for x in introductions if x.status == "collaborating"}
    has_tie = [False] * n
    has_external = [False] * n
    internal = dict.fromkeys(SUBSECTOR_IDS, 0)
    external = dict.fromkeys(SUBSECTOR_IDS, 0)
    for a, b in pairs:
        has_tie[a] = has_tie[b] = True
        sa, sb = primary[a], primary[b]
        if sa == sb:
            internal[sa] += 1
        else:
            external[sa] += 1
            external[sb] += 1
            has_external[a] = has_external[b] = True
    for (m, _o, _k) in org_ties:
        has_tie[m] = True
    ei = sorted(((s, round((external[s] - internal[s]) / (external[s] + internal[s]), 4))
                 for s in SUBSECTOR_IDS if external[s] + internal[s]), key=lambda kv: (kv[1], kv[0]))
    held = {sk for skills in profiles.skills for sk in skills}
    return SeedFacts(
        members=n,
        seed=seed,
        today=TODAY,
        isolated_subsectors=ISOLATED_SUBSECTORS,
        brokers=tuple(ids[b] for b in members.brokers),
        hubs=tuple(ids[i] for i in sorted(range(n), key=lambda i: (profiles.names[i] != vocab.HUBS[0][0], i))
                   if members.kind[i] == "creative-hub"),
        unconnected_members=tuple(ids[i] for i in range(n) if not has_tie[i]),
        inward_members=tuple(ids[i] for i in range(n) if has_tie[i] and not has_external[i]),
        rare_skills=tuple(taxonomy.RARE_SKILLS),
        unheld_skills=tuple(sk for sk in taxonomy.UNHELD_SKILLS if sk not in held),
        open_tenders=tuple(p.id for p in projects.records if p.kind == "tender" and p.status == "open"),
        missing_skill_tender=projects.missing_skill_tender,
        upcoming_events=tuple(e.id for e in events.records if e.date > TODAY_ORD),
        upcoming_round_table=events.upcoming_round_table,
        due_followups=tuple(x.id for x in introductions if x.status == "met" and not x.outcome
                            and x.date < TODAY_ORD - FOLLOW_UP_DAYS),
        ei_index=tuple(ei),
    )


def _check(facts: SeedFacts, members: Members, profiles: Profiles, network: Network) -> None:
    """Fail loudly if a promise does not hold (it would be a generator bug)."""
    problems = []
    primary = members.primary
    lowest = {s for s, _ in facts.ei_index[: len(ISOLATED_SUBSECTORS)]}
    if lowest != set(ISOLATED_SUBSECTORS):
        problems.append(f"isolated subsectors are not the lowest E-I: {facts.ei_index}")
    for b in members.brokers:
        reached = {primary[v] for v in network.adj[b]} - {primary[b]}
        if len(reached) < 3:
            problems.append(f"broker {members.ids[b]} reaches only {sorted(reached)}")
    for sk in profiles.rare_holders:
        count = sum(1 for skills in profiles.skills if sk in skills)
        if not 1 <= count <= 2:
            problems.append(f"rare skill {sk} held by {count}")
    if set(facts.unheld_skills) != set(taxonomy.UNHELD_SKILLS):
        problems.append("an unheld skill is held")
    expected = {members.ids[i] for i in range(members.count) if members.unconnected[i]}
    if set(facts.unconnected_members) != expected:
        problems.append(f"unconnected members {facts.unconnected_members} != {sorted(expected)}")
    if not facts.due_followups:
        problems.append("no introduction is due for follow-up")
    if problems:
        raise RuntimeError("seed generator broke a promise: " + "; ".join(problems))


# ---------------------------------------------------------------------------------------------
# public helpers


def ei_indices(doc: Document) -> dict[str, float]:
    """E-I index per primary subsector over member-member tie records (each unordered pair
    once, whatever its kinds): ``(external - internal) / (external + internal)``."""
    primary = {m.id: m.subsectors[0] for m in doc.members}
    pairs = {(min(t.source, t.target), max(t.source, t.target)) for t in doc.ties
             if t.source in primary and t.target in primary}
    internal = dict.fromkeys(SUBSECTOR_IDS, 0)
    external = dict.fromkeys(SUBSECTOR_IDS, 0)
    for a, b in sorted(pairs):
        sa, sb = primary[a], primary[b]
        if sa == sb:
            internal[sa] += 1
        else:
            external[sa] += 1
            external[sb] += 1
    return {s: (external[s] - internal[s]) / (external[s] + internal[s])
            for s in SUBSECTOR_IDS if external[s] + internal[s]}


def dump_json(doc: Document) -> str:
    """The document as pretty, sorted, deterministic JSON (UTF-8 text, trailing newline)."""
    data = doc.model_dump(mode="json", exclude_none=True)
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
