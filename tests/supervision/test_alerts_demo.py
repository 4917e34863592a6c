"""The demo: after ``up`` builds its network and history, the evaluator's first round looks back over
the last day and finds the history's overcharges, so a fresh demo's alerts list is not empty."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pishkhan.common.calendar import TEHRAN
from pishkhan.demo.history import history_build
from pishkhan.demo.network import network_build
from pishkhan.offices.hours import iranian_weekday
from pishkhan.supervision import tasks
from pishkhan.supervision.models import Alert


def test_the_first_round_finds_the_overcharges_of_the_demo_last_day(geo_loaded):
    network_build(offices=300, seed=16, history_days=0)
    day = timezone.localdate() - dt.timedelta(days=1)
    while iranian_weekday(day) >= 5:
        day -= dt.timedelta(days=1)
    now = dt.datetime.combine(day, dt.time(15), tzinfo=TEHRAN)
    history_build(days=3, scale=0.5, seed=16, now=now)

    while tasks.alerts_evaluate(now=now):
        pass

    overcharges = Alert.objects.filter(rule__code="overcharge")
    assert overcharges.exists()
    assert all(alert.figures["excess"] > 0 for alert in overcharges)
    # The look-back is about a day, not the whole history. The history is written a day at a time, so
    # the first round starts inside the day before ``now`` (ids follow insertion, not the clock):
    # nothing from the days before that is read.
    day_before = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(), tzinfo=TEHRAN)
    assert min(alert.first_seen for alert in Alert.objects.all()) >= day_before
