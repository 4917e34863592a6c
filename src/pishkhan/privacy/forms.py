"""The subject access request's form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SubjectForm(forms.Form):
    national_id = forms.CharField(label=_("National ID"), max_length=20)
    mobile = forms.CharField(
        label=_("Mobile (optional)"),
        max_length=20,
        required=False,
        help_text=_("Complaints name no one: give the mobile the person replied from to find theirs."),
    )
    reason = forms.CharField(
        label=_("Request reference"),
        max_length=200,
        help_text=_("The subject access request's letter or number; kept in the audit log."),
    )
