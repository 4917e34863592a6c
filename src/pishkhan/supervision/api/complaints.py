"""Citizens' complaints in the API: ``complaints``, their actions, and public tracking.

Filing is public, as the web form is: a citizen has no account, and an office system filing on a
citizen's behalf would only be trusted less for holding a key. ``POST /complaints`` therefore needs
no credentials and shares the web form's limit per client address (``PISHKHAN_COMPLAINT_RATE``).
Tracking is public too, by POST so that the mobile travels in the body and never in a URL
(``PISHKHAN_COMPLAINT_TRACK_RATE`` per address, with the tracking page): the number alone answers the
state; the number with the mobile given answers the whole story; a wrong mobile answers exactly what
the number alone does.

Supervisors (``supervision.view``) read within their jurisdiction (a directorate its province, the
regulator everything); an office's operator (``supervision.respond``) reads the complaints about their
own office (without the citizen's masked mobile) and confirms refunds. Reviewing, answering and
closing need ``supervision.complaints`` in the office's province. A complaint outside one's reach is a
404. Escalation to the regulator is the worker's (``supervision.complaints`` job), not an endpoint.

No ``from __future__ import annotations`` here: ninja's ``@paginate`` wraps a view, and the wrapper
cannot resolve string annotations against this module.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from pishkhan.accounts.auth import api_auth
from pishkhan.accounts.permissions import Principal, require
from pishkhan.common.errors import PermissionDeniedError, ValidationError
from pishkhan.common.identifiers import mobile_clean
from pishkhan.common.pagination import Pagination
from pishkhan.supervision import selectors, services
from pishkhan.supervision.models import Complaint
from pishkhan.supervision.schemas import (
    ComplaintAnswerIn,
    ComplaintCloseIn,
    ComplaintCreatedOut,
    ComplaintDetailOut,
    ComplaintIn,
    ComplaintListIn,
    ComplaintOut,
    ComplaintTrackIn,
    ComplaintTrackOut,
    RefundConfirmIn,
)

router = Router(auth=api_auth)

PAGE_SIZE = 50
# The groups the web pages count in too: one budget per address for the form and the API.
SUBMIT_GROUP = "supervision:complaint"
TRACK_GROUP = "supervision:complaint-track"


def _principal(request: HttpRequest) -> Principal:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _scope(principal: Principal) -> dict[str, str]:
    scope = selectors.supervision_scope(principal)
    if scope is None:
        raise PermissionDeniedError(_("You may not see complaints."))
    return scope


def _complaint(principal: Principal, number: str) -> Complaint:
    return selectors.complaint_get(number=number, scope=_scope(principal))


def _detail(request: HttpRequest, complaint: Complaint) -> Complaint:
    """The complaint as read again (with its office), carrying its timeline for the response."""
    fresh = selectors.complaint_get(number=complaint.number, scope={})
    fresh.timeline = list(selectors.complaint_timeline(complaint=fresh))  # type: ignore[attr-defined]
    return fresh


def _limited(request: HttpRequest, group: str, rate: str) -> None:
    if is_ratelimited(request, group=group, key="ip", rate=rate, method="POST", increment=True):
        raise HttpError(429, "Too many requests from your address; please wait and try again.")


def _may_handle(principal: Principal, complaint: Complaint) -> None:
    require(principal, "supervision.complaints", province=complaint.office.province.code)


@router.get("/complaints", response=list[ComplaintOut], summary="Complaints you may see")
@paginate(Pagination, page_size=PAGE_SIZE)
def complaint_list(request: HttpRequest, filters: Query[ComplaintListIn]):
    """Newest first: a supervisor's jurisdiction, or an operator's own office. Filters: ``status``,
    ``category``, ``office``, ``escalated``, ``overdue`` (an answer or a refund past its due time),
    ``refund``."""
    principal = _principal(request)
    return selectors.complaint_list(scope=_scope(principal), **filters.model_dump())


@router.post(
    "/complaints",
    response={201: ComplaintCreatedOut},
    auth=None,
    summary="File a complaint about an office (public, rate-limited)",
)
def complaint_submit(request: HttpRequest, payload: ComplaintIn) -> Status:
    """A citizen's complaint, as the web form files it: 201 with the number to keep and when the
    answer is due. 422 naming the field for an unknown office, category, an empty description or a
    mobile that is not one; 429 past ``PISHKHAN_COMPLAINT_RATE`` from one address."""
    _limited(request, SUBMIT_GROUP, settings.PISHKHAN_COMPLAINT_RATE)
    complaint = services.complaint_submit(
        office_code=payload.office,
        category=payload.category,
        description=payload.description,
        mobile=payload.mobile,
    )
    return Status(201, complaint)


@router.get("/complaints/{number}", response=ComplaintDetailOut, summary="One complaint and its timeline")
def complaint_detail(request: HttpRequest, number: str) -> Complaint:
    """The complaint with every audited step; 404 outside your reach."""
    return _detail(request, _complaint(_principal(request), number))


@router.post(
    "/complaints/{number}/review", response=ComplaintDetailOut, summary="Take a complaint under review"
)
def complaint_review(request: HttpRequest, number: str) -> Complaint:
    """409 unless the complaint was just received."""
    principal = _principal(request)
    complaint = _complaint(principal, number)
    _may_handle(principal, complaint)
    return _detail(request, services.complaint_review(complaint=complaint, actor=principal))


@router.post("/complaints/{number}/answer", response=ComplaintDetailOut, summary="Answer a complaint")
def complaint_answer(request: HttpRequest, number: str, payload: ComplaintAnswerIn) -> Complaint:
    """The answer the citizen is told (texted by the worker when they gave a mobile). 409 unless the
    complaint is under review (an answered or closed one keeps its answer); 422 for an empty one."""
    principal = _principal(request)
    complaint = _complaint(principal, number)
    _may_handle(principal, complaint)
    return _detail(
        request, services.complaint_answer(complaint=complaint, answer=payload.answer, actor=principal)
    )


@router.post("/complaints/{number}/close", response=ComplaintDetailOut, summary="Close a complaint")
def complaint_close(request: HttpRequest, number: str, payload: ComplaintCloseIn) -> Complaint:
    """With its ``outcome`` (``upheld``, ``partly_upheld``, ``not_upheld``) and reason; an overcharge
    upheld in whole or part orders a refund of ``refund_amount`` rials (required then, refused
    otherwise; 1 to ``PISHKHAN_COMPLAINT_REFUND_MAX``: 422 outside), which the office must confirm
    within ``PISHKHAN_COMPLAINT_REFUND_HOURS``. 409 from a received or closed complaint."""
    principal = _principal(request)
    complaint = _complaint(principal, number)
    _may_handle(principal, complaint)
    closed = services.complaint_close(
        complaint=complaint,
        outcome=payload.outcome,
        reason=payload.reason,
        refund_amount=payload.refund_amount,
        actor=principal,
    )
    return _detail(request, closed)


@router.post(
    "/complaints/{number}/refund/confirm",
    response=ComplaintDetailOut,
    summary="Confirm a refund (the office)",
)
def complaint_refund_confirm(request: HttpRequest, number: str, payload: RefundConfirmIn) -> Complaint:
    """The office's operator confirms it refunded the citizen, with the refund's reference. 409
    without a refund order or once confirmed; 403 for anyone but the office's operator."""
    principal = _principal(request)
    complaint = _complaint(principal, number)
    if "office" not in principal.scope:
        raise PermissionDeniedError(_("Only the office confirms its refunds."))
    require(principal, "supervision.respond", office=complaint.office.code)
    return _detail(
        request,
        services.complaint_refund_confirm(complaint=complaint, reference=payload.reference, actor=principal),
    )


@router.post(
    "/complaints/{number}/track",
    response=ComplaintTrackOut,
    auth=None,
    summary="Track a complaint (public, rate-limited)",
)
def complaint_track(request: HttpRequest, number: str, payload: ComplaintTrackIn) -> object:
    """The number alone (an empty body): the state. With the ``mobile`` given with the complaint: the
    history, the answer, the outcome and the refund. A wrong mobile gets what the number alone gets.
    404 for an unknown number, 422 for a malformed number or mobile, 429 past
    ``PISHKHAN_COMPLAINT_TRACK_RATE`` from one address."""
    _limited(request, TRACK_GROUP, settings.PISHKHAN_COMPLAINT_TRACK_RATE)
    mobile = payload.mobile.strip()
    if mobile:
        try:
            mobile = mobile_clean(mobile)
        except ValidationError as error:
            raise ValidationError(error.detail, fields={"mobile": error.detail}) from None
    return selectors.complaint_track(number=number, mobile=mobile)
