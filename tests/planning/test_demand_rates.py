"""The use rate measured from the counter's history: transactions per person a year by province and
setting, with the fallback for a province and setting without any."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pishkhan.geo.models import Province
from pishkhan.planning.demand import use_rates
from pishkhan.transactions.models import CounterTransaction
from pishkhan.transactions.selectors import transaction_counts_by_province_setting
from tests.transactions.conftest import counter  # noqa: F401 (a fixture)
from tests.transactions.factories import make_transaction


def test_the_rate_is_transactions_per_person_a_year(counter, settings):  # noqa: F811
    for _ in range(3):
        make_transaction(counter["office"])
    now = timezone.now()
    # The history began 73 days ago (a fifth of a year).
    first = CounterTransaction.objects.order_by("pk").first()
    CounterTransaction.objects.filter(pk=first.pk).update(received_at=now - dt.timedelta(days=73))

    counts = transaction_counts_by_province_setting(start=now - dt.timedelta(days=365), end=now)
    assert counts == {("23", "urban"): 3}
    rates = use_rates(now=now)
    assert rates.source == "history"
    tehran = Province.objects.get(code="23")
    assert rates.rate("23", "urban") == pytest.approx(3 / 0.2 / tehran.urban_2016, rel=1e-3)
    # No rural transaction in Tehran, none at all in Isfahan: the fallback.
    assert rates.rate("23", "rural") == settings.PISHKHAN_DEMAND_FALLBACK_RATE["rural"]
    assert rates.rate("10", "urban") == settings.PISHKHAN_DEMAND_FALLBACK_RATE["urban"]


def test_a_history_shorter_than_a_week_falls_back(counter):  # noqa: F811
    make_transaction(counter["office"])
    assert use_rates().source == "fallback"
