from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class OptOutForm(forms.Form):
    """Opting out of (or back into) non-essential messages: the mobile, then the code texted to it."""

    mobile = forms.CharField(label=_("Mobile number"), max_length=20)
    opt_in = forms.BooleanField(label=_("Receive messages again (undo an earlier opt-out)"), required=False)
    code = forms.CharField(
        label=_("Code texted to you"),
        required=False,
        max_length=10,
        help_text=_("Leave empty to have a code texted; then enter it here."),
    )
