"""Pages of the inactivity campaigns: the candidates per province (a dry run), starting a campaign, a
campaign with its report and cases, concluding it, and one case with its appeal.

Supervisors see their jurisdiction (``selectors.supervision_scope``): the regulator the whole
country, a directorate its province. Starting, concluding and deciding appeals are the regulator's
(``supervision.campaign``). A case outside one's scope is answered 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pishkhan.accounts.permissions import Principal, has_perm, permission_required, principal_from_request
from pishkhan.common.errors import ApplicationError
from pishkhan.common.forms import errors_onto
from pishkhan.geo.selectors import province_list
from pishkhan.licensing.selectors import proceeding_timeline
from pishkhan.licensing.states import ProceedingStatus
from pishkhan.supervision import selectors, services
from pishkhan.supervision.criteria import InactivityCriteria
from pishkhan.supervision.forms import AppealDecideForm, CampaignStartForm, CaseFilterForm, CriteriaForm
from pishkhan.supervision.models import InactivityCampaign
from pishkhan.supervision.states import CaseOutcome

PAGE_SIZE = 50


def _principal(request: HttpRequest) -> Principal:
    principal = principal_from_request(request)
    if principal is None:  # permission_required lets no stranger through; this guards a misuse
        raise PermissionDenied
    return principal


def _scope(principal: Principal) -> dict[str, str]:
    scope = selectors.supervision_scope(principal)
    if scope is None:
        raise PermissionDenied(_("You may not see inactivity campaigns."))
    return scope


def _province_choices(scope: dict[str, str]) -> list[tuple[str, str]] | None:
    """Every province for a national supervisor; none (no choice) for a province's."""
    if scope:
        return None
    persian = (get_language() or "fa").startswith("fa")
    return [
        (province.code, province.name_fa if persian or not province.name_en else province.name_en)
        for province in province_list()
    ]


def _campaign_or_404(number: str) -> InactivityCampaign:
    try:
        return selectors.campaign_get(number=number)
    except ApplicationError:
        raise Http404(number) from None


@permission_required("supervision.view")
def candidates(request: HttpRequest) -> HttpResponse:
    """The dry run: licences that meet the criteria, counted per province, each with its evidence."""
    principal = _principal(request)
    scope = _scope(principal)
    # The page number is no criterion: "?page=2" alone lists the default criteria's second page.
    asked = request.GET.copy()
    asked.pop("page", None)
    form = CriteriaForm(asked or None, provinces=_province_choices(scope))
    criteria = InactivityCriteria()
    found: list[selectors.InactivityCandidate] = []
    status = 200
    if form.is_bound and not form.is_valid():
        status = 422
    else:
        try:
            if form.is_bound:
                criteria = InactivityCriteria.of(**form.criteria_values())
            found = selectors.inactive_licence_candidates(criteria=criteria, scope=scope)
        except ApplicationError as exc:
            errors_onto(form, exc)
            status = exc.status
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/candidates.html",
        {
            "form": form,
            "criteria": criteria,
            "provinces": selectors.candidates_by_province(found),
            "total": len(found),
            "page": page,
            "query": asked.urlencode(),
            "may_start": has_perm(principal, "supervision.campaign"),
            "open_campaign": selectors.campaign_open(),
            "now": timezone.now(),
        },
        status=status,
    )


@permission_required("supervision.view")
def campaign_list(request: HttpRequest) -> HttpResponse:
    """Every campaign, newest first."""
    principal = _principal(request)
    page = Paginator(selectors.campaign_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/campaign_list.html",
        {"page": page, "may_start": has_perm(principal, "supervision.campaign")},
    )


@permission_required("supervision.campaign")
def campaign_start(request: HttpRequest) -> HttpResponse:
    """The regulator starts a campaign: the criteria (with today's candidates counted), grace, basis."""
    principal = _principal(request)
    data = request.POST if request.method == "POST" else None
    if data is None and request.GET:
        # A preview (from the candidates page, or "count"): what is not given keeps its default.
        data = {name: field.initial for name, field in CampaignStartForm.base_fields.items()}
        data |= {name: value for name, value in request.GET.items() if name in data}
    form = CampaignStartForm(data, provinces=_province_choices({}))
    status = 200
    criteria = InactivityCriteria()
    if form.is_bound:
        if form.is_valid():
            try:
                criteria = InactivityCriteria.of(**form.criteria_values())
                if request.method == "POST":
                    campaign = services.campaign_start(
                        criteria=criteria,
                        grace_days=form.cleaned_data["grace_days"],
                        basis=form.cleaned_data["basis"],
                        actor=principal,
                    )
                    messages.success(
                        request,
                        _("Campaign %(number)s started: the holders have been served their notices.")
                        % {"number": campaign.number},
                    )
                    return redirect("supervision:campaign_detail", number=campaign.number)
            except ApplicationError as exc:
                errors_onto(form, exc)
                status = exc.status
        else:
            status = 422
    found = selectors.inactive_licence_candidates(criteria=criteria, scope={})
    return render(
        request,
        "supervision/campaign_start.html",
        {
            "form": form,
            "provinces": selectors.candidates_by_province(found),
            "total": len(found),
            "open_campaign": selectors.campaign_open(),
        },
        status=status,
    )


@permission_required("supervision.view")
def campaign_detail(request: HttpRequest, number: str) -> HttpResponse:
    """A campaign: its criteria, its report per province and outcome, and its cases (in scope)."""
    principal = _principal(request)
    scope = _scope(principal)
    campaign = _campaign_or_404(number)
    form = CaseFilterForm(request.GET or None)
    outcome = form.cleaned_data["outcome"] if form.is_valid() else None
    cases = selectors.case_list(campaign=campaign, scope=scope, outcome=outcome or None)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(
        request,
        "supervision/campaign_detail.html",
        {
            "campaign": campaign,
            "report": selectors.campaign_report(campaign=campaign, scope=scope),
            "form": form,
            "page": page,
            "may_conclude": has_perm(principal, "supervision.campaign") and campaign.is_open,
            "grace_over": campaign.respond_by <= now,
            "now": now,
        },
    )


@permission_required("supervision.campaign")
@require_POST
def campaign_conclude(request: HttpRequest, number: str) -> HttpResponse:
    """Conclude the campaign's cases whose grace period is over, then show the campaign."""
    principal = _principal(request)
    campaign = _campaign_or_404(number)
    try:
        done = services.campaign_conclude(campaign=campaign, actor=principal)
    except ApplicationError as exc:
        messages.error(request, exc.detail)
    else:
        if done.waiting:
            messages.warning(
                request,
                _("%(decided)s cases concluded; %(waiting)s wait (an appeal to decide, or a notice unsent).")
                % {"decided": done.decided, "waiting": done.waiting},
            )
        else:
            messages.success(request, _("Campaign %(number)s is concluded.") % {"number": campaign.number})
    return redirect("supervision:campaign_detail", number=campaign.number)


@permission_required("supervision.view")
def case_detail(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """One licence's case: the evidence, the notice, the proceeding's steps, and the appeal decision."""
    principal = _principal(request)
    campaign = _campaign_or_404(number)
    try:
        case = selectors.case_get(campaign=campaign, pk=pk, scope=_scope(principal))
    except ApplicationError:
        raise Http404(str(pk)) from None
    may_decide = (
        has_perm(principal, "supervision.campaign", province=case.province.code)
        and case.outcome == CaseOutcome.PENDING
        and case.proceeding.status in (ProceedingStatus.NOTICED, ProceedingStatus.APPEALED)
    )
    if request.method == "POST" and not has_perm(principal, "supervision.campaign"):
        raise PermissionDenied(_("You may not decide appeals."))
    form = AppealDecideForm(request.POST or None) if may_decide or request.method == "POST" else None
    status = 200
    if request.method == "POST" and form is not None:
        if form.is_valid():
            try:
                services.case_appeal_decide(
                    case=case,
                    accepted=form.cleaned_data["decision"] == "accept",
                    reason=form.cleaned_data["reason"],
                    actor=principal,
                )
            except ApplicationError as exc:
                errors_onto(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The appeal was decided."))
                return redirect("supervision:case_detail", number=campaign.number, pk=case.pk)
        else:
            status = 422
    return render(
        request,
        "supervision/case_detail.html",
        {
            "campaign": campaign,
            "case": case,
            "proceeding": case.proceeding,
            "steps": list(proceeding_timeline(proceeding=case.proceeding)),
            "form": form,
        },
        status=status,
    )
