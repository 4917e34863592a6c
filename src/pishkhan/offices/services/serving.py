"""Whether an office serves citizens now: what its licence allows, as licensing tells the registry.

The registry sits below licensing and cannot ask it, so licensing calls here at every change of a
licence (one call, or one per batch of an import); the public search, the directory and the office
page then read the answer from the office's own row (``Office.serving_hold``). Only a change is
written, with its audit entry; setting what is already there writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor
from pishkhan.audit.services import AuditItem, audit_record, audit_record_many
from pishkhan.common.bulk import IN_BATCH
from pishkhan.common.errors import ValidationError
from pishkhan.offices.models import Office
from pishkhan.offices.states import ServingHold


@dataclass(frozen=True)
class ServingChange:
    """What one office's serving state becomes: ``hold`` blank (it serves) or why not; ``until`` a
    suspension's last day."""

    office_id: int
    hold: str = ""
    until: dt.date | None = None


def _checked(hold: str, until: dt.date | None) -> tuple[str, dt.date | None]:
    if hold not in ("", *ServingHold.values):
        message = _("Unknown reason for an office not to serve.")
        raise ValidationError(message, fields={"hold": message})
    if until is not None and hold != ServingHold.SUSPENDED:
        message = _("Only a suspension has an end date.")
        raise ValidationError(message, fields={"until": message})
    return hold, until


def _facts(hold: str, until: dt.date | None, source: str) -> dict[str, Any]:
    return {"hold": hold, "until": until, "source": source} if source else {"hold": hold, "until": until}


def office_serving_set(
    *,
    office: Office,
    hold: str = "",
    until: dt.date | None = None,
    source: str = "",
    actor: Actor,
) -> Office:
    """Record whether an office serves citizens: ``hold`` blank, or why not (``ServingHold``), and for a
    suspension its last day. ``source`` names what decided it (a licence number), for the audit entry.

    Called inside the caller's transaction, which already holds the row that decided it (the licence).
    """
    hold, until = _checked(hold, until)
    with transaction.atomic():
        current = Office.objects.filter(pk=office.pk).values_list("serving_hold", "serving_hold_until").get()
        if current != (hold, until):
            Office.objects.filter(pk=office.pk).update(serving_hold=hold, serving_hold_until=until)
            audit_record(
                actor=actor,
                action="office.serving",
                target=office,
                before=_facts(*current, ""),
                after=_facts(hold, until, source),
            )
    office.serving_hold, office.serving_hold_until = hold, until
    return office


def offices_serving_set_many(*, changes: Sequence[ServingChange], actor: Actor, source: str = "") -> int:
    """:func:`office_serving_set` for many offices at once (a licence import): one read per chunk, one
    update per distinct state and chunk, one audit entry per office that changed. Returns how many."""
    wanted = {change.office_id: _checked(change.hold, change.until) for change in changes}
    ids = sorted(wanted)
    with transaction.atomic():
        current: dict[int, tuple[str, dt.date | None]] = {}
        for start in range(0, len(ids), IN_BATCH):
            rows = Office.objects.filter(pk__in=ids[start : start + IN_BATCH]).values_list(
                "pk", "serving_hold", "serving_hold_until"
            )
            current.update((pk, (hold, until)) for pk, hold, until in rows)
        groups: dict[tuple[str, dt.date | None], list[int]] = defaultdict(list)
        for pk in ids:
            if pk in current and current[pk] != wanted[pk]:
                groups[wanted[pk]].append(pk)
        for (hold, until), members in groups.items():
            for start in range(0, len(members), IN_BATCH):
                Office.objects.filter(pk__in=members[start : start + IN_BATCH]).update(
                    serving_hold=hold, serving_hold_until=until
                )
        changed = sorted(pk for members in groups.values() for pk in members)
        audit_record_many(
            actor=actor,
            action="office.serving",
            items=[
                AuditItem(
                    target=Office(pk=pk),
                    before=_facts(*current[pk], ""),
                    after=_facts(*wanted[pk], source),
                )
                for pk in changed
            ],
        )
    return len(changed)
