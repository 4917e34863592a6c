"""The demo catalogue: real agencies, about 40 services, tariffs for this Jalali year and the last,
and two years of visit reports — through the services, idempotent and deterministic."""

import datetime as dt
import random
import time

import pytest

from pishkhan.audit.selectors import audit_chain_verify
from pishkhan.catalogue import selectors
from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.catalogue.models import Agency, Service, Tariff, VisitReport
from pishkhan.demo.catalogue_seed import catalogue_seed, visit_reports_seed
from pishkhan.geo.models import Province

TODAY = dt.date(2026, 11, 28)  # 1405/09/07
pytestmark = pytest.mark.django_db


def test_the_seed_builds_the_catalogue_with_current_tariffs():
    summary = catalogue_seed(today=TODAY)

    assert summary.years == (1404, 1405)
    assert Agency.objects.count() >= 8
    assert Service.objects.count() >= 35
    assert {"sabt", "tamin", "kar", "salamat", "post", "maliat"} <= set(
        Agency.objects.values_list("code", flat=True)
    )
    in_force = selectors.tariffs_in_force(services=Service.objects.all(), on=TODAY)
    assert len(in_force) == Service.objects.count()
    assert {tariff.jalali_year for tariff in in_force.values()} == {1405}
    assert Tariff.objects.filter(jalali_year=1404).count() == Service.objects.count()


def test_the_seed_is_plausible():
    catalogue_seed(today=TODAY)

    statuses = set(Service.objects.values_list("outsourcing", flat=True))
    assert statuses == {"outsourced", "pending", "prohibited"}
    assert all(service.legal_basis for service in Service.objects.filter(outsourcing="prohibited"))
    assert {service.trips_saved for service in Service.objects.all()} <= {1, 2, 3}
    for current in Tariff.objects.filter(jalali_year=1405).select_related("service"):
        assert 50_000 <= current.office_fee <= 400_000
        assert 0 <= current.government_fee <= 2_000_000
        last = Tariff.objects.get(service=current.service, jalali_year=1404)
        assert 0.64 * current.office_fee <= last.office_fee <= 0.76 * current.office_fee
    # parallel networks deliver only their own organisation's services
    assert {s.agency.code for s in selectors.services_deliverable_by(kind=OfficeKind.SOCIAL_SECURITY)} == {
        "tamin"
    }
    assert {s.agency.code for s in selectors.services_deliverable_by(kind=OfficeKind.HEALTH_INSURANCE)} == {
        "salamat"
    }
    assert 0 < selectors.services_deliverable_by(kind=OfficeKind.ICT).count() < Service.objects.count()


def test_the_seed_runs_again_without_writing_anything():
    catalogue_seed(today=TODAY)

    again = catalogue_seed(today=TODAY)

    assert (again.agencies_created, again.services_created, again.tariffs_created) == (0, 0, 0)
    assert audit_chain_verify().intact


@pytest.mark.timing
def test_the_seed_is_fast():
    started = time.perf_counter()
    catalogue_seed(today=TODAY)

    assert time.perf_counter() - started < 3.0


def test_visit_reports_cover_two_years_for_every_agency_and_province_and_follow_population(geo_loaded):
    catalogue_seed(today=TODAY)
    provinces = list(Province.objects.defer("boundary"))

    summary = visit_reports_seed(rng=random.Random(7), today=TODAY, provinces=provinces)

    agencies = Agency.objects.count()
    assert summary.rows == VisitReport.objects.count() == agencies * 31 * 24
    assert (summary.periods[0], summary.periods[-1]) == ((1403, 9), (1405, 8))
    tehran = VisitReport.objects.filter(
        agency__code="sabt", province__code="23", jalali_year=1404, jalali_month=7
    )
    ilam = VisitReport.objects.filter(
        agency__code="sabt", province__code="16", jalali_year=1404, jalali_month=7
    )
    assert tehran.get().visits > 10 * ilam.get().visits  # 13.3 million people against 0.58 million


def test_visit_reports_are_deterministic_and_a_rerun_changes_nothing(geo_loaded):
    catalogue_seed(today=TODAY)
    provinces = list(Province.objects.defer("boundary"))
    visit_reports_seed(rng=random.Random(7), today=TODAY, provinces=provinces)
    first = list(VisitReport.objects.order_by("pk").values_list("visits", flat=True))

    again = visit_reports_seed(rng=random.Random(7), today=TODAY, provinces=provinces)

    assert (again.created, again.updated) == (0, 0)
    assert list(VisitReport.objects.order_by("pk").values_list("visits", flat=True)) == first
