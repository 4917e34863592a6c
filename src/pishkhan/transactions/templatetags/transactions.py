"""Template filters of the counter's pages: a tracking code grouped for reading, a state's name."""

from __future__ import annotations

from django import template

from pishkhan.transactions.states import TransactionState

register = template.Library()

TRACKING_GROUP = 4


@register.filter
def tracking_code(code: str) -> str:
    """``123456789012`` → ``1234 5678 9012``: read aloud in groups.

    In Latin digits on Persian pages too, as every identifier (office codes, licence numbers): the
    code is the same on the receipt, in the SMS and on every page that shows it.
    """
    return " ".join(code[i : i + TRACKING_GROUP] for i in range(0, len(code or ""), TRACKING_GROUP))


@register.filter
def state_label(state: str) -> str:
    """A transaction state's human name (translated); "" for none (a transaction's creation)."""
    if not state:
        return ""
    return str(TransactionState(state).label) if state in TransactionState.values else state
