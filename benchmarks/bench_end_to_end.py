"""End to end: offices posting at a fixed rate, the worker delivering to the sandbox agencies, and the
time from recording to ``completed``.

Run by hand, on PostgreSQL (the production database; several delivering processes need it):
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/bench_end_to_end.py
    ... --rates 225,300,400 --seconds 30 --concurrency 3
and on SQLite (one delivering process):
    .venv/bin/python benchmarks/bench_end_to_end.py --data-dir /tmp/bench-e2e
Prepares the database as ``bench_counter_post.py`` does (migrate, geography, the demo network without
history, an office's API key), then:
1. serves Pishkhan as ``pishkhan up`` does (granian, 2 workers) and starts ``pishkhan worker
   --concurrency N`` beside it (every agency of the demo network answers through the sandbox
   adapter, in process);
2. lets the worker drain whatever the outbox still holds from earlier runs;
3. for each rate: a load generator (threads with keep-alive connections, each request sent at its
   scheduled time ``start + n / rate``, so a slow answer does not slow the offered rate) posts
   ``POST /api/v1/transactions`` for --seconds; then waits until the worker has caught up (at most
   --drain seconds);
4. prints, per rate: the rate achieved and its answers, the outbox backlog when posting stopped and
   how long it took to drain, and from the database the time from ``received_at`` (recorded) to
   ``finished_at`` (completed) of the rate's transactions: p50, p99 and max.
The machine's load average is printed beside each rate: this is a shared 2-core machine.

Results (benchmarks/README.md, "End to end"), 2026-12-07 at load 1.7-3.4, --concurrency 2: every
rate achieved (225, 300, 400/s), all completed; recorded->completed at 300/s p50 0.30 s, p99 0.74 s;
at 400/s p50 0.87 s, p99 2.25 s; at 225/s (first, load still falling) p50 0.14 s, p99 4.9 s.
Earlier, 2026-12-06 on a machine at load 20-30 (not quiet): the
server accepted 113-132 posts/s of the 225-400 offered; all completed; recorded->completed p50
0.8-3.8 s, p99 3.6-7.8 s; backlog drained within 7 s of the end. To be re-run on a quiet machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_counter_post import _prepare, _serve_pishkhan, _stop  # noqa: E402

CLIENT_THREADS = 24


def _national_id(n: int) -> str:
    body = f"{n % 1_000_000_000:09d}"
    remainder = sum(int(digit) * (10 - i) for i, digit in enumerate(body)) % 11
    return body + str(remainder if remainder < 2 else 11 - remainder)


def _post_at_rate(port: int, setup: dict, *, rate: float, seconds: float, run: str) -> dict[str, object]:
    """POST for ``seconds`` at ``rate`` a second, each request at its scheduled time."""
    total = int(rate * seconds)
    lock = threading.Lock()
    state = {"next": 0}
    statuses: dict[int, int] = {}
    late: list[float] = []
    start = time.monotonic() + 0.5

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                n = state["next"]
                state["next"] += 1
            if n >= total:
                break
            due = start + n / rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            else:
                late.append(-pause)
            reference = f"{run}-{n}"
            body = json.dumps(
                {
                    "service": setup["service"],
                    "national_id": _national_id(123_456 + n * 7919),
                    "mobile": f"0912{n % 10_000_000:07d}",
                    "fee_charged": setup["fee"],
                    "office_reference": reference,
                    "clerk": run,
                }
            )
            headers = {
                "Authorization": f"Bearer {setup['key']}",
                "Content-Type": "application/json",
                "Idempotency-Key": reference,
            }
            try:
                connection.request("POST", "/api/v1/transactions", body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    late.sort()
    return {
        "sent": total,
        "achieved": total / elapsed,
        "statuses": statuses,
        "late_p99": late[int(len(late) * 0.99)] if late else 0.0,
    }


def _backlog() -> int:
    from pishkhan.gateway.models import OutboundRequest

    return OutboundRequest.objects.filter(state__in=["pending", "in_flight"]).count()


def _drain(limit: float) -> float | None:
    """Seconds until the outbox holds nothing due; None if not within ``limit``."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if _backlog() == 0:
            return time.monotonic() - started
        time.sleep(0.25)
    return None


def _latencies(run: str) -> tuple[list[float], dict[str, int]]:
    """Seconds from recording to completed of the run's transactions, sorted; and their states."""
    from pishkhan.transactions.models import CounterTransaction

    rows = CounterTransaction.objects.filter(clerk=run)
    states: dict[str, int] = {}
    for state in rows.values_list("state", flat=True):
        states[state] = states.get(state, 0) + 1
    spans = sorted(
        (finished - received).total_seconds()
        for received, finished in rows.filter(state="completed").values_list("received_at", "finished_at")
    )
    return spans, states


def _percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(len(values) * share))] if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", help="SQLite data directory (prepared if empty); default a temporary one"
    )
    parser.add_argument(
        "--rates", default="225,300,400", help="posts a second, one run each (default 225,300,400)"
    )
    parser.add_argument(
        "--seconds", type=float, default=30, help="how long each rate is sustained (default 30)"
    )
    parser.add_argument(
        "--drain", type=float, default=120, help="most seconds to wait for the worker to catch up"
    )
    parser.add_argument(
        "--concurrency", type=int, default=None, help="delivering processes (default: as `pishkhan up` picks)"
    )
    options = parser.parse_args()
    rates = [float(rate) for rate in options.rates.split(",") if rate.strip()]
    data_dir = options.data_dir or tempfile.mkdtemp(prefix="pishkhan-bench-")
    os.environ.setdefault("PISHKHAN_DEMO", "1")
    os.environ["PISHKHAN_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.config.settings.base")
    import django

    django.setup()
    from django.db import connection

    from pishkhan.demo.management.commands.up import worker_concurrency

    setup = _prepare()
    vendor = connection.vendor
    concurrency = worker_concurrency(options.concurrency, vendor=vendor)
    connection.close()
    server, port = _serve_pishkhan(dict(os.environ), vendor)
    worker = subprocess.Popen(
        [sys.executable, "-m", "pishkhan", "worker", "--concurrency", str(concurrency)],
        env=dict(os.environ),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        print(
            f"database: {vendor}; worker --concurrency {concurrency}; {os.cpu_count()} CPUs; "
            f"{options.seconds:.0f} s per rate; client threads {CLIENT_THREADS}"
        )
        waited = _drain(max(options.drain, 300))
        print(f"outbox drained before the runs in {waited if waited is not None else 'more than 300'} s")
        for rate in rates:
            run = "e2e-" + secrets.token_hex(3)
            load = os.getloadavg()
            posted = _post_at_rate(port, setup, rate=rate, seconds=options.seconds, run=run)
            backlog = _backlog()
            drained = _drain(options.drain)
            spans, states = _latencies(run)
            print(
                f"rate {rate:.0f}/s: achieved {posted['achieved']:.0f}/s, answers {posted['statuses']}, "
                f"client late p99 {posted['late_p99'] * 1000:.0f} ms; load average before "
                f"{load[0]:.1f}/{load[1]:.1f}; backlog when posting stopped {backlog}, drained in "
                f"{f'{drained:.1f} s' if drained is not None else f'more than {options.drain:.0f} s'}; "
                f"states {states}; recorded→completed p50 {_percentile(spans, 0.5):.2f} s, "
                f"p99 {_percentile(spans, 0.99):.2f} s, max {spans[-1] if spans else float('nan'):.2f} s"
            )
    finally:
        _stop(worker)
        _stop(server)


if __name__ == "__main__":
    main()
