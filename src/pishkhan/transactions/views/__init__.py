"""Pages of the counter: an office's day at the counter, one transaction with its history and its
printable receipts (A5 and 80 mm thermal), the web counter's form, the transaction search, and the
public tracking page.

Every list is narrowed to the caller's jurisdiction (``Principal.scope``); a single transaction
outside it is answered 404, as if it did not exist.
"""

from pishkhan.transactions.views.counter import counter_day, transaction_detail, transaction_receipt
from pishkhan.transactions.views.record import transaction_record
from pishkhan.transactions.views.search import transaction_list
from pishkhan.transactions.views.tracking import transaction_track

__all__ = [
    "counter_day",
    "transaction_detail",
    "transaction_list",
    "transaction_receipt",
    "transaction_record",
    "transaction_track",
]
