"""Neo4j access: one driver, managed transactions, queries from the catalog, clear errors.

This is the only module that talks to the driver. Reads go through managed read transactions
and writes through managed write transactions, so a ``neo4j://`` cluster can route them and
transient errors are retried. Everything a write does must therefore be idempotent (MERGE on a
constrained key). Every write also appends a numbered change record in the same transaction
(what it changed, as noted with :func:`graph_service.store.changes.record_change`; "bulk" when it
noted nothing), so every in-memory projection can follow the graph
(:mod:`graph_service.services.views`).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, LiteralString, TypeVar

import neo4j
from neo4j import GraphDatabase, ManagedTransaction, unit_of_work
from neo4j import exceptions as nx_exc

from graph_service.errors import QueryTimeout, StoreUnavailable
from graph_service.settings import Settings
from graph_service.store.catalog import query, statements

__all__ = [
    "Database",
    "Connection",
    "resolve_connection",
    "native",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Connection:
    uri: str
    user: str
    password: str
    database: str


def resolve_connection(settings: Settings) -> Connection:
    """Where to connect: ``NEO4J_URI`` when set, else the managed local server."""
    if settings.neo4j_uri:
        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
        return Connection(settings.neo4j_uri, settings.neo4j_user, password, settings.neo4j_database)
    from graph_service.neo4j_server.managed import ManagedServer

    server = ManagedServer(settings)
    return Connection(server.bolt_uri, "neo4j", server.password(), "neo4j")


def native(value: Any) -> Any:
    """Turn driver values (temporal types, nested lists and maps) into plain Python values."""
    if hasattr(value, "to_native"):
        return value.to_native()
    if isinstance(value, list):
        return [native(v) for v in value]
    if isinstance(value, dict):
        return {k: native(v) for k, v in value.items()}
    return value


_TIMEOUT_CODES = (
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
    "Neo.TransientError.Transaction.MemoryLimitExceeded",
    "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
)


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except (nx_exc.ServiceUnavailable, nx_exc.SessionExpired) as exc:
        raise StoreUnavailable(f"Neo4j is not answering: {exc}") from None
    except nx_exc.AuthError as exc:
        raise StoreUnavailable(f"Neo4j refused the credentials: {exc.message}") from None
    except nx_exc.DatabaseUnavailable as exc:  # the server is shutting down or still starting
        raise StoreUnavailable(f"Neo4j's database is not available: {exc.message}") from None
    except nx_exc.Neo4jError as exc:
        if exc.code in _TIMEOUT_CODES or "TransactionTimedOut" in (exc.code or ""):
            raise QueryTimeout(f"the query was stopped: {exc.message}") from None
        raise
    except OSError as exc:
        raise StoreUnavailable(f"Neo4j is not answering: {exc}") from None


def _consume(tx: ManagedTransaction, statement: LiteralString) -> neo4j.ResultSummary:
    """Run one statement in a managed transaction and wait for it to finish."""
    return tx.run(statement).consume()


Rows = list[dict[str, Any]]


CHANGE_SHARDS = 16
"""How many counters number the change records: a write takes the next number of one of them,
picked at random, so concurrent writers rarely wait for each other's commit."""
MAX_CHANGE_IDS = 2_000
"""A write that changes more entities than this appends a "bulk" record (re-read everything)."""


class Tx:
    """A thin view of a managed transaction that runs catalog queries by name."""

    def __init__(self, tx: ManagedTransaction):
        self._tx = tx
        self.changes: list[tuple[str, str]] = []

    def note_change(self, kind: str, ids: Iterable[str]) -> None:
        """Remember that this transaction changed the entities ``ids`` of ``kind`` (see
        :func:`graph_service.store.changes.record_change`)."""
        self.changes.extend((kind, i) for i in ids)

    def values(self, name: str, **params: Any) -> tuple[list[str], list[list[Any]]]:
        """The column names and the rows of a catalog query as plain lists of the driver's values
        (temporal values not converted: for the bulk reads, which convert the few that need it)."""
        result = self._tx.run(query(name), params)
        return list(result.keys()), [r.values() for r in result]

    def rows(self, name: str, **params: Any) -> Rows:
        return [native(r.data()) for r in self._tx.run(query(name), params)]

    def one(self, name: str, **params: Any) -> dict[str, Any] | None:
        rows = self.rows(name, **params)
        return rows[0] if rows else None

    def run(self, name: str, **params: Any) -> None:
        self._tx.run(query(name), params).consume()

    def run_text(self, text: Any, **params: Any) -> None:
        """Run one statement of a multi-statement catalog file (see ``catalog.statements``)."""
        self._tx.run(text, params).consume()


class Database:
    """The Neo4j driver and the managed transactions the rest of the service uses."""

    def __init__(self, settings: Settings, connection: Connection | None = None):
        self.settings = settings
        self._connection = connection
        self._driver: neo4j.Driver | None = None
        self._lock = threading.Lock()
        self._write_listeners: list[Callable[[], None]] = []

    def on_write(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` after every write that bumps the version, made through this object."""
        self._write_listeners.append(listener)

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            self._connection = resolve_connection(self.settings)
        return self._connection

    @property
    def driver(self) -> neo4j.Driver:
        with self._lock:
            if self._driver is None:
                c = self.connection
                self._driver = GraphDatabase.driver(
                    c.uri,
                    auth=(c.user, c.password),
                    connection_timeout=self.settings.connection_timeout_s,
                    connection_acquisition_timeout=self.settings.connection_timeout_s * 2,
                    max_transaction_retry_time=self.settings.connection_timeout_s,
                    max_connection_pool_size=50,
                    notifications_min_severity="OFF",
                )
            return self._driver

    def close(self) -> None:
        with self._lock:
            if self._driver is not None:
                self._driver.close()
                self._driver = None

    def ping(self) -> str:
        """Return the server's version string, or raise :class:`StoreUnavailable`."""
        with _translated():
            info = self.driver.get_server_info()
            return info.agent

    def _session(self, mode: str) -> neo4j.Session:
        return self.driver.session(database=self.connection.database, default_access_mode=mode)

    def read(self, work: Callable[[Tx], T], *, timeout: float | None = None) -> T:
        """Run ``work`` in a managed read transaction (retried on transient errors)."""

        @unit_of_work(timeout=timeout or self.settings.tx_timeout_s)
        def _work(tx: ManagedTransaction) -> T:
            return work(Tx(tx))

        with _translated(), self._session(neo4j.READ_ACCESS) as session:
            return session.execute_read(_work)

    def write(self, work: Callable[[Tx], T], *, timeout: float | None = None, bump: bool = True) -> T:
        """Run ``work`` in a managed write transaction; it must be idempotent.

        Unless ``bump`` is False (writes that are no part of the cluster: layouts, impressions,
        the change records' clean-up), a change record is appended in the same transaction: the
        entities ``work`` noted with :func:`~graph_service.store.changes.record_change`, or a
        "bulk" record (every projection reads the whole graph again) when it noted none or more
        than :data:`MAX_CHANGE_IDS`.
        """

        @unit_of_work(timeout=timeout or self.settings.tx_timeout_s)
        def _work(tx: ManagedTransaction) -> T:
            wrapped = Tx(tx)
            result = work(wrapped)
            if bump:
                noted = list(dict.fromkeys(wrapped.changes))
                if not noted or len(noted) > MAX_CHANGE_IDS:
                    noted = [("bulk", "")]
                tx.run(query("changes/append_change"), shard=random.randrange(CHANGE_SHARDS),
                       kinds=[k for k, _ in noted], ids=[i for _, i in noted]).consume()
            return result

        try:
            with _translated(), self._session(neo4j.WRITE_ACCESS) as session:
                return session.execute_write(_work)
        finally:
            # Also after a failure: the outcome of a write cut off mid-commit is unknown.
            if bump:
                for listener in self._write_listeners:
                    listener()

    # Shorthands for the common one-query cases.
    def rows(self, name: str, params: Mapping[str, Any] | None = None, *, timeout: float | None = None) -> Rows:
        return self.read(lambda tx: tx.rows(name, **(params or {})), timeout=timeout)

    def one(self, name: str, params: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
        return self.read(lambda tx: tx.one(name, **(params or {})))

    def version(self) -> int:
        """The graph's version: how many change records were ever appended (the sum of the
        shards' numbers), so it grows with every write."""
        row = self.one("changes/version")
        return int(row["version"]) if row else 0

    def apply_schema(self) -> None:
        """Create the constraints and indexes (idempotent: ``IF NOT EXISTS``), then wait for them.

        Schema statements cannot share a transaction with data writes, so each runs in its own
        managed write transaction.
        """
        with _translated(), self._session(neo4j.WRITE_ACCESS) as session:
            for stmt in statements("schema/constraints"):
                session.execute_write(_consume, stmt)
            session.execute_write(lambda tx: tx.run(query("schema/ensure_meta")).consume())
        with _translated(), self._session(neo4j.READ_ACCESS) as session:
            session.run(query("schema/await_indexes")).consume()
