"""Neo4j access: one driver, managed transactions, queries from the catalog, clear errors.

This is the only module that talks to the driver. Reads go through managed read transactions
and writes through managed write transactions, so a ``neo4j://`` cluster can route them and
transient errors are retried. Everything a write does must therefore be idempotent (MERGE on a
constrained key). Every write also appends a numbered change record in the same transaction
(what it changed, as noted with :func:`graph_service.store.changes.record_change`; "bulk" when it
noted nothing), so every in-memory projection can follow the graph
(:mod:`graph_service.services.views`).

**Clusters and Aura** (docs/operations.md, "Running on a Neo4j cluster or Aura"): every session
of a :class:`Database` shares one bookmark manager, so a read made after a write in this process
sees that write whichever cluster member answers it. A request that must see a write made by
another process (a browser session's last write, kept in Redis by the session store) runs inside
:func:`request_consistency` with the :class:`LastWrite` to wait for (:func:`wait_for`): its reads
carry that write's bookmarks, and the projection refreshes until it holds the write's change
records (:func:`awaited`). On one server the bookmarks are always met at once.
"""

from __future__ import annotations

import contextvars
import json
import logging
import random
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, LiteralString, TypeVar
from urllib.parse import urlsplit, urlunsplit

import neo4j
from neo4j import GraphDatabase, ManagedTransaction, unit_of_work
from neo4j import exceptions as nx_exc

from graph_service.errors import ConfigurationError, QueryTimeout, StoreUnavailable
from graph_service.settings import Settings
from graph_service.store.catalog import query, statements

__all__ = [
    "Database",
    "Connection",
    "LastWrite",
    "RequestConsistency",
    "URI_SCHEMES",
    "awaited",
    "driver_target",
    "request_consistency",
    "resolve_connection",
    "native",
    "wait_for",
]

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Connection:
    uri: str
    user: str
    password: str
    database: str


URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
"""The ``NEO4J_URI`` schemes: ``neo4j`` routes (a cluster, Aura), ``bolt`` talks to one server;
``+s`` encrypts and verifies the certificate (the system's CAs, or
``GRAPH_SERVICE_NEO4J_TRUSTED_CA``), ``+ssc`` encrypts and accepts any certificate."""


def driver_target(uri: str, trusted_ca: Path | None = None) -> tuple[str, dict[str, Any]]:
    """The URI and the encryption settings to give the driver for ``NEO4J_URI``.

    With a private CA (``trusted_ca``) the ``+s`` schemes become their plain form with
    ``encrypted=True`` and ``TrustCustomCAs(ca)``: the driver refuses trust settings beside a
    ``+s`` scheme, and this is the same encryption with the certificate checked against that CA
    instead of the system's."""
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme not in URI_SCHEMES or not parts.hostname:
        raise ConfigurationError(
            f"NEO4J_URI must be {', '.join(s + '://' for s in URI_SCHEMES)} followed by a host "
            f"(e.g. neo4j+s://abcd1234.databases.neo4j.io), not {uri!r}"
        )
    if trusted_ca is None:
        return uri, {}
    if not scheme.endswith("+s"):
        raise ConfigurationError(
            f"GRAPH_SERVICE_NEO4J_TRUSTED_CA is the CA that signed the server's certificate: it needs an "
            f"encrypted NEO4J_URI checking that certificate (neo4j+s:// or bolt+s://), not {scheme}://"
        )
    if not trusted_ca.is_file():
        raise ConfigurationError(f"GRAPH_SERVICE_NEO4J_TRUSTED_CA: no such file {trusted_ca}")
    plain = urlunsplit((scheme.removesuffix("+s"), *parts[1:]))
    return plain, {"encrypted": True, "trusted_certificates": neo4j.TrustCustomCAs(str(trusted_ca))}


# -- causal consistency across processes ----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LastWrite:
    """What a write left behind for a later read to wait for: the bookmarks of its transaction
    (opaque strings from the server; a cluster member serves a read carrying them only once it
    holds that transaction) and the change records it appended, as (shard, number) pairs."""

    bookmarks: tuple[str, ...] = ()
    changes: tuple[tuple[int, int], ...] = ()

    def merged(self, other: LastWrite) -> LastWrite:
        """Both writes (the later bookmarks subsume the earlier on one server or cluster, but
        two processes' writes need both)."""
        changes = dict(self.changes)
        for shard, n in other.changes:
            changes[shard] = max(n, changes.get(shard, 0))
        return LastWrite(tuple(sorted({*self.bookmarks, *other.bookmarks})), tuple(sorted(changes.items())))

    def followed_by(self, later: LastWrite) -> LastWrite:
        """This write, then ``later``, made in a session that carried this one's bookmarks: the
        later bookmarks (they include this write), the change records of both."""
        return LastWrite(later.bookmarks or self.bookmarks, self.merged(later).changes)

    def seen_in(self, positions: tuple[int, ...]) -> bool:
        """Whether change positions ``positions`` (index = shard) include this write's records."""
        return all(shard < len(positions) and positions[shard] >= n for shard, n in self.changes)

    def to_json(self) -> str:
        return json.dumps({"b": list(self.bookmarks), "c": [list(c) for c in self.changes]})

    @classmethod
    def from_json(cls, text: str | bytes) -> LastWrite | None:
        """The write stored with :meth:`to_json`, or None when ``text`` is not one."""
        try:
            data = json.loads(text)
            return cls(tuple(str(b) for b in data["b"]), tuple((int(s), int(n)) for s, n in data["c"]))
        except (ValueError, TypeError, KeyError):
            return None


@dataclass(slots=True)
class RequestConsistency:
    """One request's causal state: the write of another process it must see (``after``) and
    what it wrote itself (``wrote``). Mutable and shared by reference: the request's
    dependencies and route may run in worker threads, which get a copy of the context (the same
    object), so what they note is seen by the middleware that set it."""

    after: LastWrite | None = None
    wrote: LastWrite | None = field(default=None)


_REQUEST: contextvars.ContextVar[RequestConsistency | None] = contextvars.ContextVar(
    "graph_service_request_consistency", default=None)


@contextmanager
def request_consistency(after: LastWrite | None = None) -> Iterator[RequestConsistency]:
    """Run a request (or any unit of work) with its own causal state: reads wait for ``after``
    (and what :func:`wait_for` adds), and the state's ``wrote`` collects this work's writes."""
    state = RequestConsistency(after)
    token = _REQUEST.set(state)
    try:
        yield state
    finally:
        _REQUEST.reset(token)


def wait_for(write: LastWrite | None) -> None:
    """Make the rest of the current request see ``write`` (no-op outside
    :func:`request_consistency` or for None)."""
    state = _REQUEST.get()
    if state is not None and write is not None:
        state.after = write if state.after is None else state.after.merged(write)


def awaited() -> LastWrite | None:
    """The write the current request must see, if any (the projection refreshes until it holds
    that write's change records: :meth:`graph_service.services.views.ProjectionCache.current`)."""
    state = _REQUEST.get()
    return state.after if state is not None else None


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


def _agent(tx: ManagedTransaction) -> str:
    """The name and version of the server that ran a small read."""
    return tx.run(query("schema/ping")).consume().server.agent


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
        # One bookmark manager for every session of this object: a read after a write made
        # through it sees that write, whichever cluster member serves it.
        self._bookmarks = GraphDatabase.bookmark_manager()

    def _unless_bookmarks_refused(self, run: Callable[[], T]) -> T:
        """``run()``, and ``run()`` again without the bookmarks the server cannot honour:

        * bookmarks the request was given to wait for that the server refuses (not this process's
          own: a value kept in Redis by another deployment, or for another database): the refusal
          comes before the transaction begins, nothing ran;
        * this object's own bookmarks when the database never reaches them (``BookmarkTimeout``
          once the driver's retries are spent): its store was replaced under this process (a bulk
          load, a restore of a backup), so the transactions they name will never come. They are
          forgotten (a new bookmark manager), and the request's awaited write with them."""
        try:
            return run()
        except nx_exc.ClientError as exc:
            state = _REQUEST.get()
            if not (exc.code or "").startswith("Neo.ClientError.Transaction.InvalidBookmark") \
                    or state is None or state.after is None or not state.after.bookmarks:
                raise
            log.warning("the server refused the bookmarks of the session's last write (%s); reading without them",
                        exc.code)
            state.after = LastWrite((), state.after.changes)
            return run()
        except nx_exc.TransientError as exc:
            if exc.code != "Neo.TransientError.Transaction.BookmarkTimeout":
                raise
            log.warning("the database is behind the bookmarks this process holds (its store was replaced?); "
                        "forgetting them: %s", exc.message)
            self._bookmarks = GraphDatabase.bookmark_manager()
            state = _REQUEST.get()
            if state is not None and state.after is not None:
                state.after = LastWrite((), state.after.changes)
            return run()

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
                uri, encryption = driver_target(c.uri, self.settings.neo4j_trusted_ca if self._external else None)
                self._driver = GraphDatabase.driver(
                    uri,
                    auth=(c.user, c.password),
                    connection_timeout=self.settings.connection_timeout_s,
                    connection_acquisition_timeout=self.settings.connection_timeout_s * 2,
                    max_transaction_retry_time=self.settings.connection_timeout_s,
                    max_connection_pool_size=50,
                    notifications_min_severity="OFF",
                    **encryption,
                )
            return self._driver

    @property
    def _external(self) -> bool:
        """Whether the connection is the configured ``NEO4J_URI`` (the trusted CA is for it)."""
        return bool(self.settings.neo4j_uri) and self.connection.uri == self.settings.neo4j_uri

    def close(self) -> None:
        with self._lock:
            if self._driver is not None:
                self._driver.close()
                self._driver = None

    def ping(self) -> str:
        """Return the server's version string, or raise :class:`StoreUnavailable`: a small read of
        the configured database (on a cluster, by whichever member the routing table offers)."""
        with _translated(), self._session(neo4j.READ_ACCESS) as session:
            return session.execute_read(_agent)

    def bookmarks(self) -> tuple[str, ...]:
        """The bookmarks of the last transactions made through this object (for a process that
        must see them: :class:`LastWrite`)."""
        return tuple(sorted(self._bookmarks.get_bookmarks()))

    def _session(self, mode: str) -> neo4j.Session:
        after = awaited()
        return self.driver.session(database=self.connection.database, default_access_mode=mode,
                                   bookmark_manager=self._bookmarks,
                                   bookmarks=neo4j.Bookmarks.from_raw_values(after.bookmarks) if after else None)

    def read(self, work: Callable[[Tx], T], *, timeout: float | None = None) -> T:
        """Run ``work`` in a managed read transaction (retried on transient errors)."""

        @unit_of_work(timeout=timeout or self.settings.tx_timeout_s)
        def _work(tx: ManagedTransaction) -> T:
            return work(Tx(tx))

        def run() -> T:
            with _translated(), self._session(neo4j.READ_ACCESS) as session:
                return session.execute_read(_work)

        return self._unless_bookmarks_refused(run)

    def write(self, work: Callable[[Tx], T], *, timeout: float | None = None, bump: bool = True) -> T:
        """Run ``work`` in a managed write transaction; it must be idempotent.

        Unless ``bump`` is False (writes that are no part of the cluster: layouts, impressions,
        the change records' clean-up), a change record is appended in the same transaction: the
        entities ``work`` noted with :func:`~graph_service.store.changes.record_change`, or a
        "bulk" record (every projection reads the whole graph again) when it noted none or more
        than :data:`MAX_CHANGE_IDS`.
        """

        appended: list[tuple[int, int]] = []  # the change record of the attempt that committed

        @unit_of_work(timeout=timeout or self.settings.tx_timeout_s)
        def _work(tx: ManagedTransaction) -> T:
            wrapped = Tx(tx)
            result = work(wrapped)
            appended.clear()
            if bump:
                noted = list(dict.fromkeys(wrapped.changes))
                if not noted or len(noted) > MAX_CHANGE_IDS:
                    noted = [("bulk", "")]
                shard = random.randrange(CHANGE_SHARDS)
                row = tx.run(query("changes/append_change"), shard=shard,
                             kinds=[k for k, _ in noted], ids=[i for _, i in noted]).single()
                if row is not None:
                    appended.append((shard, int(row["n"])))
            return result

        def run() -> T:
            with _translated(), self._session(neo4j.WRITE_ACCESS) as session:
                result = session.execute_write(_work)
                state = _REQUEST.get()
                if state is not None:
                    written = LastWrite(tuple(sorted(session.last_bookmarks().raw_values)), tuple(appended))
                    state.wrote = written if state.wrote is None else state.wrote.followed_by(written)
                return result

        try:
            return self._unless_bookmarks_refused(run)
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
        managed write transaction: on a cluster, on the leader. The wait for the indexes runs
        there too (the leader is where the writes that rely on the constraints run; every other
        member builds its own copy of the indexes as it applies the schema transactions).
        """
        with _translated(), self._session(neo4j.WRITE_ACCESS) as session:
            for stmt in statements("schema/constraints"):
                session.execute_write(_consume, stmt)
            session.execute_write(lambda tx: tx.run(query("schema/ensure_meta")).consume())
            session.execute_write(_consume, query("schema/await_indexes"))
