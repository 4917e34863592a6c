"""The rule of long queue waits: an office whose tickets waited far longer than its province's offices
at the same hours raises an alert; an office waiting as its peers do, or with too few tickets, does
not. The pure core too."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pishkhan.common.calendar import TEHRAN
from pishkhan.frontoffice.waits import waits_rebuild
from pishkhan.supervision import tasks
from pishkhan.supervision.models import Alert
from pishkhan.supervision.rulebook import wait_outliers
from tests.frontoffice.test_waits import _ticket
from tests.offices.factories import make_office
from tests.supervision.alerts_fixtures import ALL_DAY


def test_wait_outliers_compare_the_same_hours_of_the_province():
    # Province 1: offices waiting 10 min at 9:00 and 40 min at 18:00 (the evening rush).
    usual = {9: (60, 60 * 600), 18: (60, 60 * 2400)}
    offices = {
        1: (1, usual),
        2: (1, usual),
        7: (1, usual),
        8: (1, usual),
        3: (1, {9: (60, 60 * 3000)}),  # 50 min in the morning: five times the morning's 10
        4: (1, {18: (60, 60 * 3000)}),  # 50 min in the evening: as the evening goes
        5: (1, {9: (10, 10 * 6000)}),  # very slow, but too few tickets to judge
        6: (2, {9: (60, 60 * 600)}),  # alone in its province
    }

    found = wait_outliers(offices=offices, ratio=2.0, min_tickets=50, min_minutes=15)

    assert [f.office_id for f in found] == [3]
    assert (found[0].mean_minutes, found[0].peers_minutes, found[0].ratio) == (50.0, 10.0, 5.0)
    assert wait_outliers(offices=offices, ratio=2.0, min_tickets=50, min_minutes=60) == []


def test_a_slow_office_raises_the_alert_and_a_normal_one_does_not(shop):
    peers = [shop.other, make_office(4, opening_hours=ALL_DAY), make_office(5, opening_hours=ALL_DAY)]
    now = timezone.now()
    yesterday = (now - dt.timedelta(days=1)).astimezone(TEHRAN).replace(hour=10, minute=0, second=0)
    for n in range(60):
        issued = yesterday + dt.timedelta(seconds=20 * n)
        _ticket(shop.office, shop.service, n + 1, issued, 60 * 60, 300)  # an hour's wait
        for peer in peers:
            _ticket(peer, shop.service, n + 1, issued, 8 * 60 + n, 300)  # about 8 minutes
    _ticket(shop.isfahan, shop.service, 1, yesterday, 5 * 3600, 300)  # Isfahan: one ticket only
    waits_rebuild()

    tasks.alerts_periodic(now=now)
    tasks.alerts_periodic(now=now)  # the same day's finding folds into the alert

    alerts = list(Alert.objects.filter(rule__code="long_waits"))
    assert [(alert.office_id, alert.count) for alert in alerts] == [(shop.office.pk, 2)]
    figures = alerts[0].figures
    assert figures["tickets"] == 60
    assert figures["mean_wait_minutes"] == 60.0
    assert 8.0 <= figures["province_wait_minutes"] <= 9.0
    assert figures["ratio"] > 6
