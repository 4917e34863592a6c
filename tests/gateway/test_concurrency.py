import threading

import pytest
from django.db import connection
from django.utils import timezone

from pishkhan.gateway.models import DeliveryAttempt, OutboundRequest
from pishkhan.gateway.services import outbox_deliver_due, submission_enqueue
from pishkhan.gateway.states import OutboundState


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_never_deliver_a_request_twice(http_agency, reference, results):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite lets one writer in at a time anyway")
    for n in range(12):
        submission_enqueue(agency="tamin", idempotency_key=f"tx-{n}", payload={}, actor=None)
    # Slow answers keep both workers busy at the same time.
    reference.state.control({"delay": 0.1})
    start = threading.Barrier(2)
    reports = []

    def worker():
        try:
            start.wait()
            reports.append(outbox_deliver_due(now=timezone.now(), limit=6))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Each takes six rows the other does not hold (a plain FOR UPDATE would make the second wait, then
    # find fewer than six of its rows still due).
    assert sorted(report.claimed for report in reports) == [6, 6]
    assert set(reference.state.received.values()) == {1}
    assert OutboundRequest.objects.filter(state=OutboundState.DELIVERED).count() == 12
    assert DeliveryAttempt.objects.count() == 12
    assert sorted(results) == sorted((f"tx-{n}", "completed") for n in range(12))
