"""The web counter: an office operator records a transaction in the browser's form, through the
counter's own service; the same form sent twice records one transaction; bad input stores nothing."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from pishkhan.common.persian import to_persian_digits
from pishkhan.gateway.models import OutboundRequest
from pishkhan.transactions.models import CounterTransaction
from pishkhan.transactions.states import TransactionState
from tests.offices.factories import make_service
from tests.offices.pages_data import signed_in
from tests.transactions.conftest import TARIFF
from tests.transactions.factories import CITIZEN, MOBILE

KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def operator(counter):
    return signed_in("op1", "office_operator", counter["office"].code)


def _key(response) -> str:
    return re.search(r'name="key" value="([0-9a-f]{32})"', response.content.decode()).group(1)


def _form(counter, **changes) -> dict:
    return {
        "key": KEY,
        "service": counter["service"].code,
        "national_id": CITIZEN,
        "mobile": MOBILE,
        "fee_charged": str(TARIFF),
    } | changes


def test_the_form_offers_the_offices_services_with_their_tariff_and_a_fresh_key(counter, operator):
    make_service(counter["agency"], "passport", outsourcing="prohibited")  # never an office's
    first = operator.get("/counter/new/")
    assert first.status_code == 200
    html = first.content.decode()
    assert f'value="{counter["service"].code}" data-fee="{TARIFF}"' in html
    assert to_persian_digits(f"{TARIFF:,}".replace(",", "٬")) in html
    assert 'value="passport"' not in html
    assert _key(first) != _key(operator.get("/counter/new/"))


def test_an_operator_records_a_transaction_and_gets_its_receipt(counter, operator):
    response = operator.post(
        "/counter/new/", _form(counter, national_id=to_persian_digits(CITIZEN), fee_charged="۶۵۰٬۰۰۰")
    )
    recorded = CounterTransaction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/counter/{recorded.tracking_code}/receipt/?recorded=1"
    assert (recorded.office, recorded.service) == (counter["office"], counter["service"])
    assert (recorded.fee_charged, recorded.fee_tariff, recorded.clerk) == (650_000, TARIFF, "op1")
    assert recorded.office_reference == f"web-{KEY}"
    assert recorded.state == TransactionState.RECEIVED
    # The same write as the API's: its submission to the agency is in the outbox.
    assert OutboundRequest.objects.filter(idempotency_key=recorded.tracking_code).exists()
    receipt = operator.get(response["Location"])
    assert receipt.status_code == 200
    html = receipt.content.decode()
    assert 'id="recorded"' in html
    assert "data-print-now" in html
    assert "transactions/counter.js" in html


def test_the_same_form_sent_twice_records_one_transaction(counter, operator):
    first = operator.post("/counter/new/", _form(counter))
    again = operator.post("/counter/new/", _form(counter))
    assert first["Location"] == again["Location"]
    assert CounterTransaction.objects.count() == 1
    assert OutboundRequest.objects.count() == 1


def test_the_same_form_sent_again_with_other_values_is_refused(counter, operator):
    operator.post("/counter/new/", _form(counter))
    response = operator.post("/counter/new/", _form(counter, fee_charged="700000"))
    assert response.status_code == 400
    with translation.override("fa"):
        expected = gettext(
            "This form was already sent with other values, and that transaction is recorded. Open a "
            "new form to record another."
        )
    assert expected != ""
    assert response.context["form"].non_field_errors() == [expected]
    assert CounterTransaction.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"national_id": "0012345670"}, "national_id"),  # a bad check digit
        ({"mobile": "0912"}, "mobile"),
        ({"mobile": ""}, "mobile"),
        ({"fee_charged": "12.5"}, "fee_charged"),
        ({"fee_charged": "-5"}, "fee_charged"),
        ({"fee_charged": "9" * 30}, "fee_charged"),
        ({"service": "passport"}, "service"),
        ({"key": "not-a-key"}, "key"),
    ],
)
def test_bad_input_comes_back_onto_the_form_and_stores_nothing(counter, operator, changes, field):
    response = operator.post("/counter/new/", _form(counter, **changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors or "__all__" in errors
    assert CounterTransaction.objects.count() == 0
    assert OutboundRequest.objects.count() == 0


def test_only_an_offices_own_operator_has_a_web_counter(counter):
    assert signed_in("reg", "regulator").get("/counter/new/").status_code in (403, 404)
    assert signed_in("dir23", "directorate", "23").get("/counter/new/").status_code in (403, 404)


def test_an_operator_records_for_their_own_office_only(counter):
    other = signed_in("op2", "office_operator", counter["other"].code)
    other.post("/counter/new/", _form(counter))
    assert CounterTransaction.objects.get().office == counter["other"]


def test_a_suspended_office_is_told_why_and_nothing_is_stored(counter, operator):
    from pishkhan.offices.services import office_set_status

    office_set_status(office=counter["office"], status="suspended", reason="Inspection", actor=None)
    response = operator.post("/counter/new/", _form(counter))
    assert response.status_code == 400
    assert "Inspection" in " ".join(response.context["form"].non_field_errors())
    assert CounterTransaction.objects.count() == 0
