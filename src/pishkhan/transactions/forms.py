"""Forms of the counter's pages: the public tracking look-up, the counter's day, and the search.

Forms parse what a person typed (Persian digits, Jalali dates, spaces inside a tracking code); the
rules are the selectors' to enforce, and a refusal comes back onto the form
(:func:`pishkhan.common.forms.errors_onto`).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pishkhan.catalogue.forms import JalaliDateField
from pishkhan.common.errors import ValidationError
from pishkhan.common.identifiers import national_id_clean, tracking_code_is_valid
from pishkhan.common.persian import to_latin_digits
from pishkhan.transactions.states import TransactionState

Choices = list[tuple[str, Any]]
# Room for a code typed with spaces or dashes between its groups; the selectors check the rest.
CODE_INPUT_MAX = 40
_SEPARATORS = re.compile(r"[\s\-_.]")


def _code_widget(**attrs: str) -> forms.TextInput:
    return forms.TextInput(
        attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off", "spellcheck": "false"} | attrs
    )


class UnechoedTextInput(forms.TextInput):
    """A text box that never writes what was typed back into the page: a national ID stays off screens
    and out of the browser's cache of the page once the look-up is answered."""

    def format_value(self, value: Any) -> str | None:
        return None


class TransactionTrackForm(forms.Form):
    """The public look-up: a tracking code and the national ID of the citizen it was done for."""

    code = forms.CharField(
        label=_("Tracking code"),
        max_length=CODE_INPUT_MAX,
        widget=_code_widget(placeholder="1234 5678 9012"),
        help_text=_("The twelve digits on your receipt."),
    )
    national_id = forms.CharField(
        label=_("National ID"),
        max_length=CODE_INPUT_MAX,
        widget=UnechoedTextInput(
            attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off", "spellcheck": "false"}
        ),
        help_text=_("The ten-digit national ID of the person the service was for."),
    )

    def clean_code(self) -> str:
        # Not checked here: a malformed code must get the same answer as an unknown one.
        return to_latin_digits(self.cleaned_data["code"]).strip()

    def clean_national_id(self) -> str:
        try:
            return national_id_clean(self.cleaned_data["national_id"])
        except ValidationError as error:
            raise forms.ValidationError(error.detail) from None


class CounterDayForm(forms.Form):
    """Which day of the counter to show (today when none is given)."""

    day = JalaliDateField(label=_("Day"), required=False)


class TransactionSearchForm(forms.Form):
    """The search's filters; every one optional, each narrowing the list further."""

    tracking_code = forms.CharField(
        label=_("Tracking code"), required=False, max_length=CODE_INPUT_MAX, widget=_code_widget()
    )
    office = forms.CharField(
        label=_("Office code"),
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "placeholder": "P23-0001"}),
    )
    service = forms.ChoiceField(label=_("Service"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    received_from = JalaliDateField(label=_("Received from"), required=False)
    received_to = JalaliDateField(label=_("Received until"), required=False)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *TransactionState.choices]
    )
    fee_differs = forms.BooleanField(label=_("Only fees that differ from the tariff"), required=False)

    def __init__(
        self, *args: Any, services: Choices, provinces: Choices | None, by_office: bool, **kwargs: Any
    ) -> None:
        """``provinces`` None leaves the province out (an office's staff); ``by_office`` False the office."""
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Any service")), *services]
        if provinces is None:
            del self.fields["province"]
        else:
            self.fields["province"].choices = provinces
        if not by_office:
            del self.fields["office"]

    def clean_tracking_code(self) -> str:
        code = _SEPARATORS.sub("", to_latin_digits(self.cleaned_data["tracking_code"]))
        if code and not tracking_code_is_valid(code):
            raise forms.ValidationError(
                _("This is not a valid tracking code (twelve digits; check for a typo).")
            )
        return code

    def clean_office(self) -> str:
        return to_latin_digits(self.cleaned_data["office"]).strip()


# --- The web counter ------------------------------------------------------------------------------

# The form's idempotency key: 32 hex digits drawn when the blank form is served.
RECORD_KEY = re.compile(r"^[0-9a-f]{32}$")
_RIAL_SEPARATORS = re.compile(r"[\s,٬،_]")


class ServiceSelect(forms.Select):
    """A select of services whose options carry their tariff's total (``data-fee``), so the page's
    script can fill the fee when the operator picks one."""

    def __init__(self, *args: Any, fees: dict[str, int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fees = fees or {}

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        fee = self.fees.get(str(value))
        if fee is not None:
            option["attrs"]["data-fee"] = str(fee)
        return option


class CounterRecordForm(forms.Form):
    """The web counter: one transaction as an operator types it. The form only parses (Persian digits,
    separators in an amount); the rules are the counter's own (``services.transaction_record``), and
    their refusals come back onto the fields.

    ``key``: drawn into the blank form; a second submission of the same form (a double click, a resend)
    carries it again and gets the transaction the first one recorded.
    """

    key = forms.CharField(widget=forms.HiddenInput)
    service = forms.ChoiceField(label=_("Service"))
    national_id = forms.CharField(
        label=_("Citizen's national ID"),
        max_length=CODE_INPUT_MAX,
        widget=_code_widget(placeholder="0012345678"),
        help_text=_("Ten digits, Persian or Latin."),
    )
    # Required by the counter's rules (the API's too), which say so onto the field with every other
    # refusal at once: not refused here first, which would hide the rest.
    mobile = forms.CharField(
        label=_("Citizen's mobile"),
        max_length=CODE_INPUT_MAX,
        required=False,
        widget=_code_widget(placeholder="09121234567", inputmode="tel"),
        help_text=_("The citizen is texted the outcome; the number is erased once the message is sent."),
    )
    fee_charged = forms.CharField(
        label=_("Fee charged (rials)"),
        max_length=CODE_INPUT_MAX,
        widget=_code_widget(),
        help_text=_("What the office charges, in whole rials; each service shows its tariff in force."),
    )

    def __init__(self, *args: Any, services: list[tuple[str, str, int]], **kwargs: Any) -> None:
        """``services``: (code, label, tariff total) of each service the office may deliver today."""
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        field.choices = [("", _("Choose a service…"))] + [(code, label) for code, label, _fee in services]
        field.widget = ServiceSelect(fees={code: fee for code, _label, fee in services})
        field.widget.choices = field.choices

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].strip()
        if not RECORD_KEY.match(key):
            raise forms.ValidationError(_("This form is damaged; open a new one."))
        return key

    def clean_national_id(self) -> str:
        return _SEPARATORS.sub("", to_latin_digits(self.cleaned_data["national_id"]))

    def clean_mobile(self) -> str:
        return _SEPARATORS.sub("", to_latin_digits(self.cleaned_data["mobile"]))

    def clean_fee_charged(self) -> int:
        raw = _RIAL_SEPARATORS.sub("", to_latin_digits(self.cleaned_data["fee_charged"]))
        if not raw.isascii() or not raw.isdigit():
            raise forms.ValidationError(_("Enter a whole number of rials."))
        return int(raw)
