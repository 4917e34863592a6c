"""Every refusal of the API is a problem+json body with type, title, status, detail and errors."""

import pytest
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.testing import TestClient

from pishkhan.api import problems
from pishkhan.common.errors import ConflictError
from pishkhan.common.identifiers import national_id_clean


class CitizenIn(Schema):
    national_id: str
    age: int


def _client():
    api = NinjaAPI(urls_namespace="problems-test")
    problems.install(api)

    @api.post("/citizens")
    def citizen_create(request, payload: CitizenIn):
        return {"national_id": national_id_clean(payload.national_id)}

    @api.get("/conflict")
    def conflict(request):
        raise ConflictError("The office code P23-0001 is taken.", fields={"code": "taken"})

    @api.get("/forbidden")
    def forbidden(request):
        raise PermissionDenied("Not your province.")

    @api.get("/missing")
    def missing(request):
        raise Http404("No such office.")

    @api.post("/upload")
    def upload(request):
        raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")

    @api.get("/bug")
    def bug(request):
        raise RuntimeError("secret internals")

    return TestClient(api)


def _problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "errors"}
    assert body["status"] == status
    assert body["type"].startswith("urn:pishkhan:problem:")
    return body


def test_a_domain_validation_error_names_the_field():
    body = _problem(_client().post("/citizens", json={"national_id": "1111111111", "age": 30}), 422)
    assert body["type"] == "urn:pishkhan:problem:validation-error"
    assert list(body["errors"]) == ["national_id"]


def test_a_schema_error_lists_each_bad_field():
    body = _problem(_client().post("/citizens", json={"age": "old"}), 422)
    assert set(body["errors"]) == {"national_id", "age"}


def test_a_conflict_keeps_its_detail_and_fields():
    body = _problem(_client().get("/conflict"), 409)
    assert body["detail"] == "The office code P23-0001 is taken."
    assert body["errors"] == {"code": ["taken"]}


def test_permission_denied_and_not_found_are_problems():
    _problem(_client().get("/forbidden"), 403)
    _problem(_client().get("/missing"), 404)


def test_an_unexpected_error_is_a_500_problem_without_internals(caplog):
    body = _problem(_client().get("/bug"), 500)
    assert "secret internals" not in str(body)
    assert "secret internals" in caplog.text


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", "'; DROP TABLE accounts_user; --"])
def test_markup_and_sql_in_a_field_are_just_invalid_input(payload):
    body = _problem(_client().post("/citizens", json={"national_id": payload, "age": 1}), 422)
    assert "national_id" in body["errors"]


def test_a_non_json_body_is_a_4xx_problem():
    response = _client().post("/citizens", data="not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response["Content-Type"] == "application/problem+json"


def test_a_body_over_the_limit_is_a_413_problem():
    body = _problem(_client().post("/upload", json={}), 413)
    assert body["type"] == "urn:pishkhan:problem:too-large"
