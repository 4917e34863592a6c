"""Forms of the office pages: the directory's filters, the public "find an office" search, and the
decision on a conversion.

Forms parse what a person typed (Persian digits, a Persian decimal separator); the rules are the
selectors' and services' to enforce, and a refusal comes back onto the form
(:func:`pishkhan.common.forms.errors_onto`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.common.persian import to_latin_digits
from pishkhan.offices.models import MAX_COUNTERS, MIN_COUNTERS, StaffPosition
from pishkhan.offices.states import ConversionState, OfficeStatus

Choices = list[tuple[str, Any]]
QUERY_MAX_LENGTH = 100


class CodeChoiceField(forms.ChoiceField):
    """A choice of a code (a province, a county), typed with any digits."""

    def to_python(self, value: object) -> str:
        return to_latin_digits(super().to_python(value)).strip()


class CoordinateField(forms.FloatField):
    """A latitude or longitude in decimal degrees, typed with any digits and decimal separator."""

    def to_python(self, value: object) -> float | None:
        if isinstance(value, str):
            value = to_latin_digits(value).strip().replace("٫", ".").replace(",", ".")
        return super().to_python(value)


def _refreshes_counties(field: forms.Field, *, placeholder: str) -> None:
    """Have htmx reload the county select with the chosen province's counties (works without it too)."""
    field.widget.attrs.update(
        {
            "hx-get": reverse_lazy("offices:county_options"),
            "hx-target": "#id_county",
            "hx-trigger": "change",
            "hx-swap": "innerHTML",
            "hx-vals": json.dumps({"placeholder": placeholder}),
        }
    )


def _counties_are_in_province(form: forms.Form, cleaned: dict[str, Any]) -> None:
    province, county = cleaned.get("province"), cleaned.get("county")
    if province and county and not county.startswith(province):
        form.add_error("county", _("This county is not in the chosen province."))


class OfficeFilterForm(forms.Form):
    """The office directory's filters: where, what kind, what status, a name or code."""

    q = forms.CharField(label=_("Name or code"), required=False, max_length=QUERY_MAX_LENGTH)
    province = CodeChoiceField(label=_("Province"), required=False)
    county = CodeChoiceField(label=_("County"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind of office"), required=False, choices=[("", _("Any kind")), *OfficeKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *OfficeStatus.choices]
    )

    def __init__(self, *args: Any, provinces: Choices, counties: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = provinces
        self.fields["county"].choices = [("", _("All counties")), *counties]
        _refreshes_counties(self.fields["province"], placeholder="all")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        _counties_are_in_province(self, cleaned)
        return cleaned


class OfficeFindForm(forms.Form):
    """The public search: a service, and either a county or a point (latitude and longitude)."""

    service = forms.ChoiceField(label=_("Service"))
    province = CodeChoiceField(label=_("Province"), required=False)
    county = CodeChoiceField(label=_("County"), required=False)
    lat = CoordinateField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "dir": "ltr"}),
        help_text=_("Decimal degrees north, e.g. 35.6944"),
    )
    lon = CoordinateField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "dir": "ltr"}),
        help_text=_("Decimal degrees east, e.g. 51.4215"),
    )
    open_now = forms.BooleanField(label=_("Only offices open now"), required=False)

    def __init__(
        self, *args: Any, services: Choices, provinces: Choices, counties: Choices, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Choose a service")), *services]
        self.fields["province"].choices = [("", _("Choose a province")), *provinces]
        self.fields["county"].choices = [("", _("Choose a county")), *counties]
        _refreshes_counties(self.fields["province"], placeholder="choose")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        _counties_are_in_province(self, cleaned)
        lat, lon = cleaned.get("lat"), cleaned.get("lon")
        if (lat is None) != (lon is None) and not {"lat", "lon"} & set(self.errors):
            missing = "lon" if lon is None else "lat"
            self.add_error(missing, _("Give both the latitude and the longitude."))
        elif lat is None and lon is None and not cleaned.get("county") and not self.errors:
            raise forms.ValidationError(
                _("Choose a county, or give the coordinates of where you are."), code="where"
            )
        return cleaned

    @property
    def by_point(self) -> bool:
        """Whether the search is around a point (else within a county)."""
        return self.cleaned_data.get("lat") is not None and self.cleaned_data.get("lon") is not None


CONVERSION_ACTIONS = [
    ("review", _("Start the review")),
    (ConversionState.CONVERTED, _("Convert into a Pishkhan office")),
    (ConversionState.REFUSED, _("Refuse")),
]


class ConversionDecideForm(forms.Form):
    """A step of a conversion: start the review, or decide it (a refusal needs a reason)."""

    action = forms.ChoiceField(label=_("Decision"), choices=CONVERSION_ACTIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a refusal."),
    )
    basis = forms.CharField(
        label=_("Legal basis"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [choice for choice in CONVERSION_ACTIONS if choice[0] in actions]


# --- Managing an office ---------------------------------------------------------------------------

_RANGE_SEPARATORS = re.compile(r"[,،;]")
_DASHES = re.compile(r"\s*[-–—]\s*")


class OfficeStatusForm(forms.Form):
    """Suspend, reopen or close an office."""

    status = forms.ChoiceField(label=_("New status"), choices=OfficeStatus.choices)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [c for c in OfficeStatus.choices if c[0] in allowed]


class OfficeCountersForm(forms.Form):
    """How many counters serve citizens at once."""

    counters = forms.IntegerField(label=_("Counters"), min_value=MIN_COUNTERS, max_value=MAX_COUNTERS)

    def clean_counters(self) -> int:
        return int(self.cleaned_data["counters"])


class OfficeHoursForm(forms.Form):
    """The week's opening hours, one line a day: ``08:00-16:00``, several ranges separated by commas."""

    def __init__(self, *args: Any, weekdays: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, name in enumerate(weekdays):
            self.fields[f"day_{day}"] = forms.CharField(
                label=name,
                required=False,
                max_length=100,
                widget=forms.TextInput(attrs={"dir": "ltr"}),
            )

    @staticmethod
    def initial_for(hours: dict[str, list[list[str]]]) -> dict[str, str]:
        """The form's initial text for stored hours."""
        return {
            f"day_{day}": ", ".join(f"{opens}-{closes}" for opens, closes in hours.get(str(day), []))
            for day in range(7)
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        hours: dict[str, list[list[str]]] = {}
        for day in range(7):
            text = to_latin_digits(cleaned.get(f"day_{day}") or "")
            pairs = [_DASHES.split(part.strip(), maxsplit=1) for part in _RANGE_SEPARATORS.split(text)]
            pairs = [pair for pair in pairs if pair != [""]]
            if any(len(pair) != 2 for pair in pairs):
                self.add_error(f"day_{day}", _("Write each range as 08:00-16:00; leave a closed day empty."))
            hours[str(day)] = pairs
        cleaned["opening_hours"] = hours
        return cleaned


class StaffAddForm(forms.Form):
    """Put a person with an office-operator login of this office on its staff."""

    username = forms.CharField(label=_("Login (username)"), max_length=150)
    position = forms.ChoiceField(
        label=_("Position"), choices=StaffPosition.choices, initial=StaffPosition.CLERK
    )


class ConversionRequestForm(forms.Form):
    """Ask for the office to be converted into a Pishkhan office."""

    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    basis = forms.CharField(
        label=_("Legal basis"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
