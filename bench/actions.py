"""Figures of the action tools on the seed cluster: a month's introduction plan (before and after,
if every introduction succeeded), round-table seating against random seating, and teams for the
open tenders.

    .venv/bin/python bench/actions.py [--members 300] [--seed 42]

Runs against a throw-away managed Neo4j loaded with the seed cluster, through the same services
the HTTP API uses. Prints markdown for docs/benchmarks.md and docs/actions.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import temporary_database

from graph_service.services.planning import Focus, plan_introductions
from graph_service.services.teams import tables_for, teams_for
from graph_service.services.views import ProjectionCache
from graph_service.store import documents
from seed.generator import generate_cluster


def _ei(x: float | None) -> str:
    return "n/a" if x is None else f"{x:+.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    doc, facts = generate_cluster(members=args.members, seed=args.seed)
    with tempfile.TemporaryDirectory(prefix="gs-bench-") as tmp, temporary_database(Path(tmp) / "db") as db:
        documents.import_document(db, doc, replace=True)
        cache = ProjectionCache(db)
        print(f"Seed cluster: {args.members} members, seed {args.seed}.\n")
        print("### Introduction plan: 20 introductions, at most 2 per member (open introductions count)\n")
        print("| focus | cross-subsector ties | members with no tie outside their subsector | "
              "subsector pairs linked | E-I of the most isolated subsectors | time |")
        print("|---|---|---|---|---|---|")
        focuses: tuple[Focus, ...] = ("all", "isolated-subsectors", "new-members")
        for focus in focuses:
            began = time.perf_counter()
            plan = plan_introductions(cache, db, total=20, max_per_member=2, focus=focus)
            took = time.perf_counter() - began
            b, a = plan.effect.before, plan.effect.after
            ei = "; ".join(f"{s} {_ei(v)} → {_ei(a.ei_index[s])}" for s, v in b.ei_index.items())
            print(f"| {focus} ({len(plan.items)} proposed) | {b.cross_subsector_ties} → {a.cross_subsector_ties} | "
                  f"{b.members_without_outside_tie} → {a.members_without_outside_tie} | "
                  f"{b.subsector_pairs_connected} → {a.subsector_pairs_connected} | {ei} | {took:.2f} s |")
        print("\n### Round-table seating against random seating of the same people (200 seeded draws)\n")
        print("| event | attendees | table size | new cross-subsector pairs | random seating | gain | "
              "acquaintances at one table |")
        print("|---|---|---|---|---|---|---|")
        for event, size in ((facts.upcoming_round_table, 4), (facts.upcoming_round_table, 6)) + tuple(
                (e, 8) for e in facts.upcoming_events if e != facts.upcoming_round_table):
            s = tables_for(cache, event, table_size=size).seating
            gain = "n/a" if s.gain_over_random is None else f"{s.gain_over_random:+.0%}"
            print(f"| {event} | {s.attendees} | {size} | {s.new_cross_pairs} | {s.random_new_cross_pairs:.1f} | "
                  f"{gain} | {s.tied_pairs_together} |")
        print("\n### Teams for the open tenders (at most 5 members)\n")
        print("| tender | required skills | best team | cost (sum of distances) | diameter | missing |")
        print("|---|---|---|---|---|---|")
        for pid in facts.open_tenders:
            project = next(p for p in doc.projects if p.id == pid)
            answer = teams_for(cache, project.requires, max_size=5, organisations=True)
            best = answer.items[0] if answer.items else None
            print(f"| {pid} | {len(project.requires)} | "
                  f"{', '.join(m.id for m in best.members) if best else '-'} | "
                  f"{best.communication_cost if best else '-'} | {best.diameter if best else '-'} | "
                  f"{', '.join(m.id for m in answer.missing_skills) or '-'} |")


if __name__ == "__main__":
    main()
