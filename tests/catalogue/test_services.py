"""Publishing and changing services: office kinds, outsourcing status and its legal basis."""

import datetime as dt

import pytest
from django.utils import timezone

from pishkhan.audit.selectors import audit_entry_list_for_target
from pishkhan.catalogue import selectors, services
from pishkhan.catalogue.models import Service
from pishkhan.common.errors import ConflictError, ValidationError
from tests.catalogue.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_a_service_is_published_under_its_agencys_code_with_kinds_in_canonical_order(sabt):
    service = services.service_create(
        agency=sabt,
        code="birth-certificate-copy",
        title_fa="صدور المثنی شناسنامه",
        title_en="Duplicate birth certificate",
        trips_saved=2,
        target_minutes=30,
        office_kinds=["ict", "pishkhan"],
        required_documents=["اصل کارت ملی", "  ", "دو قطعه عکس"],
        actor=None,
    )

    assert service.code == "sabt.birth-certificate-copy"
    assert service.office_kinds == ["pishkhan", "ict"]
    assert service.required_documents == ["اصل کارت ملی", "دو قطعه عکس"]
    assert audit_entry_list_for_target(target=service).get().action == "service.create"


def test_a_full_code_with_the_agency_prefix_is_accepted(sabt):
    assert ServiceFactory(agency=sabt, code="sabt.national-card").code == "sabt.national-card"


@pytest.mark.parametrize("code", ["", "tamin.national-card", "Bad Code", "a--b", "x" * 70])
def test_a_malformed_service_code_is_refused(sabt, code):
    with pytest.raises(ValidationError) as refused:
        ServiceFactory(agency=sabt, code=code)

    assert "code" in refused.value.fields


def test_a_service_allowed_for_no_office_kind_is_refused_and_nothing_is_written(sabt):
    with pytest.raises(ValidationError) as refused:
        ServiceFactory(agency=sabt, office_kinds=[])

    assert refused.value.fields == {
        "office_kinds": ["A service must be deliverable by at least one kind of office."]
    }
    assert not Service.objects.exists()


@pytest.mark.parametrize(
    ("kinds", "message"),
    [
        (["pishkhan", "bank"], "Unknown office kind: bank."),
        (["ict", "ict"], "An office kind is listed twice."),
        ("pishkhan", "Give a list of office kinds."),
    ],
)
def test_unknown_repeated_or_unlisted_office_kinds_are_refused(sabt, kinds, message):
    with pytest.raises(ValidationError) as refused:
        ServiceFactory(agency=sabt, office_kinds=kinds)

    assert refused.value.fields == {"office_kinds": [message]}


def test_an_update_cannot_take_away_every_office_kind(sabt):
    service = ServiceFactory(agency=sabt, office_kinds=["pishkhan", "ict"])

    with pytest.raises(ValidationError):
        services.service_update(service=service, office_kinds=[], actor=None)

    service.refresh_from_db()
    assert service.office_kinds == ["pishkhan", "ict"]


def test_a_prohibited_service_must_cite_the_law(sabt):
    with pytest.raises(ValidationError) as refused:
        ServiceFactory(agency=sabt, outsourcing="prohibited")

    assert "legal_basis" in refused.value.fields


def test_a_taken_service_code_is_a_conflict(sabt):
    ServiceFactory(agency=sabt, code="national-card")

    with pytest.raises(ConflictError):
        ServiceFactory(agency=sabt, code="national-card")


def test_an_outsourcing_change_needs_a_new_legal_basis(sabt):
    service = ServiceFactory(agency=sabt, outsourcing="pending", legal_basis="در انتظار تفاهم‌نامه")

    with pytest.raises(ValidationError) as refused:
        services.service_update(service=service, outsourcing="outsourced", actor=None)

    assert "legal_basis" in refused.value.fields
    service.refresh_from_db()
    assert service.outsourcing == "pending"


def test_an_outsourcing_change_is_audited_with_its_legal_basis(sabt):
    service = ServiceFactory(agency=sabt, outsourcing="pending")
    basis = "تفاهم‌نامه برون‌سپاری ۱۴۰۴ میان سازمان ثبت احوال و سازمان تنظیم مقررات"

    services.service_update(
        service=service,
        outsourcing="outsourced",
        legal_basis=basis,
        legal_date=dt.date(2025, 5, 1),
        reason="agreement signed",
        actor="user:cra",
    )

    entry = audit_entry_list_for_target(target=service).last()
    assert (entry.action, entry.basis, entry.reason) == (
        "service.outsourcing_change",
        basis,
        "agreement signed",
    )
    assert entry.before["outsourcing"] == "pending"
    assert entry.after["outsourcing"] == "outsourced"


def test_a_legal_basis_cannot_be_dated_in_the_future(sabt):
    with pytest.raises(ValidationError) as refused:
        ServiceFactory(
            agency=sabt, legal_basis="قانون", legal_date=timezone.localdate() + dt.timedelta(days=30)
        )

    assert "legal_date" in refused.value.fields


@pytest.mark.parametrize(
    ("field", "value"),
    [("trips_saved", -1), ("trips_saved", 21), ("target_minutes", 0), ("trips_saved", "2")],
)
def test_implausible_numbers_are_refused(sabt, field, value):
    with pytest.raises(ValidationError) as refused:
        ServiceFactory(agency=sabt, **{field: value})

    assert field in refused.value.fields


def test_a_retitled_service_is_found_by_its_new_title(sabt):
    service = ServiceFactory(agency=sabt, title_fa="خدمت قدیمی")

    services.service_update(service=service, title_fa="تعویض کارت ملی", actor=None)

    assert list(selectors.service_list(q="کارت ملی")) == [service]
    assert list(selectors.service_list(q="قدیمی")) == []
