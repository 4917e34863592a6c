"""Writing thousands of rows at once: the one bulk path of the bulk services (geography, demo network).

Not ``bulk_create``: on SQLite it splits 13,000 rows into hundreds of small statements (its limit of
999 parameters) and prepares every value through its field, seconds of Python for values that are
already plain; building 100,000 model instances alone costs seconds more. Here values go to the
database as they are, only JSON and datetimes adapted: with COPY on PostgreSQL (its bulk path, about
three times faster than batched INSERTs), with ``executemany`` elsewhere. Primary keys not given are
left to the database and not read back; callers that need them read the rows back by a natural key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

# Rows per executemany call: memory stays flat, the database sees one prepared statement.
BATCH_SIZE = 1000
# Values per ``__in`` lookup when reading back thousands of rows: under the 999 parameters older
# SQLite builds allow in one statement.
IN_BATCH = 900


def _write(model: type[models.Model], fields: list[models.Field], rows: Iterable[list[Any]]) -> None:
    adapt = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField | models.DateTimeField)]

    def prepared(values: list[Any]) -> list[Any]:
        for i in adapt:
            values[i] = fields[i].get_db_prep_save(values[i], connection)
        return values

    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg's own cursor, past Django's wrapper: its errors are made Django's here (a unique
            # key taken meanwhile is an IntegrityError that the caller may handle).
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for values in rows:
                    copy.write_row(prepared(values))
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        batch: list[list[Any]] = []
        for values in rows:
            batch.append(prepared(values))
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
    _write(model, fields, ([getattr(obj, field.attname) for field in fields] for obj in objects))


def insert_dicts(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """INSERT rows given as dicts of field values by attribute name (all rows with the same keys)."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in rows[0]]
    _write(model, fields, (list(row.values()) for row in rows))
