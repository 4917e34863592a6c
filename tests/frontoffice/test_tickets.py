"""Queue tickets: numbered per office, group and day; called by priority then arrival; served,
no-show, transferred; the turn-near SMS once; the API with its refusals and its jurisdiction."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from pishkhan.common.errors import ConflictError, NotFoundError, ValidationError
from pishkhan.common.sealing import unseal
from pishkhan.frontoffice.models import Ticket
from pishkhan.frontoffice.states import TicketState
from pishkhan.frontoffice.tickets import (
    ticket_call,
    ticket_call_next,
    ticket_issue,
    ticket_no_show,
    ticket_serve,
    ticket_transfer,
)
from pishkhan.notifications.models import Message
from tests.offices.factories import make_agency, make_service
from tests.transactions.test_services import record

pytestmark = pytest.mark.django_db
MOBILE = "09121234567"
PROBLEM = "application/problem+json"


def _issue(counter, **kw):
    return ticket_issue(office=counter["office"], service_code=counter["service"].code, **kw)


def test_numbers_run_per_office_group_and_day(counter):
    first, second = _issue(counter), _issue(counter)
    other_office = ticket_issue(office=counter["other"], service_code=counter["service"].code)
    sabt = make_service(make_agency("sabt"), "deed-copy")
    other_group = ticket_issue(office=counter["office"], service_code=sabt.code)

    group = counter["agency"].code.upper()
    assert [first.label, second.label] == [f"Q-{group}-1", f"Q-{group}-2"]
    assert other_office.label == f"Q-{group}-1"
    assert other_group.label == "Q-SABT-1"
    assert first.day == timezone.localdate()


def test_a_service_the_office_does_not_deliver_is_refused(counter):
    with pytest.raises(ValidationError) as refused:
        ticket_issue(office=counter["office"], service_code="no-such-service")
    assert "service" in refused.value.fields
    assert not Ticket.objects.exists()


def test_call_next_takes_priority_then_arrival(counter):
    office = counter["office"]
    plain1, plain2 = _issue(counter), _issue(counter)
    elderly = _issue(counter, priority=True)

    called = [ticket_call_next(office=office, counter=c).pk for c in (1, 1, 1)]

    assert called == [elderly.pk, plain1.pk, plain2.pk]
    with pytest.raises(ConflictError, match="No ticket is waiting"):
        ticket_call_next(office=office, counter=1)


def test_serve_links_the_transaction_and_erases_the_mobile(counter):
    office = counter["office"]
    ticket = _issue(counter, mobile=MOBILE)
    assert unseal(ticket.mobile_sealed) == MOBILE
    with pytest.raises(ConflictError):
        ticket_serve(office=office, ticket_id=ticket.pk)  # serve before call
    ticket_call_next(office=office, counter=1)
    produced = record(office).transaction

    with pytest.raises(ValidationError):
        ticket_serve(office=office, ticket_id=ticket.pk, tracking_code="0000000000")
    served = ticket_serve(office=office, ticket_id=ticket.pk, tracking_code=produced.tracking_code)

    served.refresh_from_db()
    assert (served.state, served.transaction_id, served.mobile_sealed) == ("served", produced.pk, "")
    assert served.called_at <= served.ended_at
    with pytest.raises(ConflictError):
        ticket_no_show(office=office, ticket_id=ticket.pk)


def test_no_show_ends_a_called_ticket(counter):
    office = counter["office"]
    ticket = _issue(counter, mobile=MOBILE)
    ticket_call(office=office, ticket_id=ticket.pk, counter=1)
    ended = ticket_no_show(office=office, ticket_id=ticket.pk)
    ended.refresh_from_db()
    assert (ended.state, ended.counter, ended.mobile_sealed) == (TicketState.NO_SHOW, 1, "")


def test_transfer_waits_for_the_other_counter_only_and_keeps_its_place(counter):
    office = counter["office"]
    office.counters = 3
    office.save(update_fields=["counters"])
    first, second = _issue(counter), _issue(counter)
    ticket_call_next(office=office, counter=1)
    ticket_transfer(office=office, ticket_id=first.pk, counter=3)

    # counter 2 does not see the transferred ticket; counter 3 gets it before the later one
    assert ticket_call_next(office=office, counter=2).pk == second.pk
    assert ticket_call_next(office=office, counter=3).pk == first.pk
    with pytest.raises(ValidationError):
        ticket_transfer(office=office, ticket_id=first.pk, counter=9)
    with pytest.raises(NotFoundError):
        ticket_call(office=counter["other"], ticket_id=first.pk, counter=1)


def test_turn_near_sms_is_enqueued_once(counter):
    office = counter["office"]
    issued = [_issue(counter, mobile=MOBILE) for _ in range(6)]

    ticket_call_next(office=office, counter=1)  # issued[1..4] have at most three ahead: notified
    ticket_call_next(office=office, counter=1)  # issued[5] comes near; the others not again

    keys = sorted(Message.objects.values_list("key", flat=True))
    assert keys == sorted(f"ticket:{t.pk}:near" for t in issued[1:])
    message = Message.objects.get(key=f"ticket:{issued[5].pk}:near")
    assert message.template == "ticket_turn_near"
    assert message.params["number"] == issued[5].label


# --- API ------------------------------------------------------------------------------------------


def _post(client, key, path, body=None):
    return client.post(
        path, data=json.dumps(body or {}), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )


def test_api_issues_calls_serves_and_lists(client, counter):
    key = counter["office_key"]
    issued = _post(client, key, "/api/v1/tickets", {"service": counter["service"].code, "mobile": MOBILE})
    assert issued.status_code == 201, issued.content
    ticket = issued.json()
    assert (ticket["state"], ticket["number"][-2:]) == ("waiting", "-1")
    assert "mobile" not in ticket

    called = _post(client, key, f"/api/v1/tickets/{ticket['id']}/call", {"counter": 1})
    assert (called.status_code, called.json()["counter"]) == (200, 1)
    served = _post(client, key, f"/api/v1/tickets/{ticket['id']}/serve")
    assert served.json()["state"] == "served"

    listed = client.get(
        f"/api/v1/tickets?office={counter['office'].code}", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert listed.status_code == 200
    assert [t["id"] for t in listed.json()["items"]] == [ticket["id"]]


def test_api_refuses_bad_input_with_problems(client, counter):
    key = counter["office_key"]
    unknown = _post(client, key, "/api/v1/tickets", {"service": "nope"})
    assert (unknown.status_code, unknown["Content-Type"]) == (422, PROBLEM)
    missing = _post(client, key, "/api/v1/tickets/999999/call", {"counter": 1})
    assert (missing.status_code, missing["Content-Type"]) == (404, PROBLEM)
    ticket = _post(client, key, "/api/v1/tickets", {"service": counter["service"].code}).json()
    early = _post(client, key, f"/api/v1/tickets/{ticket['id']}/serve")
    assert (early.status_code, early["Content-Type"]) == (409, PROBLEM)
    bad_counter = _post(client, key, f"/api/v1/tickets/{ticket['id']}/call", {"counter": 0})
    assert bad_counter.status_code == 422
    assert Ticket.objects.get().state == "waiting"


def test_api_another_offices_ticket_is_not_found(client, counter):
    ticket = _post(
        client, counter["office_key"], "/api/v1/tickets", {"service": counter["service"].code}
    ).json()
    stranger = counter["other_key"]

    assert _post(client, stranger, f"/api/v1/tickets/{ticket['id']}/call", {"counter": 1}).status_code == 404
    listed = client.get(
        f"/api/v1/tickets?office={counter['office'].code}", HTTP_AUTHORIZATION=f"Bearer {stranger}"
    )
    assert listed.status_code == 404
    agency = _post(client, counter["agency_key"], "/api/v1/tickets", {"service": counter["service"].code})
    assert agency.status_code == 403


# --- Pages ----------------------------------------------------------------------------------------


@pytest.fixture
def operator(client, counter):
    from tests.accounts.factories import UserFactory

    user = UserFactory(role="office_operator", jurisdiction_code=counter["office"].code)
    client.force_login(user)
    return client


def test_kiosk_issues_a_ticket_and_refuses_a_bad_mobile(operator, counter):
    service = counter["service"].code
    page = operator.post("/frontoffice/kiosk/", {"service": service, "priority": "on"})
    assert page.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.priority
    assert ticket.label in page.content.decode() or 'id="issued"' in page.content.decode()

    bad = operator.post("/frontoffice/kiosk/", {"service": service, "mobile": "12"})
    assert bad.status_code == 422
    assert Ticket.objects.count() == 1


def test_queue_page_calls_serves_and_shows_refusals(operator, counter):
    ticket = _issue(counter)
    empty = None
    called = operator.post("/frontoffice/queue/", {"action": "call", "counter": "1"})
    assert called.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.state, ticket.counter) == ("called", 1)

    served = operator.post("/frontoffice/queue/", {"action": "serve", "ticket": ticket.pk, "counter": "1"})
    assert served.status_code == 302
    empty = operator.post("/frontoffice/queue/", {"action": "call", "counter": "1"})
    assert empty.status_code == 409
    assert 'id="refusal"' in empty.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == "served"


def test_queue_page_is_the_offices_own(client, counter):
    from tests.accounts.factories import UserFactory

    ticket = _issue(counter)
    client.force_login(UserFactory(role="office_operator", jurisdiction_code=counter["other"].code))
    refused = client.post("/frontoffice/queue/", {"action": "call", "counter": "1"})
    assert refused.status_code == 409  # the other office's queue is empty: this ticket is not in it
    ticket.refresh_from_db()
    assert ticket.state == "waiting"
    client.force_login(UserFactory(role="directorate", jurisdiction_code=counter["office"].province.code))
    assert client.get("/frontoffice/queue/").status_code in (403, 404)


def test_display_shows_the_called_ticket_in_persian_digits(client, counter):
    from pishkhan.common.persian import to_persian_digits

    ticket = _issue(counter)
    ticket_call(office=counter["office"], ticket_id=ticket.pk, counter=1)
    page = client.get(f"/frontoffice/display/{counter['office'].code}/live/")
    assert page.status_code == 200
    assert to_persian_digits(ticket.label) in page.content.decode()
    assert client.get("/frontoffice/display/P99-9999/").status_code == 404


def test_a_ticket_left_from_an_earlier_day_loses_its_mobile(counter):
    import datetime as dt

    from pishkhan.frontoffice.tasks import tickets_mobiles_erase

    old, today = _issue(counter, mobile=MOBILE), _issue(counter, mobile=MOBILE)
    Ticket.objects.filter(pk=old.pk).update(day=old.day - dt.timedelta(days=1))

    assert tickets_mobiles_erase(now=timezone.now()) == 1

    old.refresh_from_db()
    today.refresh_from_db()
    assert (old.mobile_sealed, old.state) == ("", "waiting")
    assert unseal(today.mobile_sealed) == MOBILE
