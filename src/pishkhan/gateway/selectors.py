"""Reads of the gateway: outbound requests, their attempts, and agencies' shared secrets."""

from __future__ import annotations

from django.db.models import QuerySet

from pishkhan.catalogue.models import Agency
from pishkhan.common.errors import NotFoundError
from pishkhan.gateway.models import AgencyCredential, DeliveryAttempt, OutboundRequest
from pishkhan.gateway.states import OutboundState


def outbound_request_get(*, idempotency_key: str) -> OutboundRequest:
    """The request stored under this key, with its agency; ``NotFoundError`` when there is none."""
    request = OutboundRequest.objects.select_related("agency").filter(idempotency_key=idempotency_key).first()
    if request is None:
        raise NotFoundError(f"There is no outbound request {idempotency_key!r}.")
    return request


def outbound_request_get_by_id(*, request_id: int) -> OutboundRequest:
    """The request with this id, with its agency; ``NotFoundError`` when there is none."""
    request = OutboundRequest.objects.select_related("agency").filter(pk=request_id).first()
    if request is None:
        raise NotFoundError(f"There is no outbound request #{request_id}.")
    return request


def outbound_request_list(*, state: OutboundState | str | None = None) -> QuerySet[OutboundRequest]:
    """Requests by id, with their agencies, optionally only those in one state."""
    requests = OutboundRequest.objects.select_related("agency")
    if state:
        requests = requests.filter(state=state)
    return requests.order_by("id")


def delivery_attempt_list(*, request: OutboundRequest) -> QuerySet[DeliveryAttempt]:
    """The attempts to deliver one request, in order."""
    return DeliveryAttempt.objects.filter(request=request).order_by("number")


def agency_secret(*, agency: Agency) -> str | None:
    """The secret the agency shares with Pishkhan, or ``None`` if it has none yet."""
    credential = AgencyCredential.objects.filter(agency=agency).first()
    return credential.secret if credential is not None else None
