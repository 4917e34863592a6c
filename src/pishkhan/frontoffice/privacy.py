"""The front office's personal data that the retention policy purges (``pishkhan.privacy`` calls it;
this domain writes its own tables only).

A booked citizen's mobile is kept sealed for the confirmation, the reminder and the ticket's turn-near
SMS; once the slot has passed it is erased (the masked mobile and masked national ID stay, for the
office's day). A ticket's mobile is erased when the ticket ends (``tickets``).
"""

from __future__ import annotations

import datetime as dt

from pishkhan.audit.actors import Actor
from pishkhan.audit.services import retention_purge
from pishkhan.frontoffice.models import Appointment


def appointment_mobiles_purge(*, before: dt.datetime, actor: Actor, dry_run: bool = False) -> int:
    """Erase the sealed mobile of appointments whose slot ended before ``before``."""
    return retention_purge(
        Appointment.objects.filter(end__lt=before).exclude(mobile_sealed=""),
        erase={"mobile_sealed": ""},
        action="frontoffice.appointment_mobiles_purged",
        after={"ended_before": before},
        actor=actor,
        dry_run=dry_run,
    )
