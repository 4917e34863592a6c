"""``pishkhan up``: migrate, load what is missing, create the demo users, and serve."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from pishkhan.common.management.commands.worker import CONCURRENCY_MAX
from pishkhan.demo.inspections import demo_inspections_ensure
from pishkhan.demo.network import network_build, network_is_built
from pishkhan.demo.services import demo_users_ensure
from pishkhan.geo.selectors import geo_is_loaded
from pishkhan.geo.services import geo_load


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def server_command(host: str, port: int, workers: int, *, vendor: str) -> list[str]:
    """The granian command ``up`` serves Pishkhan with (the benchmarks serve it the same way).

    Each worker process runs Python requests on its own blocking threads. On PostgreSQL, four per
    worker: a request waits on the database server, and another thread runs meanwhile. On SQLite, one:
    writers take turns on the database anyway (``common.writes.writer_turn``), and a writer holding its
    turn while its process's other threads run Python waits for the GIL between its statements, which
    queues every writer behind it (measured: 1,089 req/s with four threads, 1,514 with one; the counter
    POST, 2 workers, benchmarks/README.md).
    """
    threads = 1 if vendor == "sqlite" else 4
    return [
        sys.executable, "-m", "granian", "--interface", "wsgi", "--host", host, "--port", str(port),
        "--workers", str(max(1, workers)), "--blocking-threads", str(threads), "--no-ws",
        "--log-level", "warning", "--respawn-failed-workers", "--workers-kill-timeout", "5",
        "pishkhan.config.wsgi:application",
    ]  # fmt: skip


def _demo_mark() -> None:
    """Leave the marker of demo mode in the data directory (or remove it in production mode), so that
    the commands run on this directory later (keys_create, audit_verify…) are in the same mode."""
    marker = Path(settings.PISHKHAN_DEMO_MARKER)
    if settings.PISHKHAN_DEMO:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text("Prepared by `pishkhan up` in demo mode: commands run here are in demo mode.\n")
    else:
        marker.unlink(missing_ok=True)


def _wait_listening(host: str, port: int, process: subprocess.Popen, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


class Command(BaseCommand):
    help = (
        "Migrate the database, load the geography if missing; in demo mode build the demo network if the "
        "registry is empty and create one demo user per role; then serve Pishkhan with granian and print the "
        "address."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
        parser.add_argument(
            "--data-dir",
            help="directory for the SQLite database and generated secret "
            "(default: $PISHKHAN_DATA_DIR or ~/.local/share/pishkhan)",
        )
        demo = parser.add_mutually_exclusive_group()
        demo.add_argument(
            "--demo",
            action="store_true",
            default=None,
            help="demo mode (the default for `up`): demo users with printed passwords",
        )
        demo.add_argument("--no-demo", dest="demo", action="store_false", help="production mode")
        parser.add_argument("--workers", type=int, default=2, help="web server worker processes (default 2)")
        parser.add_argument(
            "--worker-concurrency",
            type=int,
            default=None,
            help=(
                "processes delivering the gateway's outbox (default: on PostgreSQL as many as the "
                "machine's cores, 2 to 4; on SQLite 1)"
            ),
        )
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="prepare the database and users, then exit without serving",
        )

    def handle(self, *args: object, **options: object) -> None:
        host, port = str(options["host"]), int(options["port"])
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, not {port}.")
        if not options["no_serve"] and not _port_free(host, port):
            raise CommandError(f"{host}:{port} is already in use; choose another with --port.")
        concurrency = worker_concurrency(options["worker_concurrency"], vendor=connection.vendor)
        started = time.monotonic()
        out = self.stdout

        out.write(f"Data: {settings.DATABASES['default']['NAME']}")
        _demo_mark()
        call_command("migrate", interactive=False, verbosity=0)
        out.write("Database migrated.")
        if not geo_is_loaded():
            report = geo_load()
            out.write(f"Geography loaded: {report}.")
        if settings.PISHKHAN_DEMO:
            if not network_is_built():
                out.write("Building the demo network (offices, staff, catalogue, conversions)…")
                report = network_build(progress=out.write)
                out.write(f"Demo network built: {report}.")
            logins = demo_users_ensure()
            if made := demo_inspections_ensure():
                out.write(f"Demo inspections planned for the inspector: {made}.")
            out.write(self.style.WARNING("Demo mode: one user per role (passwords are new on every `up`):"))
            for login in logins:
                scope = f" [{login.jurisdiction_code}]" if login.jurisdiction_code else ""
                out.write(f"  {login.username:<16} {login.password}{scope}")
        out.write(f"Ready in {time.monotonic() - started:.1f} s.")
        if options["no_serve"]:
            return
        self._serve(host, port, int(options["workers"]), concurrency)

    def _serve(self, host: str, port: int, workers: int, concurrency: int) -> None:
        if not settings.PISHKHAN_SITE_URL:
            # The links in the demo's text messages (sms.log) lead to this server; the worker inherits it.
            shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 (compared, not bound)
            os.environ["PISHKHAN_SITE_URL"] = f"http://{shown}:{port}"
        command = server_command(host, port, workers, vendor=connection.vendor)
        # Its own session, so that stopping `up` can stop the server and all its workers together.
        server = subprocess.Popen(command, start_new_session=True)  # noqa: S603 (our interpreter, our arguments)
        worker = _worker_start(concurrency)
        stop_requested: list[float] = []

        def stop(signum: int, frame: object) -> None:
            if not stop_requested:
                stop_requested.append(time.monotonic())
                _signal_group(server, signal.SIGTERM)
                _signal_group(worker, signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        shown = f"[{host}]" if ":" in host else host
        if not _wait_listening(host, port, server, timeout=60):
            _signal_group(server, signal.SIGKILL)
            _signal_group(worker, signal.SIGKILL)
            raise CommandError(f"The web server did not start on {host}:{port}; see the messages above.")
        address = f"http://{shown}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"Pishkhan is serving on {address} (Ctrl+C stops it)"))
        self.stdout.flush()
        while True:
            try:
                code = server.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                # A server that ignores the polite request for STOP_GRACE seconds is stopped by force.
                if stop_requested and time.monotonic() - stop_requested[0] > STOP_GRACE:
                    _signal_group(server, signal.SIGKILL)
                    _signal_group(worker, signal.SIGKILL)
            if not stop_requested and worker.poll() is not None:
                # The work waits in the database; a new worker picks it up where the last one stopped.
                self.stderr.write(f"The worker stopped (exit code {worker.returncode}); starting another.")
                worker = _worker_start(concurrency)
        if not stop_requested:
            _signal_group(worker, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.wait(timeout=STOP_GRACE)
        _signal_group(server, signal.SIGKILL)  # workers that outlived their master
        _signal_group(worker, signal.SIGKILL)
        if not stop_requested:
            raise CommandError(f"The web server stopped unexpectedly (exit code {code}).")


def worker_concurrency(asked: object, *, vendor: str) -> int:
    """How many processes deliver the outbox (ADR 0012): as asked, else on PostgreSQL one per core,
    2 to 4; on SQLite one, since it lets one writer in at a time."""
    if asked is not None:
        if not 1 <= int(str(asked)) <= CONCURRENCY_MAX:
            raise CommandError(f"--worker-concurrency must be 1 to {CONCURRENCY_MAX}.")
        return int(str(asked))
    if vendor == "sqlite":
        return 1
    return max(2, min(4, os.cpu_count() or 1))


def worker_command(concurrency: int = 1) -> list[str]:
    """The ``pishkhan worker`` command ``up`` runs beside the server (as the fault suite runs it)."""
    return [sys.executable, "-m", "pishkhan", "worker", "--concurrency", str(concurrency)]


def _worker_start(concurrency: int = 1) -> subprocess.Popen:
    """``pishkhan worker`` in its own session: gateway deliveries, SMS and deadlines, beside the server;
    its delivering processes (``--concurrency``) share its process group, so they stop with it."""
    return subprocess.Popen(worker_command(concurrency), start_new_session=True, stdout=subprocess.DEVNULL)  # noqa: S603


STOP_GRACE = 10.0


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    """Send a signal to a process and all its children (they share its process group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)
