"""The licences list of the regulator, the directorates, inspectors and offices, and one licence's
page: its state and dates, whether its office is equipped and connected, its timeline (the audit
log's entries), and the regulator's acts (activate, suspend, reinstate, revoke, renew).

Lists narrow to the caller's reach; a licence outside it is answered 404. An office's own people see
their licence read-only.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from pishkhan.accounts.permissions import Principal, has_perm, permission_required
from pishkhan.accounts.selectors import apikey_exists_for_office
from pishkhan.common.confirmation import Confirmation, confirmation_of, is_confirmed
from pishkhan.common.errors import ApplicationError, NotFoundError
from pishkhan.common.forms import errors_onto
from pishkhan.common.persian import to_persian_digits
from pishkhan.licensing import selectors, services
from pishkhan.licensing.forms import LicenceActForm, LicenceFilterForm, LicenceRevokeForm, LicenceSuspendForm
from pishkhan.licensing.models import Licence
from pishkhan.licensing.states import IN_FORCE_STATES, LicenceStatus
from pishkhan.licensing.terms import renewal_opens_on, today
from pishkhan.licensing.views._shared import (
    PAGE_SIZE,
    filter_form,
    licence_or_404,
    moved_on_message,
    principal_of,
    scope_of,
)


@permission_required("licensing.view")
def licence_list(request: HttpRequest) -> HttpResponse:
    """Licences in the caller's reach by number, filtered; a number typed opens that licence."""
    principal = principal_of(request)
    scope = scope_of(principal)
    form = filter_form(LicenceFilterForm, request, scope)
    if "office" in scope:
        for name in ("county", "office"):
            del form.fields[name]  # an office's own people see their office's licences only
    found = selectors.licence_list(scope=scope)
    if form.is_bound:
        if form.is_valid():
            filters = dict(form.cleaned_data)
            number = filters.pop("number", "")
            try:
                if number:
                    licence = selectors.licence_get(number=number, scope=scope)
                    return redirect("licensing:licence_detail", number=licence.number)
                found = selectors.licence_list(scope=scope, **filters)
            except NotFoundError:
                form.add_error("number", _("No licence within your reach has this number."))
                found = found.none()
            except ApplicationError as exc:
                errors_onto(form, exc)
                found = found.none()
        else:
            found = found.none()
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "licensing/licence_list.html",
        {"form": form, "page": page},
    )


# The regulator's acts: the form's name, its form, and the states a licence is offered it in.
ACTS: dict[str, tuple[type[Form], frozenset[str]]] = {
    "activate": (LicenceActForm, frozenset({LicenceStatus.ISSUED})),
    "suspend": (LicenceSuspendForm, frozenset({LicenceStatus.ACTIVE})),
    "reinstate": (LicenceActForm, frozenset({LicenceStatus.SUSPENDED})),
    "renew": (LicenceActForm, frozenset({LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED})),
    "revoke": (LicenceRevokeForm, IN_FORCE_STATES),
}


# Acts that cannot be undone: a valid first POST is answered with a confirmation page.
ASKED_TWICE = frozenset({"revoke"})


def _revoke_confirmation(request: HttpRequest, licence: Licence, form: Form) -> Confirmation:
    years = settings.PISHKHAN_LICENCE_REVOCATION_BAR_YEARS
    return confirmation_of(
        request,
        title=_("Revoke licence %(number)s of %(office)s?")
        % {"number": licence.number, "office": licence.office.name},
        consequence=ngettext(
            "A revoked licence cannot be reinstated: the office may no longer deliver services under it, "
            "and its holder may not apply again for %(years)s year.",
            "A revoked licence cannot be reinstated: the office may no longer deliver services under it, "
            "and its holder may not apply again for %(years)s years.",
            years,
        )
        # The page's digits: Persian on a Persian page (the sentence is shown as it is).
        % {"years": to_persian_digits(str(years)) if (get_language() or "fa").startswith("fa") else years},
        button=_("Revoke the licence"),
        cancel_url=reverse("licensing:licence_detail", kwargs={"number": licence.number}),
        facts=[(_("Reason"), form.cleaned_data["reason"]), (_("Legal basis"), form.cleaned_data["basis"])],
    )


def _act(name: str, form: Form, licence: Licence, actor: Principal) -> str:
    """Call the service behind an act; returns the message to show. Raises the service's refusals."""
    data = form.cleaned_data
    number = {"number": licence.number}
    if name == "suspend":
        services.licence_suspend(
            licence=licence, until=data["until"], reason=data["reason"], basis=data["basis"], actor=actor
        )
        return _("Licence %(number)s is suspended.") % number
    service, done = {
        "activate": (services.licence_activate, _("Licence %(number)s is active.")),
        "reinstate": (services.licence_reinstate, _("Licence %(number)s is active again.")),
        "renew": (services.licence_renew, _("Licence %(number)s was renewed.")),
        "revoke": (services.licence_revoke, _("Licence %(number)s was revoked.")),
    }[name]
    service(licence=licence, reason=data["reason"], basis=data["basis"], actor=actor)
    return done % number


@permission_required("licensing.view")
def licence_detail(request: HttpRequest, number: str) -> HttpResponse:
    """A licence: its holder (masked), office, dates, readiness, timeline, and the acts on it."""
    principal = principal_of(request)
    scope = scope_of(principal)
    licence = licence_or_404(number, scope)
    office = licence.office
    may_act = has_perm(principal, "licensing.act", province=office.province.code, office=office.code)
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    if posted and (not may_act or posted not in ACTS):
        raise PermissionDenied(_("You may not do this here."))
    # The acts open now; one posted from a page gone stale still reaches its service, which refuses.
    acts = (
        {
            name: form_class(request.POST if name == posted else None, prefix=name)
            for name, (form_class, states) in ACTS.items()
            if name == posted or licence.status in states
        }
        if may_act
        else {}
    )
    status = 200
    if posted:
        form = acts[posted]
        # Asked twice only while the act is open: one posted from a stale page goes on to its refusal.
        if (
            form.is_valid()
            and posted in ASKED_TWICE
            and licence.status in ACTS[posted][1]
            and not is_confirmed(request)
        ):
            return render(
                request, "web/confirm.html", {"confirmation": _revoke_confirmation(request, licence, form)}
            )
        if form.is_valid():
            try:
                done = _act(posted, form, licence, principal)
            except ApplicationError as exc:
                licence = licence_or_404(number, scope)
                if exc.fields and not set(exc.fields) - set(form.fields):
                    errors_onto(form, exc)
                elif exc.fields and posted == "activate":
                    # What is missing (the API key, the first sign of life), one line each.
                    for lines in exc.fields.values():
                        for line in lines:
                            form.add_error(None, line)
                else:
                    form.add_error(None, moved_on_message(exc, licence))
                status = exc.status
            else:
                messages.success(request, done)
                return redirect("licensing:licence_detail", number=licence.number)
        else:
            status = 422
    on = today()
    opens = renewal_opens_on(licence.expires_on)
    return render(
        request,
        "licensing/licence_detail.html",
        {
            "licence": licence,
            "office": office,
            "timeline": list(selectors.licence_timeline(licence=licence)),
            "acts": acts,
            "equipped": apikey_exists_for_office(office_code=office.code),
            "renewal_opens": opens,
            "renewal_open": opens <= on <= licence.expires_on,
            "may_see_office": has_perm(
                principal, "offices.view", province=office.province.code, office=office.code
            ),
        },
        status=status,
    )
