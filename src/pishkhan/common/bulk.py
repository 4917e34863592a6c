"""Writing thousands of rows at once: the one bulk path of the bulk services (geography, demo network).

Not ``bulk_create``: on SQLite it splits 13,000 rows into hundreds of small statements (its limit of
999 parameters) and prepares every value through its field, seconds of Python for values that are
already plain; building 100,000 model instances alone costs seconds more. Here values go to the
database as they are, only JSON and datetimes adapted: with COPY on PostgreSQL (its bulk path, about
three times faster than batched INSERTs), with ``executemany`` elsewhere. Primary keys not given are
left to the database and not read back: callers that need them reserve them first
(:func:`ids_reserve`) or read the rows back by a natural key.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from django.db import connection, models
from django.db.backends.base.base import BaseDatabaseWrapper

from pishkhan.common.prepared import watched

# Rows per executemany call: memory stays flat, the database sees one prepared statement.
BATCH_SIZE = 1000
# Values per ``__in`` lookup when reading back thousands of rows: under the 999 parameters older
# SQLite builds allow in one statement.
IN_BATCH = 900


def _adapter(field: models.Field) -> Callable[[Any], Any]:
    """How one column's values are made ready for the database, as ``Field.get_db_prep_save`` would.

    An aware datetime goes straight to the backend's adaptation (what ``get_db_prep_save`` ends in,
    without its per-value checks: a third of the cost), each distinct moment once (a batch's rows
    share their times); ``None`` stays ``None``; anything else (a naive datetime, a JSON value) takes
    the field's own path, warnings and all.
    """
    prepare = field.get_db_prep_save
    if not isinstance(field, models.DateTimeField):
        return lambda value: prepare(value, connection)
    moment = moment_adapter()

    def datetime_value(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, dt.datetime) and value.utcoffset() is not None:
            return moment(value)
        return prepare(value, connection)

    return datetime_value


def moment_adapter(db: BaseDatabaseWrapper = connection) -> Callable[[dt.datetime], Any]:
    """The backend's adaptation of aware datetimes, each distinct moment adapted once (the rows of a
    batch, or the rows of one counter request, share their times). Equal aware datetimes are the same
    instant, which every backend stores alike."""
    adapt = db.ops.adapt_datetimefield_value
    done: dict[dt.datetime, Any] = {}

    def moment(value: dt.datetime) -> Any:
        if value not in done:
            done[value] = adapt(value)
        return done[value]

    return moment


def _preparer(fields: Sequence[models.Field]) -> Callable[[list[Any]], list[Any]]:
    """What makes one row's values (in the order of ``fields``) ready for the database, in place."""
    adapt = [
        (i, _adapter(f))
        for i, f in enumerate(fields)
        if isinstance(f, models.JSONField | models.DateTimeField)
    ]

    def prepared(values: list[Any]) -> list[Any]:
        for i, adapted in adapt:
            values[i] = adapted(values[i])
        return values

    return prepared


def _write(model: type[models.Model], fields: Sequence[models.Field], rows: Iterable[list[Any]]) -> None:
    """Write rows whose values are ready (see :func:`_preparer`), in the order of ``fields``."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({columns}) FROM STDIN"

            def copied() -> None:
                # psycopg's own cursor, past Django's wrapper: its errors are made Django's here (a
                # unique key taken meanwhile is an IntegrityError that the caller may handle).
                with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                    for values in rows:
                        copy.write_row(values)

            if connection.execute_wrappers:  # shown to whoever watches the queries, as Django's are
                watched(connection, sql, None, copied)
            else:
                copied()
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        batch: list[list[Any]] = []
        for values in rows:
            batch.append(values)
            if len(batch) == BATCH_SIZE:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def insert_objects(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """INSERT unsaved model instances: every concrete field, the primary key only if they carry one."""
    if not objects:
        return
    with_pk = objects[0].pk is not None  # e.g. audit entries, numbered by their chain
    fields = [field for field in model._meta.concrete_fields if with_pk or not field.primary_key]
    prepared = _preparer(fields)
    _write(model, fields, (prepared([getattr(obj, field.attname) for field in fields]) for obj in objects))


def insert_dicts(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """INSERT rows given as dicts of field values by attribute name (all rows with the same keys)."""
    insert_ready(rows_ready(model, rows))


class Ready(NamedTuple):
    """Rows made ready for the database ahead of their write (:func:`rows_ready`, :func:`insert_ready`),
    so that a writer does that work before it takes its turn, not while others wait for it."""

    model: type[models.Model]
    fields: list[models.Field]
    values: list[list[Any]]

    def fill(self, name: str, values: Sequence[Any]) -> None:
        """Set the field ``name`` (by attribute name) of each row, in order, to a plain value that
        needs no adapting: the keys a writer reserves in its transaction (:func:`ids_reserve`)."""
        column = [field.attname for field in self.fields].index(name)
        for row, value in zip(self.values, values, strict=True):
            row[column] = value


def rows_ready(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> Ready:
    """Rows given as dicts of field values by attribute name (all rows with the same keys), made
    ready for :func:`insert_ready`."""
    fields = [model._meta.get_field(name) for name in rows[0]] if rows else []
    prepared = _preparer(fields)
    return Ready(model, fields, [prepared(list(row.values())) for row in rows])


def insert_ready(ready: Ready) -> None:
    """INSERT rows made ready by :func:`rows_ready`."""
    if ready.values:
        _write(ready.model, ready.fields, ready.values)


def ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys of ``model`` that nobody else will use, for rows written in bulk.

    Rows that others point at (a transaction's events) need their keys before the bulk write, which
    reads nothing back. PostgreSQL draws them from the table's own sequence (what a concurrent
    ``INSERT`` uses too; keys of a rolled-back write are simply skipped). SQLite lets one writer in at
    a time (the settings open transactions ``IMMEDIATE``), so inside the caller's transaction the keys
    after the highest ever given are ours: call it there, and write the rows before committing.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite":
            raise NotImplementedError(f"reserving keys on {connection.vendor}")
        if not connection.in_atomic_block:
            raise RuntimeError("SQLite reserves keys only inside the transaction that writes them")
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")  # noqa: S608 (our table)
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        sequence = cursor.fetchone()
        start = max(highest, sequence[0] if sequence else 0) + 1
    return list(range(start, start + count))


def rows_matching(
    model: type[models.Model],
    *,
    columns: Sequence[str],
    field: str,
    values: Sequence[Any],
    where: Mapping[str, Any] | None = None,
) -> list[tuple[Any, ...]]:
    """``columns`` of the rows whose ``field`` is one of ``values`` (and whose ``where`` fields equal
    theirs): one statement whatever the count, the values passed as one parameter.

    For "which of these thousand keys are stored": ``field__in`` in slices of ``IN_BATCH`` costs a
    statement per slice, each with hundreds of placeholders to render and plan. PostgreSQL takes the
    values as one array, SQLite as one JSON array (``IN (SELECT value FROM json_each(%s))``); both
    probe the field's index once per value. Values are plain (text, numbers), as keys are.

    On PostgreSQL each value is looked up by itself (``unnest`` and a ``LATERAL`` subquery that the
    planner may not flatten: ``OFFSET 0``), not by ``= ANY(%s)``: with that, a planner whose statistics
    put few rows under the ``where`` values (an office that has just recorded its first thousands of
    transactions, before the table is analysed again) scans all of them instead: 30 ms for a
    thousand values where the look-ups take a few.
    """
    if not values:
        return []
    quote = connection.ops.quote_name
    meta = model._meta
    selected = ", ".join(quote(meta.get_field(name).column) for name in columns)
    conditions, params = [], []
    for name, value in (where or {}).items():
        conditions.append(f"{quote(meta.get_field(name).column)} = %s")
        params.append(value)
    matched = meta.get_field(field)
    column, table = quote(matched.column), quote(meta.db_table)
    if connection.vendor == "postgresql":
        conditions.append(f"{column} = wanted.value")
        array = f"{matched.cast_db_type(connection)}[]"
        sql = (
            f"SELECT found.* FROM unnest(%s::{array}) AS wanted(value) CROSS JOIN LATERAL "  # noqa: S608
            f"(SELECT {selected} FROM {table} WHERE {' AND '.join(conditions)} OFFSET 0) AS found"
        )
        params.insert(0, list(dict.fromkeys(values)))  # each value once: each row once, as with IN
    elif connection.vendor == "sqlite":
        conditions.append(f"{column} IN (SELECT value FROM json_each(%s))")  # noqa: S608 (a column name)
        params.append(json.dumps(list(values)))
        sql = f"SELECT {selected} FROM {table} WHERE {' AND '.join(conditions)}"  # noqa: S608
    else:
        raise NotImplementedError(f"matching rows on {connection.vendor}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def objects_update(objects: Sequence[models.Model], field_names: Iterable[str]) -> None:
    """Write the named fields of many rows of one model, each its own values, by primary key, in one
    statement: on PostgreSQL ``UPDATE … FROM (VALUES …)``; elsewhere Django's ``bulk_update``.

    Not ``bulk_update`` on PostgreSQL: its ``CASE … WHEN`` per row and field costs milliseconds of
    Python per row (a batch of 200 outbox rows: seconds), this a few microseconds.
    """
    names = sorted(set(field_names))
    if not objects or not names:
        return
    model = type(objects[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(objects, names)
        return
    meta = model._meta
    fields = [meta.pk, *(meta.get_field(name) for name in names)]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    holders = "(" + ", ".join(f"%s::{field.db_type(connection)}" for field in fields) + ")"
    params: list[Any] = []
    for instance in objects:
        params += [field.get_db_prep_save(getattr(instance, field.attname), connection) for field in fields]
    aliases = ", ".join(f"c{index}" for index in range(len(fields)))
    sets = ", ".join(f"{quote(field.column)} = v.c{index}" for index, field in enumerate(fields) if index)
    sql = (
        f"UPDATE {table} SET {sets} FROM (VALUES {', '.join([holders] * len(objects))}) AS v({aliases}) "  # noqa: S608
        f"WHERE {table}.{quote(meta.pk.column)} = v.c0"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
