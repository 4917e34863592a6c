"""Forms of the catalogue pages: the search, the service edit and the tariff of a year.

Forms parse what a person typed (Persian digits, Jalali dates, one document per line); the rules
are the services' to enforce, and a refusal comes back onto the form
(:func:`pishkhan.common.forms.errors_onto`).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.catalogue.models import OutsourcingStatus
from pishkhan.common.forms import JalaliDateField
from pishkhan.common.persian import to_latin_digits

_SEPARATORS = re.compile(r"[\s,٬_]")


class RialsField(forms.IntegerField):
    """An amount of rials, typed with any digits and optional thousands separators."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=0, max_value=10**15, **kwargs)

    def to_python(self, value: object) -> int | None:
        if isinstance(value, str):
            value = _SEPARATORS.sub("", to_latin_digits(value))
        return super().to_python(value)


class ServiceSearchForm(forms.Form):
    """The catalogue's search: words of a title, an agency, a kind of office."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind of office"), required=False, choices=[("", _("Any kind")), *OfficeKind.choices]
    )
    outsourcing = forms.ChoiceField(
        label=_("Outsourcing"), required=False, choices=[("", _("Any")), *OutsourcingStatus.choices]
    )

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("All agencies")), *agencies]


class ServiceEditForm(forms.Form):
    """A service's details, as its agency's staff change them."""

    title_fa = forms.CharField(label=_("Persian title"), max_length=200)
    title_en = forms.CharField(label=_("English title"), max_length=200)
    description_fa = forms.CharField(label=_("Persian description"), required=False, widget=forms.Textarea)
    description_en = forms.CharField(label=_("English description"), required=False, widget=forms.Textarea)
    required_documents = forms.CharField(
        label=_("Required documents"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One document per line."),
        max_length=6000,
    )
    trips_saved = forms.IntegerField(label=_("Trips saved per delivery"), min_value=0, max_value=20)
    target_minutes = forms.IntegerField(label=_("Target completion time (minutes)"), min_value=1)
    office_kinds = forms.MultipleChoiceField(
        label=_("Kinds of office that may deliver it"),
        choices=OfficeKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,  # "none" is the service's refusal to make, with its own message
    )
    outsourcing = forms.ChoiceField(label=_("Outsourcing status"), choices=OutsourcingStatus.choices)
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the outsourcing status changes or outsourcing is prohibited."),
    )
    legal_date = JalaliDateField(label=_("Date of the legal basis"), required=False)
    active = forms.BooleanField(label=_("Offered"), required=False)
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=1000)

    def clean_required_documents(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["required_documents"].splitlines() if line.strip()]


class TariffSetForm(forms.Form):
    """A service's fees for a Jalali year."""

    jalali_year = forms.IntegerField(label=_("Jalali year"), min_value=1380, max_value=1499)
    government_fee = RialsField(label=_("Government fee (rials)"))
    office_fee = RialsField(label=_("Office fee (rials)"))
    effective_from = JalaliDateField(label=_("In force from"))
