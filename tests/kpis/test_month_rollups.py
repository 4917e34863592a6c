"""The monthly rollups (Jalali month × county × service) stay equal to the sums of the counter's raw
rows and of the daily rollups after the upkeep's rounds, late batches, the history import, state
changes, an office moving county and a rebuild; and the measures read over them, with the edge days
of a period from the daily rows, give the figures the daily rows alone give."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.db.models import Sum
from django.utils import timezone

from pishkhan.catalogue.services import service_update
from pishkhan.common.calendar import TEHRAN
from pishkhan.geo.models import County
from pishkhan.kpis import selectors
from pishkhan.kpis.models import DailyRollup, MonthRollup
from pishkhan.kpis.months import month_first, month_next, period_split
from pishkhan.kpis.selectors.places import rollups_grouped, rollups_in, rollups_totals
from pishkhan.kpis.services import rollups_rebuild
from pishkhan.transactions.services import (
    HistoryRow,
    transaction_advance,
    transactions_history_import,
    transactions_record_batch,
)
from tests.kpis.test_rollups import FIGURES, _item, catch_up, expected_from_raw
from tests.offices.factories import make_service, make_tariff_since, national_id
from tests.transactions.factories import make_transaction

OLD = "tamin.old-record"


def months() -> dict[tuple, dict]:
    return {
        (r.month, r.county_id, r.service_id, r.province_id, r.agency_id): {n: getattr(r, n) for n in FIGURES}
        for r in MonthRollup.objects.all()
    }


def months_from_raw() -> dict[tuple, dict]:
    """The raw rows' cells (computed in Python, test_rollups) summed per Jalali month × county × service."""
    found: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for (day, _office, service), cell in expected_from_raw().items():
        province, county, agency, _kind = cell["keys"]
        into = found[(month_first(day), county, service, province, agency)]
        for name in FIGURES:
            into[name] += cell[name]
    return dict(found)


def months_from_daily() -> dict[tuple, dict]:
    """The daily rollup rows summed in Python per month cell."""
    found: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for r in DailyRollup.objects.all():
        into = found[(month_first(r.day), r.county_id, r.service_id, r.province_id, r.agency_id)]
        for name in FIGURES:
            into[name] += getattr(r, name)
    return dict(found)


def _history(office, recorded: dt.datetime, states: list[str], prefix: str, service: str = OLD) -> None:
    transactions_history_import(
        rows=[
            HistoryRow(
                office=office,
                service=service,
                national_id=national_id(20 + n),
                mobile="09121234567",
                fee_charged=120_000 + n,
                office_reference=f"{prefix}-{n}",
                state=state,
                recorded_at=recorded,
                received_at=recorded + dt.timedelta(seconds=2),
                submitted_at=None if state == "failed" else recorded + dt.timedelta(seconds=20),
                finished_at=recorded + dt.timedelta(minutes=10 + n),
                clerk="c",
            )
            for n, state in enumerate(states)
        ],
        actor=None,
    )


@pytest.fixture
def old_service(counter):
    service = service_update(service=make_service(counter["agency"], "old-record"), trips_saved=2, actor=None)
    make_tariff_since(service, days=400, government_fee=100_000, office_fee=20_000)
    return service


def test_month_rows_equal_the_raw_and_daily_sums_through_every_kind_of_write(counter, old_service):
    office, other, isfahan = counter["office"], counter["other"], counter["isfahan"]
    catch_up()
    posted = [make_transaction(office), make_transaction(other), make_transaction(isfahan)]
    catch_up()
    assert months() == months_from_raw() == months_from_daily()
    assert MonthRollup.objects.exists()

    # State changes follow into the month rows.
    for t, end in zip(posted, ["completed", "rejected", "failed"], strict=True):
        t = transaction_advance(transaction=t, to_state="submitted", actor=None)
        transaction_advance(transaction=t, to_state=end, actor=None)
    catch_up()
    assert months() == months_from_raw() == months_from_daily()

    # A late batch and history in earlier Jalali months land in those months' rows.
    now = timezone.now()
    late = [_item("OFF-1", now - dt.timedelta(days=4)), _item("OFF-2", now - dt.timedelta(days=9))]
    assert all(r.tracking_code for r in transactions_record_batch(office=other, items=late, actor=None))
    for days, prefix in ((40, "A"), (75, "B"), (110, "C")):
        _history(
            isfahan, now.replace(microsecond=0) - dt.timedelta(days=days), ["completed", "rejected"], prefix
        )
        _history(office, now.replace(microsecond=0) - dt.timedelta(days=days), ["completed"], prefix + "o")
    catch_up()
    expected = months_from_raw()
    assert months() == expected == months_from_daily()
    assert len({month for month, *_rest in expected}) >= 4

    # An office moving county: its new days are its new county's; its old rows keep the old county
    # until a rebuild, and the month rows stay the daily rows' sums all along.
    isfahan.county = office.county
    isfahan.province = office.province
    isfahan.save(update_fields=["county", "province"])
    moved = make_transaction(isfahan)
    catch_up()
    assert months() == months_from_daily()
    transaction_advance(transaction=moved, to_state="submitted", actor=None)
    catch_up()
    assert months() == months_from_daily()

    # A rebuild of a few days refreshes their month rows whole; a full rebuild every row.
    MonthRollup.objects.update(total=999)
    today = now.astimezone(TEHRAN).date()
    rollups_rebuild(first=today - dt.timedelta(days=2), last=today)
    assert {k: v for k, v in months().items() if k[0] == month_first(today)} == {
        k: v for k, v in months_from_daily().items() if k[0] == month_first(today)
    }
    rollups_rebuild()
    assert months() == months_from_raw() == months_from_daily()


def test_period_split_into_whole_jalali_months_and_edge_days():
    # 1405/01/01 = 2026-03-21; 1405/01 has 31 days, 1405/07 has 30, 1405/12 has 29.
    farvardin = dt.date(2026, 3, 21)
    ordibehesht = month_next(farvardin)
    assert ordibehesht == dt.date(2026, 4, 21)
    assert period_split(farvardin, ordibehesht - dt.timedelta(days=1)) == ((farvardin, farvardin), [])
    assert period_split(farvardin + dt.timedelta(days=1), ordibehesht) == (
        None,
        [(farvardin + dt.timedelta(days=1), ordibehesht)],
    )
    first, last = dt.date(2026, 3, 25), dt.date(2026, 6, 1)
    whole, edges = period_split(first, last)
    assert whole == (ordibehesht, ordibehesht)
    assert edges == [(first, ordibehesht - dt.timedelta(days=1)), (month_next(ordibehesht), last)]
    year = period_split(farvardin, month_next(dt.date(2027, 3, 1)) - dt.timedelta(days=1))
    assert year == ((farvardin, month_first(dt.date(2027, 3, 1))), [])


SUMS = {name: Sum(name) for name in FIGURES}


def _daily_only(filters: dict, period: selectors.Period):
    return DailyRollup.objects.filter(day__gte=period.first, day__lte=period.last, **filters)


def test_a_period_with_edge_days_gives_the_daily_rows_figures(counter, old_service):
    office, isfahan = counter["office"], counter["isfahan"]
    now = timezone.now().replace(microsecond=0)
    for days in (3, 20, 38, 52, 67, 81, 96, 120, 150):
        _history(isfahan, now - dt.timedelta(days=days), ["completed", "rejected", "completed"], f"I{days}")
        _history(office, now - dt.timedelta(days=days, hours=5), ["completed", "failed"], f"O{days}")
    make_transaction(counter["other"])
    catch_up()
    today = now.astimezone(TEHRAN).date()
    nation = selectors.Jurisdiction("national", {})
    tehran = selectors.place_resolve(level="province", code="23", jurisdiction=nation)
    places = [
        selectors.place_resolve(level="national", code="", jurisdiction=nation),
        tehran,
        selectors.place_resolve(level="agency", code=counter["agency"].code, jurisdiction=nation),
    ]
    periods = [
        selectors.Period.of(today - dt.timedelta(days=130), today - dt.timedelta(days=10)),  # two edges
        selectors.Period.of(month_first(today - dt.timedelta(days=100)), today),  # one edge, after
        selectors.Period.of(today - dt.timedelta(days=5), today),  # no whole month
    ]
    read_months = 0
    for place in places:
        for period in periods:
            rollups = rollups_in(place, nation, period)
            read_months += rollups.months is not None
            daily = _daily_only(place.filters, period)
            assert rollups_totals(rollups, SUMS) == rollups_totals(daily, SUMS)
            for by in ("province", "county", "agency", "service", "month", "year", "office", "day"):
                found = [
                    (c, n, {k: f[k] or 0 for k in SUMS}) for c, n, f in rollups_grouped(rollups, by, SUMS)
                ]
                alone = [(c, n, {k: f[k] or 0 for k in SUMS}) for c, n, f in rollups_grouped(daily, by, SUMS)]
                assert found == alone, (place.level, period, by)
            trips = selectors.trips_measure(place=place, jurisdiction=nation, period=period, by="month")
            assert trips.trips_avoided == sum(r.trips_saved for r in daily)
            assert trips.transactions_completed == sum(r.completed for r in daily) > 0
    assert read_months >= 6  # the monthly rows were read (whole months with edge days around)
    whole = periods[0]
    split = period_split(whole.first, whole.last)
    assert split[0] is not None
    assert len(split[1]) == 2

    # The network's volume per county and the agencies' completed work read the same way.
    network = selectors.network_measure(place=tehran, jurisdiction=nation, period=whole)
    by_county = defaultdict(int)
    for r in _daily_only({"province_id": tehran.filters["province_id"]}, whole):
        by_county[r.county_id] += r.total
    codes = dict(County.objects.values_list("pk", "code"))
    assert {row.code: row.transactions for row in network.by if row.transactions} == {
        codes[pk]: n for pk, n in by_county.items() if n
    }
    outsourcing = selectors.outsourcing_measure(place=places[0], jurisdiction=nation, period=whole)
    mine = next(row for row in outsourcing.by if row.code == counter["agency"].code)
    assert mine.office_transactions == sum(
        r.completed for r in _daily_only({"agency_id": counter["agency"].pk}, whole)
    )
