"""An office serves citizens only while its licence is active: every change of the licence tells the
registry, and the public search (/find/, /api/v1/offices/near) offers only serving offices."""

import datetime as dt

import pytest
from django.utils import timezone

from pishkhan.accounts.services import apikey_create
from pishkhan.common.calendar import format_jalali_date
from pishkhan.licensing.services import (
    licence_expire,
    licence_reinstate,
    licence_revoke,
    licence_signal,
    licence_surrender,
    licence_suspend,
)
from pishkhan.offices.models import Office
from tests.licensing.factories import approved, as_principal, imported, licensee, regulator
from tests.offices.factories import TEHRAN, make_office
from tests.offices.pages_data import result_codes

pytestmark = pytest.mark.usefixtures("geo")


def _hold(office):
    stored = Office.objects.get(pk=office.pk)
    return stored.serving_hold, stored.serving_hold_until


def _today():
    return timezone.localdate()


def test_an_issued_licence_holds_its_office_back_until_the_first_sign_of_life_activates_it():
    _application, licence = approved(licensee())
    office = licence.office
    assert _hold(office) == ("not_yet_active", None)

    apikey_create(holder_kind="office", holder_code=office.code, actor=None)
    licence_signal(office=office, at=timezone.now(), actor=None)

    assert _hold(office) == ("", None)


def test_a_suspension_holds_the_office_back_until_it_is_reinstated():
    office = make_office(1)
    licence = imported(office, status="active")
    until = _today() + dt.timedelta(days=20)

    licence_suspend(licence=licence, until=until, reason="تخلف", basis="ماده ۸", actor=regulator())
    assert _hold(office) == ("suspended", until)

    licence_reinstate(licence=licence, actor=regulator())
    assert _hold(office) == ("", None)


def test_a_revoked_surrendered_or_expired_licence_leaves_its_office_not_serving_and_says_why():
    revoked, expired = make_office(1), make_office(2)
    licence_revoke(
        licence=imported(revoked, status="active"), reason="عدم فعالیت", basis="ماده ۱۰", actor=regulator()
    )
    licence = imported(expired, status="active", expires_on=_today() + dt.timedelta(days=1))
    licence_expire(licence=licence, actor=None, now=timezone.now() + dt.timedelta(days=3))
    holder = licensee()
    _application, surrendered = approved(holder, 3)
    licence_surrender(licence=surrendered, reason="تغییر شغل", actor=as_principal(holder))

    assert _hold(revoked) == ("revoked", None)
    assert _hold(expired) == ("expired", None)
    assert _hold(surrendered.office) == ("surrendered", None)


def test_an_import_tells_the_registry_each_offices_state():
    states = ["issued", "active", "suspended", "revoked"]
    offices = {status: make_office(n) for n, status in enumerate(states, 1)}

    licences = {status: imported(office, status=status) for status, office in offices.items()}

    assert _hold(offices["issued"]) == ("not_yet_active", None)
    assert _hold(offices["active"]) == ("", None)
    assert _hold(offices["suspended"]) == ("suspended", licences["suspended"].suspended_until)
    assert _hold(offices["revoked"]) == ("revoked", None)


def test_citizens_are_offered_only_offices_whose_licence_is_active(client, catalogue):
    # given four Pishkhan offices near Tehran's centre, only the farthest with an active licence
    offices = [
        make_office(n, place=None, lat=round(TEHRAN[0] + n / 111.2, 6), lon=TEHRAN[1]) for n in range(1, 5)
    ]
    imported(offices[0], status="issued")
    imported(offices[1], status="suspended")
    imported(offices[2], status="revoked")
    imported(offices[3], status="active")
    point = {"service": catalogue["pishkhan"].code, "lat": TEHRAN[0], "lon": TEHRAN[1]}

    # when a citizen searches near the centre, on the page and through the API
    page = client.get("/find/", point)
    api = client.get("/api/v1/offices/near", point)

    # then only the office with the active licence is offered
    assert result_codes(page) == [offices[3].code]
    assert [office["code"] for office in api.json()] == [offices[3].code]


def test_the_office_page_and_the_directory_say_why_an_office_is_not_serving(client):
    office = make_office(1)
    licence = imported(office, status="active")
    until = _today() + dt.timedelta(days=20)
    licence_suspend(licence=licence, until=until, reason="تخلف", basis="ماده ۸", actor=regulator())
    client.force_login(regulator())

    page = client.get(f"/offices/{office.code}/").content.decode()
    directory = client.get("/offices/").content.decode()

    for html in (page, directory):
        assert 'data-hold="suspended"' in html
        assert f"پروانه معلق تا {format_jalali_date(until)}" in html
    assert "اکنون باز است" not in page  # open now / closed now: said only of an office that serves
    assert "اکنون بسته است" not in page
