"""The applications queue of the directorates and the regulator, one application with its documents,
and the steps on it: take under review and recommend or not (the province's directorate), approve or
refuse (the regulator, beside the county's quota when one is set).

The queue narrows to the caller's reach (``selectors.licensing_scope``); an application outside it is
answered 404. A step someone else took first, or a quota reached meanwhile, comes back as 409 onto
the form the caller filled, with what they typed kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pishkhan.accounts.permissions import Principal, has_perm, permission_required
from pishkhan.common.errors import ApplicationError
from pishkhan.common.forms import errors_onto
from pishkhan.licensing import selectors, services
from pishkhan.licensing.forms import (
    ApplicationDecideForm,
    ApplicationFilterForm,
    ApplicationReviewForm,
    ApplicationTakeForm,
)
from pishkhan.licensing.models import LicenceApplication
from pishkhan.licensing.states import REVIEW_OUTCOMES, ApplicationStatus
from pishkhan.licensing.views._shared import (
    PAGE_SIZE,
    application_or_404,
    documents_checklist,
    filter_form,
    moved_on_message,
    principal_of,
    scope_of,
)


@permission_required("licensing.view")
def application_list(request: HttpRequest) -> HttpResponse:
    """Applications in the caller's reach, newest first, filtered by status, province and county."""
    principal = principal_of(request)
    scope = scope_of(principal)
    form = filter_form(ApplicationFilterForm, request, scope)
    if "office" in scope:
        del form.fields["county"]  # an office's own people have one county, their office's
    found = selectors.application_list(scope=scope)
    if form.is_bound:
        if form.is_valid():
            try:
                found = selectors.application_list(scope=scope, **form.cleaned_data)
            except ApplicationError as exc:
                errors_onto(form, exc)
                found = found.none()
        else:
            found = found.none()
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "licensing/application_list.html",
        {"form": form, "page": page},
    )


# The steps on an application: the form's name, the permission it needs, the states it is offered in.
STEPS = {
    "take": ("licensing.review", {ApplicationStatus.SUBMITTED}),
    "review": ("licensing.review", {ApplicationStatus.UNDER_REVIEW}),
    "decide": ("licensing.decide", REVIEW_OUTCOMES),
}
STEP_FORMS: dict[str, type[Form]] = {
    "take": ApplicationTakeForm,
    "review": ApplicationReviewForm,
    "decide": ApplicationDecideForm,
}


def _may(principal: Principal, application: LicenceApplication) -> set[str]:
    """The steps the caller's permissions allow on this application (whatever its state)."""
    province = application.province.code
    return {step for step, (perm, _states) in STEPS.items() if has_perm(principal, perm, province=province)}


def _apply(step: str, form: Form, application: LicenceApplication, actor: Principal) -> str:
    """Call the service behind a step; returns the message to show. Raises the service's refusals."""
    data = form.cleaned_data
    if step == "take":
        services.application_take(application=application, reason=data["reason"], actor=actor)
        return _("Application %(number)s is under review.") % {"number": application.number}
    if step == "review":
        services.application_review(
            application=application,
            outcome=data["outcome"],
            reason=data["reason"],
            basis=data["basis"],
            actor=actor,
        )
        return _("Your recommendation on %(number)s was recorded.") % {"number": application.number}
    decided = services.application_decide(
        application=application,
        outcome=data["outcome"],
        reason=data["reason"],
        basis=data["basis"],
        actor=actor,
    )
    if decided.status == ApplicationStatus.APPROVED:
        return _(
            "Application %(number)s was approved: office %(office)s is registered and licence "
            "%(licence)s issued."
        ) % {
            "number": application.number,
            "office": decided.licence.office.code,
            "licence": decided.licence.number,
        }
    return _("Application %(number)s was refused.") % {"number": application.number}


@permission_required("licensing.view")
def application_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One application: the applicant (masked), the office proposed, its documents, and the steps the
    caller may take on it now."""
    principal = principal_of(request)
    scope = scope_of(principal)
    application = application_or_404(number, scope)
    may = _may(principal, application)
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    if posted and posted not in may:
        raise PermissionDenied(_("You may not do this here."))
    # The page offers the steps open now; a step posted from a page gone stale is still taken to the
    # service, whose refusal (409: someone else acted first) is shown on the form, input kept.
    steps = {
        step: STEP_FORMS[step](request.POST if step == posted else None, prefix=step)
        for step in sorted(may)
        if step == posted or application.status in STEPS[step][1]
    }
    status = 200
    if posted:
        form = steps[posted]
        if form.is_valid():
            try:
                done = _apply(posted, form, application, principal)
            except ApplicationError as exc:
                application = application_or_404(number, scope)
                if exc.fields and not set(exc.fields) - set(form.fields):
                    errors_onto(form, exc)
                else:
                    form.add_error(None, moved_on_message(exc, application))
                status = exc.status
            else:
                messages.success(request, done)
                return redirect("licensing:application_detail", number=application.number)
        else:
            status = 422
    province = application.province.code
    checklist = documents_checklist(application)
    return render(
        request,
        "licensing/application_detail.html",
        {
            "application": application,
            "checklist": checklist,
            "complete": not any(row["missing"] for row in checklist),
            "may_read_documents": bool({"take", "review", "decide"} & may),
            "steps": steps,
            "quota": selectors.county_quota_state(
                county_id=application.county_id, office_kind=application.office_kind
            )
            if "decide" in steps
            else None,
            "licence": getattr(application, "licence", None) if application.status == "approved" else None,
            "may_see_offices": has_perm(principal, "offices.view", province=province),
        },
        status=status,
    )


@permission_required("licensing.view")
def application_document(request: HttpRequest, number: str, document_id: int) -> FileResponse:
    """A document's content, for the application's reviewers (its province's directorate, the
    regulator) only; downloaded, never shown inline."""
    principal = principal_of(request)
    application = application_or_404(number, scope_of(principal))
    if not _may(principal, application):
        raise PermissionDenied(_("Only reviewers of the application may read its documents."))
    try:
        document = selectors.application_document_get(application=application, document_id=document_id)
    except ApplicationError:
        raise Http404(str(document_id)) from None
    extension = document.file.name.rsplit(".", 1)[-1]
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{application.number}-{document.kind}-{document.pk}.{extension}",
        content_type=document.content_type,
    )
