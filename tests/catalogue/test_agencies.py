"""Registering and changing agencies."""

import pytest

from pishkhan.audit.selectors import audit_entry_list_for_target
from pishkhan.catalogue import selectors, services
from pishkhan.catalogue.models import Agency
from pishkhan.common.errors import ConflictError, NotFoundError, ValidationError
from tests.catalogue.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_an_agency_is_registered_with_its_names_normalised_and_audited():
    agency = services.agency_create(
        code=" Sabt ",
        name_fa="سازمان ثبت  احوال كشور",  # Arabic kaf, a double space
        name_en="National Organization for Civil Registration",
        kind="organisation",
        phone="۰۲۱-۱۵۲۴",
        actor="user:cra",
    )

    assert (agency.code, agency.name_fa, agency.phone) == ("sabt", "سازمان ثبت احوال کشور", "021-1524")
    entry = audit_entry_list_for_target(target=agency).get()
    assert (entry.action, entry.actor_label, entry.after["code"]) == ("agency.create", "user:cra", "sabt")


def test_an_agency_code_exists_is_the_jurisdiction_resolver(sabt):
    assert selectors.agency_code_exists("sabt") is True
    assert selectors.agency_code_exists("nobody") is False


@pytest.mark.parametrize("code", ["", "1sabt", "sabt.x", "a" * 17, "ثبت", "<b>", "sabt tamin"])
def test_a_malformed_agency_code_is_refused(code):
    with pytest.raises(ValidationError) as refused:
        AgencyFactory(code=code)

    assert "code" in refused.value.fields
    assert not Agency.objects.exists()


def test_a_taken_agency_code_is_a_conflict(sabt):
    with pytest.raises(ConflictError) as refused:
        AgencyFactory(code="sabt")

    assert refused.value.status == 409
    assert Agency.objects.count() == 1


def test_every_bad_field_is_reported_at_once():
    with pytest.raises(ValidationError) as refused:
        services.agency_create(
            code="x",
            name_fa="",
            name_en="X",
            kind="cartel",
            email="not-an-email",
            website="ftp://x",
            actor=None,
        )

    assert set(refused.value.fields) == {"name_fa", "kind", "email", "website"}


def test_an_http_back_end_needs_its_base_url(sabt):
    with pytest.raises(ValidationError) as refused:
        services.agency_update(agency=sabt, adapter="http", actor=None)

    assert "base_url" in refused.value.fields
    sabt.refresh_from_db()
    assert sabt.adapter == "sandbox"


def test_an_update_changes_only_what_is_given_and_records_before_and_after(sabt):
    services.agency_update(
        agency=sabt, adapter="http", base_url="https://api.sabt.example/v1", timeout_seconds=20, actor=None
    )

    sabt.refresh_from_db()
    assert (sabt.adapter, sabt.base_url, sabt.timeout_seconds, sabt.name_en) == (
        "http",
        "https://api.sabt.example/v1",
        20,
        "Civil Registration",
    )
    entry = audit_entry_list_for_target(target=sabt).last()
    assert entry.action == "agency.update"
    assert entry.before == {"adapter": "sandbox", "base_url": "", "timeout_seconds": 10}


def test_an_update_that_changes_nothing_writes_nothing(sabt):
    services.agency_update(agency=sabt, name_en="Civil Registration", actor=None)

    assert audit_entry_list_for_target(target=sabt).count() == 1  # the creation only


def test_renaming_an_agency_makes_it_findable_by_the_new_name(sabt):
    services.agency_update(agency=sabt, name_en="Sabt-e Ahval", actor=None)

    assert list(selectors.agency_list(q="ahval")) == [sabt]


def test_an_unknown_agency_is_not_found():
    with pytest.raises(NotFoundError):
        selectors.agency_get(code="nobody")
