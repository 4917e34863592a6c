"""Citizens' complaints about offices: the public form the licence page links to, the supervisors'
list and complaint page (scoped to their jurisdiction), and the complaint's states."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from pishkhan.common.errors import TransitionError, ValidationError
from pishkhan.common.sealing import unseal
from pishkhan.supervision.models import Complaint
from pishkhan.supervision.services import complaint_close, complaint_review, complaint_submit
from pishkhan.supervision.states import COMPLAINT_TRANSITIONS, ComplaintStatus
from tests.accounts.factories import UserFactory
from tests.licensing.factories import directorate, imported, regulator
from tests.offices.factories import ARDESTAN, ARDESTAN_COUNTY, ISFAHAN_PROVINCE, make_office

NEW = "/complaints/new/"
LIST = "/supervision/complaints/"
MOBILE = "09121234567"
REGULATOR = "user:test-regulator"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tehran_office(geo_loaded):
    return make_office(1)


@pytest.fixture
def isfahan_office(geo_loaded):
    return make_office(
        2, province=ISFAHAN_PROVINCE, county=ARDESTAN_COUNTY, place=None, lat=ARDESTAN[0], lon=ARDESTAN[1]
    )


def _client(user=None, **kwargs):
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def _send(client, office_code, **overrides):
    data = {"office": office_code, "category": "overcharging", "description": "دو برابر تعرفه گرفتند"}
    return client.post(NEW, data | overrides)


def _complaint(office, **overrides):
    values = {"office_code": office.code, "category": "refused_service", "description": "خدمت ندادند"}
    return complaint_submit(**(values | overrides))


# --- The public form ---------------------------------------------------------------------------------


def test_the_licence_pages_complaint_link_opens_the_form_for_that_office(tehran_office):
    licence = imported(tehran_office, status="active")
    client = _client()
    verify = client.get(f"/licences/{licence.number}/").content.decode()
    link = re.search(r'href="(/complaints/new/\?office=[^"]+)"', verify).group(1)

    page = client.get(link)

    assert page.status_code == 200
    html = page.content.decode()
    assert tehran_office.name in html
    assert f'value="{tehran_office.code}"' in html


def test_a_complaint_is_stored_and_its_number_shown(tehran_office):
    client = _client(enforce_csrf_checks=True)
    form = client.get(NEW, {"office": tehran_office.code})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode()).group(1)

    sent = _send(client, tehran_office.code, mobile="+98 912 123 4567", csrfmiddlewaretoken=token)

    assert sent.status_code == 302
    complaint = Complaint.objects.get()
    assert re.fullmatch(r"C-23-1[0-9]{3}-00001", complaint.number)
    assert complaint.office == tehran_office
    assert complaint.status == ComplaintStatus.RECEIVED
    assert complaint.description == "دو برابر تعرفه گرفتند"
    thanks = client.get(sent["Location"])
    assert thanks.status_code == 200
    assert complaint.number in thanks.content.decode()
    assert "دو برابر" not in thanks.content.decode()


def test_a_post_without_the_csrf_token_is_refused(tehran_office):
    response = _send(_client(enforce_csrf_checks=True), tehran_office.code)

    assert response.status_code == 403
    assert not Complaint.objects.exists()


def test_the_mobile_is_stored_masked_and_sealed_never_in_clear(tehran_office):
    complaint = _complaint(tehran_office, mobile=MOBILE)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mobile_masked, mobile_sealed FROM supervision_complaint WHERE id = %s", [complaint.pk]
        )
        masked, sealed = cursor.fetchone()
    assert masked == "0912***4567"
    assert MOBILE not in sealed
    assert "1234567" not in sealed
    assert unseal(sealed) == MOBILE


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"office": "P99-9999"}, "office"),  # well formed, unknown
        ({"office": "nonsense"}, "office"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 2001}, "description"),
        ({"mobile": "0212345678"}, "mobile"),  # a landline
        ({"category": "bribery"}, "category"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_stored(tehran_office, overrides, field):
    response = _send(_client(), tehran_office.code, **overrides)

    assert response.status_code == 422
    assert list(response.context["form"].errors) == [field]
    assert not Complaint.objects.exists()


def test_an_unknown_office_in_the_link_is_named_as_an_error(geo_loaded):
    page = _client().get(NEW, {"office": "P23-9999"})

    assert page.status_code == 200
    assert 'id="refusal"' in page.content.decode()


def test_complaints_from_one_address_are_rate_limited(tehran_office, settings):
    settings.PISHKHAN_COMPLAINT_RATE = "2/h"
    client = _client(REMOTE_ADDR="10.0.9.1")

    answers = [_send(client, tehran_office.code).status_code for _ in range(3)]
    other = _send(_client(REMOTE_ADDR="10.0.9.2"), tehran_office.code)

    assert answers == [302, 302, 429]
    assert other.status_code == 302
    assert Complaint.objects.count() == 3


def test_the_thank_you_page_shows_nothing_without_a_complaint_sent(geo_loaded):
    response = _client().get("/complaints/sent/")

    assert response.status_code == 302
    assert response["Location"] == NEW


# --- States --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ComplaintStatus.values)
@pytest.mark.parametrize("target", ComplaintStatus.values)
def test_the_transition_table_pair_by_pair(source, target):
    allowed = {
        ("received", "under_review"),
        ("under_review", "answered"),
        ("under_review", "closed"),
        ("answered", "closed"),
    }

    assert COMPLAINT_TRANSITIONS.allows(source, target) == ((source, target) in allowed)


def test_review_then_close_with_a_reason(tehran_office):
    complaint = complaint_review(complaint=_complaint(tehran_office), actor=REGULATOR)

    closed = complaint_close(
        complaint=complaint, reason="تذکر کتبی به دفتر داده شد", outcome="upheld", actor=REGULATOR
    )

    assert closed.status == ComplaintStatus.CLOSED
    assert closed.reviewed_by == REGULATOR
    assert closed.closed_by == REGULATOR
    assert closed.close_reason == "تذکر کتبی به دفتر داده شد"
    assert closed.closed_at is not None
    assert closed.outcome == "upheld"


def test_closing_needs_a_reason_and_a_review_first(tehran_office):
    complaint = _complaint(tehran_office)

    with pytest.raises(TransitionError):
        complaint_close(complaint=complaint, reason="بسته شد", outcome="not_upheld", actor=REGULATOR)
    complaint_review(complaint=complaint, actor=REGULATOR)
    with pytest.raises(ValidationError):
        complaint_close(complaint=complaint, reason="  ", outcome="not_upheld", actor=REGULATOR)
    with pytest.raises(ValidationError):
        complaint_close(complaint=complaint, reason="بسته شد", actor=REGULATOR)  # no outcome
    with pytest.raises(TransitionError):
        complaint_review(complaint=complaint, actor=REGULATOR)
    assert Complaint.objects.get().status == ComplaintStatus.UNDER_REVIEW


# --- Staff pages ---------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(tehran_office):
    complaint = _complaint(tehran_office)

    for url in [LIST, f"{LIST}{complaint.number}/"]:
        response = _client().get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_a_directorate_lists_its_provinces_complaints_only(tehran_office, isfahan_office):
    ours, theirs = _complaint(tehran_office, mobile=MOBILE), _complaint(isfahan_office)
    client = _client(directorate("23"))

    html = client.get(LIST).content.decode()

    assert re.findall(r'data-complaint="([^"]+)"', html) == [ours.number]
    assert client.get(f"{LIST}{theirs.number}/").status_code == 404
    page = client.get(f"{LIST}{ours.number}/").content.decode()
    assert "0912***4567" in page
    assert MOBILE not in page


def test_the_regulator_filters_by_state_and_category(tehran_office, isfahan_office):
    received = _complaint(tehran_office, category="conduct")
    reviewed = complaint_review(complaint=_complaint(isfahan_office, category="absent"), actor=REGULATOR)
    client = _client(regulator())

    def listed(**query):
        return re.findall(r'data-complaint="([^"]+)"', client.get(LIST, query).content.decode())

    assert sorted(listed()) == sorted([received.number, reviewed.number])
    assert listed(status="under_review") == [reviewed.number]
    assert listed(category="conduct") == [received.number]
    assert client.get(LIST, {"status": "lost"}).status_code == 422


def test_a_directorate_takes_a_complaint_under_review_and_closes_it(tehran_office):
    complaint = _complaint(tehran_office)
    client = _client(directorate("23"))
    url = f"{LIST}{complaint.number}/"

    early = client.post(f"{url}close/", {"reason": "زود", "outcome": "not_upheld"})
    assert early.status_code == 409  # not under review yet
    assert client.post(f"{url}review/").status_code == 302
    refused = client.post(f"{url}close/", {"reason": "", "outcome": "not_upheld"})
    values = {"reason": "بازرسی انجام و تذکر داده شد", "outcome": "not_upheld"}
    asked = client.post(f"{url}close/", values)
    assert Complaint.objects.get().status == ComplaintStatus.UNDER_REVIEW  # asked, not yet done
    closed = client.post(f"{url}close/", values | {"confirmed": "yes"})

    assert refused.status_code == 422
    assert asked.status_code == 200
    assert 'name="confirmed" value="yes"' in asked.content.decode()
    assert closed.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED
    assert complaint.close_reason == "بازرسی انجام و تذکر داده شد"


def test_another_provinces_directorate_and_an_inspector_may_not_act(tehran_office, isfahan_office):
    complaint = _complaint(tehran_office)
    url = f"{LIST}{complaint.number}/"
    inspector = _client(UserFactory(role="inspector", jurisdiction_code="23"))

    assert _client(directorate("10")).post(f"{url}review/").status_code == 404
    assert inspector.get(url).status_code == 200
    assert 'id="take-review"' not in inspector.get(url).content.decode()
    assert inspector.post(f"{url}review/").status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED
