"""Forms of the office pages: the directory's filters, the public "find an office" search, and the
decision on a conversion.

Forms parse what a person typed (Persian digits, a Persian decimal separator); the rules are the
selectors' and services' to enforce, and a refusal comes back onto the form
(:func:`pishkhan.common.forms.errors_onto`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.common.persian import to_latin_digits
from pishkhan.common.templatetags.persian import digits as digits_for_language
from pishkhan.offices.hours import minutes_of, time_of_day_clean
from pishkhan.offices.models import MAX_COUNTERS, MIN_COUNTERS, StaffPosition
from pishkhan.offices.states import ConversionState, OfficeStatus

Choices = list[tuple[str, Any]]
QUERY_MAX_LENGTH = 100
SHIFTS = 2  # shifts a day the hours form offers (more when the stored hours already have more)


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


class CounterServicesForm(forms.Form):
    """The services one counter serves; none ticked: every service the office delivers."""

    counter = forms.TypedChoiceField(label=_("Counter"), coerce=int)
    services = forms.MultipleChoiceField(
        label=_("Services (none ticked: all)"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, counters: int, services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counter"].choices = [(n, str(n)) for n in range(1, counters + 1)]
        self.fields["services"].choices = services


class TimeOfDayField(forms.CharField):
    """A time of day on the 24-hour clock (``08:30``, ``8:30``, ``8``, any digits), cleaned to ``HH:MM``."""

    widget = forms.TextInput(
        attrs={"dir": "ltr", "inputmode": "numeric", "autocomplete": "off", "size": "5", "maxlength": "5"}
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, max_length=8, **kwargs)

    def prepare_value(self, value: object) -> object:
        # Shown in the page's digits, as the week on the office's page shows them.
        return digits_for_language(str(value)) if value else value

    def clean(self, value: object) -> str:
        text = super().clean(value)
        if not text:
            return ""
        cleaned = time_of_day_clean(text)
        if cleaned is None:
            raise forms.ValidationError(
                _("Write a time on the 24-hour clock, from 00:00 to 24:00, e.g. 08:30 or 16:00.")
            )
        return cleaned


@dataclass(frozen=True)
class HoursDay:
    """One weekday's part of the hours form, as the template lays it out."""

    name: str
    closed: forms.BoundField
    shifts: list[tuple[forms.BoundField, forms.BoundField]]

    @property
    def fields(self) -> list[forms.BoundField]:
        return [self.closed, *(field for shift in self.shifts for field in shift)]

    @property
    def errors(self) -> list[str]:
        return [error for field in self.fields for error in field.errors]


class OfficeHoursForm(forms.Form):
    """The week's opening hours: each weekday closed, or open from a time to a time (a second shift
    if the office closes at midday). Cleaned to the stored shape of :mod:`pishkhan.offices.hours`."""

    def __init__(
        self, *args: Any, weekdays: list[str], hours: Mapping[str, list[list[str]]], **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", self.initial_for(hours))
        super().__init__(*args, **kwargs)
        self.weekdays = weekdays
        # Two shifts a day, or as many as the stored hours already have (the API allows more).
        self.shift_count = max(SHIFTS, *(len(ranges) for ranges in hours.values()), 0)
        for day, name in enumerate(weekdays):
            self.fields[f"day_{day}_closed"] = forms.BooleanField(
                label=_("Closed all day"),
                required=False,
                widget=forms.CheckboxInput(attrs={"data-hours-closed": ""}),
            )
            for shift in range(1, self.shift_count + 1):
                which = {"day": name, "shift": digits_for_language(shift)}
                self.fields[f"day_{day}_opens_{shift}"] = TimeOfDayField(
                    label=_("%(day)s, shift %(shift)s: opens") % which
                )
                self.fields[f"day_{day}_closes_{shift}"] = TimeOfDayField(
                    label=_("%(day)s, shift %(shift)s: closes") % which
                )

    @staticmethod
    def initial_for(hours: Mapping[str, list[list[str]]]) -> dict[str, Any]:
        """The form's initial values for stored hours."""
        initial: dict[str, Any] = {}
        for day in range(7):
            ranges = hours.get(str(day), [])
            initial[f"day_{day}_closed"] = not ranges
            for shift, (opens, closes) in enumerate(ranges, start=1):
                initial[f"day_{day}_opens_{shift}"] = opens
                initial[f"day_{day}_closes_{shift}"] = closes
        return initial

    def days(self) -> list[HoursDay]:
        """The form's fields grouped by weekday, for the template."""
        return [
            HoursDay(
                name=name,
                closed=self[f"day_{day}_closed"],
                shifts=[
                    (self[f"day_{day}_opens_{shift}"], self[f"day_{day}_closes_{shift}"])
                    for shift in range(1, self.shift_count + 1)
                ],
            )
            for day, name in enumerate(self.weekdays)
        ]

    def _day_clean(self, day: int, cleaned: dict[str, Any]) -> list[list[str]]:
        """One weekday's ranges; errors go onto the field they are about."""
        if cleaned.get(f"day_{day}_closed"):
            return []
        ranges: list[list[str]] = []
        for shift in range(1, self.shift_count + 1):
            opens_name, closes_name = f"day_{day}_opens_{shift}", f"day_{day}_closes_{shift}"
            if opens_name in self.errors or closes_name in self.errors:
                continue
            opens, closes = cleaned.get(opens_name, ""), cleaned.get(closes_name, "")
            if not opens and not closes:
                continue
            if not opens or not closes:
                missing = opens_name if not opens else closes_name
                self.add_error(missing, _("Give both the opening and the closing time of this shift."))
            elif minutes_of(closes) <= minutes_of(opens):
                self.add_error(closes_name, _("The closing time must come after the opening time."))
            elif ranges and minutes_of(opens) < minutes_of(ranges[-1][1]):
                self.add_error(opens_name, _("A shift must open after the one before it closes."))
            else:
                ranges.append([opens, closes])
        first = f"day_{day}_opens_1"
        if not ranges and not any(name.startswith(f"day_{day}_") for name in self.errors):
            self.add_error(first, _("Give the opening and closing times, or mark the day closed."))
        return ranges

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cleaned["opening_hours"] = {str(day): self._day_clean(day, cleaned) for day in range(7)}
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
