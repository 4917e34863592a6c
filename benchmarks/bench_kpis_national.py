"""The national KPI dashboard over at least 20 million counter transactions, beside the naive GROUP BY.

Run by hand on PostgreSQL (issue 19 §4):
    createdb -h 127.0.0.1 -U postgres bench20m
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench20m \\
        .venv/bin/python benchmarks/bench_kpis_national.py --days 74
Prepares the database if needed: migrate, the geography, then ``pishkhan demo --days N --scale 1``
(the 13,000-office national network and N days of history at the national volume, ~290,000
transactions a day) unless it already holds --min-transactions; a database that holds them is reused
as it is. Then, one after the other:
1. maintenance at this size: ``VACUUM ANALYZE`` of the counter's tables, their size and their indexes';
2. ``pishkhan kpis_rebuild`` for every day, then for one day (--runs-rebuild times);
3. side by side, for the Jalali year of the newest transaction, the nation by province: the /kpis/
   page's counter selectors (trips avoided by province against last year, by agency, by Jalali month
   this year and last, the service figures by province) and the ``/api/v1/kpis/trips`` selectors
   (``level=national`` by province, ``level=province`` by county) over the rollups (the whole Jalali
   months from the monthly rollups, the edge days from the daily ones), --runs times each (median
   and max; limit 300 ms), then the same figures from the naive GROUP BY over the raw transactions
   (--runs-naive times), asserted equal, and the speed-up (target >= 100x); with --daily, the year by
   province from the daily rollups alone too (with --skip-rebuild, the monthly rollups are rebuilt
   from the daily ones first if empty, or with --rebuild-months);
4. the ``kpis.rollups`` job's cost per transaction (--job-events 0: skipped): the upkeep's cursor
   moved back by --job-events events (the newest transactions' creations and state changes), and
   the job's rounds timed until it has caught up again (they recompute the same cells to the same figures).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import string
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

LIMIT_MS = 300
SPEEDUP = 100
# The last character of a copy's tracking codes (in place of the check digit): never a digit.
COPY_MARKS = string.ascii_letters + "!#$%&*+-=?@^_~"


def _timed(func: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def _load() -> str:
    return "load average " + ", ".join(f"{value:.1f}" for value in os.getloadavg())


def replicate(shifts: list[int]) -> None:
    """Copy every transaction and event the database holds into each of ``shifts`` (days, e.g. -7 for
    the week before): new keys, every moment moved by that many days, the office's reference prefixed
    and the tracking code's check digit replaced by a mark per copy (unique, and never a code the
    counter draws). The rows copied are rows the demo's import checked: the copy is one
    ``INSERT … SELECT`` per table with the foreign-key triggers off (``session_replication_role``)
    and the secondary indexes dropped first and built again after, each build timed (a bulk load's
    usual order; the demo's checked import writes ~2,000 transactions a second on this shared machine,
    20 million would take about three hours). The names below come from the models, not from input."""
    from django.db import connection, transaction

    from pishkhan.transactions.models import CounterTransaction, TransactionEvent

    def columns(model: Any, special: dict[str, str]) -> tuple[str, str]:
        names, values = [], []
        for field in model._meta.concrete_fields:
            names.append(field.column)
            if field.column in special:
                values.append(special[field.column])
            elif field.get_internal_type() == "DateTimeField":
                values.append(f"{field.column} + copy.shift")
            else:
                values.append(field.column)
        return ", ".join(names), ", ".join(values)

    tx_table, ev_table = CounterTransaction._meta.db_table, TransactionEvent._meta.db_table
    tx_names, tx_values = columns(
        CounterTransaction,
        {
            "id": "id + copy.n * %(tx_max)s",
            "tracking_code": "left(tracking_code, 11) || copy.mark",
            "office_reference": "copy.mark || office_reference",
        },
    )
    ev_names, ev_values = columns(
        TransactionEvent,
        {"id": "id + copy.n * %(ev_max)s", "transaction_id": "transaction_id + copy.n * %(tx_max)s"},
    )
    copies = ", ".join(["(%s, %s, %s)"] * len(shifts))
    copy_params: list[Any] = []
    for index, shift in enumerate(shifts, 1):
        copy_params += [index, dt.timedelta(days=shift), COPY_MARKS[index - 1]]
    source = f"(VALUES {copies}) AS copy (n, shift, mark)"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(id), count(*) FROM {tx_table}")  # noqa: S608
        tx_max, base = cursor.fetchone()
        cursor.execute(f"SELECT max(id) FROM {ev_table}")  # noqa: S608
        (ev_max,) = cursor.fetchone()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid), "
            "(SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c WHERE c.conindid = indexrelid), "
            "indrelid::regclass::text FROM pg_index WHERE indrelid IN (%s::regclass, %s::regclass) "
            "AND NOT indisprimary",
            [tx_table, ev_table],
        )
        indexes = cursor.fetchall()
    print(
        f"replicating {base:,} transactions (ids up to {tx_max:,}) into {len(shifts)} copies: {shifts} days"
    )
    steps = [
        (tx_table, f"INSERT INTO {tx_table} ({tx_names}) SELECT {tx_values} FROM {tx_table}, {source} "  # noqa: S608
         "WHERE id <= %(tx_max)s"),
        (ev_table, f"INSERT INTO {ev_table} ({ev_names}) SELECT {ev_values} FROM {ev_table}, {source} "  # noqa: S608
         "WHERE id <= %(ev_max)s AND transaction_id <= %(tx_max)s"),
    ]  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for name, _definition, constraint, table in indexes:
            if constraint:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            else:
                cursor.execute(f"DROP INDEX {name}")
        for table, statement in steps:
            started = time.perf_counter()
            sql = statement.replace("%(tx_max)s", str(int(tx_max))).replace("%(ev_max)s", str(int(ev_max)))
            cursor.execute(sql, copy_params)
            took = time.perf_counter() - started
            print(
                f"  {table}: {cursor.rowcount:,} rows in {took:.0f} s ({cursor.rowcount / took:,.0f}/s)",
                flush=True,
            )
        for name, definition, constraint, table in indexes:
            started = time.perf_counter()
            if constraint:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {constraint}")
            else:
                cursor.execute(definition)
            print(f"  index {name} built in {time.perf_counter() - started:.0f} s ({_load()})", flush=True)
        for table in (tx_table, ev_table):
            newest = f"SELECT max(id) FROM {table}"  # noqa: S608
            cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), ({newest}))", [table])


def _prepare(base_days: int, minimum: int) -> None:
    from django.core.management import call_command

    from pishkhan.geo.selectors import geo_is_loaded
    from pishkhan.geo.services import geo_load
    from pishkhan.transactions.models import CounterTransaction

    call_command("migrate", verbosity=0)
    if not geo_is_loaded():
        geo_load()
    if CounterTransaction.objects.count() >= minimum:
        return
    started = time.perf_counter()
    call_command("demo", days=base_days, scale=1.0)
    built = CounterTransaction.objects.count()
    took = time.perf_counter() - started
    print(f"demo --days {base_days} --scale 1: {built:,} transactions in {took:.0f} s ({_load()})")
    if built < minimum:
        copies = -(-minimum // built) - 1
        replicate([-base_days * copy for copy in range(1, copies + 1)])


def _maintenance() -> None:
    from django.db import connection

    tables = ("transactions_countertransaction", "transactions_transactionevent", "kpis_dailyrollup")
    with connection.cursor() as cursor:
        for table in tables:
            started = time.perf_counter()
            cursor.execute(f"VACUUM ANALYZE {table}")
            took = time.perf_counter() - started
            cursor.execute(
                "SELECT pg_relation_size(%s), pg_indexes_size(%s), (SELECT reltuples FROM pg_class "
                "WHERE oid = %s::regclass)",
                [table, table, table],
            )
            heap, indexes, rows = cursor.fetchone()
            print(
                f"VACUUM ANALYZE {table}: {took:.1f} s; ~{rows:,.0f} rows, heap {heap / 2**20:,.0f} MiB, "
                f"indexes {indexes / 2**20:,.0f} MiB"
            )
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index "
            "WHERE indrelid = 'transactions_countertransaction'::regclass ORDER BY 2 DESC"
        )
        for name, size in cursor.fetchall():
            print(f"    {name}: {size / 2**20:,.0f} MiB")


def _rebuild(runs: int) -> dt.date:
    from django.core.management import call_command

    from pishkhan.kpis.models import DailyRollup
    from pishkhan.kpis.services import transaction_day_span

    started = time.perf_counter()
    call_command("kpis_rebuild", verbosity=0)
    whole = time.perf_counter() - started
    first, last = transaction_day_span()
    cells = DailyRollup.objects.count()
    print(f"kpis_rebuild, every day ({first} to {last}): {whole:.1f} s, {cells:,} cells ({_load()})")
    day = last - dt.timedelta(days=1)  # the last whole day
    times, _ = _timed(lambda: call_command("kpis_rebuild", first=str(day), last=str(day), verbosity=0), runs)
    cells_day = DailyRollup.objects.filter(day=day).count()
    print(
        f"kpis_rebuild --from {day} --to {day}: median {statistics.median(times) / 1000:.1f} s, "
        f"max {max(times) / 1000:.1f} s of {runs}; {cells_day:,} cells"
    )
    return last


# --- The naive GROUP BY over the raw table ---------------------------------------------------------------


def _raw(period: Any) -> Any:
    from pishkhan.kpis.services import day_start
    from pishkhan.transactions.models import CounterTransaction

    return CounterTransaction.objects.filter(
        recorded_at__gte=day_start(period.first),
        recorded_at__lt=day_start(period.last + dt.timedelta(days=1)),
    )


def _codes(model: Any) -> dict[int, str]:
    return dict(model.objects.values_list("pk", "code"))


def _naive_trips(period: Any, key: str, where: dict[str, Any] | None = None) -> dict[str, tuple[int, int]]:
    """{group code: (trips avoided, completed)} by one GROUP BY over the counter's rows."""
    from django.db.models import Count, Q, Sum

    from pishkhan.transactions.models import TransactionState

    completed = Q(state=TransactionState.COMPLETED)
    rows = (
        _raw(period)
        .filter(**(where or {}))
        .values(key)
        .annotate(trips=Sum("service__trips_saved", filter=completed), done=Count("pk", filter=completed))
        .order_by()
    )
    return {row[key]: (row["trips"] or 0, row["done"]) for row in rows}


def _naive_months(period: Any) -> dict[str, tuple[int, int]]:
    """{Jalali month: (trips avoided, completed)}: the raw rows grouped by Tehran day, then months."""
    from django.db.models import Count, Q, Sum
    from django.db.models.functions import TruncDate

    from pishkhan.common.calendar import TEHRAN, jalali_date
    from pishkhan.transactions.models import TransactionState

    completed = Q(state=TransactionState.COMPLETED)
    rows = (
        _raw(period)
        .annotate(day=TruncDate("recorded_at", tzinfo=TEHRAN))
        .values("day")
        .annotate(trips=Sum("service__trips_saved", filter=completed), done=Count("pk", filter=completed))
        .order_by()
    )
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        day = jalali_date(row["day"])
        label = f"{day.year}-{day.month:02d}"
        months[label][0] += row["trips"] or 0
        months[label][1] += row["done"]
    return {label: (trips, done) for label, (trips, done) in months.items()}


def _naive_service(period: Any) -> dict[str, tuple[int, ...]]:
    """{province code: (total, completed, rejected, failed, fees charged)} over the counter's rows."""
    from django.db.models import Count, Q, Sum

    from pishkhan.transactions.models import TransactionState

    rows = (
        _raw(period)
        .values("office__province_id")
        .annotate(
            total=Count("pk"),
            completed=Count("pk", filter=Q(state=TransactionState.COMPLETED)),
            rejected=Count("pk", filter=Q(state=TransactionState.REJECTED)),
            failed=Count("pk", filter=Q(state=TransactionState.FAILED)),
            fees=Sum("fee_charged"),
        )
        .order_by()
    )
    figures = ("total", "completed", "rejected", "failed", "fees")
    return {row["office__province_id"]: tuple(row[k] for k in figures) for row in rows}


def _by_code(found: dict[int, Any], codes: dict[int, str]) -> dict[str, Any]:
    return {codes[pk]: value for pk, value in found.items()}


def _months_build() -> None:
    """The monthly rollups (Jalali month × county × service) of every month, from the daily rows, as
    ``kpis_rebuild`` makes them after the daily ones: timed, then analysed."""
    from django.db import connection, transaction

    from pishkhan.kpis.services import month_rollups_rebuild, transaction_day_span

    first, last = transaction_day_span()
    started = time.perf_counter()
    with transaction.atomic():
        rows = month_rollups_rebuild(first, last, whole=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE kpis_monthrollup")
    took = time.perf_counter() - started
    print(
        f"monthly rollups rebuilt from the daily rows: {rows:,} rows in {took:.1f} s ({_load()})", flush=True
    )


def _daily_alone(period: Any, expected: dict[str, tuple[int, int]], runs: int) -> None:
    """The year by province read from the daily rows alone (the level below), for comparison."""
    from django.db.models import Sum

    from pishkhan.kpis.models import DailyRollup
    from pishkhan.kpis.selectors.places import rollups_grouped

    sums = {"trips": Sum("trips_saved"), "done": Sum("completed")}

    def year_by_province() -> dict[str, tuple[int, int]]:
        daily = DailyRollup.objects.filter(day__gte=period.first, day__lte=period.last)
        return {code: (f["trips"], f["done"]) for code, _name, f in rollups_grouped(daily, "province", sums)}

    times, found = _timed(year_by_province, runs)
    assert found == expected, "the daily rows differ from the raw rows"
    print(
        f"the year by province from the daily rows alone: median {statistics.median(times):,.0f} ms, "
        f"max {max(times):,.0f} ms ({runs} runs); equal; {_load()}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--base-days", type=int, default=7, help="days of national history the demo builds (whole weeks)"
    )
    parser.add_argument("--min-transactions", type=int, default=20_000_000)
    parser.add_argument("--runs", type=int, default=9, help="runs of the rollup queries (median, max)")
    parser.add_argument("--runs-naive", type=int, default=3, help="runs of the naive GROUP BY")
    parser.add_argument("--runs-rebuild", type=int, default=3, help="runs of the one-day rebuild")
    parser.add_argument("--job-events", type=int, default=30_000, help="events the job's cost is timed on")
    parser.add_argument("--province", default="23", help="the province of the level=province query (Tehran)")
    parser.add_argument("--skip-rebuild", action="store_true", help="reuse the rollups as they are")
    parser.add_argument("--skip-maintenance", action="store_true")
    parser.add_argument(
        "--rebuild-months",
        action="store_true",
        help="with --skip-rebuild: rebuild the monthly rollups from the daily ones (done if they are empty)",
    )
    parser.add_argument(
        "--daily", action="store_true", help="also time the year by province from the daily rollups alone"
    )
    options = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        raise SystemExit("PostgreSQL only: set DATABASE_URL (see the module's docstring)")
    os.environ.setdefault("PISHKHAN_DEMO", "1")
    os.environ.setdefault("PISHKHAN_DATA_DIR", tempfile.mkdtemp(prefix="pishkhan-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.config.settings.base")
    import django

    django.setup()
    import jdatetime
    from django.db import connection

    from pishkhan.catalogue.models import Agency
    from pishkhan.common.calendar import jalali_date
    from pishkhan.geo.models import County, Province
    from pishkhan.kpis import selectors
    from pishkhan.kpis.models import DailyRollup, MonthRollup, RollupCursor
    from pishkhan.kpis.services import rollups_update, transaction_day_span
    from pishkhan.transactions.models import CounterTransaction, TransactionEvent

    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, {_load()}")
    _prepare(options.base_days, options.min_transactions)
    transactions = CounterTransaction.objects.count()
    print(f"PostgreSQL {connection.settings_dict['NAME']}: {transactions:,} transactions")
    if not options.skip_maintenance:
        _maintenance()
    if options.skip_rebuild:
        last = transaction_day_span()[1]
    else:
        last = _rebuild(options.runs_rebuild)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE kpis_dailyrollup")
    if options.skip_rebuild and (options.rebuild_months or not MonthRollup.objects.exists()):
        _months_build()
    print(
        f"{DailyRollup.objects.count():,} daily and {MonthRollup.objects.count():,} monthly rollup rows "
        f"for {transactions:,} transactions"
    )

    year = jalali_date(last).year
    year_end = jdatetime.date(year + 1, 1, 1).togregorian() - dt.timedelta(days=1)
    period = selectors.Period.of(jdatetime.date(year, 1, 1).togregorian(), year_end)
    compare = selectors.Period.of(
        jdatetime.date(year - 1, 1, 1).togregorian(), period.first - dt.timedelta(days=1)
    )
    nation = selectors.Jurisdiction("national", {})
    national = selectors.place_resolve(level="national", code="", jurisdiction=nation)
    province = selectors.place_resolve(level="province", code=options.province, jurisdiction=nation)
    print(f"Jalali year {year}: {period.first} to {period.last}; last year {compare.first} to {compare.last}")

    def dashboard() -> dict[str, Any]:
        """The /kpis/ page's reads of the counter's figures at the national level (web.dashboards)."""
        args = {"place": national, "jurisdiction": nation}
        return {
            "provinces": selectors.trips_measure(**args, period=period, by="province", compare=compare),
            "agencies": selectors.trips_measure(**args, period=period, by="agency"),
            "months": selectors.trips_measure(**args, period=period, by="month"),
            "months_before": selectors.trips_measure(**args, period=compare, by="month"),
            "service": selectors.service_measure(**args, period=period, by="province"),
        }

    def api_national() -> selectors.TripsMeasure:
        return selectors.trips_measure(place=national, jurisdiction=nation, period=period, by="province")

    def api_province() -> selectors.TripsMeasure:
        return selectors.trips_measure(place=province, jurisdiction=nation, period=period, by="county")

    provinces, counties, agencies = _codes(Province), _codes(County), _codes(Agency)

    def naive_dashboard() -> dict[str, Any]:
        return {
            "provinces": _by_code(_naive_trips(period, "office__province_id"), provinces),
            "agencies": _by_code(_naive_trips(period, "service__agency_id"), agencies),
            "months": _naive_months(period),
            "months_before": _naive_months(compare),
            "service": _by_code(_naive_service(period), provinces),
        }

    def naive_national() -> dict[str, Any]:
        return _by_code(_naive_trips(period, "office__province_id"), provinces)

    def naive_province() -> dict[str, Any]:
        where = {"office__province_id": province.filters["province_id"]}
        return _by_code(_naive_trips(period, "office__county_id", where), counties)

    def trips(measure: selectors.TripsMeasure) -> dict[str, tuple[int, int]]:
        return {row.code: (row.trips_avoided, row.transactions_completed) for row in measure.by}

    def dashboard_figures(found: dict[str, Any]) -> dict[str, Any]:
        service = {
            row.code: (row.transactions, row.completed, row.rejected, row.failed, row.fees_charged)
            for row in found["service"].by
        }
        return {
            "provinces": trips(found["provinces"]),
            "agencies": trips(found["agencies"]),
            "months": trips(found["months"]),
            "months_before": trips(found["months_before"]),
            "service": service,
        }

    cases = [
        ("/kpis/ page: counter figures, nation (5 selectors)", dashboard, naive_dashboard, dashboard_figures),
        ("/api/v1/kpis/trips?level=national (by province)", api_national, naive_national, trips),
        (f"/api/v1/kpis/trips?level=province&code={options.province} (by county)", api_province,
         naive_province, trips),
    ]  # fmt: skip
    results = []
    for label, rollup, naive, figures in cases:
        fast, found = _timed(rollup, options.runs)
        slow, expected = _timed(naive, options.runs_naive)
        assert figures(found) == expected, f"{label}: the rollups differ from the raw rows"
        results.append((label, fast, slow))
        print(
            f"{label}: rollups median {statistics.median(fast):.1f} ms, max {max(fast):.1f} ms "
            f"({options.runs} runs); naive median {statistics.median(slow):,.0f} ms "
            f"({options.runs_naive} runs); equal; {_load()}",
            flush=True,
        )
    total = api_national()
    print(f"the year: {total.transactions_completed:,} completed, {total.trips_avoided:,} trips avoided")

    heading = f"query (Jalali year {year})"
    print(f"\n{heading:<66} {'median':>9} {'max':>9} {'naive':>10} {'faster':>8}")
    for label, fast, slow in results:
        speedup = statistics.median(slow) / statistics.median(fast)
        verdict = "met" if max(fast) <= LIMIT_MS and speedup >= SPEEDUP else "NOT MET"
        print(
            f"{label:<66} {statistics.median(fast):>7.1f}ms {max(fast):>7.1f}ms "
            f"{statistics.median(slow):>8,.0f}ms {speedup:>7,.0f}x  {verdict}"
        )

    if options.daily:
        _daily_alone(period, trips(api_national()), options.runs_naive)
    if not options.job_events:
        return

    # The upkeep's cost per transaction: the job's rounds over the newest --job-events events again.
    cursor = RollupCursor.objects.get(name="events")
    newest = cursor.last_id
    back = (
        TransactionEvent.objects.filter(id__lte=newest)
        .order_by("-id")
        .values_list("id", flat=True)[options.job_events - 1 : options.job_events]
    )
    start_id = back[0] - 1 if back else 0
    events = TransactionEvent.objects.filter(id__gt=start_id, id__lte=newest)
    read_transactions = events.values("transaction_id").distinct().count()
    RollupCursor.objects.filter(name="events").update(last_id=start_id, pending=[])
    rounds, read, started = 0, 0, time.perf_counter()
    while True:
        done = rollups_update()
        if not done:
            break
        rounds, read = rounds + 1, read + done
    took = time.perf_counter() - started
    print(
        f"\nkpis.rollups job: {read:,} events of {read_transactions:,} transactions in {rounds} rounds, "
        f"{took:.2f} s: {took / read * 1e6:.0f} µs per event, {took / read_transactions * 1e6:.0f} µs "
        f"per transaction ({_load()})"
    )


if __name__ == "__main__":
    main()
