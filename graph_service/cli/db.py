"""The managed Neo4j server (``db install|start|stop|status|bulk-load``) and the API server (``serve``)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from graph_service.cli.common import connected, err, fail, log, out, settings
from graph_service.neo4j_server.managed import ManagedServer, ServerError, install

__all__ = ["db_app", "serve"]

db_app = typer.Typer(help="The managed local Neo4j server (used when NEO4J_URI is not set).", no_args_is_help=True)


@db_app.command("install")
def db_install() -> None:
    """Assemble the Neo4j jars from Maven Central (once; reused afterwards)."""
    try:
        lib = install(settings(), log=log)
    except ServerError as exc:
        raise fail(str(exc)) from None
    out.print(f"Neo4j jars in {lib}")


@db_app.command("start")
def db_start() -> None:
    """Start the managed Neo4j server and wait until Bolt answers."""
    config = settings()
    if not config.managed:
        raise fail(f"NEO4J_URI is set ({config.neo4j_uri}); the managed server is not used.")
    began = time.monotonic()
    try:
        status = ManagedServer(config).start(log=log)
    except ServerError as exc:
        raise fail(str(exc)) from None
    out.print(f"Neo4j running (pid {status.pid}) on {status.bolt_uri}; ready in {time.monotonic() - began:.1f} s")
    _warn_unfinished()


def _warn_unfinished() -> None:
    """Say so when the graph holds part of an import that was cut off (a batched import, a replace
    or a bulk load): the next start, ``db status`` and ``import`` do."""
    from graph_service.cli.data import unfinished_warning

    with connected() as db:
        warning = unfinished_warning(db)
    if warning:
        err.print(f"[bold yellow]warning:[/] {warning}", highlight=False)


@db_app.command("stop")
def db_stop() -> None:
    """Stop the managed Neo4j server cleanly."""
    stopped = ManagedServer(settings()).stop()
    out.print("Neo4j stopped." if stopped else "Neo4j was not running.")


@db_app.command("status")
def db_status() -> None:
    """Whether the managed server runs, where, and how to reach it."""
    config = settings()
    if not config.managed:
        out.print(f"External Neo4j at {config.neo4j_uri} (NEO4J_URI); the managed server is not used.")
        return
    s = ManagedServer(config).status()
    table = Table(show_header=False)
    for k, v in (("running", s.running), ("pid", s.pid), ("bolt", s.bolt_uri), ("http", s.http_url),
                 ("home", s.home), ("version", s.version)):
        table.add_row(k, str(v))
    out.print(table)
    if not s.running:
        raise typer.Exit(3)
    _warn_unfinished()


@db_app.command("bulk-load")
def db_bulk_load(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, show_default=False,
                                         help="A JSON document or an Excel workbook (.xlsx), every record whole.")],
    force: Annotated[bool, typer.Option("--force", help="Replace the whole graph even if the database holds "
                                        "data (asks for confirmation).")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="With --force: do not ask.")] = False,
) -> None:
    """A first load into an EMPTY database through neo4j-admin's offline importer (much faster than
    'import'): the document is checked and converted to CSV, Neo4j is stopped, imported into, started
    again, and the schema created. Refused when the database holds data, unless --force."""
    from graph_service.cli.data import refused
    from graph_service.errors import DocumentInvalid
    from graph_service.services import bulk_load, imports

    config = settings()
    if not config.managed:
        raise fail(f"NEO4J_URI is set ({config.neo4j_uri}): a bulk load runs on the managed local server only; "
                   "use 'graph-service import FILE --replace' for another server.")
    if file.suffix.lower() == ".csv":
        raise fail("a bulk load takes a whole document (JSON or a workbook), not a member spreadsheet", code=2)
    if force and not yes and not typer.confirm(
            "--force replaces EVERYTHING in the graph with the document (Neo4j is stopped meanwhile). Continue?"):
        raise typer.Exit(1)
    began = time.monotonic()
    try:
        doc = bulk_load.whole_document(imports.read_document_file(file))
        result = bulk_load.bulk_load(config, doc, force=force, log=log)
    except DocumentInvalid as exc:
        raise refused(exc) from None
    except (bulk_load.BulkLoadError, ServerError) as exc:
        raise fail(str(exc)) from None
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in result.phases.items())
    out.print(f"Bulk-loaded {len(doc.members):,} members, {len(doc.ties):,} ties ({result.nodes:,} nodes, "
              f"{result.relationships:,} relationships) in {time.monotonic() - began:.1f} s ({phases}).",
              highlight=False)


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    seed_if_empty: Annotated[bool, typer.Option("--seed-if-empty", help="Seed the default cluster first "
                                                "when the graph has no members.")] = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes. Above 1, browser sessions and "
                                         "rate limits are shared through Redis: GRAPH_SERVICE_REDIS_URL, else a "
                                         "local redis-server started (and stopped) with the service.")] = 1,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs); starts the managed Neo4j first when needed."""
    import os

    import uvicorn

    from graph_service.api.app import create_app
    from graph_service.cli.data import seed_graph
    from graph_service.errors import ConfigurationError
    from graph_service.redis_server import LocalRedis, RedisServerError

    config = settings()
    try:  # before anything starts: no manager key outside development mode is a refusal
        application = create_app(config)
    except ConfigurationError as exc:
        raise fail(str(exc), code=2) from None
    if seed_if_empty:
        seed_graph(members=300, seed=42, if_empty=True)
    else:
        with connected():  # the managed server started and the schema in place before serving
            pass
    out.print(f"Serving on http://{host}:{port} (API docs at http://{host}:{port}/docs)")
    if config.development and config.manager_key is None:
        out.print(f"Development mode: the manager key is in {config.home / 'manager-key'}; log in at "
                  f"http://{host}:{port}/login (or send it as 'Authorization: Bearer <key>').", highlight=False)
    # No access log: its lines hold request paths, and paths hold member ids. The audit log
    # (pseudonymous) records every request instead; see docs/privacy.md.
    if workers == 1:
        uvicorn.run(application, host=host, port=port, log_level="info", access_log=False)
        return
    application.state.db.close()  # built only to refuse early; each worker builds its own
    local = None
    if not config.redis_url:
        local = LocalRedis(config.home)
        try:
            os.environ["GRAPH_SERVICE_REDIS_URL"] = local.start()
        except RedisServerError as exc:
            raise fail(f"--workers {workers} needs a Redis shared by the workers. {exc}", code=2) from None
        out.print(f"Sessions and rate limits in a local redis-server on 127.0.0.1:{local.port} "
                  f"(under {local.dir}, stopped with the service)", highlight=False)
    out.print(f"{workers} worker processes", highlight=False)
    try:
        # A worker's start (imports, the schema check) takes seconds on a busy machine: uvicorn's 5 s
        # default would kill and restart it again and again.
        uvicorn.run("graph_service.api.app:create_app", factory=True, workers=workers, host=host, port=port,
                    log_level="info", access_log=False, timeout_worker_healthcheck=120)
    finally:
        if local is not None:
            local.stop()
