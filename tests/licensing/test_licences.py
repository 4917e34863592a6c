"""A licence's life through the services: the activation guard, the sign of life, suspension and its
end, expiry, renewal, surrender, revocation, and the timeline that is its audit log."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from pishkhan.accounts.services import apikey_create, apikey_revoke
from pishkhan.audit.models import AuditEntry
from pishkhan.audit.selectors import audit_chain_verify
from pishkhan.common.errors import ConflictError, PermissionDeniedError, ValidationError
from pishkhan.licensing import selectors
from pishkhan.licensing.errors import NotConnectedError, RenewalWindowError
from pishkhan.licensing.models import Licence
from pishkhan.licensing.services import (
    licence_activate,
    licence_renew,
    licence_revoke,
    licence_signal,
    licence_surrender,
    licence_suspend,
)
from pishkhan.licensing.tasks import licences_expire_due, licences_reinstate_due
from tests.licensing.factories import approved, as_principal, imported, licensee, regulator
from tests.offices.factories import make_office

pytestmark = pytest.mark.usefixtures("geo")


def _today():
    return timezone.localdate()


def _fresh(licence):
    return Licence.objects.get(pk=licence.pk)


# --- Activation: equipped and connected -----------------------------------------------------------


def test_activation_without_an_api_key_is_refused_naming_it():
    office = make_office(1)
    licence = imported(office)
    licence_signal(office=office, at=timezone.now(), actor=None)

    with pytest.raises(NotConnectedError) as refused:
        licence_activate(licence=licence, actor=regulator())

    assert set(refused.value.fields) == {"api_key"}
    assert refused.value.status == 409
    assert _fresh(licence).status == "issued"


def test_activation_with_a_key_but_no_sign_of_life_is_refused_naming_it():
    office = make_office(1)
    licence = imported(office)
    apikey_create(holder_kind="office", holder_code=office.code, actor=None)

    with pytest.raises(NotConnectedError) as refused:
        licence_activate(licence=licence, actor=regulator())

    assert set(refused.value.fields) == {"first_signal_at"}


def test_a_revoked_key_does_not_count_as_equipped():
    office = make_office(1)
    licence = imported(office)
    key, _plain = apikey_create(holder_kind="office", holder_code=office.code, actor=None)
    apikey_revoke(key=key, actor=None)

    licence_signal(office=office, at=timezone.now(), actor=None)

    assert _fresh(licence).status == "issued"


def test_the_first_sign_of_life_of_an_equipped_office_activates_its_licence():
    # given an issued licence whose office holds an API key
    office = make_office(1)
    licence = imported(office)
    apikey_create(holder_kind="office", holder_code=office.code, actor=None)
    at = timezone.now()

    # when its system sends a heartbeat, then the licence is active, audited as equipped and connected
    assert licence_signal(office=office, at=at, actor="apikey:abc") is not None
    stored = _fresh(licence)
    assert stored.status == "active"
    assert stored.first_signal_at == at == stored.activated_at
    activation = AuditEntry.objects.get(action="licence.activate", target_id=str(licence.pk))
    assert activation.basis.startswith("Equipped and connected")
    assert activation.actor_label == "apikey:abc"


def test_later_signals_write_nothing(django_assert_max_num_queries):
    office = make_office(1)
    licence = imported(office)
    apikey_create(holder_kind="office", holder_code=office.code, actor=None)
    licence_signal(office=office, at=timezone.now(), actor=None)
    entries = AuditEntry.objects.count()

    with django_assert_max_num_queries(1):
        assert licence_signal(office=office, at=timezone.now(), actor=None) is None

    assert AuditEntry.objects.count() == entries
    assert _fresh(licence).status == "active"


def test_a_signal_before_the_key_is_recorded_once_and_activation_follows_the_key():
    office = make_office(1)
    licence = imported(office)
    first = timezone.now() - dt.timedelta(minutes=5)

    licence_signal(office=office, at=first, actor=None)
    licence_signal(office=office, at=timezone.now(), actor=None)
    assert _fresh(licence).first_signal_at == first
    assert _fresh(licence).status == "issued"

    apikey_create(holder_kind="office", holder_code=office.code, actor=None)
    licence_signal(office=office, at=timezone.now(), actor=None)
    assert _fresh(licence).status == "active"
    assert AuditEntry.objects.filter(action="licence.first_signal").count() == 1


def test_the_regulator_activates_by_hand_once_connected():
    office = make_office(1)
    licence = imported(office)
    licence_signal(office=office, at=timezone.now(), actor=None)
    apikey_create(holder_kind="office", holder_code=office.code, actor=None)

    activated = licence_activate(licence=licence, reason="بازدید شد", actor=regulator())

    assert activated.status == "active"


def test_a_signal_from_an_office_without_a_licence_is_ignored():
    office = make_office(1)

    assert licence_signal(office=office, at=timezone.now(), actor=None) is None


# --- Suspension and its end ----------------------------------------------------------------------


def test_a_suspension_needs_a_future_end_a_reason_and_a_basis():
    licence = imported(make_office(1), status="active")

    for bad in (
        {"until": _today(), "reason": "r", "basis": "b"},
        {"until": _today() + dt.timedelta(days=3), "reason": "", "basis": "b"},
        {"until": _today() + dt.timedelta(days=3), "reason": "r", "basis": ""},
    ):
        with pytest.raises(ValidationError):
            licence_suspend(licence=licence, actor=regulator(), **bad)
    assert _fresh(licence).status == "active"


def test_the_worker_reinstates_a_suspension_once_its_end_has_passed():
    licence = imported(make_office(1), status="active")
    until = _today() + dt.timedelta(days=5)
    licence_suspend(licence=licence, until=until, reason="تخلف", basis="ماده ۸", actor=regulator())

    # on its last day nothing happens; the next day it is reinstated
    last_day = timezone.now() + dt.timedelta(days=5)
    assert licences_reinstate_due(now=last_day) == 0
    assert _fresh(licence).status == "suspended"
    assert licences_reinstate_due(now=last_day + dt.timedelta(days=1)) == 1

    stored = _fresh(licence)
    assert stored.status == "active"
    assert stored.suspended_until is None
    entry = AuditEntry.objects.filter(target_type="licensing.licence", target_id=str(licence.pk)).last()
    assert entry.action == "licence.reinstate"
    assert entry.actor_label == "worker:licences_reinstate_due"
    assert entry.reason
    assert entry.basis


def test_the_worker_expires_licences_past_their_date():
    due = imported(make_office(1), status="active", expires_on=_today() + dt.timedelta(days=30))
    not_yet = imported(make_office(2), status="active", expires_on=_today() + dt.timedelta(days=400))

    # on its last day it still runs; the next day it has expired
    last_day = dt.datetime.combine(_today() + dt.timedelta(days=30), dt.time(8), dt.UTC)
    assert licences_expire_due(now=last_day) == 0
    after = last_day + dt.timedelta(days=1)
    assert licences_expire_due(now=after) == 1

    assert _fresh(due).status == "expired"
    assert _fresh(due).ended_at == after
    assert _fresh(not_yet).status == "active"


def test_the_licensing_jobs_are_scheduled(settings):
    paths = {job["path"] for job in settings.PISHKHAN_JOBS}
    assert {
        "pishkhan.licensing.tasks.licences_reinstate_due",
        "pishkhan.licensing.tasks.licences_expire_due",
        "pishkhan.licensing.tasks.conversions_licence_due",
    } <= paths


def test_the_deadlines_command_reports_what_it_did(capsys):
    call_command("licences_apply_deadlines")

    assert "0 licence(s) reinstated, 0 expired, 0 issued for conversions" in capsys.readouterr().out


# --- Renewal, surrender, revocation ---------------------------------------------------------------


def test_renewal_only_within_the_window_before_expiry(settings):
    settings.PISHKHAN_LICENCE_RENEWAL_WINDOW_DAYS = 90
    expires_on = _today() + dt.timedelta(days=120)
    licence = imported(make_office(1), status="active", expires_on=expires_on)

    with pytest.raises(RenewalWindowError):
        licence_renew(licence=licence, actor=regulator())
    in_window = timezone.now() + dt.timedelta(days=40)
    renewed = licence_renew(licence=licence, actor=regulator(), now=in_window)

    assert renewed.expires_on == expires_on.replace(year=expires_on.year + 5)
    assert renewed.status == "active"
    entry = AuditEntry.objects.get(action="licence.renew")
    assert entry.before == {"expires_on": expires_on.isoformat()}


def test_an_issued_licence_is_not_renewed():
    licence = imported(make_office(1), expires_on=_today() + dt.timedelta(days=10))

    with pytest.raises(ConflictError):
        licence_renew(licence=licence, actor=regulator())


def test_only_the_holder_surrenders_not_even_the_regulator():
    holder = licensee()
    _application, licence = approved(holder)

    for someone in (licensee(), regulator(), None):
        with pytest.raises(PermissionDeniedError):
            licence_surrender(licence=licence, reason="انصراف", actor=someone)
    with pytest.raises(ValidationError):
        licence_surrender(licence=licence, reason="", actor=as_principal(holder))
    surrendered = licence_surrender(licence=licence, reason="تغییر شغل", actor=as_principal(holder))

    assert surrendered.status == "surrendered"


def test_a_revocation_needs_its_legal_basis():
    licence = imported(make_office(1), status="active")

    with pytest.raises(ValidationError) as refused:
        licence_revoke(licence=licence, reason="عدم فعالیت", basis="", actor=regulator())

    assert "basis" in refused.value.fields
    assert _fresh(licence).status == "active"


# --- The timeline is the audit log ---------------------------------------------------------------


def test_the_timeline_equals_the_audit_entries_and_the_chain_verifies():
    # given a licence taken through its life by every kind of actor
    holder = licensee()
    _application, licence = approved(holder)
    office = licence.office
    apikey_create(holder_kind="office", holder_code=office.code, actor=None)
    licence_signal(office=office, at=timezone.now(), actor="apikey:office")
    boss = as_principal(regulator())
    licence_suspend(
        licence=licence, until=_today() + dt.timedelta(days=3), reason="تخلف", basis="ماده ۸", actor=boss
    )
    licences_reinstate_due(now=timezone.now() + dt.timedelta(days=4))
    licence_renew(licence=licence, actor=boss, now=timezone.now() + dt.timedelta(days=5 * 365 - 30))
    licence_revoke(licence=licence, reason="تخلف مکرر", basis="ماده ۱۲", actor=boss)

    # then its timeline is exactly its audit entries, each with actor, reason and basis where due
    timeline = list(selectors.licence_timeline(licence=licence))
    entries = list(AuditEntry.objects.filter(target_type="licensing.licence", target_id=str(licence.pk)))
    assert [entry.seq for entry in timeline] == [entry.seq for entry in entries]
    assert [entry.action for entry in timeline] == [
        "licence.issue",
        "licence.first_signal",
        "licence.activate",
        "licence.suspend",
        "licence.reinstate",
        "licence.renew",
        "licence.revoke",
    ]
    revocation = timeline[-1]
    assert (revocation.reason, revocation.basis, revocation.actor_label) == (
        "تخلف مکرر",
        "ماده ۱۲",
        boss.label,
    )
    assert timeline[0].reason == "شرایط احراز شد"
    assert audit_chain_verify().intact
    call_command("audit_verify")  # the operator's own check: raises unless intact
