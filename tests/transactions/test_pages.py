"""The counter's pages behind sign-in: an office's day, one transaction, its receipts, and the search;
each narrowed to the caller's jurisdiction, a transaction outside it answered 404."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from pishkhan.common.calendar import format_jalali_date
from pishkhan.common.persian import to_persian_digits
from pishkhan.transactions import selectors
from pishkhan.transactions.services import transaction_advance
from pishkhan.transactions.views._shared import CappedPaginator
from pishkhan.transactions.views.counter import _qr_svg
from tests.offices.pages_data import signed_in
from tests.transactions.conftest import TARIFF
from tests.transactions.factories import CITIZEN, MOBILE, make_transaction


def codes(response) -> list[str]:
    """The tracking codes of the transactions table's rows, in order."""
    html = response.content.decode()
    table = re.search(r'<table[^>]*id="transactions".*?</table>', html, re.S)
    return re.findall(r'<tr data-code="([^"]+)"', table.group(0)) if table else []


def jalali(day: dt.date, *, persian: bool = False) -> str:
    return format_jalali_date(day, persian=persian)


@pytest.fixture
def operator(counter):
    return signed_in("op1", "office_operator", counter["office"].code)


@pytest.fixture
def other_operator(counter):
    return signed_in("op2", "office_operator", counter["other"].code)


@pytest.fixture
def regulator(db):
    return signed_in("regulator", "regulator")


@pytest.fixture
def tehran(counter):
    return signed_in("dir23", "directorate", "23")


@pytest.fixture
def isfahan(counter):
    return signed_in("dir10", "directorate", "10")


@pytest.fixture
def recorded(counter):
    """Three transactions at office 1 (one overcharged), one at office 2, one in Isfahan; oldest first."""
    return {
        "first": make_transaction(counter["office"]),
        "overcharged": make_transaction(counter["office"], fee_charged=TARIFF + 50_000),
        "last": make_transaction(counter["office"], clerk="علی"),
        "other": make_transaction(counter["other"]),
        "isfahan": make_transaction(counter["isfahan"]),
    }


# --- Who may see what ------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["/counter/", "/counter/{code}/", "/counter/{code}/receipt/",
                                  "/counter/{code}/receipt/thermal/", "/transactions/"])  # fmt: skip
def test_a_stranger_is_sent_to_sign_in(anon_client, recorded, page):
    response = anon_client.get(page.format(code=recorded["first"].tracking_code))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    "page", ["/counter/", "/counter/{code}/", "/counter/{code}/receipt/", "/transactions/"]
)
def test_agency_staff_may_not_see_the_counter(counter, recorded, page):
    staff = signed_in("tamin-staff", "agency_staff", counter["agency"].code)

    assert staff.get(page.format(code=recorded["first"].tracking_code)).status_code == 403


@pytest.mark.parametrize(
    "page", ["/counter/{code}/", "/counter/{code}/receipt/", "/counter/{code}/receipt/thermal/"]
)
def test_another_offices_operator_gets_404_for_a_transaction(other_operator, recorded, page):
    response = other_operator.get(page.format(code=recorded["first"].tracking_code))

    assert response.status_code == 404


def test_a_directorate_sees_its_provinces_transactions_and_not_anothers(tehran, isfahan, recorded):
    code = recorded["first"].tracking_code

    assert tehran.get(f"/counter/{code}/").status_code == 200
    assert isfahan.get(f"/counter/{code}/").status_code == 404
    assert isfahan.get(f"/counter/{code}/receipt/").status_code == 404
    assert codes(isfahan.get("/transactions/")) == [recorded["isfahan"].tracking_code]
    assert codes(isfahan.get("/transactions/", {"tracking_code": code})) == []


@pytest.mark.parametrize("code", ["123", "000000000000", "x" * 12])
def test_a_malformed_or_unknown_tracking_code_is_404(regulator, recorded, code):
    assert regulator.get(f"/counter/{code}/").status_code == 404
    assert regulator.get(f"/counter/{code}/receipt/").status_code == 404


# --- Today at the counter --------------------------------------------------------------------------


def test_the_counter_lists_todays_transactions_of_the_office_newest_first(operator, recorded):
    response = operator.get("/counter/")

    assert response.status_code == 200
    assert codes(response) == [recorded[n].tracking_code for n in ("last", "overcharged", "first")]
    html = response.content.decode()
    assert re.search(r'data-count="total">.*?>۳<', html)
    assert re.search(r'data-count="received">.*?>۳<', html)
    assert re.search(r'data-count="completed">.*?>۰<', html)
    assert re.search(r'data-count="fee_differs">.*?>۱<', html)
    fees = f"{3 * TARIFF + 50_000:,}".replace(",", "٬")
    assert re.search(rf'data-count="fees">.*?>{to_persian_digits(fees)} ریال<', html)
    assert 'class="fee-differs"' in html


def test_the_counter_counts_each_state(operator, recorded):
    transaction_advance(transaction=recorded["first"], to_state="submitted", actor=None)
    transaction_advance(transaction=recorded["first"], to_state="completed", actor=None)

    summary = operator.get("/counter/").context["summary"]

    assert summary.by_state == {"received": 2, "submitted": 0, "completed": 1, "rejected": 0, "failed": 0}
    assert summary.total == 3
    assert summary.fees_total == 3 * TARIFF + 50_000


def test_the_counter_shows_another_day_chosen_in_the_jalali_calendar(operator, recorded):
    today = timezone.localdate()

    yesterday = operator.get("/counter/", {"day": jalali(today - dt.timedelta(days=1), persian=True)})
    chosen_today = operator.get("/counter/", {"day": jalali(today)})

    assert yesterday.status_code == 200
    assert codes(yesterday) == []
    assert yesterday.context["summary"].total == 0
    assert '<p class="notice">' in yesterday.content.decode()
    assert len(codes(chosen_today)) == 3
    # The previous-day link steps back one day, in Latin digits the field reads back.
    assert f'href="?day={jalali(today - dt.timedelta(days=2))}"' in yesterday.content.decode()


def test_the_counter_refuses_a_day_that_does_not_exist(operator, recorded):
    response = operator.get("/counter/", {"day": "1404/13/40"})

    assert response.status_code == 200
    assert response.context["form"].errors["day"]
    assert codes(response) == []


def test_the_counter_reads_a_gregorian_iso_day_as_gregorian(operator, recorded):
    today = timezone.localdate()

    response = operator.get("/counter/", {"day": today.isoformat()})

    assert response.status_code == 200
    assert response.context["day"] == today
    assert len(codes(response)) == 3


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0001/01/01", "سال ۱ بیرون از بازه است"),
        ("2026-02-30", "ماه ۲ سال ۲۰۲۶ میلادی روز ۳۰ ندارد"),
        ("1404/12/30", "ماه ۱۲ سال ۱۴۰۴ شمسی روز ۳۰ ندارد"),
        ("9999-12-31", "سال ۹۹۹۹ بیرون از بازه است"),
    ],
)
def test_a_day_out_of_range_is_a_clear_error_beside_the_field(operator, recorded, typed, message):
    response = operator.get("/counter/", {"day": typed})

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html[html.index('id="id_day_error"') :]
    assert codes(response) == []


def test_the_first_day_the_calendar_knows_has_no_previous_day_link(operator, recorded):
    html = operator.get("/counter/", {"day": "1300/01/01"}).content.decode()

    assert 'rel="prev"' not in html
    assert 'rel="next"' in html


def test_the_regulator_has_no_counter_and_is_sent_to_the_search(regulator):
    response = regulator.get("/counter/")

    assert response.status_code == 302
    assert response["Location"] == "/transactions/"


def test_the_counters_queries_do_not_grow_with_its_transactions(operator, counter):
    make_transaction(counter["office"])
    operator.get("/counter/")  # the session and the office, read once
    with CaptureQueriesContext(connection) as one:
        operator.get("/counter/")
    for _ in range(6):
        make_transaction(counter["office"])
    with CaptureQueriesContext(connection) as seven:
        operator.get("/counter/")

    assert len(seven) == len(one)


# --- One transaction -------------------------------------------------------------------------------


def test_a_transaction_shows_its_history_and_links_to_both_receipts(operator, recorded):
    transaction = recorded["first"]
    transaction_advance(transaction=transaction, to_state="submitted", actor=None)
    transaction_advance(transaction=transaction, to_state="rejected", detail="مدارک ناقص", actor=None)

    response = operator.get(f"/counter/{transaction.tracking_code}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'<tr data-to="([a-z]+)">', html) == ["received", "submitted", "rejected"]
    assert "مدارک ناقص" in html
    assert f'href="/counter/{transaction.tracking_code}/receipt/"' in html
    assert f'href="/counter/{transaction.tracking_code}/receipt/thermal/"' in html
    assert 'id="fee-differs"' not in html


def test_a_fee_unlike_the_tariff_is_flagged_beside_the_tariff(operator, recorded):
    response = operator.get(f"/counter/{recorded['overcharged'].tracking_code}/")

    html = response.content.decode()
    assert 'id="fee-differs"' in html
    assert f'data-rials="{TARIFF + 50_000}" id="fee-charged"' in html
    assert f'data-rials="{TARIFF}" id="fee-tariff"' in html


# --- Receipts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("suffix", "layout"), [("", "a5"), ("thermal/", "thermal")])
def test_the_receipt_carries_what_the_citizen_needs_and_a_qr_code_of_the_tracking_page(
    operator, recorded, suffix, layout
):
    transaction = recorded["last"]
    code = transaction.tracking_code

    response = operator.get(f"/counter/{code}/receipt/{suffix}")

    assert response.status_code == 200
    html = response.content.decode()
    url = f"http://testserver/track/?code={code}"
    assert f'data-layout="{layout}"' in html
    assert f"receipt-{layout}.css" in html
    grouped = f"{code[:4]} {code[4:8]} {code[8:]}"  # Latin digits, as every identifier
    assert f'data-code="{code}">{grouped}</span>' in html
    assert "خدمت pension-statement" in html
    assert to_persian_digits(f"{TARIFF:,}".replace(",", "٬")) + " ریال" in html
    assert "دفتر پیشخوان 1" in html
    assert "P23-0001" in html
    assert "علی" in html
    assert to_persian_digits(transaction.citizen_masked) in html
    # The QR code is the one of the tracking page's address, which the receipt also prints.
    assert response.context["tracking_url"] == url
    with translation.override("fa"):  # the page's language: the code's title is Persian
        assert _qr_svg(url) in html
    assert f'id="tracking-url">{url}</span>' in html


@pytest.mark.parametrize("suffix", ["", "thermal/"])
def test_no_receipt_holds_the_full_national_id_or_mobile(operator, recorded, suffix):
    response = operator.get(f"/counter/{recorded['first'].tracking_code}/receipt/{suffix}")

    html = response.content.decode()
    for secret in (CITIZEN, MOBILE, to_persian_digits(CITIZEN), to_persian_digits(MOBILE)):
        assert secret not in html


def test_the_receipt_speaks_english_too(operator, recorded):
    operator.post("/i18n/setlang/", {"language": "en", "next": "/"})
    code = recorded["first"].tracking_code

    html = operator.get(f"/counter/{code}/receipt/").content.decode()

    assert f'data-code="{code}">{code[:4]} {code[4:8]} {code[8:]}</span>' in html
    assert f"{TARIFF:,} rials" in html


# --- The search ------------------------------------------------------------------------------------


def test_the_regulator_searches_every_transaction_newest_first(regulator, recorded):
    response = regulator.get("/transactions/")

    assert response.status_code == 200
    order = ("isfahan", "other", "last", "overcharged", "first")
    assert codes(response) == [recorded[n].tracking_code for n in order]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"office": "P23-0002"}, ["other"]),
        ({"office": "p۲۳-۰۰۰۲"}, ["other"]),
        ({"province": "10"}, ["isfahan"]),
        ({"service": "tamin.pension-statement", "province": "23"}, ["other", "last", "overcharged", "first"]),
        ({"fee_differs": "on"}, ["overcharged"]),
        ({"state": "completed"}, []),
        ({"office": "P23-0009"}, []),
    ],
)
def test_the_search_filters(regulator, recorded, filters, expected):
    response = regulator.get("/transactions/", filters)

    assert response.status_code == 200
    assert codes(response) == [recorded[n].tracking_code for n in expected]


def test_the_search_finds_one_transaction_by_its_code_typed_in_groups_with_persian_digits(
    regulator, recorded
):
    code = recorded["overcharged"].tracking_code
    typed = to_persian_digits(f"{code[:4]} {code[4:8]}-{code[8:]}")

    response = regulator.get("/transactions/", {"tracking_code": typed})

    assert codes(response) == [code]


def test_the_search_takes_a_jalali_period(regulator, recorded):
    today = timezone.localdate()

    this_week = regulator.get(
        "/transactions/",
        {"received_from": jalali(today - dt.timedelta(days=6), persian=True), "received_to": jalali(today)},
    )
    last_month = regulator.get(
        "/transactions/",
        {
            "received_from": jalali(today - dt.timedelta(days=40)),
            "received_to": jalali(today - dt.timedelta(days=10)),
        },
    )

    assert len(codes(this_week)) == 5
    assert codes(last_month) == []


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"tracking_code": "123456789012"}, "tracking_code"),
        ({"office": "Tehran"}, "office"),
        ({"state": "lost"}, "state"),
        ({"received_from": "1404/02/10", "received_to": "1404/01/10"}, "received_to"),
        ({"received_from": "1402/01/01", "received_to": "1404/01/01"}, "received_to"),
        ({"received_from": "1404/12/31"}, "received_from"),
        ({"received_from": "0001/01/01"}, "received_from"),
        ({"received_to": "99999/1/1"}, "received_to"),
    ],
)
def test_a_bad_filter_is_shown_on_the_form_and_lists_nothing(regulator, recorded, filters, field):
    response = regulator.get("/transactions/", filters)

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert codes(response) == []


def test_a_directorate_searches_its_own_province_only(tehran, recorded):
    everything = tehran.get("/transactions/")
    asked_isfahan = tehran.get("/transactions/", {"province": "10"})

    assert set(codes(everything)) == {
        recorded[n].tracking_code for n in ("first", "overcharged", "last", "other")
    }
    assert [value for value, _label in everything.context["form"].fields["province"].choices] == ["23"]
    assert codes(asked_isfahan) == []


def test_an_operator_searches_its_own_office_only(operator, recorded):
    response = operator.get("/transactions/", {"service": "tamin.pension-statement"})

    assert codes(response) == [recorded[n].tracking_code for n in ("last", "overcharged", "first")]
    assert "province" not in response.context["form"].fields
    assert "office" not in response.context["form"].fields


def test_the_search_pages_fifty_at_a_time(regulator, counter):
    made = [make_transaction(counter["office"]).tracking_code for _ in range(51)]

    first = regulator.get("/transactions/", {"office": "P23-0001"})
    second = regulator.get("/transactions/", {"office": "P23-0001", "page": "2"})

    assert codes(first) == made[::-1][:50]
    assert codes(second) == [made[0]]
    assert 'href="?office=P23-0001&amp;page=2"' in first.content.decode()


def test_the_paginator_counts_no_further_than_its_cap(counter):
    for _ in range(5):
        make_transaction(counter["office"])

    capped = CappedPaginator(selectors.transaction_search(), 2, cap=3)
    exact = CappedPaginator(selectors.transaction_search(), 2, cap=5)

    assert (capped.count, capped.capped, capped.num_pages) == (3, True, 2)
    assert (exact.count, exact.capped, exact.num_pages) == (5, False, 3)


def test_an_agency_sees_no_offices_counter_through_the_selectors(recorded, counter):
    assert list(selectors.transaction_search(scope={"agency": counter["agency"].code})) == []
    assert list(selectors.transaction_search(scope={"province": "99"})) == []


def test_the_menu_offers_the_counter_to_an_office_and_the_search_to_supervisors(operator, tehran):
    def menu(client):
        html = client.get("/track/").content.decode()
        return re.findall(
            r'<a href="([^"]+)"', re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
        )

    assert "/counter/" in menu(operator)
    assert "/transactions/" not in menu(operator)
    assert "/transactions/" in menu(tehran)
    assert "/counter/" not in menu(tehran)
    assert "/track/" in menu(tehran)
