"""The applicant's and the holder's messages: one per step, the right template, to the right mobile;
renewal reminders 60 and 30 days before expiry, once each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pishkhan.licensing.services import application_decide, licence_revoke, licence_suspend
from pishkhan.licensing.services.notices import renewal_reminders_send
from pishkhan.notifications.models import Message
from tests.licensing.factories import (
    add_documents,
    directorate,
    imported,
    licensee,
    regulator,
    reviewed,
    submit,
)
from tests.offices.factories import make_office

pytestmark = pytest.mark.usefixtures("geo")


def _sent(prefix):
    return list(
        Message.objects.filter(key__startswith=prefix).order_by("pk").values_list("template", "mobile_masked")
    )


def test_each_step_of_an_application_is_told_once_to_the_applicant():
    user = licensee()
    application = submit(user)
    add_documents(application, user)
    reviewed(application, directorate())

    decided = application_decide(application=application, outcome="approved", reason="خوب", actor=regulator())

    assert _sent(f"application:{application.number}:") == [
        ("application_received", "0935***0001"),
        ("application_under_review", "0935***0001"),
        ("application_approved", "0935***0001"),
    ]
    # and the licence it issued is told to the same person, as a legal notice
    assert _sent(f"licence:{decided.licence.number}:") == [("licence_issued", "0935***0001")]


def test_a_refusal_is_told():
    user = licensee()
    application = submit(user)
    add_documents(application, user)
    reviewed(application, directorate(), outcome="not_recommended")

    application_decide(application=application, outcome="refused", reason="محل نامناسب", actor=regulator())

    assert _sent(f"application:{application.number}:")[-1] == ("application_refused", "0935***0001")


def test_a_suspension_and_a_revocation_are_told_to_the_holder_in_the_registry():
    office = make_office(1)
    licence = imported(office, status="active")

    licence_suspend(
        licence=licence,
        until=timezone.localdate() + dt.timedelta(days=5),
        reason="تخلف",
        basis="ماده ۱۲",
        actor=regulator(),
    )
    licence_revoke(licence=licence, reason="تکرار تخلف", basis="ماده ۱۳", actor=regulator())

    assert [template for template, _mobile in _sent(f"licence:{licence.number}:")] == [
        "licence_suspended",
        "licence_revoked",
    ]
    assert {mobile for _template, mobile in _sent(f"licence:{licence.number}:")} == {
        office.operator.mobile[:4] + "***" + office.operator.mobile[-4:]
    }


def test_renewal_reminders_go_60_and_30_days_before_expiry_once_each():
    today = timezone.localdate()
    soon = imported(make_office(1), status="active", expires_on=today + dt.timedelta(days=45))
    sooner = imported(make_office(2), status="active", expires_on=today + dt.timedelta(days=20))
    later = imported(make_office(3), status="active", expires_on=today + dt.timedelta(days=200))
    now = timezone.now()

    first = renewal_reminders_send(now=now)
    again = renewal_reminders_send(now=now)
    # 20 days on, the first licence is within 30 days
    then = renewal_reminders_send(now=now + dt.timedelta(days=20))

    assert (first, again, then) == (2, 0, 1)
    keys = set(Message.objects.filter(template="licence_renewal").values_list("key", flat=True))
    assert keys == {
        f"licence:{soon.number}:renewal60",
        f"licence:{sooner.number}:renewal30",
        f"licence:{soon.number}:renewal30",
    }
    assert not Message.objects.filter(key__startswith=f"licence:{later.number}:").exists()
    reminder = Message.objects.get(key=f"licence:{sooner.number}:renewal30")
    assert reminder.params["days"] == "20"
