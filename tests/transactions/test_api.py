"""The counter API through its real URLs: keys, problems, idempotency, batches, privacy."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from pishkhan.offices.services import office_set_status
from pishkhan.transactions.models import CounterTransaction, Heartbeat
from pishkhan.transactions.services import transaction_advance
from tests.accounts.factories import UserFactory
from tests.transactions.conftest import TARIFF
from tests.transactions.factories import POSTED_CITIZEN as CITIZEN
from tests.transactions.factories import posted_body as _body

PROBLEM = "application/problem+json"


def _post(client, key, path="/api/v1/transactions", body=None, idempotency="idem-1", raw=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if idempotency is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = idempotency
    data = raw if raw is not None else json.dumps(body if body is not None else _body())
    return client.post(path, data=data, content_type="application/json", **headers)


def test_post_records_and_answers_tracking_code_and_tariff(client, counter):
    response = _post(client, counter["office_key"])

    assert response.status_code == 201
    answer = response.json()
    stored = CounterTransaction.objects.get()
    assert answer["tracking_code"] == stored.tracking_code
    assert answer["fee_tariff"] == TARIFF
    assert answer["office"] == counter["office"].code
    assert answer["state"] == "received"
    assert answer["citizen"] == CITIZEN[:3] + "*****" + CITIZEN[-2:]
    assert CITIZEN not in response.content.decode()
    assert "09351112233" not in response.content.decode()


def test_replay_returns_the_same_status_and_body(client, counter):
    first = _post(client, counter["office_key"])
    again = _post(client, counter["office_key"])

    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    assert CounterTransaction.objects.count() == 1


def test_same_key_different_body_is_409(client, counter):
    _post(client, counter["office_key"])
    response = _post(client, counter["office_key"], body=_body(fee_charged=1))

    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    assert CounterTransaction.objects.count() == 1


def test_missing_idempotency_key_is_422_naming_the_header(client, counter):
    response = _post(client, counter["office_key"], idempotency=None)

    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["errors"]
    assert CounterTransaction.objects.count() == 0


def test_malformed_national_id_is_422_naming_the_field(client, counter):
    response = _post(client, counter["office_key"], body=_body(national_id="0012345678"))

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert list(response.json()["errors"]) == ["national_id"]
    assert not CounterTransaction.objects.exists()


def test_missing_field_is_422_naming_it(client, counter):
    body = _body()
    del body["fee_charged"]
    response = _post(client, counter["office_key"], body=body)
    assert response.status_code == 422
    assert "fee_charged" in response.json()["errors"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"fee_charged": -5}, "fee_charged"),
        ({"fee_charged": 10**16}, "fee_charged"),
        ({"service": "tamin.unknown"}, "service"),
        ({"recorded_at": "2999-01-01T00:00:00+03:30"}, "recorded_at"),
    ],
)
def test_bad_values_are_422_problems(client, counter, overrides, field):
    response = _post(client, counter["office_key"], body=_body(**overrides))
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert CounterTransaction.objects.count() == 0


def test_invalid_json_is_a_4xx_problem(client, counter):
    response = _post(client, counter["office_key"], raw="{not json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM


def test_a_json_array_is_a_422_problem(client, counter):
    response = _post(client, counter["office_key"], raw="[1, 2]")
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize("path", ["/api/v1/transactions", "/api/v1/transactions/batch"])
def test_a_10_mb_body_is_a_413_problem(client, counter, path):
    response = _post(client, counter["office_key"], path=path, raw="x" * (10 * 1024 * 1024))
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert CounterTransaction.objects.count() == 0


def test_no_key_is_401(client, counter):
    response = client.post("/api/v1/transactions", data=json.dumps(_body()), content_type="application/json")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


def test_an_invalid_key_is_401(client, counter):
    response = _post(client, "pk_nothing_nothing")
    assert response.status_code == 401


def test_an_agency_key_may_not_post(client, counter):
    response = _post(client, counter["agency_key"])
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert CounterTransaction.objects.count() == 0


def test_a_signed_in_regulator_may_not_post(client, counter):
    client.force_login(UserFactory(role="regulator"))
    response = client.post(
        "/api/v1/transactions",
        data=json.dumps(_body()),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="x",
    )
    assert response.status_code == 403


def test_a_suspended_office_gets_403_with_the_reason(client, counter):
    office_set_status(office=counter["office"], status="suspended", reason="Inspection pending", actor=None)
    response = _post(client, counter["office_key"])
    assert response.status_code == 403
    assert "Inspection pending" in response.json()["detail"]
    assert CounterTransaction.objects.count() == 0


def test_get_by_owner_directorate_and_regulator_with_history(client, counter):
    code = _post(client, counter["office_key"]).json()["tracking_code"]
    transaction_advance(
        transaction=CounterTransaction.objects.get(tracking_code=code), to_state="submitted", actor=None
    )

    own = client.get(f"/api/v1/transactions/{code}", HTTP_AUTHORIZATION=f"Bearer {counter['office_key']}")
    assert own.status_code == 200
    assert [e["to_state"] for e in own.json()["events"]] == ["received", "submitted"]
    assert own.json()["state"] == "submitted"
    assert CITIZEN not in own.content.decode()

    for role, jurisdiction in (("directorate", "23"), ("regulator", "")):
        client.force_login(UserFactory(role=role, jurisdiction_code=jurisdiction))
        assert client.get(f"/api/v1/transactions/{code}").status_code == 200
        client.logout()


def test_get_by_others_is_404(client, counter):
    code = _post(client, counter["office_key"]).json()["tracking_code"]
    for key in (counter["other_key"], counter["isfahan_key"], counter["agency_key"]):
        response = client.get(f"/api/v1/transactions/{code}", HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM
    client.force_login(UserFactory(role="directorate", jurisdiction_code="10"))
    assert client.get(f"/api/v1/transactions/{code}").status_code == 404


def test_get_with_a_mistyped_code_is_422(client, counter):
    code = _post(client, counter["office_key"]).json()["tracking_code"]
    typo = code[:-1] + str((int(code[-1]) + 1) % 10)
    response = client.get(
        f"/api/v1/transactions/{typo}", HTTP_AUTHORIZATION=f"Bearer {counter['office_key']}"
    )
    assert response.status_code == 422


def test_batch_answers_per_item(client, counter):
    earlier = (timezone.now() - dt.timedelta(days=1)).isoformat()
    items = [
        _body(office_reference="O-1", recorded_at=earlier),
        _body(office_reference="O-2", national_id="1"),
        _body(office_reference="O-1", recorded_at=earlier),
        {"fee_charged": "lots"},
    ]
    response = _post(client, counter["office_key"], path="/api/v1/transactions/batch", body={"items": items})

    assert response.status_code == 200
    answer = response.json()
    assert (answer["created"], answer["duplicate"], answer["error"]) == (1, 1, 2)
    assert [item["outcome"] for item in answer["items"]] == ["created", "error", "duplicate", "error"]
    assert answer["items"][1]["problem"]["errors"] == {"national_id": ["invalid national ID"]}
    assert answer["items"][1]["problem"]["status"] == 422
    assert answer["items"][2]["tracking_code"] == answer["items"][0]["tracking_code"]
    assert set(answer["items"][3]["problem"]["errors"]) >= {"service", "fee_charged", "office_reference"}
    stored = CounterTransaction.objects.get()
    assert stored.recorded_at == dt.datetime.fromisoformat(earlier)


def test_an_answer_in_persian_names_bad_identifiers_in_persian(client, counter):
    items = [_body(office_reference="O-1", national_id="1", mobile="0212345678")]

    response = client.post(
        "/api/v1/transactions/batch",
        data=json.dumps({"items": items}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {counter['office_key']}",
        HTTP_ACCEPT_LANGUAGE="fa",
    )

    assert response.headers["Content-Language"] == "fa"
    errors = response.json()["items"][0]["problem"]["errors"]
    assert errors == {"national_id": ["کد ملی نامعتبر"], "mobile": ["شمارهٔ تلفن همراه نامعتبر"]}
    assert CounterTransaction.objects.count() == 0


def test_batch_of_1001_items_is_422_and_stores_nothing(client, counter):
    items = [_body(office_reference=f"L-{i}") for i in range(1001)]
    response = _post(client, counter["office_key"], path="/api/v1/transactions/batch", body={"items": items})
    assert response.status_code == 422
    assert "items" in response.json()["errors"]
    assert CounterTransaction.objects.count() == 0


def test_batch_by_an_agency_key_is_403(client, counter):
    response = _post(client, counter["agency_key"], path="/api/v1/transactions/batch", body={"items": []})
    assert response.status_code == 403


def test_heartbeat(client, counter):
    response = _post(
        client,
        counter["office_key"],
        path="/api/v1/heartbeats",
        body={"terminal_id": "T-9", "software_version": "3.2.1"},
        idempotency=None,
    )
    assert response.status_code == 201
    assert response.json()["office"] == counter["office"].code
    assert Heartbeat.objects.get().terminal_id == "T-9"


def test_heartbeat_by_an_agency_key_is_403(client, counter):
    response = _post(
        client,
        counter["agency_key"],
        path="/api/v1/heartbeats",
        body={"terminal_id": "T-9", "software_version": "3.2.1"},
        idempotency=None,
    )
    assert response.status_code == 403
    assert Heartbeat.objects.count() == 0
