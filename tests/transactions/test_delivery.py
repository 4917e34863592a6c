"""A transaction's way to the agency and back: gateway submission, the agency's answer, the citizen's SMS.

These run the real pieces: the counter API, the gateway's outbox, its sandbox adapter or the reference
agency back-end over HTTP on loopback, the scheduled jobs the worker runs, and the log-file SMS backend.
"""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from pishkhan.catalogue.services import agency_update
from pishkhan.common.jobs import run_once
from pishkhan.gateway.models import OutboundRequest
from pishkhan.gateway.selectors import delivery_attempt_list
from pishkhan.gateway.services import agency_secret_set, outbox_deliver_due, outbox_replay
from pishkhan.gateway.states import AttemptOutcome, OutboundState
from pishkhan.notifications.services import messages_send_due
from pishkhan.transactions.models import CounterTransaction
from pishkhan.transactions.services import notifications_enqueue_due, transactions_record_batch
from pishkhan.transactions.states import TransactionState
from tests.conftest import AGENCY_SECRET
from tests.transactions.test_services import CITIZEN, SERVICE, record

MOBILE = "09121234567"


@pytest.fixture
def sms_log(settings, tmp_path):
    """The SMS backend's log file, in a fresh data directory."""
    settings.PISHKHAN_SMS_BACKEND = "log"
    settings.PISHKHAN_DATA_DIR = tmp_path
    return tmp_path / "sms.log"


def _messages(path):
    return (
        [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    )


def notifications_send_due(*, now):
    """The worker's two jobs: the steps' messages enqueued, then the outbox sent."""
    notifications_enqueue_due(now=now)
    messages_send_due(now=timezone.now())


def _keys(path):
    return [message["key"] for message in _messages(path)]


def _history(transaction):
    return [(event.from_state, event.to_state) for event in transaction.events.order_by("at", "pk")]


def _post(client, key, *, idempotency_key="idem-1", **overrides):
    body = {
        "service": SERVICE,
        "national_id": CITIZEN,
        "mobile": MOBILE,
        "fee_charged": 650_000,
        "office_reference": "REF-API-1",
    } | overrides
    return client.post(
        "/api/v1/transactions",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": idempotency_key},
    )


@pytest.fixture
def over_http(counter, reference):
    """The counter's agency reached over HTTP at the reference back-end."""
    agency_update(
        agency=counter["agency"], adapter="http", base_url=reference.url, timeout_seconds=2, actor=None
    )
    agency_secret_set(agency=counter["agency"], secret=AGENCY_SECRET, actor=None)
    return reference


def test_a_posted_transaction_is_delivered_by_the_worker_and_completed(client, counter, sms_log, settings):
    settings.PISHKHAN_SITE_URL = "https://pishkhan.example.ir"
    # given a transaction posted with an office's key (the agency is on the sandbox adapter)
    answer = _post(client, counter["office_key"])
    assert answer.status_code == 201, answer.content
    code = answer.json()["tracking_code"]
    assert answer.json()["state"] == "received"

    # when the worker runs its jobs
    run_once()
    run_once()

    # then the agency's answer completed it, timed event by event, and the citizen got one SMS a step
    transaction = CounterTransaction.objects.get(tracking_code=code)
    assert transaction.state == TransactionState.COMPLETED
    assert _history(transaction) == [("", "received"), ("received", "submitted"), ("submitted", "completed")]
    assert transaction.submitted_at <= transaction.finished_at
    assert transaction.agency_reference.startswith("SBX-")
    messages = _messages(sms_log)
    assert [message["key"] for message in messages] == [
        f"txn:{code}:received",
        f"txn:{code}:submitted",
        f"txn:{code}:completed",
    ]
    assert {message["to"] for message in messages} == {"0912***4567"}
    assert code in messages[0]["text"]
    assert f"https://pishkhan.example.ir/rate/?code={code}" in messages[2]["text"]
    transaction.refresh_from_db()
    assert transaction.mobile_sealed == ""
    assert transaction.notified_at is not None
    # and nothing of the citizen is left in clear or sealed in the outbox
    assert OutboundRequest.objects.get(idempotency_key=code).payload_sealed == ""
    # and the office's system reads the outcome
    detail = client.get(
        f"/api/v1/transactions/{code}", headers={"Authorization": f"Bearer {counter['office_key']}"}
    ).json()
    assert (detail["state"], detail["agency_reference"]) == ("completed", transaction.agency_reference)
    assert [event["to_state"] for event in detail["events"]] == ["received", "submitted", "completed"]


def test_the_agency_receives_the_full_identifiers_that_pishkhan_keeps_only_sealed(counter, over_http):
    transaction = record(counter["office"]).transaction

    stored = (
        CounterTransaction.objects.filter(pk=transaction.pk).values_list("mobile_sealed", flat=True).get()
    )
    assert MOBILE not in stored
    outbox = OutboundRequest.objects.get(idempotency_key=transaction.tracking_code)
    assert CITIZEN not in outbox.payload_sealed
    assert outbox.payload["national_id"] == CITIZEN

    outbox_deliver_due(now=timezone.now())

    assert over_http.state.received[transaction.tracking_code] == 1
    transaction.refresh_from_db()
    assert transaction.state == TransactionState.COMPLETED


def test_over_http_an_agency_failing_twice_still_completes_exactly_once_after_three_attempts(
    counter, over_http, sms_log
):
    over_http.state.control({"fail_next": 2})
    transaction = record(counter["office"]).transaction
    request = OutboundRequest.objects.get(idempotency_key=transaction.tracking_code)
    rng = random.Random(4)

    now = timezone.now()
    for _ in range(3):
        outbox_deliver_due(now=now, rng=rng)
        request.refresh_from_db()
        now = (request.next_attempt_at or now) + dt.timedelta(seconds=1)
    notifications_send_due(now=timezone.now())
    notifications_send_due(now=timezone.now())

    transaction.refresh_from_db()
    assert transaction.state == TransactionState.COMPLETED
    assert [a.outcome for a in delivery_attempt_list(request=request)] == [
        AttemptOutcome.RETRY,
        AttemptOutcome.RETRY,
        AttemptOutcome.ANSWERED,
    ]
    assert _history(transaction) == [("", "received"), ("received", "submitted"), ("submitted", "completed")]
    code = transaction.tracking_code
    assert _keys(sms_log) == [f"txn:{code}:received", f"txn:{code}:submitted", f"txn:{code}:completed"]


def test_a_delivery_given_up_fails_the_transaction_and_a_replay_completes_it(counter, over_http, sms_log):
    over_http.state.control({"fail_next": 1, "fail_status": 422})
    transaction = record(counter["office"]).transaction

    outbox_deliver_due(now=timezone.now())
    notifications_send_due(now=timezone.now())
    transaction.refresh_from_db()
    assert transaction.state == TransactionState.FAILED
    assert "422" in transaction.events.last().detail
    assert transaction.mobile_sealed != ""  # kept for a late answer
    assert _keys(sms_log) == [f"txn:{transaction.tracking_code}:received"]  # the failure is not told

    request = OutboundRequest.objects.get(idempotency_key=transaction.tracking_code)
    assert request.state == OutboundState.DEAD
    outbox_replay(request=request, actor="command:gateway_replay")
    outbox_deliver_due(now=timezone.now())
    notifications_send_due(now=timezone.now())

    transaction.refresh_from_db()
    assert transaction.state == TransactionState.COMPLETED
    assert _history(transaction)[-2:] == [("received", "failed"), ("failed", "completed")]
    code = transaction.tracking_code
    assert _keys(sms_log) == [f"txn:{code}:received", f"txn:{code}:completed"]  # never submitted


def test_a_rejection_tells_the_citizen_the_reason_and_what_to_bring(counter, over_http, sms_log):
    over_http.state.control({"answer": "rejected"})
    transaction = record(counter["office"]).transaction

    outbox_deliver_due(now=timezone.now())
    notifications_send_due(now=timezone.now())

    transaction.refresh_from_db()
    assert transaction.state == TransactionState.REJECTED
    *_, message = _messages(sms_log)
    assert message["key"] == f"txn:{transaction.tracking_code}:rejected"
    assert transaction.tracking_code in message["text"]
    assert "rejected by the reference agency" in message["text"]  # the agency's reason
    assert "the original national ID card" in message["text"]  # and what to bring


def test_running_the_jobs_again_tells_no_step_twice(counter, sms_log):
    transaction = record(counter["office"]).transaction
    for _ in range(3):
        run_once()
        notifications_send_due(now=timezone.now())

    code = transaction.tracking_code
    assert _keys(sms_log) == [f"txn:{code}:received", f"txn:{code}:submitted", f"txn:{code}:completed"]


def test_a_failed_transactions_sealed_mobile_is_erased_after_a_while(counter, over_http):
    over_http.state.control({"fail_next": 1, "fail_status": 400})
    transaction = record(counter["office"]).transaction
    outbox_deliver_due(now=timezone.now())

    notifications_send_due(now=timezone.now() + dt.timedelta(days=15))

    transaction.refresh_from_db()
    assert transaction.state == TransactionState.FAILED
    assert transaction.mobile_sealed == ""


def test_a_batch_submits_each_created_item_once_and_a_repeat_inside_it_is_a_duplicate(counter):
    item = {"service": SERVICE, "national_id": CITIZEN, "mobile": MOBILE, "fee_charged": 650_000}
    items = [item | {"office_reference": f"OFF-{n}"} for n in range(5)] + [
        item | {"office_reference": "OFF-0"}
    ]

    results = transactions_record_batch(office=counter["office"], items=items, actor=None)

    assert [r.outcome for r in results] == ["created"] * 5 + ["duplicate"]
    assert results[5].tracking_code == results[0].tracking_code
    codes = {r.tracking_code for r in results}
    assert set(OutboundRequest.objects.values_list("idempotency_key", flat=True)) == codes
    for transaction in CounterTransaction.objects.filter(tracking_code__in=codes):
        assert _history(transaction) == [("", "received")]
        assert transaction.mobile_sealed != ""

    again = transactions_record_batch(office=counter["office"], items=items[:2], actor=None)

    assert [r.outcome for r in again] == ["duplicate", "duplicate"]
    assert OutboundRequest.objects.count() == 5


def test_the_worker_command_runs_every_job_once(counter, sms_log, capsys):
    record(counter["office"])

    call_command("worker", "--once")

    out = capsys.readouterr().out
    assert "gateway.deliver:" in out
    assert CounterTransaction.objects.get().state == TransactionState.COMPLETED


def test_a_citizen_is_notified_after_the_transaction_finished_not_at_the_rounds_start(counter, sms_log):
    # given transactions posted for the agency (on the sandbox adapter, which answers at once)
    for n in range(3):
        assert record(counter["office"], key=f"k-{n}", office_reference=f"N-{n}").created

    # when the worker runs one round: the gateway delivers them (finishing them), then texts go out
    run_once()

    # then each citizen is notified after their transaction finished, at the time of each act
    finished = CounterTransaction.objects.filter(state=TransactionState.COMPLETED)
    assert finished.count() == 3
    for transaction in finished:
        assert transaction.notified_at is not None, transaction.tracking_code
        assert transaction.submitted_at <= transaction.finished_at <= transaction.notified_at
