"""Forms of the account pages: one's password, and the staff screen's (docs/accounts.md).

They parse what was typed; the rules (validators, the roles a manager grants) are the services' and
come back onto the form (``common.forms.errors_onto``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pishkhan.accounts.roles import Role


def _ltr(**attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"} | attrs)


def _password(label: Any, autocomplete: str = "new-password") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete, "dir": "ltr"}),
    )


class PasswordChangeForm(forms.Form):
    """One's current password, then the new one twice."""

    old_password = _password(_("Current password"), "current-password")
    new_password = _password(_("New password"))
    new_password_again = _password(_("New password again"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("new_password") and cleaned.get("new_password") != cleaned.get("new_password_again"):
            self.add_error("new_password_again", _("The two passwords differ."))
        return cleaned


class NewPasswordForm(forms.Form):
    """A new password, twice (the last step of a reset or a sign-up)."""

    password = _password(_("New password"))
    password_again = _password(_("New password again"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return cleaned


def _role_choices(roles: list[Role]) -> list[tuple[str, Any]]:
    return [(role.value, role.label) for role in roles]


class StaffFilterForm(forms.Form):
    """The staff list's search and role filter."""

    q = forms.CharField(label=_("User name or name"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False)

    def __init__(self, *args: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("Every role")), *_role_choices(roles)]


class StaffRoleForm(forms.Form):
    """A role the manager grants, and where (a province's code, an agency's; empty for national)."""

    role = forms.ChoiceField(label=_("Role"))
    jurisdiction_code = forms.CharField(
        label=_("Jurisdiction code"),
        required=False,
        max_length=16,
        widget=_ltr(),
        help_text=_(
            "A province's two-digit code, or an agency's code for agency staff; empty for national staff. "
            "A directorate's staff are always of its own province."
        ),
    )
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=500)

    def __init__(self, *args: Any, roles: list[Role], national: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)
        if not national:
            del self.fields["jurisdiction_code"]


class StaffCreateForm(StaffRoleForm):
    """A new staff account: its user name, name, contact and role."""

    username = forms.CharField(label=_("User name"), max_length=150, widget=_ltr())
    first_name = forms.CharField(label=_("First name"), required=False, max_length=150)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=150)
    email = forms.EmailField(label=_("Email"), required=False, widget=_ltr(autocomplete="email"))
    mobile = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=32,
        widget=_ltr(inputmode="tel", placeholder="09121234567"),
        help_text=_("Kept sealed; lets its holder reset a forgotten password by a texted code."),
    )
    field_order = ["username", "first_name", "last_name", "email", "mobile", "role", "jurisdiction_code"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["reason"]


class StaffActForm(forms.Form):
    """A reason for deactivating, reactivating or resetting an account (optional, audited)."""

    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=500)
