"""Applications through the services: submission checks, documents, review, decision, withdrawal."""

import datetime as dt

import pytest
from django.utils import timezone

from pishkhan.audit.models import AuditEntry
from pishkhan.common.errors import ConflictError, PermissionDeniedError, TransitionError, ValidationError
from pishkhan.common.identifiers import national_id_mask
from pishkhan.common.sealing import unseal_json
from pishkhan.licensing.errors import IdentityMismatchError, IdentityUnverifiedError, RecentlyRevokedError
from pishkhan.licensing.models import Licence, LicenceApplication
from pishkhan.licensing.services import (
    application_decide,
    application_document_add,
    application_submit,
    application_take,
    application_withdraw,
    holder_key,
    licence_revoke,
)
from pishkhan.offices.models import Office
from tests.licensing.factories import (
    PDF,
    add_documents,
    applicant_draft,
    approved,
    as_principal,
    directorate,
    imported,
    licensee,
    regulator,
    reviewed,
    submit,
    upload,
    verify,
)
from tests.offices.factories import (
    ARDESTAN_COUNTY,
    TEHRAN_CITY,
    TEHRAN_COUNTY,
    TEHRAN_PROVINCE,
    make_office,
    national_id,
    operator_draft,
)

pytestmark = pytest.mark.usefixtures("geo")


def test_a_submission_keeps_the_identifier_only_hashed_masked_and_sealed():
    user = licensee()

    application = submit(user)

    stored = LicenceApplication.objects.get(pk=application.pk)
    assert stored.status == "submitted"
    assert stored.number.startswith("A-23-")
    assert stored.applicant_user == user
    assert stored.applicant_key == holder_key("person", national_id(5001))
    assert stored.applicant_masked == national_id(5001)[:3] + "*****" + national_id(5001)[-2:]
    assert national_id(5001) not in stored.identity_sealed
    assert stored.mobile_masked == "0935***0001"
    entry = AuditEntry.objects.get(action="application.submit")
    assert national_id(5001) not in str(entry.after)


def test_numbers_follow_one_another_within_the_province_and_year():
    first, second = submit(licensee(), 1), submit(licensee(), 2)

    assert int(second.number[-5:]) == int(first.number[-5:]) + 1
    assert first.number[:10] == second.number[:10]


def test_a_county_of_another_province_is_refused():
    with pytest.raises(ValidationError) as refused:
        submit(licensee(), county=ARDESTAN_COUNTY, place=None)

    assert "county" in refused.value.fields
    assert LicenceApplication.objects.count() == 0


@pytest.mark.parametrize(
    ("applicant", "field"),
    [
        ({"national_id": "0012345678"}, "applicant.national_id"),
        ({"mobile": "021555"}, "applicant.mobile"),
        ({"kind": "company", "national_id": "", "company_id": "10380284792"}, "applicant.company_id"),
        ({"kind": "company", "company_id": "10380284790"}, "applicant.national_id"),
        ({"name": "  "}, "applicant.name"),
    ],
)
def test_malformed_applicants_are_refused_naming_the_field(applicant, field):
    with pytest.raises(ValidationError) as refused:
        submit(licensee(), applicant=applicant_draft(1, **applicant))

    assert field in refused.value.fields


def test_a_company_applies_with_its_national_company_id():
    draft = applicant_draft(1, kind="company", name="شرکت نمونه", national_id="", company_id="10380284790")

    application = submit(licensee(), applicant=draft)

    assert application.applicant_kind == "company"
    assert application.applicant_key == holder_key("company", "10380284790")


def test_one_account_cannot_apply_under_another_national_id():
    # The account that once applied under four IDs, another holder's among them (issue 21).
    mine, theirs = national_id(5001), national_id(5002)
    holder = verify(licensee(username="holder"), theirs)
    approved(holder, 2)
    account = verify(licensee(username="account"), mine)

    with pytest.raises(IdentityMismatchError) as other_holders:
        submit(account, applicant=applicant_draft(2, national_id=theirs))
    with pytest.raises(IdentityMismatchError):
        submit(account, applicant=applicant_draft(3, national_id=national_id(5003)))
    own = submit(account, applicant=applicant_draft(1, national_id=""))  # empty: the account's own

    assert other_holders.value.status == 403
    assert "applicant.national_id" in other_holders.value.fields
    assert list(LicenceApplication.objects.filter(applicant_user=account)) == [own]
    assert own.applicant_key == holder_key("person", mine)


def test_an_account_that_verified_no_national_id_cannot_apply():
    account = licensee()

    with pytest.raises(IdentityUnverifiedError) as refused:
        application_submit(
            applicant=applicant_draft(1),
            office_kind="pishkhan",
            province=TEHRAN_PROVINCE,
            county=TEHRAN_COUNTY,
            place=TEHRAN_CITY,
            actor=as_principal(account),
        )

    assert refused.value.status == 403
    assert not LicenceApplication.objects.exists()


def test_a_company_is_represented_by_the_accounts_verified_person():
    account = verify(licensee(), national_id(5001))
    draft = applicant_draft(1, kind="company", name="شرکت نمونه", national_id="", company_id="10380284790")

    application = submit(account, applicant=draft)

    identity = unseal_json(LicenceApplication.objects.get(pk=application.pk).identity_sealed)
    assert identity["representative"] == national_id(5001)
    entry = AuditEntry.objects.get(action="application.submit")
    assert entry.after["representative"] == national_id_mask(national_id(5001))
    assert national_id(5001) not in str(entry.after)


@pytest.mark.parametrize("kind", ["e_city", "social_security", "health_insurance", "bakery"])
def test_only_pishkhan_and_rural_ict_offices_are_licensed(kind):
    with pytest.raises(ValidationError) as refused:
        submit(licensee(), office_kind=kind)

    assert "office_kind" in refused.value.fields


def test_an_office_detail_is_checked_as_the_registry_will_check_it():
    with pytest.raises(ValidationError) as refused:
        submit(licensee(), postal_code="0000000000")
    assert "postal_code" in refused.value.fields

    with pytest.raises(ValidationError) as refused:
        submit(licensee(), office_name="")
    assert "office_name" in refused.value.fields


def test_one_open_application_per_applicant_county_and_kind():
    user = licensee()
    submit(user)

    with pytest.raises(ConflictError):
        submit(user)
    assert submit(user, office_kind="ict", office_name="دفتر ICT").status == "submitted"


def test_an_applicant_whose_licence_was_revoked_recently_is_refused_naming_the_rule():
    # given an office held by the applicant whose licence was revoked last year
    office = make_office(1, operator=operator_draft(1, national_id=national_id(5001)))
    licence = imported(office, status="active", issued_on=timezone.localdate() - dt.timedelta(days=800))
    licence_revoke(
        licence=licence,
        reason="عدم فعالیت",
        basis="ماده ۱۲",
        actor=None,
        now=timezone.now() - dt.timedelta(days=365),
    )

    # when they apply again, then the rule refuses them
    with pytest.raises(RecentlyRevokedError) as refused:
        submit(licensee())
    assert refused.value.code == "recently-revoked"
    assert "3 years" in refused.value.detail


def test_a_revocation_older_than_the_bar_does_not_refuse(settings):
    settings.PISHKHAN_LICENCE_REVOCATION_BAR_YEARS = 1
    office = make_office(1, operator=operator_draft(1, national_id=national_id(5001)))
    licence = imported(office, status="active", issued_on=timezone.localdate() - dt.timedelta(days=800))
    licence_revoke(
        licence=licence,
        reason="عدم فعالیت",
        basis="ماده ۱۲",
        actor=None,
        now=timezone.now() - dt.timedelta(days=400),
    )

    assert submit(licensee()).status == "submitted"


# --- Documents ------------------------------------------------------------------------------------


def test_documents_are_typed_by_content_stored_under_a_random_name():
    user = licensee()
    application = submit(user)

    document = application_document_add(
        application=application, kind="premises", file=upload(PDF, "سند ملک.pdf"), actor=as_principal(user)
    )

    assert document.content_type == "application/pdf"
    assert document.size == len(PDF)
    assert document.original_name == "سند ملک.pdf"
    assert "سند" not in document.file.name
    assert document.file.name.endswith(".pdf")
    with document.file.open("rb") as stored:
        assert stored.read() == PDF


def test_a_text_file_named_pdf_is_refused():
    user = licensee()
    application = submit(user)

    with pytest.raises(ValidationError) as refused:
        application_document_add(
            application=application, kind="premises", file=upload(b"just text", "deed.pdf"), actor=user
        )
    assert "file" in refused.value.fields
    assert application.documents.count() == 0


def test_an_oversize_document_is_refused():
    user = licensee()
    application = submit(user)
    big = PDF + b"0" * (5 * 1024 * 1024)

    with pytest.raises(ValidationError) as refused:
        application_document_add(application=application, kind="premises", file=upload(big), actor=user)
    assert "file" in refused.value.fields


def test_an_expired_document_is_refused_and_a_clearance_needs_its_expiry():
    user = licensee()
    application = submit(user)
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    with pytest.raises(ValidationError) as expired:
        application_document_add(
            application=application, kind="identity", file=upload(), expires_on=yesterday, actor=user
        )
    with pytest.raises(ValidationError) as undated:
        application_document_add(application=application, kind="clearance", file=upload(), actor=user)

    assert "expires_on" in expired.value.fields
    assert "expires_on" in undated.value.fields


def test_only_the_applicant_adds_documents_and_only_before_review():
    user = licensee()
    application = submit(user)

    with pytest.raises(PermissionDeniedError):
        application_document_add(application=application, kind="premises", file=upload(), actor=licensee())
    add_documents(application, user)
    application_take(application=application, actor=directorate())
    with pytest.raises(ConflictError):
        application_document_add(application=application, kind="other", file=upload(), actor=user)


def test_an_application_without_its_documents_cannot_be_taken():
    user = licensee()
    application = submit(user)
    add_documents(application, user, kinds=["identity", "premises"])

    with pytest.raises(ConflictError) as refused:
        application_take(application=application, actor=directorate())

    assert "clearance" in refused.value.detail
    assert "education" in refused.value.detail
    assert LicenceApplication.objects.get(pk=application.pk).status == "submitted"


# --- Decision -------------------------------------------------------------------------------------


def test_approval_registers_the_office_and_issues_its_licence_in_one_go():
    user = licensee()

    application, licence = approved(user)

    office = Office.objects.select_related("operator").get(pk=licence.office_id)
    assert application.status == "approved"
    assert application.identity_sealed == ""
    assert office.name == "دفتر پیشخوان پیشنهادی 1"
    assert office.kind == "pishkhan"
    assert office.county.code == "2301"
    assert office.operator.national_id == national_id(5001)
    assert licence.status == "issued"
    assert licence.number.startswith("L-23-")
    assert licence.applicant_user == user
    assert licence.holder_key == application.applicant_key
    assert (licence.expires_on - licence.issued_on).days in (1826, 1827)
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-4:] == ["application.decide", "office.register", "licence.issue", "office.serving"]


def test_a_refusal_needs_a_reason_and_issues_nothing():
    user = licensee()
    application = submit(user)
    add_documents(application, user)
    reviewed(application, directorate(), outcome="not_recommended")

    with pytest.raises(ValidationError):
        application_decide(application=application, outcome="refused", reason="", actor=regulator())
    refused = application_decide(
        application=application, outcome="refused", reason="محل نامناسب", actor=regulator()
    )

    assert refused.status == "refused"
    assert refused.identity_sealed == ""
    assert Licence.objects.count() == 0


def test_the_regulator_may_approve_against_the_directorates_advice():
    user = licensee()
    application = submit(user)
    add_documents(application, user)
    reviewed(application, directorate(), outcome="not_recommended")

    decided = application_decide(
        application=application, outcome="approved", reason="بازبینی شد", actor=regulator()
    )

    assert decided.licence.status == "issued"


def test_withdrawal_only_by_the_applicant_and_only_before_the_decision():
    user = licensee()
    application = submit(user)

    with pytest.raises(PermissionDeniedError):
        application_withdraw(application=application, actor=licensee())
    withdrawn = application_withdraw(application=application, reason="انصراف", actor=as_principal(user))
    assert withdrawn.status == "withdrawn"
    assert withdrawn.identity_sealed == ""

    decided, _licence = approved(licensee(), 2)
    with pytest.raises(TransitionError):
        application_withdraw(application=decided, actor=decided.applicant_user)


def test_an_applicant_licenses_their_existing_office():
    # given a converted office whose operator applies for its licence
    office = make_office(7, operator=operator_draft(7, national_id=national_id(5007)))

    application, licence = approved(licensee(), 7, office=office.code)

    assert application.office == office
    assert licence.office == office
    assert Office.objects.count() == 1


def test_an_existing_office_held_by_someone_else_is_refused():
    office = make_office(7)

    with pytest.raises(ValidationError) as refused:
        submit(licensee(), 8, office=office.code)
    assert "office" in refused.value.fields
