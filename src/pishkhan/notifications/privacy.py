"""The outbox's personal data for the retention policy (``pishkhan.privacy`` calls this; this domain
writes its own tables only).

A message holds its number sealed until it is sent (then erased), its masked number, its parameters
and the text that went. Past the policy's period the masked number, the parameters and the text are
erased too; the row and its key stay, so that the same message is never sent again.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from pishkhan.audit.actors import Actor
from pishkhan.audit.services import audit_record
from pishkhan.notifications.models import Message, MessageStatus


def messages_redact(*, before: dt.datetime, actor: Actor, dry_run: bool = False) -> int:
    """Erase what the messages finished (sent, withheld or given up) before ``before`` say of their
    citizen; how many (would be) erased."""
    due = (
        Message.objects.exclude(status=MessageStatus.PENDING)
        .filter(Q(sent_at__lt=before) | Q(sent_at__isnull=True, created_at__lt=before))
        .exclude(mobile_masked="")
    )
    if dry_run:
        return due.count()
    with transaction.atomic():
        erased = due.update(mobile_masked="", mobile_sealed="", params={}, text="")
        if erased:
            audit_record(
                actor=actor,
                action="notifications.messages_redacted",
                after={"erased": erased, "finished_before": before},
                reason="retention policy",
            )
    return erased
