"""Decisions taken at the same moment (PostgreSQL: real concurrent sessions): one reviewer wins and the
other gets 409; concurrent approvals in a county never exceed its quota."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client

from pishkhan.licensing.models import Licence, LicenceApplication
from pishkhan.licensing.services import application_take, county_quota_set
from pishkhan.offices.models import Office
from tests.licensing.factories import add_documents, directorate, licensee, regulator, reviewed, submit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("_postgresql_only", "geo")]


@pytest.fixture
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time; concurrency is tested on PostgreSQL")


def _all_at_once(requests):
    """Send every (user, url, body) at the same moment, each from its own client and database session."""
    start = threading.Barrier(len(requests))

    def send(request):
        user, url, body = request
        client = Client()
        client.force_login(user)
        start.wait()
        try:
            response = client.post(url, json.dumps(body), content_type="application/json")
            return response.status_code, response.json()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(send, requests))


def test_two_reviewers_at_once_one_wins_the_other_gets_409():
    # given an application under review in Tehran and two of the directorate's reviewers
    applicant = licensee()
    application = submit(applicant)
    add_documents(application, applicant)
    first, second = directorate(), directorate()

    application_take(application=application, actor=first)
    url = f"/api/v1/licence-applications/{application.number}/review"

    # when both answer at the same moment, one recommending and one not
    answers = _all_at_once(
        [
            (first, url, {"outcome": "recommended", "reason": "مناسب"}),
            (second, url, {"outcome": "not_recommended", "reason": "نامناسب"}),
        ]
    )

    # then one answer stands and the other is told it came too late
    statuses = sorted(status for status, _body in answers)
    assert statuses == [200, 409]
    winner = next(body for status, body in answers if status == 200)
    assert LicenceApplication.objects.get(pk=application.pk).status == winner["status"]


def test_two_regulators_deciding_at_once_issue_one_licence():
    applicant = licensee()
    application = submit(applicant)
    add_documents(application, applicant)
    reviewed(application, directorate())
    url = f"/api/v1/licence-applications/{application.number}/decide"

    answers = _all_at_once(
        [
            (regulator(), url, {"outcome": "approved", "reason": "تأیید"}),
            (regulator(), url, {"outcome": "approved", "reason": "تأیید"}),
            (regulator(), url, {"outcome": "refused", "reason": "رد"}),
        ]
    )

    assert sorted(status for status, _body in answers) == [200, 409, 409]
    assert Licence.objects.count() == LicenceApplication.objects.filter(status="approved").count() <= 1
    assert Office.objects.count() == Licence.objects.count()


def test_concurrent_approvals_in_a_county_cannot_exceed_its_quota():
    # given a quota of two Pishkhan offices in Tehran county and five recommended applications
    county_quota_set(county="2301", office_kind="pishkhan", maximum=2, reason="مصوبه کارگروه", actor=None)
    applications = []
    for n in range(1, 6):
        applicant = licensee()
        application = submit(applicant, n)
        add_documents(application, applicant)
        applications.append(reviewed(application, directorate()))

    # when five regulators approve them all at the same moment
    answers = _all_at_once(
        [
            (
                regulator(),
                f"/api/v1/licence-applications/{a.number}/decide",
                {"outcome": "approved", "reason": "ok"},
            )
            for a in applications
        ]
    )

    # then exactly two are approved; the rest are refused by the quota and still wait for a decision
    assert sorted(status for status, _body in answers) == [200, 200, 409, 409, 409]
    refusals = [body for status, body in answers if status == 409]
    assert {body["type"] for body in refusals} == {"urn:pishkhan:problem:quota-reached"}
    assert Licence.objects.filter(office__county__code="2301").count() == 2
    assert LicenceApplication.objects.filter(status="recommended").count() == 3
