"""The counter's check (may this office transact?) and the scoping of reads."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone, translation

from pishkhan.accounts.permissions import principal_for_apikey
from pishkhan.accounts.selectors import apikey_authenticate
from pishkhan.accounts.services import apikey_create
from pishkhan.licensing import selectors
from pishkhan.licensing.services import licence_suspend
from pishkhan.licensing.states import IN_FORCE_STATES
from tests.accounts.factories import UserFactory
from tests.licensing.factories import approved, as_principal, directorate, imported, licensee, regulator
from tests.offices.factories import ARDESTAN, ARDESTAN_COUNTY, ISFAHAN_PROVINCE, make_office

pytestmark = pytest.mark.usefixtures("geo")


def test_an_office_with_an_active_licence_may_transact_in_one_query(django_assert_num_queries):
    office = make_office(1)
    imported(office, status="active")

    with django_assert_num_queries(1):
        assert selectors.office_may_transact(office=office) == (True, "")


def test_a_parallel_office_needs_no_licence_and_costs_no_query(django_assert_num_queries):
    office = make_office(1, kind="social_security")

    with django_assert_num_queries(0):
        assert selectors.office_may_transact(office=office) == (True, "")


TODAY = dt.date(2026, 11, 29)
LATER = TODAY + dt.timedelta(days=100)


@pytest.mark.parametrize(
    ("kind", "status", "expires_on", "suspended_until", "permits"),
    [
        ("pishkhan", "active", LATER, None, True),
        ("ict", "active", LATER, None, True),
        ("pishkhan", "active", TODAY, None, True),  # its last day
        ("pishkhan", "active", TODAY - dt.timedelta(days=1), None, False),  # expired, worker not run yet
        ("pishkhan", "issued", LATER, None, False),
        ("pishkhan", "suspended", LATER, TODAY, False),  # its suspension's last day
        ("pishkhan", "suspended", LATER, TODAY - dt.timedelta(days=1), True),  # ended, not yet reinstated
        ("pishkhan", None, None, None, False),  # no licence in force
        ("social_security", None, None, None, True),  # the parallel networks hold no CRA licence
        ("e_city", "issued", LATER, None, True),
    ],
)
def test_licence_permits_is_the_rule_of_office_may_transact(
    kind, status, expires_on, suspended_until, permits
):
    assert (
        selectors.licence_permits(
            office_kind=kind, status=status, expires_on=expires_on, suspended_until=suspended_until, on=TODAY
        )
        is permits
    )


def test_an_office_without_a_licence_in_force_may_not_transact_and_is_told_why():
    office = make_office(1)
    imported(office, status="revoked")

    allowed, why = selectors.office_may_transact(office=office)

    assert not allowed
    assert why == f"Office {office.code} has no active licence."


def test_an_issued_licence_does_not_yet_allow_transactions():
    office = make_office(1)
    imported(office)

    allowed, why = selectors.office_may_transact(office=office)

    assert not allowed
    assert "not active yet" in why


def test_a_suspended_licence_names_its_end_in_jalali_and_in_persian_when_asked():
    office = make_office(1)
    licence = imported(office, status="active")
    until = dt.date(2030, 3, 21)  # 1409/01/01
    licence_suspend(licence=licence, until=until, reason="تخلف", basis="ماده ۸", actor=None)

    allowed, why = selectors.office_may_transact(office=office)
    with translation.override("fa"):
        _allowed, why_fa = selectors.office_may_transact(office=office)

    assert not allowed
    assert why == f"The licence of office {office.code} is suspended until 1409/01/01."
    assert "۱۴۰۹/۰۱/۰۱" in why_fa
    # the day after its end, before the worker reinstates it, the office may transact again
    next_day = dt.datetime(2030, 3, 22, 12, tzinfo=dt.UTC)
    assert selectors.office_may_transact(office=office, now=next_day) == (True, "")


def test_a_licence_past_its_expiry_does_not_allow_transactions_even_before_the_worker_runs():
    office = make_office(1)
    imported(office, status="active", expires_on=timezone.localdate() + dt.timedelta(days=2))

    allowed, why = selectors.office_may_transact(office=office, now=timezone.now() + dt.timedelta(days=3))

    assert not allowed
    assert "expired" in why


def test_the_licence_in_force_of_an_office():
    office = make_office(1)
    imported(office, status="revoked")
    assert selectors.licence_in_force_for_office(office=office) is None

    current = imported(office, status="active")
    assert selectors.licence_in_force_for_office(office=office) == current


def test_scopes_of_the_callers():
    office = make_office(1)
    _key, plain = apikey_create(holder_kind="office", holder_code=office.code, actor=None)
    holder = licensee()
    assert selectors.licensing_scope(as_principal(regulator())) == {}
    assert selectors.licensing_scope(as_principal(directorate("23"))) == {"province": "23"}
    assert selectors.licensing_scope(as_principal(holder)) == {"applicant": str(holder.pk)}
    assert selectors.licensing_scope(principal_for_apikey(apikey_authenticate(plaintext=plain))) == {
        "office": office.code
    }
    assert selectors.licensing_scope(None) is None
    agency = as_principal(UserFactory(role="agency_staff", jurisdiction_code="tamin"))
    assert selectors.licensing_scope(agency) is None


def test_lists_narrow_to_the_scope():
    holder = licensee()
    _application, mine = approved(holder, 1)
    _other_application, theirs = approved(licensee(), 2)
    isfahan = imported(
        make_office(
            3, province=ISFAHAN_PROVINCE, county=ARDESTAN_COUNTY, place=None, lat=ARDESTAN[0], lon=ARDESTAN[1]
        )
    )

    def numbers(scope):
        return set(selectors.licence_list(scope=scope).values_list("number", flat=True))

    assert numbers({}) == {mine.number, theirs.number, isfahan.number}
    assert numbers({"province": "23"}) == {mine.number, theirs.number}
    assert numbers({"applicant": str(holder.pk)}) == {mine.number}
    assert numbers({"office": isfahan.office.code}) == {isfahan.number}
    assert numbers({"agency": "tamin"}) == set()
    assert selectors.application_list(scope={"applicant": str(holder.pk)}).count() == 1
    assert selectors.application_list(scope={"province": "10"}).count() == 0


def test_the_list_reads_in_a_fixed_number_of_queries(django_assert_num_queries):
    for n in range(1, 4):
        approved(licensee(), n)

    with django_assert_num_queries(1):
        rows = [
            (lic.number, lic.office.code, lic.office.province.code)
            for lic in selectors.licence_list(scope={})
        ]
    with django_assert_num_queries(2):  # the applications, and their documents
        applications = [(a.number, len(a.documents.all())) for a in selectors.application_list(scope={})]

    assert len(rows) == 3
    assert len(applications) == 3


SOON = 10  # days until the sample suspension ends


@pytest.mark.parametrize(
    ("kind", "status", "days_later", "permits"),
    [
        ("pishkhan", "active", 0, True),
        ("pishkhan", "issued", 0, False),
        ("pishkhan", "suspended", SOON, False),  # its suspension's last day
        ("pishkhan", "suspended", SOON + 1, True),  # ended, not yet reinstated by the worker
        ("pishkhan", "revoked", 0, False),  # no licence in force
        ("ict", "active", 0, True),
        ("pishkhan", "active", 5 * 366, False),  # past its term
        ("social_security", None, 0, True),
    ],
)
def test_the_sql_twin_of_licence_permits_gives_its_answers(kind, status, days_later, permits):
    office = make_office(1, kind=kind)
    if status == "suspended":
        imported(office, status=status, suspended_until=timezone.localdate() + dt.timedelta(days=SOON))
    elif status is not None:
        imported(office, status=status)
    on = timezone.localdate() + dt.timedelta(days=days_later)
    licence = selectors.licence_in_force_for_office(office=office)
    in_python = selectors.licence_permits(
        office_kind=kind,
        status=licence.status if licence else None,
        expires_on=licence.expires_on if licence else None,
        suspended_until=licence.suspended_until if licence else None,
        on=on,
    )
    states = ", ".join(["%s"] * len(IN_FORCE_STATES))
    sql = (
        "SELECT COUNT(*) FROM offices_office o LEFT JOIN licensing_licence l "  # noqa: S608
        f"ON l.office_id = o.id AND l.status IN ({states}) "
        f"WHERE o.id = %s AND {selectors.licence_permits_sql(office='o', licence='l')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*sorted(IN_FORCE_STATES), office.pk, *selectors.licence_permits_params(on=on)])
        in_sql = cursor.fetchone()[0] == 1

    assert in_python is permits
    assert in_sql is permits
