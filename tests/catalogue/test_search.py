"""The catalogue search: however a title is typed, the same services are found (acceptance)."""

import pytest

from pishkhan.catalogue import selectors, services
from pishkhan.common.errors import ValidationError
from tests.catalogue.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(sabt, tamin):
    """Three services whose titles hold ی, ک and a zero-width non-joiner."""
    return {
        "card": ServiceFactory(agency=sabt, code="smart-card", title_fa="ثبت‌نام کارت ملی هوشمند",
                               title_en="Smart national ID card registration"),
        "copy": ServiceFactory(agency=sabt, code="birth-copy", title_fa="صدور المثنی شناسنامه",
                               title_en="Duplicate birth certificate", office_kinds=["pishkhan", "ict"]),
        "record": ServiceFactory(agency=tamin, code="insurance-record", title_fa="دریافت سابقه بیمه",
                                 title_en="Insurance record statement", office_kinds=["social_security"]),
    }  # fmt: skip


def _found(q, **filters):
    return [service.code for service in selectors.service_list(q=q, **filters)]


@pytest.mark.parametrize(
    "typed",
    [
        "ثبت‌نام کارت ملی",  # the correct spelling, with a ZWNJ
        "ثبتنام کارت ملی",  # no ZWNJ
        "ثبت نام کارت ملی",  # a space instead of the ZWNJ
        "ثبت‌نام كارت ملي",  # Arabic kaf and yeh
        "ثبتنام  كارت  ملي",  # all of it at once, with double spaces
        "کارت ملی",  # part of the title
        "ملی کارت",  # the words in another order
        "smart card",  # English
        "SMART  Card",
    ],
)
def test_every_spelling_finds_the_same_service(catalogue, typed):
    assert _found(typed) == ["sabt.smart-card"]


def test_arabic_yeh_finds_what_persian_yeh_finds(catalogue):
    assert _found("بيمه") == _found("بیمه") == ["tamin.insurance-record"]


def test_the_agencys_name_finds_its_services(catalogue):
    assert _found("ثبت احوال") == ["sabt.birth-copy", "sabt.smart-card"]


def test_titles_holding_the_words_together_come_first(sabt, catalogue):
    ServiceFactory(agency=sabt, code="a-first", title_fa="کارت و شناسنامه ملی")

    assert _found("کارت ملی") == ["sabt.smart-card", "sabt.a-first"]


def test_no_query_lists_everything_by_agency_and_code(catalogue):
    assert _found(None) == _found("   ") == ["sabt.birth-copy", "sabt.smart-card", "tamin.insurance-record"]


def test_a_huge_or_hostile_query_finds_nothing_and_does_not_fail(catalogue):
    assert _found("x" * 10_000) == []
    assert _found("' OR 1=1 --") == []
    assert _found("<script>alert(1)</script>") == []


def test_filters_by_agency_office_kind_and_outsourcing(catalogue):
    assert _found(None, agency="tamin") == ["tamin.insurance-record"]
    assert _found(None, office_kind="ict") == ["sabt.birth-copy"]
    assert _found(None, outsourcing="pending") == []
    assert _found(None, agency="nobody") == []


def test_an_unknown_office_kind_or_status_is_refused(catalogue):
    with pytest.raises(ValidationError) as kind:
        _found(None, office_kind="bank")
    with pytest.raises(ValidationError) as status:
        _found(None, outsourcing="maybe")

    assert ("office_kind" in kind.value.fields, "outsourcing" in status.value.fields) == (True, True)


def test_withdrawn_services_are_not_listed_unless_asked(catalogue):
    services.service_update(service=catalogue["copy"], active=False, actor=None)

    assert _found("شناسنامه") == []
    assert [s.code for s in selectors.service_list(q="شناسنامه", include_inactive=True)] == [
        "sabt.birth-copy"
    ]


def test_deliverable_services_are_allowed_for_the_kind_active_and_not_prohibited(sabt, catalogue):
    ServiceFactory(
        agency=sabt, code="banned", office_kinds=["ict"], outsourcing="prohibited", legal_basis="قانون"
    )
    withdrawn = ServiceFactory(agency=sabt, code="withdrawn", office_kinds=["ict"])
    services.service_update(service=withdrawn, active=False, actor=None)
    ServiceFactory(agency=sabt, code="waiting", office_kinds=["ict"], outsourcing="pending")

    assert [s.code for s in selectors.services_deliverable_by(kind="ict")] == [
        "sabt.birth-copy",
        "sabt.waiting",
    ]
    assert [s.code for s in selectors.services_deliverable_by(kind="social_security")] == [
        "tamin.insurance-record"
    ]


def test_the_service_list_is_one_query_with_its_agencies(catalogue, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = [service.agency.name_fa for service in selectors.service_list(q="ثبت")]

    assert names == ["سازمان ثبت احوال کشور", "سازمان ثبت احوال کشور"]
