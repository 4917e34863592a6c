"""Statements of a hot path, planned once per database connection instead of once per request.

Django binds parameters on the client and never prepares a statement on PostgreSQL (so that it works
behind any connection pooler). For the few statements that run thousands of times a second — the
counter's (``transactions.lane``) — planning is most of the database's work: a three-table read
executes in 0.07 ms and plans in over 1 ms. :func:`rows` runs such a statement bound on the server
and prepared on the connection (psycopg keeps the prepared statements per connection; Django's
persistent connections keep them for their life). Elsewhere, and for everything else, Django's cursor.

Django turns psycopg's preparing off unless ``OPTIONS["prepare_threshold"]`` is set, which the
settings do (Django's own cursors bind on the client and are never prepared whatever it says).
Behind PgBouncer in transaction mode, prepared statements need PgBouncer 1.21 or newer with
``max_prepared_statements`` set (docs/operations.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection


def rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run one statement of a hot path (``%s`` placeholders); the rows it returns, if any.

    Errors are Django's (``IntegrityError`` and the rest), and the connection's bookkeeping (a broken
    connection is dropped at the request's end) is Django's, as for any query.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    import psycopg  # only where PostgreSQL is the database

    connection.validate_thread_sharing()
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchall() if cursor.description else []
