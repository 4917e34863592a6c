from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pishkhan.frontoffice.models import COMMENT_MAX

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
    """The kiosk's form: the service, the priority flag, an optional mobile for the turn-near SMS."""

    service = forms.ChoiceField(label=_("Service"))
    priority = forms.BooleanField(label=_("Priority (elderly or disabled)"), required=False)
    mobile = forms.CharField(
        label=_("Mobile (optional, for an SMS when your turn is near)"), required=False, max_length=20
    )

    def __init__(self, *args: object, services: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = services
