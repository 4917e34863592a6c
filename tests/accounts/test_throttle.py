"""Failed attempts per client address: sign-ins across user names, and API keys."""

import pytest

from pishkhan.accounts.services import apikey_create
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def low_limits(settings):
    settings.PISHKHAN_LOGIN_ADDRESS_FAILURES = 6
    settings.PISHKHAN_APIKEY_ADDRESS_FAILURES = 4
    return settings


def test_failed_sign_ins_under_many_names_refuse_the_address_with_a_form_error(client, low_limits):
    UserFactory(username="real")
    # Each name fails once only: django-axes (per name and address) never locks any of them.
    answers = [client.post(LOGIN, {"username": f"guess{n}", "password": "x"}).status_code for n in range(6)]
    refused = client.post(LOGIN, {"username": "real", "password": PASSWORD})

    assert answers == [200] * 6
    assert refused.status_code == 200
    assert "تلاش‌های ناموفق ورود از نشانی شما" in refused.content.decode()  # the page speaks Persian
    assert "_auth_user_id" not in client.session


def test_another_address_still_signs_in(client, low_limits):
    UserFactory(username="real")
    for n in range(6):
        client.post(LOGIN, {"username": f"guess{n}", "password": "x"})

    response = client.post(LOGIN, {"username": "real", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 302


def test_sign_ins_below_the_limit_still_work(client, low_limits):
    UserFactory(username="real")
    for n in range(5):
        client.post(LOGIN, {"username": f"guess{n}", "password": "x"})

    assert client.post(LOGIN, {"username": "real", "password": PASSWORD}).status_code == 302


def test_failed_api_keys_from_one_address_get_429_with_retry_after(client, low_limits):
    user = UserFactory(role="regulator")
    _, key = apikey_create(holder_kind="user", holder_code=user.username, actor=None)
    wrong = "Bearer pk_abcdefgh_" + "x" * 40

    answers = [client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=wrong).status_code for _ in range(4)]
    right = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    elsewhere = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}", REMOTE_ADDR="10.9.9.9")

    assert answers == [401, 401, 401, 429]
    assert right.status_code == 429  # the address is refused, even with a right key, until the window ends
    assert right["Content-Type"] == "application/problem+json"
    assert right.json()["type"].endswith(":too-many-requests")
    assert 0 < int(right["Retry-After"]) <= 15 * 60 + 1
    assert elsewhere.status_code == 200
