"""Many identical requests at once create one transaction (PostgreSQL: real concurrent sessions)."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client

from pishkhan.transactions.models import CounterTransaction, IdempotencyRecord, TransactionEvent
from tests.offices.factories import national_id
from tests.transactions.conftest import TARIFF

REQUESTS = 100
THREADS = 20


@pytest.fixture
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time; concurrency is tested on PostgreSQL")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_postgresql_only")
def test_replaying_one_request_100_times_concurrently_creates_one_transaction(counter):
    # given one request, sent 100 times at once by 20 clients, each with its own database session
    body = json.dumps(
        {
            "service": "tamin.pension-statement",
            "national_id": national_id(99),
            "mobile": "09121234567",
            "fee_charged": TARIFF,
            "office_reference": "SAME",
        }
    )
    start = threading.Barrier(THREADS)

    def send(i: int) -> tuple[int, bytes]:
        if i < THREADS:
            start.wait()
        try:
            response = Client().post(
                "/api/v1/transactions",
                data=body,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {counter['office_key']}",
                HTTP_IDEMPOTENCY_KEY="one-key",
            )
            return response.status_code, response.content
        finally:
            connections.close_all()

    # when they all arrive
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        answers = list(pool.map(send, range(REQUESTS)))

    # then every one gets the same answer, and one transaction exists
    assert {status for status, _ in answers} == {201}
    assert len({content for _, content in answers}) == 1
    assert CounterTransaction.objects.count() == 1
    assert TransactionEvent.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
