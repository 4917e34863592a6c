"""The public tracking page: a citizen's tracking code and national ID show where their request stands.

Nothing else is shown, and nothing is revealed by a failure: a malformed code, an unknown code and
another citizen's national ID get one and the same answer. Guessing is slowed twice over: each
client address may look up ``PISHKHAN_TRACK_RATE`` (django-ratelimit), and each tracking code may
fail ``PISHKHAN_TRACK_CODE_FAILURES`` times an hour from all addresses together, after which it is
refused for the rest of the hour (so a code cannot be tried against many national IDs from many
addresses). Both count in the default cache, which every server process shares (settings: "Cache
and rate limits").
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_ratelimit.core import is_ratelimited

from pishkhan.accounts.permissions import public
from pishkhan.common.identifiers import tracking_code_is_valid
from pishkhan.transactions import selectors
from pishkhan.transactions.forms import TransactionTrackForm

FAILURE_WINDOW_SECONDS = 60 * 60
_FAILURES_KEY = "transactions:track-failures:{code}"


def client_ip(request: HttpRequest) -> str:
    """The client's address behind one reverse proxy: the last X-Forwarded-For entry, which our proxy
    wrote (earlier ones are whatever the client claimed). Named by ``RATELIMIT_IP_META_KEY``."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    last = forwarded.rsplit(",", 1)[-1].strip()
    return last or request.META.get("REMOTE_ADDR", "")


def _failures_key(code: str) -> str | None:
    """The cache key counting failed look-ups of a well-formed code (a malformed one can match nothing)."""
    return _FAILURES_KEY.format(code=code) if tracking_code_is_valid(code) else None


def _code_locked(code: str) -> bool:
    key = _failures_key(code)
    return key is not None and _failures(key)[0] >= settings.PISHKHAN_TRACK_CODE_FAILURES


def _failures(key: str) -> tuple[int, float]:
    """(failed look-ups counted, when the count ends: an hour after the first, as a Unix time)."""
    return cache.get(key) or (0, time.time() + FAILURE_WINDOW_SECONDS)


def _failure_count(code: str) -> None:
    """Count a failed look-up of ``code`` until the hour that began with its first failure ends (kept
    with the count: rewriting an entry would otherwise start its timeout again)."""
    key = _failures_key(code)
    if key is None:
        return
    count, ends = _failures(key)
    cache.set(key, (count + 1, ends), timeout=max(1, ends - time.time()))


def _digits_only(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


@public
@never_cache
def transaction_track(request: HttpRequest) -> HttpResponse:
    """Look a transaction up by tracking code and national ID (POST); GET shows the form, with ``?code=``."""
    status, tracked, refusal = 200, None, ""
    if request.method == "POST":
        form = TransactionTrackForm(request.POST)
        if is_ratelimited(
            request,
            group="transactions:track",
            key="ip",
            rate=settings.PISHKHAN_TRACK_RATE,
            method="POST",
            increment=True,
        ):
            status, refusal = (
                429,
                _("Too many look-ups from your connection. Please wait a minute and try again."),
            )
        elif form.is_valid():
            code = _digits_only(form.cleaned_data["code"])
            if _code_locked(code):
                status = 429
                refusal = _(
                    "This tracking code has been looked up with a wrong national ID too many times. "
                    "Please try again in an hour, or ask the office that served you."
                )
            else:
                tracked = selectors.transaction_track(
                    tracking_code=code, national_id=form.cleaned_data["national_id"]
                )
                if tracked is None:
                    _failure_count(code)
                    form.add_error(
                        None,
                        _(
                            "No transaction matches this tracking code and national ID. Check both "
                            "against your receipt."
                        ),
                    )
    else:
        form = TransactionTrackForm(initial={"code": request.GET.get("code", "")[:40]})
    return render(
        request,
        "transactions/track.html",
        {"form": form, "tracked": tracked, "refusal": refusal},
        status=status,
    )
