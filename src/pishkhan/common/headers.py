"""Security headers of every answer: the Content-Security-Policy, and ``Cache-Control: no-store`` on
answers that carry someone's data (docs/operations.md, "Security headers").

Our own two small middlewares rather than a package: the policy is one fixed header (no inline script
or style anywhere, so no nonces and nothing per request), and the fast lane (``transactions.lane``)
must add exactly the same headers without Django's middleware, which a constant makes trivial.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control

# Scripts, styles, fonts and images from this site only (images also as data: URLs, which the date
# picker's and maps' SVGs use); no plugins, no framing, forms post only here, no <base> elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
API_PREFIX = "/api/"


def policy_apply(response: HttpResponse) -> None:
    """Give an answer the Content-Security-Policy (unless a view set its own)."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)


def no_store_apply(response: HttpResponse) -> None:
    """Forbid every cache (the browser's, a proxy's) to keep an answer."""
    patch_cache_control(response, no_store=True)


class ContentSecurityPolicyMiddleware:
    """Every page and answer gets the Content-Security-Policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy_apply(response)
        return response


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on what carries personal data: every page a signed-in user sees,
    every API answer (keys and citizens' data), and the public pages that show one person's data
    (``settings.PISHKHAN_NO_STORE_VIEWS``: tracking a transaction or a complaint)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.views = frozenset(settings.PISHKHAN_NO_STORE_VIEWS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        match = request.resolver_match
        if (
            request.path.startswith(API_PREFIX)
            or (user is not None and user.is_authenticated)
            or (match is not None and match.view_name in self.views)
        ):
            no_store_apply(response)
        return response


class ChunkedBodyRefusedMiddleware:
    """Refuse a request body sent in chunks (``Transfer-Encoding: chunked``) with 411 Length Required.

    Django reads a body by its Content-Length; under a WSGI server that passes a chunked body through,
    it would read nothing and an API operation would answer as if the body were empty. Every client
    of ours (browsers, offices' systems, agencies) sends a length, so the rule is explicit: send a
    Content-Length (the API's answer is a problem body).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return _length_required(request)
        return self.get_response(request)


def _length_required(request: HttpRequest) -> HttpResponse:
    detail = "Send the request body with a Content-Length header, not in chunks (Transfer-Encoding)."
    if request.path.startswith(API_PREFIX):
        response: HttpResponse = JsonResponse(
            {
                "type": "urn:pishkhan:problem:length-required",
                "title": "Length required",
                "status": 411,
                "detail": detail,
                "errors": {},
            },
            status=411,
            content_type="application/problem+json",
        )
    else:
        response = HttpResponse(detail, status=411, content_type="text/plain; charset=utf-8")
    policy_apply(response)
    return response
