"""API authentication: Bearer API keys and browser sessions both yield a principal; anything else is 401."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from ninja.errors import HttpError

from pishkhan.accounts.auth import ApiKeyAuth, SessionPrincipalAuth
from pishkhan.accounts.models import ApiKey
from pishkhan.accounts.roles import role_permissions
from pishkhan.accounts.services import apikey_create, apikey_revoke
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.api_urls")]

ME = "/api/v1/accounts/me"


def _bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _office_key():
    return apikey_create(holder_kind="office", holder_code="10001", name="counter app", actor=None)


def test_an_office_key_acts_as_that_offices_operator(client):
    key, plaintext = _office_key()

    response = client.get(ME, **_bearer(plaintext))

    assert response.status_code == 200
    assert response.json() == {
        "label": f"apikey:{key.prefix}",
        "role": "office_operator",
        "jurisdiction_kind": "office",
        "jurisdiction_code": "10001",
        "permissions": sorted(role_permissions("office_operator")),
    }


def test_a_user_key_acts_as_its_user(client):
    UserFactory(username="tehran", role="directorate", jurisdiction_code="23")
    key, plaintext = apikey_create(holder_kind="user", holder_code="tehran", actor=None)

    body = client.get(ME, **_bearer(plaintext)).json()

    assert (body["label"], body["role"], body["jurisdiction_code"]) == (
        f"apikey:{key.prefix}",
        "directorate",
        "23",
    )


def test_a_key_with_a_wrong_secret_is_refused_with_a_problem(client):
    key, _ = _office_key()
    forged = f"pk_{key.prefix}_{'0' * 64}"

    response = client.get(ME, **_bearer(forged))

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:pishkhan:problem:not-authenticated"


def test_a_revoked_key_stops_working(client):
    key, plaintext = _office_key()
    assert client.get(ME, **_bearer(plaintext)).status_code == 200

    apikey_revoke(key=key, actor=None)

    assert client.get(ME, **_bearer(plaintext)).status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer pk_00000000_" + "0" * 64,  # unknown prefix
        "Bearer nonsense",
        "Bearer " + "x" * 10_000,
        "Bearer ' OR 1=1 --",
        "Basic dXNlcjpwYXNz",
        "",
    ],
)
def test_anything_but_a_live_key_is_401(client, header):
    response = client.get(ME, HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_using_a_key_notes_when_it_was_last_used(client):
    key, plaintext = _office_key()
    assert key.last_used_at is None

    client.get(ME, **_bearer(plaintext))

    key.refresh_from_db()
    assert key.last_used_at is not None


def test_a_signed_in_browser_is_its_user(client):
    client.force_login(UserFactory(username="isfahan", role="working_group", jurisdiction_code="10"))

    body = client.get(ME).json()

    assert (body["label"], body["role"], body["jurisdiction_kind"]) == (
        "user:isfahan",
        "working_group",
        "province",
    )


def test_an_inactive_users_key_is_refused(client):
    user = UserFactory(username="gone", role="regulator")
    _, plaintext = apikey_create(holder_kind="user", holder_code="gone", actor=None)
    user.is_active = False
    user.save()

    assert client.get(ME, **_bearer(plaintext)).status_code == 401


def test_the_bearer_class_sets_the_requests_principal():
    key, plaintext = _office_key()
    request = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {plaintext}")

    principal = ApiKeyAuth()(request)

    assert principal.label == f"apikey:{key.prefix}"
    assert request.principal is principal
    assert ApiKeyAuth()(RequestFactory().get("/", HTTP_AUTHORIZATION="Bearer pk_x")) is None


def test_the_session_class_checks_csrf_on_unsafe_methods():
    request = RequestFactory().post("/", HTTP_COOKIE="sessionid=abc")
    request.user = UserFactory()

    with pytest.raises(HttpError) as refused:
        SessionPrincipalAuth()(request)
    assert refused.value.status_code == 403


def test_the_session_class_leaves_a_cookieless_stranger_to_the_401():
    request = RequestFactory().post("/")
    request.user = AnonymousUser()

    assert SessionPrincipalAuth()(request) is None


def test_keys_are_never_listed_with_their_secret():
    _, plaintext = _office_key()

    assert plaintext.rsplit("_", 1)[1] not in str(list(ApiKey.objects.values()))
