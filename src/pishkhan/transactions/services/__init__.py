"""Every write of counter transactions. One module per concept; import from here.

- ``counter``: recording one transaction, advancing a state, heartbeats
- ``batch``: recording an office's offline batch
- ``delivery``: handing transactions to the gateway, following its events, the citizen's SMS
- ``history``: importing finished transactions of the past in bulk (the demo's history)
"""

from pishkhan.transactions.services.batch import BATCH_MAX, ItemResult, transactions_record_batch
from pishkhan.transactions.services.counter import (
    CITIZEN_KEY_SALT,
    CLOCK_SKEW,
    RECORDED_MAX_AGE,
    Guard,
    GuardRefused,
    Recorded,
    citizen_key,
    heartbeat_record,
    idempotency_key_clean,
    lookups_shared,
    office_operational_check,
    request_fingerprint,
    transaction_advance,
    transaction_answer,
    transaction_check,
    transaction_record,
    transaction_record_checked,
)
from pishkhan.transactions.services.delivery import (
    gateway_event,
    notifications_send_due,
    submission_payload,
    transaction_submit,
)
from pishkhan.transactions.services.history import (
    HistoryImported,
    HistoryRow,
    transactions_history_import,
)

__all__ = [
    "BATCH_MAX",
    "CITIZEN_KEY_SALT",
    "CLOCK_SKEW",
    "RECORDED_MAX_AGE",
    "Guard",
    "GuardRefused",
    "HistoryImported",
    "HistoryRow",
    "ItemResult",
    "Recorded",
    "citizen_key",
    "gateway_event",
    "heartbeat_record",
    "idempotency_key_clean",
    "lookups_shared",
    "notifications_send_due",
    "office_operational_check",
    "request_fingerprint",
    "submission_payload",
    "transaction_advance",
    "transaction_answer",
    "transaction_check",
    "transaction_record",
    "transaction_record_checked",
    "transaction_submit",
    "transactions_history_import",
    "transactions_record_batch",
]
