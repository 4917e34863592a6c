"""The demo's queues in motion: the worker's ``demo.queues`` job issues, calls and serves tickets at a
sample of the demo's offices, and the wait figures follow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pishkhan.demo.network import network_build
from pishkhan.demo.queues import queue_offices, queues_step
from pishkhan.frontoffice.models import Ticket, WaitDay, WaitHour
from pishkhan.frontoffice.states import TicketState
from pishkhan.frontoffice.waits import waits_update

pytestmark = pytest.mark.django_db


def test_the_demo_job_moves_the_queues_and_the_wait_figures_follow(geo_loaded):
    network_build(offices=30, seed=3, history_days=0)
    waits_update()  # the figures' cursor starts before the first ticket
    now = timezone.now()

    rounds = [queues_step(seed=3, now=now + dt.timedelta(seconds=10 * n), count=4) for n in range(12)]
    waits_update(settle=dt.timedelta(0))

    sample = queue_offices(seed=3, count=4)
    assert len(sample) == 4
    assert queue_offices(seed=3, count=4) == sample  # the same offices every round and process
    states = set(Ticket.objects.values_list("state", flat=True))
    assert {TicketState.SERVED, TicketState.CALLED} <= states or {
        TicketState.SERVED,
        TicketState.WAITING,
    } <= states
    assert sum(r.issued for r in rounds) == Ticket.objects.count() > 0
    assert sum(r.called for r in rounds) == Ticket.objects.exclude(state=TicketState.WAITING).count() > 0
    assert sum(r.served for r in rounds) == Ticket.objects.filter(state=TicketState.SERVED).count() > 0
    assert set(Ticket.objects.values_list("office_id", flat=True)) <= {office.pk for office in sample}
    assert not [refusal for r in rounds for refusal in r.refused]
    called = Ticket.objects.exclude(called_at=None).count()
    assert sum(WaitDay.objects.values_list("called", flat=True)) == called
    assert sum(WaitHour.objects.values_list("called", flat=True)) == called
