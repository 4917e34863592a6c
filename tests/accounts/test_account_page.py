"""The account page: a signed-in person sees who the system takes them for, and only their own keys."""

import pytest

from pishkhan.accounts.services import apikey_create
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_stranger_is_sent_to_sign_in(client):
    response = client.get("/accounts/me/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/me/"


def test_a_directorate_sees_its_role_province_and_only_its_own_keys(client):
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
    assert "Province" in page
    assert mine.prefix in page
    assert theirs.prefix not in page
    assert "accounts.view_self" in page


def test_the_menu_offers_the_account_page_only_when_signed_in(client):
    clerk = UserFactory(username="clerk", role="office_operator", jurisdiction_code="P23-0001")
    assert "/accounts/me/" not in client.get("/").content.decode()

    client.force_login(clerk)

    assert "/accounts/me/" in client.get("/").content.decode()
