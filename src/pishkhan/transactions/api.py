"""The counter API (mounted at ``/api/v1/``): offices' systems post transactions and heartbeats.

Posting needs an office's key (a principal whose jurisdiction is one office); reading one
transaction is for its office, its province's directorate or the regulator, and anything else is a
404 (a stranger cannot tell someone else's tracking code from a missing one).
"""

import json
from collections import Counter
from typing import Any, TypeVar

import pydantic
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError

from pishkhan.accounts.auth import api_auth
from pishkhan.accounts.permissions import Principal, has_perm, require
from pishkhan.accounts.roles import JurisdictionKind
from pishkhan.common.errors import (
    ApplicationError,
    NotFoundError,
    PermissionDeniedError,
    json_content_type_require,
)
from pishkhan.offices.models import Office
from pishkhan.offices.selectors import office_for_counter
from pishkhan.transactions import selectors, services
from pishkhan.transactions.schemas import (
    BatchOut,
    HeartbeatIn,
    HeartbeatOut,
    TransactionBatchIn,
    TransactionDetailOut,
    TransactionOut,
    TransactionRecordIn,
)

router = Router(auth=api_auth, tags=["transactions"])

In = TypeVar("In", bound=Schema)


class BodyTooLargeError(ApplicationError):
    """A request body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""

    status = 413
    code = "too-large"
    title = "The request body is too large"


class MalformedJSONError(ApplicationError):
    """A request body that is not JSON."""

    status = 400
    code = "bad-request"
    title = "The request body is not valid JSON"


def _body(request: HttpRequest, schema: type[In]) -> In:
    """The JSON body parsed into ``schema``, every failure a problem body.

    Read here rather than by ninja, because Django's refusal of an oversized body
    (``RequestDataTooBig``) would otherwise reach the API's catch-all as a 500.
    """
    json_content_type_require(request.content_type)
    try:
        raw = request.body
    except RequestDataTooBig:
        raise BodyTooLargeError(_("Send at most 5 MB; split a larger batch.")) from None
    try:
        data: Any = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise MalformedJSONError() from None
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as error:
        raise NinjaValidationError(
            [{**e, "loc": ("body", "payload", *e["loc"])} for e in error.errors(include_url=False)]
        ) from None


def _documented(schema: type[Schema]) -> dict[str, Any]:
    """The OpenAPI request body of an operation that parses its own body."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }


def posted_fingerprint(payload: TransactionRecordIn) -> str:
    """A posted transaction's fingerprint, as this API and the counter's fast lane both compute it."""
    return services.request_fingerprint(payload.model_dump(mode="json"))


def _principal(request: HttpRequest) -> Principal:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _office_of(principal: Principal) -> Office:
    if principal.jurisdiction_kind != JurisdictionKind.OFFICE or not principal.jurisdiction_code:
        raise PermissionDeniedError(_("Only an office's own system may post to the counter API."))
    require(principal, "transactions.record", office=principal.jurisdiction_code)
    return office_for_counter(code=principal.jurisdiction_code)


@router.post(
    "/transactions",
    response={201: TransactionOut},
    summary="Record a transaction",
    openapi_extra=_documented(TransactionRecordIn),
)
def transaction_record(
    request: HttpRequest,
    idempotency_key: str = Header(..., alias="Idempotency-Key", max_length=128),
) -> object:
    """Record one service performed for a citizen; answers its tracking code and the tariff's fee.

    A retry with the same ``Idempotency-Key`` and body answers as the first time and creates nothing;
    the same key with another body is a 409.
    """
    principal = _principal(request)
    office = _office_of(principal)
    payload = _body(request, TransactionRecordIn)
    recorded = services.transaction_record(
        office=office,
        service_code=payload.service,
        national_id=payload.national_id,
        mobile=payload.mobile,
        fee_charged=payload.fee_charged,
        office_reference=payload.office_reference,
        clerk=payload.clerk,
        recorded_at=payload.recorded_at,
        idempotency_key=idempotency_key,
        request_fingerprint=posted_fingerprint(payload),
        actor=principal,
    )
    return Status(recorded.status, recorded.answer)


@router.post(
    "/transactions/batch",
    response=BatchOut,
    summary="Record transactions stored offline",
    openapi_extra=_documented(TransactionBatchIn),
)
def transactions_record_batch(request: HttpRequest) -> dict[str, Any]:
    """Up to 1,000 transactions recorded while offline; each item answers created, duplicate or error."""
    principal = _principal(request)
    office = _office_of(principal)
    payload = _body(request, TransactionBatchIn)
    results = services.transactions_record_batch(office=office, items=payload.items, actor=principal)
    # Plain dicts, validated into BatchOut by the response's schema in one pass.
    items = [
        {
            "index": result.index,
            "outcome": result.outcome,
            "tracking_code": result.tracking_code,
            "problem": None
            if result.error is None
            else {
                "status": result.error.status,
                "code": result.error.code,
                "detail": result.error.detail,
                "errors": result.error.fields,
            },
        }
        for result in results
    ]
    counts = Counter(result.outcome for result in results)
    return {"items": items, **{outcome: counts[outcome] for outcome in ("created", "duplicate", "error")}}


@router.post("/heartbeats", response={201: HeartbeatOut}, summary="A terminal's sign of life")
def heartbeat_record(request: HttpRequest, payload: HeartbeatIn) -> object:
    """Note that a terminal of the office is online (send one about every minute)."""
    principal = _principal(request)
    office = _office_of(principal)
    beat = services.heartbeat_record(office=office, actor=principal, **payload.model_dump())
    return Status(
        201,
        HeartbeatOut(
            office=office.code,
            terminal_id=beat.terminal_id,
            software_version=beat.software_version,
            at=beat.at,
        ),
    )


@router.get("/transactions/{tracking_code}", response=TransactionDetailOut, summary="One transaction")
def transaction_detail(request: HttpRequest, tracking_code: str) -> object:
    """One transaction with its history; 404 unless it is your office's or within your province."""
    principal = _principal(request)
    if not has_perm(principal, "transactions.view"):
        raise NotFoundError(_("No transaction has the tracking code %(code)s.") % {"code": tracking_code})
    found = selectors.transaction_get(tracking_code=tracking_code, scope=principal.scope)
    return services.transaction_answer(found) | {
        "submitted_at": found.submitted_at,
        "finished_at": found.finished_at,
        "agency_reference": found.agency_reference,
        "events": list(found.events.all()),
    }
