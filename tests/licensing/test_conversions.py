"""A converted office ends with its Pishkhan licence: the service, and the worker's job that finds them."""

import datetime as dt

import pytest
from django.utils import timezone

from pishkhan.common.errors import ConflictError
from pishkhan.licensing.models import Licence
from pishkhan.licensing.services import licence_issue_for_conversion, licence_revoke
from pishkhan.licensing.tasks import conversions_licence_due
from pishkhan.offices.services import conversion_decide, conversion_request, conversion_review
from tests.licensing.factories import imported, regulator
from tests.offices.factories import make_office

pytestmark = pytest.mark.usefixtures("geo")


def _converted(n=1, kind="social_security"):
    office = make_office(n, kind=kind)
    conversion = conversion_request(office=office, actor=None)
    conversion_review(conversion=conversion, actor=None)
    return conversion_decide(conversion=conversion, outcome="converted", basis="قانون ۱۳۸۸", actor=None)


def test_a_converted_office_gets_an_issued_pishkhan_licence_held_by_its_operator():
    conversion = _converted()

    licence = licence_issue_for_conversion(conversion=conversion, actor=regulator())

    assert (licence.kind, licence.status, licence.conversion) == ("pishkhan", "issued", conversion)
    assert licence.holder_name == conversion.office.operator.name
    assert licence.number.startswith("L-23-")


def test_an_undecided_conversion_or_a_second_licence_is_refused():
    office = make_office(1, kind="e_city")
    open_case = conversion_request(office=office, actor=None)
    with pytest.raises(ConflictError):
        licence_issue_for_conversion(conversion=open_case, actor=None)

    conversion = _converted(2)
    licence_issue_for_conversion(conversion=conversion, actor=None)
    with pytest.raises(ConflictError):
        licence_issue_for_conversion(conversion=conversion, actor=None)


def test_a_converted_ict_office_surrenders_its_ict_licence_for_the_pishkhan_one():
    office = make_office(1, kind="ict")
    ict_licence = imported(office, status="active")
    conversion = conversion_request(office=office, actor=None)
    conversion_review(conversion=conversion, actor=None)
    conversion_decide(conversion=conversion, outcome="converted", actor=None)

    licence = licence_issue_for_conversion(conversion=conversion, actor=None)

    assert Licence.objects.get(pk=ict_licence.pk).status == "surrendered"
    assert Licence.objects.get(pk=licence.pk).status == "issued"


def test_the_job_issues_the_missing_licences_once_and_never_again_after_a_revocation():
    conversions = [_converted(n) for n in range(1, 4)]
    now = timezone.now()

    assert conversions_licence_due(now=now) == 3
    assert conversions_licence_due(now=now) == 0
    licence = Licence.objects.get(conversion=conversions[0])
    licence_revoke(licence=licence, reason="عدم فعالیت", basis="ماده ۱۲", actor=None)

    assert conversions_licence_due(now=now + dt.timedelta(hours=1)) == 0
    assert Licence.objects.filter(kind="pishkhan").count() == 3


def test_the_job_counts_a_licence_already_imported_for_the_converted_office():
    conversion = _converted()
    imported(conversion.office, status="active")

    assert conversions_licence_due(now=timezone.now()) == 0
