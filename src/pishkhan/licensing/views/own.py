"""The applicant's and holder's pages: their applications and licences, the application form, one
application with its documents (upload, withdraw), and one licence with its timeline (surrender).

A licensee reads only their own rows (``selectors.licensing_scope`` narrows to the applicant); a
number of someone else's is answered 404, as if it did not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pishkhan.accounts.permissions import has_perm, permission_required
from pishkhan.common.confirmation import confirmation_of, is_confirmed
from pishkhan.common.errors import ApplicationError
from pishkhan.common.forms import errors_onto
from pishkhan.licensing import selectors, services
from pishkhan.licensing.forms import (
    APPLICANT_FIELD_NAMES,
    ApplicationSubmitForm,
    DocumentAddForm,
    SurrenderForm,
    WithdrawForm,
)
from pishkhan.licensing.services import MAX_DOCUMENT_BYTES, ApplicantDraft
from pishkhan.licensing.states import OPEN_APPLICATION_STATES, ApplicationStatus
from pishkhan.licensing.views._shared import (
    application_or_404,
    asked_province,
    county_choices,
    documents_checklist,
    licence_or_404,
    moved_on_message,
    principal_of,
    province_choices,
    scope_of,
)


@permission_required("licensing.view_own")
def my_licences(request: HttpRequest) -> HttpResponse:
    """The caller's applications (newest first, with their state) and licences."""
    principal = principal_of(request)
    scope = scope_of(principal)
    return render(
        request,
        "licensing/my_licences.html",
        {
            "applications": list(selectors.application_list(scope=scope)),
            "licences": list(selectors.licence_list(scope=scope)),
            "may_apply": has_perm(principal, "licensing.apply"),
        },
    )


def _renamed(exc: ApplicationError) -> ApplicationError:
    """The service's refusal with the form's names for the applicant's fields."""
    fields = {APPLICANT_FIELD_NAMES.get(name, name): messages for name, messages in exc.fields.items()}
    return type(exc)(exc.detail, fields=fields)


@permission_required("licensing.apply")
def application_new(request: HttpRequest) -> HttpResponse:
    """Apply for a licence: who applies, the kind of office, the county, and the office proposed."""
    principal = principal_of(request)
    data = request.POST if request.method == "POST" else None
    # What the account already knows fills the form at first; the applicant may change any of it.
    known = selectors.applicant_known(user=request.user) if data is None else {}
    form = ApplicationSubmitForm(
        data,
        initial=known,
        bound_national_id=request.user.national_id_masked,
        provinces=province_choices(),
        # Every county, grouped by province, until one is chosen (htmx then narrows the list).
        counties=county_choices(asked_province(request, data) or known.get("province", "")),
    )
    status = 200
    if data is not None:
        if form.is_valid():
            cleaned = form.cleaned_data
            try:
                application = services.application_submit(
                    applicant=ApplicantDraft(
                        kind=cleaned["applicant_kind"],
                        name=cleaned["applicant_name"],
                        mobile=cleaned["mobile"],
                        national_id=cleaned["national_id"],
                        company_id=cleaned["company_id"],
                    ),
                    office_kind=cleaned["office_kind"],
                    province=cleaned["province"],
                    county=cleaned["county"],
                    office_name=cleaned["office_name"],
                    place=cleaned["place"] or None,
                    lat=cleaned["lat"],
                    lon=cleaned["lon"],
                    address=cleaned["address"],
                    postal_code=cleaned["postal_code"],
                    phone=cleaned["phone"],
                    office=cleaned["office"] or None,
                    actor=principal,
                )
            except ApplicationError as exc:
                errors_onto(form, _renamed(exc))
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Application %(number)s was submitted. Now add its documents.")
                    % {"number": application.number},
                )
                return redirect("licensing:my_application", number=application.number)
        else:
            status = 422
    verified = request.user.identity_verified
    return render(
        request, "licensing/application_new.html", {"form": form, "verified": verified}, status=status
    )


@permission_required("licensing.view_own")
def my_application(request: HttpRequest, number: str) -> HttpResponse:
    """One's own application: where it stands, its documents (and the upload form), withdrawal."""
    principal = principal_of(request)
    scope = scope_of(principal)
    application = application_or_404(number, scope)
    may_apply = has_perm(principal, "licensing.apply")
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    if posted and (not may_apply or posted not in ("document", "withdraw")):
        raise PermissionDenied(_("You may not do this here."))
    # Offered while the application allows it; a form posted from a page that has gone stale is still
    # handled, and the service's refusal (409) says why.
    document_form = DocumentAddForm(
        request.POST if posted == "document" else None, request.FILES if posted == "document" else None
    )
    withdraw_form = WithdrawForm(request.POST if posted == "withdraw" else None, prefix="withdraw")
    status = 200
    if posted:
        form = document_form if posted == "document" else withdraw_form
        if form.is_valid():
            try:
                if posted == "document":
                    services.application_document_add(
                        application=application,
                        kind=form.cleaned_data["kind"],
                        file=form.cleaned_data["file"],
                        expires_on=form.cleaned_data["expires_on"],
                        actor=principal,
                    )
                    done = _("The document was added.")
                else:
                    services.application_withdraw(
                        application=application, reason=form.cleaned_data["reason"], actor=principal
                    )
                    done = _("Application %(number)s was withdrawn.") % {"number": application.number}
            except ApplicationError as exc:
                application = application_or_404(number, scope)
                if exc.fields and not set(exc.fields) - set(form.fields):
                    errors_onto(form, exc)
                else:
                    form.add_error(None, moved_on_message(exc, application))
                status = exc.status
            else:
                messages.success(request, done)
                return redirect("licensing:my_application", number=application.number)
        else:
            status = 422
    is_open = application.status in OPEN_APPLICATION_STATES
    checklist = documents_checklist(application)
    return render(
        request,
        "licensing/my_application.html",
        {
            "application": application,
            "checklist": checklist,
            "complete": not any(row["missing"] for row in checklist),
            "document_form": document_form
            if may_apply and (application.status == ApplicationStatus.SUBMITTED or posted == "document")
            else None,
            "withdraw_form": withdraw_form if may_apply and (is_open or posted == "withdraw") else None,
            "max_mb": MAX_DOCUMENT_BYTES // (1024 * 1024),
        },
        status=status,
    )


@permission_required("licensing.view_own")
def my_licence(request: HttpRequest, number: str) -> HttpResponse:
    """One's own licence: its state and dates, its timeline, and the surrender form while in force."""
    principal = principal_of(request)
    scope = scope_of(principal)
    licence = licence_or_404(number, scope)
    may_surrender = has_perm(principal, "licensing.surrender")
    posted = request.method == "POST"
    if posted and not may_surrender:
        raise PermissionDenied(_("You may not do this here."))
    form = SurrenderForm(request.POST if posted else None, prefix="surrender")
    status = 200
    if posted and form.is_valid() and licence.in_force and not is_confirmed(request):
        # Surrender cannot be undone: the first POST is asked again (unless it is refused anyway).
        confirmation = confirmation_of(
            request,
            title=_("Surrender licence %(number)s?") % {"number": licence.number},
            consequence=_(
                "A surrendered licence cannot be restored: the office may no longer deliver services "
                "under it, and a new licence needs a new application."
            ),
            button=_("Surrender the licence"),
            cancel_url=reverse("licensing:my_licence", kwargs={"number": licence.number}),
            facts=[(_("Reason"), form.cleaned_data["reason"])],
        )
        return render(request, "web/confirm.html", {"confirmation": confirmation})
    if posted:
        if form.is_valid():
            try:
                services.licence_surrender(
                    licence=licence, reason=form.cleaned_data["reason"], actor=principal
                )
            except ApplicationError as exc:
                licence = licence_or_404(number, scope)
                if exc.fields and not set(exc.fields) - set(form.fields):
                    errors_onto(form, exc)
                else:
                    form.add_error(None, moved_on_message(exc, licence))
                status = exc.status
            else:
                messages.success(
                    request, _("Licence %(number)s was surrendered.") % {"number": licence.number}
                )
                return redirect("licensing:my_licence", number=licence.number)
        else:
            status = 422
    return render(
        request,
        "licensing/my_licence.html",
        {
            "licence": licence,
            "timeline": list(selectors.licence_timeline(licence=licence)),
            "surrender_form": form if may_surrender and (licence.in_force or posted) else None,
        },
        status=status,
    )
