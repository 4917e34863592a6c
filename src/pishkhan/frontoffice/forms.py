from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pishkhan.frontoffice.models import COMMENT_MAX, SLOT_MINUTES_MAX

STARS = [(n, str(n)) for n in range(5, 0, -1)]


class RatingSubmitForm(forms.Form):
    """The public rating form: the receipt's tracking code, the citizen's national ID, stars, comment."""

    code = forms.CharField(label=_("Tracking code"), max_length=40)
    national_id = forms.CharField(label=_("National ID"), max_length=20)
    stars = forms.TypedChoiceField(label=_("Stars"), choices=STARS, coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TicketIssueForm(forms.Form):
    """The kiosk's form: the service (or a booking code), the priority flag, an optional mobile for
    the turn-near SMS."""

    service = forms.ChoiceField(label=_("Service"), required=False)
    appointment = forms.CharField(
        label=_("Booking code (if you booked an appointment)"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    priority = forms.BooleanField(label=_("Priority (elderly or disabled)"), required=False)
    mobile = forms.CharField(
        label=_("Mobile (optional, for an SMS when your turn is near)"), required=False, max_length=20
    )

    def __init__(self, *args: object, services: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", "—"), *services]


class BookingCitizenForm(forms.Form):
    """The chosen slot and who books it: a one-time code is texted to the mobile to confirm."""

    slot = forms.ChoiceField(label=_("Time"), widget=forms.RadioSelect)
    national_id = forms.CharField(
        label=_("National ID"),
        max_length=20,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric"}),
    )
    mobile = forms.CharField(
        label=_("Mobile"), max_length=20, widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"})
    )

    def __init__(self, *args: object, slots: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = slots


class BookingCodeForm(forms.Form):
    """The one-time code texted to the citizen's mobile."""

    code = forms.CharField(
        label=_("The code texted to you"),
        max_length=10,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class BookingFindForm(forms.Form):
    """One's own booking: its code, with the national ID and mobile it was booked with."""

    booking = forms.CharField(
        label=_("Booking code"), max_length=12, widget=forms.TextInput(attrs={"dir": "ltr"})
    )
    national_id = forms.CharField(
        label=_("National ID"),
        max_length=20,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric"}),
    )
    mobile = forms.CharField(
        label=_("Mobile"), max_length=20, widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"})
    )


CHANGES = [("cancel", _("Cancel the booking")), ("move", _("Move it to another time"))]


class BookingChangeForm(BookingCodeForm):
    """Cancel one's booking, or move it to another free slot; confirmed by the texted code."""

    action = forms.ChoiceField(label=_("What to do"), choices=CHANGES, widget=forms.RadioSelect)
    slot = forms.ChoiceField(label=_("New time (to move)"), required=False)

    def __init__(self, *args: object, slots: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [("", "—"), *slots]

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("action") == "move" and not cleaned.get("slot"):
            self.add_error("slot", _("Choose the new time."))
        return cleaned


class AppointmentCounterForm(forms.Form):
    """A counter's appointment slots: their length in minutes (0: it takes no appointments)."""

    counter = forms.TypedChoiceField(label=_("Counter"), coerce=int)
    slot_minutes = forms.IntegerField(
        label=_("Slot length (minutes; 0: no appointments)"), min_value=0, max_value=SLOT_MINUTES_MAX
    )

    def __init__(self, *args: object, counters: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counter"].choices = [(n, str(n)) for n in range(1, counters + 1)]
