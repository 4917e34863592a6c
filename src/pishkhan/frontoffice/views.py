"""The public rating page, linked from the completion SMS and the tracking page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from pishkhan.accounts.permissions import public
from pishkhan.common.errors import ApplicationError
from pishkhan.common.forms import errors_onto
from pishkhan.frontoffice import services
from pishkhan.frontoffice.forms import RatingSubmitForm


@public
@require_http_methods(["GET", "POST"])
def rating_submit(request: HttpRequest) -> HttpResponse:
    """Rate a completed transaction (POST); GET shows the form, the code filled from ``?code=``."""
    status, rated, refusal = 200, None, ""
    if request.method == "POST":
        form = RatingSubmitForm(request.POST)
        if is_ratelimited(
            request,
            group="frontoffice:rate",
            key="ip",
            rate=settings.PISHKHAN_TRACK_RATE,
            method="POST",
            increment=True,
        ):
            status = 429
            refusal = _("Too many attempts from your connection. Please wait a minute and try again.")
        elif form.is_valid():
            try:
                rated = services.rating_submit(
                    tracking_code=form.cleaned_data["code"],
                    national_id=form.cleaned_data["national_id"],
                    stars=form.cleaned_data["stars"],
                    comment=form.cleaned_data["comment"],
                )
            except ApplicationError as error:
                status = error.status
                errors_onto(form, error)
        else:
            status = 422
    else:
        form = RatingSubmitForm(initial={"code": request.GET.get("code", "")[:40]})
    return render(
        request,
        "frontoffice/rating_submit.html",
        {"form": form, "rated": rated, "refusal": refusal},
        status=status,
    )
