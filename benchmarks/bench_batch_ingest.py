"""Offline batches: ``POST /api/v1/transactions/batch`` of 1,000 items, beside a raw bulk insert of them.

Run by hand, on PostgreSQL:
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/bench_batch_ingest.py
and on SQLite:
    .venv/bin/python benchmarks/bench_batch_ingest.py --data-dir /tmp/bench-batch
Prepares the database like ``bench_counter_post.py`` (an office's key; the demo network), serves Pishkhan
as ``pishkhan up`` does (granian WSGI, 2 workers, 4 blocking threads), and sends --batches batches of
--items transactions each from --clients concurrent clients (each item with its own office reference
and an original time of a few minutes ago), counting transactions created per second. Then the limit:
the same number of counter-transaction rows, built in memory beforehand, written in one transaction
with a raw ``COPY`` (PostgreSQL) or ``executemany`` in batches of 1,000 (SQLite) into the same table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import json
import os
import random
import secrets
import tempfile
import threading
import time

from bench_counter_post import HERE, _prepare, _serve, _stop


def _national_id(rng: random.Random) -> str:
    while True:
        body = f"{rng.randrange(10**9):09d}"
        remainder = sum(int(d) * (10 - i) for i, d in enumerate(body)) % 11
        value = body + str(remainder if remainder < 2 else 11 - remainder)
        if len(set(value)) > 1:
            return value


def _items(setup: dict, run: str, batch: int, count: int) -> list[dict]:
    rng = random.Random(f"{run}:{batch}")
    recorded = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)).isoformat()
    return [
        {
            "service": setup["service"],
            "national_id": _national_id(rng),
            "mobile": f"0912{rng.randrange(10**7):07d}",
            "fee_charged": setup["fee"],
            "office_reference": f"{run}-{batch}-{n}",
            "clerk": "bench",
            "recorded_at": recorded,
        }
        for n in range(count)
    ]


def _send(port: int, key: str, bodies: list[bytes], results: list, lock: threading.Lock) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    for body in bodies:
        started = time.perf_counter()
        connection.request("POST", "/api/v1/transactions/batch", body=body, headers=headers)
        response = connection.getresponse()
        answer = json.loads(response.read())
        with lock:
            results.append(
                (
                    response.status,
                    answer.get("created", 0),
                    answer.get("error", 0),
                    time.perf_counter() - started,
                )
            )
    connection.close()


def _raw_rows(setup: dict, run: str, count: int) -> tuple[list[str], list[list]]:
    """Counter-transaction rows as Pishkhan stores them, for the raw insert."""
    from django.db import connection

    constants = dict(setup["row"]["constants"])
    rng = random.Random(run)
    now = dt.datetime.now(dt.UTC)
    columns = [*constants, "tracking_code", "office_reference", "clerk", "citizen_key", "citizen_masked",
               "mobile_masked", "fee_charged", "recorded_at", "received_at"]  # fmt: skip
    # Random codes starting 00: unlike real ones (never 0) and the bare app's (0 then 1-9).
    codes = rng.sample(range(10**10), count)
    rows = []
    for n in range(count):
        national_id = _national_id(rng)
        moment = now if connection.vendor == "postgresql" else now.replace(tzinfo=None).isoformat(" ")
        rows.append([
            *constants.values(), f"00{codes[n]:010d}", f"{run}-{n}", "bench",
            hashlib.sha256(national_id.encode()).hexdigest(), national_id[:3] + "*****" + national_id[-2:],
            "0912***4567", setup["fee"], moment, moment,
        ])  # fmt: skip
    return columns, rows


def _raw_insert(table: str, columns: list[str], rows: list[list]) -> float:
    from django.db import connection, transaction

    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['?'] * len(columns))})"  # noqa: S608
            for start in range(0, len(rows), 1000):
                cursor.cursor.executemany(sql, rows[start : start + 1000])
    return time.perf_counter() - started


def _profile(setup: dict, run: str, items: int) -> None:
    """One batch in process through Django's test client: its SQL and where its Python time goes."""
    import cProfile
    import io
    import pstats
    import re

    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {setup['key']}")
    timed: list[tuple[float, str]] = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((time.perf_counter() - started, sql))

    body = json.dumps({"items": _items(setup, "prof-" + run, 0, items)})
    started = time.perf_counter()
    with connection.execute_wrapper(timer):
        client.post("/api/v1/transactions/batch", body, content_type="application/json")
    total = time.perf_counter() - started
    in_sql = sum(seconds for seconds, _sql in timed)
    statements = f"{len(timed)} SQL statements taking {in_sql * 1000:.0f} ms"
    print(f"\none batch in process: {total * 1000:.0f} ms, {statements}")
    for seconds, sql in sorted(timed, reverse=True)[:8]:
        print(f"  {seconds * 1000:7.1f} ms  {sql[:110]}")
    profiler = cProfile.Profile()
    body = json.dumps({"items": _items(setup, "prof2-" + run, 0, items)})
    profiler.enable()
    client.post("/api/v1/transactions/batch", body, content_type="application/json")
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(r"pishkhan/(?!config)", 25)
    print(re.sub(r"/\S*/site-packages/", "", text.getvalue()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", help="SQLite data directory (prepared if empty); default a temporary one"
    )
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--profile", action="store_true", help="then profile one batch in process")
    options = parser.parse_args()
    os.environ.setdefault("PISHKHAN_DEMO", "1")
    os.environ["PISHKHAN_DATA_DIR"] = options.data_dir or tempfile.mkdtemp(prefix="pishkhan-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.config.settings.base")
    import django

    django.setup()
    from django.db import connection

    from pishkhan.transactions.models import CounterTransaction

    setup = _prepare()
    vendor = connection.vendor
    connection.close()
    run = "batch-" + secrets.token_hex(3)
    bodies = [
        json.dumps({"items": _items(setup, run, b, options.items)}).encode() for b in range(options.batches)
    ]
    warm = json.dumps({"items": _items(setup, "warm-" + run, 0, options.items)}).encode()
    shape = f"{options.batches} batches of {options.items} items from {options.clients} clients"
    print(f"database: {vendor}; {shape}")

    env = {**os.environ, "PYTHONPATH": str(HERE)}
    wsgi = [
        "--interface", "wsgi", "--workers", "2", "--blocking-threads", "4", "--no-ws",
        "--log-level", "warning", "pishkhan.config.wsgi:application",
    ]  # fmt: skip
    server, port = _serve(wsgi, env)
    results: list = []
    lock = threading.Lock()
    try:
        _send(port, str(setup["key"]), [warm], [], lock)
        started = time.perf_counter()
        threads = [
            threading.Thread(
                target=_send, args=(port, setup["key"], bodies[i :: options.clients], results, lock)
            )
            for i in range(options.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        _stop(server)
    created = sum(r[1] for r in results)
    statuses = sorted({r[0] for r in results})
    stored = CounterTransaction.objects.filter(office_reference__startswith=run + "-").count()
    seconds = sorted(r[3] for r in results)
    api_rate = created / elapsed
    errors = sum(r[2] for r in results)
    print(
        f"Pishkhan batch API: {created:,} created ({stored:,} stored; item errors {errors}; HTTP {statuses}) "
        f"in {elapsed:.2f} s = {api_rate:,.0f} transactions/s; per batch median "
        f"{seconds[len(seconds) // 2] * 1000:.0f} ms, max {seconds[-1] * 1000:.0f} ms"
    )

    columns, rows = _raw_rows(setup, "raw-" + run, options.batches * options.items)
    raw_seconds = _raw_insert(setup["row"]["table"], columns, rows)
    raw_rate = len(rows) / raw_seconds
    kind = "COPY" if vendor == "postgresql" else "executemany"
    print(f"limit: raw {kind} of {len(rows):,} rows in {raw_seconds:.2f} s = {raw_rate:,.0f} rows/s")
    print(f"Pishkhan / raw {kind} = {api_rate / raw_rate:.3f} (target >= 0.4)")
    if options.profile:
        _profile(setup, run, options.items)


if __name__ == "__main__":
    main()
