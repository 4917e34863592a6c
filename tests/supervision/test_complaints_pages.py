"""Complaints' pages: the directorate's and the regulator's queues (filters, exports), a complaint's
page (timeline, answer, closing with its confirmation, follow-up links), the office operator's pages
(refund confirmation), and the public tracking page (Persian, Jalali, Persian digits)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.cache import cache
from django.test import Client

from pishkhan.supervision.models import Complaint
from pishkhan.supervision.services import (
    complaint_answer,
    complaint_close,
    complaint_review,
    complaint_submit,
)
from pishkhan.supervision.tasks import complaints_advance
from tests.accounts.factories import UserFactory
from tests.licensing.factories import directorate, regulator
from tests.offices.factories import ARDESTAN, ARDESTAN_COUNTY, ISFAHAN_PROVINCE, make_office

LIST = "/supervision/complaints/"
OFFICE = "/supervision/office-complaints/"
TRACK = "/complaints/track/"
MOBILE = "09121234567"
ACTOR = "user:test-directorate"

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


def _file(office, category="overcharging", mobile=MOBILE):
    return complaint_submit(
        office_code=office.code, category=category, description="اضافه گرفتند", mobile=mobile
    )


def _listed(client, **query) -> list[str]:
    return re.findall(r'data-complaint="([^"]+)"', client.get(LIST, query).content.decode())


def _refund_ordered(office):
    complaint = complaint_review(complaint=_file(office), actor=ACTOR)
    return complaint_close(
        complaint=complaint, outcome="upheld", reason="اضافه", refund_amount=90_000, actor=ACTOR
    )


# --- Queues --------------------------------------------------------------------------------------


def test_an_escalated_complaint_shows_on_the_directorates_and_the_regulators_queues(tehran, isfahan):
    late, fresh, elsewhere = _file(tehran), _file(tehran, category="conduct"), _file(isfahan)
    complaints_advance(now=late.answer_due_at)  # only the first is due by then

    ours = _client(directorate("23"))
    national = _client(regulator())

    assert _listed(ours, escalated="yes") == [late.number]
    assert _listed(national, escalated="yes") == [late.number]
    assert sorted(_listed(ours)) == sorted([late.number, fresh.number])
    page = national.get(LIST, {"escalated": "yes"}).content.decode()
    assert 'data-flag="escalated"' in page
    assert elsewhere.number not in page


def test_the_queue_filters_by_office_overdue_and_refund(tehran, isfahan):
    refunded = _refund_ordered(tehran)
    other = _file(isfahan, category="absent")
    client = _client(regulator())

    assert _listed(client, office=isfahan.code) == [other.number]
    assert _listed(client, refund="ordered") == [refunded.number]
    assert _listed(client, overdue="yes") == []
    assert client.get(LIST, {"overdue": "maybe"}).status_code == 422


def test_the_queue_exports_as_csv_and_xlsx_with_its_filters(tehran, isfahan):
    refunded = _refund_ordered(tehran)
    _file(isfahan)
    client = _client(regulator())

    csv = client.get(LIST, {"refund": "ordered", "export": "csv"})
    xlsx = client.get(LIST, {"refund": "ordered", "export": "xlsx"})

    lines = b"".join(csv.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2
    assert refunded.number in lines[1]
    assert "90000" in lines[1]
    book = zipfile.ZipFile(io.BytesIO(xlsx.content))
    assert refunded.number in book.read("xl/sharedStrings.xml").decode()
    assert "<v>90000</v>" in book.read("xl/worksheets/sheet1.xml").decode()
    assert client.get(LIST, {"export": "pdf"}).status_code == 400


# --- A complaint's page --------------------------------------------------------------------------


def test_the_directorate_answers_and_closes_with_a_refund_after_confirming(tehran):
    complaint = complaint_review(complaint=_file(tehran), actor=ACTOR)
    client = _client(directorate("23"))
    url = f"{LIST}{complaint.number}/"

    empty = client.post(f"{url}answer/", {"answer": " "})
    answered = client.post(f"{url}answer/", {"answer": "مبلغ اضافه برگردانده شود"})
    missing_refund = client.post(f"{url}close/", {"outcome": "upheld", "reason": "اضافه"})
    negative = client.post(f"{url}close/", {"outcome": "upheld", "reason": "اضافه", "refund_amount": "-5"})
    asked = client.post(f"{url}close/", {"outcome": "upheld", "reason": "اضافه", "refund_amount": "۱۰۰۰۰۰"})
    complaint.refresh_from_db()
    assert complaint.status == "answered"  # nothing closed before the confirmation
    closed = client.post(
        f"{url}close/",
        {"outcome": "upheld", "reason": "اضافه", "refund_amount": "۱۰۰۰۰۰", "confirmed": "yes"},
    )

    assert empty.status_code == 422
    assert answered.status_code == 302
    assert missing_refund.status_code == 422
    assert "refund_amount" in missing_refund.context["form"].errors
    assert negative.status_code == 422
    assert asked.status_code == 200
    assert closed.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome, complaint.refund_amount) == ("closed", "upheld", 100_000)
    page = client.get(url).content.decode()
    assert re.findall(r'data-action="([^"]+)"', page) == [
        "complaint.submit",
        "complaint.review",
        "complaint.answer",
        "complaint.close",
        "complaint.refund_order",
    ]
    assert 'id="close-form"' not in page
    assert client.post(f"{url}answer/", {"answer": "دوباره"}).status_code == 409


def test_the_follow_up_links_show_to_those_who_may_open_them(tehran):
    complaint = _file(tehran)
    url = f"{LIST}{complaint.number}/"
    source = f"office={tehran.code}&amp;source=complaint:{complaint.number}"

    ours = _client(directorate("23")).get(url).content.decode()
    inspector = _client(UserFactory(role="inspector", jurisdiction_code="23")).get(url).content.decode()

    assert f'href="/supervision/inspections/plan/?{source}"' in ours
    assert f'href="/supervision/sanctions/new/?{source}"' in ours
    assert "/supervision/inspections/plan/" not in inspector
    assert "/supervision/sanctions/new/" not in inspector


# --- The office's side ---------------------------------------------------------------------------


def test_the_operator_sees_its_offices_complaints_and_confirms_the_refund(tehran, isfahan):
    ordered = _refund_ordered(tehran)
    _file(isfahan)
    operator = _client(UserFactory(role="office_operator", jurisdiction_code=tehran.code))
    url = f"{OFFICE}{ordered.number}/"

    listing = operator.get(OFFICE).content.decode()
    detail = operator.get(url).content.decode()
    refused = operator.post(f"{url}refund/", {"reference": ""})
    confirmed = operator.post(f"{url}refund/", {"reference": "فیش ۱۲۳"})

    assert re.findall(r'data-complaint="([^"]+)"', listing) == [ordered.number]
    assert f'data-refund="{ordered.number}"' in listing
    assert "0912***4567" not in detail
    assert 'id="refund-form"' in detail
    assert refused.status_code == 422
    assert confirmed.status_code == 302
    ordered.refresh_from_db()
    assert (ordered.refund_status, ordered.refund_reference) == ("confirmed", "فیش ۱۲۳")


def test_others_may_not_use_the_offices_pages(tehran, isfahan):
    ordered = _refund_ordered(tehran)
    url = f"{OFFICE}{ordered.number}/"
    other_office = _client(UserFactory(role="office_operator", jurisdiction_code=isfahan.code))

    assert other_office.get(url).status_code == 404
    assert other_office.post(f"{url}refund/", {"reference": "X"}).status_code == 404
    assert _client(directorate("23")).get(OFFICE).status_code == 403
    assert _client(UserFactory(role="licensee")).get(OFFICE).status_code == 403
    ordered.refresh_from_db()
    assert ordered.refund_status == "ordered"


# --- The public tracking page --------------------------------------------------------------------


def _answered(office):
    complaint = complaint_review(complaint=_file(office), actor=ACTOR)
    return complaint_answer(complaint=complaint, answer="پاسخ اداره کل", actor=ACTOR)


def test_the_number_alone_shows_the_state_in_persian(tehran):
    complaint = _answered(tehran)

    page = _client().post(TRACK, {"number": complaint.number}, HTTP_ACCEPT_LANGUAGE="fa")

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-full="no"' in html
    assert 'data-state="answered"' in html
    assert "پاسخ اداره کل" not in html
    assert tehran.name not in html
    assert "۱۴۰" in html  # a Jalali year in Persian digits


def test_the_number_and_mobile_show_the_answer_and_steps(tehran):
    complaint = _answered(tehran)

    html = _client().post(TRACK, {"number": complaint.number, "mobile": "۰۹۱۲۱۲۳۴۵۶۷"}).content.decode()

    assert 'data-full="yes"' in html
    assert "پاسخ اداره کل" in html
    assert "۰۹۱۲۱۲۳۴۵۶۷" not in html  # the mobile is not written back into the form
    assert MOBILE not in html
    assert re.findall(r'data-step="([^"]+)"', html) == ["received", "under_review", "answered"]


def test_a_wrong_mobile_shows_no_more_than_the_number_alone(tehran):
    complaint = _answered(tehran)
    client = _client()

    alone = client.post(TRACK, {"number": complaint.number})
    wrong = client.post(TRACK, {"number": complaint.number, "mobile": "09120000000"})

    assert wrong.status_code == alone.status_code == 200
    assert wrong.context["tracked"] == alone.context["tracked"]
    assert "پاسخ اداره کل" not in wrong.content.decode()


def test_an_unknown_number_is_404_and_a_malformed_one_422(tehran):
    client = _client()

    unknown = client.post(TRACK, {"number": "C-23-1405-99999", "mobile": MOBILE})
    malformed = client.post(TRACK, {"number": "123"})

    assert unknown.status_code == 404
    assert unknown.context["tracked"] is None
    assert malformed.status_code == 422


def test_tracking_is_rate_limited_per_address(tehran, settings):
    settings.PISHKHAN_COMPLAINT_TRACK_RATE = "2/m"
    complaint = _file(tehran)
    client = _client(REMOTE_ADDR="10.1.1.1")

    answers = [client.post(TRACK, {"number": complaint.number}).status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    assert _client(REMOTE_ADDR="10.1.1.2").post(TRACK, {"number": complaint.number}).status_code == 200


def test_the_thank_you_page_links_to_tracking(tehran):
    client = _client()
    client.post("/complaints/new/", {"office": tehran.code, "category": "conduct", "description": "بد"})
    number = Complaint.objects.get().number

    html = client.get("/complaints/sent/").content.decode()

    assert f'href="{TRACK}?number={number}"' in html
    assert f'value="{number}"' in client.get(TRACK, {"number": number}).content.decode()


def test_the_deadline_is_shown_and_runs_from_the_setting(tehran, settings):
    settings.PISHKHAN_COMPLAINT_ANSWER_DAYS = 3
    complaint = _file(tehran)

    assert complaint.answer_due_at - complaint.created_at == dt.timedelta(days=3)
    assert 'id="answer-due"' in _client(directorate("23")).get(f"{LIST}{complaint.number}/").content.decode()
