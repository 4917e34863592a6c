"""Registering offices: every rule of a row, the same for one office and for thousands."""

import dataclasses
import time

import pytest

from pishkhan.audit.models import AuditEntry
from pishkhan.common.errors import ConflictError, ValidationError
from pishkhan.offices.locations import point_in_county
from pishkhan.offices.models import Office, Operator
from pishkhan.offices.services import office_register_many
from tests.offices.factories import (
    ARDESTAN,
    ARDESTAN_COUNTY,
    DAMAVAND,
    DAMAVAND_COUNTY,
    DAMAVAND_VILLAGE_UNLOCATED,
    ISFAHAN_PROVINCE,
    RUDEHEN_CITY,
    TEHRAN,
    make_agency,
    make_office,
    office_draft,
    operator_draft,
)


def _written():
    return Office.objects.count(), Operator.objects.count(), AuditEntry.objects.count()


def test_register_gives_the_next_code_and_stands_at_the_place(geo_loaded):
    first = make_office(1)
    second = make_office(2)

    assert (first.code, second.code) == ("P23-0001", "P23-0002")
    assert (first.lat, first.lon, first.location_estimated) == (*TEHRAN, False)
    assert (first.setting, first.counters, first.status) == ("urban", 1, "active")
    assert first.operator.national_id == operator_draft(1).national_id
    assert AuditEntry.objects.filter(action="office.register", target_id=str(first.pk)).count() == 1


def test_code_letter_follows_the_kind_and_numbers_count_per_kind_and_province(geo_loaded):
    make_office(1)
    ict = make_office(2, kind="ict", county=DAMAVAND_COUNTY, place=RUDEHEN_CITY)
    isfahan = make_office(
        3, province=ISFAHAN_PROVINCE, county=ARDESTAN_COUNTY, place=None, lat=ARDESTAN[0], lon=ARDESTAN[1]
    )

    assert (ict.code, isfahan.code) == ("R23-0001", "P10-0001")


def test_village_without_coordinates_gets_an_estimated_point_inside_its_county(geo_loaded):
    office = make_office(1, kind="ict", county=DAMAVAND_COUNTY, place=DAMAVAND_VILLAGE_UNLOCATED)

    assert office.location_estimated is True
    assert office.setting == "rural"
    assert point_in_county(DAMAVAND_COUNTY, office.lat, office.lon, tolerance_km=0)
    # seeded by the code, so a second database would put it at the same point
    again = Office.objects.get(pk=office.pk)
    assert (again.lat, again.lon) == (office.lat, office.lon)


def test_an_office_in_a_county_of_another_province_is_refused_and_nothing_written(geo_loaded):
    before = _written()

    with pytest.raises(ValidationError) as refused:
        make_office(1, county=ARDESTAN_COUNTY, place=None, lat=ARDESTAN[0], lon=ARDESTAN[1])

    assert refused.value.status == 422
    assert "county" in refused.value.fields
    assert "province 10, not in province 23" in refused.value.detail
    assert _written() == before


def test_a_place_outside_the_county_is_refused(geo_loaded):
    with pytest.raises(ValidationError) as refused:
        make_office(1, place=RUDEHEN_CITY)  # Rudehen is in Damavand, not Tehran county

    assert list(refused.value.fields) == ["place"]


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (33.3152, 44.3661),  # Baghdad
        (48.85, 2.35),  # Paris
        (0.0, 0.0),
        (27.0, 52.0),  # the Persian Gulf, between Iran and Qatar
    ],
)
def test_coordinates_outside_iran_are_refused(geo_loaded, lat, lon):
    before = _written()

    with pytest.raises(ValidationError) as refused:
        make_office(1, place=None, lat=lat, lon=lon)

    assert set(refused.value.fields) == {"lat", "lon"}
    assert _written() == before


def test_coordinates_in_another_county_are_refused(geo_loaded):
    with pytest.raises(ValidationError) as refused:
        make_office(1, place=None, lat=DAMAVAND[0], lon=DAMAVAND[1])  # Damavand city, ~60 km east

    assert "not inside county 2301" in refused.value.detail


def test_a_town_just_off_its_county_outline_is_tolerated(geo_loaded):
    # Hormoz city's recorded point lies 7.75 km outside Bandar Abbas county's OpenStreetMap outline
    office = make_office(1, province="22", county="2202", place="1572")

    assert (office.lat, office.lon) == (27.095, 56.4529)


def test_a_duplicate_office_code_is_a_conflict(geo_loaded):
    make_office(1, code="P23-0007")
    before = _written()

    with pytest.raises(ConflictError) as refused:
        make_office(2, code="P23-0007")

    assert refused.value.status == 409
    assert list(refused.value.fields) == ["code"]
    assert _written() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"code": "X23-0001"}, "code"),
        ({"code": "P10-0001"}, "code"),  # Isfahan's number for a Tehran office
        ({"code": "R23-0001"}, "code"),  # an ICT letter on a Pishkhan office
        ({"kind": "bank"}, "kind"),
        ({"province": "99"}, "province"),
        ({"county": "9999"}, "county"),
        ({"place": "0000"}, "place"),
        ({"postal_code": "1234"}, "postal_code"),
        ({"postal_code": "2222222222"}, "postal_code"),
        ({"counters": 0}, "counters"),
        ({"counters": 51}, "counters"),
        ({"counters": True}, "counters"),
        ({"name": "   "}, "name"),
        ({"setting": "suburban"}, "setting"),
        ({"organisation": "nobody"}, "organisation"),
        ({"opening_hours": {"7": [["08:00", "16:00"]]}}, "opening_hours"),
        ({"opening_hours": {"0": [["16:00", "08:00"]]}}, "opening_hours"),
        ({"lat": 35.7, "lon": None, "place": None}, "lat"),
        ({"lat": float("nan"), "lon": 51.4, "place": None}, "lat"),
        ({"phone": "<script>"}, "phone"),
        ({"operator": operator_draft(1, national_id="1234567890")}, "operator.national_id"),
        ({"operator": operator_draft(1, mobile="0212345678")}, "operator.mobile"),
        (
            {"operator": operator_draft(1, kind="company", national_id="", company_id="123")},
            "operator.company_id",
        ),
        ({"operator": operator_draft(1, kind="robot")}, "operator.kind"),
    ],
)
def test_bad_rows_are_refused_naming_the_field(geo_loaded, overrides, field):
    before = _written()

    with pytest.raises(ValidationError) as refused:
        make_office(1, **overrides)

    assert field in refused.value.fields
    assert _written() == before


def test_a_company_may_hold_an_office(geo_loaded):
    company = operator_draft(1, kind="company", national_id="", company_id="10101234567")

    office = make_office(1, operator=company)

    assert (office.operator.kind, office.operator.company_id, office.operator.national_id) == (
        "company",
        "10101234567",
        "",
    )


def test_an_organisation_runs_a_parallel_office(geo_loaded):
    make_agency("tamin")

    office = make_office(1, kind="social_security", organisation="tamin")

    assert (office.code, office.organisation.code) == ("S23-0001", "tamin")


def test_register_many_checks_and_writes_every_row(geo_loaded):
    rows = [office_draft(n) for n in range(1, 4)] + [
        office_draft(4, kind="ict", county=DAMAVAND_COUNTY, place=DAMAVAND_VILLAGE_UNLOCATED)
    ]
    audit_before = AuditEntry.objects.count()

    offices = office_register_many(rows=rows, actor="demo")

    assert [office.code for office in offices] == ["P23-0001", "P23-0002", "P23-0003", "R23-0001"]
    assert all(office.pk for office in offices)
    assert Operator.objects.filter(office__in=offices).count() == 4
    assert AuditEntry.objects.count() - audit_before == 4
    assert offices[3].location_estimated is True


def test_register_many_refuses_the_whole_batch_for_one_bad_row(geo_loaded):
    rows = [office_draft(n) for n in range(1, 6)]
    rows[3] = dataclasses.replace(rows[3], county=ARDESTAN_COUNTY)
    before = _written()

    with pytest.raises(ValidationError) as refused:
        office_register_many(rows=rows, actor="demo")

    assert list(refused.value.fields) == ["rows[3].county"]
    assert refused.value.detail.startswith("Row 4:")
    assert _written() == before


def test_register_many_refuses_a_code_given_twice(geo_loaded):
    rows = [office_draft(1, code="P23-0005"), office_draft(2, code="P23-0005")]

    with pytest.raises(ConflictError) as refused:
        office_register_many(rows=rows, actor="demo")

    assert list(refused.value.fields) == ["rows[1].code"]
    assert Office.objects.count() == 0


def test_register_many_numbers_after_existing_offices(geo_loaded):
    make_office(1, code="P23-0041")

    offices = office_register_many(rows=[office_draft(2), office_draft(3)], actor="demo")

    assert [office.code for office in offices] == ["P23-0042", "P23-0043"]


@pytest.mark.timing
def test_register_many_is_fast(geo_loaded):
    rows = [
        office_draft(n, kind="ict", county=DAMAVAND_COUNTY, place=DAMAVAND_VILLAGE_UNLOCATED)
        if n % 2
        else office_draft(n)
        for n in range(2000)
    ]

    started = time.perf_counter()
    offices = office_register_many(rows=rows, actor="demo")
    seconds = time.perf_counter() - started

    assert len(offices) == Office.objects.count() == 2000
    # 13,000 rows must fit in the demo's budget; 2,000 in well under two seconds leaves room.
    assert seconds < 2.5, seconds
