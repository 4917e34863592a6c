"""Who purges and who exports each kind of personal data: the owning domain's ``privacy`` module.

A purger is called with ``before`` (the moment before which the purpose ended long enough ago),
``actor`` and ``dry_run``, and returns how many items it (would have) purged; it writes only its own
domain's tables, in its own atomic block, with its own audit entry. A retention rule whose kind has
no purger here is reported and skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from pishkhan.audit.actors import Actor
from pishkhan.frontoffice import privacy as frontoffice_privacy
from pishkhan.licensing import privacy as licensing_privacy
from pishkhan.notifications import privacy as notifications_privacy
from pishkhan.offices import privacy as offices_privacy
from pishkhan.supervision import privacy as supervision_privacy
from pishkhan.transactions import privacy as transactions_privacy

Purger = Callable[..., int]

PURGERS: dict[str, Purger] = {
    "transactions.mobile": transactions_privacy.mobiles_sealed_purge,
    "transactions.heartbeats": transactions_privacy.heartbeats_purge,
    "supervision.complaint_mobile": supervision_privacy.complaint_mobiles_purge,
    "supervision.inspection_photos": supervision_privacy.inspection_photos_purge,
    "licensing.ended_application_documents": licensing_privacy.ended_application_documents_purge,
    "notifications.sms": notifications_privacy.messages_redact,
    "frontoffice.appointment_mobile": frontoffice_privacy.appointment_mobiles_purge,
}


def purger_of(kind: str) -> Purger | None:
    return PURGERS.get(kind)


def purge(kind: str, *, before: dt.datetime, actor: Actor, dry_run: bool) -> int | None:
    """Run the purger of ``kind``; ``None`` when no installed domain owns that kind."""
    purger = purger_of(kind)
    if purger is None:
        return None
    return purger(before=before, actor=actor, dry_run=dry_run)


def subject_sections(*, national_id: str, mobile: str = "") -> dict[str, Any]:
    """Everything held about a person, by section: each domain's own export."""
    licensing = licensing_privacy.person_export(national_id=national_id)
    return {
        "counter_transactions": transactions_privacy.citizen_export(national_id=national_id),
        "licence_applications": licensing["applications"],
        "licences": licensing["licences"],
        "office_operator": offices_privacy.operator_export(national_id=national_id),
        "complaints": supervision_privacy.complainant_export(mobile=mobile) if mobile else [],
    }
