"""Statements of a hot path, planned once per database connection instead of once per request.

Django binds parameters on the client and never prepares a statement on PostgreSQL (so that it works
behind any connection pooler). For the few statements that run thousands of times a second — the
counter's (``transactions.lane``) — planning is most of the database's work: a three-table read
executes in 0.07 ms and plans in over 1 ms. :func:`rows` runs such a statement bound on the server
and prepared on the connection (psycopg keeps the prepared statements per connection; Django's
persistent connections keep them for their life). On SQLite it goes straight to ``sqlite3``, whose
statement cache then keeps it compiled. Everything else goes through Django's cursors.

Django turns psycopg's preparing off unless ``OPTIONS["prepare_threshold"]`` is set, which the
settings do (Django's own cursors bind on the client and are never prepared whatever it says).
Behind PgBouncer in transaction mode, prepared statements need PgBouncer 1.21 or newer with
``max_prepared_statements`` set (docs/operations.md).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db import transaction as db_transaction
from django.db.backends.base.base import BaseDatabaseWrapper

T = TypeVar("T")


def rows(sql: str, params: Sequence[Any], *, db: BaseDatabaseWrapper | None = None) -> list[tuple[Any, ...]]:
    """Run one statement of a hot path (``%s`` placeholders); the rows it returns, if any.

    Errors are Django's (``IntegrityError`` and the rest), and the connection's bookkeeping (a broken
    connection is dropped at the request's end) is Django's, as for any query. ``db``: the default
    connection, when the caller holds it already (each look-up costs a few microseconds).
    """
    db = db if db is not None else connections[DEFAULT_DB_ALIAS]  # the connection, not the proxy
    if db.execute_wrappers:  # someone watches the queries (connection.execute_wrapper): show them this
        return watched(db, sql, params, lambda: _rows(sql, params, db))
    return _rows(sql, params, db)


def _rows(sql: str, params: Sequence[Any], db: BaseDatabaseWrapper) -> list[tuple[Any, ...]]:
    if db.vendor == "sqlite":
        # sqlite3 keeps the statements it compiled (its statement cache), given the same text: the
        # text with SQLite's placeholders, made once.
        db.validate_thread_sharing()
        db.ensure_connection()
        with db.wrap_database_errors:
            cursor = db.connection.execute(_qmarks(sql), params)
            return cursor.fetchall() if cursor.description else []
    if db.vendor != "postgresql":
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    import psycopg  # only where PostgreSQL is the database

    db.validate_thread_sharing()
    db.ensure_connection()
    with db.wrap_database_errors, psycopg.Cursor(db.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchall() if cursor.description else []


def watched(db: BaseDatabaseWrapper, sql: str, params: Sequence[Any] | None, run: Callable[[], T]) -> T:
    """``run()``, which executes ``sql`` past Django's cursors, through the connection's execute
    wrappers (``connection.execute_wrapper``) as Django's cursors pass every statement, so that whoever
    watches the queries (a test, instrumentation) sees these too."""

    def execute(sql: str, params: Any, many: bool, context: dict[str, Any]) -> T:
        return run()

    call: Callable[..., T] = execute
    for wrapper in reversed(db.execute_wrappers):
        call = functools.partial(wrapper, call)
    return call(sql, params, False, {"connection": db, "cursor": None})


@functools.lru_cache(maxsize=256)
def _qmarks(sql: str) -> str:
    return sql.replace("%s", "?")


@contextmanager
def transaction(db: BaseDatabaseWrapper | None = None) -> Iterator[None]:
    """The write transaction of a hot path: Django's ``atomic``, but on SQLite outside any atomic block,
    ``BEGIN IMMEDIATE`` and ``COMMIT`` sent straight to ``sqlite3``.

    Django's ``atomic`` keeps its books around those two statements (autocommit switched off and on,
    the BEGIN through its cursor wrappers): on SQLite about a tenth of a counter request's CPU. The
    connection stays in autocommit mode in Django's eyes, as it is between requests, and nothing of
    Django's runs inside (no ``on_commit`` hooks, no ORM queries: only :func:`rows`). Any exception
    rolls back before it propagates; database errors are Django's. ``db``: as for :func:`rows`.
    """
    db = db if db is not None else connections[DEFAULT_DB_ALIAS]
    if db.vendor != "sqlite" or db.in_atomic_block or not db.get_autocommit():
        with db_transaction.atomic():
            yield
        return
    db.validate_thread_sharing()
    db.ensure_connection()
    raw = db.connection
    with db.wrap_database_errors:
        raw.execute("BEGIN IMMEDIATE")
    try:
        yield
        with db.wrap_database_errors:
            raw.execute("COMMIT")
    except BaseException:
        if raw.in_transaction:
            raw.execute("ROLLBACK")
        raise
