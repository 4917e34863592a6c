"""Every write of counter transactions. One module per concept; import from here.

- ``checks``: the rules a transaction is checked by (``transaction_check`` on a ``Posted``), and
  whether its office may serve
- ``writer``: the one writer of transactions, their first events and their gateway submissions: one
  (the single POST, in one statement on PostgreSQL) or many (the batch, the history import)
- ``answers``: what an office's system is answered
- ``idempotency``: a retry's first answer (``Idempotency-Key`` and the body's fingerprint)
- ``counter``: recording one transaction (the API, the fast lane, the web counter)
- ``batch``: recording an office's offline batch
- ``history``: importing finished transactions of the past in bulk (the demo's history)
- ``heartbeats``: terminals' signs of life
- ``delivery``: following the gateway's events, advancing a state
- ``notices``: the citizen's messages of each step, enqueued in the notifications outbox after the fact
- ``citizens``: the citizen's keyed hash

The catalogue as the counter reads it (services, tariffs, who may deliver what) is
``catalogue.lookups``.
"""

from pishkhan.transactions.services.answers import Recorded, transaction_answer
from pishkhan.transactions.services.batch import BATCH_MAX, ItemResult, transactions_record_batch
from pishkhan.transactions.services.checks import (
    CLOCK_SKEW,
    RECORDED_MAX_AGE,
    Checked,
    Posted,
    office_operational_check,
    transaction_check,
)
from pishkhan.transactions.services.citizens import CITIZEN_KEY_SALT, citizen_key
from pishkhan.transactions.services.counter import transaction_record, transaction_record_checked
from pishkhan.transactions.services.delivery import (
    gateway_event,
    transaction_advance,
)
from pishkhan.transactions.services.heartbeats import Beat, heartbeat_record, heartbeats_record_many
from pishkhan.transactions.services.history import (
    HistoryImported,
    HistoryRow,
    transactions_history_import,
)
from pishkhan.transactions.services.idempotency import idempotency_key_clean, request_fingerprint
from pishkhan.transactions.services.notices import notifications_enqueue_due
from pishkhan.transactions.services.writer import Guard, GuardRefused, submission_payload

__all__ = [
    "BATCH_MAX",
    "CITIZEN_KEY_SALT",
    "CLOCK_SKEW",
    "RECORDED_MAX_AGE",
    "Beat",
    "Checked",
    "Guard",
    "GuardRefused",
    "HistoryImported",
    "HistoryRow",
    "ItemResult",
    "Posted",
    "Recorded",
    "citizen_key",
    "gateway_event",
    "heartbeat_record",
    "heartbeats_record_many",
    "idempotency_key_clean",
    "notifications_enqueue_due",
    "office_operational_check",
    "request_fingerprint",
    "submission_payload",
    "transaction_advance",
    "transaction_answer",
    "transaction_check",
    "transaction_record",
    "transaction_record_checked",
    "transactions_history_import",
    "transactions_record_batch",
]
