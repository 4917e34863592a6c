"""The privacy services: apply the retention policy, change a rule, export a person's data.

Every write goes through the owning domain (``registry``); what this app writes is its own rules
and the audit entries of its acts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor, actor_label
from pishkhan.audit.services import audit_record
from pishkhan.common.errors import NotFoundError, ValidationError
from pishkhan.common.identifiers import mobile_clean, mobile_mask, national_id_clean, national_id_mask
from pishkhan.privacy import registry
from pishkhan.privacy.models import RetentionRule

EXPORT_FORMAT = "pishkhan-subject-access"
MAX_DAYS = 3660


@dataclass(frozen=True)
class PurgeLine:
    """What the policy did (or would do) for one kind of personal data."""

    kind: str
    data: str
    days: int
    before: dt.datetime
    count: int | None  # None: no installed domain purges this kind

    @property
    def handled(self) -> bool:
        return self.count is not None


def privacy_purge(*, actor: Actor, now: dt.datetime | None = None, dry_run: bool = False) -> list[PurgeLine]:
    """Purge, kind by kind, the personal data kept past its rule's period (each domain in its own
    atomic block and audit entry); one summary entry for the run. ``dry_run`` counts only."""
    now = now or timezone.now()
    lines = []
    for rule in RetentionRule.objects.filter(active=True).order_by("kind"):
        before = now - dt.timedelta(days=rule.days)
        count = registry.purge(rule.kind, before=before, actor=actor, dry_run=dry_run)
        lines.append(PurgeLine(kind=rule.kind, data=rule.data, days=rule.days, before=before, count=count))
    if not dry_run and any(line.count for line in lines):
        audit_record(
            actor=actor,
            action="privacy.purged",
            after={line.kind: line.count for line in lines if line.handled},
            reason="retention policy",
        )
    return lines


def retention_rule_set(
    *, actor: Actor, kind: str, days: int, reason: str, active: bool = True
) -> RetentionRule:
    """Change how long one kind of personal data is kept (audited, with the reason)."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for the change."), fields={"reason": _("required")})
    if not 0 <= days <= MAX_DAYS:
        raise ValidationError(
            _("A retention period is between 0 and %(max)d days.") % {"max": MAX_DAYS},
            fields={"days": _("out of range")},
        )
    with transaction.atomic():
        rule = RetentionRule.objects.select_for_update().filter(kind=kind).first()
        if rule is None:
            raise NotFoundError(_("There is no retention rule of that kind."))
        before = {"days": rule.days, "active": rule.active}
        rule.days, rule.active = days, active
        rule.changed_at, rule.changed_by = timezone.now(), actor_label(actor)
        rule.save(update_fields=["days", "active", "changed_at", "changed_by"])
        audit_record(
            actor=actor,
            action="privacy.retention_changed",
            target=rule,
            before=before,
            after={"days": days, "active": active},
            reason=reason.strip(),
        )
    return rule


def subject_export(*, actor: Actor, national_id: str, mobile: str = "", reason: str = "") -> dict[str, Any]:
    """Everything held about the person with this national ID (and, for complaints, which name no
    one, this reply mobile), for a subject access request. Audited: who asked, when, and the ID
    masked; the export itself is not stored."""
    national_id = national_id_clean(national_id)
    mobile = mobile_clean(mobile) if mobile.strip() else ""
    sections = registry.subject_sections(national_id=national_id, mobile=mobile)
    now = timezone.now()
    with transaction.atomic():
        entry = audit_record(
            actor=actor,
            action="privacy.subject_exported",
            after={
                "national_id": national_id_mask(national_id),
                "mobile": mobile_mask(mobile) if mobile else "",
                "items": {name: len(items) for name, items in sections.items()},
            },
            reason=reason.strip() or "subject access request",
        )
    return {
        "format": EXPORT_FORMAT,
        "national_id": national_id,
        "mobile": mobile,
        "exported_at": now,
        "exported_by": actor_label(actor),
        "audit_entry": entry.seq,
        "sections": sections,
        "not_held": [
            _("Citizens' national IDs are held only as a keyed hash and a mask; this export matched them."),
            _("Complaints name no one: they are found by the reply mobile, when one is given."),
        ],
    }
