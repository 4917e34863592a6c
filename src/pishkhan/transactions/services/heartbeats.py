"""Heartbeats: an office's terminal saying it is alive, which moves the office's "last seen" and
activates an issued licence on its first sign of life."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError
from django.db import transaction as db_transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor
from pishkhan.common.errors import ValidationError
from pishkhan.licensing.services import licence_signal
from pishkhan.offices.models import Office
from pishkhan.offices.states import OfficeStatus
from pishkhan.transactions.models import SOFTWARE_VERSION_MAX, TERMINAL_ID_MAX, Heartbeat, OfficeLiveness
from pishkhan.transactions.services.checks import CLOCK_SKEW, office_operational_check, text_clean


def heartbeat_record(
    *,
    office: Office,
    terminal_id: str,
    software_version: str,
    at: dt.datetime | None = None,
    actor: Actor = None,
) -> Heartbeat:
    """Note that a terminal of an office is alive, and move the office's "last seen" forward.

    A closed office is refused; a suspended one, or one whose licence is not active yet, is still
    heard: a heartbeat shows the office is equipped and connected, which is what activates an issued
    licence (licensing's ``licence_signal``).
    """
    if office.status == OfficeStatus.CLOSED:
        office_operational_check(office)
    terminal_id = text_clean(terminal_id, "terminal_id", max_length=TERMINAL_ID_MAX, required=True)
    software_version = text_clean(
        software_version, "software_version", max_length=SOFTWARE_VERSION_MAX, required=True
    )
    now = timezone.now()
    at = at or now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + CLOCK_SKEW:
        message = _("The time lies in the future.")
        raise ValidationError(message, fields={"at": message})
    latest = {"last_seen_at": at, "terminal_id": terminal_id, "software_version": software_version}
    with db_transaction.atomic():
        beat = Heartbeat.objects.create(
            office=office, terminal_id=terminal_id, software_version=software_version, at=at
        )
        # A late heartbeat never moves "last seen" backwards.
        if not OfficeLiveness.objects.filter(office=office, last_seen_at__lt=at).update(**latest):
            try:
                with db_transaction.atomic():
                    OfficeLiveness.objects.get_or_create(office=office, defaults=latest)
            except IntegrityError:
                # A concurrent first heartbeat created the row; ours may still be the later one.
                OfficeLiveness.objects.filter(office=office, last_seen_at__lt=at).update(**latest)
        # The first sign of life of an equipped office activates its issued licence.
        licence_signal(office=office, at=at, actor=actor)
    return beat
