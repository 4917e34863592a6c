"""Licensing's proceedings on the hearing track (sanctions, ADR 0010): heard with minutes, decided with
the measure, appealed within the appeal window, enforced per measure; the notice track refuses them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pishkhan.common.errors import ConflictError, TransitionError, ValidationError
from pishkhan.licensing.selectors import office_may_transact, proceeding_open_for_licence
from pishkhan.licensing.services import (
    proceeding_appeal_decide,
    proceeding_appeal_lodge,
    proceeding_decide,
    proceeding_enforce,
    proceeding_hearing_hold,
    proceeding_hearing_schedule,
    proceeding_open,
)
from pishkhan.licensing.states import HEARING_PROCEEDING_TRANSITIONS, ProceedingStatus
from tests.licensing.factories import imported
from tests.offices.factories import make_office

ACTOR = "user:test-directorate"
H = dt.timedelta(hours=1)


@pytest.fixture
def licence(geo_loaded):
    return imported(make_office(1), status="active")


def _open(licence, t0, track="hearing"):
    return proceeding_open(
        licence=licence,
        ground="Overcharge.",
        respond_by=t0 + 48 * H,
        reference="S-23-1405-00001",
        track=track,
        measure="warning",
        actor=ACTOR,
        now=t0,
    )


def _decided(licence, t0, measure="suspension", **size):
    proceeding = _open(licence, t0)
    proceeding_hearing_schedule(
        proceeding=proceeding, at=t0 + 50 * H, place="اداره", actor=ACTOR, now=t0 + 49 * H
    )
    proceeding_hearing_hold(proceeding=proceeding, minutes="شنیده شد", actor=ACTOR, now=t0 + 51 * H)
    return proceeding_decide(
        proceeding=proceeding,
        measure=measure,
        reason="محرز",
        basis="ماده ۱۲",
        appeal_days=10,
        actor=ACTOR,
        now=t0 + 52 * H,
        **size,
    )


def test_the_hearing_track_has_no_shortcut():
    assert sorted(HEARING_PROCEEDING_TRANSITIONS.pairs()) == [
        ("appeal_refused", "dropped"),
        ("appeal_refused", "enforced"),
        ("appealed", "appeal_refused"),
        ("appealed", "dropped"),
        ("decided", "appealed"),
        ("decided", "dropped"),
        ("decided", "enforced"),
        ("heard", "decided"),
        ("heard", "dropped"),
        ("noticed", "dropped"),
        ("noticed", "heard"),
    ]


def test_a_decided_suspension_is_enforced_through_licence_suspend(licence):
    t0 = timezone.now() - 400 * H
    proceeding = _decided(licence, t0, suspension_days=20)
    assert (proceeding.status, proceeding.measure, proceeding.suspension_days) == (
        "decided",
        "suspension",
        20,
    )
    assert proceeding_open_for_licence(licence=licence) == proceeding  # still open: the appeal window
    with pytest.raises(ConflictError) as early:
        proceeding_enforce(proceeding=proceeding, reason="r", basis="b", actor=ACTOR, now=t0 + 53 * H)
    assert early.value.code == "appeal-window-open"
    proceeding = proceeding_enforce(
        proceeding=proceeding, reason="r", basis="b", actor=ACTOR, now=timezone.now()
    )
    licence.refresh_from_db()
    assert (proceeding.status, licence.status) == ("enforced", "suspended")
    assert licence.suspended_until == timezone.localdate() + dt.timedelta(days=20)
    assert office_may_transact(office=licence.office)[0] is False


def test_a_revocation_after_a_refused_appeal_revokes(licence):
    t0 = timezone.now() - 400 * H
    proceeding = _decided(licence, t0, measure="revocation")
    with pytest.raises(ConflictError):  # after the window
        proceeding_appeal_lodge(
            proceeding=proceeding, statement="x", actor=ACTOR, now=proceeding.appeal_by + H
        )
    proceeding_appeal_lodge(proceeding=proceeding, statement="x", actor=ACTOR, now=t0 + 53 * H)
    proceeding_appeal_decide(proceeding=proceeding, accepted=False, reason="r", actor=ACTOR, now=t0 + 54 * H)
    proceeding_enforce(proceeding=proceeding, reason="r", basis="b", actor=ACTOR, now=t0 + 55 * H)
    licence.refresh_from_db()
    assert licence.status == "revoked"


def test_steps_out_of_turn_are_refused(licence):
    t0 = timezone.now()
    proceeding = _open(licence, t0)
    with pytest.raises(ConflictError) as window:
        proceeding_hearing_schedule(proceeding=proceeding, at=t0 + 50 * H, place="p", actor=ACTOR, now=t0 + H)
    assert window.value.code == "remedy-window-open"
    with pytest.raises(ValidationError):
        proceeding_hearing_schedule(proceeding=proceeding, at=t0, place="p", actor=ACTOR, now=t0 + 49 * H)
    with pytest.raises(TransitionError):
        proceeding_decide(
            proceeding=proceeding,
            measure="warning",
            reason="r",
            basis="b",
            appeal_days=10,
            actor=ACTOR,
            now=t0,
        )
    with pytest.raises(ConflictError) as unheard:
        proceeding_hearing_hold(proceeding=proceeding, minutes="m", actor=ACTOR, now=t0 + 49 * H)
    assert unheard.value.code == "hearing-not-held"
    with pytest.raises(ConflictError):  # an appeal before the decision
        proceeding_appeal_lodge(proceeding=proceeding, statement="x", actor=ACTOR, now=t0 + H)
    proceeding.refresh_from_db()
    assert proceeding.status == ProceedingStatus.NOTICED


def test_a_fine_needs_its_amount_and_the_notice_track_has_no_decision(licence, geo_loaded):
    t0 = timezone.now() - 400 * H
    with pytest.raises(ValidationError) as amount:
        _decided(licence, t0, measure="fine")
    assert "fine_rials" in amount.value.fields
    other = imported(make_office(2), status="active")
    noticed = _open(other, t0, track="notice")
    with pytest.raises(ConflictError):
        proceeding_hearing_hold(proceeding=noticed, minutes="m", actor=ACTOR, now=t0 + 49 * H)
