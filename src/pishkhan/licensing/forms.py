"""Forms of the licensing pages: the application and its documents, the steps of review and decision,
the regulator's acts on a licence, the holder's surrender, the lists' filters and the public check.

Forms parse what a person typed (Persian digits, Jalali dates, a Persian decimal separator); the
rules are the services' and selectors' to enforce, and a refusal comes back onto the form
(:func:`pishkhan.common.forms.errors_onto`). So a reason the service requires is optional here: the
service says so, in the same words the API gives.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pishkhan.catalogue.forms import JalaliDateField
from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.common.errors import ValidationError
from pishkhan.common.identifiers import company_id_clean, mobile_clean, national_id_clean, postal_code_clean
from pishkhan.common.persian import to_latin_digits
from pishkhan.licensing.models import LICENSED_KINDS, DocumentKind
from pishkhan.licensing.services.inputs import TEXT_MAX_LENGTH
from pishkhan.licensing.states import ApplicationStatus, LicenceStatus
from pishkhan.offices.forms import CodeChoiceField, CoordinateField
from pishkhan.offices.models import OperatorKind

Choices = list[tuple[str, Any]]
NUMBER_INPUT_MAX = 32


def _ltr(**attrs: str) -> forms.TextInput:
    """A text box for codes and numbers, which read left to right in every language."""
    return forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"} | attrs)


def _text(label: Any, *, rows: int = 3, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def _latin(value: object) -> str:
    return to_latin_digits(str(value or "")).strip()


def _refreshes_counties(field: forms.Field) -> None:
    """Have htmx reload the county select with the chosen province's counties (works without it too)."""
    field.widget.attrs.update(
        {
            "hx-get": reverse_lazy("offices:county_options"),
            "hx-target": "#id_county",
            "hx-trigger": "change",
            "hx-swap": "innerHTML",
            "hx-vals": json.dumps({"placeholder": "choose"}),
        }
    )


# The names a page gives an application's states. "Submitted" alone is also a moment's label elsewhere
# ("submitted at"), so the states are named in their own context for the translator.
APPLICATION_STATUS_LABELS = {
    ApplicationStatus.SUBMITTED: pgettext_lazy("licence application status", "Submitted"),
    ApplicationStatus.UNDER_REVIEW: pgettext_lazy("licence application status", "Under review"),
    ApplicationStatus.RECOMMENDED: pgettext_lazy("licence application status", "Recommended"),
    ApplicationStatus.NOT_RECOMMENDED: pgettext_lazy("licence application status", "Not recommended"),
    ApplicationStatus.APPROVED: pgettext_lazy("licence application status", "Approved"),
    ApplicationStatus.REFUSED: pgettext_lazy("licence application status", "Refused"),
    ApplicationStatus.WITHDRAWN: pgettext_lazy("licence application status", "Withdrawn"),
}


def licensed_kind_choices() -> Choices:
    """The kinds of office the regulator licenses, with their names."""
    return [(kind, OfficeKind(kind).label) for kind in LICENSED_KINDS]


# --- The applicant's forms ------------------------------------------------------------------------


class ApplicationSubmitForm(forms.Form):
    """An application for a licence: who applies, and the office they propose (or already run)."""

    applicant_kind = forms.ChoiceField(
        label=_("Kind of applicant"),
        choices=OperatorKind.choices,
        initial=OperatorKind.PERSON,
        widget=forms.RadioSelect(attrs={"data-applicant-kind": ""}),
    )
    applicant_name = forms.CharField(
        label=_("Full name (or the company's registered name)"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    national_id = forms.CharField(
        label=_("National ID"),
        required=False,
        max_length=NUMBER_INPUT_MAX,
        widget=_ltr(inputmode="numeric", **{"data-for-kind": OperatorKind.PERSON}),
        help_text=_("A person's ten-digit national ID."),
    )
    company_id = forms.CharField(
        label=_("National company ID"),
        required=False,
        max_length=NUMBER_INPUT_MAX,
        widget=_ltr(inputmode="numeric", **{"data-for-kind": OperatorKind.COMPANY}),
        help_text=_("A company's eleven-digit national ID (shenase-ye melli)."),
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=NUMBER_INPUT_MAX,
        widget=_ltr(inputmode="tel", autocomplete="tel", placeholder="09121234567"),
    )
    office_kind = forms.ChoiceField(label=_("Kind of office"), widget=forms.RadioSelect)
    province = CodeChoiceField(label=_("Province"))
    county = CodeChoiceField(label=_("County"))
    place = forms.CharField(
        label=_("City or village (its code)"),
        required=False,
        max_length=NUMBER_INPUT_MAX,
        widget=_ltr(inputmode="numeric", list="place-options", **{"data-place": ""}),
        help_text=_(
            "The official code of the city or village, or a city's four-digit code; type a name to "
            "search. Leave it empty if the office stands outside any."
        ),
    )
    office_name = forms.CharField(label=_("Proposed office name"), required=False, max_length=200)
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    postal_code = forms.CharField(
        label=_("Postal code"),
        required=False,
        max_length=NUMBER_INPUT_MAX,
        widget=_ltr(inputmode="numeric"),
        help_text=_("Ten digits."),
    )
    phone = forms.CharField(
        label=_("Office phone"), required=False, max_length=32, widget=_ltr(inputmode="tel")
    )
    lat = CoordinateField(
        label=_("Latitude"),
        required=False,
        widget=_ltr(inputmode="decimal"),
        help_text=_("Decimal degrees north, e.g. 35.6944"),
    )
    lon = CoordinateField(
        label=_("Longitude"),
        required=False,
        widget=_ltr(inputmode="decimal"),
        help_text=_("Decimal degrees east, e.g. 51.4215"),
    )
    office = forms.CharField(
        label=_("Your existing office's code"),
        required=False,
        max_length=16,
        widget=_ltr(placeholder="I23-0001"),
        help_text=_(
            "Only if you already run the office (a converted office asking for its licence); then "
            "the office's own details are used and the fields above about the office are ignored."
        ),
    )

    # What the applicant gives (the first group) and what they propose (the second), for the page.
    APPLICANT_FIELDS = ("applicant_kind", "applicant_name", "national_id", "company_id", "mobile")

    def __init__(
        self, *args: Any, provinces: Choices, counties: Choices, bound_national_id: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # The account's verified national ID (masked): a person applies under it, and cannot type another.
        self.bound_national_id = bound_national_id
        if bound_national_id:
            field = self.fields["national_id"]
            field.disabled, field.initial = True, bound_national_id
            self.initial["national_id"] = bound_national_id  # not a national ID known from elsewhere
            field.help_text = _(
                "The national ID verified for your account: you apply under it. A company's application "
                "names you as its representative."
            )
        self.fields["office_kind"].choices = licensed_kind_choices()
        self.fields["province"].choices = [("", _("Choose a province")), *provinces]
        self.fields["county"].choices = [("", _("Choose a county")), *counties]
        _refreshes_counties(self.fields["province"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        province, county = cleaned.get("province"), cleaned.get("county")
        if province and county and not county.startswith(province):
            self.add_error("county", _("This county is not in the chosen province."))
        # Only the identifier of the kind chosen counts: the other box may hold what was typed before
        # the kind was switched.
        if cleaned.get("applicant_kind") == OperatorKind.PERSON:
            cleaned["company_id"] = ""
        elif cleaned.get("applicant_kind") == OperatorKind.COMPANY:
            cleaned["national_id"] = ""
        if self.bound_national_id:
            cleaned["national_id"] = ""  # the service takes the account's own
        for name in ("national_id", "company_id", "mobile", "place", "postal_code", "office"):
            cleaned[name] = _latin(cleaned.get(name))
        self._identifiers_check(cleaned)
        return cleaned

    def _identifiers_check(self, cleaned: dict[str, Any]) -> None:
        """The identifiers' shapes and check digits, on the boxes they were typed in (the service
        checks them again)."""
        checks = [("mobile", mobile_clean), ("postal_code", postal_code_clean)]
        if cleaned.get("applicant_kind") == OperatorKind.PERSON and not self.bound_national_id:
            checks.append(("national_id", national_id_clean))
        elif cleaned.get("applicant_kind") == OperatorKind.COMPANY:
            checks.append(("company_id", company_id_clean))
        for name, clean in checks:
            if name in self.errors or (name == "postal_code" and not cleaned.get(name)):
                continue
            if not cleaned.get(name) and name in REQUIRED_MESSAGES:
                self.add_error(name, REQUIRED_MESSAGES[name])  # required, rather than "invalid"
                continue
            try:
                cleaned[name] = clean(cleaned.get(name) or "")
            except ValidationError as error:
                self.add_error(name, error.detail)  # in the page's language

    @property
    def applicant_fields(self) -> list[forms.BoundField]:
        """The fields about who applies."""
        return [self[name] for name in self.APPLICANT_FIELDS]

    @property
    def office_fields(self) -> list[forms.BoundField]:
        """The fields about the office proposed."""
        return [self[name] for name in self.fields if name not in self.APPLICANT_FIELDS]


# What an identifier box says when it is left empty (the kind of applicant chose which is required).
REQUIRED_MESSAGES = {
    "national_id": _("Give your national ID."),
    "company_id": _("Give the company's national ID."),
}

# The service names the applicant's fields "applicant.<name>"; the form names them flat.
APPLICANT_FIELD_NAMES = {
    "applicant.kind": "applicant_kind",
    "applicant.name": "applicant_name",
    "applicant.national_id": "national_id",
    "applicant.company_id": "company_id",
    "applicant.mobile": "mobile",
}


class DocumentAddForm(forms.Form):
    """One document of an application: its kind, the file, and the date it expires if it does."""

    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
        help_text=_("PDF, PNG or JPEG, at most 5 MB."),
    )
    expires_on = JalaliDateField(
        label=_("Valid until"),
        required=False,
        help_text=_("Jalali date, year/month/day; required for a certificate of no criminal record."),
    )


class WithdrawForm(forms.Form):
    """Withdraw one's application before it is decided."""

    reason = _text(_("Reason (optional)"), rows=2)


class SurrenderForm(forms.Form):
    """Give one's licence up: the office stops being licensed at once.

    The reason is required here, as the service requires it, so that the confirmation page a valid
    form leads to (views/own.py) never confirms what the service would refuse.
    """

    reason = _text(_("Reason"), rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = True


# --- Review and decision --------------------------------------------------------------------------


class ApplicationTakeForm(forms.Form):
    """The directorate takes an application under review."""

    reason = _text(_("Note (optional)"), rows=2)


class ApplicationReviewForm(forms.Form):
    """The directorate recommends an application under review, or not, with the reason."""

    outcome = forms.ChoiceField(
        label=_("Recommendation"),
        choices=[
            (ApplicationStatus.RECOMMENDED, _("Recommend")),
            (ApplicationStatus.NOT_RECOMMENDED, _("Do not recommend")),
        ],
        widget=forms.RadioSelect,
    )
    reason = _text(_("Reason"), help_text=_("Required: what the review found."))
    basis = _text(_("Legal basis (optional)"), rows=2)


class ApplicationDecideForm(forms.Form):
    """The regulator approves or refuses a reviewed application, with the reason."""

    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ApplicationStatus.APPROVED, _("Approve")), (ApplicationStatus.REFUSED, _("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = _text(_("Reason"), help_text=_("Required."))
    basis = _text(_("Legal basis"), rows=2)


# --- The regulator's acts on a licence ------------------------------------------------------------


class LicenceActForm(forms.Form):
    """An act on a licence with its reason and legal basis (activate, reinstate, revoke, renew)."""

    reason = _text(_("Reason"), rows=2)
    basis = _text(_("Legal basis"), rows=2)


class LicenceRevokeForm(LicenceActForm):
    """Revoke a licence: the reason and the legal basis are both required (as the service requires),
    so that the confirmation page a valid form leads to never confirms what would be refused."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("reason", "basis"):
            self.fields[name].required = True


class LicenceSuspendForm(forms.Form):
    """Suspend a licence until a date (its last day), with the reason and the legal basis."""

    until = JalaliDateField(
        label=_("Suspended until"),
        help_text=_("The suspension's last day (Jalali, year/month/day); it ends by itself after it."),
    )
    reason = _text(_("Reason"), rows=2)
    basis = _text(_("Legal basis"), rows=2)


# --- Lists and the public check -------------------------------------------------------------------


class ApplicationFilterForm(forms.Form):
    """The applications queue's filters."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *APPLICATION_STATUS_LABELS.items()],
    )
    province = CodeChoiceField(label=_("Province"), required=False)
    county = CodeChoiceField(label=_("County"), required=False)

    def __init__(self, *args: Any, provinces: Choices | None, counties: Choices, **kwargs: Any) -> None:
        """``provinces`` None leaves the province out (a directorate sees its own only)."""
        super().__init__(*args, **kwargs)
        if provinces is None:
            del self.fields["province"]
        else:
            self.fields["province"].choices = [("", _("All provinces")), *provinces]
            _refreshes_counties(self.fields["province"])
            self.fields["province"].widget.attrs["hx-vals"] = json.dumps({"placeholder": "all"})
        self.fields["county"].choices = [("", _("All counties")), *counties]


class LicenceFilterForm(ApplicationFilterForm):
    """The licences list's filters; a licence number goes straight to the licence."""

    number = forms.CharField(
        label=_("Licence number"),
        required=False,
        max_length=NUMBER_INPUT_MAX,
        widget=_ltr(placeholder="L-23-1405-00001"),
    )
    kind = forms.ChoiceField(label=_("Kind of office"), required=False)
    office = forms.CharField(
        label=_("Office code"), required=False, max_length=16, widget=_ltr(placeholder="P23-0001")
    )

    field_order = ["number", "status", "kind", "province", "county", "office"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *LicenceStatus.choices]
        self.fields["kind"].choices = [("", _("Any kind")), *licensed_kind_choices()]
        self.order_fields(self.field_order)

    def clean_number(self) -> str:
        return _latin(self.cleaned_data["number"]).upper()

    def clean_office(self) -> str:
        return _latin(self.cleaned_data["office"]).upper()


class LicenceCheckForm(forms.Form):
    """The public check: a licence number, as printed on the office's signboard."""

    number = forms.CharField(
        label=_("Licence number"),
        max_length=NUMBER_INPUT_MAX,
        widget=_ltr(placeholder="L-23-1405-00001", autofocus=""),
        help_text=_("As printed on the office's signboard, e.g. L-23-1405-00001."),
    )

    def clean_number(self) -> str:
        return _latin(self.cleaned_data["number"]).upper()
