"""The sanctions API through its real URLs: opening, each step, the holder's side, problem+json, and
each skipped step refused with 409 (ADR 0010)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from pishkhan.licensing.selectors import office_may_transact
from pishkhan.supervision.models import SanctionCase
from tests.accounts.factories import UserFactory
from tests.licensing.factories import directorate, imported, licensee, regulator
from tests.offices.factories import make_office

BASE = "/api/v1/sanctions"


@pytest.fixture
def office(geo_loaded):
    office = make_office(1)
    imported(office, status="active")
    return office


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def _shift(number, **delta):
    """Move a case's windows and hearing into the past, as if time had passed (the test's clock)."""
    back = dt.timedelta(**delta)
    case = SanctionCase.objects.get(number=number)
    fields = {"remedy_by": case.remedy_by - back}
    SanctionCase.objects.filter(pk=case.pk).update(**fields)
    type(case.proceeding).objects.filter(pk=case.proceeding_id).update(
        respond_by=case.proceeding.respond_by - back, noticed_at=case.proceeding.noticed_at - back
    )


def test_a_case_runs_through_the_api_and_each_skip_is_a_409(office):
    staff, cra = _client(directorate("23")), _client(regulator())
    holder = _client(UserFactory(role="office_operator", jurisdiction_code=office.code))

    opened = _post(staff, BASE, {"office": office.code, "ground": "overcharge", "facts": "اضافه دریافت"})
    assert opened.status_code == 201, opened.content
    number = opened.json()["number"]
    url = f"{BASE}/{number}"
    assert opened.json()["proposed_measure"] == "warning"

    skipped = _post(staff, f"{url}/decide", {"measure": "suspension", "suspension_days": 10, "reason": "r"})
    assert skipped.status_code == 409
    assert skipped["Content-Type"].startswith("application/problem+json")
    assert _post(holder, f"{url}/appeal", {"statement": "x"}).status_code == 409  # no decision yet
    hearing = {"at": (timezone.now() + dt.timedelta(hours=1)).isoformat(), "place": "اداره کل"}
    early = _post(staff, f"{url}/hearing", hearing)
    assert (early.status_code, early.json()["type"].rsplit(":", 1)[-1]) == (409, "remedy-window-open")

    answered = _post(holder, f"{url}/answer", {"statement": "برگرداندیم", "remedied": True})
    assert answered.status_code == 200, answered.content
    assert answered.json()["remedied_claimed"] is True

    _shift(number, hours=80)
    past = {"at": (timezone.now() - dt.timedelta(hours=1)).isoformat(), "place": "اداره کل"}
    assert _post(staff, f"{url}/hearing", past).status_code == 422
    assert _post(staff, f"{url}/hearing", hearing).status_code == 200
    not_yet = _post(staff, f"{url}/minutes", {"minutes": "m"})
    assert (not_yet.status_code, not_yet.json()["type"].rsplit(":", 1)[-1]) == (409, "hearing-not-held")
    SanctionCase.objects.filter(number=number).update(hearing_at=timezone.now() - dt.timedelta(minutes=5))
    proceeding = SanctionCase.objects.get(number=number).proceeding
    type(proceeding).objects.filter(pk=proceeding.pk).update(
        hearing_at=timezone.now() - dt.timedelta(minutes=5)
    )
    assert _post(staff, f"{url}/minutes", {"minutes": "دارنده شنیده شد"}).status_code == 200
    decided = _post(
        staff, f"{url}/decide", {"measure": "suspension", "suspension_days": 10, "reason": "محرز"}
    )
    assert decided.status_code == 200, decided.content
    assert (decided.json()["status"], decided.json()["measure"]) == ("decided", "suspension")

    too_soon = _post(staff, f"{url}/enforce")
    assert (too_soon.status_code, too_soon.json()["type"].rsplit(":", 1)[-1]) == (409, "appeal-window-open")
    assert _post(holder, f"{url}/appeal", {"statement": "اعتراض"}).status_code == 200
    assert _post(staff, f"{url}/appeal-decision", {"accepted": False, "reason": "r"}).status_code == 403
    assert _post(cra, f"{url}/appeal-decision", {"accepted": False, "reason": "رد شد"}).status_code == 200
    enforced = _post(staff, f"{url}/enforce")
    assert enforced.status_code == 200, enforced.content
    assert enforced.json()["status"] == "enforced"
    office.refresh_from_db()
    assert office_may_transact(office=office)[0] is False
    assert _post(staff, f"{url}/enforce").status_code == 409  # once


def test_an_appeal_after_its_window_is_a_409(office):
    staff, holder = (
        _client(directorate("23")),
        _client(UserFactory(role="office_operator", jurisdiction_code=office.code)),
    )
    number = _post(staff, BASE, {"office": office.code, "ground": "other", "facts": "f"}).json()["number"]
    case = SanctionCase.objects.get(number=number)
    from pishkhan.supervision.services import (
        sanction_decide,
        sanction_hearing_schedule,
        sanction_minutes_record,
    )

    t = case.remedy_by + dt.timedelta(hours=1)
    sanction_hearing_schedule(case=case, at=t + dt.timedelta(hours=1), place="p", actor="t", now=t)
    sanction_minutes_record(case=case, minutes="m", actor="t", now=t + dt.timedelta(hours=2))
    sanction_decide(
        case=case, measure="warning", reason="r", actor="t", now=timezone.now() - dt.timedelta(days=30)
    )
    late = _post(holder, f"{BASE}/{number}/appeal", {"statement": "x"})
    assert (late.status_code, late.json()["type"].rsplit(":", 1)[-1]) == (409, "appeal-window-closed")


def test_reach_unknown_office_and_out_of_jurisdiction(office):
    staff = _client(directorate("23"))
    unknown = _post(staff, BASE, {"office": "P23-9999", "ground": "other", "facts": "f"})
    assert unknown.status_code == 422
    assert "office" in unknown.json()["errors"]
    elsewhere = _post(
        _client(directorate("10")), BASE, {"office": office.code, "ground": "other", "facts": "f"}
    )
    assert elsewhere.status_code == 422
    assert not SanctionCase.objects.exists()
    number = _post(staff, BASE, {"office": office.code, "ground": "other", "facts": "f"}).json()["number"]
    assert _client(directorate("10")).get(f"{BASE}/{number}").status_code == 404
    assert _client(licensee()).get(f"{BASE}/{number}").status_code == 404
    assert (
        _post(_client(licensee()), BASE, {"office": office.code, "ground": "other", "facts": "f"}).status_code
        == 403
    )
    listed = _client(UserFactory(role="office_operator", jurisdiction_code=office.code)).get(BASE).json()
    assert [item["number"] for item in listed["items"]] == [number]
