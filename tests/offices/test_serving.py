"""Whether an office serves citizens: set through the registry's service, read by the public search."""

import datetime as dt

import pytest

from pishkhan.audit.selectors import audit_entry_list_for_target
from pishkhan.common.errors import ValidationError
from pishkhan.offices.models import Office
from pishkhan.offices.selectors import offices_in_county, offices_near
from pishkhan.offices.services import (
    ServingChange,
    office_serving_set,
    offices_serving_set_many,
)
from tests.offices.factories import TEHRAN, make_agency, make_office, make_offices, make_service, office_draft

SATURDAY_MORNING = dt.datetime(2024, 6, 1, 7, 0, tzinfo=dt.UTC)


@pytest.fixture
def service(db):
    return make_service(make_agency("sabt", name_en="Civil Registration"), "birth-copy", kinds=("pishkhan",))


def _at(n, north_km):
    return office_draft(n, place=None, lat=round(TEHRAN[0] + north_km / 111.2, 6), lon=TEHRAN[1])


def test_an_office_serves_until_told_otherwise_and_the_change_is_audited(geo_loaded):
    office = make_office(1, kind="e_city")  # a parallel network's office: no CRA licence to wait for
    assert (office.serving_hold, office.serving) == ("", True)

    office_serving_set(
        office=office, hold="suspended", until=dt.date(2030, 1, 31), source="L-23-1405-00001", actor="cra"
    )

    stored = Office.objects.get(pk=office.pk)
    assert (stored.serving_hold, stored.serving_hold_until, stored.serving) == (
        "suspended",
        dt.date(2030, 1, 31),
        False,
    )
    entry = audit_entry_list_for_target(target=office).filter(action="office.serving").get()
    assert entry.before == {"hold": "", "until": None}
    assert entry.after == {"hold": "suspended", "until": "2030-01-31", "source": "L-23-1405-00001"}


def test_setting_what_is_already_there_writes_nothing(geo_loaded):
    office = make_office(1, kind="e_city")

    office_serving_set(office=office, hold="", actor="cra")

    assert not audit_entry_list_for_target(target=office).filter(action="office.serving").exists()


@pytest.mark.parametrize(
    ("hold", "until", "field"),
    [("closed_for_lunch", None, "hold"), ("revoked", dt.date(2030, 1, 1), "until")],
)
def test_an_unknown_hold_or_an_end_date_without_a_suspension_is_refused(geo_loaded, hold, until, field):
    office = make_office(1)

    with pytest.raises(ValidationError) as refused:
        office_serving_set(office=office, hold=hold, until=until, actor="cra")

    assert field in refused.value.fields
    assert Office.objects.get(pk=office.pk).serving_hold == ""


def test_near_me_and_the_county_list_offer_only_serving_offices(geo_loaded, service):
    rows = [_at(1, 1), _at(2, 2), _at(3, 3)]
    revoked, not_yet_active, serving = make_offices(rows)
    office_serving_set(office=revoked, hold="revoked", actor="cra")
    office_serving_set(office=not_yet_active, hold="not_yet_active", actor="cra")

    near = offices_near(service_code="sabt.birth-copy", lat=TEHRAN[0], lon=TEHRAN[1], now=SATURDAY_MORNING)
    county = offices_in_county(service_code="sabt.birth-copy", county_code="2301")

    assert [found.office.code for found in near] == [serving.code]
    assert [found.office.code for found in county] == [serving.code]


def test_many_offices_are_set_at_once_and_only_changes_are_audited(geo_loaded):
    first, second, third = make_offices([_at(1, 1), _at(2, 2), _at(3, 3)])
    entries = {
        o.pk: audit_entry_list_for_target(target=o).filter(action="office.serving").count()
        for o in (first, second)
    }

    changed = offices_serving_set_many(
        changes=[
            ServingChange(first.pk, "expired"),
            ServingChange(second.pk, ""),
            ServingChange(third.pk, "suspended", dt.date(2030, 5, 1)),
        ],
        actor="import",
    )

    holds = dict(Office.objects.values_list("code", "serving_hold"))
    assert changed == 2
    assert holds == {first.code: "expired", second.code: "", third.code: "suspended"}
    assert Office.objects.get(pk=third.pk).serving_hold_until == dt.date(2030, 5, 1)
    assert (
        audit_entry_list_for_target(target=second).filter(action="office.serving").count()
        == entries[second.pk]
    )
    assert (
        audit_entry_list_for_target(target=first).filter(action="office.serving").count()
        == entries[first.pk] + 1
    )
