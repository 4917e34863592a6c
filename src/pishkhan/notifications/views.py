"""The public opt-out page: a mobile's owner stops non-essential messages, proving the mobile is theirs
with a one-time code texted to it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from pishkhan.accounts.permissions import public
from pishkhan.common.errors import ApplicationError
from pishkhan.notifications import services
from pishkhan.notifications.forms import OptOutForm


@public
@require_http_methods(["GET", "POST"])
def optout(request: HttpRequest) -> HttpResponse:
    """Ask for a code (mobile only), then confirm it (mobile and code): opted out, or in again."""
    status, outcome, refusal = 200, "", ""
    form = OptOutForm(request.POST or None)
    if request.method == "POST":
        if is_ratelimited(
            request,
            group="notifications:optout",
            key="ip",
            rate=settings.PISHKHAN_TRACK_RATE,
            method="POST",
            increment=True,
        ):
            status = 429
            refusal = _("Too many attempts from your connection. Please wait a minute and try again.")
        elif form.is_valid():
            data = form.cleaned_data
            try:
                if data["code"]:
                    opted_out = services.optout_confirm(mobile=data["mobile"], code=data["code"])
                    outcome = "out" if opted_out else "in"
                else:
                    services.optout_code_send(mobile=data["mobile"], opt_in=data["opt_in"])
                    outcome = "code"
            except ApplicationError as error:
                status = error.status
                for field, message in (error.fields or {"": str(error)}).items():
                    form.add_error(field if field in form.fields else None, message)
        else:
            status = 422
    return render(
        request,
        "notifications/optout.html",
        {"form": form, "outcome": outcome, "refusal": refusal},
        status=status,
    )
