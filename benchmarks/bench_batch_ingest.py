"""Offline batches: ``POST /api/v1/transactions/batch`` of 1,000 items, beside a raw bulk insert of them.

Run by hand, on PostgreSQL:
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/bench_batch_ingest.py
and on SQLite:
    .venv/bin/python benchmarks/bench_batch_ingest.py --data-dir /tmp/bench-batch
Prepares the database like ``bench_counter_post.py`` (an office's key; the demo network), serves Pishkhan
as ``pishkhan up`` does (its ``server_command``: granian WSGI, 2 workers), and sends --batches batches of
--items transactions each from --clients concurrent clients (each item with its own office reference
and an original time of a few minutes ago; each client takes the next batch left as it is free),
counting transactions created per second, and prints the CPU each server worker used meanwhile.

Four clients by default, two per server worker: the rate is the server's capacity, which only a load
that keeps every worker busy measures, as the single-POST benchmark's sixteen clients do. granian
hands a new connection to whichever worker accepts it first, busy or not, so with one client per
worker one worker often serves two batches in turn while the other waits (benchmarks/README.md, the
sixth round); ``--clients 2`` measures that case.

Then the floor: every row the batch writes for the same number of transactions, built in memory
beforehand as Pishkhan stores them (tracking code, keyed hash, masks, the mobile and the gateway
payload really sealed, keys reserved beforehand): the transaction, its first event and its gateway
outbox row, written into the same tables with a raw ``COPY`` per table (PostgreSQL) or ``executemany``
in batches of 1,000 (SQLite), committed as Pishkhan's are (its rows are deleted afterwards, untimed).
Its rate is transactions whose full set of rows was written per second. Written two ways: a batch at a
time, each batch's rows in a committed transaction of their own, one after another (the limit of the
API's unit of work: it commits each batch before it answers; the third round's floor), and all of
them in one committed transaction (a commit for 20 batches, which no request can share; the second
round's). Beside them, the same rows rolled back after their foreign-key checks (the first round's,
which pays no commit), and, for comparison with earlier figures, the old floor: the transaction rows
alone (without the sealed mobile), rolled back. On PostgreSQL the tables are vacuumed and analysed
first. Each floor is the best of --floor-runs runs.

Pishkhan's run (a few seconds) and the floors are taken --rounds times in turn, each round's ratios
printed and their median: this shared machine's speed drifts by a third within minutes, so a ratio of
two runs taken together says more than one taken once. With --rollups, each round also sends the
batches with the KPI rollups' upkeep running beside the server (``pishkhan worker --only kpis.rollups``,
caught up first; issue 19 §4: at most 10 % of the ratio lost), every other round before the run
without it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import json
import os
import queue
import random
import secrets
import statistics
import subprocess
import tempfile
import threading
import time

from bench_counter_post import (
    HERE,
    _prepare,
    _serve_pishkhan,
    _stop,
    process_cpu,
    rollups_catch_up,
    rollups_worker,
    statement_timer,
)
from stdnum import verhoeff


def _national_id(rng: random.Random) -> str:
    while True:
        body = f"{rng.randrange(10**9):09d}"
        remainder = sum(int(d) * (10 - i) for i, d in enumerate(body)) % 11
        value = body + str(remainder if remainder < 2 else 11 - remainder)
        if len(set(value)) > 1:
            return value


def _codes(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct codes shaped and spread like real tracking codes (twelve digits, the first
    never 0) but with a wrong check digit: never a code Pishkhan draws, so the floor's rows never
    clash with its rows, and they land all over the same indexes as its rows do (the tracking code's
    and the outbox key's). Codes clustered in one corner of the key space (the floor's "00…" codes
    of the first two rounds) dirty a few index pages per thousand rows where Pishkhan's dirty a
    thousand."""
    codes: set[str] = set()
    while len(codes) < count:
        body = str(10**10 + rng.randrange(9 * 10**10))
        codes.add(body + str((int(verhoeff.calc_check_digit(body)) + 1) % 10))
    return list(codes)


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


def _send(port: int, key: str, pending: queue.SimpleQueue, results: list, lock: threading.Lock) -> None:
    """POST bodies taken from ``pending`` until none is left, each on a connection of its own, as offices
    back online each send their backlog (one kept-alive connection would tie a client's every batch to
    whichever server worker accepted it)."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    while True:
        try:
            body = pending.get_nowait()
        except queue.Empty:
            return
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        connection.request("POST", "/api/v1/transactions/batch", body=body, headers=headers)
        response = connection.getresponse()
        answer = json.loads(response.read())
        connection.close()
        with lock:
            results.append(
                (
                    response.status,
                    answer.get("created", 0),
                    answer.get("error", 0),
                    time.perf_counter() - started,
                )
            )


def _concurrently(port: int, key: str, bodies: list[bytes], clients: int, results: list, lock) -> None:
    """Send ``bodies`` from ``clients`` threads at once, each taking the next body left as it is free (a
    fixed share each would leave the last client alone at the end, its batches served one at a time)."""
    pending: queue.SimpleQueue = queue.SimpleQueue()
    for body in bodies:
        pending.put(body)
    threads = [
        threading.Thread(target=_send, args=(port, key, pending, results, lock)) for _i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _raw_rows(setup: dict, run: str, count: int) -> tuple[list[str], list[list]]:
    """Counter-transaction rows as Pishkhan stores them, for the raw insert."""
    from django.db import connection

    # A batch item has no Idempotency-Key of its own (its office reference identifies it); the old
    # floor wrote the mobile unsealed, as before.
    constants = setup["row"]["constants"] | {
        "idempotency_key": "",
        "request_fingerprint": "",
        "mobile_sealed": "",
    }
    rng = random.Random(run)
    now = dt.datetime.now(dt.UTC)
    columns = [*constants, "tracking_code", "office_reference", "clerk", "citizen_key", "citizen_masked",
               "mobile_masked", "fee_charged", "recorded_at", "received_at"]  # fmt: skip
    codes = _codes(rng, count)
    rows = []
    for n in range(count):
        national_id = _national_id(rng)
        moment = now if connection.vendor == "postgresql" else now.replace(tzinfo=None).isoformat(" ")
        rows.append([
            *constants.values(), codes[n], f"{run}-{n}", "bench",
            hashlib.sha256(national_id.encode()).hexdigest(), national_id[:3] + "*****" + national_id[-2:],
            "0912***4567", setup["fee"], moment, moment,
        ])  # fmt: skip
    return columns, rows


Table = tuple[str, list[str], list[list]]  # name, columns, rows


def _floor_rows(setup: dict, run: str, count: int) -> list[Table]:
    """Every row the batch writes for ``count`` transactions, per table, as Pishkhan stores them."""
    from django.db import connection, transaction

    from pishkhan.catalogue.models import Service
    from pishkhan.common.bulk import ids_reserve
    from pishkhan.common.sealing import seal, seal_json
    from pishkhan.gateway.models import OutboundRequest
    from pishkhan.transactions.models import CounterTransaction, TransactionEvent
    from pishkhan.transactions.services.citizens import citizen_key

    # A batch item has no Idempotency-Key of its own: its office reference identifies it.
    constants = setup["row"]["constants"] | {"idempotency_key": "", "request_fingerprint": ""}
    service = Service.objects.select_related("agency").get(code=setup["service"])
    rng = random.Random(run)
    now = dt.datetime.now(dt.UTC)
    moment = now if connection.vendor == "postgresql" else now.replace(tzinfo=None).isoformat(" ")
    with transaction.atomic():  # SQLite reads the highest key inside a transaction; nothing is written
        ids = ids_reserve(CounterTransaction, count)
    codes = _codes(rng, count)
    constants.pop("mobile_sealed", None)  # sealed per row below
    transaction_columns = ["id", *constants, "mobile_sealed", "tracking_code", "office_reference", "clerk",
                           "citizen_key", "citizen_masked", "mobile_masked", "fee_charged", "recorded_at",
                           "received_at"]  # fmt: skip
    transactions, events, outbox = [], [], []
    for n in range(count):
        national_id, mobile, code = _national_id(rng), f"0912{rng.randrange(10**7):07d}", codes[n]
        reference = f"{run}-{n}"
        transactions.append([
            ids[n], *constants.values(), seal(mobile), code, reference, "bench", citizen_key(national_id),
            national_id[:3] + "*****" + national_id[-2:], mobile[:4] + "***" + mobile[-4:], setup["fee"],
            moment, moment,
        ])  # fmt: skip
        events.append([ids[n], "", "received", moment, ""])
        payload = {
            "tracking_code": code, "service": service.code, "office": "P23-0001",
            "office_reference": reference, "national_id": national_id, "mobile": mobile,
            "fee_charged": setup["fee"], "recorded_at": now.isoformat(),
        }  # fmt: skip
        outbox.append([service.agency_id, code, seal_json(payload), "pending", 0, moment, "", moment])
    event_columns = ["transaction_id", "from_state", "to_state", "at", "detail"]
    outbox_columns = ["agency_id", "idempotency_key", "payload_sealed", "state", "attempts",
                      "next_attempt_at", "last_error", "created_at"]  # fmt: skip
    return [
        (CounterTransaction._meta.db_table, transaction_columns, transactions),
        (TransactionEvent._meta.db_table, event_columns, events),
        (OutboundRequest._meta.db_table, outbox_columns, outbox),
    ]


class _RolledBack(Exception):
    pass


def _raw_insert(tables: list[Table], *, commit: bool) -> float:
    """Seconds to write ``tables`` in one transaction: committed (and its rows erased afterwards,
    untimed), or rolled back after its foreign-key checks."""
    from django.db import connection, transaction

    seconds = 0.0
    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for table, columns, rows in tables:
                names = ", ".join(connection.ops.quote_name(c) for c in columns)
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["?"] * len(columns))
                    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
                    for start in range(0, len(rows), 1000):
                        cursor.cursor.executemany(sql, rows[start : start + 1000])
            if not commit:
                if connection.vendor == "postgresql":
                    # The foreign-key checks a commit would run (Django's are deferred to the commit;
                    # SQLite's look-ups happen during the inserts above).
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                seconds = time.perf_counter() - started
                raise _RolledBack
    except _RolledBack:
        return seconds
    seconds = time.perf_counter() - started
    _erase(tables)
    return seconds


def _erase(tables: list[Table]) -> None:
    """Delete the rows a committed floor wrote (by their tracking codes), so that every run writes
    into the same tables; on PostgreSQL, vacuum them (this machine's has no autovacuum)."""
    from django.db import connection

    from pishkhan.gateway.models import OutboundRequest
    from pishkhan.transactions.models import CounterTransaction, TransactionEvent

    table = CounterTransaction._meta.db_table
    [(columns, rows)] = [(columns, rows) for name, columns, rows in tables if name == table]
    codes = [row[columns.index("tracking_code")] for row in rows]
    event, outbox = TransactionEvent._meta.db_table, OutboundRequest._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(codes), 500):
            part = codes[start : start + 500]
            marks = ", ".join(["%s"] * len(part))
            chosen = f"SELECT id FROM {table} WHERE tracking_code IN ({marks})"  # noqa: S608
            cursor.execute(f"DELETE FROM {event} WHERE transaction_id IN ({chosen})", part)  # noqa: S608
            cursor.execute(f"DELETE FROM {outbox} WHERE idempotency_key IN ({marks})", part)  # noqa: S608
            cursor.execute(f"DELETE FROM {table} WHERE tracking_code IN ({marks})", part)  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM {table}, {event}, {outbox}")


def _floor(tables: list[Table], runs: int, *, commit: bool = True) -> float:
    """The best of ``runs`` timings of writing the same rows in one transaction."""
    return min(_raw_insert(tables, commit=commit) for _run in range(runs))


def _floor_per_batch(tables: list[Table], runs: int, items: int) -> float:
    """The best of ``runs`` timings of writing the same rows a batch at a time: each batch's rows
    (``items`` transactions) in a committed transaction of its own, one after another."""
    count = len(tables[0][2])
    parts = [
        [(name, columns, rows[start : start + items]) for name, columns, rows in tables]
        for start in range(0, count, items)
    ]
    return min(sum(_raw_insert(part, commit=True) for part in parts) for _run in range(runs))


def _workers_cpu(master: int) -> dict[int, float]:
    """CPU seconds each worker process of the server (a child of ``master``) has used so far, read from
    Linux's ``/proc``; empty where there is none."""
    if not os.path.isdir("/proc"):
        return {}
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                # After the command's closing parenthesis: state, ppid, ..., utime and stime 11th and 12th.
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that ended meanwhile
        if int(fields[1]) == master:
            used[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks
    return used


def _api_run(
    setup: dict, run: str, options: argparse.Namespace, server: subprocess.Popen, port: int
) -> float:
    """Send the batches to the served Pishkhan (after a warm-up); its rate in transactions created a
    second. Also prints each server worker's CPU time during the run: granian hands a new connection to
    whichever worker accepts it first, busy or not, so one worker may serve batches one after another
    while the other waits (this benchmark's main source of variance from run to run)."""
    from pishkhan.transactions.models import CounterTransaction

    bodies = [
        json.dumps({"items": _items(setup, run, b, options.items)}).encode() for b in range(options.batches)
    ]
    # Warm-up batches, a few per client sent at once, so that every server worker has served one
    # (its first request reads its caches and prepares its statements: not a batch's cost).
    warm = [
        json.dumps({"items": _items(setup, "warm-" + run, b, 100)}).encode()
        for b in range(2 * options.clients)
    ]
    results: list = []
    lock = threading.Lock()
    key = str(setup["key"])
    _concurrently(port, key, warm, options.clients, [], lock)
    cpu_before = _workers_cpu(server.pid)
    started = time.perf_counter()
    _concurrently(port, key, bodies, options.clients, results, lock)
    elapsed = time.perf_counter() - started
    cpu_after = _workers_cpu(server.pid)
    workers_cpu = sorted((cpu_after[pid] - cpu_before.get(pid, 0.0) for pid in cpu_after), reverse=True)
    created = sum(r[1] for r in results)
    statuses = sorted({r[0] for r in results})
    stored = CounterTransaction.objects.filter(office_reference__startswith=run + "-").count()
    seconds = sorted(r[3] for r in results)
    errors = sum(r[2] for r in results)
    api_rate = created / elapsed
    print(
        f"Pishkhan batch API: {created:,} created ({stored:,} stored; item errors {errors}; HTTP {statuses}) "
        f"in {elapsed:.2f} s = {api_rate:,.0f} transactions/s; per batch median "
        f"{seconds[len(seconds) // 2] * 1000:.0f} ms, max {seconds[-1] * 1000:.0f} ms; server workers' CPU "
        + (", ".join(f"{cpu:.2f}" for cpu in workers_cpu) or "not known")
        + f" s of {elapsed:.2f}"
    )
    return api_rate


def _with_rollups(
    setup: dict, options: argparse.Namespace, server: subprocess.Popen, port: int, env: dict[str, str]
) -> float:
    """The batches again, the rollups' upkeep (``pishkhan worker --only kpis.rollups``) running beside
    the server, caught up first as a running one would be; the rate."""
    from django.db import connection

    rollups_catch_up()
    connection.close()
    worker = rollups_worker(env)
    try:
        print("with the rollups' worker beside it:")
        rate = _api_run(setup, "kpis-" + secrets.token_hex(3), options, server, port)
        cpu = process_cpu(worker.pid)
    finally:
        _stop(worker)
    behind = rollups_catch_up()
    connection.close()
    print(f"  the worker used {cpu:.1f} s of CPU; {behind:,} events were left to read when it stopped")
    return rate


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

    body = json.dumps({"items": _items(setup, "prof-" + run, 0, items)})
    started = time.perf_counter()
    with connection.execute_wrapper(statement_timer(timed)):
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
    parser.add_argument("--clients", type=int, default=4, help="batches sent at once (default 4)")
    parser.add_argument("--floor-runs", type=int, default=3, help="each floor is the best of this many")
    parser.add_argument(
        "--rounds", type=int, default=3, help="Pishkhan and the floors this many times in turn; the median"
    )
    parser.add_argument("--profile", action="store_true", help="then profile one batch in process")
    parser.add_argument(
        "--rollups", action="store_true", help="each round also with the KPI rollups' worker job beside it"
    )
    options = parser.parse_args()
    os.environ.setdefault("PISHKHAN_DEMO", "1")
    os.environ["PISHKHAN_DATA_DIR"] = options.data_dir or tempfile.mkdtemp(prefix="pishkhan-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.config.settings.base")
    import django

    django.setup()
    from django.db import connection

    setup = _prepare()
    vendor = connection.vendor
    if vendor == "postgresql":
        # This machine's PostgreSQL runs without autovacuum, so tables filled in bulk have no
        # statistics and the planner misjudges the office's reference look-up (40 ms instead of 5), and
        # the floors' rolled-back rows stay behind as dead index entries that slow every later write
        # (the floor measured 38,700 tx/s on a fresh database and 20,000 a few runs later). A production
        # database has autovacuum. Both Pishkhan and the floors run after this.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    connection.close()
    shape = f"{options.batches} batches of {options.items} items from {options.clients} clients"
    print(f"database: {vendor}; {shape}; {options.rounds} round(s)")
    env = {**os.environ, "PYTHONPATH": str(HERE)}
    server, port = _serve_pishkhan(env, vendor)
    count = options.batches * options.items
    kind = "COPY" if vendor == "postgresql" else "executemany"
    ratios: dict[str, list[float]] = {"batch": [], "all": []}
    without: list[float] = []
    upkept: list[float] = []
    try:
        for round_ in range(1, options.rounds + 1):
            run = "batch-" + secrets.token_hex(3)
            if options.rollups and round_ % 2 == 0:  # every other round with the upkeep first
                upkept.append(_with_rollups(setup, options, server, port, env))
            api_rate = _api_run(setup, run, options, server, port)
            if options.rollups and round_ % 2 == 1:
                upkept.append(_with_rollups(setup, options, server, port, env))
            without.append(api_rate)
            # The floor right after, on the same machine a minute later, by the same connection.
            tables = _floor_rows(setup, "floor-" + run, count)
            if round_ == 1:
                written = " + ".join(f"{len(rows):,} {table}" for table, _columns, rows in tables)
                print(f"floor: raw {kind} of every row of {count:,} transactions ({written})")
            batch_rate = count / _floor_per_batch(tables, options.floor_runs, options.items)
            floor_rate = count / _floor(tables, options.floor_runs)
            ratios["batch"].append(api_rate / batch_rate)
            ratios["all"].append(api_rate / floor_rate)
            if options.rollups:
                ratios.setdefault("upkept", []).append(upkept[-1] / batch_rate)
                print(
                    f"round {round_}: with the rollups' worker beside it {upkept[-1]:,.0f} tx/s, "
                    f"Pishkhan / floor a batch at a time = {ratios['upkept'][-1]:.3f} "
                    f"(without: {ratios['batch'][-1]:.3f})"
                )
            print(
                f"round {round_}: a batch at a time, each committed (as the API commits) = "
                f"{batch_rate:,.0f} tx/s, Pishkhan / it = {ratios['batch'][-1]:.3f} (target >= 0.4); "
                f"all {count:,} in one committed transaction = {floor_rate:,.0f} tx/s, "
                f"Pishkhan / it = {ratios['all'][-1]:.3f}"
            )
            connection.close()
    finally:
        _stop(server)
    if options.rounds > 1:
        print(
            f"median of {options.rounds} rounds: Pishkhan / floor a batch at a time = "
            f"{statistics.median(ratios['batch']):.3f}; Pishkhan / floor all in one = "
            f"{statistics.median(ratios['all']):.3f}"
        )
    if options.rollups:
        beside, alone = statistics.median(ratios["upkept"]), statistics.median(ratios["batch"])
        print(
            f"with the rollups' worker beside it: median ratio {beside:.3f} against {alone:.3f} without "
            f"({(beside / alone - 1) * 100:+.1f} %; limit -10 %)"
        )
    unsaved_rate = count / _floor(tables, options.floor_runs, commit=False)
    print(f"the same rows rolled back (no commit; the earlier floor) = {unsaved_rate:,.0f} tx/s")
    print(f"Pishkhan (last round) / rolled-back floor = {api_rate / unsaved_rate:.3f}")
    columns, rows = _raw_rows(setup, "raw-" + run, count)
    old_rate = count / _floor([(setup["row"]["table"], columns, rows)], options.floor_runs, commit=False)
    print(
        f"old floor: raw {kind} of the {count:,} transaction rows alone, rolled back = {old_rate:,.0f} rows/s"
    )
    print(f"Pishkhan (last round) / old floor = {api_rate / old_rate:.3f}")
    if options.profile:
        _profile(setup, run, options.items)


if __name__ == "__main__":
    main()
