"""Pages of citizens' complaints: the public form a licence's verification page links to (with its
thank-you page) and the public tracking page; the supervisors' queues and complaint page; the office
operator's complaints and refund orders.

The public form names the office by its code and shows its name; it is rate-limited per client
address (django-ratelimit, the address read as the tracking page reads it), and the thank-you page
shows only the number of the complaint this browser just sent. The tracking page (also rate-limited)
answers the state for the number alone, and the whole story for the number with the mobile given;
a wrong mobile gets what the number alone gets. Supervisors see their jurisdiction
(``selectors.supervision_scope``): a directorate its province's offices, the regulator everything
(its queue: the escalated complaints); a complaint outside it is answered 404. Taking one under
review, answering and closing it need ``supervision.complaints`` in its province. An office's
operator (``supervision.respond``) sees the complaints about their office and confirms refunds.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from pishkhan.accounts.permissions import (
    Principal,
    has_perm,
    permission_required,
    principal_from_request,
    public,
)
from pishkhan.common.confirmation import Confirmation, confirmation_of, is_confirmed
from pishkhan.common.errors import ApplicationError, ValidationError
from pishkhan.common.exports import Column, export_format, export_response
from pishkhan.common.forms import errors_onto
from pishkhan.common.identifiers import mobile_clean
from pishkhan.offices.models import Office
from pishkhan.offices.selectors import office_get
from pishkhan.supervision import selectors, services
from pishkhan.supervision.forms import (
    ComplaintAnswerForm,
    ComplaintCloseForm,
    ComplaintFilterForm,
    ComplaintSubmitForm,
    ComplaintTrackForm,
    RefundConfirmForm,
)
from pishkhan.supervision.models import Complaint
from pishkhan.supervision.states import ComplaintStatus, RefundStatus
from pishkhan.supervision.views.links import follow_up_url

PAGE_SIZE = 50
_SENT_KEY = "supervision:complaint-sent"
# The rate-limit groups the API counts in too: one budget per address for the page and the API.
SUBMIT_GROUP = "supervision:complaint"
TRACK_GROUP = "supervision:complaint-track"


def _complaint_rate(group: str, request: HttpRequest) -> str:
    # Enough for a family at one connection, too few to flood supervisors.
    return settings.PISHKHAN_COMPLAINT_RATE


def _office_named(code: str) -> Office | None:
    """The office a code names, to show its name beside the form; None for a malformed or unknown code."""
    if not code:
        return None
    try:
        return office_get(code=code)
    except ApplicationError:
        return None


@public
@never_cache
def complaint_new(request: HttpRequest) -> HttpResponse:
    """The citizen's complaint about an office (``?office=P23-0001`` prefills it); POST sends it."""
    status, refusal = 200, ""
    if request.method == "POST":
        form = ComplaintSubmitForm(request.POST)
        if is_ratelimited(
            request,
            group=SUBMIT_GROUP,
            key="ip",
            rate=_complaint_rate,
            method="POST",
            increment=True,
        ):
            status = 429
            refusal = _("Too many complaints from your connection. Please wait an hour and try again.")
        elif form.is_valid():
            try:
                complaint = services.complaint_submit(
                    office_code=form.cleaned_data["office"],
                    category=form.cleaned_data["category"],
                    description=form.cleaned_data["description"],
                    mobile=form.cleaned_data["mobile"],
                )
            except ApplicationError as exc:
                errors_onto(form, exc)
                status = exc.status
            else:
                request.session[_SENT_KEY] = complaint.number
                return redirect("supervision:complaint_sent")
        else:
            status = 422
        office = _office_named(request.POST.get("office", "").strip())
    else:
        code = request.GET.get("office", "").strip()[:20]
        form = ComplaintSubmitForm(initial={"office": code})
        office = _office_named(code)
        if code and office is None:
            refusal = _("No office has this code. Check it on the office's licence.")
    return render(
        request,
        "supervision/complaint_new.html",
        {"form": form, "office": office, "refusal": refusal},
        status=status,
    )


@public
@never_cache
def complaint_sent(request: HttpRequest) -> HttpResponse:
    """The thank-you page: the number of the complaint this browser just sent, and nothing else."""
    number = request.session.get(_SENT_KEY)
    if not number:
        return redirect("supervision:complaint_new")
    return render(request, "supervision/complaint_sent.html", {"number": number})


def _principal(request: HttpRequest) -> Principal:
    principal = principal_from_request(request)
    if principal is None:  # permission_required lets no stranger through; this guards a misuse
        raise PermissionDenied
    return principal


def _scope(principal: Principal) -> dict[str, str]:
    scope = selectors.supervision_scope(principal)
    if scope is None or set(scope) - {"province"}:
        raise PermissionDenied(_("You may not see complaints."))
    return scope


def _complaint_or_404(number: str, principal: Principal) -> Complaint:
    try:
        return selectors.complaint_get(number=number, scope=_scope(principal))
    except ApplicationError:
        raise Http404(number) from None


# --- The public tracking page ---------------------------------------------------------------------


def _track_mobile(value: str) -> str:
    """The mobile typed on the tracking page, clean; "" for none. ``ValidationError`` on its field."""
    value = value.strip()
    if not value:
        return ""
    try:
        return mobile_clean(value)
    except ValidationError as error:
        raise ValidationError(error.detail, fields={"mobile": error.detail}) from None


@public
@never_cache
def complaint_track(request: HttpRequest) -> HttpResponse:
    """Look a complaint up by its number (the state), or its number and mobile (the whole story), by
    POST (the mobile never in a URL); GET shows the form, with ``?number=``."""
    status, tracked, refusal = 200, None, ""
    if request.method == "POST":
        form = ComplaintTrackForm(request.POST)
        if is_ratelimited(
            request,
            group=TRACK_GROUP,
            key="ip",
            rate=settings.PISHKHAN_COMPLAINT_TRACK_RATE,
            method="POST",
            increment=True,
        ):
            status = 429
            refusal = _("Too many look-ups from your connection. Please wait a minute and try again.")
        elif form.is_valid():
            try:
                tracked = selectors.complaint_track(
                    number=form.cleaned_data["number"], mobile=_track_mobile(form.cleaned_data["mobile"])
                )
            except ApplicationError as exc:
                errors_onto(form, exc)
                status = exc.status
            else:
                # The mobile is not written back into the page: the next look-up starts without it.
                form = ComplaintTrackForm(initial={"number": tracked.number})
        else:
            status = 422
    else:
        form = ComplaintTrackForm(initial={"number": request.GET.get("number", "")[:40]})
    return render(
        request,
        "supervision/complaint_track.html",
        {"form": form, "tracked": tracked, "refusal": refusal},
        status=status,
    )


# --- The supervisors' queues ----------------------------------------------------------------------


def _export_columns() -> list[Column]:
    return [
        Column(_("Number"), lambda c: c.number),
        Column(_("State"), lambda c: c.get_status_display()),
        Column(_("Category"), lambda c: c.get_category_display()),
        Column(_("Office code"), lambda c: c.office.code),
        Column(_("Office"), lambda c: c.office.name),
        Column(_("Province"), lambda c: c.office.province.code),
        Column(_("Received"), lambda c: c.created_at),
        Column(_("Answer due"), lambda c: c.answer_due_at),
        Column(_("Escalated to the regulator"), lambda c: c.escalated_at),
        Column(_("Answered"), lambda c: c.answered_at),
        Column(pgettext("complaint status", "Closed"), lambda c: c.closed_at),
        Column(_("Outcome"), lambda c: c.get_outcome_display() if c.outcome else ""),
        Column(_("Refund ordered (rials)"), lambda c: c.refund_amount),
        Column(_("Refund"), lambda c: c.get_refund_status_display()),
        Column(_("Refund overdue"), lambda c: c.refund_overdue_at),
    ]


def _export_wanted(request: HttpRequest) -> str | None:
    """The export asked for, or None for the page; an unknown format is a bad request (400)."""
    try:
        return export_format(request)
    except ValidationError as exc:
        raise SuspiciousOperation(exc.detail) from None


@permission_required("supervision.view")
def complaint_list(request: HttpRequest) -> HttpResponse:
    """Complaints about offices in the caller's jurisdiction, newest first: the directorate's queue,
    and with ``?escalated=yes`` the regulator's. Filters: state, category, office, escalated, overdue,
    refund; exported as CSV or XLSX with the same filters."""
    scope = _scope(_principal(request))
    form = ComplaintFilterForm(request.GET or None)
    status = 200
    complaints = Complaint.objects.none()
    if form.is_bound and not form.is_valid():
        status = 422
    else:
        try:
            complaints = selectors.complaint_list(scope=scope, **form.filters())
        except ApplicationError as exc:
            errors_onto(form, exc)
            status = exc.status
    wanted = _export_wanted(request)
    if wanted is not None and status == 200:
        return export_response(
            rows=complaints.iterator(), columns=_export_columns(), filename="complaints", format=wanted
        )
    page = Paginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/complaint_list.html",
        {
            "form": form,
            "page": page,
            "now": timezone.now(),
            "regulator_queue": request.GET.get("escalated") == "yes",
        },
        status=status,
    )


def _may_act(principal: Principal, complaint: Complaint) -> bool:
    return has_perm(principal, "supervision.complaints", province=complaint.office.province.code)


def _action_labels() -> dict[str, str]:
    return {
        "complaint.submit": _("Received"),
        "complaint.review": _("Taken under review"),
        "complaint.escalate": _("Escalated to the regulator"),
        "complaint.answer": _("Answered"),
        "complaint.answer_texted": _("Answer texted to the citizen"),
        "complaint.close": pgettext("complaint status", "Closed"),
        "complaint.refund_order": _("Refund ordered"),
        "complaint.refund_overdue": _("Refund overdue"),
        "complaint.refund_confirm": _("Refund confirmed"),
    }


def _steps(complaint: Complaint) -> list[tuple[object, str]]:
    """The complaint's audit entries, oldest first, each with the words for its step."""
    labels = _action_labels()
    return [
        (entry, labels.get(entry.action, entry.action))
        for entry in selectors.complaint_timeline(complaint=complaint)
    ]


@permission_required("supervision.view")
def complaint_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One complaint: the office, what happened, the masked mobile, its timeline, and the actions."""
    principal = _principal(request)
    complaint = _complaint_or_404(number, principal)
    return _detail(request, principal, complaint)


def _detail(
    request: HttpRequest,
    principal: Principal,
    complaint: Complaint,
    *,
    answer_form: ComplaintAnswerForm | None = None,
    close_form: ComplaintCloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_act = _may_act(principal, complaint)
    follow_up = {
        "office_code": complaint.office.code,
        "province": complaint.office.province.code,
        "source": f"complaint:{complaint.number}",
    }
    open_to_close = complaint.status in {ComplaintStatus.UNDER_REVIEW, ComplaintStatus.ANSWERED}
    if answer_form is None and may_act and complaint.status == ComplaintStatus.UNDER_REVIEW:
        answer_form = ComplaintAnswerForm()
    if close_form is None and may_act and open_to_close:
        close_form = ComplaintCloseForm()
    return render(
        request,
        "supervision/complaint_detail.html",
        {
            "complaint": complaint,
            "steps": _steps(complaint),
            "now": timezone.now(),
            "may_review": may_act and complaint.status == ComplaintStatus.RECEIVED,
            "answer_form": answer_form if may_act else None,
            "form": close_form if may_act else None,
            "inspection_url": follow_up_url(principal, "inspection", **follow_up),
            "sanction_url": follow_up_url(principal, "sanction", **follow_up),
        },
        status=status,
    )


def _acting(request: HttpRequest, number: str) -> tuple[Principal, Complaint]:
    principal = _principal(request)
    complaint = _complaint_or_404(number, principal)
    if not _may_act(principal, complaint):
        raise PermissionDenied(_("You may not handle this complaint."))
    return principal, complaint


@permission_required("supervision.complaints")
@require_POST
def complaint_review(request: HttpRequest, number: str) -> HttpResponse:
    """Take the complaint under review, then show it."""
    principal, complaint = _acting(request, number)
    try:
        services.complaint_review(complaint=complaint, actor=principal)
    except ApplicationError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Complaint %(number)s is under review.") % {"number": complaint.number})
    return redirect("supervision:complaint_detail", number=complaint.number)


@permission_required("supervision.complaints")
@require_POST
def complaint_answer(request: HttpRequest, number: str) -> HttpResponse:
    """Answer the complaint; a refusal comes back onto the form with the answer kept (409 when the
    complaint is not under review: an answered or closed one keeps its answer)."""
    principal, complaint = _acting(request, number)
    form = ComplaintAnswerForm(request.POST)
    if not form.is_valid():
        return _detail(request, principal, complaint, answer_form=form, status=422)
    try:
        services.complaint_answer(complaint=complaint, answer=form.cleaned_data["answer"], actor=principal)
    except ApplicationError as exc:
        errors_onto(form, exc)
        return _detail(request, principal, complaint, answer_form=form, status=exc.status)
    messages.success(request, _("Complaint %(number)s is answered.") % {"number": complaint.number})
    return redirect("supervision:complaint_detail", number=complaint.number)


@permission_required("supervision.complaints")
@require_POST
def complaint_close(request: HttpRequest, number: str) -> HttpResponse:
    """Close the complaint with its outcome and reason (and a refund order on an upheld overcharge),
    after a confirmation: a closed complaint stays closed. A refusal comes back onto the form with
    what was typed kept; nothing is asked to be confirmed that the service would refuse."""
    principal, complaint = _acting(request, number)
    form = ComplaintCloseForm(request.POST)
    if not form.is_valid():
        return _detail(request, principal, complaint, close_form=form, status=422)
    data = form.cleaned_data
    values = {
        "outcome": data["outcome"],
        "reason": data["reason"],
        "refund_amount": data["refund_amount"] or None,
    }
    try:
        services.complaint_close_check(complaint=complaint, **values)
        if not is_confirmed(request):
            return render(
                request, "web/confirm.html", {"confirmation": _close_confirmation(request, complaint, form)}
            )
        services.complaint_close(complaint=complaint, actor=principal, **values)
    except ApplicationError as exc:
        errors_onto(form, exc)
        return _detail(request, principal, complaint, close_form=form, status=exc.status)
    messages.success(request, _("Complaint %(number)s is closed.") % {"number": complaint.number})
    return redirect("supervision:complaint_detail", number=complaint.number)


def _close_confirmation(request: HttpRequest, complaint: Complaint, form: ComplaintCloseForm) -> Confirmation:
    data = form.cleaned_data
    facts = [
        (_("Outcome"), str(dict(form.fields["outcome"].choices)[data["outcome"]])),
        (_("Reason"), data["reason"]),
    ]
    if data["refund_amount"]:
        facts.append((_("Refund ordered (rials)"), data["refund_amount"]))
    return confirmation_of(
        request,
        title=_("Close complaint %(number)s?") % {"number": complaint.number},
        consequence=_("A closed complaint cannot be reopened; the citizen sees the outcome."),
        button=_("Close the complaint"),
        cancel_url=reverse("supervision:complaint_detail", kwargs={"number": complaint.number}),
        facts=facts,
    )


# --- The office's side ----------------------------------------------------------------------------


def _office_scope(principal: Principal) -> dict[str, str]:
    scope = selectors.supervision_scope(principal)
    if scope is None or set(scope) != {"office"}:
        raise PermissionDenied(_("Only an office's operator sees its complaints here."))
    return scope


def _office_complaint_or_404(number: str, principal: Principal) -> Complaint:
    try:
        return selectors.complaint_get(number=number, scope=_office_scope(principal))
    except ApplicationError:
        raise Http404(number) from None


@permission_required("supervision.respond")
def office_complaints(request: HttpRequest) -> HttpResponse:
    """The complaints about the operator's office, with the refund orders awaiting its confirmation
    first; exported as CSV or XLSX."""
    scope = _office_scope(_principal(request))
    complaints = selectors.complaint_list(scope=scope)
    wanted = _export_wanted(request)
    if wanted is not None:
        return export_response(
            rows=complaints.iterator(), columns=_export_columns(), filename="office-complaints", format=wanted
        )
    refunds = complaints.filter(refund_status=RefundStatus.ORDERED).order_by("refund_due_at")
    page = Paginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/complaint_office.html",
        {"page": page, "refunds": refunds, "now": timezone.now()},
    )


@permission_required("supervision.respond")
def office_complaint_detail(request: HttpRequest, number: str) -> HttpResponse:
    """A complaint about the operator's office (without the citizen's mobile), and its refund order."""
    complaint = _office_complaint_or_404(number, _principal(request))
    return _office_detail(request, complaint)


def _office_detail(
    request: HttpRequest, complaint: Complaint, *, form: RefundConfirmForm | None = None, status: int = 200
) -> HttpResponse:
    if form is None and complaint.refund_status == RefundStatus.ORDERED:
        form = RefundConfirmForm()
    return render(
        request,
        "supervision/complaint_office_detail.html",
        {"complaint": complaint, "form": form, "now": timezone.now()},
        status=status,
    )


@permission_required("supervision.respond")
@require_POST
def office_refund_confirm(request: HttpRequest, number: str) -> HttpResponse:
    """The office confirms it refunded the citizen, with the refund's reference."""
    principal = _principal(request)
    complaint = _office_complaint_or_404(number, principal)
    form = RefundConfirmForm(request.POST)
    if not form.is_valid():
        return _office_detail(request, complaint, form=form, status=422)
    try:
        services.complaint_refund_confirm(
            complaint=complaint, reference=form.cleaned_data["reference"], actor=principal
        )
    except ApplicationError as exc:
        errors_onto(form, exc)
        return _office_detail(request, complaint, form=form, status=exc.status)
    messages.success(
        request, _("The refund of complaint %(number)s is confirmed.") % {"number": complaint.number}
    )
    return redirect("supervision:office_complaint_detail", number=complaint.number)
