"""The fault-injection suite: crashes and a database restart under load lose and duplicate nothing.

On PostgreSQL only, and only when ``PISHKHAN_FAULTS_PG_CLUSTER`` names the cluster behind
``DATABASE_URL`` ("VERSION NAME", as ``pg_lsclusters`` lists it): the suite restarts that cluster,
so it runs alone, after every other test (.ci/run; docs/operations.md, "The fault suite"):

    PISHKHAN_FAULTS_PG_CLUSTER="15 main" DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/pytest -m faults

On a fresh database (``<name>_faults`` beside ``DATABASE_URL``'s) it serves Pishkhan as ``pishkhan up``
does (granian by ``up``'s own ``server_command``, three web workers) with ``pishkhan worker
--concurrency 2`` beside it, and the reference agency server (``gateway.agency_sandbox``) as the
agency. Simulated offices (``offices.py``) post singles and batches through the real API, retrying on
a 5xx or a broken connection with the same key, while the suite, every ``PISHKHAN_FAULTS_EVERY``
seconds (default 6) in turn: ``kill -9``s a web worker (granian respawns it), restarts PostgreSQL
(``pg_ctlcluster … restart``), ``kill -9``s the worker, ``kill -9``s the server's master, and
restarts PostgreSQL in ``immediate`` mode (a crash: no checkpoint, recovery at start). What was
killed is started again as a supervisor would (systemd's ``Restart=always``; the rest of the killed
process's group killed with it, as ``KillMode=control-group`` does). The load lasts
``PISHKHAN_FAULTS_SECONDS`` (default 36: each fault once); longer runs repeat the faults. Each office's
system pauses about ``PISHKHAN_FAULTS_PAUSE`` seconds (default 1) between posts: every transaction
makes three messages, and the drain waits for all of them.

Then, once the worker has drained the outbox (at most ``PISHKHAN_FAULTS_DRAIN`` seconds, default
240: a killed worker's leases run out first), it checks: every acknowledged transaction exists once
with the tracking code it was acknowledged with; every outbox row is delivered (its result applied
once) or dead; no transaction is left in a non-final state; every citizen's message went out once
(the log backend's lines, by key); no request answered 500; the audit chain verifies. It prints
its counts.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from pishkhan.demo.management.commands.up import server_command, worker_command
from pishkhan.gateway.agency_sandbox import SandboxState, sandbox_start
from tests.faults.offices import PAUSE, Office, Tally

pytestmark = pytest.mark.faults

CLUSTER_VARIABLE = "PISHKHAN_FAULTS_PG_CLUSTER"
ROOT = Path(__file__).resolve().parents[2]
SECRET = "f" * 40
OFFICES = 3
THREADS_PER_OFFICE = 2
WEB_WORKERS = 3
WORKER_CONCURRENCY = 2
FAULTS = ("web worker", "postgresql restart", "worker", "server master", "postgresql crash restart")


def _seconds(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answering(port: int) -> bool:
    """Whether the server answers a request (an unknown API path: a 404 that needs no database)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/api/v1/-")
        return connection.getresponse().status == 404
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid …: comm may hold spaces, so split after its closing parenthesis.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


class Supervised:
    """A service in its own process group, started and, after a crash, started again."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.command, self.env, self.log = name, command, env, log
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def crash(self) -> None:
        """``kill -9`` of the main process, then of what is left of its group (as systemd kills the
        rest of a unit's control group before restarting it)."""
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait()
        time.sleep(0.3)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)


def _pg_ready(url: str, timeout: float) -> float | None:
    """Seconds until the database answers (None if not within ``timeout``)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            with psycopg.connect(url, connect_timeout=2) as probe:
                probe.execute("SELECT 1")
            return time.monotonic() - started
        except psycopg.Error:
            time.sleep(0.1)
    return None


def _pending(url: str) -> dict[str, int]:
    """What the worker still has to do (read by SQL: Django is not set up on this database here)."""
    queries = {
        "transactions": "SELECT count(*) FROM transactions_countertransaction "
        "WHERE state NOT IN ('completed', 'rejected', 'failed')",
        "outbox": "SELECT count(*) FROM gateway_outboundrequest WHERE state IN ('pending', 'in_flight')",
        "messages": "SELECT count(*) FROM notifications_message WHERE status = 'pending'",
    }
    with psycopg.connect(url, connect_timeout=5) as db:
        return {name: db.execute(sql).fetchone()[0] for name, sql in queries.items()}


def _spans(moments: list[float], gap: float = 1.5) -> list[float]:
    """The lengths of the runs of failures (moments closer than ``gap`` belong to one run)."""
    spans, start, last = [], None, None
    for moment in sorted(moments):
        if last is None or moment - last > gap:
            if start is not None:
                spans.append(last - start)
            start = moment
        last = moment
    if start is not None:
        spans.append(last - start)
    return spans


@pytest.fixture
def cluster():
    named = os.environ.get(CLUSTER_VARIABLE, "").split()
    url = os.environ.get("DATABASE_URL", "")
    if len(named) != 2 or not url.startswith("postgres"):
        pytest.skip(
            f"the fault suite restarts PostgreSQL: set {CLUSTER_VARIABLE}='VERSION NAME' and DATABASE_URL"
        )
    return named


@pytest.fixture
def database(cluster):
    """A fresh database beside DATABASE_URL's, for the suite alone; dropped after a pass."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = (parts.path.lstrip("/") or "postgres") + "_faults"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(parts._replace(path=f"/{name}"))
    yield url
    _pg_ready(admin, 60)
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_crashes_and_a_database_restart_lose_and_duplicate_nothing(cluster, database, tmp_path):
    seconds = _seconds("PISHKHAN_FAULTS_SECONDS", 36)
    every = _seconds("PISHKHAN_FAULTS_EVERY", 6)
    drain = _seconds("PISHKHAN_FAULTS_DRAIN", 240)
    pause = _seconds("PISHKHAN_FAULTS_PAUSE", PAUSE)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database,
        DJANGO_SETTINGS_MODULE="pishkhan.config.settings.test",
        PISHKHAN_DATA_DIR=str(data_dir),
        # A killed worker's claimed messages go out again sooner (the key keeps them single).
        PISHKHAN_SMS_LEASE_SECONDS="10",
        PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]),
    )
    logging.getLogger("pishkhan.gateway.agency_sandbox").setLevel(logging.WARNING)  # a line a request
    agency = sandbox_start(state=SandboxState(secret=SECRET, delay=0.02))
    started = time.monotonic()
    prepared = subprocess.run(
        [sys.executable, "-m", "tests.faults.stage", "prepare", agency.url, SECRET, str(OFFICES)],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert prepared.returncode == 0, prepared.stderr[-3000:]
    setup = json.loads(prepared.stdout.strip().splitlines()[-1])
    prepare_seconds = time.monotonic() - started

    port = _free_port()
    server = Supervised(
        "server",
        server_command("127.0.0.1", port, WEB_WORKERS, vendor="postgresql"),
        env,
        tmp_path / "server.log",
    )
    worker = Supervised("worker", worker_command(WORKER_CONCURRENCY), env, tmp_path / "worker.log")
    tally, stop = Tally(), threading.Event()
    counts = {"kills": {}, "restarts": {}, "pg_outages": [], "server_down": []}
    offices: list[Office] = []
    try:
        server.start()
        worker.start()
        deadline = time.monotonic() + 120
        while not _answering(port):
            assert server.process.poll() is None, (tmp_path / "server.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        run = f"F{int(time.time())}"
        for n, (office, key) in enumerate(sorted(setup["keys"].items())):
            for thread in range(THREADS_PER_OFFICE):
                offices.append(
                    Office(
                        port=port,
                        office=office,
                        key=key,
                        service=setup["service"],
                        fee=setup["fee"],
                        run=run,
                        seed=n * THREADS_PER_OFFICE + thread + 1,
                        tally=tally,
                        stop=stop,
                        pause=pause,
                    )
                )
        load_started = time.monotonic()
        for office in offices:
            office.start()

        def fault(kind: str) -> None:
            counts["kills" if "restart" not in kind else "restarts"].setdefault(kind, 0)
            if kind == "web worker":
                workers = [pid for pid in _children(server.pid) if _alive(pid)]
                assert workers, "the server has no worker processes"
                victim = workers[0]
                os.kill(victim, signal.SIGKILL)
                counts["kills"][kind] += 1
                respawned = time.monotonic() + 60
                while time.monotonic() < respawned:  # granian starts another (--respawn-failed-workers)
                    now = [pid for pid in _children(server.pid) if _alive(pid)]
                    if victim not in now and len(now) >= len(workers):
                        counts["restarts"]["web worker (granian respawned)"] = (
                            counts["restarts"].get("web worker (granian respawned)", 0) + 1
                        )
                        break
                    time.sleep(0.2)
            elif kind == "worker":
                worker.crash()
                counts["kills"][kind] += 1
                worker.start()
                counts["restarts"]["worker (supervisor)"] = (
                    counts["restarts"].get("worker (supervisor)", 0) + 1
                )
            elif kind == "server master":
                down = time.monotonic()
                server.crash()
                counts["kills"][kind] += 1
                server.start()
                limit = time.monotonic() + 120
                while not _answering(port) and time.monotonic() < limit:
                    time.sleep(0.2)
                counts["server_down"].append(round(time.monotonic() - down, 2))
                counts["restarts"]["server (supervisor)"] = (
                    counts["restarts"].get("server (supervisor)", 0) + 1
                )
            else:
                mode = ["--mode", "immediate"] if "crash" in kind else []
                down = time.monotonic()
                command = ["pg_ctlcluster", "--skip-systemctl-redirect", *mode, *cluster, "restart"]
                restarted = subprocess.run(command, capture_output=True, text=True, check=False)
                assert restarted.returncode == 0, restarted.stderr
                ready = _pg_ready(database, 120)
                assert ready is not None, "PostgreSQL did not come back"
                counts["pg_outages"].append(round(time.monotonic() - down, 2))
                counts["restarts"][kind] += 1

        # Warm up, then one fault every `every` seconds, in turn, while the load lasts.
        time.sleep(min(every, seconds / 2))
        done = 0
        while time.monotonic() - load_started < seconds or done < len(FAULTS):
            fault(FAULTS[done % len(FAULTS)])
            done += 1
            time.sleep(every)
        stop.set()
        # A post under way is retried until answered; after a minute more the offices give up.
        for office in offices:
            office.give_up_at = time.monotonic() + 60
        for office in offices:
            office.join(timeout=120)
        load_seconds = time.monotonic() - load_started
        assert not [office.name for office in offices if office.is_alive()], "an office's system hangs"

        # The drain: the worker finishes what the faults interrupted.
        drain_started, left = time.monotonic(), {}
        while time.monotonic() - drain_started < drain:
            left = _pending(database)
            if not any(left.values()):
                break
            assert worker.process.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            time.sleep(1)
        drain_seconds = time.monotonic() - drain_started
    finally:
        stop.set()
        server.stop()
        worker.stop()
        agency.shutdown()

    acks_file = tmp_path / "acks.json"
    acks_file.write_text(json.dumps(tally.acks))
    checked = subprocess.run(
        [sys.executable, "-m", "tests.faults.stage", "check", str(acks_file), str(data_dir / "sms.log")],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr[-3000:]
    found = json.loads(checked.stdout.strip().splitlines()[-1])
    audit = subprocess.run(
        [sys.executable, "-m", "pishkhan", "audit_verify"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    with agency.state.lock:
        agency_received, agency_distinct = sum(agency.state.received.values()), len(agency.state.received)

    outages = [round(span, 2) for span in _spans(tally.failures_at) if span > 0]
    report = {
        "prepare_s": round(prepare_seconds, 1),
        "load_s": round(load_seconds, 1),
        "drain_s": round(drain_seconds, 1),
        "posts": tally.posts,
        "singles": tally.singles,
        "batches": tally.batches,
        "requests": tally.requests,
        "acks": len(tally.acks),
        "retries": tally.retries,
        "recognised_on_retry": tally.recognised,
        "statuses": dict(sorted(tally.statuses.items())),
        "503s": tally.statuses.get("503", 0),
        "500s": tally.statuses.get("500", 0),
        "connection_errors": tally.statuses.get("0", 0),
        "gave_up": tally.gave_up,
        "refused": tally.refused[:5],
        "kills": counts["kills"],
        "restarts": counts["restarts"],
        "pg_restart_s": counts["pg_outages"],
        "server_restart_s": counts["server_down"],
        "client_outages_s": outages,
        "stored": found["stored"],
        "states": found["states"],
        "outbox": found["outbox"],
        "delivered": found["outbox"].get("delivered", 0),
        "dead_lettered": found["outbox"].get("dead", 0),
        "answered_attempts_per_row": found["answered_attempts_per_row"],
        "abandoned_attempts": found["abandoned_attempts"],
        "agency_requests": agency_received,
        "agency_distinct": agency_distinct,
        "messages": found["messages"],
        "messages_sent": found["messages_sent"],
        "sms_lines": found["sms_lines"],
        "duplicates": len(found["duplicated"]),
        "lost": len(found["lost"]),
        "other_code": len(found["other_code"]),
        "stuck": found["stuck"],
        "left_after_drain": left,
        "audit": audit.stdout.strip().splitlines()[0]
        if audit.returncode == 0
        else audit.stderr.strip()[-500:],
    }
    print("\nfault suite:", json.dumps(report, ensure_ascii=False, indent=1))

    assert all(counts["kills"].get(kind) for kind in ("web worker", "worker", "server master")), counts
    assert counts["restarts"].get("postgresql restart")
    assert counts["restarts"].get("postgresql crash restart")
    assert tally.acks, "nothing was acknowledged"
    assert found["lost"] == [], f"acknowledged, not stored: {found['lost'][:10]}"
    assert found["duplicated"] == [], f"stored twice: {found['duplicated'][:10]}"
    assert found["other_code"] == [], f"stored under another tracking code: {found['other_code'][:10]}"
    assert tally.refused == [], tally.refused[:10]
    assert tally.gave_up == 0
    assert tally.statuses.get("500", 0) == 0, "a request answered 500 (an outage must answer 503)"
    assert found["stuck"] == 0, found["states"]
    assert found["outbox_not_final"] == 0, found["outbox"]
    assert found["outbox_rows_per_transaction_max"] == 1
    assert found["results_applied_more_than_once"] == 0
    assert found["sms_twice"] == [], found["sms_twice"][:10]
    assert found["sms_sent_not_in_log"] == [], found["sms_sent_not_in_log"][:10]
    assert found["sms_in_log_not_sent"] == [], found["sms_in_log_not_sent"][:10]
    assert found["messages_sent"] >= found["states"].get("completed", 0)
    assert audit.returncode == 0, audit.stderr
