"""What every command shares: the database and the projection, errors as messages and exit codes,
tables or ``--json``, the progress bar, the JSON writer and the options several commands take.

Exit codes: 0 done; 1 refused or failed (an unknown member, a conflict, the database not
reachable); 2 a wrong command line (Typer's usage errors, e.g. a value that is not one of an
option's choices) or input refused as invalid: a document to import, a backup to restore, a key
request, ``serve`` without a manager key; 3 ``db status`` when the managed server is not running.
"""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from pydantic import BaseModel, TypeAdapter
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from graph_service.errors import Conflict, DocumentInvalid, InvalidRequest, NotFound, StoreError
from graph_service.neo4j_server.managed import ManagedServer, ServerError
from graph_service.services.analyses import Subset
from graph_service.services.views import ProjectionCache
from graph_service.settings import Settings, get_settings
from graph_service.store.database import Database
from graph_service.store.readiness import Readiness

__all__ = [
    "REFUSALS",
    "party_names",
    "named",
    "named_text",
    "JoinedOpt",
    "JsonOpt",
    "SubsectorId",
    "SubsectorOpt",
    "ask",
    "connected",
    "day",
    "err",
    "fail",
    "json_text",
    "log",
    "open_database",
    "out",
    "print_json",
    "progress",
    "report_problems",
    "reported",
    "settings",
    "subset",
    "write_json",
]

T = TypeVar("T")

out = Console()
err = Console(stderr=True)

REFUSALS: tuple[type[Exception], ...] = (NotFound, InvalidRequest, Conflict)
"""What the services raise when they refuse a request: a clear message, not a traceback."""


# -- messages and errors --------------------------------------------------------------------------
def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``error: message`` on standard error; raise the returned exit."""
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def log(message: str) -> None:
    """A progress line of the managed server, on standard error."""
    err.print(message, highlight=False)


@contextmanager
def reported(code: int = 1, also: tuple[type[Exception], ...] = ()) -> Iterator[None]:
    """Turn the services' refusals (and the exceptions in ``also``) into a message and exit ``code``."""
    try:
        yield
    except (*REFUSALS, *also) as exc:
        raise fail(str(exc), code) from None


def report_problems(exc: DocumentInvalid) -> typer.Exit:
    """List the problems of a refused document on standard error; raise the returned exit (2)."""
    err.print(f"[bold red]The document was refused; nothing was written.[/] {len(exc.problems)} problem(s):")
    for p in exc.problems:
        err.print(f"  {p.loc}: {p.msg}", highlight=False, markup=False)
    return typer.Exit(2)


# -- the database and the projection --------------------------------------------------------------
def settings() -> Settings:
    return get_settings()


def open_database(config: Settings | None = None, *, start: bool = True) -> Database:
    """A ready database: starts the managed server when needed, applies the schema."""
    config = config or settings()
    if config.managed and start:
        try:
            ManagedServer(config).start(log=log)
        except ServerError as exc:
            raise fail(str(exc)) from None
    db = Database(config)
    try:
        Readiness().ensure(db)
    except StoreError as exc:
        raise fail(str(exc)) from None
    return db


@contextmanager
def connected() -> Iterator[Database]:
    """The database for one command, closed afterwards; a store failure becomes a message (exit 1)."""
    db = open_database()
    try:
        yield db
    except StoreError as exc:
        raise fail(str(exc)) from None
    finally:
        db.close()


def ask(compute: Callable[[Database, ProjectionCache], T], as_json: bool) -> T | None:
    """Open the database and the projection (the manager's view), run ``compute(db, view)`` with
    clear errors and close them; with ``as_json`` print the answer as JSON and return None
    (nothing is left to print), else return the answer for the command to print as tables."""
    with connected() as db, reported():
        result = compute(db, ProjectionCache(db))
    if as_json:
        print_json(result)
        return None
    return result


# -- output -----------------------------------------------------------------------------------------
def party_names(view: ProjectionCache) -> dict[str, str]:
    """The name of every member and organisation in the projection, by id (for the tables)."""
    return {n: str(d.get("name") or n) for n, d in view.current().full.nodes(data=True)}


def named(names: dict[str, str], ident: str) -> str:
    """``Name (id)``: people by name, the id as the detail (the id alone when no name is known)."""
    name = names.get(ident)
    return f"{name} ({ident})" if name and name != ident else ident


def named_text(names: dict[str, str], *idents: str, sep: str = " ↔ ") -> Text:
    """Names for a table cell, the ids dimmed after them; never read as markup (a name may hold '[')."""
    text = Text(sep.join(names.get(i, i) for i in idents))
    if any(names.get(i, i) != i for i in idents):
        text.append(f" ({sep.join(idents)})", style="dim")
    return text


def print_json(value: object) -> None:
    """An answer (a dataclass, a model, a list...) as indented JSON on standard output, fields in order."""
    out.print_json(data=TypeAdapter(type(value)).dump_python(value, mode="json"))


def json_text(data: object) -> str:
    """The one JSON format of the files the CLI writes: indented by one, keys sorted, UTF-8 text,
    a trailing newline (a model without its unset fields). For a document it is byte for byte
    what ``seed.generator.dump_json`` gives, so a written document is deterministic."""
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json", exclude_none=True)
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_json(data: object, file: Path) -> None:
    """Write :func:`json_text` to ``file`` (its folder made if missing), or to standard output for '-'."""
    text = json_text(data)
    if str(file) == "-":
        sys.stdout.write(text)
        return
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")


@contextmanager
def progress(description: str, total: int) -> Iterator[Callable[[str, int], None]]:
    """A progress bar on standard error (gone when done); yields the ``progress(kind, n)`` callback
    that the import and the restore call after each batch."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda _kind, n: bar.advance(task, n)


# -- options several commands share ------------------------------------------------------------------
class SubsectorId(enum.StrEnum):
    """The twelve subsector ids (``graph_service.domain.SUBSECTOR_IDS``, in that order), as a
    choice that Typer checks; tests/test_cli.py keeps the two lists equal."""

    architecture = "architecture"
    crafts_manufacturing = "crafts-manufacturing"
    visual_arts = "visual-arts"
    film_audiovisual = "film-audiovisual"
    design = "design"
    fashion_design = "fashion-design"
    gaming = "gaming"
    marketing_communication = "marketing-communication"
    literature = "literature"
    digital_media_publishing = "digital-media-publishing"
    performing_arts = "performing-arts"
    music = "music"


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
SubsectorOpt = Annotated[SubsectorId | None, typer.Option(metavar="SUBSECTOR",
                                                           help="Only members active in this subsector.")]
JoinedOpt = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Only members who joined before.")]


def day(moment: datetime | None) -> date | None:
    """The date of a ``--since``/``--joined-before`` option (Typer parses dates as datetimes)."""
    return moment.date() if moment else None


def subset(subsector: SubsectorId | None, joined_before: datetime | None) -> Subset:
    """The members an analysis looks at, from ``--subsector`` and ``--joined-before``."""
    return Subset(subsector=subsector.value if subsector else None, joined_before=day(joined_before))
