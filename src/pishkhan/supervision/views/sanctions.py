"""Pages of sanction cases (ADR 0010): the supervisors' list (filters, pager, CSV/XLSX), the form that
opens a case (``?office=<code>&source=<kind>:<ref>``, linked from complaints, inspections and alerts),
the case with its timeline and the next step's form only; and the holder's side under My licences
(``/supervision/my-cases/``): their cases, the facts, the answer in the remedy window and the appeal.

A case outside the caller's reach is a 404. Steps need ``supervision.sanction`` (``.appeals`` for the
appeal's decision) in the case's province; the holder's need ``supervision.respond``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pishkhan.accounts.permissions import Principal, has_perm, permission_required, principal_from_request
from pishkhan.common.errors import ApplicationError
from pishkhan.common.exports import Column, export_format, export_response
from pishkhan.common.forms import JalaliDateField, errors_onto
from pishkhan.licensing.states import ProceedingMeasure
from pishkhan.offices.selectors import office_get
from pishkhan.supervision import selectors, services
from pishkhan.supervision.models import SanctionCase, SanctionGround
from pishkhan.supervision.states import SanctionStatus

PAGE_SIZE = 50
_BLANK = [("", "—")]


class SanctionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("State"), required=False, choices=_BLANK + SanctionStatus.choices
    )
    ground = forms.ChoiceField(
        label=gettext_lazy("Ground"), required=False, choices=_BLANK + SanctionGround.choices
    )
    office = forms.CharField(label=gettext_lazy("Office code"), required=False, max_length=20)


class SanctionOpenForm(forms.Form):
    office = forms.CharField(label=gettext_lazy("Office code"), max_length=20)
    ground = forms.ChoiceField(label=gettext_lazy("Ground"), choices=SanctionGround.choices)
    facts = forms.CharField(
        label=gettext_lazy("Facts"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    evidence = forms.CharField(
        label=gettext_lazy("Evidence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )
    source = forms.CharField(label=gettext_lazy("Source"), max_length=64, required=False)


class HearingForm(forms.Form):
    day = JalaliDateField(label=gettext_lazy("Hearing date"))
    time = forms.TimeField(label=gettext_lazy("Hearing time"))
    place = forms.CharField(label=gettext_lazy("Place"), max_length=300)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=gettext_lazy("Minutes"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )


class DecideForm(forms.Form):
    measure = forms.ChoiceField(label=gettext_lazy("Measure"), choices=ProceedingMeasure.choices)
    fine_rials = forms.IntegerField(label=gettext_lazy("Fine (rials)"), min_value=1, required=False)
    suspension_days = forms.IntegerField(
        label=gettext_lazy("Suspension (days)"), min_value=1, max_value=365, required=False
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class AppealDecisionForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=gettext_lazy("Appeal"),
        choices=[("no", gettext_lazy("Refused")), ("yes", gettext_lazy("Accepted"))],
        coerce=lambda value: value == "yes",
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for closing"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class AnswerForm(forms.Form):
    statement = forms.CharField(
        label=gettext_lazy("Your answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    remedied = forms.BooleanField(label=gettext_lazy("The ground is remedied"), required=False)


class AppealForm(forms.Form):
    statement = forms.CharField(
        label=gettext_lazy("Your appeal"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


def _principal(request: HttpRequest) -> Principal:
    principal = principal_from_request(request)
    if principal is None:
        raise PermissionDenied
    return principal


def _scope(principal: Principal) -> dict[str, str]:
    scope = selectors.supervision_scope(principal)
    if scope is None:
        raise PermissionDenied(_("You may not see sanction cases."))
    return scope


def _case_or_404(number: str, principal: Principal) -> SanctionCase:
    try:
        return selectors.sanction_get(number=number, scope=_scope(principal))
    except ApplicationError:
        raise Http404(number) from None


# The next step's form for the directorate, by state (one form only), and the holder's.
def _staff_step(case: SanctionCase, now: dt.datetime) -> str:
    if case.status in (SanctionStatus.NOTICED, SanctionStatus.ANSWERED):
        return "hearing" if now >= case.remedy_by else ""
    if case.status == SanctionStatus.HEARING_SCHEDULED:  # before its time the hearing may be moved
        return "minutes" if case.hearing_at and now >= case.hearing_at else "hearing"
    return {
        SanctionStatus.HEARD: "decide",
        SanctionStatus.APPEALED: "appeal-decision",
        SanctionStatus.APPEAL_DECIDED: "enforce",
    }.get(case.status, "enforce" if case.status == SanctionStatus.DECIDED and now > case.appeal_by else "")


def _holder_step(case: SanctionCase, now: dt.datetime) -> str:
    if case.status == SanctionStatus.NOTICED and now <= case.remedy_by:
        return "answer"
    if case.status == SanctionStatus.DECIDED and case.appeal_by and now <= case.appeal_by:
        return "appeal"
    return ""


# The timeline's words for each step of a case.
STEP_LABELS = {
    "sanction.open": gettext_lazy("Notice served"),
    "sanction.answer": gettext_lazy("Holder answered"),
    "sanction.hearing": gettext_lazy("Hearing set"),
    "sanction.heard": gettext_lazy("Holder heard"),
    "sanction.decide": gettext_lazy("Measure decided"),
    "sanction.appeal": gettext_lazy("Appeal lodged"),
    "sanction.appeal_decide": gettext_lazy("Appeal decided"),
    "sanction.enforce": gettext_lazy("Measure enforced"),
    "sanction.close": gettext_lazy("Closed without measure"),
}

STEP_FORMS: dict[str, type[forms.Form]] = {
    "hearing": HearingForm,
    "minutes": MinutesForm,
    "decide": DecideForm,
    "appeal-decision": AppealDecisionForm,
    "enforce": ReasonForm,
    "close": CloseForm,
    "answer": AnswerForm,
    "appeal": AppealForm,
}
STEP_PERMS = {
    "hearing": "supervision.sanction",
    "minutes": "supervision.sanction",
    "decide": "supervision.sanction",
    "appeal-decision": "supervision.appeals",
    "enforce": "supervision.sanction",
    "close": "supervision.sanction",
    "answer": "supervision.respond",
    "appeal": "supervision.respond",
}


def _may(principal: Principal, case: SanctionCase, step: str) -> bool:
    return has_perm(principal, STEP_PERMS[step], province=case.province.code, office=case.office.code)


def _detail(
    request: HttpRequest,
    case: SanctionCase,
    *,
    holder: bool,
    form: forms.Form | None = None,
    step: str = "",
    status: int = 200,
) -> HttpResponse:
    principal = _principal(request)
    now = timezone.now()
    if form is None:
        step = _holder_step(case, now) if holder else _staff_step(case, now)
        if step and not _may(principal, case, step):
            step = ""
        if step == "decide":
            form = DecideForm(
                initial={
                    "measure": case.proposed_measure,
                    "fine_rials": case.proposed_fine_rials,
                    "suspension_days": case.proposed_suspension_days,
                }
            )
        elif step:
            form = STEP_FORMS[step]()
    may_close = (
        not holder
        and case.status
        in (
            SanctionStatus.NOTICED,
            SanctionStatus.ANSWERED,
            SanctionStatus.HEARING_SCHEDULED,
            SanctionStatus.HEARD,
        )
        and _may(principal, case, "close")
    )
    return render(
        request,
        "supervision/sanction_detail.html",
        {
            "case": case,
            "holder": holder,
            "form": form,
            "step": step,
            "close_form": CloseForm() if may_close and step != "close" else None,
            "timeline": [
                (STEP_LABELS.get(entry.action, entry.action), entry)
                for entry in selectors.sanction_timeline(case=case)
            ],
        },
        status=status,
    )


def _columns() -> list[Column]:
    return [
        Column(_("Number"), lambda c: c.number),
        Column(_("State"), lambda c: c.get_status_display()),
        Column(_("Ground"), lambda c: c.get_ground_display()),
        Column(_("Office"), lambda c: c.office.code),
        Column(_("Licence"), lambda c: c.licence.number),
        Column(_("Offence"), lambda c: c.offence),
        Column(_("Proposed measure"), lambda c: c.get_proposed_measure_display()),
        Column(_("Measure"), lambda c: c.get_measure_display() if c.measure else ""),
        Column(_("Fine (rials)"), lambda c: c.fine_rials or ""),
        Column(_("Suspension (days)"), lambda c: c.suspension_days or ""),
        Column(_("Opened"), lambda c: c.opened_at),
        Column(_("Source"), lambda c: c.source),
    ]


def _list(request: HttpRequest, *, holder: bool) -> HttpResponse:
    scope = _scope(_principal(request))
    form = SanctionFilterForm(request.GET or None)
    status = 200
    cases = SanctionCase.objects.none()
    if form.is_bound and not form.is_valid():
        status = 422
    else:
        data = form.cleaned_data if form.is_bound else {}
        try:
            cases = selectors.sanction_list(
                scope=scope,
                status=data.get("status") or None,
                ground=data.get("ground") or None,
                office=data.get("office") or None,
            )
        except ApplicationError as exc:
            errors_onto(form, exc)
            status = exc.status
    wanted = export_format(request)
    if wanted is not None and status == 200:
        return export_response(rows=cases, columns=_columns(), filename="sanctions", format=wanted)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/sanction_list.html",
        {"form": form, "page": page, "holder": holder},
        status=status,
    )


@permission_required("supervision.view")
def sanction_list(request: HttpRequest) -> HttpResponse:
    """Sanction cases in the caller's jurisdiction, newest first, by state, ground and office."""
    return _list(request, holder=False)


@permission_required("supervision.respond")
def my_cases(request: HttpRequest) -> HttpResponse:
    """The holder's cases: their licence's, or their office's."""
    return _list(request, holder=True)


@permission_required("supervision.sanction")
def sanction_new(request: HttpRequest) -> HttpResponse:
    """Open a case; ``?office=<code>&source=<kind>:<ref>`` prefills it (the ground from the source)."""
    principal = _principal(request)
    status = 200
    if request.method == "POST":
        form = SanctionOpenForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                office = office_get(code=data["office"].strip().upper())
            except ApplicationError:
                office = None
            if office is None or not has_perm(
                principal, "supervision.sanction", province=office.province.code
            ):
                form.add_error("office", _("No office has this code in your jurisdiction."))
                status = 422
            else:
                try:
                    case = services.sanction_open(
                        office_code=office.code,
                        ground=data["ground"],
                        facts=data["facts"],
                        evidence=data["evidence"],
                        source=data["source"],
                        actor=principal,
                    )
                except ApplicationError as exc:
                    errors_onto(form, exc)
                    status = exc.status
                else:
                    messages.success(
                        request,
                        _("Sanction case %(number)s is open; the notice is served.")
                        % {"number": case.number},
                    )
                    return redirect("supervision:sanction_detail", number=case.number)
        else:
            status = 422
    else:
        source = request.GET.get("source", "").strip()[:64]
        form = SanctionOpenForm(
            initial={
                "office": request.GET.get("office", "").strip()[:20],
                "source": source,
                "ground": services.ground_for_source(source),
            }
        )
    return render(request, "supervision/sanction_new.html", {"form": form}, status=status)


@permission_required("supervision.view")
def sanction_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One case: facts, evidence, the proposal, each step's record, its timeline, the next step's form."""
    return _detail(request, _case_or_404(number, _principal(request)), holder=False)


@permission_required("supervision.respond")
def my_case(request: HttpRequest, number: str) -> HttpResponse:
    """The holder's case: the facts and evidence, and the answer or appeal when it is their turn."""
    return _detail(request, _case_or_404(number, _principal(request)), holder=True)


def _act(request: HttpRequest, number: str, step: str, *, holder: bool) -> HttpResponse:
    principal = _principal(request)
    case = _case_or_404(number, principal)
    if step not in STEP_FORMS or (step in ("answer", "appeal")) != holder:
        raise Http404(step)
    if not _may(principal, case, step):
        raise PermissionDenied(_("You may not take this step."))
    form = STEP_FORMS[step](request.POST)
    if not form.is_valid():
        return _detail(request, case, holder=holder, form=form, step=step, status=422)
    data: dict[str, Any] = form.cleaned_data
    try:
        if step == "hearing":
            at = timezone.make_aware(dt.datetime.combine(data["day"], data["time"]))
            services.sanction_hearing_schedule(case=case, at=at, place=data["place"], actor=principal)
        elif step == "minutes":
            services.sanction_minutes_record(case=case, minutes=data["minutes"], actor=principal)
        elif step == "decide":
            services.sanction_decide(
                case=case,
                measure=data["measure"],
                reason=data["reason"],
                fine_rials=data.get("fine_rials"),
                suspension_days=data.get("suspension_days"),
                actor=principal,
            )
        elif step == "appeal-decision":
            services.sanction_appeal_decide(
                case=case, accepted=data["accepted"], reason=data["reason"], actor=principal
            )
        elif step == "enforce":
            services.sanction_enforce(case=case, reason=data["reason"], actor=principal)
        elif step == "close":
            services.sanction_close(case=case, reason=data["reason"], actor=principal)
        elif step == "answer":
            services.sanction_answer(
                case=case, statement=data["statement"], remedied=data["remedied"], actor=principal
            )
        else:
            services.sanction_appeal_lodge(case=case, statement=data["statement"], actor=principal)
    except ApplicationError as exc:
        errors_onto(form, exc)
        return _detail(request, case, holder=holder, form=form, step=step, status=exc.status)
    messages.success(request, _("Recorded."))
    return redirect("supervision:my_case" if holder else "supervision:sanction_detail", number=case.number)


@permission_required("supervision.view")
@require_POST
def sanction_step(request: HttpRequest, number: str, step: str) -> HttpResponse:
    """Take a step of the case (its form posted here); a refusal comes back onto the form."""
    return _act(request, number, step, holder=False)


@permission_required("supervision.respond")
@require_POST
def my_case_step(request: HttpRequest, number: str, step: str) -> HttpResponse:
    """The holder's answer or appeal."""
    return _act(request, number, step, holder=True)
