"""The applications queue and one application's page for the directorates and the regulator: scoping
(another province's application is 404), the documents for reviewers only, the steps of review and
decision as forms, and the conflicts (the county's quota reached, someone else deciding first) shown
on the page with nothing lost."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pishkhan.licensing.models import Licence, LicenceApplication
from pishkhan.licensing.services import application_decide, county_quota_set
from pishkhan.licensing.states import ApplicationStatus
from pishkhan.offices.models import Office
from tests.accounts.factories import UserFactory
from tests.licensing.factories import (
    PDF,
    add_documents,
    approved,
    as_principal,
    directorate,
    licensee,
    regulator,
    reviewed,
    submit,
)
from tests.licensing.pages_data import browser, errors_of, rows
from tests.offices.factories import ARDESTAN_CITY, ARDESTAN_COUNTY, ISFAHAN_PROVINCE, national_id

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def applicant(db):
    return licensee(username="applicant")


@pytest.fixture
def tehran(db):
    return directorate(username="dir23")


@pytest.fixture
def isfahan(db):
    return directorate(ISFAHAN_PROVINCE, username="dir10")


@pytest.fixture
def cra(db):
    return regulator(username="cra")


@pytest.fixture
def queue(applicant):
    """Two Tehran applications (one complete) and one in Isfahan, oldest first."""
    first = submit(applicant, 1)
    add_documents(first, applicant)
    second = submit(applicant, 2, county="2302", place=None)
    ardestan = submit(
        applicant, 3, province=ISFAHAN_PROVINCE, county=ARDESTAN_COUNTY, place=ARDESTAN_CITY,
        postal_code="8381111111",
    )  # fmt: skip
    return {"first": first, "second": second, "isfahan": ardestan}


def _step(client, application, step, **data):
    body = {"form": step} | {f"{step}-{name}": value for name, value in data.items()}
    return client.post(f"/licensing/applications/{application.number}/", body)


# --- The queue -----------------------------------------------------------------------------------


def test_a_directorate_sees_its_province_and_the_regulator_all(queue, tehran, cra):
    own = browser(tehran).get("/licensing/applications/")
    everything = browser(cra).get("/licensing/applications/")

    assert own.status_code == everything.status_code == 200
    assert rows(own, "applications") == [queue["second"].number, queue["first"].number]
    assert rows(everything, "applications") == [
        queue["isfahan"].number, queue["second"].number, queue["first"].number,
    ]  # fmt: skip
    assert 'name="province"' not in own.content.decode()  # a directorate's province is fixed


def test_the_queue_filters_by_status_province_and_county(queue, tehran, cra):
    add_documents(queue["isfahan"], queue["isfahan"].applicant_user)
    reviewed(queue["first"], tehran)

    by_status = browser(cra).get("/licensing/applications/", {"status": "recommended"})
    by_province = browser(cra).get("/licensing/applications/", {"province": ISFAHAN_PROVINCE})
    by_county = browser(tehran).get("/licensing/applications/", {"county": "2302"})
    foreign_county = browser(tehran).get("/licensing/applications/", {"county": ARDESTAN_COUNTY})

    assert rows(by_status, "applications") == [queue["first"].number]
    assert rows(by_province, "applications") == [queue["isfahan"].number]
    assert rows(by_county, "applications") == [queue["second"].number]
    assert rows(foreign_county, "applications") == []
    assert errors_of(foreign_county, "county") != ""  # not a county the directorate may choose


def test_another_provinces_application_is_not_found_for_a_directorate(queue, isfahan, tehran):
    assert browser(isfahan).get(f"/licensing/applications/{queue['first'].number}/").status_code == 404
    assert browser(isfahan).get(f"/licensing/applications/{queue['isfahan'].number}/").status_code == 200
    assert browser(tehran).get("/licensing/applications/A-99-1405-00001/").status_code == 404
    assert browser(tehran).get("/licensing/applications/not-a-number/").status_code == 404


def test_the_application_page_shows_the_applicant_masked_and_the_documents_for_reviewers(queue, tehran):
    application = queue["first"]

    page = browser(tehran).get(f"/licensing/applications/{application.number}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'id="applicant-masked">[۰-۹]{3}\*+[۰-۹]{2}<', html)
    assert national_id(5001) not in html  # the full national ID is never on a page
    document = application.documents.order_by("pk").first()
    link = f"/licensing/applications/{application.number}/documents/{document.pk}/"
    assert link in html
    download = browser(tehran).get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")


def test_documents_are_refused_to_those_who_do_not_review(queue, tehran, isfahan, applicant):
    application = queue["first"]
    link = f"/licensing/applications/{application.number}/documents/{application.documents.first().pk}/"
    inspector = UserFactory(role="inspector", jurisdiction_code="23")

    assert browser(inspector).get(link).status_code == 403
    assert (
        "/documents/"
        not in browser(inspector).get(f"/licensing/applications/{application.number}/").content.decode()
    )
    assert browser(isfahan).get(link).status_code == 404
    assert browser(applicant).get(link).status_code == 403
    other = f"/licensing/applications/{queue['second'].number}/documents/{application.documents.first().pk}/"
    assert browser(tehran).get(other).status_code == 404  # a document of another application


# --- The steps -----------------------------------------------------------------------------------


def test_a_directorate_takes_and_recommends_and_the_regulator_approves(queue, tehran, cra):
    application = queue["first"]
    reviewer, decider = browser(tehran), browser(cra)

    page = reviewer.get(f"/licensing/applications/{application.number}/").content.decode()
    assert 'id="step-take"' in page
    assert 'id="step-decide"' not in page
    taken = _step(reviewer, application, "take", reason="")
    recommended = _step(reviewer, application, "review", outcome="recommended", reason="بازدید شد")
    assert (
        'id="step-decide"' in decider.get(f"/licensing/applications/{application.number}/").content.decode()
    )
    decided = _step(
        decider, application, "decide", outcome="approved", reason="شرایط احراز شد", basis="آیین‌نامه"
    )

    assert [taken.status_code, recommended.status_code, decided.status_code] == [302, 302, 302]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    licence = Licence.objects.get(application=application)
    assert Office.objects.filter(pk=licence.office_id, name=application.office_name).exists()
    after = decider.get(f"/licensing/applications/{application.number}/").content.decode()
    assert f'href="/licensing/licences/{licence.number}/"' in after
    assert 'id="step-decide"' not in after


def test_a_directorate_cannot_decide_nor_the_regulator_review(queue, tehran, cra):
    application = queue["first"]
    reviewed(application, tehran)

    assert _step(browser(tehran), application, "decide", outcome="approved", reason="x").status_code == 403
    assert _step(browser(cra), application, "take").status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RECOMMENDED


def test_taking_an_application_with_missing_documents_is_a_conflict_naming_them(queue, tehran):
    application = queue["second"]  # no document at all

    response = _step(browser(tehran), application, "take", reason="شروع بررسی")

    assert response.status_code == 409
    html = response.content.decode()
    assert "identity" in html or "هویت" in html
    assert "شروع بررسی" in html  # what was typed is kept
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_a_recommendation_without_a_reason_is_refused_and_nothing_changes(queue, tehran):
    application = queue["first"]
    _step(browser(tehran), application, "take")

    response = _step(browser(tehran), application, "review", outcome="not_recommended", reason="  ")

    assert response.status_code == 422
    assert errors_of(response, "reason") != ""
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_REVIEW


def test_the_countys_quota_is_shown_and_an_approval_beyond_it_is_a_conflict_with_nothing_lost(
    queue, tehran, cra, applicant
):
    approved(licensee(username="earlier"), 9)  # one licence in force in county 2301
    county_quota_set(county="2301", office_kind="pishkhan", maximum=1, reason="کارگروه استان", actor=None)
    application = queue["first"]
    reviewed(application, tehran)
    decider = browser(cra)

    page = decider.get(f"/licensing/applications/{application.number}/").content.decode()
    assert 'id="quota"' in page
    assert "quota--reached" in page
    response = _step(decider, application, "decide", outcome="approved", reason="دلیل تایید ویژه")

    assert response.status_code == 409
    html = response.content.decode()
    assert "2301" in html  # the refusal names the county
    assert "دلیل تایید ویژه" in html  # what the regulator typed is kept
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RECOMMENDED
    assert Licence.objects.filter(application=application).count() == 0
    # Refusing it stays possible.
    refused = _step(decider, application, "decide", outcome="refused", reason="سهمیه تکمیل است")
    assert refused.status_code == 302


def test_a_second_decider_learns_someone_else_decided_first_and_nothing_changes(queue, tehran, cra):
    application = queue["first"]
    reviewed(application, tehran)
    stale = browser(cra)
    assert 'id="step-decide"' in stale.get(f"/licensing/applications/{application.number}/").content.decode()
    application_decide(
        application=application,
        outcome="approved",
        reason="first",
        actor=as_principal(regulator(username="faster")),
    )

    response = _step(stale, application, "decide", outcome="refused", reason="دیرتر رسیدم")

    assert response.status_code == 409
    html = response.content.decode()
    assert "دیرتر رسیدم" in html
    assert 'data-status="approved"' in html  # the page shows where the application stands now
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.decision_reason == "first"
    assert LicenceApplication.objects.filter(status="refused").count() == 0


def test_the_queue_reads_a_fixed_number_of_queries_whatever_its_rows(queue, cra, applicant):
    client = browser(cra)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/licensing/applications/").status_code == 200
    for n in range(20, 24):
        submit(licensee(username=f"more{n}"), n)

    with CaptureQueriesContext(connection) as many:
        page = client.get("/licensing/applications/")

    assert len(rows(page, "applications")) == 3 + 4
    assert len(many) == len(few)
