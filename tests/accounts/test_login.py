"""Signing in and out through the real pages, and the lockout after repeated failures (django-axes)."""

import pytest
from django.conf import settings

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN, LOGOUT = "/accounts/login/", "/accounts/logout/"


def _sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_the_login_page_has_labelled_fields(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    page = response.content.decode()
    assert '<label for="id_username">' in page
    assert '<label for="id_password">' in page
    assert 'autocomplete="current-password"' in page


def test_a_right_password_signs_in_and_goes_where_asked(client):
    UserFactory(username="tehran", role="directorate", jurisdiction_code="23")

    response = client.post(LOGIN, {"username": "tehran", "password": PASSWORD, "next": "/admin/"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.session["_auth_user_id"]


def test_a_wrong_password_shows_the_form_again_with_an_error(client):
    UserFactory(username="tehran")

    response = _sign_in(client, "tehran", "wrong")

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_foreign_next_address_is_ignored(client):
    UserFactory(username="tehran")

    response = client.post(
        LOGIN, {"username": "tehran", "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")


def test_five_failures_lock_the_name_out_even_with_the_right_password(client):
    UserFactory(username="tehran")
    assert settings.AXES_FAILURE_LIMIT == 5

    answers = [_sign_in(client, "tehran", f"guess{n}").status_code for n in range(5)]
    locked = _sign_in(client, "tehran", PASSWORD)

    assert answers == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [template.name for template in locked.templates]
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_for_that_name_only(client):
    UserFactory(username="tehran")
    UserFactory(username="isfahan")
    for n in range(5):
        _sign_in(client, "tehran", f"guess{n}")

    response = _sign_in(client, "isfahan", PASSWORD)

    assert response.status_code == 302


def test_failures_below_the_limit_are_forgiven_by_a_success(client):
    UserFactory(username="tehran")
    for n in range(4):
        _sign_in(client, "tehran", f"guess{n}")
    assert _sign_in(client, "tehran", PASSWORD).status_code == 302
    client.post(LOGOUT)

    answers = [_sign_in(client, "tehran", f"again{n}").status_code for n in range(4)]

    assert answers == [200, 200, 200, 200]


def test_logout_is_by_post_only(client):
    client.force_login(UserFactory())

    refused = client.get(LOGOUT)
    signed_out = client.post(LOGOUT)

    assert refused.status_code == 405
    assert signed_out.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_sign_in_pages_are_public_on_purpose():
    from pishkhan.accounts import views

    assert views.login.pishkhan_access == views.logout.pishkhan_access == "public"
