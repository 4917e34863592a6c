"""How the gateway reaches an agency's back-end: one adapter per ``Agency.adapter`` value.

An adapter is a callable ``(Envelope) -> Answer`` that either returns the agency's answer or raises
:class:`DeliveryFailed`, saying whether trying again may help. Adapters see plain data only — never a
model or the database — because they run outside any transaction, while the network is slow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pishkhan.gateway.states import AgencyAnswer


@dataclass(frozen=True)
class Envelope:
    """What one delivery sends: the request id and payload, and how to reach and sign for the agency."""

    agency_code: str
    request_id: str
    payload: Mapping[str, Any]
    base_url: str = ""
    timeout_seconds: float = 10.0
    secret: str = ""

    def body(self) -> dict[str, Any]:
        """The JSON the agency receives."""
        return {"request_id": self.request_id, "agency": self.agency_code, "payload": dict(self.payload)}


@dataclass(frozen=True)
class Answer:
    """The agency's answer: completed or rejected now, or accepted with the result to follow."""

    status: AgencyAnswer
    result: dict[str, Any] = field(default_factory=dict)
    status_code: int | None = None


class DeliveryFailed(Exception):
    """The agency could not be reached or refused the request; ``retryable`` says if trying again may help."""

    def __init__(self, error: str, *, retryable: bool, status_code: int | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.retryable = retryable
        self.status_code = status_code


Adapter = Callable[[Envelope], Answer]


def adapter_named(name: str) -> Adapter:
    """The adapter registered under ``name`` (``sandbox`` or ``http``)."""
    from pishkhan.gateway.adapters import http, sandbox

    adapters: dict[str, Adapter] = {"sandbox": sandbox.deliver, "http": http.deliver}
    try:
        return adapters[name]
    except KeyError:
        raise DeliveryFailed(f"no adapter named {name!r}", retryable=False) from None


def answer_parse(data: Any, *, status_code: int | None = None, final_only: bool = False) -> Answer:
    """The :class:`Answer` in a decoded JSON body, or ``ValueError`` if it is not one."""
    if not isinstance(data, dict):
        raise ValueError("the answer is not a JSON object")
    status = data.get("status")
    allowed = {AgencyAnswer.COMPLETED, AgencyAnswer.REJECTED} | (
        set() if final_only else {AgencyAnswer.ACCEPTED}
    )
    if status not in allowed:
        raise ValueError(f"the answer's status is not one of {sorted(allowed)}")
    return Answer(status=AgencyAnswer(status), result=data, status_code=status_code)
