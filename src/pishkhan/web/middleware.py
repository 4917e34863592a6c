"""Which language a page is shown in: the one the visitor chose with the site's switch, else Persian."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from pishkhan.common.languages import api_language
from pishkhan.common.outage import database_unreachable

API_PREFIX = "/api/"


class LanguageMiddleware:
    """Activate the language stored by the switch (``set_language``'s cookie), or Persian.

    Replaces Django's ``LocaleMiddleware``, which would also follow the browser's Accept-Language:
    many people in Iran run their phone or browser in English yet expect their government's service
    in Persian. English stays one click away, and the choice is remembered.

    The API is for programs: its messages are English unless the client asks for Persian with
    ``Accept-Language: fa``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            language = api_language(request.headers.get("Accept-Language", ""))
            vary = "Accept-Language"
        else:
            language = self._page_language(request)
            vary = "Cookie"
        # override(), not activate(): the language is the request's alone and is not left behind in
        # the worker thread for whatever runs next there.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        patch_vary_headers(response, (vary,))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response

    @staticmethod
    def _page_language(request: HttpRequest) -> str:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            # A stale or forged cookie names no language we offer: Persian then.
            with contextlib.suppress(LookupError):
                return translation.get_supported_language_variant(chosen)
        return settings.LANGUAGE_CODE


class DatabaseOutageMiddleware:
    """A view that failed because the database is unreachable answers 503 (``common.outage``): the
    API a problem body with ``Retry-After``, pages the friendly 503 page. Nothing is logged as an
    error: the outage is the database's, not the request's. (One raised by a middleware reaches
    ``views.server_error``, which answers the same.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_unreachable(exception):
            return None
        from pishkhan.web.views import outage_answer  # the views import the URLconf's apps

        return outage_answer(request)
