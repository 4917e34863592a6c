"""Sanction pages: the list (scoped, filters, exports), opening a case with its prefill and its form
errors, the case with the next step's form only, and the holder's side under My licences."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from pishkhan.supervision.models import SanctionCase
from pishkhan.supervision.services import sanction_open
from tests.accounts.factories import UserFactory
from tests.licensing.factories import directorate, imported
from tests.offices.factories import make_office


@pytest.fixture
def office(geo_loaded):
    office = make_office(1)
    imported(office, status="active")
    return office


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_case_is_opened_from_a_source_link_and_listed(office):
    staff = _client(directorate("23"))
    form = staff.get(f"/supervision/sanctions/new/?office={office.code}&source=complaint:C-23-1405-00001")
    assert form.status_code == 200
    assert 'value="complaint_upheld" selected' in form.content.decode()
    unknown = staff.post(
        "/supervision/sanctions/new/", {"office": "P23-9999", "ground": "other", "facts": "f", "source": ""}
    )
    assert unknown.status_code == 422
    assert not SanctionCase.objects.exists()
    opened = staff.post(
        "/supervision/sanctions/new/",
        {
            "office": office.code,
            "ground": "complaint_upheld",
            "facts": "شکایت وارد است",
            "source": "complaint:C-23-1405-00001",
        },
    )
    case = SanctionCase.objects.get()
    assert opened.url == f"/supervision/sanctions/{case.number}/"
    page = staff.get(opened.url).content.decode()
    assert "شکایت وارد است" in page
    assert 'id="step-' not in page.replace('id="step-close"', "")  # the remedy window runs: no step yet
    listed = staff.get("/supervision/sanctions/?ground=complaint_upheld")
    assert case.number in listed.content.decode()
    exported = staff.get("/supervision/sanctions/?export=csv")
    assert exported.status_code == 200
    assert case.number in b"".join(exported.streaming_content).decode("utf-8-sig")
    assert 'href="/supervision/complaints/C-23-1405-00001/"' in page
    xlsx = staff.get("/supervision/sanctions/?export=xlsx")
    assert xlsx.status_code == 200
    assert "spreadsheet" in xlsx["Content-Type"]
    assert staff.get("/supervision/sanctions/?status=bogus").status_code == 422
    assert _client(directorate("10")).get(opened.url).status_code == 404
    assert case.number not in _client(directorate("10")).get("/supervision/sanctions/").content.decode()


def test_the_holder_answers_under_my_cases_and_the_directorate_sees_the_hearing_form(office):
    case = sanction_open(office_code=office.code, ground="overcharge", facts="اضافه", actor="t")
    holder = _client(UserFactory(role="office_operator", jurisdiction_code=office.code))
    mine = holder.get("/supervision/my-cases/").content.decode()
    assert case.number in mine
    page = holder.get(f"/supervision/my-cases/{case.number}/").content.decode()
    assert 'id="step-answer"' in page
    answered = holder.post(
        f"/supervision/my-cases/{case.number}/answer/", {"statement": "درست شد", "remedied": "on"}
    )
    assert answered.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.remedied_claimed) == ("answered", True)
    assert holder.post(f"/supervision/my-cases/{case.number}/decide/", {}).status_code == 404
    SanctionCase.objects.filter(pk=case.pk).update(remedy_by=timezone.now() - dt.timedelta(hours=1))
    staff = _client(directorate("23"))
    page = staff.get(f"/supervision/sanctions/{case.number}/").content.decode()
    assert 'id="step-hearing"' in page
    assert 'id="step-decide"' not in page
    refused = staff.post(
        f"/supervision/sanctions/{case.number}/decide/", {"measure": "warning", "reason": "r"}
    )
    assert refused.status_code == 409


def test_the_demo_opens_cases_at_different_steps(geo_loaded):
    from pishkhan.demo.sanctions import demo_sanctions_build

    for n in (1, 2, 3):
        imported(make_office(n), status="active")
    assert demo_sanctions_build() == 3
    assert sorted(SanctionCase.objects.values_list("status", flat=True)) == ["decided", "heard", "noticed"]


def test_the_licence_holder_finds_the_case_from_my_licences(geo_loaded):
    from tests.licensing.factories import approved, licensee, regulator

    holder = licensee()
    _application, licence = approved(holder, reviewer=directorate(), decider=regulator())
    case = sanction_open(office_code=licence.office.code, ground="other", facts="تخلف", actor="t")
    client = _client(holder)
    assert 'href="/supervision/my-cases/"' in client.get("/my-licences/").content.decode()
    assert case.number in client.get("/supervision/my-cases/").content.decode()
    assert client.get(f"/supervision/my-cases/{case.number}/").status_code == 200
    assert _client(licensee()).get(f"/supervision/my-cases/{case.number}/").status_code == 404
