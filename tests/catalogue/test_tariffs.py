"""Tariffs: one per service and Jalali year, starting inside that year; the one in force on a day."""

import datetime as dt

import pytest

from pishkhan.audit.selectors import audit_entry_list_for_target
from pishkhan.catalogue import selectors, services
from pishkhan.catalogue.models import Tariff
from pishkhan.common.errors import ConflictError, ValidationError
from tests.catalogue.factories import ServiceFactory, TariffFactory, nowruz

pytestmark = pytest.mark.django_db

# Nowruz 1404 fell on 21 March 2025, Nowruz 1405 on 21 March 2026 (Farvardin 1).
NOWRUZ_1404 = dt.date(2025, 3, 21)
NOWRUZ_1405 = dt.date(2026, 3, 21)


def test_nowruz_dates_are_what_the_tests_assume():
    assert (nowruz(1404), nowruz(1405)) == (NOWRUZ_1404, NOWRUZ_1405)


def test_a_tariff_is_published_and_audited(sabt):
    service = ServiceFactory(agency=sabt)

    tariff = services.tariff_set(
        service=service,
        jalali_year=1404,
        government_fee=500_000,
        office_fee=150_000,
        effective_from=NOWRUZ_1404,
        actor="user:cra",
    )

    assert (tariff.jalali_year, tariff.total) == (1404, 650_000)
    entry = audit_entry_list_for_target(target=tariff).get()
    assert entry.action == "tariff.set"
    assert entry.after == {
        "service": service.code,
        "jalali_year": 1404,
        "government_fee": 500_000,
        "office_fee": 150_000,
        "effective_from": "2025-03-21",
    }


def test_a_second_tariff_for_the_same_year_is_a_conflict_and_the_first_stands(sabt):
    first = TariffFactory(service=ServiceFactory(agency=sabt), jalali_year=1404)

    with pytest.raises(ConflictError) as refused:
        services.tariff_set(
            service=first.service,
            jalali_year=1404,
            government_fee=1,
            office_fee=1,
            effective_from=dt.date(2025, 9, 1),
            actor=None,
        )

    assert refused.value.status == 409
    assert "already has a tariff for 1404" in refused.value.detail
    assert list(Tariff.objects.values_list("government_fee", flat=True)) == [500_000]


def test_a_tariff_must_take_effect_within_its_own_jalali_year(sabt):
    service = ServiceFactory(agency=sabt)

    # 20 March 2025 is Esfand 29, 1403: the last day before Nowruz 1404.
    with pytest.raises(ValidationError) as refused:
        TariffFactory(service=service, jalali_year=1404, effective_from=dt.date(2025, 3, 20))

    assert refused.value.fields["effective_from"] == [
        "A tariff for 1404 must take effect within 1404; 1403/12/30 is in 1403."
    ]
    assert not Tariff.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("government_fee", -1), ("office_fee", 10**16), ("office_fee", 1.5), ("jalali_year", 99)],
)
def test_implausible_fees_and_years_are_refused(sabt, field, value):
    with pytest.raises(ValidationError) as refused:
        TariffFactory(service=ServiceFactory(agency=sabt), **{field: value})

    assert field in refused.value.fields


def test_the_tariff_in_force_changes_on_nowruz(sabt):
    service = ServiceFactory(agency=sabt)
    old = TariffFactory(service=service, jalali_year=1404)
    new = TariffFactory(service=service, jalali_year=1405, government_fee=650_000)

    assert selectors.tariff_in_force(service=service, on=NOWRUZ_1404 - dt.timedelta(days=1)) is None
    assert selectors.tariff_in_force(service=service, on=NOWRUZ_1404) == old
    assert selectors.tariff_in_force(service=service, on=NOWRUZ_1405 - dt.timedelta(days=1)) == old
    assert selectors.tariff_in_force(service=service, on=NOWRUZ_1405) == new
    assert selectors.tariff_in_force(service=service, on=dt.date(2030, 1, 1)) == new


def test_a_tariff_taking_effect_mid_year_leaves_last_years_in_force_until_then(sabt):
    service = ServiceFactory(agency=sabt)
    old = TariffFactory(service=service, jalali_year=1404)
    new = TariffFactory(service=service, jalali_year=1405, effective_from=dt.date(2026, 6, 22))  # Tir 1

    assert selectors.tariff_in_force(service=service, on=dt.date(2026, 6, 21)) == old
    assert selectors.tariff_in_force(service=service, on=dt.date(2026, 6, 22)) == new


def test_the_tariff_in_force_is_one_query(sabt, django_assert_num_queries):
    service = ServiceFactory(agency=sabt)
    TariffFactory(service=service, jalali_year=1404)
    TariffFactory(service=service, jalali_year=1405)

    with django_assert_num_queries(1):
        selectors.tariff_in_force(service=service, on=NOWRUZ_1405)


def test_the_tariffs_in_force_of_a_whole_rate_board_are_one_query(sabt, django_assert_num_queries):
    board = [ServiceFactory(agency=sabt) for _ in range(40)]
    for index, service in enumerate(board[:39]):  # the last has no tariff yet
        TariffFactory(service=service, jalali_year=1404, office_fee=100_000 + index)
        TariffFactory(service=service, jalali_year=1405, office_fee=200_000 + index)

    with django_assert_num_queries(1):
        in_force = selectors.tariffs_in_force(services=board, on=dt.date(2026, 4, 1))

    assert len(in_force) == 39
    assert board[-1].pk not in in_force
    assert {tariff.jalali_year for tariff in in_force.values()} == {1405}
    assert in_force[board[5].pk].office_fee == 200_005


def test_tariffs_in_force_accept_a_queryset(sabt):
    service = ServiceFactory(agency=sabt)
    tariff = TariffFactory(service=service, jalali_year=1404)

    assert selectors.tariffs_in_force(services=selectors.service_list(), on=NOWRUZ_1404) == {
        service.pk: tariff
    }
    assert selectors.tariffs_in_force(services=[], on=NOWRUZ_1404) == {}


def test_the_history_lists_the_newest_year_first(sabt):
    service = ServiceFactory(agency=sabt)
    for year in (1403, 1405, 1404):
        TariffFactory(service=service, jalali_year=year)

    assert [tariff.jalali_year for tariff in selectors.tariff_history(service=service)] == [1405, 1404, 1403]
