"""Forms of the campaign pages (the criteria, starting a campaign, filtering its cases, deciding an
appeal), of complaints (a citizen's complaint, filtering the list, closing one) and of the score's
weights. They parse; the rules live in ``criteria`` and the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pishkhan.supervision.criteria import (
    DEFAULT_GRACE_DAYS,
    DEFAULT_IDLE_DAYS,
    DEFAULT_NEVER_ACTIVATED_DAYS,
    MAX_DAYS,
    MAX_GRACE_DAYS,
)
from pishkhan.supervision.models import (
    COMPLAINT_TEXT_MAX,
    REFERENCE_MAX,
    SCORE_MAX,
    ComplaintCategory,
    ScoreMethod,
    ScoreWeight,
)
from pishkhan.supervision.states import CaseOutcome, ComplaintOutcome, ComplaintStatus, RefundStatus

TEXT_MAX = 2000


class CriteriaForm(forms.Form):
    """The regulator's criteria; ``provinces`` is None for a caller who sees one province only."""

    never_activated_days = forms.IntegerField(
        label=_("Issued and never activated for (days)"),
        min_value=0,
        max_value=MAX_DAYS,
        initial=DEFAULT_NEVER_ACTIVATED_DAYS,
        help_text=_("0 turns this criterion off."),
    )
    idle_days = forms.IntegerField(
        label=_("Active without a transaction for (days)"),
        min_value=0,
        max_value=MAX_DAYS,
        initial=DEFAULT_IDLE_DAYS,
        help_text=_("0 turns this criterion off."),
    )
    province = forms.ChoiceField(label=_("Province"), required=False)

    def __init__(self, *args: Any, provinces: list[tuple[str, str]] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if provinces is None:
            del self.fields["province"]
        else:
            self.fields["province"].choices = [("", _("All provinces")), *provinces]

    def criteria_values(self) -> dict[str, Any]:
        """The cleaned criteria, as ``InactivityCriteria.of`` takes them."""
        return {
            "never_activated_days": self.cleaned_data["never_activated_days"],
            "idle_days": self.cleaned_data["idle_days"],
            "province": self.cleaned_data.get("province") or None,
        }


class CampaignStartForm(CriteriaForm):
    """A campaign: the criteria, the grace period and the legal basis cited in each revocation."""

    grace_days = forms.IntegerField(
        label=_("Grace period (days)"),
        min_value=0,
        max_value=MAX_GRACE_DAYS,
        initial=DEFAULT_GRACE_DAYS,
        help_text=_("The holders' time to show activity or appeal. 0 concludes at once (demonstrations)."),
    )
    basis = forms.CharField(
        label=_("Legal basis"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Left empty: the licence's conditions of continuous service, verified online."),
    )


class CaseFilterForm(forms.Form):
    """Which of a campaign's cases to list."""

    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("All outcomes")), *CaseOutcome.choices]
    )


APPEAL_DECISIONS = [("accept", _("Accept the appeal: keep the licence")), ("refuse", _("Refuse the appeal"))]


class AppealDecideForm(forms.Form):
    """The regulator's decision on a holder's appeal, with its reason."""

    decision = forms.ChoiceField(label=_("Decision"), choices=APPEAL_DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class ComplaintSubmitForm(forms.Form):
    """A citizen's complaint about an office: the office's code, what happened, an optional mobile."""

    office = forms.CharField(
        label=_("Office code"), max_length=20, help_text=_("As on the office's licence, e.g. P23-0001.")
    )
    category = forms.ChoiceField(label=_("What is it about?"), choices=ComplaintCategory.choices)
    description = forms.CharField(
        label=_("What happened"),
        max_length=COMPLAINT_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": COMPLAINT_TEXT_MAX}),
        help_text=_("The date and time, the service, and what you were told or charged."),
    )
    mobile = forms.CharField(
        label=_("Mobile for a reply (optional)"),
        required=False,
        max_length=20,
        help_text=_("Kept encrypted and shown to supervisors only masked."),
    )


YES_NO = [("", _("Either")), ("yes", _("Yes")), ("no", _("No"))]


class ComplaintFilterForm(forms.Form):
    """Which complaints to list: the directorate's queue, or (escalated) the regulator's."""

    status = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *ComplaintStatus.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *ComplaintCategory.choices]
    )
    office = forms.CharField(label=_("Office code"), required=False, max_length=20)
    escalated = forms.ChoiceField(label=_("Escalated to the regulator"), required=False, choices=YES_NO)
    overdue = forms.ChoiceField(label=_("Overdue"), required=False, choices=YES_NO)
    refund = forms.ChoiceField(
        label=_("Refund"), required=False, choices=[("", _("Any")), *RefundStatus.choices]
    )

    def filters(self) -> dict[str, object]:
        """The selector's filters from the cleaned form."""
        data = self.cleaned_data if self.is_bound else {}

        def flag(name: str) -> bool | None:
            return {"yes": True, "no": False}.get(data.get(name) or "")

        return {
            "status": data.get("status") or None,
            "category": data.get("category") or None,
            "office": data.get("office") or None,
            "escalated": flag("escalated"),
            "overdue": flag("overdue"),
            "refund": data.get("refund") or None,
        }


class ComplaintAnswerForm(forms.Form):
    """The directorate's answer: what the citizen is told (texted when they gave a mobile)."""

    answer = forms.CharField(
        label=_("Answer to the citizen"),
        max_length=COMPLAINT_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMPLAINT_TEXT_MAX}),
        help_text=_("Sent by SMS when the citizen gave a mobile, and shown on the tracking page."),
    )


class ComplaintCloseForm(forms.Form):
    """Closing a complaint: the outcome, what was found and done (which the citizen may be told), and
    for an upheld overcharge the refund the office must make."""

    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ComplaintOutcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Reason"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    refund_amount = forms.CharField(
        label=_("Refund ordered (rials)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
        help_text=_(
            "Only for an overcharge upheld in whole or in part; the office must confirm the refund in time."
        ),
    )


class RefundConfirmForm(forms.Form):
    """The office's confirmation that it refunded the citizen."""

    reference = forms.CharField(
        label=_("Refund reference"),
        max_length=REFERENCE_MAX,
        help_text=_("The receipt or transfer number of the refund."),
    )


class ComplaintTrackForm(forms.Form):
    """A citizen's look-up: the complaint's number, and the mobile given with it for the whole story."""

    number = forms.CharField(
        label=_("Complaint number"),
        max_length=40,
        help_text=_("As you were given it, e.g. C-23-1405-00007."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    mobile = forms.CharField(
        label=_("Mobile given with the complaint (optional)"),
        required=False,
        max_length=20,
        help_text=_("With it you see the answer and the whole history; without it, only the state."),
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel", "autocomplete": "tel"}),
    )


class ScoreWeightsForm(forms.Form):
    """The score's weights, one row of fields per component (``<component>-weight`` and so on), each
    from 0 to 100; the service checks them again and writes all or nothing."""

    def __init__(self, *args: Any, weights: list[ScoreWeight], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        for row in weights:
            code = row.component
            self.fields[f"{code}-weight"] = forms.IntegerField(
                label=_("Weight"), min_value=0, max_value=SCORE_MAX, initial=row.weight
            )
            self.fields[f"{code}-method"] = forms.ChoiceField(
                label=_("How the figure counts"), choices=ScoreMethod.choices, initial=row.method
            )
            self.fields[f"{code}-per_unit"] = forms.FloatField(
                label=_("Points lost per unit"), min_value=0, max_value=SCORE_MAX, initial=row.per_unit
            )
            self.fields[f"{code}-cap"] = forms.FloatField(
                label=_("At most points lost"), min_value=0, max_value=SCORE_MAX, initial=row.cap
            )
            self.rows.append(
                (row, [self[f"{code}-{name}"] for name in ("weight", "method", "per_unit", "cap")])
            )

    def changes(self) -> dict[str, dict[str, Any]]:
        """The cleaned values by component, as ``services.score_weights_set`` takes them."""
        changes: dict[str, dict[str, Any]] = {}
        for key, value in self.cleaned_data.items():
            code, name = key.split("-", 1)
            changes.setdefault(code, {})[name] = value
        return changes
