"""Kiosks issue tickets at once: every ticket gets its own number, none skipped (PostgreSQL: real
concurrent sessions); two citizens confirm the last appointment slot at once: one books it."""

from __future__ import annotations

import datetime as dt
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone, translation

from pishkhan.common.calendar import TEHRAN
from pishkhan.common.errors import ConflictError
from pishkhan.frontoffice.appointments import (
    appointment_book,
    appointment_book_request,
    appointment_counter_set,
)
from pishkhan.frontoffice.models import Appointment, Ticket
from pishkhan.notifications.models import Message
from pishkhan.offices.services import office_set_hours

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


@pytest.mark.django_db(transaction=True)
def test_two_citizens_racing_for_the_last_slot_book_it_once(counter):
    """Two citizens, each holding the code texted to them, confirm the office's last slot at once:
    exactly one is booked, the other is told the slot was just taken.

    PostgreSQL: two sessions at once. SQLite lets one writer in at a time (its in-memory test database
    cannot even queue two), so there the two confirmations run one after the other, both past the
    free-slot check: the second's insert meets the unique constraint, as the loser of a race does."""
    office = office_set_hours(
        office=counter["office"], opening_hours={str(d): [["09:00", "09:30"]] for d in range(7)}, actor=None
    )
    appointment_counter_set(office=office, counter=1, slot_minutes=30, actor=None)
    day = timezone.localdate() + dt.timedelta(days=2)
    start = dt.datetime.combine(day, dt.time(9), tzinfo=TEHRAN)
    citizens = [("0084575948", "09121234567"), ("0013542419", "09351112233")]
    codes = []
    for national_id, mobile in citizens:
        appointment_book_request(
            office=office,
            service_code=counter["service"].code,
            slot=start,
            national_id=national_id,
            mobile=mobile,
        )
        codes.append(Message.objects.filter(template="code").latest("pk").params["code"])
    concurrent = connection.vendor == "postgresql"
    start_line = threading.Barrier(len(citizens))

    def confirm(i: int) -> str:
        with translation.override("en"):
            return _confirm(i)

    def _confirm(i: int) -> str:
        national_id, mobile = citizens[i]
        if concurrent:
            start_line.wait()
        try:
            appointment_book(
                office=office,
                service_code=counter["service"].code,
                slot=start,
                national_id=national_id,
                mobile=mobile,
                code=codes[i],
            )
        except ConflictError as refused:
            return f"refused: {refused.detail}"  # in the thread's language (English: overridden below)
        finally:
            if concurrent:
                connections.close_all()
        return "booked"

    if concurrent:
        with ThreadPoolExecutor(max_workers=len(citizens)) as pool:
            outcomes = sorted(pool.map(confirm, range(len(citizens))))
    else:
        outcomes = sorted(confirm(i) for i in range(len(citizens)))

    assert outcomes == ["booked", "refused: This slot has just been taken. Choose another."]
    assert Appointment.objects.filter(state="booked").count() == 1
    assert Message.objects.filter(template="appointment_booked").count() == 1
