"""The demo tells one story: licences, API keys, the registry and the history agree with each other,
and nothing is left for the worker to add after `pishkhan up` has counted what it built."""

import datetime as dt

import pytest
from django.utils import timezone

from pishkhan.accounts.selectors import apikey_exists_for_office
from pishkhan.common.calendar import TEHRAN
from pishkhan.demo.history import SETTLING, day_weight, history_build
from pishkhan.demo.holidays import iranian_weekday
from pishkhan.demo.network import network_build
from pishkhan.licensing.models import Licence
from pishkhan.licensing.tasks import conversions_licence_due, licences_expire_due, licences_reinstate_due
from pishkhan.offices.models import Office
from pishkhan.transactions.models import CounterTransaction


@pytest.fixture
def network(geo_loaded):
    """A network of 600 offices with a week of history ending now."""
    return network_build(offices=600, seed=16, history_days=7, history_scale=0.5)


def _days_of(office_ids):
    rows = CounterTransaction.objects.filter(office_id__in=office_ids).values_list("office_id", "recorded_at")
    return [(office_id, timezone.localdate(recorded)) for office_id, recorded in rows]


def test_offices_transact_only_on_days_their_licence_allowed(network):
    licences = list(Licence.objects.values_list("office_id", "status", "activated_at", "ended_at"))
    suspended = [office for office, status, *_ in licences if status == "suspended"]
    never_active = [office for office, status, activated, _ in licences if activated is None]
    ended = {office: timezone.localdate(end) for office, status, _, end in licences if end is not None}
    assert suspended
    assert never_active
    assert ended

    # no transaction from an office whose licence is suspended or was never activated,
    assert _days_of(suspended + never_active) == []
    # none from an ended licence's office on or after its end,
    assert all(day < ended[office] for office, day in _days_of(list(ended)))
    # while the serving offices did transact
    assert CounterTransaction.objects.count() > 1000


def test_the_worker_adds_no_licence_after_up_has_counted_them(network):
    now = timezone.now()

    added = conversions_licence_due(now=now) + licences_expire_due(now=now) + licences_reinstate_due(now=now)

    assert added == 0
    assert Licence.objects.count() == network.counts["licences"]
    converted = Office.objects.filter(conversions__state="converted")
    assert converted.exists()
    assert not converted.exclude(pk__in=Licence.objects.values("office_id")).exists()


def test_every_office_whose_licence_heard_from_its_system_holds_an_api_key(network):
    heard = Licence.objects.filter(first_signal_at__isnull=False).select_related("office")
    not_heard = Licence.objects.filter(first_signal_at__isnull=True).select_related("office")

    assert heard.exists()
    assert all(apikey_exists_for_office(office_code=licence.office.code) for licence in heard)
    assert not any(apikey_exists_for_office(office_code=licence.office.code) for licence in not_heard)
    assert network.counts["API keys"] == heard.values("office").distinct().count()


def _a_recent_working_day():
    day = timezone.localdate() - dt.timedelta(days=1)
    while iranian_weekday(day) >= 5 or day_weight(day) < 1:
        day -= dt.timedelta(days=1)
    return day


def test_the_history_reaches_the_present_moment_of_today(geo_loaded):
    # given a network, and "now" at 11:00 on a working day (Tehran)
    network_build(offices=300, seed=16, history_days=0)
    day = _a_recent_working_day()
    now = dt.datetime.combine(day, dt.time(11), tzinfo=TEHRAN)

    # when the history is built up to that moment
    history_build(days=1, scale=0.5, seed=16, now=now)

    # then that morning has its transactions, up to a couple of minutes before now and none after
    recorded = list(CounterTransaction.objects.values_list("recorded_at", "finished_at"))
    assert len(recorded) > 50
    assert {timezone.localdate(at) for at, _ in recorded} == {day}
    assert max(at for at, _ in recorded) <= now - SETTLING
    assert max(finished for _, finished in recorded) < now


def test_after_the_build_the_months_scores_exist_and_find_offers_licensed_offices(network, client):
    from pishkhan.offices.states import ServingHold
    from pishkhan.supervision.models import OfficeScore
    from pishkhan.supervision.scores import JalaliMonth

    month = JalaliMonth.of(timezone.now())
    scores = OfficeScore.objects.filter(year=month.year, month=month.month)
    assert scores.count() == network.counts["office scores"] > 0
    assert scores.filter(score__lt=100).exists()  # the history's overcharges cost some offices points

    # Every office of a licensed kind without a licence is held back; the licensed ones still serve.
    licensed_kinds = Office.objects.filter(kind__in=["pishkhan", "ict"])
    unlicensed = licensed_kinds.exclude(pk__in=Licence.objects.values("office_id"))
    assert not unlicensed.exclude(serving_hold=ServingHold.UNLICENSED).exists()
    serving = Office.objects.filter(kind="pishkhan", serving_hold="", status="active").select_related("place")
    office = serving.exclude(lat__isnull=True).first()
    found = client.get(
        "/api/v1/offices/near", {"service": _a_service_of(office), "lat": office.lat, "lon": office.lon}
    )
    assert found.status_code == 200
    assert found.json()
    page = client.get("/find/", {"service": _a_service_of(office), "lat": office.lat, "lon": office.lon})
    assert 'class="result card"' in page.content.decode()


def _a_service_of(office):
    from pishkhan.catalogue.models import Service

    services = Service.objects.filter(office_kinds_key__contains=f"|{office.kind}|", outsourcing="outsourced")
    return services.values_list("code", flat=True).first()
