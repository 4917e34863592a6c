"""``pishkhan simulate`` against a real server (pytest-django's live server): offices' systems over HTTP."""

import io
import random
import socket

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from pishkhan.accounts.models import ApiKey
from pishkhan.demo.network import network_build
from pishkhan.demo.simulate import KEY_NAME, offices_prepare, offices_release, run_name, simulation_run
from pishkhan.transactions.models import CounterTransaction, Heartbeat


def _connections() -> int:
    # An in-memory SQLite test database is one connection that the live server's threads share:
    # its requests must come one at a time.
    return 1 if connection.vendor == "sqlite" else 4


@pytest.fixture
def network(transactional_db, geo_loaded):
    """A small demo network without history (its offices licensed as the demo licenses them: most
    active), committed so that the live server sees it."""
    network_build(offices=30, seed=3, history_days=0)


def test_simulated_offices_post_through_the_api_and_retries_create_nothing(live_server, network):
    run = run_name()
    offices = offices_prepare(count=6, offline_share=0.34, rng=random.Random(1), run=run)

    # Every request is sent twice and every batch resent: each second copy must create nothing.
    report = simulation_run(
        url=live_server.url,
        offices=offices,
        rate=12,
        duration=3,
        run=run,
        concurrency=_connections(),
        retry_share=1.0,
        batch_every=1,
        seed=1,
    )
    revoked = offices_release(run=run)

    assert sum(office.offline for office in offices) == 2
    assert not report.errors, report.summary()
    assert report.sent["transaction"] > 0
    assert report.sent["batch"] > 0
    assert report.created == report.sent["transaction"] + report.sent["batch item"]
    assert CounterTransaction.objects.count() == report.created
    assert report.replayed == report.sent["retry"] == report.sent["transaction"]
    assert report.replay_mismatches == 0
    assert report.batch_duplicates == report.sent["batch item"]
    assert Heartbeat.objects.count() == report.heartbeats == report.sent["heartbeat"] >= 4
    assert revoked == 6
    assert not ApiKey.objects.filter(name__startswith=KEY_NAME, revoked_at__isnull=True).exists()


def test_the_simulate_command_prints_what_it_sent_and_revokes_its_keys(live_server, network):
    out = io.StringIO()
    call_command(
        "simulate",
        "--url", live_server.url, "--rate", "5/s", "--duration", "1", "--offices", "3",
        "--offline-share", "0", "--concurrency", str(_connections()),
        stdout=out,
    )  # fmt: skip

    printed = out.getvalue()
    assert "3 offices (0 offline)" in printed
    assert "errors by status: none" in printed, printed
    assert "Revoked the run's 3 API keys." in printed
    assert Heartbeat.objects.count() == 3


def test_the_simulate_command_needs_a_server(db):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free once closed: nobody listens there

    with pytest.raises(CommandError, match="No server answers"):
        call_command("simulate", "--url", f"http://127.0.0.1:{port}", "--duration", "1")


@pytest.mark.parametrize(
    ("option", "value"),
    [("--rate", "0"), ("--offline-share", "1.5"), ("--concurrency", "0"), ("--duration", "-1")],
)
def test_the_simulate_command_refuses_silly_options(db, option, value):
    with pytest.raises(CommandError, match=option):
        call_command("simulate", option, value)
