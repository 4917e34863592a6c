"""Heartbeats: an office's terminal saying it is alive, which moves the office's "last seen" and
activates an issued licence on its first sign of life."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection
from django.db import transaction as db_transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor
from pishkhan.common.bulk import insert_dicts
from pishkhan.common.errors import ValidationError
from pishkhan.common.writes import writer_turn
from pishkhan.licensing.selectors import offices_awaiting_signal
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


@dataclass(frozen=True)
class Beat:
    """One heartbeat of a bulk record: which office's terminal, running what, when."""

    office: Office
    terminal_id: str
    software_version: str
    at: dt.datetime


def heartbeats_record_many(*, beats: Sequence[Beat], actor: Actor = None) -> int:
    """Record many heartbeats at once (a demo network, an import of a terminal fleet's log); how many.

    The same rules as :func:`heartbeat_record`: a closed office is refused, terminal and version are
    checked, no time lies in the future, and each office's "last seen" moves only forward. The rows
    are written in bulk (``common.bulk``); each office's liveness row is created or moved once, to its
    latest beat. An office heard for the first time is handed to licensing's ``licence_signal``, as a
    first heartbeat is (later ones find nothing new to record there).
    """
    if not beats:
        return 0
    now = timezone.now()
    cleaned: dict[tuple[str, str], tuple[str, str]] = {}
    rows: list[dict[str, Any]] = []
    latest: dict[int, Beat] = {}
    offices: dict[int, Office] = {}
    for beat in beats:
        if beat.office.status == OfficeStatus.CLOSED:
            office_operational_check(beat.office)
        key = (beat.terminal_id, beat.software_version)
        if key not in cleaned:
            cleaned[key] = (
                text_clean(beat.terminal_id, "terminal_id", max_length=TERMINAL_ID_MAX, required=True),
                text_clean(
                    beat.software_version, "software_version", max_length=SOFTWARE_VERSION_MAX, required=True
                ),
            )
        at = beat.at if timezone.is_aware(beat.at) else timezone.make_aware(beat.at)
        if at > now + CLOCK_SKEW:
            message = _("The time lies in the future.")
            raise ValidationError(message, fields={"at": message})
        terminal_id, version = cleaned[key]
        rows.append(
            {"office_id": beat.office.pk, "terminal_id": terminal_id, "software_version": version, "at": at}
        )
        offices[beat.office.pk] = beat.office
        if beat.office.pk not in latest or at > latest[beat.office.pk].at:
            latest[beat.office.pk] = Beat(
                office=beat.office, terminal_id=terminal_id, software_version=version, at=at
            )
    db = connection
    # On SQLite, take this process's turn among writers (as the counter's batch does).
    with writer_turn(db) if not db.in_atomic_block else nullcontext(), db_transaction.atomic():
        insert_dicts(Heartbeat, rows)
        known = dict(
            OfficeLiveness.objects.select_for_update()
            .filter(office_id__in=list(latest))
            .values_list("office_id", "last_seen_at")
        )
        moved = [
            OfficeLiveness(
                office_id=pk,
                last_seen_at=beat.at,
                terminal_id=beat.terminal_id,
                software_version=beat.software_version,
            )
            for pk, beat in latest.items()
            if pk in known and known[pk] < beat.at
        ]
        if moved:
            # By the unique office key: the rows read above are locked, so none moves meanwhile.
            OfficeLiveness.objects.bulk_update(
                _with_pks(moved), ["last_seen_at", "terminal_id", "software_version"], batch_size=500
            )
        first = [beat for pk, beat in latest.items() if pk not in known]
        OfficeLiveness.objects.bulk_create(
            [
                OfficeLiveness(
                    office_id=beat.office.pk,
                    last_seen_at=beat.at,
                    terminal_id=beat.terminal_id,
                    software_version=beat.software_version,
                )
                for beat in first
            ],
            ignore_conflicts=True,
            batch_size=500,
        )
        # Licensing hears the first sign of life of an office whose licence awaits one.
        awaiting = offices_awaiting_signal(office_ids=[beat.office.pk for beat in first]) if first else set()
        for beat in first:
            if beat.office.pk in awaiting:
                licence_signal(office=beat.office, at=beat.at, actor=actor)
    return len(rows)


def _with_pks(rows: list[OfficeLiveness]) -> list[OfficeLiveness]:
    """The liveness rows given by office, with their primary keys (``bulk_update`` writes by key)."""
    pks = dict(
        OfficeLiveness.objects.filter(office_id__in=[row.office_id for row in rows]).values_list(
            "office_id", "pk"
        )
    )
    for row in rows:
        row.pk = pks[row.office_id]
    return rows
