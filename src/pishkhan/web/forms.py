"""Forms of the shell's self-service pages: signing up as a licence applicant and resetting a
forgotten password (``web.self_service``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _

from pishkhan.accounts.forms import NewPasswordForm
from pishkhan.common.errors import ValidationError
from pishkhan.common.identifiers import national_id_clean
from pishkhan.common.persian import to_latin_digits


def _ltr(**attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"} | attrs)


def _code_field() -> forms.CharField:
    return forms.CharField(
        label=_("Code texted to you"),
        max_length=10,
        widget=_ltr(inputmode="numeric", autocomplete="one-time-code"),
    )


class SignUpIdentityForm(forms.Form):
    """Who signs up: the national ID the registry will confirm, and the person's name."""

    national_id = forms.CharField(
        label=_("National ID"),
        max_length=32,
        widget=_ltr(inputmode="numeric"),
        help_text=_("Your ten-digit national ID. A code is texted to the mobile registered to it."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)

    def clean_national_id(self) -> str:
        try:
            return national_id_clean(self.cleaned_data["national_id"])
        except ValidationError as error:
            raise forms.ValidationError(error.detail) from None


class IdentityVerifyForm(SignUpIdentityForm):
    """The national ID an existing account verifies (its name it has)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["first_name"], self.fields["last_name"]


class CodeForm(forms.Form):
    """The code texted to the mobile."""

    code = _code_field()

    def clean_code(self) -> str:
        return to_latin_digits(self.cleaned_data["code"]).strip()


class PasswordPairForm(NewPasswordForm):
    """A new password twice, checked by the configured validators before any code is used up (so a
    weak password does not cost the code)."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        password = cleaned.get("password")
        if password and "password_again" not in self.errors:
            try:
                validate_password(password)
            except DjangoValidationError as exc:
                self.add_error("password", exc.messages)
        return cleaned


class SignUpAccountForm(PasswordPairForm):
    """The code texted to the registered mobile, the user name chosen, and the password."""

    code = _code_field()
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=_ltr(autocomplete="username"),
        help_text=_("Letters, digits and @ . + - _ only."),
    )
    email = forms.EmailField(label=_("Email (optional)"), required=False, widget=_ltr(autocomplete="email"))
    field_order = ["code", "username", "email", "password", "password_again"]

    def clean_code(self) -> str:
        return to_latin_digits(self.cleaned_data["code"]).strip()


class PasswordResetAskForm(forms.Form):
    """Whose password is forgotten: a user name, or the national ID the account verified."""

    identifier = forms.CharField(
        label=_("User name or national ID"), max_length=150, widget=_ltr(autocomplete="username")
    )


class PasswordResetForm(PasswordPairForm):
    """The code texted to the account's mobile, and the new password."""

    code = _code_field()
    field_order = ["code", "password", "password_again"]

    def clean_code(self) -> str:
        return to_latin_digits(self.cleaned_data["code"]).strip()
