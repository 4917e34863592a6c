"""What every page's forms share: putting a domain refusal back onto the form that caused it."""

from __future__ import annotations

from django import forms

from pishkhan.common.errors import ApplicationError


def errors_onto(form: forms.Form, exc: ApplicationError) -> None:
    """Put a selector's or service's refusal onto the form: on the fields it names, else above it."""
    named = False
    for field, messages in exc.fields.items():
        if field in form.fields:
            for message in messages:
                if field not in form.errors or message not in form.errors[field]:
                    form.add_error(field, message)
            named = True
    if not named:
        form.add_error(None, exc.detail)
