import datetime as dt
import random

import pytest
from django.utils import timezone

from pishkhan.common.errors import NotFoundError, TransitionError, ValidationError
from pishkhan.gateway.models import AgencyCredential, DeliveryAttempt, OutboundRequest
from pishkhan.gateway.selectors import delivery_attempt_list
from pishkhan.gateway.services import outbox_deliver_due, outbox_replay, submission_enqueue
from pishkhan.gateway.states import OUTBOUND_TRANSITIONS, AttemptOutcome, OutboundState
from tests.gateway.handlers import EVENTS


def _later(request):
    """A moment when the request is due again."""
    request.refresh_from_db()
    return request.next_attempt_at + dt.timedelta(seconds=1)


def test_enqueue_stores_a_pending_request_due_now(sandbox_agency):
    request = submission_enqueue(agency="SABT", idempotency_key="tx-1", payload={"fee": 1000}, actor=None)

    assert request.state == OutboundState.PENDING
    assert request.agency == sandbox_agency
    assert request.payload == {"fee": 1000}
    assert request.attempts == 0
    assert request.next_attempt_at <= timezone.now()


def test_enqueue_with_the_same_key_returns_the_first_row(sandbox_agency):
    first = submission_enqueue(agency="sabt", idempotency_key="tx-1", payload={"fee": 1}, actor=None)

    again = submission_enqueue(agency="sabt", idempotency_key="tx-1", payload={"fee": 2}, actor=None)

    assert again.pk == first.pk
    assert again.payload == {"fee": 1}
    assert OutboundRequest.objects.count() == 1


@pytest.mark.parametrize(("key", "payload"), [("", {}), ("k" * 65, {}), ("tx", ["not", "an", "object"])])
def test_enqueue_refuses_bad_keys_and_payloads(sandbox_agency, key, payload):
    with pytest.raises(ValidationError):
        submission_enqueue(agency="sabt", idempotency_key=key, payload=payload, actor=None)
    assert OutboundRequest.objects.count() == 0


def test_enqueue_to_an_unknown_agency_is_not_found(db):
    with pytest.raises(NotFoundError):
        submission_enqueue(agency="nobody", idempotency_key="tx", payload={}, actor=None)


def test_sandbox_delivery_completes_and_applies_the_result_once(sandbox_agency, results):
    request = submission_enqueue(agency="sabt", idempotency_key="tx-1", payload={}, actor=None)

    report = outbox_deliver_due(now=timezone.now())
    again = outbox_deliver_due(now=timezone.now() + dt.timedelta(days=1))

    request.refresh_from_db()
    assert (report.claimed, report.delivered, again.claimed) == (1, 1, 0)
    assert request.state == OutboundState.DELIVERED
    assert request.result["status"] == "completed"
    assert request.result["reference"].startswith("SBX-")
    assert request.result_applied_at is not None
    assert results == [("tx-1", "completed")]
    assert [a.outcome for a in delivery_attempt_list(request=request)] == [AttemptOutcome.ANSWERED]


def test_sandbox_rejects_when_the_payload_asks(sandbox_agency, results):
    submission_enqueue(
        agency="sabt", idempotency_key="tx-2", payload={"sandbox_answer": "rejected"}, actor=None
    )

    outbox_deliver_due(now=timezone.now())

    assert results == [("tx-2", "rejected")]


def test_a_request_not_yet_due_is_left_alone(sandbox_agency):
    request = submission_enqueue(agency="sabt", idempotency_key="tx-1", payload={}, actor=None)

    report = outbox_deliver_due(now=request.next_attempt_at - dt.timedelta(seconds=1))

    assert report.claimed == 0


def test_http_delivery_fails_twice_then_completes_exactly_once(http_agency, reference, results):
    reference.state.control({"fail_next": 2})
    request = submission_enqueue(agency="tamin", idempotency_key="tx-9", payload={"fee": 5}, actor=None)
    rng = random.Random(1)

    first = outbox_deliver_due(now=timezone.now(), rng=rng)
    second = outbox_deliver_due(now=_later(request), rng=rng)
    third = outbox_deliver_due(now=_later(request), rng=rng)

    request.refresh_from_db()
    attempts = list(delivery_attempt_list(request=request))
    assert (first.retrying, second.retrying, third.delivered) == (1, 1, 1)
    assert request.state == OutboundState.DELIVERED
    assert request.attempts == 3
    assert [(a.number, a.outcome, a.status_code) for a in attempts] == [
        (1, AttemptOutcome.RETRY, 503),
        (2, AttemptOutcome.RETRY, 503),
        (3, AttemptOutcome.ANSWERED, 200),
    ]
    assert results == [("tx-9", "completed")]
    assert reference.state.received["tx-9"] == 3


def test_retry_waits_within_the_backoff_ceiling(http_agency, reference, settings):
    settings.PISHKHAN_GATEWAY_BACKOFF_BASE_SECONDS = 10
    reference.state.control({"fail_next": 1})
    request = submission_enqueue(agency="tamin", idempotency_key="tx-1", payload={}, actor=None)
    now = timezone.now()

    outbox_deliver_due(now=now, rng=random.Random(3))

    request.refresh_from_db()
    assert request.state == OutboundState.PENDING
    assert now <= request.next_attempt_at <= now + dt.timedelta(seconds=10)
    assert request.last_error == "the agency answered HTTP 503"


def test_after_the_last_attempt_the_request_is_dead(http_agency, reference, settings, results):
    settings.PISHKHAN_GATEWAY_MAX_ATTEMPTS = 2
    reference.state.control({"fail_next": 5})
    request = submission_enqueue(agency="tamin", idempotency_key="tx-1", payload={}, actor=None)

    outbox_deliver_due(now=timezone.now())
    report = outbox_deliver_due(now=_later(request))

    request.refresh_from_db()
    assert report.dead == 1
    assert request.state == OutboundState.DEAD
    assert request.next_attempt_at is None
    assert DeliveryAttempt.objects.filter(request=request).count() == 2
    assert results == []


def test_a_4xx_is_dead_at_once_and_a_replay_delivers_it(http_agency, reference, results):
    reference.state.control({"fail_next": 1, "fail_status": 422})
    request = submission_enqueue(agency="tamin", idempotency_key="tx-4", payload={}, actor=None)

    report = outbox_deliver_due(now=timezone.now())
    request.refresh_from_db()
    assert (report.dead, request.state, request.last_error) == (
        1,
        OutboundState.DEAD,
        "the agency answered HTTP 422",
    )
    assert delivery_attempt_list(request=request).get().outcome == AttemptOutcome.FAILED

    replayed = outbox_replay(request=request, actor="command:gateway_replay")
    final = outbox_deliver_due(now=timezone.now())

    request.refresh_from_db()
    assert replayed.state == OutboundState.PENDING
    assert final.delivered == 1
    assert request.state == OutboundState.DELIVERED
    assert delivery_attempt_list(request=request).count() == 2
    assert results == [("tx-4", "completed")]


def test_a_wrong_secret_is_refused_by_the_agency_and_not_retried(http_agency, reference):
    reference.state.control({"secret": "t" * 40})
    request = submission_enqueue(agency="tamin", idempotency_key="tx-1", payload={}, actor=None)

    outbox_deliver_due(now=timezone.now())

    request.refresh_from_db()
    assert request.state == OutboundState.DEAD
    assert request.last_error == "the agency answered HTTP 401"


def test_an_unreachable_agency_is_retried(http_agency, reference):
    reference.shutdown()
    reference.server_close()
    request = submission_enqueue(agency="tamin", idempotency_key="tx-1", payload={}, actor=None)

    report = outbox_deliver_due(now=timezone.now())

    request.refresh_from_db()
    assert report.retrying == 1
    assert request.last_error.startswith("the agency could not be reached")


def test_a_slow_agency_times_out_and_is_retried(http_agency, reference):
    http_agency.timeout_seconds = 1
    http_agency.save(update_fields=["timeout_seconds"])
    reference.state.control({"delay": 1.5})
    request = submission_enqueue(agency="tamin", idempotency_key="tx-1", payload={}, actor=None)

    outbox_deliver_due(now=timezone.now())

    request.refresh_from_db()
    assert request.state == OutboundState.PENDING
    assert "in time" in request.last_error or "timed out" in request.last_error


def test_accepted_is_delivered_without_a_result_yet(http_agency, reference, results):
    reference.state.control({"answer": "accepted"})
    request = submission_enqueue(agency="tamin", idempotency_key="tx-1", payload={}, actor=None)

    outbox_deliver_due(now=timezone.now())

    request.refresh_from_db()
    assert request.state == OutboundState.DELIVERED
    assert request.result is None
    assert results == []


def test_a_worker_lost_mid_delivery_is_taken_over_after_its_lease(sandbox_agency, results):
    request = submission_enqueue(agency="sabt", idempotency_key="tx-1", payload={}, actor=None)
    OutboundRequest.objects.filter(pk=request.pk).update(state=OutboundState.IN_FLIGHT, attempts=1)
    DeliveryAttempt.objects.create(request=request, number=1, started_at=timezone.now())

    report = outbox_deliver_due(now=timezone.now())

    request.refresh_from_db()
    assert (report.reclaimed, report.delivered) == (1, 1)
    assert [a.outcome for a in delivery_attempt_list(request=request)] == [
        AttemptOutcome.ABANDONED,
        AttemptOutcome.ANSWERED,
    ]


def test_only_dead_requests_can_be_replayed(sandbox_agency):
    request = submission_enqueue(agency="sabt", idempotency_key="tx-1", payload={}, actor=None)
    outbox_deliver_due(now=timezone.now())

    with pytest.raises(TransitionError):
        outbox_replay(request=request, actor=None)


@pytest.mark.parametrize(("source", "target"), OUTBOUND_TRANSITIONS.pairs())
def test_every_allowed_transition_is_in_the_table(source, target):
    assert OUTBOUND_TRANSITIONS.allows(source, target)
    assert not OUTBOUND_TRANSITIONS.allows(OutboundState.DELIVERED, target)


def _stored(request, column):
    """A column as the database holds it, past the model's unsealing."""
    return OutboundRequest.objects.filter(pk=request.pk).values_list(column, flat=True).get()


def test_the_payload_is_sealed_at_rest_and_erased_once_delivered(sandbox_agency):
    request = submission_enqueue(
        agency="sabt", idempotency_key="tx-1", payload={"national_id": "0012345679"}, actor=None
    )
    assert "0012345679" not in _stored(request, "payload_sealed")
    assert request.payload == {"national_id": "0012345679"}

    outbox_deliver_due(now=timezone.now())

    request.refresh_from_db()
    assert _stored(request, "payload_sealed") == ""
    assert request.payload is None


def test_a_dead_request_keeps_its_sealed_payload_for_a_replay(http_agency, reference, results):
    reference.state.control({"fail_next": 1, "fail_status": 422})
    request = submission_enqueue(agency="tamin", idempotency_key="tx-6", payload={"n": 1}, actor=None)

    outbox_deliver_due(now=timezone.now())

    request.refresh_from_db()
    assert request.state == OutboundState.DEAD
    assert request.payload == {"n": 1}


def test_the_handler_hears_delivered_result_and_dead(http_agency, reference, sandbox_agency, results):
    reference.state.control({"fail_next": 1, "fail_status": 422})
    submission_enqueue(agency="tamin", idempotency_key="tx-dead", payload={}, actor=None)
    submission_enqueue(agency="sabt", idempotency_key="tx-done", payload={}, actor=None)

    outbox_deliver_due(now=timezone.now())

    assert sorted(EVENTS) == [("tx-dead", "dead"), ("tx-done", "delivered"), ("tx-done", "result")]


def test_the_agency_secret_is_sealed_at_rest(http_agency):
    stored = AgencyCredential.objects.filter(agency=http_agency).values_list("secret_sealed", flat=True).get()
    assert "s" * 40 not in stored
    assert AgencyCredential.objects.get(agency=http_agency).secret == "s" * 40
