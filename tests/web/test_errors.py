"""Error pages: the right status, the site's layout, and a 500 page that needs neither database nor user."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import translation

from pishkhan.web import views
from tests.accounts.factories import UserFactory


@pytest.mark.django_db
def test_unknown_address_answers_404_with_the_layout(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert [t.name for t in response.templates][:2] == ["web/404.html", "web/_error.html"]
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert '<code dir="ltr">/no-such-page/</code>' in html


@pytest.mark.django_db
def test_request_for_an_unknown_host_answers_400(client):
    response = client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "web/400.html" in [t.name for t in response.templates]


@pytest.mark.django_db
def test_permission_denied_offers_a_stranger_the_sign_in_page(rf):
    request = rf.get("/somewhere/")
    request.user = AnonymousUser()

    response = views.permission_denied(request, PermissionDenied())

    assert response.status_code == 403
    assert 'href="/accounts/login/?next=/somewhere/"' in response.content.decode()


@pytest.mark.django_db
def test_permission_denied_tells_a_signed_in_user_about_role_and_jurisdiction(rf):
    request = rf.get("/somewhere/")
    request.user = UserFactory()

    response = views.permission_denied(request, PermissionDenied())

    html = response.content.decode()
    assert response.status_code == 403
    assert "Your role does not allow you to see this page" in html
    assert "/accounts/login/" not in html


def test_server_error_page_needs_no_database_and_no_user():
    # No database mark: any query would fail this test. The request has no user and no session.
    request = RequestFactory().get("/")

    with translation.override("fa"):
        response = views.server_error(request)

    html = response.content.decode()
    assert response.status_code == 500
    assert re.search(r'<html lang="fa" dir="rtl">', html)
    assert "خطایی رخ داد" in html
    assert "csrfmiddlewaretoken" not in html
