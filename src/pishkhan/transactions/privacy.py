"""The counter's personal data: what the retention policy purges and what a subject access request
finds (``pishkhan.privacy`` calls these; this domain writes its own tables only).

A citizen is held as the keyed hash of the national ID (``citizen_key``), its mask and, until the
outcome is texted, the sealed mobile (the notify job erases it after sending).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from pishkhan.audit.actors import Actor
from pishkhan.audit.services import audit_record
from pishkhan.transactions.models import CounterTransaction, Heartbeat
from pishkhan.transactions.services.citizens import citizen_key


def mobiles_sealed_purge(*, before: dt.datetime, actor: Actor, dry_run: bool = False) -> int:
    """Erase the sealed mobile of transactions received before ``before`` that still hold one (their
    citizen could not be texted: never finished, or the SMS never went). How many (would be) erased."""
    due = CounterTransaction.objects.filter(received_at__lt=before).exclude(mobile_sealed="")
    if dry_run:
        return due.count()
    with transaction.atomic():
        erased = due.update(mobile_sealed="")
        if erased:
            audit_record(
                actor=actor,
                action="transactions.mobiles_purged",
                after={"erased": erased, "received_before": before},
                reason="retention policy",
            )
    return erased


def heartbeats_purge(*, before: dt.datetime, actor: Actor, dry_run: bool = False) -> int:
    """Delete the heartbeats older than ``before`` (the liveness of an office keeps its last one)."""
    due = Heartbeat.objects.filter(at__lt=before)
    if dry_run:
        return due.count()
    with transaction.atomic():
        deleted, _ = due.delete()
        if deleted:
            audit_record(
                actor=actor,
                action="transactions.heartbeats_purged",
                after={"deleted": deleted, "before": before},
                reason="retention policy",
            )
    return deleted


def citizen_export(*, national_id: str) -> list[dict[str, Any]]:
    """Every counter transaction of the citizen with this (clean) national ID, oldest first."""
    rows = (
        CounterTransaction.objects.filter(citizen_key=citizen_key(national_id))
        .select_related("office", "service")
        .order_by("received_at", "id")
    )
    return [
        {
            "tracking_code": row.tracking_code,
            "office": row.office.code,
            "office_name": row.office.name,
            "service": row.service.code,
            "service_name": row.service.title_fa,
            "state": row.state,
            "national_id_masked": row.citizen_masked,
            "mobile_masked": row.mobile_masked,
            "mobile_held_sealed": bool(row.mobile_sealed),
            "fee_charged_rials": row.fee_charged,
            "recorded_at": row.recorded_at,
            "received_at": row.received_at,
            "finished_at": row.finished_at,
            "notified_at": row.notified_at,
            "agency_reference": row.agency_reference,
        }
        for row in rows
    ]
