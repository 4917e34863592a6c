"""The complaints API through its real URLs: public filing and tracking (rate-limited, the mobile in
the body), the supervisors' list and actions within their jurisdiction, the office's refund
confirmation, and problems for bad input with nothing stored lost."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

from pishkhan.supervision.models import Complaint
from pishkhan.supervision.services import complaint_review, complaint_submit
from pishkhan.supervision.tasks import complaints_advance
from tests.accounts.factories import UserFactory
from tests.licensing.factories import directorate, licensee, regulator
from tests.offices.factories import ARDESTAN, ARDESTAN_COUNTY, ISFAHAN_PROVINCE, make_office

BASE = "/api/v1/complaints"
PROBLEM = "application/problem+json"
MOBILE = "09121234567"

pytestmark = pytest.mark.usefixtures("sms_log")


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tehran(geo_loaded):
    return make_office(1)


@pytest.fixture
def isfahan(geo_loaded):
    return make_office(
        2, province=ISFAHAN_PROVINCE, county=ARDESTAN_COUNTY, place=None, lat=ARDESTAN[0], lon=ARDESTAN[1]
    )


def _client(user=None, **kwargs):
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def _file(office, **extra):
    values = {"office_code": office.code, "category": "overcharging", "description": "اضافه گرفتند"}
    return complaint_submit(**(values | {"mobile": MOBILE} | extra))


def _operator(office):
    return UserFactory(role="office_operator", jurisdiction_code=office.code)


def test_a_citizen_files_a_complaint_without_credentials(tehran):
    answer = _post(
        _client(),
        BASE,
        {
            "office": tehran.code,
            "category": "overcharging",
            "description": "دو برابر",
            "mobile": "+989121234567",
        },
    )

    assert answer.status_code == 201, answer.content
    body = answer.json()
    complaint = Complaint.objects.get()
    assert body["number"] == complaint.number
    assert body["status"] == "received"
    assert complaint.mobile_masked == "0912***4567"


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"office": "P23-9999"}, "office"),
        ({"category": "bribery"}, "category"),
        ({"description": "  "}, "description"),
        ({"mobile": "02112345678"}, "mobile"),
    ],
)
def test_bad_filing_is_a_problem_naming_the_field_and_nothing_is_stored(tehran, override, field):
    body = {"office": tehran.code, "category": "overcharging", "description": "دو برابر"} | override

    answer = _post(_client(), BASE, body)

    assert answer.status_code == 422
    assert answer["Content-Type"] == PROBLEM
    assert field in answer.json()["errors"]
    assert not Complaint.objects.exists()


def test_filing_is_rate_limited_per_address(tehran, settings):
    settings.PISHKHAN_COMPLAINT_RATE = "2/h"
    client = _client(REMOTE_ADDR="10.0.0.7")
    body = {"office": tehran.code, "category": "conduct", "description": "بد رفتاری"}

    answers = [_post(client, BASE, body).status_code for _ in range(3)]

    assert answers == [201, 201, 429]
    assert Complaint.objects.count() == 2


def test_supervisors_list_within_their_jurisdiction_with_filters(tehran, isfahan):
    ours = _file(tehran)
    theirs = _file(isfahan, category="conduct")
    complaints_advance(now=theirs.answer_due_at)  # both escalate

    listed = _client(directorate("23")).get(BASE).json()
    everything = _client(regulator()).get(BASE, {"category": "conduct", "escalated": "true"}).json()

    assert [item["number"] for item in listed["items"]] == [ours.number]
    assert listed["items"][0]["mobile_masked"] == "0912***4567"
    assert [item["number"] for item in everything["items"]] == [theirs.number]
    assert _client(regulator()).get(BASE, {"status": "lost"}).status_code == 422
    assert _client(licensee()).get(BASE).json()["count"] == 0  # a holder's scope reaches no complaint


def test_the_directorate_reviews_answers_and_closes_with_a_refund(tehran):
    complaint = _file(tehran)
    client = _client(directorate("23"))
    url = f"{BASE}/{complaint.number}"

    assert _post(client, f"{url}/review").json()["status"] == "under_review"
    answered = _post(client, f"{url}/answer", {"answer": "مبلغ اضافه برگردانده شود"})
    closed = _post(client, f"{url}/close", {"outcome": "upheld", "reason": "اضافه", "refund_amount": 120000})

    assert answered.status_code == 200, answered.content
    assert closed.status_code == 200, closed.content
    body = closed.json()
    assert (body["status"], body["outcome"], body["refund_status"], body["refund_amount"]) == (
        "closed",
        "upheld",
        "ordered",
        120000,
    )
    assert [step["action"] for step in body["timeline"]] == [
        "complaint.submit",
        "complaint.review",
        "complaint.answer",
        "complaint.close",
        "complaint.refund_order",
    ]
    detail = client.get(url).json()
    assert detail["answer"] == "مبلغ اضافه برگردانده شود"


def test_answering_a_closed_complaint_is_a_conflict_and_keeps_it(tehran):
    complaint = complaint_review(complaint=_file(tehran, category="conduct"), actor="user:test")
    client = _client(directorate("23"))
    url = f"{BASE}/{complaint.number}"
    _post(client, f"{url}/close", {"outcome": "not_upheld", "reason": "درست بود"})

    answer = _post(client, f"{url}/answer", {"answer": "دیر"})

    assert answer.status_code == 409
    assert answer["Content-Type"] == PROBLEM
    complaint.refresh_from_db()
    assert (complaint.status, complaint.answer, complaint.outcome) == ("closed", "", "not_upheld")


@pytest.mark.parametrize("amount", [-1000, 0, 10**12])
def test_a_negative_or_oversized_refund_is_422_and_nothing_changes(tehran, amount):
    complaint = complaint_review(complaint=_file(tehran), actor="user:test")

    answer = _post(
        _client(directorate("23")),
        f"{BASE}/{complaint.number}/close",
        {"outcome": "upheld", "reason": "اضافه", "refund_amount": amount},
    )

    assert answer.status_code == 422
    assert "refund_amount" in answer.json()["errors"]
    complaint.refresh_from_db()
    assert (complaint.status, complaint.refund_status, complaint.refund_amount) == (
        "under_review",
        "none",
        None,
    )


def test_unknown_numbers_and_other_provinces_are_404(tehran, isfahan):
    theirs = _file(isfahan)
    client = _client(directorate("23"))

    assert client.get(f"{BASE}/C-23-1405-99999").status_code == 404
    assert client.get(f"{BASE}/{theirs.number}").status_code == 404
    assert _post(client, f"{BASE}/{theirs.number}/review").status_code == 404
    assert client.get(f"{BASE}/nonsense").status_code == 422


def test_an_inspector_reads_but_may_not_act(tehran):
    complaint = _file(tehran)
    inspector = _client(UserFactory(role="inspector", jurisdiction_code="23"))

    assert inspector.get(f"{BASE}/{complaint.number}").status_code == 200
    assert _post(inspector, f"{BASE}/{complaint.number}/review").status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == "received"


def test_the_office_sees_its_complaints_without_the_mobile_and_confirms_the_refund(tehran, isfahan):
    complaint = complaint_review(complaint=_file(tehran), actor="user:test")
    _post(
        _client(directorate("23")),
        f"{BASE}/{complaint.number}/close",
        {"outcome": "upheld", "reason": "اضافه", "refund_amount": 50000},
    )
    office = _client(_operator(tehran))
    other_office = _client(_operator(isfahan))

    listed = office.get(BASE).json()["items"]
    refused = _post(office, f"{BASE}/{complaint.number}/refund/confirm", {"reference": ""})
    stranger = _post(other_office, f"{BASE}/{complaint.number}/refund/confirm", {"reference": "R-1"})
    directorate_try = _post(
        _client(directorate("23")), f"{BASE}/{complaint.number}/refund/confirm", {"reference": "R"}
    )
    confirmed = _post(office, f"{BASE}/{complaint.number}/refund/confirm", {"reference": "R-1"})

    assert [(item["number"], item["mobile_masked"]) for item in listed] == [(complaint.number, "")]
    assert refused.status_code == 422
    assert stranger.status_code == 404
    assert directorate_try.status_code == 403
    assert confirmed.status_code == 200, confirmed.content
    assert (confirmed.json()["refund_status"], confirmed.json()["refund_reference"]) == ("confirmed", "R-1")
    assert confirmed.json()["mobile_masked"] == ""


def test_tracking_answers_the_state_alone_or_the_story_with_the_mobile(tehran):
    complaint = complaint_review(complaint=_file(tehran), actor="user:test")
    _post(_client(directorate("23")), f"{BASE}/{complaint.number}/answer", {"answer": "پاسخ اداره"})
    client = _client()
    url = f"{BASE}/{complaint.number}/track"

    alone = _post(client, url).json()
    wrong = _post(client, url, {"mobile": "09120000000"}).json()
    full = _post(client, url, {"mobile": "۰۹۱۲۱۲۳۴۵۶۷"}).json()

    assert (alone["status"], alone["full"], alone["answer"], alone["steps"]) == ("answered", False, "", [])
    assert wrong == alone
    assert (full["full"], full["answer"], full["office"]) == (True, "پاسخ اداره", tehran.code)
    assert [step["step"] for step in full["steps"]] == ["received", "under_review", "answered"]


def test_tracking_an_unknown_number_is_404_and_is_rate_limited(tehran, settings):
    settings.PISHKHAN_COMPLAINT_TRACK_RATE = "2/m"
    client = _client(REMOTE_ADDR="10.0.0.9")

    first = _post(client, f"{BASE}/C-23-1405-99999/track", {"mobile": MOBILE})
    _post(client, f"{BASE}/C-23-1405-99999/track")
    third = _post(client, f"{BASE}/C-23-1405-99999/track")

    assert first.status_code == 404
    assert first["Content-Type"] == PROBLEM
    assert third.status_code == 429
    assert _post(client, f"{BASE}/C-23-1405-99999/track", {"mobile": "12"}).status_code == 429


def test_a_malformed_mobile_when_tracking_is_422(tehran):
    complaint = _file(tehran)

    answer = _post(_client(), f"{BASE}/{complaint.number}/track", {"mobile": "12345"})

    assert answer.status_code == 422
    assert "mobile" in answer.json()["errors"]


def test_public_filing_and_tracking_need_no_csrf_token(tehran):
    client = _client(enforce_csrf_checks=True)

    filed = _post(client, BASE, {"office": tehran.code, "category": "other", "description": "مشکل"})
    tracked = _post(client, f"{BASE}/{filed.json()['number']}/track")

    assert filed.status_code == 201
    assert tracked.status_code == 200
