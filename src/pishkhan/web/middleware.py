"""Which language a page is shown in: the one the visitor chose with the site's switch, else Persian."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    """Activate the language stored by the switch (``set_language``'s cookie), or Persian.

    Replaces Django's ``LocaleMiddleware``, which would also follow the browser's Accept-Language:
    many people in Iran run their phone or browser in English yet expect their government's service
    in Persian. English stays one click away, and the choice is remembered.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = settings.LANGUAGE_CODE
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            # A stale or forged cookie names no language we offer: Persian then.
            with contextlib.suppress(LookupError):
                language = translation.get_supported_language_variant(chosen)
        # override(), not activate(): the language is the request's alone and is not left behind in
        # the worker thread for whatever runs next there.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
