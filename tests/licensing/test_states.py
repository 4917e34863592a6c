"""The state machines of applications and licences: every pair of states, legal or not, by the services."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from pishkhan.accounts.services import apikey_create
from pishkhan.audit.models import AuditEntry
from pishkhan.common.errors import TransitionError
from pishkhan.licensing.models import Licence, LicenceApplication
from pishkhan.licensing.services import (
    application_decide,
    application_review,
    application_take,
    application_withdraw,
    licence_activate,
    licence_expire,
    licence_reinstate,
    licence_revoke,
    licence_signal,
    licence_surrender,
    licence_suspend,
)
from pishkhan.licensing.states import (
    APPLICATION_TRANSITIONS,
    LICENCE_TRANSITIONS,
    ApplicationStatus,
    LicenceStatus,
)
from tests.licensing.factories import add_documents, directorate, imported, licensee, regulator, submit
from tests.offices.factories import make_office

pytestmark = pytest.mark.usefixtures("geo")

# --- Applications ---------------------------------------------------------------------------------

APPLICATION_LEGAL = {
    ("submitted", "under_review"),
    ("submitted", "withdrawn"),
    ("under_review", "recommended"),
    ("under_review", "not_recommended"),
    ("under_review", "withdrawn"),
    ("recommended", "approved"),
    ("recommended", "refused"),
    ("recommended", "withdrawn"),
    ("not_recommended", "approved"),
    ("not_recommended", "refused"),
    ("not_recommended", "withdrawn"),
}
APPLICATION_PATH = {
    "submitted": [],
    "under_review": ["under_review"],
    "recommended": ["under_review", "recommended"],
    "not_recommended": ["under_review", "not_recommended"],
    "approved": ["under_review", "recommended", "approved"],
    "refused": ["under_review", "recommended", "refused"],
    "withdrawn": ["withdrawn"],
}


def _application_to(application, target, people):
    if target == "under_review":
        return application_take(application=application, actor=people["directorate"])
    if target in ("recommended", "not_recommended"):
        return application_review(
            application=application, outcome=target, reason="بررسی شد", actor=people["directorate"]
        )
    if target in ("approved", "refused"):
        return application_decide(
            application=application, outcome=target, reason="تصمیم", actor=people["regulator"]
        )
    if target == "withdrawn":
        return application_withdraw(application=application, actor=people["applicant"])
    raise AssertionError(f"no service moves an application to {target}")


def test_application_table_is_exactly_the_legal_pairs():
    assert set(APPLICATION_TRANSITIONS.pairs()) == APPLICATION_LEGAL


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (s, t)
        for s, t in itertools.product(ApplicationStatus.values, ApplicationStatus.values)
        if t != "submitted"
    ],
)
def test_every_application_pair_through_the_services(source, target):
    # given an application brought to the source state through legal moves
    people = {"applicant": licensee(), "directorate": directorate(), "regulator": regulator()}
    application = submit(people["applicant"])
    add_documents(application, people["applicant"])
    for step in APPLICATION_PATH[source]:
        application = _application_to(application, step, people)
    entries = AuditEntry.objects.count()

    if (source, target) in APPLICATION_LEGAL:
        # when it moves to a legal target, then it is there, with its audit entry
        moved = _application_to(application, target, people)
        assert LicenceApplication.objects.get(pk=application.pk).status == target == moved.status
        assert AuditEntry.objects.filter(target_id=str(application.pk), seq__gt=entries).exists()
    else:
        # when the move is illegal, then it is refused and nothing changes
        with pytest.raises(TransitionError):
            _application_to(application, target, people)
        assert LicenceApplication.objects.get(pk=application.pk).status == source
        assert AuditEntry.objects.count() == entries


# --- Licences -------------------------------------------------------------------------------------

LICENCE_LEGAL = {
    ("issued", "active"),
    ("issued", "revoked"),
    ("issued", "surrendered"),
    ("issued", "expired"),
    ("active", "suspended"),
    ("active", "revoked"),
    ("active", "expired"),
    ("active", "surrendered"),
    ("suspended", "active"),
    ("suspended", "revoked"),
    ("suspended", "surrendered"),
    ("suspended", "expired"),
}
LICENCE_PATH = {
    "issued": [],
    "active": ["active"],
    "suspended": ["active", "suspended"],
    "revoked": ["revoked"],
    "expired": ["expired"],
    "surrendered": ["surrendered"],
}


def _licence_to(licence, target, holder):
    if target == "active":
        if Licence.objects.get(pk=licence.pk).status == LicenceStatus.SUSPENDED:
            return licence_reinstate(licence=licence, actor=None)
        return licence_activate(licence=licence, actor=None)
    if target == "suspended":
        until = timezone.localdate() + dt.timedelta(days=10)
        return licence_suspend(licence=licence, until=until, reason="تخلف", basis="ماده ۸", actor=None)
    if target == "revoked":
        return licence_revoke(licence=licence, reason="تخلف", basis="ماده ۱۲", actor=None)
    if target == "expired":
        after_expiry = timezone.now() + dt.timedelta(days=6 * 366)
        return licence_expire(licence=licence, actor=None, now=after_expiry)
    if target == "surrendered":
        return licence_surrender(licence=licence, reason="انصراف", actor=holder)
    raise AssertionError(f"no service moves a licence to {target}")


def test_licence_table_is_exactly_the_legal_pairs():
    assert set(LICENCE_TRANSITIONS.pairs()) == LICENCE_LEGAL
    assert not any(target == "issued" for _source, target in LICENCE_TRANSITIONS.pairs())


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s, t in itertools.product(LicenceStatus.values, LicenceStatus.values) if t != "issued"],
)
def test_every_licence_pair_through_the_services(source, target):
    # given a licence of an equipped and connected office, brought to the source state by legal moves
    holder = licensee()
    office = make_office(1)
    licence = imported(office, applicant_user=holder)
    licence_signal(office=office, at=timezone.now(), actor=None)  # no key yet: stays issued
    apikey_create(holder_kind="office", holder_code=office.code, actor=None)
    for step in LICENCE_PATH[source]:
        licence = _licence_to(licence, step, holder)
    assert Licence.objects.get(pk=licence.pk).status == source
    entries = AuditEntry.objects.filter(target_type="licensing.licence").count()

    if (source, target) in LICENCE_LEGAL:
        # when it moves to a legal target, then it is there, with one more entry in its timeline
        moved = _licence_to(licence, target, holder)
        stored = Licence.objects.get(pk=licence.pk)
        assert stored.status == target == moved.status
        assert AuditEntry.objects.filter(target_type="licensing.licence").count() == entries + 1
        assert (stored.suspended_until is not None) == (target == "suspended")
        assert (stored.ended_at is not None) == (target in ("revoked", "expired", "surrendered"))
    else:
        # when the move is illegal, then it is refused and nothing changes
        with pytest.raises(TransitionError):
            _licence_to(licence, target, holder)
        assert Licence.objects.get(pk=licence.pk).status == source
        assert AuditEntry.objects.filter(target_type="licensing.licence").count() == entries
