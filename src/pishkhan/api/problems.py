"""One error envelope for the whole API: RFC 9457 problem details (``application/problem+json``).

Every refusal, whatever raised it, becomes ``{type, title, status, detail, errors}`` where ``errors``
maps a field name to its messages. Unexpected exceptions become a 500 problem without internals.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from pishkhan.common.errors import ApplicationError, UnsupportedMediaTypeError, json_content_type_require
from pishkhan.common.outage import database_unreachable, outage_problem

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:pishkhan:problem:"


class JsonOnlyParser(Parser):
    """ninja's JSON parser, for bodies sent as ``application/json`` only.

    A body of another type is not read as JSON: a page of another site can post ``text/plain`` to us
    without the browser asking first, never ``application/json``. Form and file operations (a licence
    document upload) are read by Django's own form parsing and never come here.
    """

    def parse_body(self, request: HttpRequest) -> dict:
        json_content_type_require(request.content_type)
        return super().parse_body(request)


def problem(
    *,
    status: int,
    code: str,
    title: str,
    detail: str = "",
    errors: Mapping[str, list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    """A problem+json response."""
    body = {"type": TYPE_PREFIX + code, "title": title, "status": status, "detail": detail or title}
    body["errors"] = dict(errors or {})
    response = JsonResponse(
        body, status=status, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _field_name(location: tuple | list) -> str:
    # ninja reports ("query", "q") or ("body", "payload", "national_id"); the client knows its field
    # by the last named part.
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header", "form")]
    return ".".join(parts[1:] if len(parts) > 1 and parts[0] == "payload" else parts) or "request"


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn every exception into a problem body."""

    @api.exception_handler(ApplicationError)
    def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        retry_after = getattr(exc, "retry_after", None)  # a ThrottledError: when to try again
        return problem(
            status=exc.status,
            code=exc.code,
            title=exc.title,
            detail=exc.detail,
            errors=exc.fields,
            headers={"Retry-After": str(retry_after)} if retry_after else None,
        )

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(_field_name(error.get("loc", ())), []).append(str(error.get("msg", "invalid")))
        return problem(
            status=422,
            code="validation-error",
            title="The input is not valid",
            detail="Some fields are missing or malformed; see errors.",
            errors=errors,
        )

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(
            status=401,
            code="not-authenticated",
            title="Authentication required",
            detail="Send a valid API key as 'Authorization: Bearer KEY', or sign in.",
            headers={"WWW-Authenticate": 'Bearer realm="pishkhan"'},
        )

    @api.exception_handler(AuthorizationError)
    def authorization_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return problem(status=403, code="permission-denied", title="Permission denied", detail=str(exc))

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem(
            status=403,
            code="permission-denied",
            title="Permission denied",
            detail=str(exc) or "You may not do this here.",
        )

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return problem(
            status=413,
            code="too-large",
            title="The request body is too large",
            detail="The body is larger than this server accepts; send fewer items per request.",
        )

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return problem(
            status=400,
            code="bad-request",
            title="The request cannot be read",
            detail="The request is malformed.",
        )

    @api.exception_handler(MultiPartParserError)
    def unreadable_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return problem(
            status=400,
            code="bad-request",
            title="The request cannot be read",
            detail="The multipart body cannot be read (is its boundary missing?).",
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(status=404, code="not-found", title="Not found", detail=str(exc) or "Not found.")

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        cause = exc.__cause__
        if isinstance(cause, UnsupportedMediaTypeError):  # ninja wraps what its parser raises
            return problem(status=cause.status, code=cause.code, title=cause.title, detail=cause.detail)
        code = {
            400: "bad-request",
            405: "method-not-allowed",
            409: "conflict",
            413: "too-large",
            429: "too-many-requests",
        }.get(exc.status_code, "http-error")
        return problem(status=exc.status_code, code=code, title=str(exc.message), detail=str(exc.message))

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def database_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        if database_unreachable(exc):  # an outage: 503 with Retry-After (common.outage)
            logger.info("The database is unreachable: 503 for %s %s", request.method, request.path)
            return outage_problem()
        return server_error(request, exc)

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unhandled error in %s %s", request.method, request.path)
        return problem(
            status=500,
            code="server-error",
            title="Internal error",
            detail="The server failed to answer; the error was logged.",
        )


# --- The error answers in the OpenAPI document ---------------------------------------------------

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem: every refusal of the API, whatever its status.",
    "type": "object",
    "required": ["type", "title", "status", "detail", "errors"],
    "properties": {
        "type": {"type": "string", "description": "urn:pishkhan:problem:CODE, CODE stable for machines"},
        "title": {"type": "string"},
        "status": {"type": "integer", "description": "the HTTP status, repeated"},
        "detail": {"type": "string", "description": "what went wrong, in the caller's language"},
        "errors": {
            "type": "object",
            "description": "per field (dotted for nested ones), its messages",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}

ERROR_ANSWERS = {
    400: "The request cannot be read (malformed JSON or multipart body).",
    401: "No valid API key or session.",
    403: "The caller may not do this (permission, or a rule of the domain).",
    404: "Not found, or outside the caller's jurisdiction.",
    409: "A conflict with the current state (an illegal change, a taken code, a replayed key).",
    413: "The request body is too large.",
    422: "The input is not valid: ``errors`` names each field.",
    429: "Too many requests; try again after the Retry-After header's seconds.",
    503: "The database is unreachable for a moment; retry after the Retry-After header's seconds.",
}


def _errors_of(operation: Mapping[str, Any], method: str) -> list[int]:
    """The statuses an operation may refuse with: every operation 400, 404 (a path is also checked
    for its jurisdiction, a query for its references), 422, 429 and 503 (the database unreachable);
    401 and 403 behind authentication; 409 and 413 for a write; and those an operation lists in
    ``x-problems`` (its ``openapi_extra``), such as the gateway's 401 for a bad signature."""
    statuses = [400, 404, 422, 429, 503, *operation.get("x-problems", ())]
    if operation.get("security"):
        statuses += [401, 403]
    if method != "get":
        statuses += [403, 409, 413]
    return sorted(set(statuses))


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (an OpenAPI document) with every operation's error answers and the Problem schema."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    reference = {"$ref": "#/components/schemas/Problem"}
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            responses = operation.setdefault("responses", {})
            for status in _errors_of(operation, method):
                responses.setdefault(
                    str(status),
                    {
                        "description": ERROR_ANSWERS[status],
                        "content": {PROBLEM_CONTENT_TYPE: {"schema": reference}},
                    },
                )
    return schema


class ProblemsAPI(NinjaAPI):
    """The NinjaAPI whose OpenAPI document lists each operation's error answers with the Problem schema."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        return document_errors(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))
