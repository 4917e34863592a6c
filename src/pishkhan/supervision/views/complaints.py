"""Pages of citizens' complaints: the public form a licence's verification page links to (with its
thank-you page), and the supervisors' list and complaint page.

The public form names the office by its code and shows its name; it is rate-limited per client
address (django-ratelimit, the address read as the tracking page reads it), and the thank-you page
shows only the number of the complaint this browser just sent. Supervisors see their jurisdiction
(``selectors.supervision_scope``): a directorate its province's offices; a complaint outside it is
answered 404. Taking one under review and closing it need ``supervision.complaints`` in its province.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
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
from pishkhan.common.errors import ApplicationError
from pishkhan.common.forms import errors_onto
from pishkhan.offices.models import Office
from pishkhan.offices.selectors import office_get
from pishkhan.supervision import selectors, services
from pishkhan.supervision.forms import ComplaintCloseForm, ComplaintFilterForm, ComplaintSubmitForm
from pishkhan.supervision.models import Complaint
from pishkhan.supervision.states import ComplaintStatus

PAGE_SIZE = 50
_SENT_KEY = "supervision:complaint-sent"


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
            group="supervision:complaint",
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


@permission_required("supervision.view")
def complaint_list(request: HttpRequest) -> HttpResponse:
    """Complaints about offices in the caller's jurisdiction, newest first, by state and category."""
    scope = _scope(_principal(request))
    form = ComplaintFilterForm(request.GET or None)
    status = 200
    complaints = Complaint.objects.none()
    if form.is_bound and not form.is_valid():
        status = 422
    else:
        filters = form.cleaned_data if form.is_bound else {}
        complaints = selectors.complaint_list(
            scope=scope, status=filters.get("status") or None, category=filters.get("category") or None
        )
    page = Paginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/complaint_list.html",
        {"form": form, "page": page},
        status=status,
    )


def _may_act(principal: Principal, complaint: Complaint) -> bool:
    return has_perm(principal, "supervision.complaints", province=complaint.office.province.code)


@permission_required("supervision.view")
def complaint_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One complaint: the office, what happened, the masked mobile, its handling, and the actions."""
    principal = _principal(request)
    complaint = _complaint_or_404(number, principal)
    return _detail(request, complaint, may_act=_may_act(principal, complaint))


def _detail(
    request: HttpRequest,
    complaint: Complaint,
    *,
    may_act: bool,
    form: ComplaintCloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if form is None and may_act and complaint.status == ComplaintStatus.UNDER_REVIEW:
        form = ComplaintCloseForm()
    return render(
        request,
        "supervision/complaint_detail.html",
        {
            "complaint": complaint,
            "may_review": may_act and complaint.status == ComplaintStatus.RECEIVED,
            "form": form if may_act else None,
        },
        status=status,
    )


@permission_required("supervision.complaints")
@require_POST
def complaint_review(request: HttpRequest, number: str) -> HttpResponse:
    """Take the complaint under review, then show it."""
    principal = _principal(request)
    complaint = _complaint_or_404(number, principal)
    if not _may_act(principal, complaint):
        raise PermissionDenied(_("You may not handle this complaint."))
    try:
        services.complaint_review(complaint=complaint, actor=principal)
    except ApplicationError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Complaint %(number)s is under review.") % {"number": complaint.number})
    return redirect("supervision:complaint_detail", number=complaint.number)


@permission_required("supervision.complaints")
@require_POST
def complaint_close(request: HttpRequest, number: str) -> HttpResponse:
    """Close the complaint with its reason; a refusal comes back onto the form with the reason kept."""
    principal = _principal(request)
    complaint = _complaint_or_404(number, principal)
    if not _may_act(principal, complaint):
        raise PermissionDenied(_("You may not handle this complaint."))
    form = ComplaintCloseForm(request.POST)
    if not form.is_valid():
        return _detail(request, complaint, may_act=True, form=form, status=422)
    try:
        services.complaint_close(complaint=complaint, reason=form.cleaned_data["reason"], actor=principal)
    except ApplicationError as exc:
        errors_onto(form, exc)
        return _detail(request, complaint, may_act=True, form=form, status=exc.status)
    messages.success(request, _("Complaint %(number)s is closed.") % {"number": complaint.number})
    return redirect("supervision:complaint_detail", number=complaint.number)
