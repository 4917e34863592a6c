"""A single ``POST /api/v1/transactions`` at 16 concurrent clients, beside a bare ASGI INSERT (the limit).

Run by hand (needs Debian's ``wrk``: ``apt-get install wrk``), on SQLite:
    .venv/bin/python benchmarks/bench_counter_post.py --data-dir /tmp/bench-post
and on PostgreSQL:
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/bench_counter_post.py
Prepares the database if needed (migrate, geography, the demo network without history), issues an
office's API key, then, one after the other on the same machine:
1. the load generator's ceiling: wrk against a bare ASGI app answering ``GET /ok`` with no work;
2. --rounds times in turn (default 3), each round's pair a few seconds apart:
   a. the limit: wrk POSTing the same bodies to a bare ASGI app (granian ``--interface asgi``,
      2 workers) that only INSERTs the row (``bare_insert_asgi.py``: psycopg or sqlite3);
   b. Pishkhan served as ``pishkhan up`` serves it (its ``server_command``: granian WSGI, 2 workers,
      persistent connections), with wrk POSTing transactions (fresh Idempotency-Key and office
      reference each, ``post_transaction.lua``);
   and the median of the rounds' ratios;
   With --rollups, each round also runs Pishkhan a second time with the KPI rollups' upkeep beside it
   (``pishkhan worker --only kpis.rollups``, caught up first), and prints both ratios: the upkeep is the
   worker's, off the request's path (issue 19 §4: the ratio may lose at most 10 %);
3. where Pishkhan's time goes: --profile requests through the same WSGI application (the counter's
   fast lane) in process, one after the other, with their CPU time and a cProfile of our code.
Each wrk run: 2 threads, 16 connections, --seconds long, after a short warm-up.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONNECTIONS, THREADS = 16, 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listens on port {port} after {timeout} s")


def _serve(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    """granian serving ``args`` (a bare app) on a free port."""
    port = _free_port()
    command = [sys.executable, "-m", "granian", "--host", "127.0.0.1", "--port", str(port), *args]
    return _start(command, port, env), port


def _serve_pishkhan(env: dict[str, str], vendor: str) -> tuple[subprocess.Popen, int]:
    """Pishkhan served as ``pishkhan up`` serves it (its own command: 2 workers, threads by database)."""
    from pishkhan.demo.management.commands.up import server_command

    port = _free_port()
    return _start(server_command("127.0.0.1", port, 2, vendor=vendor), port, env), port


def _start(command: list[str], port: int, env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(command, env=env, start_new_session=True)
    _wait(port, process)
    return process


def rollups_catch_up() -> int:
    """Bring the KPI rollups up to the newest transaction event in this process (the worker then
    starts from there, as a running one would be); how many events that read."""
    from pishkhan.kpis.services import rollups_update

    read = 0
    while done := rollups_update():
        read += done
    return read


def rollups_worker(env: dict[str, str], timeout: float = 120) -> subprocess.Popen:
    """``pishkhan worker --only kpis.rollups``: the rollups' upkeep, as production runs it; returned
    once it runs its loop (its start, Django's imports, is not the upkeep's cost)."""
    command = [sys.executable, "-m", "pishkhan", "worker", "--only", "kpis.rollups"]
    process = subprocess.Popen(
        command,
        env={**env, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise SystemExit(f"the rollups' worker exited with {process.wait()}")
        if "running" in line:
            break
    # Keep reading what it prints, so that a full pipe never stops it.
    threading.Thread(target=lambda: [None for _line in process.stdout], daemon=True).start()
    return process


def statement_timer(timed: list[tuple[float, str]]):
    """A Django execute wrapper (``connection.execute_wrapper``) that appends each statement's
    (seconds, SQL) to ``timed``."""

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((time.perf_counter() - started, sql))

    return timer


def process_cpu(pid: int) -> float:
    """CPU seconds the process has used so far (Linux's ``/proc``; 0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, 15)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait()


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk(url: str, seconds: int, env: dict[str, str], script: str | None = None) -> dict[str, float]:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", script]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    result = {"rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])}
    for percentile in ("50", "99"):
        value, unit = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE).groups()
        result[f"p{percentile}"] = float(value) * _UNITS[unit]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    result["non_2xx"] = float(bad[1]) if bad else 0.0
    errors = re.search(r"Socket errors: (.*)", out)
    result["socket_errors"] = errors[1] if errors else ""  # type: ignore[assignment]
    result["requests"] = float(re.search(r"(\d+) requests in", out)[1])
    return result


def _prepare() -> dict[str, object]:
    """The database ready, an office's key, and what the bare app needs to write the same row."""
    from django.core.management import call_command
    from django.utils import timezone

    from pishkhan.accounts.services import apikey_create
    from pishkhan.catalogue.selectors import services_deliverable_by, tariffs_in_force
    from pishkhan.demo.network import network_build, network_is_built
    from pishkhan.geo.selectors import geo_is_loaded
    from pishkhan.geo.services import geo_load
    from pishkhan.licensing.selectors import office_may_transact
    from pishkhan.licensing.services import LicenceDraft, licences_issue_many
    from pishkhan.offices.selectors import office_get
    from pishkhan.transactions.models import CounterTransaction

    call_command("migrate", verbosity=0)
    if not geo_is_loaded():
        geo_load()
    if not network_is_built():
        network_build(history_days=0)
    office = office_get(code="P23-0001")
    if not office_may_transact(office=office)[0]:  # a demo network without licences yet: give it one
        since = timezone.now() - dt.timedelta(days=30)
        draft = LicenceDraft(office.code, status="active", issued_on=since.date(), first_signal_at=since)
        licences_issue_many(rows=[draft], actor=None)
    services = list(services_deliverable_by(kind=office.kind))
    tariffs = tariffs_in_force(services=services, on=timezone.localdate())
    service = next(s for s in services if s.pk in tariffs)
    _key, plaintext = apikey_create(holder_kind="office", holder_code=office.code, name="bench", actor=None)
    per_request = {
        "tracking_code", "office_reference", "clerk", "citizen_key", "citizen_masked", "mobile_masked",
        "fee_charged", "recorded_at", "received_at", "mobile_sealed", "idempotency_key",
        "request_fingerprint",
    }  # fmt: skip
    constants = {}
    for field in CounterTransaction._meta.concrete_fields:
        if field.primary_key or field.column in per_request:
            continue
        constants[field.column] = field.get_default()
    constants.update(
        office_id=office.pk, service_id=service.pk, state="received", fee_tariff=tariffs[service.pk].total
    )
    return {
        "key": plaintext,
        "service": service.code,
        "fee": tariffs[service.pk].total,
        "row": {"table": CounterTransaction._meta.db_table, "constants": constants},
    }


def _profile(setup: dict[str, object], count: int) -> None:
    """Requests through the WSGI application the server runs (the counter's fast lane), in process."""
    from django.db import connection

    from pishkhan.config.wsgi import application

    run = "prof-" + secrets.token_hex(3)
    statuses: list[str] = []

    def post(n: int) -> str:
        body = json.dumps(
            {
                "service": setup["service"],
                "national_id": "0499370899",
                "mobile": "09121234567",
                "fee_charged": setup["fee"],
                "office_reference": f"{run}-{n}",
            }
        ).encode()
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/transactions", "SCRIPT_NAME": "",
            "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)), "HTTP_AUTHORIZATION": f"Bearer {setup['key']}",
            "HTTP_IDEMPOTENCY_KEY": f"{run}-{n}",
        }  # fmt: skip
        b"".join(application(environ, lambda status, headers: statuses.append(status)))
        return statuses[-1]

    for n in range(20):
        post(n)
    timed: list[tuple[float, str]] = []
    with connection.execute_wrapper(statement_timer(timed)):
        status = post(20)
    print(
        f"\none request in process: {status}; statements through Django's cursor: {len(timed)} "
        "(the lane's own statement is prepared on the server and bypasses Django's cursor wrappers)"
    )
    started, cpu = time.perf_counter(), time.process_time()
    for n in range(10_000, 10_000 + count):
        post(n)
    wall, cpu = (time.perf_counter() - started) / count, (time.process_time() - cpu) / count
    print(
        f"{count} requests in process, one after the other: {wall * 1e6:.0f} µs each, of which "
        f"{cpu * 1e6:.0f} µs of this process's CPU (the rest waits on the database); "
        f"answers {sorted(set(statuses))}"
    )
    profiler = cProfile.Profile()
    profiler.enable()
    for n in range(21, 21 + count):
        post(n)
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(r"pishkhan/(?!config)", 25)
    print(re.sub(r"/\S*/site-packages/", "", text.getvalue()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", help="SQLite data directory (prepared if empty); default a temporary one"
    )
    parser.add_argument("--seconds", type=int, default=20, help="length of each measured wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the limit and Pishkhan in turn")
    parser.add_argument("--profile", type=int, default=300, help="requests profiled in process (0: none)")
    parser.add_argument(
        "--rollups", action="store_true", help="each round also with the KPI rollups' worker job beside it"
    )
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    data_dir = options.data_dir or tempfile.mkdtemp(prefix="pishkhan-bench-")
    os.environ.setdefault("PISHKHAN_DEMO", "1")
    os.environ["PISHKHAN_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.config.settings.base")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from pishkhan.transactions.models import CounterTransaction

    setup = _prepare()
    vendor = connection.vendor
    connection.close()
    env = {**os.environ, "PYTHONPATH": str(HERE), "BENCH_ROW": json.dumps(setup["row"], default=str)}
    if vendor == "postgresql":
        database = settings.DATABASES["default"]
        env["BENCH_DSN"] = os.environ["DATABASE_URL"]
        where = f"PostgreSQL {database['NAME']}"
    else:
        env["BENCH_SQLITE"] = str(settings.DATABASES["default"]["NAME"])
        env["BENCH_SQLITE_PRAGMAS"] = settings.DATABASES["default"]["OPTIONS"]["init_command"]
        where = f"SQLite {env['BENCH_SQLITE']}"
    wrk_env = {**os.environ, "BENCH_KEY": str(setup["key"]), "BENCH_SERVICE": str(setup["service"]),
               "BENCH_FEE": str(setup["fee"])}  # fmt: skip
    script = str(HERE / "post_transaction.lua")
    print(
        f"database: {where}; wrk -t{THREADS} -c{CONNECTIONS} -d{options.seconds}s; {os.cpu_count()} CPUs; "
        f"{options.rounds} rounds"
    )
    asgi = ["--interface", "asgi", "--workers", "2", "--no-ws", "--log-level", "warning"]
    asgi.append("bare_insert_asgi:app")
    server, port = _serve(asgi, env)
    try:
        _wrk(f"http://127.0.0.1:{port}/ok", 2, wrk_env)
        ceiling = _wrk(f"http://127.0.0.1:{port}/ok", 10, wrk_env)
    finally:
        _stop(server)

    def bare() -> dict[str, float]:
        server, port = _serve(asgi, env)
        try:
            bare_env = {**wrk_env, "BENCH_PATH": "/insert", "BENCH_RUN": "bare-warm-" + secrets.token_hex(3)}
            _wrk(f"http://127.0.0.1:{port}", 3, bare_env, script)
            bare_env["BENCH_RUN"] = "bare-" + secrets.token_hex(3)
            return _wrk(f"http://127.0.0.1:{port}", options.seconds, bare_env, script)
        finally:
            _stop(server)

    def pishkhan(run: str) -> dict[str, float]:
        server, port = _serve_pishkhan(env, vendor)
        try:
            _wrk(f"http://127.0.0.1:{port}", 3, {**wrk_env, "BENCH_RUN": "warm-" + run}, script)
            return _wrk(f"http://127.0.0.1:{port}", options.seconds, {**wrk_env, "BENCH_RUN": run}, script)
        finally:
            _stop(server)

    def with_rollups(run: str) -> dict[str, float]:
        """Pishkhan again, the rollups' upkeep running beside it (caught up first, as in production)."""
        rollups_catch_up()
        connection.close()
        worker = rollups_worker(env)
        try:
            measured = pishkhan(run)
            measured["worker_cpu"] = process_cpu(worker.pid)
        finally:
            _stop(worker)
        caught = rollups_catch_up()  # what the worker had not read yet when it stopped
        connection.close()
        measured["behind"] = caught
        return measured

    # The limit and Pishkhan in turn, --rounds times: the machine's speed drifts by a third over minutes,
    # and each round's ratio compares two runs a few seconds apart.
    rounds = []
    upkept: list[tuple[dict[str, float], dict[str, float], dict[str, float]]] = []
    for number in range(1, options.rounds + 1):
        limit = bare()
        # With --rollups, every other round runs Pishkhan with the upkeep first: the drift not on one side.
        beside = with_rollups("kpis-" + secrets.token_hex(3)) if options.rollups and number % 2 == 0 else None
        run = "post-" + secrets.token_hex(3)
        measured = pishkhan(run)
        created = CounterTransaction.objects.filter(office_reference__startswith=run + "-")
        measured["created"] = created.count()
        rounds.append((limit, measured))
        print(f"round {number}: bare {limit['rate']:,.0f}, Pishkhan {measured['rate']:,.0f}", flush=True)
        if options.rollups:
            beside = beside or with_rollups("kpis-" + secrets.token_hex(3))
            upkept.append((limit, measured, beside))
            print(
                f"round {number}: Pishkhan with the rollups' worker {beside['rate']:,.0f} "
                f"(p99 {beside['p99']:.1f} ms; worker CPU {beside['worker_cpu']:.1f} s; "
                f"{beside['behind']:,.0f} events left when it stopped); ratios "
                f"{measured['rate'] / limit['rate']:.3f} without, {beside['rate'] / limit['rate']:.3f} with",
                flush=True,
            )

    print(f"\n{'':<44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    rows = [("ceiling: bare ASGI, no work (GET)", ceiling)]
    for number, (limit, measured) in enumerate(rounds, 1):
        rows.append((f"round {number} limit: bare ASGI INSERT", limit))
        rows.append((f"round {number} Pishkhan POST", measured))
    for label, r in rows:
        errors = f"  socket errors: {r['socket_errors']}" if r["socket_errors"] else ""
        print(
            f"{label:<44} {r['rate']:>8,.0f} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['non_2xx']:>8,.0f}{errors}"
        )
    print()
    for number, (limit, measured) in enumerate(rounds, 1):
        print(
            f"round {number}: Pishkhan / bare = {measured['rate'] / limit['rate']:.2f} (target >= 0.5); "
            f"p99 {measured['p99']:.1f} ms (target <= 50); "
            f"transactions created {measured['created']:,} of {measured['requests']:,.0f} requests"
        )
    ratios = sorted(measured["rate"] / limit["rate"] for limit, measured in rounds)
    p99s = sorted(measured["p99"] for _limit, measured in rounds)
    print(
        f"median of {len(rounds)} rounds: Pishkhan / bare = {ratios[len(ratios) // 2]:.2f}, "
        f"p99 {p99s[len(p99s) // 2]:.1f} ms; lowest ratio {ratios[0]:.2f}, highest p99 {p99s[-1]:.1f} ms"
    )
    if upkept:
        without = statistics.median(measured["rate"] / limit["rate"] for limit, measured, _ in upkept)
        beside = statistics.median(other["rate"] / limit["rate"] for limit, _, other in upkept)
        print(
            f"with the rollups' worker beside it: median ratio {beside:.3f} against {without:.3f} without "
            f"({(beside / without - 1) * 100:+.1f} %; limit -10 %)"
        )
    if options.profile:
        _profile(setup, options.profile)


if __name__ == "__main__":
    main()
