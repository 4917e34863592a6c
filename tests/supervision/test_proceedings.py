"""Licensing's proceedings as supervision drives them: the notice, the response window, the hearing, the
appeal and the decision, each refused when due process is not yet done (licensing.services.proceedings)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pishkhan.common.errors import ConflictError, TransitionError, ValidationError
from pishkhan.licensing.errors import AppealPendingError, ResponseWindowClosedError, ResponseWindowOpenError
from pishkhan.licensing.selectors import (
    proceeding_list,
    proceeding_list_for_licence,
    proceeding_open_for_licence,
    proceeding_timeline,
)
from pishkhan.licensing.services import (
    licence_revoke,
    proceeding_appeal_decide,
    proceeding_appeal_lodge,
    proceeding_drop,
    proceeding_enforce,
    proceeding_hearing_schedule,
    proceeding_open,
)
from tests.licensing.factories import imported
from tests.offices.factories import make_office

ACTOR = "user:test-regulator"


@pytest.fixture
def licence(geo_loaded):
    """An active licence of a Tehran office."""
    return imported(make_office(1), status="active")


def _open(licence, days=5, **extra):
    now = timezone.now()
    return proceeding_open(
        licence=licence,
        ground="No transaction for 200 days.",
        respond_by=now + dt.timedelta(days=days),
        now=now,
        reference="IC-1405-001",
        actor=ACTOR,
        **extra,
    )


def test_a_notice_opens_a_proceeding_the_holder_and_office_see(licence):
    proceeding = _open(licence)

    assert (proceeding.status, proceeding.measure, proceeding.noticed_by) == ("noticed", "revocation", ACTOR)
    assert proceeding_open_for_licence(licence=licence) == proceeding
    assert list(proceeding_list_for_licence(licence=licence)) == [proceeding]
    assert list(proceeding_list(scope={"office": licence.office.code}, open_only=True)) == [proceeding]
    assert list(proceeding_list(scope={"province": "10"})) == []
    assert [e.action for e in proceeding_timeline(proceeding=proceeding)] == ["proceeding.open"]


def test_a_licence_has_one_open_proceeding_and_an_ended_licence_none(licence, geo_loaded):
    _open(licence)
    with pytest.raises(ConflictError):
        _open(licence)
    ended = imported(make_office(2), status="revoked")
    with pytest.raises(ConflictError):
        _open(ended)


def test_a_window_ending_before_the_notice_or_no_ground_is_refused(licence):
    with pytest.raises(ValidationError) as early:
        proceeding_open(
            licence=licence, ground="x", respond_by=timezone.now() - dt.timedelta(hours=1), actor=ACTOR
        )
    with pytest.raises(ValidationError) as groundless:
        proceeding_open(licence=licence, ground=" ", respond_by=timezone.now(), actor=ACTOR)
    assert "respond_by" in early.value.fields
    assert "ground" in groundless.value.fields


def test_the_measure_waits_for_the_window_and_for_a_pending_appeal(licence):
    proceeding = _open(licence, days=2)
    with pytest.raises(ResponseWindowOpenError):
        proceeding_enforce(proceeding=proceeding, reason="r", basis="b", actor=ACTOR)
    proceeding_appeal_lodge(proceeding=proceeding, statement="دفتر فعال است", actor="holder")
    with pytest.raises(AppealPendingError):
        proceeding_enforce(
            proceeding=proceeding,
            reason="r",
            basis="b",
            actor=ACTOR,
            now=timezone.now() + dt.timedelta(days=3),
        )
    licence.refresh_from_db()
    assert licence.status == "active"


def test_an_appeal_after_the_window_is_refused(licence):
    proceeding = _open(licence, days=1)

    with pytest.raises(ResponseWindowClosedError):
        proceeding_appeal_lodge(
            proceeding=proceeding, statement="دیر", actor="holder", now=timezone.now() + dt.timedelta(days=2)
        )


def test_an_accepted_appeal_drops_the_proceeding_and_keeps_the_licence(licence):
    proceeding = _open(licence)
    proceeding_appeal_lodge(proceeding=proceeding, statement="دفتر فعال است", actor="holder")

    decided = proceeding_appeal_decide(proceeding=proceeding, accepted=True, reason="پذیرفته شد", actor=ACTOR)

    assert (decided.status, decided.appeal_accepted, decided.decision_reason) == (
        "dropped",
        True,
        "پذیرفته شد",
    )
    assert decided.decided_at is not None
    with pytest.raises(ConflictError):
        proceeding_appeal_decide(proceeding=proceeding, accepted=False, reason="دوباره", actor=ACTOR)
    licence.refresh_from_db()
    assert licence.status == "active"


def test_a_refused_appeal_lets_the_measure_be_taken_after_the_window(licence):
    proceeding = _open(licence, days=1)
    proceeding_appeal_decide(proceeding=proceeding, accepted=False, reason="رد شد", actor=ACTOR)
    later = timezone.now() + dt.timedelta(days=2)

    enforced = proceeding_enforce(
        proceeding=proceeding, reason="غیرفعال", basis="شرایط پروانه", actor=ACTOR, now=later
    )

    licence.refresh_from_db()
    assert (enforced.status, licence.status, licence.ended_at) == ("enforced", "revoked", later)
    assert [e.action for e in proceeding_timeline(proceeding=proceeding)] == [
        "proceeding.open",
        "proceeding.appeal_decide",
        "proceeding.enforce",
    ]
    with pytest.raises(TransitionError):
        proceeding_drop(proceeding=proceeding, reason="دیر", actor=ACTOR)


def test_a_measure_on_a_licence_ended_meanwhile_is_refused_whole(licence):
    proceeding = _open(licence, days=0)
    licence_revoke(licence=licence, reason="تخلف", basis="ماده ۱۰", actor=ACTOR)

    with pytest.raises(TransitionError):
        proceeding_enforce(proceeding=proceeding, reason="r", basis="b", actor=ACTOR)

    proceeding.refresh_from_db()
    assert proceeding.status == "noticed"  # the revocation failed, so the decision was not recorded


def test_a_hearing_is_scheduled_while_open(licence):
    proceeding = _open(licence)
    at = timezone.now() + dt.timedelta(days=3)

    scheduled = proceeding_hearing_schedule(proceeding=proceeding, at=at, place="اداره کل تهران", actor=ACTOR)

    assert (scheduled.hearing_at, scheduled.hearing_place) == (at, "اداره کل تهران")
    proceeding_drop(proceeding=proceeding, reason="فعالیت از سر گرفته شد", actor=ACTOR)
    with pytest.raises(ConflictError):
        proceeding_hearing_schedule(proceeding=proceeding, at=at, place="x", actor=ACTOR)


def test_a_proceeding_is_never_opened_for_a_licence_that_is_gone(licence):
    licence.pk = 999_999
    with pytest.raises(Exception) as missing:  # noqa: PT011 (a NotFoundError, asserted below)
        _open(licence)
    assert missing.value.status == 404
