"""The queue's wait figures at national volume: the worker's round at the peak, the rebuild, and the
reads of the public page, the KPIs and supervision's long-waits rule.

Run by hand:  .venv/bin/python benchmarks/bench_waits.py --offices 2000 --days 3
(PostgreSQL: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_waits …)
Prepares the database if needed (migrate, geography, the 13,000-office demo network without history;
a fresh temporary SQLite directory unless --data-dir or DATABASE_URL says otherwise), then writes
--per-office tickets a day (~77: 1M tickets a day over 13,000 offices) at --offices offices for --days
days, all called and served, and times (medians of --runs):
1. the upkeep's round at the national peak: ~70 ticket steps a second for the 30 s a round covers
   is ~2,000 office-days touched; here one step at each of --offices offices, so the round
   recomputes --offices office-days of --per-office tickets each;
2. the full rebuild of every figure (the first round on a database);
3. the office's public page figure (``office_wait_usual``), the KPI (``waits_measure``, the nation by
   province over the days) and supervision's ``long_waits`` evaluator over the days.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
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


def _tickets(offices: int, per_office: int, days: int, rng: random.Random) -> list[int]:
    """Write the tickets (unless there are some); the offices used, by id."""
    from django.utils import timezone

    from pishkhan.catalogue.selectors import services_deliverable_by
    from pishkhan.common.calendar import TEHRAN
    from pishkhan.frontoffice.models import Ticket
    from pishkhan.offices.selectors import office_list_serving

    rows = list(office_list_serving().select_related(None).values_list("pk", "kind").order_by("pk"))
    menus = {kind: list(services_deliverable_by(kind=kind).select_related("agency")) for _pk, kind in rows}
    chosen = [(pk, kind) for pk, kind in rows if menus[kind]][:offices]
    if Ticket.objects.exists():
        return [pk for pk, _kind in chosen]
    today = timezone.localdate()
    started = time.perf_counter()
    for back in range(days, 0, -1):
        day = today - dt.timedelta(days=back)
        opens = dt.datetime.combine(day, dt.time(8), tzinfo=TEHRAN)
        batch = []
        for pk, kind in chosen:
            for number in range(1, per_office + 1):
                service = rng.choice(menus[kind])
                issued = opens + dt.timedelta(seconds=rng.randint(0, 8 * 3600))
                called = issued + dt.timedelta(seconds=rng.randint(30, 3600))
                batch.append(
                    Ticket(
                        office_id=pk,
                        day=day,
                        group=service.agency.code.upper()[:16],
                        number=number,
                        service=service,
                        state="served",
                        counter=1,
                        issued_at=issued,
                        called_at=called,
                        ended_at=called + dt.timedelta(seconds=rng.randint(60, 1200)),
                    )
                )
        Ticket.objects.bulk_create(batch, batch_size=5000)
    count = Ticket.objects.count()
    print(f"{count:,} tickets written in {time.perf_counter() - started:.1f} s")
    return [pk for pk, _kind in chosen]


def _median(fn, runs: int) -> float:
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--offices", type=int, default=2000)
    parser.add_argument("--per-office", type=int, default=77)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data-dir", default="")
    options = parser.parse_args()
    os.environ.setdefault("PISHKHAN_DEMO", "1")
    os.environ["PISHKHAN_DATA_DIR"] = options.data_dir or tempfile.mkdtemp(prefix="pishkhan-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.config.settings.base")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from pishkhan.frontoffice.models import Ticket, WaitCursor
    from pishkhan.frontoffice.selectors import office_wait_usual
    from pishkhan.frontoffice.waits import SETTLE, waits_rebuild, waits_update
    from pishkhan.kpis.selectors import Jurisdiction, Period, Place, waits_measure
    from pishkhan.supervision.evaluators import long_waits
    from pishkhan.supervision.models import Rule

    _prepare()
    offices = _tickets(options.offices, options.per_office, options.days, random.Random(20))
    print(f"database: {connection.vendor}; {Ticket.objects.count():,} tickets at {len(offices):,} offices")

    rebuild = _median(waits_rebuild, options.runs)

    def peak_round() -> None:
        # One step (an end) at every office in the window of one round, then the round itself.
        now = timezone.now()
        start = now - SETTLE - dt.timedelta(seconds=30)
        WaitCursor.objects.update(through=start)
        last = Ticket.objects.order_by().values("office_id").distinct()
        ids = [
            Ticket.objects.filter(office_id=row["office_id"]).values_list("pk", flat=True).first()
            for row in last
        ]
        Ticket.objects.filter(pk__in=ids).update(ended_at=start + dt.timedelta(seconds=15))
        began = time.perf_counter()
        cells = waits_update(now=now)
        timings.append(time.perf_counter() - began)
        assert cells == len(offices), cells

    timings: list[float] = []
    for _run in range(options.runs):
        peak_round()
    today = timezone.localdate()
    period = Period.of(today - dt.timedelta(days=options.days), today)
    kpi = _median(
        lambda: waits_measure(
            place=Place("national", "", "Iran"),
            jurisdiction=Jurisdiction("national", {}),
            period=period,
            by="province",
        ),
        options.runs,
    )
    rule = Rule.objects.get(code="long_waits")
    rule.thresholds = dict(rule.thresholds) | {"days": options.days + 1}
    supervision = _median(lambda: long_waits(rule, now=timezone.now()), options.runs)
    usual = _median(lambda: office_wait_usual(office_id=offices[0]), options.runs)

    print(
        f"upkeep round at the peak ({len(offices):,} office-days recomputed): "
        f"{statistics.median(timings):.2f} s"
    )
    print(f"full rebuild: {rebuild:.2f} s")
    print(f"KPI, the nation by province over {period.days} days: {kpi * 1000:.0f} ms")
    print(f"supervision's long_waits over {options.days + 1} days: {supervision * 1000:.0f} ms")
    print(f"the public page's usual wait of one office: {usual * 1000:.1f} ms")


if __name__ == "__main__":
    main()
