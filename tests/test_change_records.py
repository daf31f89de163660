"""Change records: every write appends one, and a projection that follows them stays equal to a
fresh read of the whole graph (real Neo4j).

* The fast full read (``store.changes.read_document``) gives the same document as the export.
* Random sequences of writes and deletions through the services (members, ties, confirmations,
  attendance, teams, introductions, keys, organisations, erasure, an import) leave the
  incrementally refreshed projection, and its consented views, equal to a fresh full read: the
  same documents, and graphs with the same nodes in the same order, the same adjacency rows in
  the same order, the same attributes.
* An erasure leaves no change record naming the member (it and those before it become bulk
  records). A second cache on the same database (another process) sees a write within a second;
  a gap in the numbers and a bulk record make it read everything; memo entries that do not depend on
  what changed survive.
* Statically: every store function that writes the cluster notes its change (``record_change``).
"""

from __future__ import annotations

import ast
import random
import time
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph_service.analytics.graph import adjacency, node_data
from graph_service.errors import Conflict, DocumentInvalid, InvalidRequest, NotFound
from graph_service.interchange import Document, MemberRecord
from graph_service.services import introductions as intros
from graph_service.services import keys, privacy
from graph_service.services import records as recs
from graph_service.services import ties as tie_service
from graph_service.services.imports import read_document_file
from graph_service.services.views import ConsentView, Projection, ProjectionCache, project
from graph_service.services.visibility import MANAGER_VIEW, Viewer, consented_document
from graph_service.settings import PROJECT_ROOT
from graph_service.store import members as member_store
from graph_service.store.changes import forget_changes, read_document
from graph_service.store.database import Database
from graph_service.store.documents import export_document, import_document

SEED_FILE = PROJECT_ROOT / "seed" / "cluster.json"
STORE_DIR = PROJECT_ROOT / "graph_service" / "store"
# Store functions that write without naming what they changed: each appends a "bulk" record
# (every projection reads everything again), which is right for what they do.
BULK_WRITES = {
    ("documents.py", "clear_graph"),  # a replace import's first step, the tests' clean graph
    ("documents.py", "import_document"),
    ("documents.py", "_write"),
}


@pytest.fixture
def seeded(db: Database) -> Database:
    import_document(db, read_document_file(SEED_FILE), replace=True)
    return db


# -- comparing projections ------------------------------------------------------------------------
def shape(G: nx.Graph[str]) -> tuple[Any, ...]:
    """Everything about a graph, in order."""
    return (list(node_data(G).items()), [(n, list(row.items())) for n, row in adjacency(G).items()], dict(G.graph))


def assert_same_graph(got: nx.Graph[str], want: nx.Graph[str], what: str) -> None:
    g_nodes, g_rows, g_attrs = shape(got)
    w_nodes, w_rows, w_attrs = shape(want)
    assert [n for n, _ in g_nodes] == [n for n, _ in w_nodes], f"{what}: node order"
    for (n, d), (_, e) in zip(g_nodes, w_nodes, strict=True):
        assert d == e, f"{what}: attributes of {n}"
    for (n, row), (_, want_row) in zip(g_rows, w_rows, strict=True):
        assert [m for m, _ in row] == [m for m, _ in want_row], f"{what}: neighbours of {n}"
        assert row == want_row, f"{what}: edges of {n}"
    assert g_attrs.keys() == w_attrs.keys()
    for k in w_attrs:
        assert g_attrs[k] == w_attrs[k], f"{what}: graph attribute {k}"


def assert_same_document(got: Document, want: Document, what: str) -> None:
    for section in Document.model_fields:
        assert getattr(got, section) == getattr(want, section), f"{what}: section {section}"


def assert_same(got: Projection, want: Projection, what: str) -> None:
    assert_same_document(got.document, want.document, what)
    assert_same_graph(got.full, want.full, f"{what} (full)")
    assert_same_graph(got.members, want.members, f"{what} (members)")


def fresh(db: Database) -> Projection:
    positions, doc = read_document(db)
    return project(sum(positions), doc, positions)


# -- the fast full read ---------------------------------------------------------------------------
def test_the_fast_read_equals_the_export(seeded: Database) -> None:
    positions, doc = read_document(seeded)
    old = export_document(seeded)
    assert_same_document(doc, old, "fast read")
    assert doc == old
    for got, want in zip(doc.members, old.members, strict=True):
        assert got.model_fields_set == want.model_fields_set
    old_projection = project(0, old)
    assert_same(project(0, doc), old_projection, "projection of the fast read")
    # The members graph is what the subgraph copy used to give.
    from graph_service.analytics import member_nodes

    copied = old_projection.full.subgraph(member_nodes(old_projection.full)).copy()
    assert_same_graph(old_projection.members, copied, "members graph")
    assert sum(positions) == seeded.version()


@pytest.mark.parametrize("page", [1, 7, 300])
def test_the_fast_read_in_pages_equals_the_export(seeded: Database, page: int) -> None:
    # The full read takes each section in pages (so that no result outgrows the server's
    # transaction memory); pages of one, of 7 and of a whole section give the same document.
    _positions, doc = read_document(seeded, page=page)
    assert doc == export_document(seeded)


# -- random writes --------------------------------------------------------------------------------
class Writer:
    """Random writes through the services, each one of many kinds."""

    def __init__(self, db: Database, rng: random.Random):
        self.db, self.rng = db, rng
        self.new = 0
        self.erased = 0  # an erasure is a bulk record: every projection reads everything

    def doc(self) -> Document:
        return read_document(self.db)[1]

    def pick(self, items: list[Any]) -> Any:
        return self.rng.choice(items)

    # Each returns a short description of what it did.
    def member_update(self, d: Document) -> str:
        m = self.pick(d.members)
        visibility = self.pick(["private", "members", "public"])
        skills = [s.id for s in self.rng.sample(d.skills, self.rng.randint(0, 3))]
        member_store.replace_member(self.db, m.model_copy(update={
            "name": m.name + " II", "visibility": visibility, "skills": skills}))
        return f"member {m.id} -> {visibility}"

    def member_create(self, d: Document) -> str:
        self.new += 1
        ident = f"m-9{self.new:02d}"
        member_store.create_member(self.db, MemberRecord(id=ident, name=f"New member {self.new}",
                                                         subsectors=[self.pick(["gaming", "music", "design"])],
                                                         visibility=self.pick(["private", "public"])))
        return f"new member {ident}"

    def tie_record(self, d: Document) -> str:
        a, b = self.rng.sample([m.id for m in d.members], 2)
        kind = self.pick(["knows", "collaborated"])
        tie_service.record_tie(self.db, a, b, kind=kind, weight=round(self.rng.uniform(0.1, 1.0), 2),
                               since=date(2024, 1, self.rng.randint(1, 28)), confirmed=self.rng.random() < 0.5)
        return f"tie {a}-{b} {kind}"

    def tie_confirm(self, d: Document) -> str:
        waiting = [t for t in d.ties if not t.confirmed and t.target.startswith("m-")]
        t = self.pick(waiting)
        tie_service.confirm_tie(self.db, t.target, t.source, kind=t.kind)
        return f"confirm {t.source}-{t.target}"

    def tie_withdraw(self, d: Document) -> str:
        t = self.pick(d.ties)
        member, other = (t.source, t.target) if t.source.startswith("m-") else (t.target, t.source)
        tie_service.withdraw_tie(self.db, member, other, kind=t.kind)
        return f"withdraw {t.source}-{t.target}"

    def attendance(self, d: Document) -> str:
        e = self.pick(d.events)
        if e.attendees and self.rng.random() < 0.5:
            who = self.pick(e.attendees)
            recs.remove_attendee(self.db, e.id, who, actor=MANAGER_VIEW)
            return f"{who} off {e.id}"
        who = self.pick(d.members).id
        recs.add_attendee(self.db, e.id, who, actor=MANAGER_VIEW)
        return f"{who} at {e.id}"

    def team(self, d: Document) -> str:
        p = self.pick(d.projects)
        if p.team and self.rng.random() < 0.5:
            who = self.pick(p.team)
            recs.remove_team_member(self.db, p.id, who, actor=MANAGER_VIEW)
            return f"{who} off {p.id}"
        who = self.pick(d.members).id
        recs.add_team_member(self.db, p.id, who, actor=MANAGER_VIEW)
        return f"{who} on {p.id}"

    def event_create_or_delete(self, d: Document) -> str:
        if self.rng.random() < 0.5:
            e = self.pick(d.events)
            recs.delete_event(self.db, e.id, actor=MANAGER_VIEW)
            return f"delete {e.id}"
        people = [m.id for m in self.rng.sample(d.members, 5)]
        e2 = recs.create_event(self.db, {"title": "Small table", "date": date(2025, 5, 1), "attendees": people},
                               actor=MANAGER_VIEW)
        return f"new event {e2.id}"

    def introduction(self, d: Document) -> str:
        live = [x for x in d.introductions if x.status in ("proposed", "accepted", "met", "no-follow-up")]
        if live and self.rng.random() < 0.7:
            x = self.pick(live)
            if x.status == "proposed":
                for side in (x.a, x.b):
                    if side.startswith("m-"):
                        intros.respond(self.db, x.id, member=side, answer="accept")
                return f"accept {x.id}"
            step = {"accepted": "met", "met": "collaborating", "no-follow-up": "collaborating"}[x.status]
            intros.advance(self.db, x.id, status=step)
            return f"{x.id} -> {step}"
        a, b = self.rng.sample([m.id for m in d.members], 2)
        row = intros.propose(self.db, a=a, b=b)
        return f"propose {row['id']}"

    def key(self, d: Document) -> str:
        m = self.pick(d.members)
        keys.create_key(self.db, role="member", member=m.id, name="test")
        return f"key of {m.id}"

    def organisation(self, d: Document) -> str:
        o = self.pick(d.organisations)
        if self.rng.random() < 0.5:
            recs.update_organisation(self.db, o.id, {"name": o.name + " SA"}, actor=MANAGER_VIEW)
            return f"rename {o.id}"
        recs.delete_organisation(self.db, o.id, actor=MANAGER_VIEW)
        return f"delete {o.id}"

    def erase(self, d: Document) -> str:
        m = self.pick(d.members)
        privacy.erase_member(self.db, m.id)
        self.erased += 1
        return f"erase {m.id}"

    KINDS = ("member_update", "member_create", "tie_record", "tie_confirm", "tie_withdraw", "attendance", "team",
             "event_create_or_delete", "introduction", "key", "organisation", "erase")

    def one(self, kind: str | None = None) -> str:
        d = self.doc()
        kind = kind or self.pick(self.KINDS)
        try:
            return getattr(self, kind)(d)  # type: ignore[no-any-return]  # each returns a str
        except (Conflict, NotFound, InvalidRequest, DocumentInvalid, IndexError) as exc:
            return f"{kind} refused: {exc}"


VIEWERS = (Viewer("member"), Viewer("client"))


def test_random_writes_keep_the_projection_equal_to_a_full_read(seeded: Database) -> None:
    cache = ProjectionCache(seeded)
    cache.current()
    views = {v: cache.view(v) for v in VIEWERS}
    for view in views.values():
        view.current()
    assert cache.full_reads == 1
    rng = random.Random(14)
    writer = Writer(seeded, rng)
    done = []
    for step in range(36):
        done.append(writer.one("erase" if step == 17 else None))
        if step % 2:
            continue
        got = cache.current()
        want = fresh(seeded)
        assert got.positions == want.positions
        assert_same(got, want, f"after {done}")
        for viewer, view in views.items():
            assert_same(view.current(), project(0, consented_document(want.document, viewer)),
                        f"{viewer.role} view after {done[-3:]}")
    assert writer.erased, "the sequence erased a member"
    assert cache.full_reads == 1 + writer.erased, "every change but the erasures was laid in"
    assert cache.refreshes > 10
    assert all(isinstance(v, ConsentView) and v.builds <= 1 + writer.erased and v.refreshes > 5
               for v in views.values())
    # A private member's own view follows too.
    private = next(m for m in cache.current().document.members if m.visibility == "private")
    own = cache.view(Viewer("member", private.id))
    own.current()
    for _ in range(6):
        writer.one()
    want = fresh(seeded)
    assert_same(cache.current(), want, "after more writes")
    assert_same(own.current(), project(0, consented_document(want.document, own.viewer)), "own view")


def test_an_erasure_leaves_no_change_record_naming_the_member(seeded: Database) -> None:
    cache = ProjectionCache(seeded)
    d = cache.current().document
    m, other = d.members[0], d.members[1]
    member_store.replace_member(seeded, m.model_copy(update={"name": "Soon erased"}))
    tie_service.record_tie(seeded, other.id, m.id, kind="collaborated", weight=0.4, confirmed=True)
    privacy.erase_member(seeded, m.id)
    assert privacy.find_mentions(seeded, m.id, None) == []
    got = cache.current()
    assert m.id not in got.full and cache.full_reads == 2
    assert_same(got, fresh(seeded), "after the erasure")


def test_an_import_is_a_bulk_record_and_reads_everything(seeded: Database) -> None:
    cache = ProjectionCache(seeded)
    cache.current()
    doc = Document(members=[MemberRecord(id="m-001", name="Renamed by import", subsectors=["gaming"])])
    import_document(seeded, doc)
    got = cache.current()
    assert cache.full_reads == 2
    assert got.document.members[0].name == "Renamed by import"
    assert_same(got, fresh(seeded), "after the import")


# -- other processes, gaps, memo ------------------------------------------------------------------
def test_another_process_sees_a_write_within_a_second(seeded: Database) -> None:
    other_db = Database(seeded.settings, seeded.connection)  # its own driver, no local write listener
    try:
        other = ProjectionCache(other_db, check_interval=1.0)
        before = other.current()
        m = before.document.members[0]
        member_store.replace_member(seeded, m.model_copy(update={"name": "Seen elsewhere"}))
        written = time.monotonic()
        while other.current().members.nodes[m.id]["name"] != "Seen elsewhere":
            assert time.monotonic() - written < 1.5, "not seen within a second"
            time.sleep(0.05)
        assert other.full_reads == 1 and other.refreshes == 1
    finally:
        other_db.close()


def test_a_local_write_during_a_look_at_the_positions_is_not_lost(seeded: Database, monkeypatch) -> None:
    # A request reads the positions; a write of this process commits right after that read (and
    # invalidates the cache) before the request marks the projection checked. The next request
    # must still look, not serve the projection without the write for check_interval.
    from graph_service.services import views

    cache = ProjectionCache(seeded, check_interval=3600.0)
    m = cache.current().document.members[0]
    read_positions = views.positions

    def positions_then_a_write(db: Database) -> Any:
        seen = read_positions(db)
        monkeypatch.setattr(views, "positions", read_positions)  # once
        member_store.replace_member(seeded, m.model_copy(update={"name": "Written beside the look"}))
        return seen

    monkeypatch.setattr(views, "positions", positions_then_a_write)
    cache.invalidate()
    assert cache.current().members.nodes[m.id]["name"] == m.name  # the look saw the positions before it
    assert cache.current().members.nodes[m.id]["name"] == "Written beside the look"


def test_a_gap_in_the_numbers_reads_everything(seeded: Database) -> None:
    cache = ProjectionCache(seeded)
    cache.current()
    m = cache.current().document.members[0]
    member_store.replace_member(seeded, m.model_copy(update={"name": "First"}))
    member_store.replace_member(seeded, m.model_copy(update={"name": "Second"}))
    assert forget_changes(seeded, keep_s=-60) >= 2  # every record, as if a day had passed
    got = cache.current()
    assert cache.full_reads == 2
    assert got.members.nodes[m.id]["name"] == "Second"
    member_store.replace_member(seeded, m.model_copy(update={"name": "Third"}))
    assert cache.current().members.nodes[m.id]["name"] == "Third"
    assert cache.full_reads == 2 and cache.refreshes == 1


def test_reload_reads_everything(seeded: Database) -> None:
    cache = ProjectionCache(seeded)
    first = cache.current()
    cache.reload()
    assert cache.current() is not first and cache.full_reads == 2


def test_memo_entries_unrelated_to_a_change_survive(seeded: Database) -> None:
    cache = ProjectionCache(seeded)
    calls: dict[str, int] = {}

    def counted(name: str) -> Any:
        def compute(p: Projection) -> int:
            calls[name] = calls.get(name, 0) + 1
            return p.version

        return compute

    def ask() -> None:
        cache.memo(("events-only",), counted("events"), depends={"events"})
        cache.memo(("graph-analysis",), counted("graph"), depends={"graph"})
        cache.memo(("communities", "x"), counted("communities"))  # the analyses' default: the graph
        cache.memo(("anything",), counted("anything"))  # no keys: everything

    ask()
    d = cache.current().document
    a, b = next((x.id, y.id) for x in d.members for y in d.members
                if x.id < y.id and not any({t.source, t.target} == {x.id, y.id} for t in d.ties))
    tie_service.record_tie(seeded, a, b, kind="knows", weight=0.7, confirmed=True)
    ask()
    assert calls == {"events": 1, "graph": 2, "communities": 2, "anything": 2}
    recs.update_event(seeded, d.events[0].id, {"title": "Renamed event"}, actor=MANAGER_VIEW)
    ask()
    assert calls == {"events": 2, "graph": 2, "communities": 2, "anything": 3}
    with pytest.raises(ValueError, match="unknown dependency"):
        cache.memo(("bad",), counted("bad"), depends={"tie"})


def test_a_write_that_changes_nothing_drops_nothing(seeded: Database) -> None:
    cache = ProjectionCache(seeded)
    calls = []
    cache.memo(("anything",), lambda p: calls.append(1))
    keys.create_key(seeded, role="client", name="website")  # a key: no part of the projection
    cache.memo(("anything",), lambda p: calls.append(1))
    assert len(calls) == 1 and cache.refreshes == 1


# -- every write records its change ---------------------------------------------------------------
def _writes_without_opt_out(fn: ast.AST) -> bool:
    """Whether ``fn`` calls ``<x>.write(...)`` without ``bump=False``."""
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "write" \
                and node.args:
            bump = next((k.value for k in node.keywords if k.arg == "bump"), None)
            if not (isinstance(bump, ast.Constant) and bump.value is False):
                return True
    return False


def _called_names(fn: ast.AST) -> set[str]:
    return {n.func.id for n in ast.walk(fn) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}


def _recording(functions: dict[str, ast.AST]) -> set[str]:
    """The module's functions that call ``record_change``, directly or through each other."""
    records = {name for name, fn in functions.items() if "record_change" in _called_names(fn)}
    grew = True
    while grew:
        grew = False
        for name, fn in functions.items():
            if name not in records and _called_names(fn) & records:
                records.add(name)
                grew = True
    return records


def store_write_problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    recording = _recording(functions)
    return [f"{path.name}: {name} writes without record_change (or bump=False for what is no part of the cluster)"
            for name, fn in functions.items()
            if _writes_without_opt_out(fn) and name not in recording and (path.name, name) not in BULK_WRITES]


def test_every_store_write_records_its_change() -> None:
    problems = [p for path in sorted(STORE_DIR.glob("*.py")) if path.name != "database.py"
                for p in store_write_problems(path)]
    assert not problems, "\n".join(problems)


def test_the_write_checker_sees_a_forgotten_record(tmp_path: Path) -> None:
    module = tmp_path / "area.py"
    module.write_text(
        "def good(db):\n    db.write(lambda tx: _save(tx))\n"
        "def _save(tx):\n    tx.run('x/y')\n    record_change(tx, 'member', 'm-1')\n"
        "def layout(db):\n    db.write(lambda tx: tx.run('x/z'), bump=False)\n"
        "def forgot(db):\n    def work(tx):\n        tx.run('x/y')\n    db.write(work)\n"
    )
    assert store_write_problems(module) == [
        "area.py: forgot writes without record_change (or bump=False for what is no part of the cluster)"]
