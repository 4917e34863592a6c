"""Deliveries in batches: one claim and one settle for many rows, a handler's batch form, and a batch
whose settle fails settled row by row."""

import pytest
from django.utils import timezone

from pishkhan.common.bulk import objects_update
from pishkhan.gateway import events
from pishkhan.gateway.models import DeliveryAttempt, OutboundRequest
from pishkhan.gateway.services import outbox_deliver_due, submission_enqueue
from pishkhan.gateway.states import AttemptOutcome, OutboundState


def _enqueue(count, agency="sabt"):
    for n in range(count):
        submission_enqueue(agency=agency, idempotency_key=f"tx-{n}", payload={"n": n}, actor=None)


@pytest.fixture
def told():
    """A handler with a batch form, registered in the real one's place: each call's events."""
    calls = []

    def one(*, request, event, result):
        calls.append([(request.idempotency_key, event)])

    one.many = lambda items: calls.append([(request.idempotency_key, event) for request, event, _ in items])
    previous = events.handler_register(one, replace=True)
    yield calls
    events.handler_register(previous, replace=True)


def test_a_batch_tells_a_handler_with_a_batch_form_once_in_order(sandbox_agency, told):
    _enqueue(3)
    report = outbox_deliver_due(now=timezone.now())
    assert (report.claimed, report.delivered) == (3, 3)
    assert told == [[(f"tx-{n}", event) for n in range(3) for event in ("delivered", "result")]]
    assert set(OutboundRequest.objects.values_list("state", "payload_sealed")) == {("delivered", "")}
    assert all(row.result["status"] == "completed" for row in OutboundRequest.objects.all())
    assert set(DeliveryAttempt.objects.values_list("number", "outcome")) == {(1, AttemptOutcome.ANSWERED)}


@pytest.fixture
def refusing():
    """A handler that fails for one request (tx-1) and notes the others."""
    noted = []

    def handler(*, request, event, result):
        if request.idempotency_key == "tx-1":
            raise RuntimeError("the handler fails for tx-1")
        noted.append((request.idempotency_key, event))

    previous = events.handler_register(handler, replace=True)
    yield noted
    events.handler_register(previous, replace=True)


def test_one_row_whose_handler_fails_does_not_hold_back_its_batch(sandbox_agency, refusing):
    _enqueue(3)
    with pytest.raises(RuntimeError, match="tx-1"):
        outbox_deliver_due(now=timezone.now())
    states = dict(OutboundRequest.objects.values_list("idempotency_key", "state"))
    # The others are settled; tx-1 stays in flight under its lease, to come again when it runs out.
    assert states == {"tx-0": "delivered", "tx-1": "in_flight", "tx-2": "delivered"}
    assert ("tx-0", "result") in refusing
    assert ("tx-2", "result") in refusing
    stuck = OutboundRequest.objects.get(idempotency_key="tx-1")
    assert stuck.attempts == 1
    assert stuck.next_attempt_at > timezone.now()


def test_objects_update_writes_each_rows_own_values(sandbox_agency):
    _enqueue(3)
    rows = list(OutboundRequest.objects.order_by("id"))
    later = timezone.now()
    for n, row in enumerate(rows):
        row.state, row.last_error = OutboundState.DEAD, f"error {n}"
        row.next_attempt_at = None
        row.result = {"n": n} if n else None
    rows[2].delivered_at = later
    objects_update(rows[:2] + rows[2:], ["state", "last_error", "next_attempt_at", "result", "delivered_at"])
    again = list(OutboundRequest.objects.order_by("id"))
    assert [(r.state, r.last_error, r.result, r.next_attempt_at) for r in again] == [
        ("dead", "error 0", None, None),
        ("dead", "error 1", {"n": 1}, None),
        ("dead", "error 2", {"n": 2}, None),
    ]
    assert again[2].delivered_at == later
    assert again[0].delivered_at is None
