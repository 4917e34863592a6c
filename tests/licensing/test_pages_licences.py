"""The licences list and one licence's page: scoping (the regulator all, a directorate its province,
an office its own, read-only), the timeline from the audit log, and the regulator's acts as forms,
with their refusals shown on the page."""

from __future__ import annotations

import datetime as dt
import re

import jdatetime
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pishkhan.accounts.services import apikey_create
from pishkhan.audit.selectors import audit_entry_list_for_target
from pishkhan.common.calendar import format_jalali_datetime
from pishkhan.licensing.services import licence_signal
from pishkhan.licensing.states import LicenceStatus
from tests.accounts.factories import UserFactory
from tests.licensing.factories import approved, directorate, imported, licensee, regulator
from tests.licensing.pages_data import browser, errors_of, rows
from tests.offices.factories import ARDESTAN_CITY, ARDESTAN_COUNTY, ISFAHAN_PROVINCE, make_office

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def register(db):
    """Licences: a Tehran one from an application (issued), an active and a revoked one in Tehran, an
    ICT one in Isfahan; by number."""
    _application, applied = approved(licensee(username="holder"))
    active = imported(make_office(11, name="دفتر فعال"), status="active")
    revoked = imported(make_office(12, name="دفتر لغوشده"), status="revoked")
    isfahan = imported(
        make_office(13, kind="ict", province=ISFAHAN_PROVINCE, county=ARDESTAN_COUNTY, place=ARDESTAN_CITY),
        status="active",
    )
    return {"applied": applied, "active": active, "revoked": revoked, "isfahan": isfahan}


@pytest.fixture
def cra(db):
    return browser(regulator(username="cra"))


def _act(client, licence, act, *, confirmed=False, **data):
    body = {"form": act} | {f"{act}-{name}": value for name, value in data.items()}
    if confirmed:
        body["confirmed"] = "yes"  # the second step of an act asked twice (revoke)
    return client.post(f"/licensing/licences/{licence.number}/", body)


def _jalali(day: dt.date) -> str:
    return jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d")


# --- The list ------------------------------------------------------------------------------------


def test_the_regulator_lists_every_licence_and_a_directorate_its_province(register, cra):
    everything = sorted(licence.number for licence in register.values())

    own = browser(directorate(username="dir23")).get("/licensing/")

    assert rows(cra.get("/licensing/"), "licences") == everything
    assert rows(own, "licences") == sorted(register[name].number for name in ("applied", "active", "revoked"))


def test_the_list_filters_by_state_kind_province_and_office(register, cra):
    assert rows(cra.get("/licensing/", {"status": "revoked"}), "licences") == [register["revoked"].number]
    assert rows(cra.get("/licensing/", {"kind": "ict"}), "licences") == [register["isfahan"].number]
    assert rows(cra.get("/licensing/", {"province": ISFAHAN_PROVINCE}), "licences") == [
        register["isfahan"].number
    ]
    office = register["active"].office.code
    assert rows(cra.get("/licensing/", {"office": office.lower()}), "licences") == [register["active"].number]


def test_a_number_typed_opens_its_licence_or_says_none_is_within_reach(register, cra):
    number = register["isfahan"].number
    persian = number.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))

    found = cra.get("/licensing/", {"number": persian})
    outside = browser(directorate(username="dir23")).get("/licensing/", {"number": number})

    assert found.status_code == 302
    assert found["Location"] == f"/licensing/licences/{number}/"
    assert outside.status_code == 200
    assert errors_of(outside, "number") != ""
    assert rows(outside, "licences") == []


# --- One licence ---------------------------------------------------------------------------------


def test_another_provinces_licence_is_not_found_and_an_office_sees_only_its_own(register):
    tehran = browser(directorate(username="dir23"))
    office = register["active"].office
    operator = browser(UserFactory(role="office_operator", jurisdiction_code=office.code))

    assert tehran.get(f"/licensing/licences/{register['isfahan'].number}/").status_code == 404
    assert tehran.get(f"/licensing/licences/{register['active'].number}/").status_code == 200
    own = operator.get(f"/licensing/licences/{register['active'].number}/")
    assert own.status_code == 200
    assert 'class="form act-form' not in own.content.decode()  # read-only
    assert operator.get(f"/licensing/licences/{register['revoked'].number}/").status_code == 404
    assert rows(operator.get("/licensing/"), "licences") == [register["active"].number]
    assert _act(operator, register["active"], "revoke", reason="x", basis="y").status_code == 403


def test_the_timeline_is_the_licences_audit_entries_in_jalali_time(register, cra):
    licence = register["applied"]
    entries = list(audit_entry_list_for_target(target=licence))

    html = cra.get(f"/licensing/licences/{licence.number}/").content.decode()

    assert [entry.action for entry in entries] == ["licence.issue"]
    assert html.count('class="timeline__step"') == len(entries)
    assert format_jalali_datetime(entries[0].at, persian=True) in html
    assert "شرایط احراز شد" in html  # the decision's reason
    assert "آیین‌نامه صدور پروانه" in html  # and its legal basis


def test_activation_is_refused_with_what_is_missing_until_the_office_is_connected(register, cra):
    licence = register["applied"]

    refused = _act(cra, licence, "activate", reason="", basis="")

    assert refused.status_code == 409
    form = re.search(r'<form[^>]*id="act-activate".*?</form>', refused.content.decode(), re.S).group(0)
    notice = re.search(r'<div class="notice notice--error" role="alert">(.*?)</div>', form, re.S).group(1)
    missing = re.findall(r"<p>(.*?)</p>", notice)
    assert len(missing) == 2  # no API key, no sign of life: one line each
    assert all(licence.office.code in line for line in missing)
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.ISSUED

    apikey_create(holder_kind="office", holder_code=licence.office.code, actor=None)
    licence_signal(office=licence.office, at=timezone.now(), actor=None)  # the first heartbeat activates it
    page = cra.get(f"/licensing/licences/{licence.number}/").content.decode()
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.ACTIVE
    assert 'data-action="licence.first_signal"' in page
    assert 'data-to="active"' in page
    assert 'data-ready="yes" id="ready-key"' in page


def test_the_regulator_suspends_until_a_jalali_date_reinstates_and_revokes(register, cra):
    licence = register["active"]
    until = timezone.localdate() + dt.timedelta(days=30)

    past = _act(cra, licence, "suspend", until=_jalali(timezone.localdate()), reason="تخلف", basis="ماده ۵")
    no_basis = _act(cra, licence, "suspend", until=_jalali(until), reason="تخلف", basis="")
    assert (past.status_code, no_basis.status_code) == (422, 422)
    assert errors_of(past, "until") != ""
    assert errors_of(no_basis, "basis") != ""
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.ACTIVE

    suspended = _act(cra, licence, "suspend", until=_jalali(until), reason="تخلف", basis="ماده ۵")
    licence.refresh_from_db()
    assert suspended.status_code == 302
    assert (licence.status, licence.suspended_until) == (LicenceStatus.SUSPENDED, until)
    page = cra.get(f"/licensing/licences/{licence.number}/").content.decode()
    assert 'id="act-reinstate"' in page
    assert 'id="act-suspend"' not in page

    assert _act(cra, licence, "reinstate", reason="رفع تخلف", basis="").status_code == 302
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.ACTIVE

    no_reason = _act(cra, licence, "revoke", reason="", basis="ماده ۱۰")
    assert no_reason.status_code == 422
    assert errors_of(no_reason, "reason") != ""
    assert (
        _act(cra, licence, "revoke", reason="عدم فعالیت", basis="ماده ۱۰", confirmed=True).status_code == 302
    )
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.REVOKED
    actions = [entry.action for entry in audit_entry_list_for_target(target=licence)]
    assert actions == ["licence.import", "licence.suspend", "licence.reinstate", "licence.revoke"]


def test_an_act_on_a_licence_that_changed_meanwhile_is_a_conflict(register, cra):
    licence = register["revoked"]

    response = _act(cra, licence, "revoke", reason="دوباره", basis="ماده ۱۰")

    assert response.status_code == 409
    html = response.content.decode()
    assert "دوباره" in html
    assert 'data-status="revoked"' in html


def test_renewal_outside_its_window_names_the_dates(register, cra):
    licence = register["active"]

    response = _act(cra, licence, "renew", reason="", basis="")

    assert response.status_code == 409
    assert licence.number in response.content.decode()
    before = licence.expires_on
    licence.refresh_from_db()
    assert licence.expires_on == before


def test_directorates_and_inspectors_see_no_acts(register):
    for user in (directorate(username="dir23"), UserFactory(role="inspector")):
        page = browser(user).get(f"/licensing/licences/{register['active'].number}/").content.decode()
        assert 'class="form act-form' not in page
        assert _act(browser(user), register["active"], "revoke", reason="x", basis="y").status_code == 403


def test_the_list_reads_a_fixed_number_of_queries_whatever_its_rows(register, cra):
    with CaptureQueriesContext(connection) as few:
        assert cra.get("/licensing/").status_code == 200
    for n in range(20, 26):
        imported(make_office(n), status="active")

    with CaptureQueriesContext(connection) as many:
        page = cra.get("/licensing/")

    assert len(rows(page, "licences")) == len(register) + 6
    assert len(many) == len(few)


def test_revoking_asks_for_confirmation_and_the_first_post_changes_nothing(register, cra):
    licence = register["active"]

    no_basis = _act(cra, licence, "revoke", reason="عدم فعالیت", basis="")
    asked = _act(cra, licence, "revoke", reason="عدم فعالیت", basis="ماده ۱۰")

    licence.refresh_from_db()
    assert no_basis.status_code == 422  # bad input is refused before anything is asked
    assert errors_of(no_basis, "basis") != ""
    assert asked.status_code == 200
    assert licence.status == LicenceStatus.ACTIVE
    assert [entry.action for entry in audit_entry_list_for_target(target=licence)] == ["licence.import"]
    html = asked.content.decode()
    assert '<input type="hidden" name="form" value="revoke">' in html
    assert '<input type="hidden" name="revoke-reason" value="عدم فعالیت">' in html
    assert '<input type="hidden" name="revoke-basis" value="ماده ۱۰">' in html
    assert '<input type="hidden" name="confirmed" value="yes">' in html
    assert f'href="/licensing/licences/{licence.number}/"' in html  # cancel: back, changing nothing
    assert "تا ۳ سال نمی‌تواند دوباره درخواست دهد" in html  # the bar on applying again, in the page's digits

    done = _act(cra, licence, "revoke", reason="عدم فعالیت", basis="ماده ۱۰", confirmed=True)

    licence.refresh_from_db()
    assert done.status_code == 302
    assert licence.status == LicenceStatus.REVOKED


def test_the_timeline_names_people_and_the_system_in_words_not_by_their_labels(register, db):
    licence = register["active"]
    client = browser(regulator(username="cra-fa", first_name="مریم", last_name="احمدی"))
    until = _jalali(timezone.localdate() + dt.timedelta(days=9))
    _act(client, licence, "suspend", until=until, reason="تخلف", basis="ماده ۵")

    html = client.get(f"/licensing/licences/{licence.number}/").content.decode()

    timeline = re.search(r'<ol class="timeline" id="timeline">(.*?)</ol>', html, re.S).group(1)
    assert "مریم احمدی (سازمان تنظیم مقررات و ارتباطات رادیویی)" in timeline  # who suspended it
    assert "سامانه (خودکار)" in timeline  # the import, done by no person
    assert "user:" not in timeline
    assert "system" not in timeline
