"""The arrows that run up the layers, registered where a reader looks for them (each app's
``AppConfig.ready()``): every one is in place once Django has started, and a missing one fails loudly.
Also the one registration a pure core takes: the supervision app gives the inactivity criteria gettext.

The gateway's event handler has its own tests in tests/gateway/test_events.py.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from pishkhan.accounts import jurisdictions
from pishkhan.accounts.jurisdictions import jurisdiction_code_clean
from pishkhan.accounts.roles import JurisdictionKind
from pishkhan.catalogue.selectors import agency_codes_existing
from pishkhan.common.errors import ValidationError
from pishkhan.geo.selectors import province_codes_existing
from pishkhan.offices.selectors import office_codes_existing
from pishkhan.supervision.criteria import InactivityCriteria
from tests.catalogue.factories import AgencyFactory


def test_every_jurisdiction_kind_is_resolved_by_the_domain_that_owns_its_codes():
    assert jurisdictions.resolver_registered("province") is province_codes_existing
    assert jurisdictions.resolver_registered("agency") is agency_codes_existing
    assert jurisdictions.resolver_registered("office") is office_codes_existing
    assert {kind for kind in JurisdictionKind.values if jurisdictions.resolver_registered(kind)} == {
        "province",
        "agency",
        "office",
    }


@pytest.mark.django_db
def test_the_registered_resolvers_answer_from_their_tables():
    AgencyFactory(code="sabt")

    assert jurisdiction_code_clean("agency", "sabt") == "sabt"
    with pytest.raises(ValidationError):
        jurisdiction_code_clean("agency", "nobody")
    with pytest.raises(ValidationError):
        jurisdiction_code_clean("province", "99")
    with pytest.raises(ValidationError):
        jurisdiction_code_clean("office", "99999")


@pytest.fixture
def agencies_unregistered():
    """No resolver of agency codes, for one test."""
    resolver = jurisdictions.resolver_unregister("agency")
    yield
    jurisdictions.resolver_register("agency", resolver)


def test_a_kind_nobody_registered_is_an_error_not_a_silent_answer(agencies_unregistered):
    with pytest.raises(ImproperlyConfigured):
        jurisdiction_code_clean("agency", "sabt")


def test_a_second_resolver_of_a_kind_is_refused():
    with pytest.raises(ImproperlyConfigured):
        jurisdictions.resolver_register("office", agency_codes_existing)

    assert jurisdictions.resolver_registered("office") is office_codes_existing


def test_the_national_jurisdiction_takes_no_resolver():
    with pytest.raises(ImproperlyConfigured):
        jurisdictions.resolver_register("national", province_codes_existing)


def test_the_inactivity_criteria_refuse_in_the_active_language():
    # A pure core (no Django): the supervision app gave it Django's gettext when it started.
    with translation.override("fa"), pytest.raises(ValidationError) as refused:
        InactivityCriteria.of(idle_days="-1")

    assert refused.value.fields["idle_days"] == ["تعداد روز را به‌صورت عدد صحیح از ۰ تا 3650 وارد کنید."]


def test_the_front_office_shows_its_ratings_on_the_office_page_and_feeds_the_score():
    from pishkhan.frontoffice.selectors import ratings_for_score
    from pishkhan.offices.public_panels import public_panel_names
    from pishkhan.supervision.scores import score_components

    assert public_panel_names() == ["ratings", "waits"]
    assert score_components()["ratings"] is ratings_for_score
