"""The account page: a signed-in person sees who the system takes them for, and only their own keys."""

import re

import pytest

from pishkhan.accounts.roles import Role, role_permissions
from pishkhan.accounts.services import apikey_create
from tests.accounts.factories import UserFactory
from tests.offices.factories import make_office

pytestmark = pytest.mark.django_db


def test_a_stranger_is_sent_to_sign_in(client):
    response = client.get("/accounts/me/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/me/"


def test_a_directorate_sees_its_role_province_and_only_its_own_keys(client, geo_loaded):
    user = UserFactory(username="tehran", role="directorate", jurisdiction_code="23")
    other = UserFactory(username="fars", role="directorate", jurisdiction_code="17")
    mine, _ = apikey_create(holder_kind="user", holder_code="tehran", name="my script", actor=user)
    theirs, _ = apikey_create(holder_kind="user", holder_code="fars", name="their script", actor=other)
    client.force_login(user)
    client.cookies["pishkhan_language"] = "en"

    response = client.get("/accounts/me/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Provincial ICT directorate" in page
    assert "Tehran province" in page
    assert mine.prefix in page
    assert theirs.prefix not in page
    assert "See one&#x27;s own account: role, jurisdiction, permissions and API keys" in page
    assert "accounts.view_self" not in page  # what one may do in words, not the code's names for it


def test_the_menu_offers_the_account_page_only_when_signed_in(client):
    clerk = UserFactory(username="clerk", role="office_operator", jurisdiction_code="P23-0001")
    assert "/accounts/me/" not in client.get("/").content.decode()

    client.force_login(clerk)

    assert "/accounts/me/" in client.get("/").content.decode()


def test_an_office_operator_reads_its_office_and_powers_in_persian_without_codes_or_commands(
    client, geo_loaded
):
    office = make_office(1, name="دفتر پیشخوان میدان انقلاب")
    clerk = UserFactory(username="clerk", role="office_operator", jurisdiction_code=office.code)
    client.force_login(clerk)

    page = client.get("/accounts/me/").content.decode()

    jurisdiction = re.search(r"<dt>حوزهٔ اختیار</dt>\s*<dd>(.*?)</dd>", page, re.S).group(1)
    assert jurisdiction == f"دفتر پیشخوان میدان انقلاب ({office.code})"
    assert office.code == "P23-0001"  # the code stays in Latin digits, as everywhere else
    powers = re.search(r'aria-labelledby="permissions-title">.*?<ul>(.*?)</ul>', page, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", powers)
    # Every permission of an office operator, each in a Persian sentence.
    assert len(items) == len(role_permissions(Role.OFFICE_OPERATOR))
    assert all(re.search("[\u0600-\u06ff]", item) for item in items)
    assert [item for item in items if re.search(r"[a-z_]+\.[a-z_]+", item)] == []
    assert "keys_create" not in page
    assert "pishkhan " not in page


def test_a_directorate_s_province_is_named_not_numbered(client, geo_loaded):
    client.force_login(UserFactory(username="tehran", role="directorate", jurisdiction_code="23"))

    page = client.get("/accounts/me/").content.decode()

    assert "استان تهران" in page
    assert "استان ۲۳" not in page
