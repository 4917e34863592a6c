"""Wait and service times: the worker's figures per office, service, hour and day equal those computed
independently from the ticket rows; the office's page shows its queue now and its usual wait."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest
from django.utils import timezone

from pishkhan.common.calendar import to_tehran
from pishkhan.common.persian import to_persian_digits
from pishkhan.frontoffice.models import Ticket, WaitCursor, WaitDay, WaitHour
from pishkhan.frontoffice.selectors import office_queue_length, office_wait_usual
from pishkhan.frontoffice.states import TicketState
from pishkhan.frontoffice.tickets import ticket_call_next, ticket_issue, ticket_serve, ticket_transfer
from pishkhan.frontoffice.waits import waits_rebuild, waits_update
from tests.offices.factories import make_agency, make_service

pytestmark = pytest.mark.django_db


def _ticket(office, service, number, issued, waited=None, served=None, state=None):
    """A ticket of the past, with its record as the queue would have left it."""
    called = issued + dt.timedelta(seconds=waited) if waited is not None else None
    ended = called + dt.timedelta(seconds=served) if served is not None and called else None
    if state is None:
        state = TicketState.WAITING if called is None else TicketState.SERVED if ended else TicketState.CALLED
    if state == TicketState.NO_SHOW:
        ended = called + dt.timedelta(seconds=30)
    return Ticket.objects.create(
        office=office,
        day=to_tehran(issued).date(),
        group=service.agency.code.upper()[:16],
        number=number,
        service=service,
        state=state,
        counter=1 if called else None,
        issued_at=issued,
        called_at=called,
        ended_at=ended,
    )


def _history(counter, start: dt.datetime, rng: random.Random) -> list[Ticket]:
    """Three days of tickets at three offices (two provinces) for two services, at random hours and
    with random waits and service times: waiting, called, served and no-show ones."""
    services = [counter["service"], make_service(make_agency("sabt"), "deed-copy")]
    offices = [counter["office"], counter["other"], counter["isfahan"]]
    made, number = [], 0
    for day in range(3):
        for office in offices:
            for _ in range(rng.randint(5, 14)):
                number += 1
                issued = start + dt.timedelta(days=day, hours=rng.randint(0, 8), seconds=rng.randint(0, 3599))
                pick = rng.random()
                if pick < 0.1:
                    made.append(_ticket(office, rng.choice(services), number, issued))
                elif pick < 0.2:
                    made.append(_ticket(office, rng.choice(services), number, issued, rng.randint(1, 3000)))
                elif pick < 0.3:
                    made.append(
                        _ticket(
                            office, rng.choice(services), number, issued, rng.randint(1, 3000),
                            state=TicketState.NO_SHOW,
                        )
                    )  # fmt: skip
                else:
                    made.append(
                        _ticket(
                            office, rng.choice(services), number, issued,
                            rng.randint(1, 3000) + rng.random(), rng.randint(30, 1500) + rng.random(),
                        )
                    )  # fmt: skip
    return made


def _independent(tickets: list[Ticket], key) -> dict:
    """The figures computed straight from the tickets, in Python: per key, tickets called and their
    waits summed, tickets served and their service times summed (seconds)."""
    figures: dict = defaultdict(lambda: [0, 0.0, 0, 0.0])
    for ticket in tickets:
        if ticket.called_at is None:
            continue
        row = figures[key(ticket)]
        row[0] += 1
        row[1] += (ticket.called_at - ticket.issued_at).total_seconds()
        if ticket.state == TicketState.SERVED:
            row[2] += 1
            row[3] += (ticket.ended_at - ticket.called_at).total_seconds()
    return {k: (c, round(w), s, round(t)) for k, (c, w, s, t) in figures.items()}


def _kept(rows, key) -> dict:
    return {key(row): (row.called, row.wait_seconds, row.served, row.service_seconds) for row in rows}


def _summed(rows, key) -> dict:
    summed: dict = defaultdict(lambda: [0, 0, 0, 0])
    for row in rows:
        figures = summed[key(row)]
        for i, value in enumerate((row.called, row.wait_seconds, row.served, row.service_seconds)):
            figures[i] += value
    return {k: tuple(v) for k, v in summed.items()}


def _close(kept: dict, expected: dict) -> None:
    """The same keys and counts; summed seconds alike within a second per row summed (each row rounds
    its sum once)."""
    assert kept.keys() == expected.keys()
    for k, (called, wait, served, service) in expected.items():
        got = kept[k]
        assert (got[0], got[2]) == (called, served), k
        assert abs(got[1] - wait) <= 3, (k, got, expected[k])
        assert abs(got[3] - service) <= 3, (k, got, expected[k])


def test_the_worker_figures_equal_those_computed_from_the_tickets(counter):
    start = (timezone.now() - dt.timedelta(days=5)).replace(microsecond=0)
    waits_update(now=start)  # the first round: no tickets yet, the cursor starts here
    tickets = _history(counter, start + dt.timedelta(minutes=1), random.Random(20))
    last = max(t.ended_at or t.called_at or t.issued_at for t in tickets)

    # Round after round (each covers at most ten minutes), as the worker runs it.
    now, rounds = start, 0
    while WaitCursor.objects.get().through < last:
        now += dt.timedelta(hours=2)
        waits_update(now=now)
        rounds += 1

    assert rounds > 3
    by_office = _independent(tickets, lambda t: t.office_id)
    assert by_office
    assert all(called for called, *_ in by_office.values())
    _close(_summed(WaitDay.objects.all(), lambda r: r.office_id), by_office)
    _close(
        _kept(WaitDay.objects.all(), lambda r: (r.day, r.office_id, r.service_id)),
        _independent(tickets, lambda t: (t.day, t.office_id, t.service_id)),
    )
    _close(
        _kept(WaitHour.objects.all(), lambda r: (r.day, r.office_id, r.hour)),
        _independent(tickets, lambda t: (t.day, t.office_id, to_tehran(t.issued_at).hour)),
    )
    no_shows = sum(t.state == TicketState.NO_SHOW for t in tickets)
    assert sum(WaitDay.objects.values_list("no_shows", flat=True)) == no_shows > 0
    # The rebuild agrees with the upkeep, row for row.
    kept = _kept(WaitDay.objects.all(), lambda r: (r.day, r.office_id, r.service_id))
    waits_rebuild()
    assert _kept(WaitDay.objects.all(), lambda r: (r.day, r.office_id, r.service_id)) == kept


def test_a_step_is_figured_once_settled_and_a_transfer_at_the_next_step(counter):
    office, service = counter["office"], counter["service"]
    office.counters = 2
    office.save(update_fields=["counters"])
    waits_update()  # the cursor starts now
    first = ticket_issue(office=office, service_code=service.code)
    second = ticket_issue(office=office, service_code=service.code)
    ticket_call_next(office=office, counter=1)

    assert waits_update() == 0  # not settled yet
    assert waits_update(settle=dt.timedelta(0)) == 1
    assert WaitDay.objects.get().called == 1

    ticket_transfer(office=office, ticket_id=first.pk, counter=2)
    ticket_call_next(office=office, counter=2)  # the transferred ticket keeps its place: first again
    ticket_serve(office=office, ticket_id=first.pk)
    waits_update(settle=dt.timedelta(0))

    row = WaitDay.objects.get()
    assert (row.called, row.served) == (1, 1)
    assert office_queue_length(office_id=office.pk) == 1  # the second still waits
    assert Ticket.objects.get(pk=second.pk).state == TicketState.WAITING


def test_the_office_page_shows_the_queue_and_the_usual_wait_in_persian(client, counter):
    office, service = counter["office"], counter["service"]
    now = timezone.now()
    for days_ago, wait_minutes in ((1, 10), (2, 12), (3, 40), (4, 12)):
        issued = now - dt.timedelta(days=days_ago)
        _ticket(office, service, days_ago, issued, wait_minutes * 60, 120)
    for _ in range(3):
        ticket_issue(office=office, service_code=service.code)
    waits_rebuild()

    assert office_wait_usual(office_id=office.pk) == 12  # the median day, not the bad one
    page = client.get(f"/offices/{office.code}/rates/", HTTP_ACCEPT_LANGUAGE="fa")
    body = page.content.decode()

    assert page.status_code == 200
    assert f"معمولاً {to_persian_digits('12')} دقیقه" in body
    assert f"{to_persian_digits('3')} نوبت در صف" in body


def test_the_usual_wait_needs_a_few_days_of_figures(counter):
    office, service = counter["office"], counter["service"]
    _ticket(office, service, 1, timezone.now() - dt.timedelta(days=1), 600, 60)
    waits_rebuild()

    assert office_wait_usual(office_id=office.pk) is None


def test_the_job_runs_again_at_once_while_it_is_behind(counter):
    from pishkhan.frontoffice.tasks import waits_advance

    start = timezone.now() - dt.timedelta(minutes=55)
    waits_update(now=start)  # the cursor starts 55 minutes ago, as after a worker's stop

    rounds = 1
    while waits_advance(now=timezone.now()):
        rounds += 1

    assert rounds == 5  # ten minutes a round, until within a round of now
    assert not waits_advance(now=timezone.now())
