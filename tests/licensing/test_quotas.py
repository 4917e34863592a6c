"""Counties' quotas: set through the service, checked at approval; no quota, no limit."""

import pytest

from pishkhan.audit.models import AuditEntry
from pishkhan.common.errors import ValidationError
from pishkhan.licensing.errors import QuotaReachedError
from pishkhan.licensing.models import CountyQuota, LicenceApplication
from pishkhan.licensing.services import application_decide, county_quota_set
from tests.licensing.factories import (
    add_documents,
    approved,
    directorate,
    imported,
    licensee,
    regulator,
    reviewed,
    submit,
)
from tests.offices.factories import DAMAVAND_COUNTY, RUDEHEN_CITY, make_office

pytestmark = pytest.mark.usefixtures("geo")


def _ready(n):
    user = licensee()
    application = submit(user, n)
    add_documents(application, user)
    return reviewed(application, directorate())


def test_without_a_quota_approvals_are_not_limited():
    for n in range(1, 4):
        approved(licensee(), n)

    assert LicenceApplication.objects.filter(status="approved").count() == 3


def test_an_approval_beyond_the_quota_is_refused_and_changes_nothing():
    # given a quota of two Pishkhan offices in Tehran county, one licensed already (an existing office)
    county_quota_set(
        county="2301", office_kind="pishkhan", maximum=2, reason="مصوبه کارگروه", actor=regulator()
    )
    imported(make_office(1), status="active")
    approved(licensee(), 2)
    application = _ready(3)
    entries = AuditEntry.objects.count()

    # when a third is approved, then the quota refuses it: 409, the application stays recommended
    with pytest.raises(QuotaReachedError) as refused:
        application_decide(application=application, outcome="approved", reason="ok", actor=regulator())
    assert refused.value.status == 409
    assert refused.value.code == "quota-reached"
    assert "2301" in refused.value.detail
    assert LicenceApplication.objects.get(pk=application.pk).status == "recommended"
    assert AuditEntry.objects.count() == entries

    # a refusal is still possible, and another kind or county is not limited by this quota
    application_decide(application=application, outcome="refused", reason="سهمیه تکمیل", actor=regulator())
    assert approved(licensee(), 4, office_kind="ict", office_name="دفتر ICT")[1].kind == "ict"
    assert approved(licensee(), 5, county=DAMAVAND_COUNTY, place=RUDEHEN_CITY)[1] is not None


def test_ended_licences_free_their_place_in_the_quota():
    county_quota_set(county="2301", office_kind="pishkhan", maximum=1, reason="مصوبه", actor=regulator())
    imported(make_office(1), status="revoked")

    assert approved(licensee(), 2)[1].status == "issued"


def test_setting_a_quota_is_audited_and_changes_in_place():
    boss = regulator()
    county_quota_set(county="2301", office_kind="pishkhan", maximum=5, reason="مصوبه ۱", actor=boss)
    quota = county_quota_set(county="2301", office_kind="pishkhan", maximum=3, reason="مصوبه ۲", actor=boss)

    assert CountyQuota.objects.get().maximum == 3 == quota.maximum
    last = AuditEntry.objects.filter(action="county_quota.set").last()
    assert (last.before, last.after["maximum"], last.reason) == ({"maximum": 5}, 3, "مصوبه ۲")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"county": "9999"}, "county"),
        ({"office_kind": "e_city"}, "office_kind"),
        ({"maximum": -1}, "maximum"),
        ({"maximum": True}, "maximum"),
        ({"reason": ""}, "reason"),
    ],
)
def test_a_malformed_quota_is_refused(values, field):
    given = {"county": "2301", "office_kind": "pishkhan", "maximum": 3, "reason": "مصوبه"} | values
    with pytest.raises(ValidationError) as refused:
        county_quota_set(**given, actor=regulator())

    assert field in refused.value.fields
