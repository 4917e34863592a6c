"""The public tracking page: the right national ID shows the state and nothing more; every failure
answers alike; look-ups are limited per address and failures per tracking code."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test import Client

from pishkhan.common.identifiers import tracking_code_is_valid, tracking_code_new
from pishkhan.common.persian import to_persian_digits
from pishkhan.transactions.services import transaction_advance
from pishkhan.transactions.views import tracking
from tests.offices.factories import national_id
from tests.transactions.factories import CITIZEN, MOBILE, make_transaction

STRANGER = national_id(777)


@pytest.fixture(autouse=True)
def _fresh_counts(db):
    """Each test starts with no look-up counted (the limits live in the cache's database table, which a
    test that commits, a browser test, may leave filled)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def recorded(counter):
    return make_transaction(counter["office"])


def unknown_code(recorded) -> str:
    """A well-formed tracking code (right check digit) that no transaction has."""
    code = tracking_code_new()
    return code if code != recorded.tracking_code else unknown_code(recorded)


def look_up(client: Client, code: str, citizen: str, *, address: str = "127.0.0.1"):
    return client.post("/track/", {"code": code, "national_id": citizen}, REMOTE_ADDR=address)


def neutral(response) -> str:
    """The page as any visitor gets it: without the per-response CSRF token and the code they typed."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'name="code" value="[^"]*"', "", html)


def test_the_page_opens_without_signing_in_with_the_code_from_the_receipts_link(anon_client, recorded):
    response = anon_client.get(f"/track/?code={recorded.tracking_code}")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="code" value="{recorded.tracking_code}"' in html
    assert 'name="national_id"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_the_right_national_id_shows_the_state_service_and_office_and_nothing_else(anon_client, recorded):
    transaction_advance(transaction=recorded, to_state="submitted", actor=None)

    response = look_up(anon_client, recorded.tracking_code, CITIZEN)

    assert response.status_code == 200
    tracked = response.context["tracked"]
    assert (tracked.state, tracked.office_name, tracked.service_title_fa) == (
        "submitted",
        "دفتر پیشخوان 1",
        "خدمت pension-statement",
    )
    html = response.content.decode()
    assert 'id="tracked"' in html
    assert 'data-state="submitted"' in html
    assert "ارسال‌شده به دستگاه اجرایی" in html
    # Nothing about the citizen, not even masked, nor the fee or the clerk.
    for private in (CITIZEN, MOBILE, recorded.citizen_masked, recorded.mobile_masked, recorded.clerk,
                    to_persian_digits(recorded.citizen_masked), "۶۵۰٬۰۰۰"):  # fmt: skip
        assert private not in html


def test_the_national_id_may_be_typed_in_persian_digits_and_is_never_written_back(anon_client, recorded):
    response = look_up(anon_client, to_persian_digits(recorded.tracking_code), to_persian_digits(CITIZEN))

    assert response.context["tracked"] is not None
    assert 'name="national_id" ' in response.content.decode()
    assert CITIZEN not in response.content.decode()
    assert to_persian_digits(CITIZEN) not in response.content.decode()


def test_a_wrong_id_an_unknown_code_and_a_malformed_code_get_the_same_answer(anon_client, recorded):
    unknown = unknown_code(recorded)

    bad_digit = recorded.tracking_code[:-1] + str((int(recorded.tracking_code[-1]) + 1) % 10)
    assert tracking_code_is_valid(unknown)
    assert not tracking_code_is_valid(bad_digit)

    wrong_id = look_up(anon_client, recorded.tracking_code, STRANGER)
    unknown_one = look_up(anon_client, unknown, STRANGER)
    typo = look_up(anon_client, bad_digit, CITIZEN)
    malformed = look_up(anon_client, "12345", CITIZEN)

    assert wrong_id.status_code == unknown_one.status_code == typo.status_code == malformed.status_code == 200
    assert wrong_id.context["tracked"] is None
    assert neutral(wrong_id) == neutral(unknown_one) == neutral(typo) == neutral(malformed)
    assert "data-state=" not in wrong_id.content.decode()
    assert "تراکنشی با این کد رهگیری و کد ملی پیدا نشد." in wrong_id.content.decode()


def test_a_malformed_national_id_is_pointed_out_and_not_counted_against_the_code(
    anon_client, recorded, settings
):
    settings.PISHKHAN_TRACK_CODE_FAILURES = 1

    response = look_up(anon_client, recorded.tracking_code, "0012345678")
    then = look_up(anon_client, recorded.tracking_code, CITIZEN)

    assert response.status_code == 200
    assert response.context["form"].errors["national_id"]
    assert then.context["tracked"] is not None


def test_one_address_may_look_up_only_so_often(anon_client, recorded, settings):
    settings.PISHKHAN_TRACK_RATE = "3/m"
    for _ in range(3):
        assert look_up(anon_client, recorded.tracking_code, STRANGER).status_code == 200

    refused = look_up(anon_client, recorded.tracking_code, CITIZEN)
    elsewhere = look_up(anon_client, recorded.tracking_code, CITIZEN, address="10.0.0.9")

    assert refused.status_code == 429
    assert refused.context["tracked"] is None
    assert 'id="refusal"' in refused.content.decode()
    assert elsewhere.status_code == 200
    assert elsewhere.context["tracked"] is not None


def test_a_code_tried_with_wrong_ids_from_many_addresses_is_locked_for_the_hour(
    anon_client, recorded, settings
):
    settings.PISHKHAN_TRACK_CODE_FAILURES = 5
    for n in range(5):
        assert (
            look_up(
                anon_client, recorded.tracking_code, national_id(900 + n), address=f"10.0.1.{n}"
            ).status_code
            == 200
        )

    locked = look_up(anon_client, recorded.tracking_code, CITIZEN, address="10.0.2.1")
    another_code = look_up(
        anon_client, make_transaction(recorded.office).tracking_code, CITIZEN, address="10.0.2.1"
    )

    assert locked.status_code == 429
    assert locked.context["tracked"] is None
    assert another_code.status_code == 200
    assert another_code.context["tracked"] is not None


def test_an_unknown_code_locks_exactly_like_a_known_one(anon_client, recorded, settings):
    settings.PISHKHAN_TRACK_CODE_FAILURES = 2
    unknown = unknown_code(recorded)
    for n in range(2):
        look_up(anon_client, unknown, STRANGER, address=f"10.0.3.{n}")
        look_up(anon_client, recorded.tracking_code, STRANGER, address=f"10.0.4.{n}")

    assert look_up(anon_client, unknown, STRANGER, address="10.0.5.1").status_code == 429
    assert look_up(anon_client, recorded.tracking_code, STRANGER, address="10.0.5.2").status_code == 429


def cache_rows(fragment: str) -> list[tuple[str, float]]:
    """The cache table's entries whose key holds ``fragment``: (key, seconds until it expires), as
    every server process reads them."""
    table = connection.ops.quote_name(django_settings.CACHES["default"]["LOCATION"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, expires FROM {table}")  # noqa: S608 (our table)
        rows = cursor.fetchall()
    return [(key, _seconds_until(expires)) for key, expires in rows if fragment in key]


def _seconds_until(expires: dt.datetime) -> float:
    """Seconds from now to a stored expiry (SQLite gives it naive, in UTC; PostgreSQL aware)."""
    moment = expires if expires.tzinfo else expires.replace(tzinfo=dt.UTC)
    return moment.timestamp() - time.time()


def test_the_counts_are_kept_in_the_database_where_every_server_process_reads_them(anon_client, recorded):
    look_up(anon_client, recorded.tracking_code, STRANGER, address="10.0.6.1")

    assert [key for key, _left in cache_rows("transactions:track-failures:")] == [
        f":1:transactions:track-failures:{recorded.tracking_code}"
    ]
    assert len(cache_rows(":rl:")) == 1  # and the address's look-ups (django-ratelimit's hashed key)


def test_a_later_failure_counts_within_the_hour_of_the_first_and_does_not_lengthen_it(
    anon_client, recorded, settings
):
    settings.PISHKHAN_TRACK_CODE_FAILURES = 2
    key = tracking._failures_key(recorded.tracking_code)
    cache.set(key, (1, time.time() + 600), timeout=600)  # a first failure fifty minutes ago

    look_up(anon_client, recorded.tracking_code, STRANGER, address="10.0.7.1")

    assert cache.get(key)[0] == 2
    [(_key, left)] = cache_rows("transactions:track-failures:")
    assert 590 < left <= 601
    assert look_up(anon_client, recorded.tracking_code, CITIZEN, address="10.0.7.2").status_code == 429


def test_the_look_up_needs_the_pages_csrf_token(recorded):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/track/", {"code": recorded.tracking_code, "national_id": CITIZEN})

    assert response.status_code == 403


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(rf):
    from pishkhan.transactions.views.tracking import client_ip

    request = rf.get("/track/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.1")

    assert client_ip(request) == "203.0.113.7"
    assert client_ip(rf.get("/track/", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"


def test_behind_a_proxy_each_forwarded_address_is_limited_alone(anon_client, recorded, settings):
    settings.PISHKHAN_TRACK_RATE = "1/m"
    settings.RATELIMIT_IP_META_KEY = "pishkhan.transactions.views.tracking.client_ip"
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    first = anon_client.post("/track/", {"code": recorded.tracking_code, "national_id": CITIZEN},
                             HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)  # fmt: skip
    again = anon_client.post("/track/", {"code": recorded.tracking_code, "national_id": CITIZEN},
                             HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)  # fmt: skip
    another = anon_client.post("/track/", {"code": recorded.tracking_code, "national_id": CITIZEN},
                               HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy)  # fmt: skip

    assert (first.status_code, again.status_code, another.status_code) == (200, 429, 200)
