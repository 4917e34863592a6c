"""A counter request's idempotency: its first successful answer is returned again for a retry with
the same ``Idempotency-Key`` and body; the same key with another body is a conflict.

The key and the body's fingerprint are kept on the transaction itself (one table, one row per
request), and the first answer is rebuilt from it. Refusals are not kept (nothing was created, and a
retry is checked afresh, so it succeeds once the office is reopened, for instance).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.utils.translation import gettext as _

from pishkhan.common.errors import ConflictError, ValidationError
from pishkhan.offices.models import Office
from pishkhan.transactions.models import IDEMPOTENCY_KEY_MAX, CounterTransaction
from pishkhan.transactions.services.answers import Recorded, transaction_answer
from pishkhan.transactions.states import TransactionState


def request_fingerprint(body: Any) -> str:
    """sha256 of a request body as canonical JSON (sorted keys, no spaces), to tell a retry from a reuse."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_key_clean(key: str) -> str:
    """The request's ``Idempotency-Key``, stripped; refused when missing or too long."""
    key = (key or "").strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX:
        message = _("Send an Idempotency-Key header of 1 to %(count)d characters.") % {
            "count": IDEMPOTENCY_KEY_MAX
        }
        raise ValidationError(message, fields={"Idempotency-Key": message})
    return key


def answer_replayed(office: Office, key: str, fingerprint: str) -> Recorded | None:
    """The first answer to the request with this key, if the office made one; ``ConflictError`` when
    the key came with another body."""
    found = (
        CounterTransaction.objects.select_related("office", "service")
        .filter(office=office, idempotency_key=key)
        # The partial unique index's own condition (``transactions_request_key_unique``), always true of
        # a clean key: SQLite uses a partial index only for a query that states it. Without it, a retry
        # read every transaction of its office.
        .exclude(idempotency_key="")
        .first()
    )
    if found is None:
        return None
    if found.request_fingerprint != fingerprint:
        raise ConflictError(
            _("This Idempotency-Key was already used for a different request; use a new key for a new one.")
        )
    # The answer as first given: every transaction was answered when it was received.
    return Recorded(found, False, 201, transaction_answer(found) | {"state": TransactionState.RECEIVED})
