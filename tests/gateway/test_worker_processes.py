"""Several worker processes (``pishkhan worker --concurrency N``) sharing the outbox, on PostgreSQL."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from pishkhan.gateway.models import DeliveryAttempt, OutboundRequest
from pishkhan.gateway.services import submission_enqueue
from pishkhan.gateway.states import AttemptOutcome, OutboundState

REQUESTS = 150


def _worker_env():
    """The environment of a worker process on the test's own database."""
    database = connection.settings_dict
    url = f"postgresql://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    env = dict(os.environ)
    env["DATABASE_URL"] = f"{url}/{database['NAME']}"
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    env["DJANGO_SETTINGS_MODULE"] = "pishkhan.config.settings.test"
    return env


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_deliver_each_request_once(http_agency, reference):
    if connection.vendor != "postgresql":
        pytest.skip("several delivering processes are for PostgreSQL; SQLite runs one")
    # Slow answers keep each process's batch in flight while the other claims the next rows.
    reference.state.control({"delay": 0.05})
    command = [sys.executable, "-m", "pishkhan", "worker", "--concurrency", "2", "--only", "gateway.deliver"]
    worker = subprocess.Popen(
        [*command, "--tick", "0.05"],
        env=_worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Submissions arrive while both processes run, as a counter's do, in small commits.
        for n in range(REQUESTS):
            submission_enqueue(agency="tamin", idempotency_key=f"tx-{n}", payload={"n": n}, actor=None)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if not OutboundRequest.objects.exclude(state=OutboundState.DELIVERED).exists():
                break
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err
    assert "and 1 more processes delivering" in out
    assert OutboundRequest.objects.filter(state=OutboundState.DELIVERED).count() == REQUESTS
    # The agency received each request once, and each has one answered attempt. (On a loaded machine
    # a connection to the agency may fail before it is made: that attempt is retried, not abandoned.)
    assert len(reference.state.received) == REQUESTS
    assert set(reference.state.received.values()) == {1}
    answered = DeliveryAttempt.objects.filter(outcome=AttemptOutcome.ANSWERED)
    assert sorted(answered.values_list("request_id", flat=True)) == sorted(
        OutboundRequest.objects.values_list("id", flat=True)
    )
    assert not DeliveryAttempt.objects.exclude(outcome__in=[AttemptOutcome.ANSWERED, AttemptOutcome.RETRY])


def test_worker_refuses_a_concurrency_out_of_range(db):
    from django.core.management import CommandError, call_command

    for bad in ("0", "33"):
        with pytest.raises(CommandError, match="--concurrency"):
            call_command("worker", "--once", "--concurrency", bad)


def test_worker_refuses_an_unknown_job(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="No such job"):
        call_command("worker", "--once", "--only", "gateway.nothing")


def test_worker_once_runs_only_the_named_job(sandbox_agency, capsys):
    from django.core.management import call_command

    submission_enqueue(agency="sabt", idempotency_key="tx-only", payload={}, actor=None)
    call_command("worker", "--once", "--only", "gateway.deliver")
    out = capsys.readouterr().out
    assert "gateway.deliver: DeliveryReport(claimed=1, delivered=1" in out
    assert "transactions.notify" not in out


def test_up_starts_one_delivering_process_on_sqlite_and_two_to_four_on_postgresql():
    from django.core.management import CommandError

    from pishkhan.demo.management.commands.up import worker_concurrency

    assert worker_concurrency(None, vendor="sqlite") == 1
    assert 2 <= worker_concurrency(None, vendor="postgresql") <= 4
    assert worker_concurrency(3, vendor="postgresql") == 3
    with pytest.raises(CommandError, match="--worker-concurrency"):
        worker_concurrency(0, vendor="postgresql")
