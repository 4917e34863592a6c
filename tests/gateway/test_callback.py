import json
import time

import pytest
from django.utils import timezone

from pishkhan.gateway.models import OutboundRequest
from pishkhan.gateway.services import outbox_deliver_due, submission_enqueue
from pishkhan.gateway.signing import signed_headers
from pishkhan.gateway.states import OutboundState
from tests.gateway.conftest import SECRET

URL = "/api/v1/gateway/callback/tamin"


def _post(client, data, *, secret=SECRET, at=None, url=URL):
    body = json.dumps(data).encode()
    headers = signed_headers(secret=secret, body=body, now=time.time() if at is None else at)
    return client.post(
        url,
        body,
        content_type="application/json",
        HTTP_X_PISHKHAN_TIMESTAMP=headers["X-Pishkhan-Timestamp"],
        HTTP_X_PISHKHAN_SIGNATURE=headers["X-Pishkhan-Signature"],
    )


@pytest.fixture
def accepted(http_agency, reference):
    """A request the agency accepted, its result still to come."""
    reference.state.control({"answer": "accepted"})
    request = submission_enqueue(agency="tamin", idempotency_key="tx-7", payload={}, actor=None)
    outbox_deliver_due(now=timezone.now())
    return request


def test_a_signed_callback_applies_the_result_once(client, accepted, results):
    result = {"request_id": "tx-7", "status": "completed", "reference": "R-1"}

    first = _post(client, result)
    second = _post(client, result)

    accepted.refresh_from_db()
    assert (first.status_code, first.json()) == (200, {"request_id": "tx-7", "applied": True})
    assert (second.status_code, second.json()) == (200, {"request_id": "tx-7", "applied": False})
    assert accepted.result == result
    assert results == [("tx-7", "completed")]


def test_a_callback_for_a_pending_request_settles_it(client, http_agency, results):
    request = submission_enqueue(agency="tamin", idempotency_key="tx-8", payload={}, actor=None)

    response = _post(client, {"request_id": "tx-8", "status": "rejected"})

    request.refresh_from_db()
    assert response.status_code == 200
    assert request.state == OutboundState.DELIVERED
    assert request.next_attempt_at is None
    assert results == [("tx-8", "rejected")]


@pytest.mark.parametrize(
    ("secret", "age", "detail"),
    [
        ("x" * 40, 0, "the signature does not match"),
        (SECRET, 301, "the timestamp is too old (a replay?)"),
        (SECRET, -120, "the timestamp is in the future"),
    ],
)
def test_bad_signatures_and_replayed_timestamps_are_401_problems(
    client, accepted, results, secret, age, detail
):
    response = _post(
        client, {"request_id": "tx-7", "status": "completed"}, secret=secret, at=time.time() - age
    )

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == detail
    assert results == []


def test_an_unsigned_callback_is_a_401_problem(client, accepted):
    response = client.post(
        URL, {"request_id": "tx-7", "status": "completed"}, content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json()["type"] == "urn:pishkhan:problem:bad-signature"


def test_a_callback_for_an_unknown_request_is_404(client, accepted):
    response = _post(client, {"request_id": "nope", "status": "completed"})

    assert response.status_code == 404


def test_another_agency_cannot_answer_for_this_one(client, accepted, sandbox_agency, results):
    # The sandbox agency has no secret, so it cannot sign at all; with the right URL it is 404 anyway.
    response = _post(
        client, {"request_id": "tx-7", "status": "completed"}, url="/api/v1/gateway/callback/sabt"
    )

    assert response.status_code == 401
    assert results == []


def test_a_callback_to_an_unknown_agency_is_404(client, db):
    response = _post(
        client, {"request_id": "tx-7", "status": "completed"}, url="/api/v1/gateway/callback/nobody"
    )

    assert response.status_code == 404


@pytest.mark.parametrize(
    "data", [{"request_id": "tx-7", "status": "accepted"}, {"status": "completed"}, ["tx-7"], "not json"]
)
def test_malformed_callbacks_are_422_and_change_nothing(client, accepted, results, data):
    response = _post(client, data)

    accepted.refresh_from_db()
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert accepted.result is None
    assert results == []


def test_the_reference_agency_calls_back_with_a_valid_signature(live_server, http_agency, reference, results):
    reference.state.control({"answer": "accepted", "callback_url": live_server.url + URL})
    submission_enqueue(agency="tamin", idempotency_key="tx-5", payload={}, actor=None)

    outbox_deliver_due(now=timezone.now())
    deadline = time.monotonic() + 10
    while not reference.state.callbacks_sent and time.monotonic() < deadline:
        time.sleep(0.05)

    assert reference.state.callbacks_sent == [("tx-5", 200)]
    assert OutboundRequest.objects.get(idempotency_key="tx-5").result["status"] == "completed"
    assert results == [("tx-5", "completed")]
