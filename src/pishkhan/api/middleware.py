"""What every request to the API passes before its operation, and what every answer of it is.

Before: every string a request carries (its query, its JSON body at any depth, its urlencoded form
fields) is asked :func:`pishkhan.common.persian.text_refusal`; a lone surrogate, a control
character (NUL among them) or a bidi override or zero-width character is a 422 naming the field, so
no operation ever stores, or fails to store, such text. Bodies over Django's limit, malformed JSON
and multipart bodies are left to the operation, which answers them with its own problems.

After: an answer of Django's own under ``/api/`` (an unknown path's 404, a wrong method's 405) is
turned into a problem body, as every other refusal of the API is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

from pishkhan.api.problems import PROBLEM_CONTENT_TYPE, problem
from pishkhan.common.persian import text_refusal

PREFIX = "/api/"


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string in a parsed JSON value, keys too, with the dotted path of where it lies."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            yield inner, str(key)
            yield from _strings(item, inner)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}" if path else str(index))


def _refused(pairs: Iterator[tuple[str, str]]) -> HttpResponse | None:
    errors: dict[str, list[str]] = {}
    for field, text in pairs:
        refusal = text_refusal(text)
        if refusal is not None:
            errors.setdefault(field or "request", []).append(gettext(refusal))
    if not errors:
        return None
    return problem(
        status=422,
        code="validation-error",
        title="The input is not valid",
        detail="Some text holds characters no text needs (see errors).",
        errors=errors,
    )


def _checked(request: HttpRequest) -> HttpResponse | None:
    """A problem for a request carrying text that is refused, or None."""
    found = _refused((key, text) for key, values in request.GET.lists() for text in [key, *values])
    if found is not None:
        return found
    content_type = request.content_type or ""
    if content_type == "application/x-www-form-urlencoded":
        try:
            fields = [(key, text) for key, values in request.POST.lists() for text in [key, *values]]
        except RequestDataTooBig:
            return None  # the operation answers it (413)
        return _refused(iter(fields))
    # A multipart body is left to the operation's Form fields (reading it here would take the body
    # from an operation that reads it raw); one without a boundary is a 400 (api.problems).
    if content_type.endswith("json"):
        try:
            data = json.loads(request.body)
        except RequestDataTooBig:
            return None
        except ValueError:  # not JSON, or not UTF-8: the operation answers it (400)
            return None
        return _refused(_strings(data, ""))
    return None


def _as_problem(response: HttpResponse) -> HttpResponse:
    if response.status_code == 405:
        return problem(
            status=405,
            code="method-not-allowed",
            title="Method not allowed",
            detail="This path does not answer this method; see the Allow header.",
            headers={"Allow": response.get("Allow", "")},
        )
    return problem(status=404, code="not-found", title="Not found", detail="There is no such API path.")


class ApiRequestMiddleware:
    """The API's checks of every request's text, and problem bodies for Django's own 404 and 405."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        refused = _checked(request)
        if refused is not None:
            return refused
        response = self.get_response(request)
        if response.status_code in (404, 405) and response.get("Content-Type") != PROBLEM_CONTENT_TYPE:
            return _as_problem(response)
        return response
