"""The demo's KPIs: its history, written in bulk, is rolled up by the worker's first round (a full
rebuild, off `pishkhan up`'s path); its agencies' visit reports cover the previous Jalali year and this
one with a falling trend, so that the 12.5 % target, the projection and the comparison with last year
say something — on track for some agencies and provinces, behind for others."""

import datetime as dt
import random

import jdatetime
import pytest

from pishkhan.catalogue.models import Agency, VisitReport
from pishkhan.demo.catalogue_seed import catalogue_seed, visit_reports_seed
from pishkhan.demo.network import network_build
from pishkhan.geo.models import Province
from pishkhan.kpis import selectors
from pishkhan.kpis.models import RollupCursor
from pishkhan.kpis.services import rollups_update
from pishkhan.transactions.selectors import transaction_event_last_id
from tests.kpis.test_rollups import expected_from_raw, rollups

# Azar 1405: the previous year whole, this year's first eight months reported.
TODAY = jdatetime.date(1405, 9, 10).togregorian()
NATION = selectors.Jurisdiction("national", {})


@pytest.mark.slow
def test_the_demo_network_is_rolled_up_by_the_workers_first_round(geo_loaded):
    network_build(offices=200, seed=3, history_days=3, history_scale=0.3)

    assert rollups_update() > 0  # the worker's first round
    assert rollups() == expected_from_raw()
    assert RollupCursor.objects.get().last_id == transaction_event_last_id()
    assert rollups_update() == 0


def test_the_demo_visits_make_the_target_meaningful(geo_loaded):
    catalogue_seed(today=TODAY)
    visit_reports_seed(rng=random.Random(3), today=TODAY, provinces=list(Province.objects.defer("boundary")))
    nation = selectors.place_resolve(level="national", code="", jurisdiction=NATION)

    visits = selectors.visits_measure(place=nation, jurisdiction=NATION, year=1405)

    assert sorted(visits.previous_months) == list(range(1, 13))  # the previous Jalali year, whole
    assert sorted(visits.months) == list(range(1, 9))  # this year's months before Azar
    assert visits.totals.reduction > 0  # fewer visits than in the same months last year
    judged = {row.code: row.target.on_track for row in visits.by}
    assert None not in judged.values()
    assert {True, False} <= set(judged.values())  # some agencies on track, some behind
    assert judged["post"]
    assert not judged["qazaei"]
    for code in ("tamin", "shahrdari"):
        agency = selectors.place_resolve(level="agency", code=code, jurisdiction=NATION)
        provinces = selectors.visits_measure(place=agency, jurisdiction=NATION, year=1405)
        assert {row.target.on_track for row in provinces.by} == {True, False}, code
    for row in visits.by:
        assert 0 < row.target.projected < row.target.previous_year  # a projection, downward


def test_the_demo_agencies_report_on_time_in_different_measure(geo_loaded):
    """Each seeded report is dated after its month closed, by its agency's punctuality: the compliance
    score's reporting part is neither zero (as when every report bore the seeding moment) nor the same
    for every agency."""
    catalogue_seed(today=TODAY)
    visit_reports_seed(rng=random.Random(3), today=TODAY, provinces=list(Province.objects.defer("boundary")))

    shares = {agency.code: selectors.reporting_share(agency.pk, TODAY) for agency in Agency.objects.all()}
    reported = [share for share in shares.values() if share is not None]
    assert reported
    assert all(0 <= share <= 1 for share in reported)
    assert max(reported) == 1  # some agency sent every month by the due day
    assert len(set(reported)) > 2  # and the others less often, each its own
    first = VisitReport.objects.order_by("jalali_year", "jalali_month").first()
    month_end = jdatetime.date(first.jalali_year, first.jalali_month, 1).togregorian() + dt.timedelta(days=28)
    assert first.reported_at.date() > month_end  # sent after its month, not at seeding
