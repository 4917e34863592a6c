"""A destructive act asked twice: the first POST shows what it will do, the second (confirmed) does it.

Revoking or surrendering a licence and removing an office's staff cannot be undone, so the page that
offers them answers a valid first POST with ``web/confirm.html``: the act in words, the values given,
and a form that posts them again with ``confirmed=yes``. Only that second POST reaches the service.
Works without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest

CONFIRM_FIELD = "confirmed"
CONFIRM_VALUE = "yes"
# Posted values the confirmation does not carry again: Django's CSRF token (the page sets its own).
_NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRM_FIELD}


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page shows and the POST it repeats."""

    title: str  # the act, as the page's heading: "Revoke licence L-23-0001?"
    consequence: str  # what cannot be undone, in a sentence
    button: str  # the confirming button: "Revoke the licence"
    cancel_url: str  # back to the page that offered the act, changing nothing
    facts: list[tuple[str, str]] = field(default_factory=list)  # (label, value) the person gave
    carried: list[tuple[str, str]] = field(default_factory=list)  # the first POST's values, as hidden fields


def is_confirmed(request: HttpRequest) -> bool:
    """Whether this POST is the confirming second one."""
    return request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


def confirmation_of(
    request: HttpRequest,
    *,
    title: str,
    consequence: str,
    button: str,
    cancel_url: str,
    facts: list[tuple[str, str]] | None = None,
) -> Confirmation:
    """The confirmation of this POST: its values carried again, with ``confirmed=yes`` added by the page."""
    carried = [
        (name, value) for name, values in request.POST.lists() if name not in _NOT_CARRIED for value in values
    ]
    return Confirmation(
        title=title,
        consequence=consequence,
        button=button,
        cancel_url=cancel_url,
        facts=facts or [],
        carried=carried,
    )
