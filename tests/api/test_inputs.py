"""Issue 21 §1 across the API: far dates, huge pages, unreadable bodies, spoofing names, unknown paths
and wrong methods each answer a 4xx problem, and a far date stored before the bounds breaks no page."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pishkhan.licensing.models import ApplicationDocument, Licence
from tests.licensing.conftest import catalogue  # noqa: F401 (a fixture)
from tests.licensing.factories import PDF, approved, imported, licensee, regulator
from tests.offices.factories import make_office

PROBLEM = "application/problem+json"

pytestmark = pytest.mark.usefixtures("catalogue")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    return body


@pytest.mark.parametrize("until", ["9999-12-31", "0001-01-01", "2200-01-01"])
def test_a_suspension_until_a_far_date_is_refused(until):
    licence = imported(make_office(1), status="active")

    response = _post(
        _client(regulator()),
        f"/api/v1/licences/{licence.number}/suspend",
        {"until": until, "reason": "تخلف", "basis": "ماده ۸"},
    )

    assert "until" in _problem(response, 422)["errors"]
    licence.refresh_from_db()
    assert licence.status == "active"


def test_a_clearance_expiring_in_a_far_year_is_refused():
    applicant = licensee()
    me = _client(applicant)
    application, _licence = approved(applicant)

    response = me.post(
        f"/api/v1/licence-applications/{application.number}/documents",
        {"kind": "clearance", "file": _pdf(), "expires_on": "9999-12-31"},
    )

    assert "expires_on" in _problem(response, 422)["errors"]


def _pdf():
    return SimpleUploadedFile("clearance.pdf", PDF)


def test_a_far_date_stored_before_the_bounds_breaks_no_page():
    applicant = licensee()
    application, _issued = approved(applicant)
    licence = imported(make_office(2), status="active")
    Licence.objects.filter(pk=licence.pk).update(status="suspended", suspended_until=dt.date(9999, 12, 31))
    ApplicationDocument.objects.filter(application=application).update(expires_on=dt.date(9999, 12, 31))
    cra = _client(regulator())

    for client, url in (
        (Client(), f"/licences/{licence.number}/"),
        (cra, f"/licensing/licences/{licence.number}/"),
        (cra, f"/licensing/applications/{application.number}/"),
        (Client(), f"/api/v1/licences/{licence.number}/public"),
        (cra, f"/api/v1/licences/{licence.number}"),
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)


def test_a_multipart_body_without_a_boundary_is_a_400():
    applicant = licensee()
    application, _licence = approved(applicant)

    response = _client(applicant).post(
        f"/api/v1/licence-applications/{application.number}/documents",
        b"--x\r\nContent-Disposition: form-data; name=kind\r\n\r\nclearance\r\n--x--\r\n",
        content_type="multipart/form-data",
    )

    _problem(response, 400)


@pytest.mark.parametrize("path", ["/api/v1/offices", "/api/v1/licences", "/api/v1/conversions",
                                  "/api/v1/licence-applications", "/api/v1/services"])  # fmt: skip
@pytest.mark.parametrize("query", [{"page": "184467440737095518"}, {"page": "9" * 40}, {"page_size": "201"},
                                   {"page": "0"}])  # fmt: skip
def test_a_page_out_of_bounds_is_refused(path, query):
    body = _problem(_client(regulator()).get(path, query), 422)

    assert set(body["errors"]) == set(query)


def test_the_largest_page_size_is_taken():
    assert _client(regulator()).get("/api/v1/offices", {"page_size": "200"}).status_code == 200


@pytest.mark.parametrize("name", ["\u202eدفتر", "دفتر\u200b", "\u2067دفتر\u2069", "دفتر\x00", "\ud800"])
def test_a_name_with_an_override_or_zero_width_is_refused(name):
    body = _problem(_post(_client(licensee()), "/api/v1/licence-applications", {"office_name": name}), 422)

    assert body["errors"]["office_name"]


def test_a_query_with_a_control_character_is_refused():
    body = _problem(_client(regulator()).get("/api/v1/offices", {"q": "a\x01"}), 422)

    assert "q" in body["errors"]


def test_an_unknown_api_path_is_a_problem():
    _problem(Client().get("/api/v1/no-such-thing"), 404)
    _problem(Client().get("/api/nothing"), 404)


def test_a_wrong_method_is_a_problem_with_allow():
    response = Client().delete("/api/v1/offices")

    _problem(response, 405)
    assert "GET" in response["Allow"]
