"""Issue 21 §1 at the counter: text no field needs, impossible dates and loose numbers are 4xx problems,
never a 500 nor a stored row; the counter's page takes any day typed, out of range or not."""

from __future__ import annotations

import itertools
import json

import pytest
from django.test import Client

from pishkhan.common.errors import ValidationError
from pishkhan.transactions.models import CounterTransaction as Transaction
from pishkhan.transactions.services.checks import text_clean
from tests.offices.pages_data import signed_in
from tests.transactions.conftest import TARIFF
from tests.transactions.factories import CITIZEN, MOBILE

PROBLEM = "application/problem+json"
_keys = itertools.count(1)


def _post(key, url, body):
    return Client().post(
        url,
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_IDEMPOTENCY_KEY=str(next(_keys)),
    )


def _body(**overrides):
    return {
        "service": "tamin.pension-statement",
        "national_id": CITIZEN,
        "mobile": MOBILE,
        "fee_charged": TARIFF,
        "office_reference": "R-1",
        "clerk": "علی",
    } | overrides


def _refused(response, field, status=422):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    assert field in response.json()["errors"], response.json()


@pytest.mark.parametrize("field", ["office_reference", "clerk"])
@pytest.mark.parametrize("text", ["\ud800", "R\x00-1", "R\x07-1", "\u202egnp.exe", "R\u200b-1"])
def test_a_transactions_text_without_a_use_is_refused_by_name(counter, field, text):
    response = _post(counter["office_key"], "/api/v1/transactions", _body(**{field: text}))

    _refused(response, field)
    assert not Transaction.objects.exists()


def test_a_persian_zwnj_in_a_clerks_name_is_kept(counter):
    response = _post(counter["office_key"], "/api/v1/transactions", _body(clerk="علی\u200cرضا"))

    assert response.status_code == 201, response.content
    assert Transaction.objects.get().clerk == "علی\u200cرضا"


def test_a_batch_with_such_text_is_refused_naming_the_item(counter):
    items = [_body(office_reference="R-1"), _body(office_reference="R-2", clerk="\u2066x\u2069")]
    response = _post(counter["office_key"], "/api/v1/transactions/batch", {"items": items})

    _refused(response, "items.1.clerk")
    assert not Transaction.objects.exists()


@pytest.mark.parametrize("text", ["\ud800", "R\x00-1", "\u202egnp.exe", "R\ufeff"])
def test_the_counters_own_check_refuses_such_text_too(text):
    # The fast lane and the web counter check a transaction without the API's middleware.
    with pytest.raises(ValidationError) as refused:
        text_clean(text, "office_reference", max_length=64, required=True)

    assert "office_reference" in refused.value.fields


def test_a_lone_surrogate_terminal_id_is_refused(counter):
    response = _post(
        counter["office_key"], "/api/v1/heartbeats", {"terminal_id": "\ud800", "software_version": "1"}
    )

    _refused(response, "terminal_id")


@pytest.mark.parametrize("fee", [True, "1100000", 1100000.0, -1, 10**16])
def test_money_is_a_strict_integer(counter, fee):
    response = _post(counter["office_key"], "/api/v1/transactions", _body(fee_charged=fee))

    _refused(response, "fee_charged")
    assert not Transaction.objects.exists()


def test_an_impossible_date_fails_its_item_not_the_batch(counter):
    items = [_body(office_reference="R-1", recorded_at="2026-02-30T00:00:00Z"), _body(office_reference="R-2")]
    response = _post(counter["office_key"], "/api/v1/transactions/batch", {"items": items})

    assert response.status_code == 200, response.content
    outcomes = response.json()["items"]
    assert [item["outcome"] for item in outcomes] == ["error", "created"]
    assert "recorded_at" in outcomes[0]["problem"]["errors"]


@pytest.mark.parametrize(
    "recorded_at", ["2026-02-30T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"]
)
def test_an_impossible_or_far_date_of_a_single_post_is_a_422(counter, recorded_at):
    response = _post(counter["office_key"], "/api/v1/transactions", _body(recorded_at=recorded_at))

    _refused(response, "recorded_at")


@pytest.mark.parametrize("day", ["0001/01/01", "9999/12/31", "1405/13/40", "9999-12-31", "x"])
def test_the_counter_page_takes_any_day_typed(counter, day):
    operator = signed_in("op1", "office_operator", counter["office"].code)

    response = operator.get("/counter/", {"day": day})

    assert response.status_code == 200
