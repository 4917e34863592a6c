"""What an office's system is answered for a recorded transaction: the same bytes whether it was
recorded now, replayed for a retry, recorded by the fast lane or read back later."""

from __future__ import annotations

from typing import Any, cast

from django.core.serializers.json import DjangoJSONEncoder

from pishkhan.transactions.models import CounterTransaction
from pishkhan.transactions.services.writer import NewTransaction


def transaction_answer(transaction: CounterTransaction | NewTransaction) -> dict[str, Any]:
    """The answer an office's system gets for a recorded transaction (identifiers masked), in the
    API's JSON form and field order, so that it is stored, replayed and sent as the same bytes."""
    return {
        "tracking_code": transaction.tracking_code,
        "state": transaction.state,
        "office": transaction.office.code,
        "service": transaction.service.code,
        "office_reference": transaction.office_reference,
        "clerk": transaction.clerk,
        "citizen": transaction.citizen_masked,
        "mobile": transaction.mobile_masked,
        "fee_charged": transaction.fee_charged,
        "fee_tariff": transaction.fee_tariff,
        "fee_differs": transaction.fee_differs,
        "recorded_at": _json_time(transaction.recorded_at),
        "received_at": _json_time(transaction.received_at),
    }


_json_time = DjangoJSONEncoder().default  # the API's form of a time (milliseconds, "Z" for UTC)


class Recorded:
    """What recording a transaction did: the transaction, whether it is new, and the answer to send."""

    __slots__ = ("_transaction", "_written", "answer", "created", "guarded", "status")

    def __init__(
        self,
        transaction: CounterTransaction | NewTransaction,
        created: bool,
        status: int,
        answer: dict[str, Any],
        guarded: tuple[Any, ...] = (),  # the guard's row (see writer.Guard), when the write had one
        *,
        pk: int | None = None,  # for a NewTransaction: its id, and its request's key and fingerprint
        key: str = "",
        fingerprint: str = "",
    ) -> None:
        self.created, self.status, self.answer, self.guarded = created, status, answer, guarded
        self._transaction = transaction if isinstance(transaction, CounterTransaction) else None
        self._written = (transaction, pk, key, fingerprint)

    @property
    def transaction(self) -> CounterTransaction:
        """The transaction as stored (a new one becomes a model instance only when asked for)."""
        if self._transaction is None:
            new, pk, key, fingerprint = cast(tuple[NewTransaction, int, str, str], self._written)
            stored = CounterTransaction(
                pk=pk, idempotency_key=key, request_fingerprint=fingerprint, **new._asdict()
            )
            stored._state.adding = False
            self._transaction = stored
        return self._transaction
