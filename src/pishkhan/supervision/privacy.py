"""Supervision's personal data: what the retention policy purges and what a subject access request
finds (``pishkhan.privacy`` calls these; this domain writes its own tables only).

A complaint's citizen is not identified; the optional reply mobile is kept masked, sealed and as a
keyed hash until the complaint is closed. Inspection photos are evidence kept for years.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from pishkhan.audit.actors import Actor
from pishkhan.audit.services import audit_record
from pishkhan.supervision.mobile_keys import mobile_key
from pishkhan.supervision.models import Complaint, InspectionPhoto
from pishkhan.supervision.states import ComplaintStatus


def complaint_mobiles_purge(*, before: dt.datetime, actor: Actor, dry_run: bool = False) -> int:
    """Erase the reply mobile (masked, sealed and keyed) of complaints closed before ``before``."""
    due = Complaint.objects.filter(status=ComplaintStatus.CLOSED, closed_at__lt=before).exclude(
        mobile_masked="", mobile_sealed="", mobile_key=""
    )
    if dry_run:
        return due.count()
    with transaction.atomic():
        erased = due.update(mobile_masked="", mobile_sealed="", mobile_key="")
        if erased:
            audit_record(
                actor=actor,
                action="supervision.complaint_mobiles_purged",
                after={"erased": erased, "closed_before": before},
                reason="retention policy",
            )
    return erased


def inspection_photos_purge(*, before: dt.datetime, actor: Actor, dry_run: bool = False) -> int:
    """Delete the photos (rows and files) uploaded before ``before``; the inspection's results stay."""
    due = InspectionPhoto.objects.filter(uploaded_at__lt=before)
    if dry_run:
        return due.count()
    with transaction.atomic():
        photos = list(due.select_for_update())
        names = [photo.file.name for photo in photos]
        storage = InspectionPhoto._meta.get_field("file").storage
        InspectionPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
        if photos:
            audit_record(
                actor=actor,
                action="supervision.inspection_photos_purged",
                after={"deleted": len(photos), "uploaded_before": before},
                reason="retention policy",
            )
    # The files go once the rows are gone for good (committed); a file left by a crash is an orphan.
    for name in names:
        if name:
            storage.delete(name)
    return len(photos)


def complainant_export(*, mobile: str) -> list[dict[str, Any]]:
    """The complaints whose reply mobile is this (clean) one, oldest first."""
    key = mobile_key(mobile)
    if not key:
        return []
    rows = Complaint.objects.filter(mobile_key=key).select_related("office").order_by("created_at", "id")
    return [
        {
            "number": row.number,
            "office": row.office.code,
            "office_name": row.office.name,
            "category": row.category,
            "description": row.description,
            "mobile_masked": row.mobile_masked,
            "status": row.status,
            "created_at": row.created_at,
            "answer": row.answer,
            "answered_at": row.answered_at,
            "closed_at": row.closed_at,
            "outcome": row.outcome,
            "refund_amount_rials": row.refund_amount,
        }
        for row in rows
    ]
