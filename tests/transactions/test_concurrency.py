"""Many identical requests at once create one transaction (PostgreSQL: real concurrent sessions)."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client

from pishkhan.gateway.models import OutboundRequest
from pishkhan.transactions.models import CounterTransaction, TransactionEvent
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
    assert CounterTransaction.objects.exclude(idempotency_key="").count() == 1
    assert OutboundRequest.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_postgresql_only")
def test_the_same_offline_batch_sent_by_several_clients_at_once_records_each_item_once(counter):
    # given one batch of 50 items that an office's system resends from 8 threads at once
    item = {"service": "tamin.pension-statement", "national_id": national_id(7), "mobile": "09121234567"}
    items = [item | {"fee_charged": TARIFF, "office_reference": f"OFF-{n}"} for n in range(50)]
    body = json.dumps({"items": items})
    senders = 8
    start = threading.Barrier(senders)

    def send(i: int) -> dict:
        start.wait()
        try:
            response = Client().post(
                "/api/v1/transactions/batch",
                data=body,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {counter['office_key']}",
            )
            assert response.status_code == 200, response.content
            return response.json()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=senders) as pool:
        answers = list(pool.map(send, range(senders)))

    # then each item exists once, with one submission, and every answer names the same tracking codes
    assert CounterTransaction.objects.count() == 50
    assert OutboundRequest.objects.count() == 50
    assert sum(answer["created"] for answer in answers) == 50
    codes = {tuple(item["tracking_code"] for item in answer["items"]) for answer in answers}
    assert len(codes) == 1
