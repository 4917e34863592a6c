"""Template filters of the licensing pages: the names of states and documents, and a licence's
timeline (its audit entries) told in words.

System reasons and bases (a job's, a heartbeat's) are fixed English sentences marked with
``gettext_noop`` where they are written; ``said`` translates them when shown. What a person typed has
no translation and is shown as typed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pishkhan.licensing.forms import APPLICATION_STATUS_LABELS
from pishkhan.licensing.models import DocumentKind
from pishkhan.licensing.states import LicenceStatus

register = template.Library()

# What each step of a licence's or a proceeding's timeline is called (its audit action).
TIMELINE_ACTIONS = {
    "licence.issue": _("Issued"),
    "licence.import": _("Recorded from the former register"),
    "licence.first_signal": _("First sign of life from the office's system"),
    "licence.activate": _("Activated"),
    "licence.suspend": _("Suspended"),
    "licence.reinstate": _("Reinstated"),
    "licence.revoke": _("Revoked"),
    "licence.surrender": _("Surrendered"),
    "licence.expire": _("Expired"),
    "licence.renew": _("Renewed"),
    # A proceeding's steps (its own timeline, on a campaign's case page).
    "proceeding.open": _("Notice served"),
    "proceeding.hearing": _("Hearing set"),
    "proceeding.heard": _("Holder heard"),
    "proceeding.decide": _("Measure decided"),
    "proceeding.appeal": _("Appeal lodged"),
    "proceeding.appeal_decide": _("Appeal decided"),
    "proceeding.drop": _("Proceeding dropped"),
    "proceeding.enforce": _("Measure taken"),
}


@register.filter
def application_status(status: str) -> str:
    """An application state's name (translated)."""
    return str(APPLICATION_STATUS_LABELS.get(status, status))


@register.filter
def licence_status(status: str) -> str:
    """A licence state's name (translated)."""
    return str(LicenceStatus(status).label) if status in LicenceStatus.values else status


@register.filter
def document_kind(kind: str) -> str:
    """A kind of document's name (translated)."""
    return str(DocumentKind(kind).label) if kind in DocumentKind.values else kind


@register.filter
def said(text: str) -> str:
    """A reason or legal basis in the page's language when the system wrote it; else as typed."""
    return gettext(text) if text else ""


@register.filter
def timeline_action(action: str) -> str:
    """A timeline step's name; an action this page does not know yet is shown by its code."""
    return str(TIMELINE_ACTIONS.get(action, action))


def _status_of(facts: Any) -> str:
    if isinstance(facts, dict):
        return str(facts.get("status") or "")
    return ""


@register.filter
def status_before(entry: Any) -> str:
    """The licence's state before a timeline step ("" when it did not change state)."""
    return _status_of(entry.before)


@register.filter
def status_after(entry: Any) -> str:
    """The licence's state after a timeline step ("" when it did not change state)."""
    return _status_of(entry.after)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


@register.filter
def fact_date(entry: Any, name: str) -> dt.date | None:
    """A date a timeline step set (``suspended_until``, a renewal's ``expires_on``), or None."""
    return _date(entry.after.get(name)) if isinstance(entry.after, dict) else None
