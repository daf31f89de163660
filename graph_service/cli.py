"""The ``graph-service`` command line: the managed Neo4j, the API server, import, export and seed."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from graph_service.interchange import Document, DocumentInvalid
from graph_service.neo4j_server.managed import ManagedServer, ServerError, install
from graph_service.settings import Settings, get_settings
from graph_service.store import documents, records
from graph_service.store.database import Database, StoreError
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
    try:
        result = _load(db, doc, replace)
    except DocumentInvalid as exc:
        from graph_service.services.imports import csv_problems

        raise _report_problems(csv_problems(exc) if file.suffix.lower() == ".csv" else exc) from None
    finally:
        db.close()
    counts = ", ".join(f"{v} {k}" for k, v in result.counts.items() if v)
    out.print(f"Imported {counts or 'nothing'} in {time.monotonic() - began:.1f} s"
              f"{' (graph replaced)' if replace else ''}.")


@app.command("export")
def export_cmd(file: Annotated[Path, typer.Argument(help="Where to write the JSON document ('-' for stdout).")]) -> None:
    """Export the whole graph as an interchange document."""
    db = open_database()
    try:
        doc = documents.export_document(db)
    finally:
        db.close()
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
    try:
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
    finally:
        db.close()
    out.print(f"Seeded {len(doc.members)} members, {len(doc.ties)} ties, {len(doc.projects)} projects, "
              f"{len(doc.events)} events, {len(doc.introductions)} introductions "
              f"(generated in {generated:.1f} s, loaded in {done - loaded:.1f} s).")


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

    if seed_if_empty:
        seed_cmd(members=300, seed=42, if_empty=True, out_file=None)
    else:
        open_database().close()
    out.print(f"Serving on http://{host}:{port} (API docs at http://{host}:{port}/docs)")
    uvicorn.run(create_app(), host=host, port=port, log_level="info")


if __name__ == "__main__":  # pragma: no cover
    app()
