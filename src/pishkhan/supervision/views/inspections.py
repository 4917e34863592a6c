"""Pages of inspections: the list (with exports), planning a visit, the random draw, one visit with its
results and photos, the inspector's form (made for a phone, one page, submitted in one visit), a
photo, cancelling and reviewing.

Readers see ``selectors.inspection_scope``: the regulator all, a directorate its province's, an
inspector the visits assigned to them; a visit outside it is a 404. A photo is streamed only to those
readers, with its stored content type and ``nosniff``, never from a public URL.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pishkhan.accounts.models import User
from pishkhan.accounts.permissions import Principal, has_perm, permission_required, principal_of
from pishkhan.accounts.roles import Role
from pishkhan.common.confirmation import confirmation_of, is_confirmed
from pishkhan.common.errors import ApplicationError
from pishkhan.common.exports import Column, export_format, export_response
from pishkhan.common.forms import JalaliDateField, errors_onto
from pishkhan.common.persian import to_persian_digits
from pishkhan.geo.selectors import province_get, province_list
from pishkhan.supervision import selectors, services
from pishkhan.supervision.models import Inspection, InspectionPhoto, ItemOutcome, PlannedHow
from pishkhan.supervision.models.inspections import NOTE_MAX
from pishkhan.supervision.services.inspections import jalali_quarter, quota_used
from pishkhan.supervision.states import InspectionStatus
from pishkhan.supervision.views.links import follow_up_url

PAGE_SIZE = 50


# --- Forms ----------------------------------------------------------------------------------------


class InspectionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[("", gettext_lazy("All")), *InspectionStatus.choices],
    )
    planned_how = forms.ChoiceField(
        label=gettext_lazy("Planned how"),
        required=False,
        choices=[("", gettext_lazy("All")), *PlannedHow.choices],
    )
    office = forms.CharField(label=gettext_lazy("Office code"), required=False, max_length=20)
    start = JalaliDateField(label=gettext_lazy("Planned from"), required=False, help_text="")
    end = JalaliDateField(label=gettext_lazy("Planned until"), required=False, help_text="")


def _inspector_choices(province: str | None) -> list[tuple[str, str]]:
    if province:
        users = selectors.inspectors_of_province(province=province)
    else:
        users = User.objects.filter(is_active=True, role=Role.INSPECTOR).order_by("username")
    return [(user.username, user.get_full_name() or user.username) for user in users]


class PlanForm(forms.Form):
    office = forms.CharField(label=gettext_lazy("Office code"), max_length=20)
    planned_for = JalaliDateField(label=gettext_lazy("Day of the visit"))
    inspector = forms.ChoiceField(label=gettext_lazy("Inspector"))
    source = forms.CharField(
        label=gettext_lazy("Opened from"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("complaint:<number> or alert:<id>, when the visit follows one"),
    )

    def __init__(self, *args: Any, inspectors: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspector"].choices = [("", "—"), *inspectors]
        self.fields["office"].widget.attrs.update({"dir": "ltr", "autocomplete": "off"})


class DrawForm(forms.Form):
    province = forms.ChoiceField(label=gettext_lazy("Province"))
    count = forms.IntegerField(label=gettext_lazy("Visits to draw"), min_value=1, max_value=200)
    planned_for = JalaliDateField(label=gettext_lazy("Day of the visits"))
    inspector = forms.ChoiceField(
        label=gettext_lazy("Inspector"),
        required=False,
        help_text=gettext_lazy("Empty: the province's inspectors in turn"),
    )
    seed = forms.IntegerField(
        label=gettext_lazy("Seed"),
        required=False,
        min_value=0,
        help_text=gettext_lazy("To repeat a draw; empty: a new one"),
    )

    def __init__(
        self, *args: Any, provinces: list[tuple[str, str]], inspectors: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = provinces
        self.fields["inspector"].choices = [("", "—"), *inspectors]


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Review note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- Helpers --------------------------------------------------------------------------------------


def _scope(principal: Principal) -> dict[str, str]:
    scope = selectors.inspection_scope(principal)
    if scope is None:
        raise PermissionDenied(_("You may not see inspections."))
    return scope


def _inspection_or_404(pk: int, principal: Principal) -> Inspection:
    try:
        return selectors.inspection_get(pk=pk, scope=_scope(principal))
    except ApplicationError:
        raise Http404(str(pk)) from None


def _province_name(province: Any) -> str:
    persian = (get_language() or "fa").startswith("fa")
    return province.name_fa if persian or not province.name_en else province.name_en


def photo_response(photo: InspectionPhoto) -> FileResponse:
    """A photo's bytes as stored, shown inline with its own type; never sniffed, never cached publicly."""
    extension = photo.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        photo.file.open("rb"),
        content_type=photo.content_type,
        filename=f"inspection-{photo.inspection_id}-{photo.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


_EXPORT_COLUMNS = [
    Column(gettext_lazy("Inspection"), lambda i: i.pk),
    Column(gettext_lazy("Office code"), lambda i: i.office.code),
    Column(gettext_lazy("Office"), lambda i: i.office.name),
    Column(gettext_lazy("Province"), lambda i: i.province.code),
    Column(gettext_lazy("Planned for"), lambda i: i.planned_for),
    Column(gettext_lazy("Planned how"), lambda i: i.get_planned_how_display()),
    Column(gettext_lazy("Inspector"), lambda i: i.inspector.username),
    Column(gettext_lazy("State"), lambda i: i.get_status_display()),
    Column(gettext_lazy("Submitted"), lambda i: i.submitted_at),
    Column(gettext_lazy("Score"), lambda i: None if i.score is None else float(i.score)),
    Column(gettext_lazy("Opened from"), lambda i: i.source),
]


# --- Pages ----------------------------------------------------------------------------------------


@permission_required("supervision.view")
def inspection_list(request: HttpRequest) -> HttpResponse:
    """Visits in the caller's reach, latest planned first, filtered; CSV/XLSX of the same rows."""
    principal = principal_of(request)
    scope = _scope(principal)
    asked = request.GET.copy()
    for name in ("page", "export"):
        asked.pop(name, None)
    form = InspectionFilterForm(asked or None)
    status = 200
    inspections = Inspection.objects.none()
    if form.is_bound and not form.is_valid():
        status = 422
    else:
        filters = {key: value or None for key, value in (form.cleaned_data if form.is_bound else {}).items()}
        try:
            inspections = selectors.inspection_list(scope=scope, **filters)
        except ApplicationError as exc:
            errors_onto(form, exc)
            status = exc.status
    wanted = export_format(request)
    if wanted and status == 200:
        return export_response(
            rows=inspections, columns=_EXPORT_COLUMNS, filename="inspections", format=wanted
        )
    page = Paginator(inspections, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/inspection_list.html",
        {"form": form, "page": page, "may_plan": has_perm(principal, "supervision.inspections")},
        status=status,
    )


@permission_required("supervision.inspections")
def inspection_plan(request: HttpRequest) -> HttpResponse:
    """The directorate plans a visit: office, day, inspector (and the complaint or alert behind it)."""
    principal = principal_of(request)
    province = principal.scope.get("province")
    inspectors = _inspector_choices(province)
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST, inspectors=inspectors)
        if form.is_valid():
            try:
                inspection = services.inspection_plan(
                    office_code=form.cleaned_data["office"],
                    planned_for=form.cleaned_data["planned_for"],
                    inspector=form.cleaned_data["inspector"],
                    source=form.cleaned_data["source"],
                    actor=principal,
                )
            except ApplicationError as exc:
                errors_onto(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The visit is planned."))
                return redirect("supervision:inspection_detail", pk=inspection.pk)
        else:
            status = 422
    else:
        form = PlanForm(
            initial={
                "office": request.GET.get("office", "")[:20],
                "source": request.GET.get("source", "")[:40],
                "planned_for": timezone.localdate(),
            },
            inspectors=inspectors,
        )
    return render(request, "supervision/inspection_plan.html", {"form": form}, status=status)


@permission_required("supervision.inspections")
def inspection_draw(request: HttpRequest) -> HttpResponse:
    """The random draw of a province's visits, within its quarter's quota."""
    principal = principal_of(request)
    own = principal.scope.get("province")
    provinces = [
        (p.code, f"{_province_name(p)} ({p.code})") for p in province_list() if own in (None, p.code)
    ]
    inspectors = _inspector_choices(own)
    status = 200
    if request.method == "POST":
        form = DrawForm(request.POST, provinces=provinces, inspectors=inspectors)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.inspections_draw(
                    province=data["province"],
                    count=data["count"],
                    planned_for=data["planned_for"],
                    inspector=data["inspector"] or "",
                    seed=data["seed"],
                    actor=principal,
                )
            except ApplicationError as exc:
                errors_onto(form, exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("%(count)s visits drawn (seed %(seed)s).")
                    % {"count": len(result.inspections), "seed": result.draw.seed},
                )
                return redirect(f"{reverse('supervision:inspection_list')}?planned_how=random")
        else:
            status = 422
    else:
        form = DrawForm(
            initial={"province": own, "count": 1, "planned_for": timezone.localdate()},
            provinces=provinces,
            inspectors=inspectors,
        )
    quarter = jalali_quarter(timezone.localdate())
    quota = settings.PISHKHAN_INSPECTION_QUOTA_PER_QUARTER
    used = None
    if own:
        used = quota_used(province=province_get(code=own), quarter=quarter)
    return render(
        request,
        "supervision/inspection_draw.html",
        {"form": form, "quarter": quarter, "quota": quota, "used": used},
        status=status,
    )


def _detail_context(principal: Principal, inspection: Inspection) -> dict[str, Any]:
    items = list(inspection.checklist.items.all())
    results = {result.item_id: result for result in inspection.results.all()}
    photos: dict[int, list[InspectionPhoto]] = {}
    for photo in inspection.photos.all():
        photos.setdefault(photo.item_id, []).append(photo)
    rows = [
        {"item": item, "result": results.get(item.pk), "photos": photos.get(item.pk, [])} for item in items
    ]
    province = inspection.province.code
    directorate = has_perm(principal, "supervision.inspections", province=province)
    assigned = (
        principal.user is not None
        and principal.user.pk == inspection.inspector_id
        and has_perm(principal, "supervision.inspect", province=province)
    )
    return {
        "inspection": inspection,
        "rows": rows,
        "has_failures": any(row["result"] and row["result"].outcome == ItemOutcome.FAIL for row in rows),
        "sanction_url": follow_up_url(
            principal,
            "sanction",
            office_code=inspection.office.code,
            province=province,
            source=f"inspection:{inspection.pk}",
        ),
        "may_conduct": assigned
        and inspection.status in (InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS),
        "may_cancel": directorate
        and inspection.status in (InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS),
        "may_review": directorate and inspection.status == InspectionStatus.SUBMITTED,
    }


@permission_required("supervision.view")
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A visit: the office, who and when, each item's result with its note and photos, the score."""
    principal = principal_of(request)
    inspection = _inspection_or_404(pk, principal)
    context = _detail_context(principal, inspection)
    context |= {"cancel_form": CancelForm(), "review_form": ReviewForm()}
    return render(request, "supervision/inspection_detail.html", context)


def _answers_from(request: HttpRequest, codes: list[str]) -> dict[str, services.Answer]:
    return {
        code: services.Answer(
            request.POST.get(f"item_{code}", "").strip(), request.POST.get(f"note_{code}", "")
        )
        for code in codes
    }


@permission_required("supervision.inspect")
def inspection_conduct(request: HttpRequest, pk: int) -> HttpResponse:
    """The inspector's form, on a phone in the office: each item's pass / fail / n.a., a note and
    photos; saved as it goes, or submitted once every item is answered (then the score is shown)."""
    principal = principal_of(request)
    inspection = _inspection_or_404(pk, principal)
    context = _detail_context(principal, inspection)
    if not context["may_conduct"]:
        if inspection.status in (InspectionStatus.SUBMITTED, InspectionStatus.REVIEWED):
            return redirect("supervision:inspection_detail", pk=inspection.pk)
        raise PermissionDenied(_("Only the inspector assigned to this visit carries it out."))
    codes = [row["item"].code for row in context["rows"]]
    errors: dict[str, list[str]] = {}
    summary = ""
    status = 200
    posted: dict[str, Any] = {}
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        answers = _answers_from(request, codes)
        photos = [(code, upload) for code in codes for upload in request.FILES.getlist(f"photo_{code}")]
        posted = {"answers": answers, "note": request.POST.get("note", "")}
        try:
            done = services.inspection_conduct(
                inspection=inspection,
                actor=principal,
                answers=answers,
                photos=photos,
                note=request.POST.get("note", ""),
                submit=submit,
            )
        except ApplicationError as exc:
            status = exc.status
            summary = exc.detail
            errors = {name: list(messages_) for name, messages_ in exc.fields.items()}
            if photos:
                again = _("Choose the photos again: none was stored.")
                summary = f"{summary} {again}"
        else:
            if submit:
                score = done.inspection.score_display
                shown = str(score)
                if (get_language() or "fa").startswith("fa"):
                    shown = to_persian_digits(shown)
                messages.success(
                    request,
                    _("Inspection submitted. Score: %(score)s of 100.") % {"score": shown}
                    if score is not None
                    else _("Inspection submitted: no item applied, so it has no score."),
                )
                return redirect("supervision:inspection_detail", pk=inspection.pk)
            messages.success(request, _("Saved. Submit once every item is answered."))
            return redirect("supervision:inspection_conduct", pk=inspection.pk)
    for row in context["rows"]:
        code = row["item"].code
        answer = posted.get("answers", {}).get(code)
        row["outcome"] = answer.outcome if answer else (row["result"].outcome if row["result"] else "")
        row["note"] = answer.note if answer else (row["result"].note if row["result"] else "")
        row["errors"] = errors.get(f"item_{code}", []) + errors.get(f"note_{code}", [])
        row["photo_errors"] = errors.get(f"photo_{code}", [])
    context |= {
        "outcomes": ItemOutcome.choices,
        "summary": summary,
        "note": posted.get("note", inspection.note),
        "note_errors": errors.get("note", []),
        "max_mb": settings.PISHKHAN_INSPECTION_PHOTO_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "supervision/inspection_conduct.html", context, status=status)


@permission_required("supervision.view")
def inspection_photo(request: HttpRequest, pk: int, photo_id: int) -> FileResponse:
    """A photo of a visit, for its inspector, its province's directorate and the regulator only."""
    inspection = _inspection_or_404(pk, principal_of(request))
    try:
        photo = selectors.inspection_photo_get(inspection=inspection, photo_id=photo_id)
    except ApplicationError:
        raise Http404(str(photo_id)) from None
    return photo_response(photo)


@permission_required("supervision.inspections")
@require_POST
def inspection_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a visit not yet submitted (asked twice: the second POST confirms)."""
    principal = principal_of(request)
    inspection = _inspection_or_404(pk, principal)
    form = CancelForm(request.POST)
    status = 422
    if form.is_valid():
        if not is_confirmed(request):
            confirmation = confirmation_of(
                request,
                title=_("Cancel the visit to %(office)s?") % {"office": inspection.office.code},
                consequence=_("A cancelled visit cannot be resumed; a new one must be planned."),
                button=_("Cancel the visit"),
                cancel_url=reverse("supervision:inspection_detail", kwargs={"pk": inspection.pk}),
                facts=[(_("Reason"), form.cleaned_data["reason"])],
            )
            return render(request, "web/confirm.html", {"confirmation": confirmation})
        try:
            services.inspection_cancel(
                inspection=inspection, reason=form.cleaned_data["reason"], actor=principal
            )
        except ApplicationError as exc:
            errors_onto(form, exc)
            status = exc.status
        else:
            messages.success(request, _("The visit is cancelled."))
            return redirect("supervision:inspection_detail", pk=inspection.pk)
    context = _detail_context(principal, inspection) | {"cancel_form": form, "review_form": ReviewForm()}
    return render(request, "supervision/inspection_detail.html", context, status=status)


@permission_required("supervision.inspections")
@require_POST
def inspection_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a submitted visit reviewed, with a note."""
    principal = principal_of(request)
    inspection = _inspection_or_404(pk, principal)
    form = ReviewForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.inspection_review(inspection=inspection, note=form.cleaned_data["note"], actor=principal)
        except ApplicationError as exc:
            errors_onto(form, exc)
            status = exc.status
        else:
            messages.success(request, _("The visit is marked reviewed."))
            return redirect("supervision:inspection_detail", pk=inspection.pk)
    context = _detail_context(principal, inspection) | {"cancel_form": CancelForm(), "review_form": form}
    return render(request, "supervision/inspection_detail.html", context, status=status)
