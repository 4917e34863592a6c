"""Recording the transactions an office stored while offline: up to ``BATCH_MAX`` per request.

Each item is judged alone (created, duplicate or error), so one bad item never loses the others; the
good items are written in bulk with their first events and their gateway submissions (``writer``).

Where the time goes (issue 4's speed target): everything that needs no lock is done before the
write transaction opens (checks, the look-up of references stored before, tracking codes, the
sealed mobile, the gateway payload), so on SQLite, whose writers queue on one lock, the lock is held
only for the writes; rows are plain lists made ready for the database beforehand
(``writer.rows_ready``), and the transactions' keys are reserved in the write, so that their events
need no read-back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, cast

from django.db import IntegrityError
from django.db import transaction as db_transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor
from pishkhan.catalogue.lookups import lookups_shared
from pishkhan.common.bulk import rows_matching
from pishkhan.common.errors import ApplicationError, ValidationError
from pishkhan.common.writes import writer_turn
from pishkhan.offices.models import Office
from pishkhan.transactions.models import CounterTransaction
from pishkhan.transactions.services.checks import (
    Checked,
    Posted,
    office_operational_check,
    transaction_check,
)
from pishkhan.transactions.services.counter import TRACKING_ATTEMPTS
from pishkhan.transactions.services.writer import (
    recorded_as,
    row_defaults,
    row_new,
    rows_ready,
    rows_write,
    submission_new,
    transaction_write,
)
from pishkhan.transactions.states import TransactionState

BATCH_MAX = 1000


class ItemResult(NamedTuple):
    """The outcome of one item of a batch: created, duplicate (of ``tracking_code``) or error."""

    index: int
    outcome: str
    tracking_code: str = ""
    error: ApplicationError | None = None


def transactions_record_batch(
    *, office: Office, items: Sequence[Mapping[str, Any]], actor: Actor
) -> list[ItemResult]:
    """Record transactions an office stored while offline, each judged alone: created, duplicate or error.

    An item whose office reference was recorded before (or earlier in the same batch) is a duplicate:
    the office resends what it is not sure arrived. More than ``BATCH_MAX`` items refuse the whole
    request, as does an office that may not serve. The good items are written at once (COPY on
    PostgreSQL) with their first events and their gateway submissions; a concurrent write of some of
    the same references makes them duplicates (the unique key tells, then they are read), and should a
    random tracking code clash, the batch is recorded item by item instead, with the same answers.
    """
    if len(items) > BATCH_MAX:
        message = _("A batch holds at most %(count)d transactions.") % {"count": BATCH_MAX}
        raise ValidationError(message, fields={"items": message})
    office_operational_check(office)
    now = timezone.now()
    lookups = lookups_shared()  # the catalogue as this process read it (see lookups_shared)
    results: dict[int, ItemResult] = {}
    good: list[tuple[int, Checked]] = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            error = ValidationError(_("An item is a JSON object."), fields={"item": _("not an object")})
            results[index] = ItemResult(index, "error", error=error)
            continue
        try:
            good.append((index, transaction_check(office, cast(Posted, item), now, lookups)))
        except ValidationError as error:
            results[index] = ItemResult(index, "error", error=error)
    results |= _batch_record(office, good, now, actor)
    return [results[index] for index in range(len(items))]


class _Fresh(NamedTuple):
    """A transaction about to be written: its row (without key) and its gateway submission's row."""

    row: dict[str, Any]
    outbox: dict[str, Any]


def _stored(office: Office, references: Sequence[str]) -> dict[str, str]:
    """The office's references among ``references`` recorded before, with their tracking codes."""
    return dict(
        rows_matching(
            CounterTransaction,
            columns=["office_reference", "tracking_code"],
            field="office_reference",
            values=references,
            where={"office_id": office.pk},
        )
    )


def _fresh_new(office: Office, checked: Checked, now: dt.datetime, defaults: dict[str, Any]) -> _Fresh:
    """The row ``row_new`` makes, as a dict over ``defaults`` (every column, the key ``None``), and its
    gateway submission's row (both sealed)."""
    created = row_new(office, checked, now)
    outbox = submission_new(created, national_id=checked.national_id, mobile=checked.mobile)
    return _Fresh(defaults | created.row(), outbox)


# A concurrent request taking some references makes the write fail; each retry writes fewer items.
_WRITE_ATTEMPTS = 3


def _batch_record(
    office: Office, good: list[tuple[int, Checked]], now: dt.datetime, actor: Actor
) -> dict[int, ItemResult]:
    """Write the checked items in bulk; each item's result."""
    first: dict[str, int] = {}  # reference -> the index of its first item; later ones are duplicates
    for index, checked in good:
        first.setdefault(checked.office_reference, index)
    # Read without a lock: a reference stored between this read and the write fails the write, below.
    codes = _stored(office, list(first))
    defaults = row_defaults()
    fresh = {
        checked.office_reference: _fresh_new(office, checked, now, defaults)
        for index, checked in good
        if first[checked.office_reference] == index and checked.office_reference not in codes
    }
    for _attempt in range(_WRITE_ATTEMPTS):
        if not fresh:
            break
        ready = rows_ready(
            [item.row for item in fresh.values()],
            [[("", TransactionState.RECEIVED, now, "")]] * len(fresh),
            [item.outbox for item in fresh.values()],
        )
        try:
            with writer_turn(), db_transaction.atomic():
                rows_write(ready)
            break
        except IntegrityError:
            # A concurrent request recorded some of these references (its write done, ours waited for
            # it): they are duplicates now. None of them: a random tracking code clashed.
            taken = _stored(office, list(fresh))
            if not taken:
                return _items_record(office, good, now, actor)
            codes |= taken
            fresh = {reference: item for reference, item in fresh.items() if reference not in taken}
    else:
        return _items_record(office, good, now, actor)
    codes |= {reference: item.row["tracking_code"] for reference, item in fresh.items()}
    results: dict[int, ItemResult] = {}
    for index, checked in good:
        reference = checked.office_reference
        created = reference in fresh and first[reference] == index
        results[index] = ItemResult(
            index, "created" if created else "duplicate", tracking_code=codes[reference]
        )
    return results


def _items_record(
    office: Office, good: list[tuple[int, Checked]], now: dt.datetime, actor: Actor
) -> dict[int, ItemResult]:
    """The slow path: each item in its own savepoint, judged against what is stored now."""
    with writer_turn(), db_transaction.atomic():
        return {index: _item_write(office, index, checked, now, actor) for index, checked in good}


def _item_write(office: Office, index: int, checked: Checked, now: dt.datetime, actor: Actor) -> ItemResult:
    """One item written alone (``writer.transaction_write``, in its own savepoint); duplicate when the
    office's reference is taken."""
    for _attempt in range(TRACKING_ATTEMPTS):
        created = row_new(office, checked, now)
        try:
            transaction_write(
                created, national_id=checked.national_id, mobile=checked.mobile, key="", fingerprint=""
            )
        except IntegrityError:
            taken = recorded_as(office, checked.office_reference)
            if taken is not None:
                return ItemResult(index, "duplicate", tracking_code=taken)
            continue  # the rare clash of a random tracking code: draw another
        return ItemResult(index, "created", tracking_code=created.tracking_code)
    raise RuntimeError("no free tracking code after several attempts")  # 10^11 codes: never in practice
