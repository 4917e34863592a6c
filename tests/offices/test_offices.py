"""Changing registered offices: details, status, hours, counters, staff."""

import pytest

from pishkhan.accounts.models import User
from pishkhan.audit.models import AuditEntry
from pishkhan.common.errors import ConflictError, TransitionError, ValidationError
from pishkhan.offices.models import Office, StaffMember
from pishkhan.offices.selectors import staff_acting_operator, staff_list
from pishkhan.offices.services import (
    StaffDraft,
    office_set_counters,
    office_set_hours,
    office_set_status,
    office_update,
    staff_add,
    staff_add_many,
    staff_remove,
)
from pishkhan.offices.states import OFFICE_TRANSITIONS, OfficeStatus
from tests.accounts.factories import UserFactory
from tests.offices.factories import (
    ARDESTAN_COUNTY,
    DAMAVAND,
    DAMAVAND_COUNTY,
    DAMAVAND_VILLAGE_UNLOCATED,
    RUDEHEN_CITY,
    make_office,
    operator_draft,
)


def test_update_changes_only_what_is_given_and_audits_it(geo_loaded):
    office = make_office(1)

    office_update(office=office, name="دفتر تازه", phone="021-8888", actor="tester")

    office.refresh_from_db()
    assert (office.name, office.phone, office.address) == ("دفتر تازه", "021-8888", "خیابان آزادی")
    entry = AuditEntry.objects.get(action="office.update", target_id=str(office.pk))
    assert entry.before == {"name": "دفتر پیشخوان 1", "phone": ""}
    assert entry.after == {"name": "دفتر تازه", "phone": "021-8888"}


def test_moving_to_another_county_puts_the_office_at_its_new_place(geo_loaded):
    office = make_office(1)

    office_update(office=office, county=DAMAVAND_COUNTY, place=RUDEHEN_CITY, actor=None)

    office.refresh_from_db()
    assert (office.county.code, office.lat, office.lon, office.code) == (
        "2302",
        35.73338,
        51.90587,
        "P23-0001",
    )


def test_moving_to_a_village_without_coordinates_estimates_the_point(geo_loaded):
    office = make_office(1)

    office_update(office=office, county=DAMAVAND_COUNTY, place=DAMAVAND_VILLAGE_UNLOCATED, actor=None)

    office.refresh_from_db()
    assert office.location_estimated is True
    assert office.setting == "urban"  # the setting given at registration stays


def test_update_refuses_a_county_of_another_province_and_changes_nothing(geo_loaded):
    office = make_office(1)

    with pytest.raises(ValidationError) as refused:
        office_update(office=office, county=ARDESTAN_COUNTY, place=None, actor=None)

    assert "county" in refused.value.fields
    office.refresh_from_db()
    assert office.county.code == "2301"
    assert not AuditEntry.objects.filter(action="office.update").exists()


def test_update_refuses_coordinates_outside_the_county(geo_loaded):
    office = make_office(1)

    with pytest.raises(ValidationError):
        office_update(office=office, lat=DAMAVAND[0], lon=DAMAVAND[1], actor=None)


def test_update_replaces_the_operator(geo_loaded):
    office = make_office(1)

    office_update(office=office, operator=operator_draft(9, name="مدیر تازه"), actor=None)

    office.operator.refresh_from_db()
    assert (office.operator.name, office.operator.national_id) == ("مدیر تازه", operator_draft(9).national_id)
    entry = AuditEntry.objects.get(action="office.update")
    assert operator_draft(9).national_id not in str(entry.after)  # the audit log keeps it masked


@pytest.mark.parametrize("source", OfficeStatus.values)
@pytest.mark.parametrize("target", OfficeStatus.values)
def test_every_status_pair_follows_the_table(geo_loaded, source, target):
    office = make_office(1)
    Office.objects.filter(pk=office.pk).update(status=source)

    if OFFICE_TRANSITIONS.allows(source, target):
        office_set_status(office=office, status=target, reason="test", actor=None)
        office.refresh_from_db()
        assert office.status == target
    else:
        with pytest.raises(TransitionError) as refused:
            office_set_status(office=office, status=target, actor=None)
        assert refused.value.status == 409
        office.refresh_from_db()
        assert office.status == source


def test_status_table():
    assert sorted(OFFICE_TRANSITIONS.pairs()) == [
        ("active", "closed"),
        ("active", "suspended"),
        ("suspended", "active"),
        ("suspended", "closed"),
    ]


def test_hours_and_counters_are_set_and_checked(geo_loaded):
    office = make_office(1)

    office_set_hours(office=office, opening_hours={"0": [["07:00", "15:00"]]}, actor=None)
    office_set_counters(office=office, counters=4, actor=None)

    office.refresh_from_db()
    assert (office.opening_hours, office.counters) == ({"0": [["07:00", "15:00"]]}, 4)
    with pytest.raises(ValidationError):
        office_set_counters(office=office, counters=0, actor=None)
    with pytest.raises(ValidationError):
        office_set_hours(office=office, opening_hours={"0": [["15:00", "07:00"]]}, actor=None)


def _clerk_login(office, name):
    return UserFactory(username=name, role="office_operator", jurisdiction_code=office.code)


def test_staff_with_own_logins_and_a_deputy_standing_in(geo_loaded):
    office = make_office(1)
    operator = staff_add(office=office, user=_clerk_login(office, "op"), position="operator", actor=None)
    staff_add(office=office, user=_clerk_login(office, "dep"), position="deputy", actor=None)
    staff_add(office=office, user=_clerk_login(office, "clerk1"), position="clerk", actor=None)
    staff_add(office=office, user=_clerk_login(office, "clerk2"), position="clerk", actor=None)

    assert staff_acting_operator(office=office).user.username == "op"
    staff_remove(member=operator, reason="left", actor=None)

    assert staff_acting_operator(office=office).user.username == "dep"
    assert [m.user.username for m in staff_list(office=office)] == ["clerk1", "clerk2", "dep"]
    assert len(staff_list(office=office, include_former=True)) == 4


def test_a_second_deputy_is_refused(geo_loaded):
    office = make_office(1)
    staff_add(office=office, user=_clerk_login(office, "dep1"), position="deputy", actor=None)

    with pytest.raises(ConflictError):
        staff_add(office=office, user=_clerk_login(office, "dep2"), position="deputy", actor=None)


def test_a_login_of_another_office_or_role_cannot_join(geo_loaded):
    office = make_office(1)
    other = make_office(2)

    with pytest.raises(ValidationError) as refused:
        staff_add(office=office, user=_clerk_login(other, "elsewhere"), position="clerk", actor=None)
    assert list(refused.value.fields) == ["user"]
    with pytest.raises(ValidationError):
        staff_add(office=office, user=UserFactory(username="reg"), position="clerk", actor=None)
    with pytest.raises(ValidationError):
        staff_add(office=office, user=_clerk_login(office, "x"), position="boss", actor=None)


def test_a_closed_office_takes_no_staff_and_removal_is_once(geo_loaded):
    office = make_office(1)
    member = staff_add(office=office, user=_clerk_login(office, "c"), position="clerk", actor=None)
    staff_remove(member=member, actor=None)
    office_set_status(office=office, status="closed", actor=None)

    with pytest.raises(ConflictError):
        staff_remove(member=member, actor=None)
    with pytest.raises(ConflictError):
        staff_add(office=office, user=User.objects.get(username="c"), position="clerk", actor=None)


def test_staff_many_checks_every_row_and_audits_per_office(geo_loaded):
    first, second = make_office(1), make_office(2)
    for office, name in [(first, "a1"), (first, "a2"), (first, "a3"), (second, "b1")]:
        _clerk_login(office, name)
    rows = [
        StaffDraft(office="P23-0001", username="a1", position="operator"),
        StaffDraft(office="P23-0001", username="a2", position="deputy"),
        StaffDraft(office="P23-0001", username="a3", position="clerk"),
        StaffDraft(office="P23-0002", username="b1", position="operator"),
    ]

    members = staff_add_many(rows=rows, actor="demo")

    assert [(m.office.code, m.user.username, m.position) for m in members] == [
        ("P23-0001", "a1", "operator"),
        ("P23-0001", "a2", "deputy"),
        ("P23-0001", "a3", "clerk"),
        ("P23-0002", "b1", "operator"),
    ]
    entries = AuditEntry.objects.filter(action="office.staff_add").order_by("seq")
    assert [len(entry.after["staff"]) for entry in entries] == [3, 1]


@pytest.mark.parametrize(
    ("row", "field", "error"),
    [
        (
            StaffDraft(office="P23-0002", username="a1", position="clerk"),
            "user",
            ValidationError,
        ),  # other office's login
        (StaffDraft(office="P23-0009", username="a1", position="clerk"), "office", ValidationError),
        (StaffDraft(office="P23-0001", username="ghost", position="clerk"), "user", ValidationError),
        (
            StaffDraft(office="P23-0001", username="a2", position="operator"),
            "position",
            ConflictError,
        ),  # second operator
        (StaffDraft(office="P23-0001", username="a1", position="clerk"), "user", ConflictError),  # a1 twice
    ],
)
def test_staff_many_refuses_the_batch_for_one_bad_row(geo_loaded, row, field, error):
    first = make_office(1)
    make_office(2)
    _clerk_login(first, "a1")
    _clerk_login(first, "a2")
    good = StaffDraft(office="P23-0001", username="a1", position="operator")

    with pytest.raises(error) as refused:
        staff_add_many(rows=[good, row], actor=None)

    assert list(refused.value.fields) == [f"rows[1].{field}"]
    assert not StaffMember.objects.exists()
