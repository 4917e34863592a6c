"""The applicant's and holder's pages: the application form, one's application with its documents and
withdrawal, one's licence with its timeline and surrender; who may see what, and bad input that shows
its errors and stores nothing."""

from __future__ import annotations

import datetime as dt

import jdatetime
import pytest
from django.utils import timezone

from pishkhan.licensing.models import ApplicationDocument, Licence, LicenceApplication
from pishkhan.licensing.states import ApplicationStatus, LicenceStatus
from tests.licensing.factories import (
    PDF,
    add_documents,
    approved,
    directorate,
    licensee,
    regulator,
    reviewed,
    submit,
    upload,
    verify,
)
from tests.licensing.pages_data import application_form, browser, errors_of, rows
from tests.offices.factories import ISFAHAN_PROVINCE, national_id

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def zahra(db):
    """A licensee whose account verified the national ID the application form's defaults name."""
    return verify(licensee(username="zahra"), national_id(321))


@pytest.fixture
def other(db):
    return licensee(username="other")


# --- Who may see what ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        "/my-licences/",
        "/my-licences/apply/",
        "/my-licences/applications/{application}/",
        "/my-licences/{licence}/",
        "/licensing/",
        "/licensing/applications/",
        "/licensing/applications/{application}/",
        "/licensing/applications/{application}/documents/1/",
        "/licensing/licences/{licence}/",
    ],
)
def test_a_stranger_is_sent_to_sign_in(zahra, page):
    application, licence = approved(zahra)

    response = browser().get(page.format(application=application.number, licence=licence.number))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_licensee_sees_only_their_own_applications_and_licences(zahra, other):
    mine, my_licence = approved(zahra, 1)
    open_one = submit(zahra, 2, county="2302", place=None)
    theirs, their_licence = approved(other, 3)

    page = browser(zahra).get("/my-licences/")

    assert page.status_code == 200
    assert rows(page, "applications") == [open_one.number, mine.number]
    assert rows(page, "licences") == [my_licence.number]
    assert browser(zahra).get(f"/my-licences/applications/{theirs.number}/").status_code == 404
    assert browser(zahra).get(f"/my-licences/{their_licence.number}/").status_code == 404


def test_a_licensee_may_not_open_the_staff_pages(zahra):
    application = submit(zahra)

    assert browser(zahra).get("/licensing/").status_code == 403
    assert browser(zahra).get(f"/licensing/applications/{application.number}/").status_code == 403


def test_staff_have_no_my_licences_page(db):
    assert browser(regulator()).get("/my-licences/").status_code == 403


# --- The application form --------------------------------------------------------------------------


def test_an_application_submitted_through_the_form_waits_for_its_documents(zahra):
    client = browser(zahra)
    assert client.get("/my-licences/apply/").status_code == 200

    response = client.post("/my-licences/apply/", application_form())

    application = LicenceApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/my-licences/applications/{application.number}/"
    assert application.applicant_user == zahra
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.county.code == "2301"
    assert application.postal_code == "1315763111"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert 'id="document-form"' in html
    assert 'id="incomplete"' in html
    assert "۰۹۱۲***۴۵۶۷" in html  # the mobile masked, in Persian digits


def test_a_company_applies_with_its_company_id_whatever_was_typed_in_the_person_box(zahra):
    response = browser(zahra).post(
        "/my-licences/apply/",
        application_form(
            applicant_kind="company", applicant_name="شرکت نمونه", company_id="10380284790", national_id="123"
        ),
    )

    assert response.status_code == 302, errors_of(response, "company_id")
    assert LicenceApplication.objects.get().applicant_kind == "company"


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"mobile": "12345"}, "mobile", 422),
        ({"postal_code": "123"}, "postal_code", 422),
        ({"province": ISFAHAN_PROVINCE}, "county", 422),  # a county of another province (the form's)
        ({"applicant_name": ""}, "applicant_name", 422),
        ({"lat": "35.7", "lon": ""}, "lat", 422),
    ],
)
def test_bad_input_on_the_application_form_shows_its_error_and_stores_nothing(zahra, change, field, status):
    response = browser(zahra).post("/my-licences/apply/", application_form(**change))

    assert response.status_code == status
    assert errors_of(response, field) != ""
    assert LicenceApplication.objects.count() == 0
    # What was typed is kept.
    assert "دفتر پیشخوان انقلاب" in response.content.decode()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"national_id": ""}, "national_id", "کد ملی خود را وارد کنید"),
        ({"national_id": "   "}, "national_id", "کد ملی خود را وارد کنید"),
        ({"applicant_kind": "company", "company_id": ""}, "company_id", "شناسهٔ ملی شرکت را وارد کنید"),
    ],
)
def test_an_empty_identifier_is_said_to_be_required_not_invalid(db, change, field, message):
    # (An account that verified no national ID: one that did is not asked for it.)
    client = browser(licensee(username="unverified"))
    response = client.post("/my-licences/apply/", application_form(**change))

    assert response.status_code == 422
    assert message in errors_of(response, field)
    assert "نامعتبر" not in errors_of(response, field)
    assert LicenceApplication.objects.count() == 0


def test_a_first_application_is_filled_with_the_accounts_name_only(db):
    newcomer = licensee(username="newcomer", first_name="مریم", last_name="کاظمی")

    form = browser(newcomer).get("/my-licences/apply/").context["form"]

    assert form.initial == {"applicant_name": "مریم کاظمی"}


def test_a_holder_applying_again_finds_what_the_regulator_verified_filled_in(zahra):
    _application, licence = approved(zahra)
    operator = licence.office.operator

    response = browser(zahra).get("/my-licences/apply/")

    html = response.content.decode()
    assert operator.national_id == national_id(321)
    assert operator.national_id not in html  # the account's own, masked, not to be typed
    assert f'value="{zahra.national_id_masked}"' in html
    assert f'name="mobile" value="{operator.mobile}"' in html
    assert f'name="applicant_name" value="{operator.name}"' in html
    assert f'<option value="{licence.office.province.code}" selected>' in html
    # The province's counties are offered, not every county of Iran.
    assert 'value="1001"' not in html


def test_the_form_applies_under_the_accounts_national_id_whatever_is_typed(zahra):
    page = browser(zahra).get("/my-licences/apply/").content.decode()
    response = browser(zahra).post("/my-licences/apply/", application_form(national_id=national_id(322)))

    assert f'value="{zahra.national_id_masked}"' in page
    assert national_id(321) not in page
    assert response.status_code == 302
    application = LicenceApplication.objects.get()
    mine = national_id(321)
    assert application.applicant_masked == mine[:3] + "*****" + mine[-2:]


def test_an_account_that_verified_no_national_id_is_sent_to_verify_it_and_stores_nothing(db):
    client = browser(licensee(username="unverified"))

    page = client.get("/my-licences/apply/").content.decode()
    response = client.post("/my-licences/apply/", application_form())

    assert 'id="identity-unverified"' in page
    assert 'href="/accounts/me/identity/"' in page
    assert response.status_code == 403
    assert LicenceApplication.objects.count() == 0


def test_a_second_open_application_for_the_same_county_is_a_conflict_shown_on_the_form(zahra):
    client = browser(zahra)
    client.post("/my-licences/apply/", application_form())

    response = client.post("/my-licences/apply/", application_form(office_name="دفتر دوم"))

    assert response.status_code == 409
    assert errors_of(response, "county") != ""
    assert LicenceApplication.objects.count() == 1


# --- Documents and withdrawal ---------------------------------------------------------------------


def test_documents_uploaded_one_by_one_complete_the_application(zahra):
    application = submit(zahra)
    client = browser(zahra)
    url = f"/my-licences/applications/{application.number}/"
    expiry = timezone.localdate() + dt.timedelta(days=200)
    jalali_expiry = jdatetime.date.fromgregorian(date=expiry).strftime("%Y/%m/%d")
    for kind in ("identity", "premises", "education"):
        response = client.post(url, {"form": "document", "kind": kind, "file": upload()})
        assert response.status_code == 302
    response = client.post(
        url, {"form": "document", "kind": "clearance", "file": upload(), "expires_on": jalali_expiry}
    )

    assert response.status_code == 302
    assert sorted(ApplicationDocument.objects.values_list("kind", flat=True)) == [
        "clearance", "education", "identity", "premises",
    ]  # fmt: skip
    assert ApplicationDocument.objects.get(kind="clearance").expires_on == expiry
    page = client.get(url).content.decode()
    assert 'id="complete"' in page
    assert 'href="/licensing/applications/' not in page  # the applicant gets no download links


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "identity", "file": "text"}, "file"),  # a text file named .pdf: refused by content
        ({"kind": "clearance", "file": "pdf"}, "expires_on"),  # a clearance needs its expiry
        ({"kind": "clearance", "file": "pdf", "expires_on": "1390/01/01"}, "expires_on"),  # expired
        ({"kind": "clearance", "file": "pdf", "expires_on": "1404/13/40"}, "expires_on"),  # no such day
        ({"kind": "passport", "file": "pdf"}, "kind"),
    ],
)
def test_a_bad_document_shows_its_error_and_stores_nothing(zahra, data, field):
    application = submit(zahra)
    files = {"text": upload(b"just some text", "scan.pdf"), "pdf": upload(PDF)}
    data = data | {"form": "document", "file": files[data["file"]]}

    response = browser(zahra).post(f"/my-licences/applications/{application.number}/", data)

    assert response.status_code == 422
    assert errors_of(response, field) != ""
    assert ApplicationDocument.objects.count() == 0


def test_documents_cannot_be_added_once_the_review_started(zahra):
    application = submit(zahra)
    add_documents(application, zahra)
    reviewed(application, directorate())

    response = browser(zahra).post(
        f"/my-licences/applications/{application.number}/",
        {"form": "document", "kind": "other", "file": upload()},
    )

    assert response.status_code == 409
    assert ApplicationDocument.objects.filter(kind="other").count() == 0


def test_an_applicant_withdraws_before_the_decision_but_not_after(zahra):
    open_one = submit(zahra, 1)
    decided, _licence = approved(zahra, 2, county="2302", place=None)
    client = browser(zahra)

    withdrawn = client.post(
        f"/my-licences/applications/{open_one.number}/", {"form": "withdraw", "withdraw-reason": "منصرف شدم"}
    )
    too_late = client.post(f"/my-licences/applications/{decided.number}/", {"form": "withdraw"})

    assert withdrawn.status_code == 302
    open_one.refresh_from_db()
    assert open_one.status == ApplicationStatus.WITHDRAWN
    assert open_one.withdrawal_reason == "منصرف شدم"
    assert too_late.status_code == 409
    assert "withdraw-form" in too_late.content.decode()
    decided.refresh_from_db()
    assert decided.status == ApplicationStatus.APPROVED


# --- One's licence -------------------------------------------------------------------------------


def test_a_holder_sees_the_licence_with_its_timeline(zahra):
    _application, licence = approved(zahra)

    page = browser(zahra).get(f"/my-licences/{licence.number}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-action="licence.issue"' in html
    assert 'id="not-active"' in html
    assert 'id="surrender-form"' in html


def test_a_holder_surrenders_after_confirming_and_without_a_reason_is_told_to_give_it(zahra):
    _application, licence = approved(zahra)
    client = browser(zahra)
    url = f"/my-licences/{licence.number}/"

    no_reason = client.post(url, {"surrender-reason": " "})
    asked = client.post(url, {"surrender-reason": "بازنشستگی"})

    licence.refresh_from_db()
    assert no_reason.status_code == 422
    assert errors_of(no_reason, "reason") != ""
    assert asked.status_code == 200  # the confirmation page: the first POST changes nothing
    assert licence.status == LicenceStatus.ISSUED
    html = asked.content.decode()
    assert '<input type="hidden" name="surrender-reason" value="بازنشستگی">' in html
    assert '<input type="hidden" name="confirmed" value="yes">' in html

    done = client.post(url, {"surrender-reason": "بازنشستگی", "confirmed": "yes"})

    licence.refresh_from_db()
    assert done.status_code == 302
    assert licence.status == LicenceStatus.SURRENDERED
    page = client.get(url).content.decode()
    assert 'data-action="licence.surrender"' in page
    assert 'id="surrender-form"' not in page
    assert Licence.objects.count() == 1
