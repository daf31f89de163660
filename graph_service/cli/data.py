"""Data in and out: ``import``, ``export``, ``seed``, ``backup`` and ``restore``."""

from __future__ import annotations

import enum
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from graph_service.cli.common import (
    connected,
    err,
    fail,
    out,
    print_json,
    progress,
    reported,
    write_json,
)
from graph_service.errors import DocumentInvalid
from graph_service.interchange import Document
from graph_service.merge import Draft
from graph_service.store import documents
from graph_service.store.database import Database
from graph_service.store.graph import count_nodes

__all__ = ["backup_cmd", "export_cmd", "import_cmd", "load", "refused", "restore_cmd", "seed_cmd", "seed_graph",
           "unfinished_warning"]

SECTIONS = ("skills", "organisations", "members", "ties", "projects", "events", "introductions")


def load(db: Database, doc: Document | Draft, replace: bool) -> documents.ImportResult:
    """Import ``doc`` in batches, with a progress bar."""
    rows = doc.rows() if isinstance(doc, Draft) else sum(len(getattr(doc, k)) for k in SECTIONS)
    with progress("importing", rows) as advance:
        return documents.import_document(db, doc, replace=replace, batch_size=db.settings.import_batch_size,
                                         progress=advance)


def refused(exc: DocumentInvalid) -> typer.Exit:
    """List the first 200 problems on standard error, with how many there are; the exit (2) to raise."""
    from graph_service.merge import capped

    listed, detail = capped(exc.problems)
    err.print(f"[bold red]The document was refused.[/] {detail}", highlight=False)
    for p in listed:
        err.print(f"  {p.loc}: {p.msg}", highlight=False, markup=False)
    return typer.Exit(2)


def unfinished_warning(db: Database) -> str | None:
    """The sentence that says the graph holds part of an import that was cut off, if it does."""
    mark = documents.unfinished_import(db)
    if mark is None:
        return None
    what = "a replace (the graph was cleared first)" if mark.get("replace") else "a merge"
    started = mark.get("started")
    when = f"{started:%Y-%m-%d %H:%M} UTC" if started is not None else "an unknown time"
    return (f"the graph holds part of an import that did not finish ({what} of {mark.get('rows') or 0:,} rows, "
            f"started {when}): run the same import (or bulk load, with --force) again to complete it.")


def _show_preview(plan: documents.ImportPlan, as_json: bool) -> None:
    """The dry run's answer: a table per section, each change old -> new, then the problems."""
    import dataclasses

    from rich.table import Table

    from graph_service.merge import capped

    listed, detail = capped(plan.problems)
    if as_json:
        print_json({
            "dry_run": True, "replace": plan.replace, "valid": not plan.problems,
            "sections": {k: dataclasses.asdict(v) for k, v in plan.plan.items()},
            "detail": detail if plan.problems else "the import would be accepted; nothing was written (dry run).",
            "total_problems": len(plan.problems), "problems": [p.model_dump() for p in listed],
        })
        return
    table = Table(title="What the import would do (dry run: nothing was written)")
    for column in ("section", "created", "updated", "unchanged", "written whole"):
        table.add_column(column, justify="left" if column == "section" else "right")
    for section, s in plan.plan.items():
        table.add_row(section, str(len(s.created)), str(len(s.updated)), str(s.unchanged), str(s.written))
    out.print(table)
    for section, s in plan.plan.items():
        if s.created:
            shown = ", ".join(s.created[:20]) + (f" and {len(s.created) - 20} more" if len(s.created) > 20 else "")
            out.print(f"{section}: new {shown}", highlight=False, markup=False)
        for change in s.updated:
            out.print(f"{section} {change.id}:", highlight=False, markup=False)
            for c in change.changes:
                out.print(f"  {c.field}: {c.old!r} -> {c.new!r}", highlight=False, markup=False)
    if plan.problems:
        err.print(f"[bold red]The import would be refused.[/] {detail}", highlight=False)
        for p in listed:
            err.print(f"  {p.loc}: {p.msg}", highlight=False, markup=False)
    else:
        out.print("No problem: the import would be accepted.")


def _read_for_import(db: Database, file: Path) -> Draft:
    """The file as given: a workbook with a progress bar as its rows are read, a CSV or JSON file
    at once. A spreadsheet may name the graph's skills by display name."""
    from graph_service.services import imports, spreadsheets

    if file.suffix.lower() != ".xlsx":
        return imports.read_document_file(file, db)
    with spreadsheets.open_workbook(file) as book, progress("reading", book.rows) as advance:
        return book.draft(imports.known_skills(db), progress=advance)


def _write_template(target: Path) -> None:
    """``import --template FILE``: the empty workbook whose columns the import reads."""
    import datetime as dt

    from graph_service.services import spreadsheets

    body = spreadsheets.write_template(dt.date.today())
    if str(target) == "-":
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    out.print(f"Wrote the workbook template ({len(body):,} bytes) to {target}: a README sheet explains "
              "every column; fill in the sheets and run 'graph-service import' on it.", highlight=False)


def import_cmd(
    file: Annotated[Path | None, typer.Argument(
        exists=True, dir_okay=False, show_default=False,
        help="A JSON document, a CSV member spreadsheet or an Excel workbook (.xlsx).")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace the whole graph with the document.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show what the import would do (created, "
                                          "updated field by field, unchanged, problems); write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --dry-run: the answer as JSON.")] = False,
    template: Annotated[Path | None, typer.Option(
        "--template", dir_okay=False, metavar="FILE",
        help="Write the empty workbook to fill in (.xlsx: the export's sheets and columns, and a README sheet "
        "explaining them) to FILE ('-' for stdout), and import nothing.")] = None,
) -> None:
    """Import an interchange document (JSON), a member spreadsheet (CSV) or a workbook (.xlsx).

    A merge (without --replace) sets only the fields each record carries: an absent key or
    column keeps the stored value, null or an empty cell clears it (see docs/format.md)."""
    from graph_service.services.imports import csv_problems, read_document_file

    if template is not None:
        if file is not None:
            raise fail("--template writes the template and imports nothing: give FILE or --template", code=2)
        _write_template(template)
        return
    if file is None:
        raise fail("give the FILE to import (or --template FILE for the empty workbook)", code=2)
    spreadsheet = file.suffix.lower() in (".csv", ".xlsx")
    doc: Draft | None = None
    if not spreadsheet:  # a JSON document is read (and refused) before the database is opened
        try:
            doc = read_document_file(file)
        except DocumentInvalid as exc:
            raise refused(exc) from None
    with connected() as db:
        warning = unfinished_warning(db)
        if warning:
            err.print(f"[bold yellow]warning:[/] {warning}", highlight=False)
        if doc is None:
            try:
                doc = _read_for_import(db, file)
            except DocumentInvalid as exc:
                raise refused(exc) from None
        began = time.monotonic()
        if dry_run:
            plan = documents.preview_import(db, doc, replace=replace)
            _show_preview(plan, as_json)
            if plan.problems:
                raise typer.Exit(2)
            return
        try:
            result = load(db, doc, replace)
        except DocumentInvalid as exc:
            raise refused(csv_problems(exc) if file.suffix.lower() == ".csv" else exc) from None
    counts = ", ".join(f"{v} {k}" for k, v in result.counts.items() if v)
    out.print(f"Imported {counts or 'nothing'} in {time.monotonic() - began:.1f} s"
              f"{' (graph replaced)' if replace else ''}.")


class ExportFormat(enum.StrEnum):
    """The formats of ``export`` (``graph_service.web.exports.FORMATS``)."""

    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    gexf = "gexf"
    graphml = "graphml"


def export_cmd(
    file: Annotated[Path, typer.Argument(help="Where to write it ('-' for stdout).")],
    fmt: Annotated[ExportFormat | None, typer.Option(
        "--format", help="json (the interchange document), csv (the members, in the import's columns), xlsx "
        "(a workbook, one sheet per kind), gexf (GEXF 1.3 for Gephi, looking like the ecosystem map) or "
        "graphml. Default: from the file's extension, else json.")] = None,
) -> None:
    """Export the whole graph: an interchange document, a spreadsheet or a graph file for Gephi."""
    from graph_service.services.views import ProjectionCache
    from graph_service.web import exports

    chosen = exports.format_for_path(str(file)) if fmt is None else fmt.value
    if chosen == "json":
        with connected() as db:
            doc = documents.export_document(db)
        write_json(doc, file)  # the one JSON format of the CLI's files
        if str(file) != "-":
            out.print(f"Wrote {len(doc.members)} members, {len(doc.ties)} ties to {file}")
        return
    with connected() as db:
        body = exports.export(ProjectionCache(db), chosen)  # the manager's view: everything
    if str(file) == "-":
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
        return
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(body)
    out.print(f"Wrote the {chosen} export ({len(body):,} bytes) to {file}")


def _generate(members: int, seed: int) -> tuple[Document, float]:
    """The seed cluster, and how long generating it took."""
    from seed.generator import generate_cluster

    began = time.monotonic()
    doc, _facts = generate_cluster(members=members, seed=seed)
    return doc, time.monotonic() - began


def _summary(doc: Document) -> str:
    return (f"{len(doc.members)} members, {len(doc.ties)} ties, {len(doc.projects)} projects, "
            f"{len(doc.events)} events, {len(doc.introductions)} introductions")


def seed_graph(*, members: int, seed: int, if_empty: bool = False, out_file: Path | None = None) -> None:
    """Generate the seed cluster and load it, replacing the graph (``seed``; ``serve --seed-if-empty``)."""
    say = err if out_file is not None and str(out_file) == "-" else out  # stdout holds the document then
    with connected() as db:
        if if_empty and count_nodes(db)["members"] > 0:
            say.print("The graph already holds members; not seeding (--if-empty).")
            return
        doc, generated = _generate(members, seed)
        if out_file is not None:
            write_json(doc, out_file)
        loaded = time.monotonic()
        load(db, doc, replace=True)
        done = time.monotonic()
    say.print(f"Seeded {_summary(doc)} (generated in {generated:.1f} s, loaded in {done - loaded:.1f} s).")


def _write_seed(members: int, seed: int, out_file: Path) -> None:
    """Generate the seed cluster and only write it (what ``python -m seed.generator`` did)."""
    from graph_service.interchange import check_references

    doc, generated = _generate(members, seed)
    problems = check_references(doc)
    if problems:  # the generator promises none; a failure here is a bug in it
        for p in problems[:20]:
            err.print(f"  {p.loc}: {p.msg}", highlight=False, markup=False)
        raise fail(f"the generated document has {len(problems)} reference problem(s); nothing was written")
    write_json(doc, out_file)
    if str(out_file) != "-":
        out.print(f"Wrote {_summary(doc)} to {out_file} (generated in {generated:.1f} s).")


def seed_cmd(
    members: Annotated[int, typer.Option(min=50, max=1_000_000, help="How many members.")] = 300,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same cluster.")] = 42,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Only when the graph has no members yet.")] = False,
    out_file: Annotated[Path | None, typer.Option("--out", help="Also write the document here.")] = None,
    no_load: Annotated[bool, typer.Option("--no-load", help="Only write the document (--out FILE, '-' for "
                                          "stdout); the database is not opened.")] = False,
) -> None:
    """Generate a realistic Luxembourg creative-industries cluster and load it (replacing the graph)."""
    if not no_load:
        seed_graph(members=members, seed=seed, if_empty=if_empty, out_file=out_file)
        return
    if out_file is None:
        raise fail("--no-load: give --out FILE (or --out - for stdout)", code=2)
    if if_empty:
        raise fail("--if-empty: not with --no-load (the graph is not looked at)", code=2)
    _write_seed(members, seed, out_file)


def backup_cmd(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="Where to write it, e.g. graph.json.gz.")],
    allow_incomplete: Annotated[bool, typer.Option(
        "--allow-incomplete", help="Write it even if the graph holds what a restore would not put back.",
    )] = False,
) -> None:
    """Back up the whole graph: a logical backup (gzip JSON, SHA-256 checksum) that works with any Neo4j."""
    from graph_service.services import backup

    with connected() as db, reported(also=(backup.BackupError,)):
        info = backup.write_backup(db, file, allow_incomplete=allow_incomplete)
    for line in info.omitted:
        err.print(f"[yellow]not in the backup:[/] {line}", highlight=False)
    nodes, rels = sum(info.counts.nodes.values()), sum(info.counts.relationships.values())
    out.print(f"Backed up {info.counts.nodes.get('Member', 0)} members ({nodes} nodes, {rels} relationships; "
              f"graph version {info.graph_version}) to {file}: {info.bytes:,} bytes, "
              f"sha256 {info.sha256[:16]}…, in {info.seconds:.1f} s.", highlight=False)


def restore_cmd(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A file written by 'backup'.")],
) -> None:
    """Replace the whole graph with a backup; the file is checked (format, checksum, references) first."""
    from graph_service.services import backup

    with reported(code=2, also=(backup.BackupError,)):
        saved = backup.read_backup(file)
    for line in saved.omitted:
        err.print(f"[yellow]not in this backup:[/] {line}", highlight=False)
    with connected() as db, progress("restoring", saved.rows()) as advance, reported(also=(backup.BackupError,)):
        result = backup.restore_backup(db, saved, batch_size=db.settings.import_batch_size, progress=advance)
    nodes, rels = sum(result.counts.nodes.values()), sum(result.counts.relationships.values())
    members = result.counts.nodes.get("Member", 0)
    out.print(f"Restored the backup of {saved.created:%Y-%m-%d %H:%M %Z}: {members} members ({nodes} nodes, "
              f"{rels} relationships) in {result.transactions} transaction(s), "
              f"{result.seconds:.1f} s; the graph was replaced.", highlight=False)
