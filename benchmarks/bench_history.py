"""The demo's history build in rows/s, beside its floor: a raw bulk insert of the same rows.

Run by hand on SQLite:   .venv/bin/python benchmarks/bench_history.py --days 7 --scale 0.05
and on PostgreSQL:       DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench \\
                         .venv/bin/python benchmarks/bench_history.py --days 7 --scale 1
Prepares the database if needed (migrate, geography, the 13,000-office network without history;
a fresh temporary SQLite directory unless --data-dir or DATABASE_URL says otherwise), then:
1. builds the history (``history_build``: generating, checking and writing) and times it, and the
   part spent in the import service (``transactions_history_import``: checks and writes);
2. the floor: the last rows it wrote (up to --floor-rows transactions with their events), read back
   as the database stores them, given new keys and written again in one rolled-back transaction
   with nothing but ``executemany`` (SQLite, batches of 1,000 as ``common.bulk`` uses) or ``COPY``
   (PostgreSQL) into the same tables with the same indexes.
Rows are transactions plus events (each transaction has two or three events).
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time


def _prepare() -> None:
    from django.core.management import call_command

    from pishkhan.demo.network import network_build, network_is_built
    from pishkhan.geo.selectors import geo_is_loaded
    from pishkhan.geo.services import geo_load

    call_command("migrate", verbosity=0)
    if not geo_is_loaded():
        geo_load()
    if not network_is_built():
        started = time.perf_counter()
        network_build(history_days=0)
        print(f"network built in {time.perf_counter() - started:.1f} s")


def _floor(limit: int) -> tuple[int, float]:
    """Rows and seconds of a raw re-insert of the last ``limit`` transactions and their events."""
    from django.db import connection, transaction

    from pishkhan.transactions.models import CounterTransaction, TransactionEvent

    quote = connection.ops.quote_name
    tx_table, ev_table = (quote(m._meta.db_table) for m in (CounterTransaction, TransactionEvent))
    tx_columns = [f.column for f in CounterTransaction._meta.concrete_fields]
    ev_columns = [f.column for f in TransactionEvent._meta.concrete_fields if not f.primary_key]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {tx_table}")  # noqa: S608
            highest = cursor.fetchone()[0]
            low = highest - limit
            # As stored: SQLite keeps datetimes as text (CAST avoids Django's converters).
            cast = (lambda c: f"CAST({quote(c)} AS TEXT)") if connection.vendor == "sqlite" else quote
            datetimes = {
                f.column
                for f in CounterTransaction._meta.concrete_fields
                if f.get_internal_type() == "DateTimeField"
            }
            select = ", ".join(cast(c) if c in datetimes else quote(c) for c in tx_columns)
            cursor.execute(f"SELECT {select} FROM {tx_table} WHERE id > %s", [low])  # noqa: S608
            transactions = [list(row) for row in cursor.fetchall()]
            select = ", ".join(cast(c) if c == "at" else quote(c) for c in ev_columns)
            cursor.execute(f"SELECT {select} FROM {ev_table} WHERE transaction_id > %s", [low])  # noqa: S608
            events = [list(row) for row in cursor.fetchall()]
            # New keys that no stored row can hold: ids above the highest, random codes starting with 0
            # (random like real ones: a sequential key would make its index cheaper than it is).
            codes = random.Random(0).sample(range(10**11), len(transactions))
            id_at, code_at, ref_at = (
                tx_columns.index(c) for c in ("id", "tracking_code", "office_reference")
            )
            shift = highest + 1 - low
            for number, row in enumerate(transactions):
                row[id_at] += shift
                row[code_at] = f"0{codes[number]:011d}"
                row[ref_at] = f"F{row[ref_at]}"[:64]
            for row in events:
                row[ev_columns.index("transaction_id")] += shift

            started = time.perf_counter()
            for table, columns, rows in (
                (tx_table, tx_columns, transactions),
                (ev_table, ev_columns, events),
            ):
                names = ", ".join(quote(c) for c in columns)
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['?'] * len(columns))})"  # noqa: S608
                    raw = cursor.cursor
                    for start in range(0, len(rows), 1000):
                        raw.executemany(sql, rows[start : start + 1000])
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks, timed too
            seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return len(transactions) + len(events), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1405)
    parser.add_argument(
        "--data-dir", help="a prepared data directory (SQLite); default: a fresh temporary one"
    )
    parser.add_argument(
        "--floor-rows", type=int, default=100_000, help="transactions re-inserted for the floor"
    )
    options = parser.parse_args()
    os.environ.setdefault("PISHKHAN_DEMO", "1")
    os.environ["PISHKHAN_DATA_DIR"] = options.data_dir or tempfile.mkdtemp(prefix="pishkhan-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.config.settings.base")
    import django

    django.setup()
    from django.db import connection

    from pishkhan.demo.history import history_build

    _prepare()
    print(f"database: {connection.vendor}; history: {options.days} days at scale {options.scale}")
    report = history_build(days=options.days, scale=options.scale, seed=options.seed, progress=print)
    print(f"history build: {report}")
    if not report.transactions:
        return
    build_rate = report.rows / report.seconds
    import_rate = report.rows / report.seconds_writing
    rows, seconds = _floor(min(options.floor_rows, report.transactions))
    floor_rate = rows / seconds
    lines = [
        ("whole build (generate + check + write)", build_rate, report.transactions / report.seconds),
        ("import service (check + write)", import_rate, report.transactions / report.seconds_writing),
    ]
    for label, rate, per_transaction in lines:
        print(f"{label:<44} {rate:>9,.0f} rows/s  {per_transaction:>8,.0f} transactions/s")
    label = "floor: raw bulk insert of the same rows"
    print(f"{label:<44} {floor_rate:>9,.0f} rows/s  ({rows:,} rows in {seconds:.2f} s)")
    ratios = f"import service {import_rate / floor_rate:.2f}, whole build {build_rate / floor_rate:.2f}"
    print(f"ratio to the floor: {ratios}")


if __name__ == "__main__":
    main()
