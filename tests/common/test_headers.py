"""Security headers: the Content-Security-Policy everywhere, no-store on whatever carries personal data."""

import pytest
from django.conf import settings
from django.urls import URLResolver, get_resolver

from pishkhan.common.headers import CONTENT_SECURITY_POLICY
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _no_store(response):
    return "no-store" in response.get("Cache-Control", "")


def test_every_page_carries_the_policy(client):
    for path in ("/", "/accounts/login/", "/api/v1/geo/provinces", "/no-such-page/"):
        assert client.get(path)["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path


def test_the_policy_allows_no_inline_script_or_style():
    directives = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_public_pages_may_be_cached_signed_in_pages_may_not(client):
    assert not _no_store(client.get("/"))
    client.force_login(UserFactory(role="regulator"))

    assert _no_store(client.get("/"))
    assert _no_store(client.get("/accounts/me/"))


def test_every_api_answer_and_the_public_tracking_pages_are_no_store(client):
    assert _no_store(client.get("/api/v1/geo/provinces"))
    assert _no_store(client.get("/api/v1/accounts/me"))  # a 401
    assert _no_store(client.get("/track/"))
    assert _no_store(client.get("/complaints/track/"))


def _route_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _route_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield namespace + pattern.name


def test_the_no_store_views_exist():
    names = set(_route_names(get_resolver().url_patterns))

    assert set(settings.PISHKHAN_NO_STORE_VIEWS) <= names
