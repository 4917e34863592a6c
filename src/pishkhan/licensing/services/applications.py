"""Applications for a licence: submitted by a signed-in person, reviewed by the province's directorate,
decided by the regulator. Approval issues the licence (and registers the office) in the same transaction.

Each step locks the application and checks the move against ``APPLICATION_TRANSITIONS``, so of two
reviewers (or deciders) acting at once the second finds the step taken and gets 409.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor, actor_label, actor_user
from pishkhan.audit.services import audit_record
from pishkhan.audit.transitions import transition_apply
from pishkhan.common.errors import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from pishkhan.common.persian import to_latin_digits
from pishkhan.common.sealing import seal_json, unseal_json
from pishkhan.geo.models import County, Province
from pishkhan.licensing.errors import RecentlyRevokedError
from pishkhan.licensing.models import LICENSED_KINDS, Licence, LicenceApplication
from pishkhan.licensing.services.documents import documents_missing
from pishkhan.licensing.services.holders import ApplicantDraft, Holder, applicant_clean, holder_of_operator
from pishkhan.licensing.services.identity import applicant_bound, identity_facts
from pishkhan.licensing.services.inputs import actor_is, text_clean
from pishkhan.licensing.services.licences import licence_issue
from pishkhan.licensing.services.notices import application_tell
from pishkhan.licensing.services.numbers import insert_numbered, number_prefix
from pishkhan.licensing.services.quotas import quota_check
from pishkhan.licensing.states import (
    APPLICATION_TRANSITIONS,
    DECISION_OUTCOMES,
    IN_FORCE_STATES,
    OPEN_APPLICATION_STATES,
    REVIEW_OUTCOMES,
    ApplicationStatus,
    LicenceStatus,
)
from pishkhan.licensing.terms import add_years, date_shown, revocation_bar_start
from pishkhan.offices.models import Office, OperatorKind
from pishkhan.offices.services import OfficeDraft, OperatorDraft, office_register
from pishkhan.offices.services.drafts import clean_all
from pishkhan.offices.states import OfficeStatus

# A registration racing another for the province's next office code loses and tries the next code.
_REGISTER_ATTEMPTS = 3
# How the offices registry names the fields of an office draft → how an application names them.
_OFFICE_FIELDS = {"name": "office_name", "kind": "office_kind"}


def _refuse(name: str, message: str) -> None:
    raise ValidationError(message, fields={name: message})


def application_facts(application: LicenceApplication) -> dict[str, Any]:
    """What the audit log keeps of a submitted application (the identifier masked)."""
    return {
        "number": application.number,
        "applicant": {
            "kind": application.applicant_kind,
            "name": application.applicant_name,
            "id": application.applicant_masked,
        },
        "office_kind": application.office_kind,
        "province": application.province.code,
        "county": application.county.code,
        "office_name": application.office_name,
        "office": application.office.code if application.office_id else None,
    }


def _renamed(error: ApplicationError) -> ApplicationError:
    """An office registry's refusal with the field names of an application."""

    def name(field: str) -> str:
        if field.startswith("operator."):
            return "applicant." + field.removeprefix("operator.")
        return _OFFICE_FIELDS.get(field, field)

    return type(error)(error.detail, fields={name(f): messages for f, messages in error.fields.items()})


def _eligible(holder_key: str, now: dt.datetime) -> None:
    """Refuse (422, naming the rule) an applicant whose licence was revoked within the bar."""
    revoked_at = (
        Licence.objects.filter(
            holder_key=holder_key, status=LicenceStatus.REVOKED, ended_at__gte=revocation_bar_start(now)
        )
        .order_by("-ended_at")
        .values_list("ended_at", flat=True)
        .first()
    )
    if revoked_at is None:
        return
    years = int(settings.PISHKHAN_LICENCE_REVOCATION_BAR_YEARS)
    revoked_on = timezone.localdate(revoked_at)
    message = _(
        "No one whose licence was revoked in the last %(years)s years may apply: a licence of this "
        "applicant was revoked on %(revoked)s, so an application is possible from %(from)s."
    ) % {"years": years, "revoked": date_shown(revoked_on), "from": date_shown(add_years(revoked_on, years))}
    raise RecentlyRevokedError(message, fields={"applicant": message})


def _existing_office(code: str, holder: Holder, office_kind: str, province: str, county: str) -> Office:
    """The applicant's own office named by an application (a converted office asking for its licence)."""
    office = (
        Office.objects.select_related("operator", "province", "county")
        .defer("province__boundary", "county__boundary")
        .filter(code=to_latin_digits(str(code).strip()).upper())
        .first()
    )
    if office is None:
        _refuse("office", _("No office has the code %(code)s.") % {"code": code})
    if office.kind != office_kind:
        _refuse("office_kind", _("Office %(code)s is not of this kind.") % {"code": office.code})
    if (province and to_latin_digits(province.strip()) != office.province.code) or (
        county and to_latin_digits(county.strip()) != office.county.code
    ):
        _refuse("county", _("Office %(code)s lies in another county.") % {"code": office.code})
    if office.status == OfficeStatus.CLOSED:
        raise ConflictError(_("Office %(code)s is closed.") % {"code": office.code})
    operator = getattr(office, "operator", None)
    if operator is None or holder_of_operator(operator).key != holder.key:
        _refuse("office", _("Office %(code)s is held by someone else.") % {"code": office.code})
    if Licence.objects.filter(office=office, status__in=IN_FORCE_STATES).exists():
        message = _("Office %(code)s already has a licence in force.") % {"code": office.code}
        raise ConflictError(message, fields={"office": message})
    return office


def _operator_draft(holder: Holder) -> OperatorDraft:
    identifier = (
        {"national_id": holder.identifier}
        if holder.kind == OperatorKind.PERSON
        else {"company_id": holder.identifier}
    )
    return OperatorDraft(kind=holder.kind, name=holder.name, mobile=holder.mobile, **identifier)


def application_submit(
    *,
    applicant: ApplicantDraft,
    office_kind: str,
    province: str,
    county: str,
    actor: Actor,
    office_name: str = "",
    place: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    address: str = "",
    postal_code: str = "",
    phone: str = "",
    office: str | None = None,
    now: dt.datetime | None = None,
) -> LicenceApplication:
    """Apply, as the signed-in person behind ``actor``, for a licence for an office of a kind in a county.

    The proposed office is checked as the registry will check it at approval (county in the province,
    place in the county, point in the county, postal code); ``office`` names the applicant's existing
    office instead. Refusals: 422 for a malformed identifier, mobile or office detail, a kind the
    regulator does not license, a county of another province, or an applicant whose licence was
    revoked within the bar (``recently-revoked``); 409 when the applicant already has an open
    application for the same kind in the county; 403 without a person behind ``actor``, for an account
    that verified no national ID (``identity-unverified``) and for a person's ID other than the account's
    verified one (``identity-mismatch``; an empty one is the account's). A company applies with the
    account's verified person as its representative (docs/accounts.md).
    """
    now = now or timezone.now()
    user = actor_user(actor)
    if user is None:
        raise PermissionDeniedError(_("An application is made by a signed-in person."))
    # Under the account's verified national ID only: a person is that ID, a company is represented by it.
    applicant, representative = applicant_bound(applicant, user)
    holder = applicant_clean(applicant)
    if office_kind not in LICENSED_KINDS:
        _refuse("office_kind", _("The regulator licenses Pishkhan and rural ICT offices only."))
    if office not in (None, ""):
        existing = _existing_office(str(office), holder, office_kind, province, county)
        values = {
            "office": existing,
            "province": existing.province,
            "county": existing.county,
            "place_id": existing.place_id,
            "lat": existing.lat,
            "lon": existing.lon,
            "office_name": existing.name,
            "address": existing.address,
            "postal_code": existing.postal_code,
            "phone": existing.phone,
        }
    else:
        draft = OfficeDraft(
            name=office_name,
            kind=office_kind,
            province=province,
            county=county,
            operator=_operator_draft(holder),
            place=place,
            lat=lat,
            lon=lon,
            address=address,
            postal_code=postal_code,
            phone=phone,
        )
        try:
            (row,) = clean_all([draft], numbered=False)
        except ApplicationError as error:
            raise _renamed(error) from None
        checked = row.office
        values = {
            # (Without their boundaries, which a row never needs.)
            "province": Province.objects.defer("boundary").get(pk=checked.province_id),
            "county": County.objects.defer("boundary").get(pk=checked.county_id),
            "place_id": checked.place_id,
            # As given: without coordinates the office will stand at its place, as the registry decides.
            "lat": checked.lat if lat is not None else None,
            "lon": checked.lon if lon is not None else None,
            "office_name": checked.name,
            "address": checked.address,
            "postal_code": checked.postal_code,
            "phone": checked.phone,
        }
    with transaction.atomic():
        _eligible(holder.key, now)
        application = LicenceApplication(
            status=ApplicationStatus.SUBMITTED,
            applicant_user=user,
            applicant_kind=holder.kind,
            applicant_name=holder.name,
            applicant_key=holder.key,
            applicant_masked=holder.masked,
            mobile_masked=holder.mobile_masked,
            identity_sealed=seal_json(
                {"id": holder.identifier, "mobile": holder.mobile}
                | identity_facts(representative, sealed=True)
            ),
            office_kind=office_kind,
            submitted_at=now,
            **values,
        )
        if LicenceApplication.objects.filter(
            applicant_key=holder.key,
            county_id=application.county_id,
            office_kind=office_kind,
            status__in=OPEN_APPLICATION_STATES,
        ).exists():
            message = _(
                "This applicant already has an open application for this kind of office in the county."
            )
            raise ConflictError(message, fields={"county": message})
        insert_numbered(application, prefix=number_prefix("A", application.province.code, now))
        audit_record(
            actor=actor,
            action="application.submit",
            target=application,
            after=application_facts(application) | identity_facts(representative, sealed=False),
        )
        application_tell(application=application, status=application.status, mobile=holder.mobile)
    return application


def _rows() -> QuerySet[LicenceApplication]:
    """Applications as their services read them: with the places and the office they name."""
    return LicenceApplication.objects.select_related(
        "province", "county", "place", "office", "applicant_user"
    ).defer("province__boundary", "county__boundary", "office__search_key")


def _locked(application: LicenceApplication) -> LicenceApplication:
    found = _rows().select_for_update(of=("self",)).filter(pk=application.pk).first()
    if found is None:
        raise NotFoundError(_("No such application."))
    return found


def _move(
    application: LicenceApplication,
    target: str,
    *,
    actor: Actor,
    action: str,
    reason: str,
    basis: str = "",
    check: Callable[[LicenceApplication], None] | None = None,
    **fields: Any,
) -> LicenceApplication:
    """Change an application's status (and ``fields``) as ``APPLICATION_TRANSITIONS`` (then ``check``)
    allows; its audit entry holds the status before and after. The applicant is told of the steps
    they follow (``notices``), by the mobile sealed with the application (read before it is erased)."""
    sealed = application.identity_sealed or (
        LicenceApplication.objects.filter(pk=application.pk).values_list("identity_sealed", flat=True).first()
        or ""
    )
    moved = transition_apply(
        application,
        table=APPLICATION_TRANSITIONS,
        to=target,
        rows=_rows(),
        missing=_("No such application."),
        check=check,
        fields=fields,
        record="state",
        actor=actor,
        action=action,
        reason=reason,
        basis=basis,
    )
    if sealed:
        application_tell(
            application=LicenceApplication(number=moved.number, identity_sealed=sealed), status=moved.status
        )
    return moved


def _documents_complete(application: LicenceApplication, now: dt.datetime) -> None:
    """Refuse (409, naming them) while a required document is missing or has expired."""
    missing, expired = documents_missing(application, on=timezone.localdate(now))
    if missing or expired:
        problems = []
        if missing:
            problems.append(_("missing: %(kinds)s") % {"kinds": ", ".join(missing)})
        if expired:
            problems.append(_("expired: %(kinds)s") % {"kinds": ", ".join(expired)})
        message = _("The application's documents are not complete (%(problems)s).") % {
            "problems": "; ".join(problems)
        }
        raise ConflictError(message, fields={"documents": message})


def application_take(
    *, application: LicenceApplication, actor: Actor, reason: str = "", now: dt.datetime | None = None
) -> LicenceApplication:
    """Take a submitted application under review (the province's directorate).

    409 when another reviewer took it first, or when a required document is missing or has expired
    (the message names them).
    """
    now = now or timezone.now()
    reason = text_clean(reason, "reason")
    return _move(
        application,
        ApplicationStatus.UNDER_REVIEW,
        actor=actor,
        action="application.take",
        reason=reason,
        check=lambda locked: _documents_complete(locked, now),
        taken_at=now,
        taken_by=actor_label(actor),
    )


def application_review(
    *,
    application: LicenceApplication,
    outcome: str,
    reason: str,
    actor: Actor,
    basis: str = "",
    now: dt.datetime | None = None,
) -> LicenceApplication:
    """Recommend an application under review, or not, with the reason (the province's directorate)."""
    if outcome not in REVIEW_OUTCOMES:
        _refuse("outcome", _("The outcome is recommended or not_recommended."))
    now = now or timezone.now()
    reason, basis = text_clean(reason, "reason", required=True), text_clean(basis, "basis")
    return _move(
        application,
        outcome,
        actor=actor,
        action="application.review",
        reason=reason,
        basis=basis,
        reviewed_at=now,
        reviewed_by=actor_label(actor),
        review_reason=reason,
    )


def _office_for(application: LicenceApplication, holder: Holder, actor: Actor) -> Office:
    """The office the licence is for: the named existing one, or the proposed one registered now."""
    if application.office_id:
        office = Office.objects.select_for_update(of=("self",)).get(pk=application.office_id)
        if office.status == OfficeStatus.CLOSED or office.kind != application.office_kind:
            raise ConflictError(
                _("Office %(code)s was closed or changed its kind meanwhile.") % {"code": office.code}
            )
        return office
    place = application.place
    for attempt in range(_REGISTER_ATTEMPTS):
        try:
            return office_register(
                name=application.office_name,
                kind=application.office_kind,
                province=application.province.code,
                county=application.county.code,
                operator=_operator_draft(holder),
                place=(place.code or place.city_code) if place is not None else None,
                lat=application.lat,
                lon=application.lon,
                address=application.address,
                postal_code=application.postal_code,
                phone=application.phone,
                actor=actor,
            )
        except ConflictError as error:
            if "code" not in error.fields or attempt == _REGISTER_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _holder_of(application: LicenceApplication) -> Holder:
    """The applicant as the licence will hold them, from the identity sealed until the decision."""
    identity = unseal_json(application.identity_sealed)
    return Holder(
        kind=application.applicant_kind,
        name=application.applicant_name,
        identifier=identity["id"],
        mobile=identity["mobile"],
        key=application.applicant_key,
        masked=application.applicant_masked,
    )


def application_decide(
    *,
    application: LicenceApplication,
    outcome: str,
    reason: str,
    actor: Actor,
    basis: str = "",
    now: dt.datetime | None = None,
) -> LicenceApplication:
    """Approve or refuse a reviewed application, with the reason (the regulator).

    Approval, in the same transaction: checks the applicant is still eligible and the county's quota
    (409 ``quota-reached``, nothing changes), registers the proposed office (or takes the named
    existing one) and issues its licence. The applicant's sealed identifiers are erased either way.
    Of two concurrent decisions the second finds the application decided: 409.
    """
    if outcome not in DECISION_OUTCOMES:
        _refuse("outcome", _("The outcome is approved or refused."))
    now = now or timezone.now()
    reason, basis = text_clean(reason, "reason", required=True), text_clean(basis, "basis")

    def approvable(locked: LicenceApplication) -> None:
        if outcome == ApplicationStatus.APPROVED:
            _eligible(locked.applicant_key, now)
            quota_check(county=locked.county, office_kind=locked.office_kind)

    with transaction.atomic():
        # Read first: the licence names the applicant by the identity the move erases.
        sealed = _locked(application)
        application = _move(
            application,
            outcome,
            actor=actor,
            action="application.decide",
            reason=reason,
            basis=basis,
            check=approvable,
            decided_at=now,
            decided_by=actor_label(actor),
            decision_reason=reason,
            decision_basis=basis,
            identity_sealed="",
        )
        if outcome == ApplicationStatus.APPROVED:
            holder = _holder_of(sealed)
            application.licence = licence_issue(
                office=_office_for(application, holder, actor),
                holder=holder,
                actor=actor,
                reason=reason,
                basis=basis,
                application=application,
                now=now,
            )
    return application


def application_withdraw(
    *, application: LicenceApplication, actor: Actor, reason: str = "", now: dt.datetime | None = None
) -> LicenceApplication:
    """Withdraw one's own application before it is decided; its sealed identifiers are erased."""
    now = now or timezone.now()
    reason = text_clean(reason, "reason")
    with transaction.atomic():
        # Who may is asked before the table: a stranger learns nothing of the application's state.
        application = _locked(application)
        actor_is(actor, application.applicant_user_id, _("Only the applicant withdraws an application."))
        return _move(
            application,
            ApplicationStatus.WITHDRAWN,
            actor=actor,
            action="application.withdraw",
            reason=reason,
            withdrawn_at=now,
            withdrawal_reason=reason,
            identity_sealed="",
        )
