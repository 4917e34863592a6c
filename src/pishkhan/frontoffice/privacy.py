"""The front office's personal data that the retention policy purges (``pishkhan.privacy`` calls it;
this domain writes its own tables only).

A booked citizen's mobile is kept sealed for the confirmation, the reminder and the ticket's turn-near
SMS; once the slot has passed it is erased (the masked mobile and masked national ID stay, for the
office's day). A ticket's mobile is erased when the ticket ends (``tickets``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from pishkhan.audit.actors import Actor
from pishkhan.audit.services import audit_record
from pishkhan.frontoffice.models import Appointment


def appointment_mobiles_purge(*, before: dt.datetime, actor: Actor, dry_run: bool = False) -> int:
    """Erase the sealed mobile of appointments whose slot ended before ``before``."""
    due = Appointment.objects.filter(end__lt=before).exclude(mobile_sealed="")
    if dry_run:
        return due.count()
    with transaction.atomic():
        erased = due.update(mobile_sealed="")
        if erased:
            audit_record(
                actor=actor,
                action="frontoffice.appointment_mobiles_purged",
                after={"erased": erased, "ended_before": before},
                reason="retention policy",
            )
    return erased
