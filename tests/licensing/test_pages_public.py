"""The public verification: a licence's page by its number (no sign-in), the "check a licence" form,
the printable signboard with its QR code; nothing about the holder on any of them, and a licence that
is not valid said to be so, first."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone, translation

from pishkhan.licensing.services import licence_suspend
from pishkhan.licensing.views.public import _qr_svg
from tests.licensing.factories import approved, as_principal, imported, licensee, regulator
from tests.licensing.pages_data import browser, errors_of
from tests.offices.factories import make_office, national_id, operator_draft

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def holder(db):
    return licensee(username="holder")


def _verdict(response) -> tuple[str, str]:
    found = re.search(r'id="verdict" data-valid="(yes|no)" data-state="([a-z_]+)"', response.content.decode())
    return found.groups() if found else ("", "")


def _holder_identifiers(licence) -> list[str]:
    """Everything that names the holder: name, masked and full identifier, mobile (both digit sets)."""
    values = [licence.holder_name, licence.holder_masked, national_id(5001), "0935"]
    persian = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    return values + [value.translate(persian) for value in values]


def test_anyone_sees_an_active_licence_as_valid_with_its_office_and_services(catalogue):
    office = make_office(1, name="دفتر پیشخوان آزادی")
    licence = imported(office, status="active")

    response = browser().get(f"/licences/{licence.number}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert _verdict(response) == ("yes", "valid")
    assert "دفتر پیشخوان آزادی" in html
    assert office.code in html
    assert catalogue["pishkhan"].title_fa in html  # a service Pishkhan offices deliver
    assert catalogue["parallel"].title_fa not in html  # and not one only Social Security offices do
    assert f'href="/complaints/new/?office={office.code}"' in html
    assert re.search(r'<svg[^>]*class="qr"', html)
    assert f"http://testserver/licences/{licence.number}/" in html
    for value in [operator_draft(1).name, operator_draft(1).national_id, licence.holder_masked]:
        assert value not in html


def test_a_licence_from_an_application_names_no_holder_on_its_public_pages(holder):
    _application, licence = approved(holder)

    pages = [
        browser().get(f"/licences/{licence.number}/"),
        browser().get(f"/licences/{licence.number}/signboard/"),
    ]

    assert [page.status_code for page in pages] == [200, 200]
    assert _verdict(pages[0]) == ("no", "not_active")  # issued, not yet connected
    for page in pages:
        html = page.content.decode()
        for value in _holder_identifiers(licence):
            assert value not in html, value


@pytest.mark.parametrize("status", ["revoked", "expired", "surrendered", "suspended"])
def test_a_licence_that_is_not_valid_says_so_first(status):
    licence = imported(make_office(1), status=status)

    response = browser().get(f"/licences/{licence.number}/")

    assert response.status_code == 200
    assert _verdict(response) == ("no", status)
    html = response.content.decode()
    assert html.index('id="verdict"') < html.index('id="office-facts"')
    assert "verdict--invalid" in html
    assert "پروانهٔ نامعتبر" in html  # said in words, in Persian, before anything else
    signboard = browser().get(f"/licences/{licence.number}/signboard/").content.decode()
    assert 'id="signboard-invalid"' in signboard


def test_a_term_run_out_or_a_suspension_ended_counts_before_the_job_records_it(db):
    active = imported(make_office(1), status="active")
    active.expires_on = timezone.localdate() - dt.timedelta(days=1)
    active.save(update_fields=["expires_on"])  # as if the hourly job had not run yet
    suspended = imported(make_office(2), status="active")
    licence_suspend(
        licence=suspended,
        until=timezone.localdate() + dt.timedelta(days=3),
        reason="x",
        basis="y",
        actor=as_principal(regulator()),
    )

    assert _verdict(browser().get(f"/licences/{active.number}/")) == ("no", "expired")
    assert _verdict(browser().get(f"/licences/{suspended.number}/")) == ("no", "suspended")


def test_an_old_licence_points_to_the_offices_licence_in_force(db):
    office = make_office(1)
    old = imported(office, status="surrendered")
    current = imported(office, status="active")

    html = browser().get(f"/licences/{old.number}/").content.decode()

    assert 'id="current-licence"' in html
    assert f'href="/licences/{current.number}/"' in html


@pytest.mark.parametrize("number", ["L-23-1405-99999", "not-a-licence", "L-23"])
def test_an_unknown_number_is_a_persian_404(db, number):
    response = browser().get(f"/licences/{number}/")

    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert 'id="unknown"' in html
    assert "پروانه‌ای با این شماره وجود ندارد" in html
    assert browser().get(f"/licences/{number}/signboard/").status_code == 404


def test_the_check_form_opens_the_licence_typed_in_persian_digits(db):
    licence = imported(make_office(1), status="active")
    persian = licence.number.lower().translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))

    form = browser().get("/licences/check/")
    found = browser().get("/licences/check/", {"number": f" {persian} "})
    unknown = browser().get("/licences/check/", {"number": "L-23-1405-99999"})
    empty = browser().get("/licences/check/", {"number": ""})

    assert form.status_code == 200
    assert found.status_code == 302
    assert found["Location"] == f"/licences/{licence.number}/"
    assert unknown.status_code == 404
    assert errors_of(unknown, "number") != ""
    assert empty.status_code == 422
    assert errors_of(empty, "number") != ""


def test_the_signboard_prints_on_a4_or_a5_with_the_qr_code_of_the_public_page(db):
    licence = imported(make_office(1, name="دفتر پیشخوان آزادی"), status="active")

    a4 = browser().get(f"/licences/{licence.number}/signboard/")
    a5 = browser().get(f"/licences/{licence.number}/signboard/", {"paper": "a5"})
    odd = browser().get(f"/licences/{licence.number}/signboard/", {"paper": "letter"})

    assert a4.status_code == a5.status_code == odd.status_code == 200
    assert 'data-paper="a4"' in a4.content.decode()
    assert "signboard-a4.css" in a4.content.decode()
    assert 'data-paper="a5"' in a5.content.decode()
    assert "signboard-a5.css" in a5.content.decode()
    assert 'data-paper="a4"' in odd.content.decode()
    html = a4.content.decode()
    url = f"http://testserver/licences/{licence.number}/"
    assert url in html
    with translation.override("fa"):
        assert _qr_svg(url) in html  # the QR code carries the verification page's address
    assert "دفتر پیشخوان آزادی" in html
    assert 'id="signboard-invalid"' not in html
