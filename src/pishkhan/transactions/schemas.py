"""Shapes of the transactions API. Citizens' identifiers leave only masked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pydantic
from ninja import Field, Schema

from pishkhan.common.calendar import Instant
from pishkhan.common.money import Rials
from pishkhan.transactions.services import BATCH_MAX


# A plain pydantic model (the API parses the body itself): django-ninja's Schema adds reading from ORM
# objects, which a request body never needs and every counter request would pay for.
class TransactionRecordIn(pydantic.BaseModel):
    """One transaction as an office's system reports it."""

    service: str = Field(description="the service's code in the catalogue")
    national_id: str = Field(description="the citizen's national ID (stored hashed and masked only)")
    mobile: str = Field(description="the citizen's mobile number (stored masked only)")
    fee_charged: Rials = Field(description="what the office charged, in rials")
    office_reference: str = Field(description="the office's own reference, unique within the office")
    clerk: str = ""
    recorded_at: Instant | None = Field(None, description="when the office recorded it; now if absent")


class TransactionOut(Schema):
    """A recorded transaction: its tracking code, state, and the fee charged beside the tariff's."""

    tracking_code: str
    state: str
    office: str
    service: str
    office_reference: str
    clerk: str
    citizen: str = Field(description="the national ID, masked")
    mobile: str = Field(description="the mobile number, masked")
    fee_charged: int
    fee_tariff: int | None = Field(description="the tariff in force when recorded (None: no tariff)")
    fee_differs: bool
    recorded_at: dt.datetime
    received_at: dt.datetime


class TransactionEventOut(Schema):
    """One change of state."""

    from_state: str
    to_state: str
    at: dt.datetime
    detail: str


class TransactionDetailOut(TransactionOut):
    """A transaction with its history and the agency's answer."""

    submitted_at: dt.datetime | None = Field(description="when the agency's back-end took it")
    finished_at: dt.datetime | None = Field(description="when it was completed, rejected or failed")
    agency_reference: str = Field(description="the agency's own reference, from its answer")
    events: list[TransactionEventOut]


class TransactionBatchIn(Schema):
    """Transactions recorded offline, each with its original ``recorded_at``.

    Items are checked one by one by the service, so one malformed item is reported, not fatal.
    """

    items: list[dict[str, Any]] = Field(max_length=BATCH_MAX)


# The batch's answer holds up to 1,000 items: plain pydantic models, which django-ninja passes through
# as they are, where its Schema would read each item again as if from an ORM object.
class ProblemOut(pydantic.BaseModel):
    """Why one item was refused (the fields of a problem body)."""

    status: int
    code: str
    detail: str
    errors: dict[str, list[str]]


class ItemResultOut(pydantic.BaseModel):
    """The outcome of one item: ``created``, ``duplicate`` (with the first's tracking code) or ``error``."""

    index: int
    outcome: str
    tracking_code: str = ""
    problem: ProblemOut | None = None


class BatchOut(pydantic.BaseModel):
    """Per-item outcomes, in the order sent, and their counts."""

    created: int
    duplicate: int
    error: int
    items: list[ItemResultOut]


class HeartbeatIn(Schema):
    """A terminal's sign of life."""

    terminal_id: str
    software_version: str
    at: Instant | None = None


class HeartbeatOut(Schema):
    """The heartbeat as stored."""

    office: str
    terminal_id: str
    software_version: str
    at: dt.datetime
