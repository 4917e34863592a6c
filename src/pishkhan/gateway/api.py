"""The agencies' callback: an agency that answered ``accepted`` posts its result here later.

No API key: the agency proves itself by signing the body with its shared secret (see ``signing.py``);
``auth=None`` is deliberate and listed in the public-operations test.
"""

from __future__ import annotations

import json
import time

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from pishkhan.catalogue.selectors import agency_get
from pishkhan.common.errors import ApplicationError, ValidationError
from pishkhan.gateway import selectors, services
from pishkhan.gateway.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureRefused, signature_verify

router = Router(auth=None)

CALLBACK_MAX_BYTES = 64 * 1024


class SignatureError(ApplicationError):
    """A callback whose signature or timestamp does not hold."""

    status = 401
    code = "bad-signature"
    title = "The signature is not valid"


class CallbackOut(Schema):
    request_id: str
    applied: bool


_CALLBACK_BODY = {
    # Refused 401 without a key: a bad signature (the API documents it with its other problems).
    "x-problems": [401],
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["request_id", "status"],
                    "properties": {
                        "request_id": {"type": "string"},
                        "status": {"type": "string", "enum": ["completed", "rejected"]},
                    },
                }
            }
        },
    },
}


@router.post(
    "/gateway/callback/{agency_code}",
    response=CallbackOut,
    summary="An agency's result for a request it accepted (signed with the shared secret)",
    openapi_extra=_CALLBACK_BODY,
)
def callback(request: HttpRequest, agency_code: str) -> CallbackOut:
    """Verify the signature, then apply the result once; a repeat changes nothing."""
    length = request.headers.get("Content-Length") or "0"
    if not length.isdigit() or int(length) > CALLBACK_MAX_BYTES:
        raise HttpError(413, "The body is too large.")
    body = request.body
    agency = agency_get(code=agency_code)
    secret = selectors.agency_secret(agency=agency)
    if not secret:
        raise SignatureError("This agency has no shared secret with Pishkhan.")
    try:
        signature_verify(
            secret=secret,
            timestamp=request.headers.get(TIMESTAMP_HEADER),
            given=request.headers.get(SIGNATURE_HEADER),
            body=body,
            now=time.time(),
        )
    except SignatureRefused as refused:
        raise SignatureError(str(refused)) from None
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("The body is not JSON.", fields={"request": "invalid JSON"}) from None
    if not isinstance(data, dict) or not isinstance(data.get("request_id"), str):
        raise ValidationError(
            "The body must be an object with a request_id.", fields={"request_id": "required"}
        )
    applied = services.callback_result_apply(
        agency=agency, request_id=data["request_id"], result=data, actor=f"agency:{agency.code}"
    )
    return CallbackOut(request_id=data["request_id"], applied=applied)
