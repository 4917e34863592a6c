"""Recording one transaction an office performed: the single POST of the API, the fast lane and the
web counter.

Audit: a counter transaction is deliberately *not* written to the audit chain. Every audit entry
locks the chain's single head row, so one entry per transaction would serialise every office of the
country on that row; each transaction's history is its own ``TransactionEvent`` rows instead. Only
exceptional events (a correction by an official, say) belong in the audit chain.

The rules are ``checks``', the write ``writer``'s, the answer ``answers``' and a retry's answer
``idempotency``'s.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor
from pishkhan.catalogue.lookups import lookups_shared
from pishkhan.common.errors import ApplicationError, ConflictError
from pishkhan.offices.models import Office
from pishkhan.transactions.services.answers import Recorded, transaction_answer
from pishkhan.transactions.services.checks import (
    Checked,
    Posted,
    office_operational_check,
    transaction_check,
)
from pishkhan.transactions.services.idempotency import answer_replayed, idempotency_key_clean
from pishkhan.transactions.services.writer import Guard, recorded_as, row_new, transaction_write

TRACKING_ATTEMPTS = 5


def transaction_record(
    *,
    office: Office,
    service_code: str,
    national_id: str,
    mobile: str,
    fee_charged: int,
    office_reference: str,
    clerk: str = "",
    recorded_at: dt.datetime | str | None = None,
    idempotency_key: str,
    request_fingerprint: str,
    actor: Actor,
) -> Recorded:
    """Record one transaction an office performed, once per ``idempotency_key``; returns its answer.

    A retry with the same key and fingerprint returns the first answer and creates nothing; the same
    key with another fingerprint is a ``ConflictError``; an office's reference used before is one too.
    The fee is stored as charged, beside the tariff in force when the office recorded it (a service
    without one is refused).
    """
    key = idempotency_key_clean(idempotency_key)
    now = timezone.now()
    posted = Posted(
        service=service_code,
        national_id=national_id,
        mobile=mobile,
        fee_charged=fee_charged,
        clerk=clerk,
        office_reference=office_reference,
        recorded_at=recorded_at,
    )
    try:
        office_operational_check(office)
        checked = transaction_check(office, posted, now, lookups_shared())
    except ApplicationError:
        # A retry of a request answered before gets that answer, whatever changed since.
        replayed = answer_replayed(office, key, request_fingerprint)
        if replayed is not None:
            return replayed
        raise
    return transaction_record_checked(
        office=office, checked=checked, key=key, fingerprint=request_fingerprint, now=now
    )


def transaction_record_checked(
    *,
    office: Office,
    checked: Checked,
    key: str,
    fingerprint: str,
    now: dt.datetime,
    guard: Guard | None = None,
) -> Recorded:
    """Write a transaction whose office and content are checked; its answer, or the first answer.

    Insert first and read only on a clash: the unique (office, reference) and (office, key) make a
    concurrent identical request wait for this one's commit, fail, and answer as this one did.
    ``guard``: see ``writer.Guard``; ``GuardRefused`` when it refuses (then nothing was written).
    """
    for _attempt in range(TRACKING_ATTEMPTS):
        created = row_new(office, checked, now)
        answer = transaction_answer(created)
        try:
            pk, guarded = transaction_write(
                created,
                national_id=checked.national_id,
                mobile=checked.mobile,
                key=key,
                fingerprint=fingerprint,
                guard=guard,
            )
        except IntegrityError:
            replayed = answer_replayed(office, key, fingerprint)  # ConflictError for another body
            if replayed is not None:
                return replayed
            taken = recorded_as(office, checked.office_reference)
            if taken is not None:
                raise ConflictError(
                    _("This office already recorded the reference %(reference)s (tracking code %(code)s).")
                    % {"reference": checked.office_reference, "code": taken},
                    fields={"office_reference": _("already recorded")},
                ) from None
            continue  # the rare clash of a random tracking code: draw another
        return Recorded(created, True, 201, answer, guarded, pk=pk, key=key, fingerprint=fingerprint)
    raise RuntimeError("no free tracking code after several attempts")  # 10^11 codes: never in practice
