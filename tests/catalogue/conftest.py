"""Fixtures of the catalogue tests: two agencies, and people and keys acting for them."""

import pytest
from django.test import Client

from pishkhan.accounts.services import apikey_create
from tests.accounts.factories import UserFactory
from tests.catalogue.factories import AgencyFactory


@pytest.fixture
def sabt(db):
    """The civil registration agency."""
    return AgencyFactory(code="sabt", name_fa="سازمان ثبت احوال کشور", name_en="Civil Registration")


@pytest.fixture
def tamin(db):
    """The social security agency."""
    return AgencyFactory(code="tamin", name_fa="سازمان تأمین اجتماعی", name_en="Social Security")


def _signed_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def english(db):
    """A browser that chose English through the language switch."""
    browser = Client()
    browser.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return browser


@pytest.fixture
def regulator_browser(db):
    """A browser signed in as the regulator (national)."""
    return _signed_in(UserFactory(username="cra", role="regulator"))


@pytest.fixture
def sabt_browser(sabt):
    """A browser signed in as a member of sabt's staff."""
    return _signed_in(UserFactory(username="sabt-staff", role="agency_staff", jurisdiction_code="sabt"))


@pytest.fixture
def tamin_browser(tamin):
    """A browser signed in as a member of tamin's staff."""
    return _signed_in(UserFactory(username="tamin-staff", role="agency_staff", jurisdiction_code="tamin"))


@pytest.fixture
def sabt_key(sabt):
    """The Authorization header of sabt's back-end API key."""
    _key, plaintext = apikey_create(holder_kind="agency", holder_code="sabt", actor=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


@pytest.fixture
def tamin_key(tamin):
    """The Authorization header of tamin's back-end API key."""
    _key, plaintext = apikey_create(holder_kind="agency", holder_code="tamin", actor=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
