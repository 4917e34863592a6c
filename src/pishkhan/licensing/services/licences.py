"""A licence's life: issue, activation once connected, suspension and reinstatement, renewal, its end.

Every change of status passes through ``_move`` (the audit layer's ``transition_apply``): the licence
row locked, the move checked against ``LICENCE_TRANSITIONS``, the row written and the audit entry with
actor, reason and legal basis recorded in the same transaction: the licence's timeline is its audit
entries. Reasons and bases the system writes itself (a job, a heartbeat) are
the constants below, marked for translation so a page can show them in its language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pishkhan.accounts.selectors import apikey_exists_for_office
from pishkhan.audit.actors import Actor
from pishkhan.audit.services import audit_record
from pishkhan.audit.transitions import transition_apply
from pishkhan.common.errors import ConflictError, NotFoundError, TransitionError, ValidationError
from pishkhan.licensing.errors import NotConnectedError, RenewalWindowError
from pishkhan.licensing.models import LICENSED_KINDS, Licence, LicenceApplication
from pishkhan.licensing.services.holders import Holder
from pishkhan.licensing.services.inputs import actor_is, text_clean
from pishkhan.licensing.services.notices import licence_tell
from pishkhan.licensing.services.numbers import insert_numbered, number_prefix, office_province_code
from pishkhan.licensing.states import IN_FORCE_STATES, LICENCE_TRANSITIONS, LicenceStatus
from pishkhan.licensing.terms import (
    add_years,
    date_shown,
    expiry_for,
    renewal_opens_on,
    term_years,
    today,
)
from pishkhan.offices.models import Conversion, Office
from pishkhan.offices.services import office_serving_set
from pishkhan.offices.states import ServingHold

BASIS_CONNECTED = gettext_noop(
    "Equipped and connected: the office's system holds an API key and has sent a first sign of life."
)
REASON_FIRST_SIGNAL = gettext_noop("The office's system sent its first sign of life.")
REASON_SUSPENSION_ENDED = gettext_noop("The suspension reached its end date.")
BASIS_SUSPENSION_ENDED = gettext_noop("The end date set by the suspension decision.")
REASON_TERM_ENDED = gettext_noop("The licence's term ended without renewal.")
BASIS_TERM_ENDED = gettext_noop("The licence's term (its expiry date).")
BASIS_SURRENDER = gettext_noop("Surrender by the holder.")

# What the registry shows of an office whose licence is in each state: blank, it serves citizens.
_SERVING_HOLDS: dict[str, str] = {
    LicenceStatus.ISSUED: ServingHold.NOT_YET_ACTIVE,
    LicenceStatus.ACTIVE: "",
    LicenceStatus.SUSPENDED: ServingHold.SUSPENDED,
    LicenceStatus.REVOKED: ServingHold.REVOKED,
    LicenceStatus.EXPIRED: ServingHold.EXPIRED,
    LicenceStatus.SURRENDERED: ServingHold.SURRENDERED,
}

# Rows a job takes per round; it runs again at once while it finds work (common.jobs).
JOB_BATCH = 200


def licence_facts(licence: Licence) -> dict[str, Any]:
    """What the audit log keeps of an issued licence (the holder's identifier masked)."""
    return {
        "number": licence.number,
        "status": licence.status,
        "kind": licence.kind,
        "office": licence.office.code,
        "holder": {"kind": licence.holder_kind, "name": licence.holder_name, "id": licence.holder_masked},
        "issued_on": licence.issued_on,
        "expires_on": licence.expires_on,
        "application": licence.application.number if licence.application_id else None,
        "conversion": licence.conversion_id,
    }


def _rows() -> QuerySet[Licence]:
    """Licences as their services read them: with the office (whose code their messages name)."""
    return Licence.objects.select_related("office").defer("office__search_key", "office__opening_hours")


def _locked(licence: Licence | int) -> Licence:
    pk = licence if isinstance(licence, int) else licence.pk
    found = _rows().select_for_update(of=("self",)).filter(pk=pk).first()
    if found is None:
        raise NotFoundError(_("No such licence."))
    return found


def serving_hold_of(licence: Licence) -> tuple[str, dt.date | None]:
    """Why the office of this licence does not serve citizens (blank: it serves), and until when."""
    hold = _SERVING_HOLDS[licence.status]
    return hold, licence.suspended_until if hold == ServingHold.SUSPENDED else None


def _office_serving_sync(licence: Licence, actor: Actor) -> None:
    """Tell the office registry whether the licence's office serves citizens now, and if not why.

    Every change of a licence's status passes here (``_move``, ``licence_issue``; the import tells the
    registry a batch at a time), so that the public search never offers an office whose licence is
    not active.
    """
    hold, until = serving_hold_of(licence)
    office_serving_set(office=licence.office, hold=hold, until=until, source=licence.number, actor=actor)


def _move(
    licence: Licence,
    target: str,
    *,
    actor: Actor,
    action: str,
    reason: str,
    basis: str,
    check: Callable[[Licence], None] | None = None,
    **fields: Any,
) -> Licence:
    """The one way a licence changes state: locked, checked against ``LICENCE_TRANSITIONS`` (then by
    ``check``), its status and ``fields`` saved, and audited with the reason and the legal basis.

    Returns the licence as saved; the audit entry holds the status and each field before and after.
    """
    with transaction.atomic():  # the registry learns of the move in the move's own transaction
        before = Licence.objects.filter(pk=licence.pk).values_list("status", flat=True).first() or ""
        licence = transition_apply(
            licence,
            table=LICENCE_TRANSITIONS,
            to=target,
            rows=_rows(),
            missing=_("No such licence."),
            check=check,
            fields=fields,
            actor=actor,
            action=action,
            reason=reason,
            basis=basis,
        )
        _office_serving_sync(licence, actor)
        licence_tell(licence=licence, before=before)
    return licence


def licence_issue(
    *,
    office: Office,
    holder: Holder,
    actor: Actor,
    reason: str = "",
    basis: str = "",
    application: LicenceApplication | None = None,
    conversion: Conversion | None = None,
    now: dt.datetime | None = None,
) -> Licence:
    """Issue a licence for an office, in state issued, for a term from today (in the caller's transaction).

    Only an approved application (``application_decide``) and a converted office
    (``licence_issue_for_conversion``) issue licences one by one; imports use ``licences_issue_many``.
    409 if the office already has a licence in force.
    """
    now = now or timezone.now()
    if office.kind not in LICENSED_KINDS:
        message = _("Offices of this kind hold no licence of the regulator.")
        raise ValidationError(message, fields={"office": message})
    issued_on = today(now)
    licence = Licence(
        status=LicenceStatus.ISSUED,
        kind=office.kind,
        office=office,
        application=application,
        conversion=conversion,
        holder_kind=holder.kind,
        holder_name=holder.name,
        holder_key=holder.key,
        holder_masked=holder.masked,
        applicant_user=application.applicant_user if application is not None else None,
        issued_on=issued_on,
        expires_on=expiry_for(issued_on),
        created_at=now,
    )
    try:
        insert_numbered(licence, prefix=number_prefix("L", office_province_code(office.code), issued_on))
    except IntegrityError:
        message = _("Office %(code)s already has a licence in force.") % {"code": office.code}
        raise ConflictError(message, fields={"office": message}) from None
    audit_record(
        actor=actor,
        action="licence.issue",
        target=licence,
        after=licence_facts(licence),
        reason=reason,
        basis=basis,
    )
    _office_serving_sync(licence, actor)
    licence_tell(licence=licence, before="", mobile=holder.mobile, now=now)
    return licence


def _not_past_expiry(licence: Licence, on: dt.date) -> None:
    if licence.expires_on < on:
        raise ConflictError(
            _("Licence %(number)s expired on %(date)s.")
            % {"number": licence.number, "date": date_shown(licence.expires_on)}
        )


def _connected_or_refuse(licence: Licence) -> None:
    """Refuse (409, naming what is missing) unless the office is equipped (API key) and connected."""
    missing: dict[str, str] = {}
    if not apikey_exists_for_office(office_code=licence.office.code):
        missing["api_key"] = _(
            "No API key has been issued for office %(code)s: its system is not equipped."
        ) % {"code": licence.office.code}
    if licence.first_signal_at is None:
        missing["first_signal_at"] = _(
            "No heartbeat or transaction has come from office %(code)s's system yet: it is not connected."
        ) % {"code": licence.office.code}
    if missing:
        raise NotConnectedError(" ".join(missing.values()), fields=missing)


def licence_activate(
    *, licence: Licence, actor: Actor, reason: str = "", basis: str = "", now: dt.datetime | None = None
) -> Licence:
    """Activate an issued licence by hand (the regulator): only once its office is equipped and connected.

    Refusals (409): a licence not issued (a suspended one is reinstated instead), past its expiry, or
    whose office has no API key or has sent no sign of life (the message names which).
    """
    now = now or timezone.now()
    reason, basis = text_clean(reason, "reason"), text_clean(basis, "basis")

    def activatable(locked: Licence) -> None:
        if locked.status != LicenceStatus.ISSUED:
            raise TransitionError(_("A suspended licence is reinstated, not activated."))
        _not_past_expiry(locked, today(now))
        _connected_or_refuse(locked)

    return _move(
        licence,
        LicenceStatus.ACTIVE,
        actor=actor,
        action="licence.activate",
        reason=reason,
        basis=basis or BASIS_CONNECTED,
        check=activatable,
        activated_at=now,
    )


def licence_signal(*, office: Office, at: dt.datetime, actor: Actor) -> Licence | None:
    """Note a sign of life (a heartbeat, a transaction) from an office's system; activate its licence if due.

    Called by the counter on every heartbeat, so the usual case costs one indexed read and no write:
    the first signal is recorded once (audited), and an issued licence whose office holds an API key
    becomes active then (basis "equipped and connected"). Returns the licence changed, or None.
    """
    row = (
        Licence.objects.filter(office_id=office.pk, status__in=IN_FORCE_STATES)
        .values_list("pk", "status", "first_signal_at")
        .first()
    )
    if row is None:
        return None
    pk, status, first_signal_at = row
    if first_signal_at is not None and (
        status != LicenceStatus.ISSUED or not apikey_exists_for_office(office_code=office.code)
    ):
        return None  # nothing new to record
    with transaction.atomic():
        licence = _locked(pk)
        if licence.status not in IN_FORCE_STATES:
            return None
        changed = False
        if licence.first_signal_at is None:
            licence.first_signal_at = at
            licence.save(update_fields=["first_signal_at"])
            audit_record(
                actor=actor,
                action="licence.first_signal",
                target=licence,
                after={"first_signal_at": at},
                reason=REASON_FIRST_SIGNAL,
            )
            changed = True
        if (
            licence.status == LicenceStatus.ISSUED
            and licence.expires_on >= today(at)
            and apikey_exists_for_office(office_code=licence.office.code)
        ):
            licence = _move(
                licence,
                LicenceStatus.ACTIVE,
                actor=actor,
                action="licence.activate",
                reason=REASON_FIRST_SIGNAL,
                basis=BASIS_CONNECTED,
                activated_at=at,
            )
            changed = True
    return licence if changed else None


def licence_suspend(
    *,
    licence: Licence,
    until: dt.date,
    reason: str,
    basis: str,
    actor: Actor,
    now: dt.datetime | None = None,
) -> Licence:
    """Suspend an active licence until a date (inclusive): meanwhile its office can post no transaction.

    The end date must lie in the future; the reason and the legal basis are required. The worker
    reinstates the licence once the date has passed (``licences_reinstate_ended``).
    """
    now = now or timezone.now()
    reason, basis = text_clean(reason, "reason", required=True), text_clean(basis, "basis", required=True)
    if not isinstance(until, dt.date) or isinstance(until, dt.datetime):
        message = _("Give the date the suspension ends.")
        raise ValidationError(message, fields={"until": message})
    if until <= today(now):
        message = _("A suspension ends on a future date.")
        raise ValidationError(message, fields={"until": message})
    return _move(
        licence,
        LicenceStatus.SUSPENDED,
        actor=actor,
        action="licence.suspend",
        reason=reason,
        basis=basis,
        suspended_until=until,
    )


def licence_reinstate(
    *, licence: Licence, actor: Actor, reason: str = "", basis: str = "", now: dt.datetime | None = None
) -> Licence:
    """End a suspension early (the regulator) or at its date (the worker): the licence is active again.

    A licence past its expiry is not reinstated (409): it expires instead.
    """
    now = now or timezone.now()
    reason, basis = text_clean(reason, "reason"), text_clean(basis, "basis")

    def reinstatable(locked: Licence) -> None:
        if locked.status != LicenceStatus.SUSPENDED:
            raise TransitionError(_("Only a suspended licence is reinstated."))
        _not_past_expiry(locked, today(now))

    return _move(
        licence,
        LicenceStatus.ACTIVE,
        actor=actor,
        action="licence.reinstate",
        reason=reason,
        basis=basis,
        check=reinstatable,
        suspended_until=None,
    )


def licence_revoke(
    *, licence: Licence, reason: str, basis: str, actor: Actor, now: dt.datetime | None = None
) -> Licence:
    """Revoke a licence (the regulator), with the reason and the legal basis, both required.

    The holder may not apply again for ``PISHKHAN_LICENCE_REVOCATION_BAR_YEARS``.
    """
    now = now or timezone.now()
    reason, basis = text_clean(reason, "reason", required=True), text_clean(basis, "basis", required=True)
    return _move(
        licence,
        LicenceStatus.REVOKED,
        actor=actor,
        action="licence.revoke",
        reason=reason,
        basis=basis,
        suspended_until=None,
        ended_at=now,
    )


def licence_surrender(
    *, licence: Licence, reason: str, actor: Actor, basis: str = "", now: dt.datetime | None = None
) -> Licence:
    """Give a licence up: only its holder (the login that applied for it) may, with a reason.

    403 for anyone else, including the regulator (who revokes instead).
    """
    now = now or timezone.now()
    reason, basis = text_clean(reason, "reason", required=True), text_clean(basis, "basis")
    with transaction.atomic():
        # Who may is asked before the table: a stranger learns nothing of the licence's state.
        licence = _locked(licence)
        actor_is(actor, licence.applicant_user_id, _("Only the holder of a licence surrenders it."))
        return _move(
            licence,
            LicenceStatus.SURRENDERED,
            actor=actor,
            action="licence.surrender",
            reason=reason,
            basis=basis or BASIS_SURRENDER,
            suspended_until=None,
            ended_at=now,
        )


def licence_expire(
    *, licence: Licence, actor: Actor, reason: str = "", basis: str = "", now: dt.datetime | None = None
) -> Licence:
    """End a licence whose term has run out (its expiry date has passed); 409 before then."""
    now = now or timezone.now()
    reason, basis = text_clean(reason, "reason"), text_clean(basis, "basis")

    def ended(locked: Licence) -> None:
        if locked.expires_on >= today(now):
            raise ConflictError(
                _("Licence %(number)s runs until %(date)s.")
                % {"number": locked.number, "date": date_shown(locked.expires_on)}
            )

    return _move(
        licence,
        LicenceStatus.EXPIRED,
        actor=actor,
        action="licence.expire",
        reason=reason or REASON_TERM_ENDED,
        basis=basis or BASIS_TERM_ENDED,
        check=ended,
        suspended_until=None,
        ended_at=now,
    )


def licence_renew(
    *, licence: Licence, actor: Actor, reason: str = "", basis: str = "", now: dt.datetime | None = None
) -> Licence:
    """Extend an active or suspended licence by a term, within the window before its expiry.

    Not a change of status, but audited like one. 409 outside the window (it names the dates) or for
    a licence that is not active or suspended.
    """
    now = now or timezone.now()
    reason, basis = text_clean(reason, "reason"), text_clean(basis, "basis")
    on = today(now)
    with transaction.atomic():
        licence = _locked(licence)
        if licence.status not in (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED):
            raise ConflictError(
                _("Only an active or suspended licence is renewed; licence %(number)s is %(status)s.")
                % {"number": licence.number, "status": LicenceStatus(licence.status).label}
            )
        opens = renewal_opens_on(licence.expires_on)
        if on < opens:
            raise RenewalWindowError(
                _("Licence %(number)s may be renewed from %(opens)s until it expires on %(expires)s.")
                % {
                    "number": licence.number,
                    "opens": date_shown(opens),
                    "expires": date_shown(licence.expires_on),
                }
            )
        _not_past_expiry(licence, on)
        before, licence.expires_on = licence.expires_on, add_years(licence.expires_on, term_years())
        licence.save(update_fields=["expires_on"])
        audit_record(
            actor=actor,
            action="licence.renew",
            target=licence,
            before={"expires_on": before},
            after={"expires_on": licence.expires_on},
            reason=reason,
            basis=basis,
        )
    return licence


def _claim(queryset: Any) -> list[int]:
    """Primary keys of up to ``JOB_BATCH`` due rows, skipping rows another worker holds (PostgreSQL)."""
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True)
    return list(queryset.order_by("pk").values_list("pk", flat=True)[:JOB_BATCH])


def licences_reinstate_ended(*, now: dt.datetime, actor: Actor) -> int:
    """Reinstate every suspended licence whose suspension ended before today (and that has not expired).

    Returns how many; the worker runs it again at once while it finds some.
    """
    on = today(now)
    done = 0
    with transaction.atomic():
        due = _claim(
            Licence.objects.filter(status=LicenceStatus.SUSPENDED, suspended_until__lt=on, expires_on__gte=on)
        )
        for pk in due:
            licence_reinstate(
                licence=Licence(pk=pk),
                actor=actor,
                reason=REASON_SUSPENSION_ENDED,
                basis=BASIS_SUSPENSION_ENDED,
                now=now,
            )
            done += 1
    return done


def licences_expire_ended(*, now: dt.datetime, actor: Actor) -> int:
    """Expire every licence in force whose expiry date is past; returns how many."""
    done = 0
    with transaction.atomic():
        due = _claim(Licence.objects.filter(status__in=IN_FORCE_STATES, expires_on__lt=today(now)))
        for pk in due:
            licence_expire(licence=Licence(pk=pk), actor=actor, now=now)
            done += 1
    return done
