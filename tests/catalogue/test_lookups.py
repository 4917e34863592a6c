"""The catalogue as the counter keeps it per server process (``catalogue.lookups``): every write of the
catalogue is seen, bulk writes included, which send no signal."""

from __future__ import annotations

import jdatetime
import pytest
from django.utils import timezone

from pishkhan.catalogue.lookups import lookups_shared
from pishkhan.catalogue.models import Service, Tariff
from pishkhan.catalogue.versions import catalogue_version
from tests.offices.factories import make_agency, make_service, make_tariff

pytestmark = pytest.mark.django_db


@pytest.fixture
def tariffed():
    service = make_service(make_agency(), "statement")
    today = timezone.localdate()
    make_tariff(
        service,
        year=jdatetime.date.fromgregorian(date=today).year,
        effective_from=today,
        government_fee=400_000,
        office_fee=100_000,
    )
    return service


def test_a_tariff_changed_in_bulk_is_seen_by_every_process(tariffed):
    # given the catalogue as this process keeps it, the tariff read
    today = timezone.localdate()
    kept = lookups_shared()
    assert kept.tariff_total(tariffed, today) == 500_000
    version = catalogue_version()

    # when the tariff is changed in bulk (an UPDATE: no model signal is sent)
    Tariff.objects.filter(service=tariffed).update(office_fee=0)

    # then the shared version, which every server process compares, has changed, and this process
    # reads the catalogue again
    assert catalogue_version() != version
    assert lookups_shared() is not kept
    assert lookups_shared().tariff_total(tariffed, today) == 400_000


def test_a_service_withdrawn_in_bulk_is_seen_at_once(tariffed):
    assert lookups_shared().service(tariffed.code).active

    Service.objects.filter(pk=tariffed.pk).update(active=False)

    assert not lookups_shared().service(tariffed.code).active


def test_tariffs_created_in_bulk_are_seen_at_once(tariffed):
    other = make_service(tariffed.agency, "other")
    today = timezone.localdate()
    assert lookups_shared().tariff_total(other, today) is None

    year = jdatetime.date.fromgregorian(date=today).year
    Tariff.objects.bulk_create(
        [Tariff(service=other, jalali_year=year, effective_from=today, government_fee=7, office_fee=3)]
    )

    assert lookups_shared().tariff_total(other, today) == 10


def test_the_catalogue_kept_is_one_read_while_nothing_changes(tariffed):
    assert lookups_shared() is lookups_shared()
