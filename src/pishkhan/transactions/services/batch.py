"""Recording the transactions an office stored while offline: up to ``BATCH_MAX`` per request.

Each item is judged alone (created, duplicate or error), so one bad item never loses the others; the
good items are written in bulk with their first events and their gateway submissions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError
from django.db import transaction as db_transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.common.bulk import IN_BATCH, insert_dicts, insert_objects
from pishkhan.common.errors import ApplicationError, ValidationError
from pishkhan.gateway.services import Submission, submissions_enqueue_many
from pishkhan.offices.models import Office
from pishkhan.transactions.models import CounterTransaction, TransactionEvent
from pishkhan.transactions.services.counter import (
    TRACKING_ATTEMPTS,
    Checked,
    Lookups,
    office_operational_check,
    recorded_as,
    row_new,
    transaction_check,
)
from pishkhan.transactions.services.delivery import submission_payload, transaction_submit
from pishkhan.transactions.states import TransactionState

BATCH_MAX = 1000


@dataclass(frozen=True)
class ItemResult:
    """The outcome of one item of a batch: created, duplicate (of ``tracking_code``) or error."""

    index: int
    outcome: str
    tracking_code: str = ""
    error: ApplicationError | None = None


class _DuplicateError(Exception):
    def __init__(self, tracking_code: str) -> None:
        super().__init__(tracking_code)
        self.tracking_code = tracking_code


def _insert(office: Office, checked: Checked, now: dt.datetime) -> CounterTransaction:
    """Insert the row and its first event; ``_DuplicateError`` when the office's reference is taken."""
    for _attempt in range(TRACKING_ATTEMPTS):
        try:
            with db_transaction.atomic():  # a savepoint: a clash loses only this insert
                created = row_new(office, checked, now)
                created.save(force_insert=True)
        except IntegrityError:
            taken = recorded_as(office, checked.office_reference)
            if taken is not None:
                raise _DuplicateError(taken) from None
            continue  # the rare clash of a random tracking code: draw another
        TransactionEvent.objects.create(
            transaction=created, from_state="", to_state=TransactionState.RECEIVED, at=now
        )
        return created
    raise RuntimeError("no free tracking code after several attempts")  # 10^11 codes: never in practice


def transactions_record_batch(
    *, office: Office, items: Sequence[Mapping[str, Any]], actor: Any
) -> list[ItemResult]:
    """Record transactions an office stored while offline, each judged alone: created, duplicate or error.

    An item whose office reference was recorded before (or earlier in the same batch) is a duplicate:
    the office resends what it is not sure arrived. More than ``BATCH_MAX`` items refuse the whole
    request, as does an office that may not serve. The good items are written at once (COPY on
    PostgreSQL) with their first events and their gateway submissions; if that meets a concurrent
    write of the same references, the batch is recorded item by item instead, with the same answers.
    """
    if len(items) > BATCH_MAX:
        message = _("A batch holds at most %(count)d transactions.") % {"count": BATCH_MAX}
        raise ValidationError(message, fields={"items": message})
    office_operational_check(office)
    now = timezone.now()
    lookups = Lookups()
    results: dict[int, ItemResult] = {}
    good: list[tuple[int, Checked]] = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            error = ValidationError(_("An item is a JSON object."), fields={"item": _("not an object")})
            results[index] = ItemResult(index, "error", error=error)
            continue
        try:
            good.append((index, transaction_check(office, item, now, lookups)))
        except ValidationError as error:
            results[index] = ItemResult(index, "error", error=error)
    try:
        with db_transaction.atomic():
            results |= _batch_write(office, good, now, actor)
    except IntegrityError:
        # A concurrent request wrote some of these references (or, once in ages, a tracking code
        # clashed): the slow path judges each item against what is stored now.
        with db_transaction.atomic():
            for index, checked in good:
                results[index] = _item_write(office, index, checked, now, actor)
    return [results[index] for index in range(len(items))]


def _item_write(office: Office, index: int, checked: Checked, now: dt.datetime, actor: Any) -> ItemResult:
    try:
        created = _insert(office, checked, now)
    except _DuplicateError as duplicate:
        return ItemResult(index, "duplicate", tracking_code=duplicate.tracking_code)
    transaction_submit(
        transaction=created, national_id=checked.national_id, mobile=checked.mobile, actor=actor
    )
    return ItemResult(index, "created", tracking_code=created.tracking_code)


def _batch_write(
    office: Office, good: list[tuple[int, Checked]], now: dt.datetime, actor: Any
) -> dict[int, ItemResult]:
    """Write the checked items in bulk; each item's result. Raises ``IntegrityError`` on a clash."""
    references = [checked.office_reference for _index, checked in good]
    stored: dict[str, str] = {}
    for start in range(0, len(references), IN_BATCH):
        stored |= dict(
            CounterTransaction.objects.filter(
                office=office, office_reference__in=references[start : start + IN_BATCH]
            ).values_list("office_reference", "tracking_code")
        )
    results: dict[int, ItemResult] = {}
    fresh: list[tuple[int, Checked, CounterTransaction]] = []
    for index, checked in good:
        reference = checked.office_reference
        if reference in stored:
            results[index] = ItemResult(index, "duplicate", tracking_code=stored[reference])
            continue
        row = row_new(office, checked, now)
        stored[reference] = row.tracking_code  # a later item with this reference is its duplicate
        fresh.append((index, checked, row))
        results[index] = ItemResult(index, "created", tracking_code=row.tracking_code)
    if not fresh:
        return results
    insert_objects(CounterTransaction, [row for _index, _checked, row in fresh])
    codes = [row.tracking_code for _index, _checked, row in fresh]
    ids: dict[str, int] = {}
    for start in range(0, len(codes), IN_BATCH):
        ids |= dict(
            CounterTransaction.objects.filter(tracking_code__in=codes[start : start + IN_BATCH]).values_list(
                "tracking_code", "pk"
            )
        )
    insert_dicts(
        TransactionEvent,
        [
            {
                "transaction_id": ids[code],
                "from_state": "",
                "to_state": TransactionState.RECEIVED,
                "at": now,
                "detail": "",
            }
            for code in codes
        ],
    )
    submissions_enqueue_many(
        submissions=[
            Submission(
                agency_code=checked.service.agency.code,
                idempotency_key=row.tracking_code,
                payload=submission_payload(row, national_id=checked.national_id, mobile=checked.mobile),
            )
            for _index, checked, row in fresh
        ],
        actor=actor,
    )
    return results
