"""Kiosks issue tickets at once: every ticket gets its own number, none skipped (PostgreSQL: real
concurrent sessions)."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client

from pishkhan.frontoffice.models import Ticket

REQUESTS = 60
THREADS = 12


@pytest.mark.django_db(transaction=True)
def test_concurrent_kiosks_draw_distinct_consecutive_numbers(counter):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time; concurrency is tested on PostgreSQL")
    body = json.dumps({"service": counter["service"].code})
    start = threading.Barrier(THREADS)

    def issue(i: int) -> int:
        if i < THREADS:
            start.wait()
        try:
            return (
                Client()
                .post(
                    "/api/v1/tickets",
                    data=body,
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {counter['office_key']}",
                )
                .status_code
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        statuses = list(pool.map(issue, range(REQUESTS)))

    assert statuses == [201] * REQUESTS
    numbers = sorted(Ticket.objects.values_list("number", flat=True))
    assert numbers == list(range(1, REQUESTS + 1))
