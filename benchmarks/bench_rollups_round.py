"""One round of the KPI rollups' upkeep on a database the counter benchmarks have filled: its time,
its statements and where its Python time goes.

Run by hand, after ``bench_batch_ingest.py`` or ``bench_counter_post.py`` (same database or data dir):
    .venv/bin/python benchmarks/bench_rollups_round.py --data-dir /tmp/bench-post-sq
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_post \
      .venv/bin/python benchmarks/bench_rollups_round.py
Sets the upkeep's cursor back --events events (the rollups are caught up first), and times
``rollups_update()`` reading them again, --runs times; prints the slowest statements of the last run
and, with --profile, a cProfile of it. The round recomputes the cells those events touched exactly
as the worker's job does; the rows it writes are the same as before, so the database is unchanged.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import tempfile
import time

from bench_counter_post import statement_timer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="SQLite data directory of an earlier benchmark")
    parser.add_argument(
        "--events", type=int, default=5000, help="events the round reads (default: a full round)"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="a cProfile of the last run")
    options = parser.parse_args()
    os.environ.setdefault("PISHKHAN_DEMO", "1")
    os.environ["PISHKHAN_DATA_DIR"] = options.data_dir or tempfile.mkdtemp(prefix="pishkhan-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.config.settings.base")
    import django

    django.setup()
    from django.db import connection

    from pishkhan.kpis.models import RollupCursor
    from pishkhan.kpis.services import CURSOR, rollups_update

    while rollups_update():
        pass
    last = RollupCursor.objects.get(name=CURSOR).last_id
    if last < options.events:
        raise SystemExit(f"only {last} events: run a counter benchmark on this database first")
    timed: list[tuple[float, str]] = []

    took: list[float] = []
    profiler = cProfile.Profile()
    for run in range(1, options.runs + 1):
        RollupCursor.objects.filter(name=CURSOR).update(last_id=last - options.events, pending=[])
        timed.clear()
        last_run = options.profile and run == options.runs
        started = time.perf_counter()
        with connection.execute_wrapper(statement_timer(timed)):
            if last_run:
                profiler.enable()
            read = rollups_update()
            if last_run:
                profiler.disable()
        took.append(time.perf_counter() - started)
        in_sql = sum(seconds for seconds, _sql in timed)
        print(
            f"run {run}: {read:,} events in {took[-1] * 1000:.0f} ms; "
            f"{len(timed)} statements, {in_sql * 1000:.0f} ms in SQL"
        )
    print(
        f"{connection.vendor}: median {statistics.median(took) * 1000:.0f} ms for {options.events:,} events"
    )
    for seconds, sql in sorted(timed, reverse=True)[:5]:
        print(f"  {seconds * 1000:8.1f} ms  {sql[:120]}")
    if options.profile:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(15)
        print(text.getvalue())


if __name__ == "__main__":
    main()
