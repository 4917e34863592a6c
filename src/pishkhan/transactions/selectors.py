"""Reads of counter transactions and of offices' liveness."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from pishkhan.common.errors import NotFoundError
from pishkhan.common.identifiers import tracking_code_clean
from pishkhan.offices.models import Office
from pishkhan.transactions.models import CounterTransaction, OfficeLiveness, TransactionEvent

Scope = dict[str, str] | None

_SCOPE_LOOKUPS = {"office": "office__code", "province": "office__province__code"}


def transaction_list_for_scope(*, scope: Scope = None) -> QuerySet[CounterTransaction]:
    """Transactions inside a jurisdiction (``{}``/None: all), newest first, with office and service."""
    transactions = CounterTransaction.objects.select_related("office", "service__agency")
    for kind, code in (scope or {}).items():
        if kind not in _SCOPE_LOOKUPS:
            return transactions.none()  # deny by default: an agency sees no office's counter
        transactions = transactions.filter(**{_SCOPE_LOOKUPS[kind]: code})
    return transactions


def transaction_get(*, tracking_code: str, scope: Scope = None) -> CounterTransaction:
    """One transaction by tracking code, with its history; ``NotFoundError`` if unknown or outside scope."""
    code = tracking_code_clean(tracking_code)
    found = (
        transaction_list_for_scope(scope=scope)
        .prefetch_related(Prefetch("events", queryset=TransactionEvent.objects.order_by("at", "pk")))
        .filter(tracking_code=code)
        .first()
    )
    if found is None:
        raise NotFoundError(_("No transaction has the tracking code %(code)s.") % {"code": code})
    return found


def office_last_seen(*, office: Office) -> dt.datetime | None:
    """When the office's system last sent a heartbeat; None if it never did."""
    return OfficeLiveness.objects.filter(office=office).values_list("last_seen_at", flat=True).first()
