"""The licensing API (mounted at ``/api/v1/``): ``licence-applications``, ``licences``, ``county-quotas``.

Reads narrow to the caller (``selectors.licensing_scope``): the regulator sees all, a directorate its
province, an office its own licence, an applicant or holder only their own; one object outside that is
a 404. Each action then checks its permission at the object's place (403). The public view of a
licence (``/licences/{number}/public``) needs no key and names no holder.

No ``from __future__ import annotations`` here: ninja's ``@paginate`` wraps a view, and the wrapper
cannot resolve string annotations against this module.
"""

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from pishkhan.accounts.auth import api_auth
from pishkhan.accounts.permissions import Principal, has_perm, require
from pishkhan.common.calendar import Day
from pishkhan.common.errors import PermissionDeniedError
from pishkhan.common.pagination import Pagination
from pishkhan.licensing import selectors, services
from pishkhan.licensing.models import Licence, LicenceApplication
from pishkhan.licensing.schemas import (
    ApplicationDecideIn,
    ApplicationListIn,
    ApplicationOut,
    ApplicationReviewIn,
    ApplicationSubmitIn,
    CountyQuotaListIn,
    CountyQuotaOut,
    CountyQuotaSetIn,
    DocumentOut,
    LicenceListIn,
    LicenceOut,
    LicencePublicOut,
    LicenceSuspendIn,
    ReasonIn,
    TimelineEntryOut,
)
from pishkhan.licensing.services import ApplicantDraft

# Named explicitly rather than inherited from the NinjaAPI, so the router is never open by accident.
router = Router(auth=api_auth, tags=["licensing"])

PAGE_SIZE = 50
_DOCUMENT_TYPES = {"application/pdf": {}, "image/png": {}, "image/jpeg": {}}


def _principal(request: HttpRequest) -> Principal:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _scope(principal: Principal) -> dict[str, str]:
    scope = selectors.licensing_scope(principal)
    if scope is None:
        raise PermissionDeniedError(_("You may not see licences or their applications."))
    return scope


def _application(principal: Principal, number: str) -> LicenceApplication:
    return selectors.application_get(number=number, scope=_scope(principal))


def _licence(principal: Principal, number: str) -> Licence:
    return selectors.licence_get(number=number, scope=_scope(principal))


def _application_out(number: str) -> LicenceApplication:
    return selectors.application_get(number=number, scope={})


def _licence_out(number: str) -> Licence:
    return selectors.licence_get(number=number, scope={})


# --- Applications ---------------------------------------------------------------------------------


@router.post("/licence-applications", response={201: ApplicationOut}, summary="Apply for a licence")
def application_submit(request: HttpRequest, payload: ApplicationSubmitIn) -> Status:
    """Apply, as the signed-in person, for a licence for an office of a kind in a county.

    Documents follow, one per ``POST /licence-applications/{number}/documents``, before the review
    starts. 422 for a malformed identifier or office detail, a county of another province, or an
    applicant whose licence was revoked within the last years (``recently-revoked``). A person applies
    under the national ID verified for the account only: 403 ``identity-mismatch`` for another, 403
    ``identity-unverified`` for an account that verified none (``docs/accounts.md``).
    """
    principal = _principal(request)
    require(principal, "licensing.apply")
    fields = payload.model_dump(exclude={"applicant"})
    application = services.application_submit(
        applicant=ApplicantDraft(**payload.applicant.model_dump()), **fields, actor=principal
    )
    return Status(201, _application_out(application.number))


@router.get(
    "/licence-applications", response=list[ApplicationOut], summary="Licence applications you may see"
)
@paginate(Pagination, page_size=PAGE_SIZE)
def application_list(request: HttpRequest, filters: Query[ApplicationListIn]):
    """Applications newest first: a directorate's province, the regulator's all, an applicant's own."""
    return selectors.application_list(scope=_scope(_principal(request)), **filters.model_dump())


@router.get("/licence-applications/{number}", response=ApplicationOut, summary="One licence application")
def application_detail(request: HttpRequest, number: str) -> object:
    """One application with its documents; 404 when it does not exist or is not yours to see."""
    return _application(_principal(request), number)


@router.post(
    "/licence-applications/{number}/documents",
    response={201: DocumentOut},
    summary="Add a document to your application",
)
def application_document_add(
    request: HttpRequest,
    number: str,
    kind: Form[str],
    file: File[UploadedFile],
    expires_on: Form[Day | None] = None,
) -> Status:
    """Upload one document (multipart: ``kind``, ``file``, ``expires_on`` where it expires).

    PDF, PNG or JPEG (read from the content, not the name), at most 5 MB; a clearance certificate
    gives its expiry, and an expired document is refused (422). Only the applicant, before the review.
    """
    principal = _principal(request)
    require(principal, "licensing.apply")
    application = _application(principal, number)
    document = services.application_document_add(
        application=application, kind=kind, file=file, expires_on=expires_on, actor=principal
    )
    return Status(201, document)


@router.get(
    "/licence-applications/{number}/documents/{document_id}",
    summary="Download a document of an application (reviewers)",
    openapi_extra={"responses": {200: {"description": "The document", "content": _DOCUMENT_TYPES}}},
)
def application_document_download(request: HttpRequest, number: str, document_id: int) -> FileResponse:
    """The document's content, for the province's directorate and the regulator only."""
    principal = _principal(request)
    application = _application(principal, number)
    province = application.province.code
    if not (
        has_perm(principal, "licensing.review", province=province)
        or has_perm(principal, "licensing.decide", province=province)
    ):
        raise PermissionDeniedError(_("Only reviewers of the application may read its documents."))
    document = selectors.application_document_get(application=application, document_id=document_id)
    extension = document.file.name.rsplit(".", 1)[-1]
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{application.number}-{document.kind}-{document.pk}.{extension}",
        content_type=document.content_type,
    )


@router.post(
    "/licence-applications/{number}/take", response=ApplicationOut, summary="Take an application under review"
)
def application_take(request: HttpRequest, number: str, payload: ReasonIn) -> object:
    """The province's directorate starts reviewing; 409 if taken already or a document is missing."""
    principal = _principal(request)
    application = _application(principal, number)
    require(principal, "licensing.review", province=application.province.code)
    services.application_take(application=application, reason=payload.reason, actor=principal)
    return _application_out(number)


@router.post(
    "/licence-applications/{number}/review",
    response=ApplicationOut,
    summary="Recommend an application or not",
)
def application_review(request: HttpRequest, number: str, payload: ApplicationReviewIn) -> object:
    """The directorate's recommendation, with its reason; 409 if another reviewer answered first."""
    principal = _principal(request)
    application = _application(principal, number)
    require(principal, "licensing.review", province=application.province.code)
    services.application_review(
        application=application,
        outcome=payload.outcome,
        reason=payload.reason,
        basis=payload.basis,
        actor=principal,
    )
    return _application_out(number)


@router.post(
    "/licence-applications/{number}/decide", response=ApplicationOut, summary="Decide an application"
)
def application_decide(request: HttpRequest, number: str, payload: ApplicationDecideIn) -> object:
    """The regulator approves (the office is registered and its licence issued) or refuses.

    409 if decided already, or ``quota-reached`` when the county has its quota of licensed offices.
    """
    principal = _principal(request)
    application = _application(principal, number)
    require(principal, "licensing.decide", province=application.province.code)
    services.application_decide(
        application=application,
        outcome=payload.outcome,
        reason=payload.reason,
        basis=payload.basis,
        actor=principal,
    )
    return _application_out(number)


@router.post(
    "/licence-applications/{number}/withdraw", response=ApplicationOut, summary="Withdraw your application"
)
def application_withdraw(request: HttpRequest, number: str, payload: ReasonIn) -> object:
    """The applicant withdraws before the decision; 409 once decided."""
    principal = _principal(request)
    require(principal, "licensing.apply")
    application = _application(principal, number)
    services.application_withdraw(application=application, reason=payload.reason, actor=principal)
    return _application_out(number)


# --- Licences -------------------------------------------------------------------------------------


@router.get("/licences", response=list[LicenceOut], summary="Licences you may see")
@paginate(Pagination, page_size=PAGE_SIZE)
def licence_list(request: HttpRequest, filters: Query[LicenceListIn]):
    """Licences by number, filtered by status, province, county, kind and office."""
    return selectors.licence_list(scope=_scope(_principal(request)), **filters.model_dump())


@router.get("/licences/{number}", response=LicenceOut, summary="One licence")
def licence_detail(request: HttpRequest, number: str) -> object:
    """One licence; 404 when it does not exist or is not yours to see."""
    return _licence(_principal(request), number)


@router.get("/licences/{number}/timeline", response=list[TimelineEntryOut], summary="A licence's history")
def licence_timeline(request: HttpRequest, number: str) -> list:
    """Every step of the licence, oldest first: its entries in the audit log, with actor, reason, basis."""
    return list(selectors.licence_timeline(licence=_licence(_principal(request), number)))


@router.get(
    "/licences/{number}/public", response=LicencePublicOut, auth=None, summary="Verify a licence (public)"
)
def licence_public(request: HttpRequest, number: str) -> LicencePublicOut:
    """For a citizen checking an office: its name, code, kind and address, the licence's status and
    dates, and the services it may deliver. Nothing about the holder."""
    licence, services_codes = selectors.licence_public(number=number)
    return LicencePublicOut.of(licence, services_codes)


def _to_act(principal: Principal, number: str) -> Licence:
    licence = _licence(principal, number)
    require(principal, "licensing.act", province=licence.office.province.code, office=licence.office.code)
    return licence


@router.post("/licences/{number}/activate", response=LicenceOut, summary="Activate an issued licence")
def licence_activate(request: HttpRequest, number: str, payload: ReasonIn) -> object:
    """Only once the office is equipped (API key) and connected (a first sign of life): else 409."""
    principal = _principal(request)
    licence = _to_act(principal, number)
    services.licence_activate(licence=licence, reason=payload.reason, basis=payload.basis, actor=principal)
    return _licence_out(number)


@router.post("/licences/{number}/suspend", response=LicenceOut, summary="Suspend a licence until a date")
def licence_suspend(request: HttpRequest, number: str, payload: LicenceSuspendIn) -> object:
    """Suspend an active licence until a future date (inclusive), with reason and legal basis."""
    principal = _principal(request)
    licence = _to_act(principal, number)
    services.licence_suspend(
        licence=licence, until=payload.until, reason=payload.reason, basis=payload.basis, actor=principal
    )
    return _licence_out(number)


@router.post("/licences/{number}/reinstate", response=LicenceOut, summary="End a suspension early")
def licence_reinstate(request: HttpRequest, number: str, payload: ReasonIn) -> object:
    """A suspended licence is active again."""
    principal = _principal(request)
    licence = _to_act(principal, number)
    services.licence_reinstate(licence=licence, reason=payload.reason, basis=payload.basis, actor=principal)
    return _licence_out(number)


@router.post("/licences/{number}/revoke", response=LicenceOut, summary="Revoke a licence")
def licence_revoke(request: HttpRequest, number: str, payload: ReasonIn) -> object:
    """Revoke, with the reason and the legal basis (both required); 409 for a licence already ended."""
    principal = _principal(request)
    licence = _to_act(principal, number)
    services.licence_revoke(licence=licence, reason=payload.reason, basis=payload.basis, actor=principal)
    return _licence_out(number)


@router.post("/licences/{number}/renew", response=LicenceOut, summary="Renew a licence")
def licence_renew(request: HttpRequest, number: str, payload: ReasonIn) -> object:
    """Extend by a term, within the window before expiry (409 ``renewal-window`` otherwise)."""
    principal = _principal(request)
    licence = _to_act(principal, number)
    services.licence_renew(licence=licence, reason=payload.reason, basis=payload.basis, actor=principal)
    return _licence_out(number)


@router.post("/licences/{number}/surrender", response=LicenceOut, summary="Surrender your licence")
def licence_surrender(request: HttpRequest, number: str, payload: ReasonIn) -> object:
    """The holder gives the licence up, with a reason; nobody else may (403)."""
    principal = _principal(request)
    require(principal, "licensing.surrender")
    licence = _licence(principal, number)
    services.licence_surrender(licence=licence, reason=payload.reason, basis=payload.basis, actor=principal)
    return _licence_out(number)


# --- Quotas ---------------------------------------------------------------------------------------


@router.get("/county-quotas", response=list[CountyQuotaOut], summary="Counties' quotas of licensed offices")
def county_quota_list(request: HttpRequest, filters: Query[CountyQuotaListIn]) -> list:
    """The quotas set (no row: no limit), in your jurisdiction."""
    principal = _principal(request)
    require(principal, "licensing.view")
    return list(selectors.county_quota_list(scope=principal.scope, province=filters.province))


@router.post("/county-quotas", response=CountyQuotaOut, summary="Set a county's quota")
def county_quota_set(request: HttpRequest, payload: CountyQuotaSetIn) -> object:
    """Set the most licensed offices of a kind a county may have in force (the regulator)."""
    principal = _principal(request)
    require(principal, "licensing.set_quota")
    quota = services.county_quota_set(**payload.model_dump(), actor=principal)
    return selectors.county_quota_list(scope={}).get(pk=quota.pk)
