"""Sanction cases with due process (ADR 0010): notice → remedy window → hearing → decision → appeal →
enforcement through licensing, each skipped step refused with 409, and the ladder climbing with the
office's decided cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pishkhan.audit.selectors import audit_entry_list_for_target
from pishkhan.common.errors import ConflictError, ValidationError
from pishkhan.licensing.selectors import office_may_transact
from pishkhan.licensing.tasks import licences_reinstate_due
from pishkhan.notifications.services import messages_send_due
from pishkhan.supervision import selectors
from pishkhan.supervision.models import FineRule, SanctionCase
from pishkhan.supervision.services import (
    fine_rule_set,
    sanction_answer,
    sanction_appeal_decide,
    sanction_appeal_lodge,
    sanction_close,
    sanction_decide,
    sanction_enforce,
    sanction_hearing_schedule,
    sanction_minutes_record,
    sanction_notices_send,
    sanction_open,
    sanction_proposal,
)
from pishkhan.supervision.services import sanctions as sanctions_module
from pishkhan.supervision.tasks import sanction_notices_due
from tests.licensing.factories import imported
from tests.offices.factories import make_office
from tests.supervision.conftest import past_transaction, priced

ACTOR = "user:test-directorate"
REGULATOR = "user:test-regulator"
HOLDER = "user:test-holder"
H = dt.timedelta(hours=1)


@pytest.fixture
def office(geo_loaded):
    """A Tehran office with an active licence."""
    office = make_office(1)
    imported(office, status="active")
    return office


def _open(office, *, ground="overcharge", now=None, **extra):
    return sanction_open(
        office_code=office.code,
        ground=ground,
        facts="کارمزد ۲۰۰٬۰۰۰ ریال بیش از تعرفه گرفته شد.",
        evidence="رسید تراکنش T-1",
        source="complaint:C-23-1405-00001",
        actor=ACTOR,
        now=now,
        **extra,
    )


def _heard(office, t0, **extra):
    """A case opened at ``t0`` (72-hour remedy window), heard at t0+80h."""
    case = _open(office, now=t0, **extra)
    sanction_hearing_schedule(case=case, at=t0 + 80 * H, place="اداره کل تهران", actor=ACTOR, now=t0 + 73 * H)
    return sanction_minutes_record(
        case=case, minutes="دارنده حاضر شد و دفاع کرد.", actor=ACTOR, now=t0 + 81 * H
    )


def _decided(office, t0, measure="warning", **extra):
    case = _heard(office, t0)
    return sanction_decide(
        case=case, measure=measure, reason="تخلف محرز است.", actor=ACTOR, now=t0 + 82 * H, **extra
    )


def test_a_case_runs_its_due_process_and_a_suspension_stops_the_office(office, sms_log):
    t0 = timezone.now() - 200 * H
    case = _open(office, now=t0)
    assert (case.status, case.offence, case.proposed_measure) == ("noticed", 1, "warning")
    assert case.remedy_by == t0 + 72 * H
    assert case.proceeding.track == "hearing"
    assert case.proceeding.reference == case.number

    # The notice goes out by SMS from the worker, once.
    assert sanction_notices_due(now=t0 + H) == 1
    messages_send_due(now=timezone.now())  # the outbox's job
    assert case.number in sms_log.read_text(encoding="utf-8")
    assert sanction_notices_send(now=t0 + H) == 0
    case.refresh_from_db()
    assert case.notice_to.startswith("09")
    assert "*" in case.notice_to

    case = sanction_answer(
        case=case, statement="مبلغ اضافه بازگردانده شد.", remedied=False, actor=HOLDER, now=t0 + 2 * H
    )
    case = sanction_hearing_schedule(
        case=case, at=t0 + 80 * H, place="اداره کل", actor=ACTOR, now=t0 + 73 * H
    )
    case = sanction_minutes_record(case=case, minutes="دفاعیات شنیده شد.", actor=ACTOR, now=t0 + 81 * H)
    case = sanction_decide(
        case=case,
        measure="suspension",
        suspension_days=30,
        reason="تکرار تخلف.",
        actor=ACTOR,
        now=t0 + 82 * H,
    )
    assert (case.status, case.measure, case.suspension_days) == ("decided", "suspension", 30)
    case = sanction_appeal_lodge(case=case, statement="اعتراض دارم.", actor=HOLDER, now=t0 + 83 * H)
    case = sanction_appeal_decide(
        case=case, accepted=False, reason="دلیل تازه‌ای نیست.", actor=REGULATOR, now=t0 + 84 * H
    )
    assert case.status == "appeal_decided"
    case = sanction_enforce(case=case, actor=ACTOR, now=timezone.now())

    assert case.status == "enforced"
    licence = case.licence
    licence.refresh_from_db()
    assert licence.status == "suspended"
    assert licence.suspended_until == timezone.localdate() + dt.timedelta(days=30)
    assert office_may_transact(office=office)[0] is False
    case.proceeding.refresh_from_db()
    assert (case.proceeding.status, case.proceeding.measure) == ("enforced", "suspension")
    # Every step is audited with its legal basis.
    entries = list(selectors.sanction_timeline(case=case))
    assert [e.action for e in entries] == [
        "sanction.open",
        "sanction.answer",
        "sanction.hearing",
        "sanction.heard",
        "sanction.decide",
        "sanction.appeal",
        "sanction.appeal_decide",
        "sanction.enforce",
    ]
    assert all(e.basis for e in entries)
    assert "licence.suspend" in [e.action for e in audit_entry_list_for_target(target=licence)]
    # The hourly job reinstates the licence after its end date.
    licences_reinstate_due(now=timezone.now() + dt.timedelta(days=32))
    licence.refresh_from_db()
    assert licence.status == "active"


def test_a_hearing_is_refused_during_the_remedy_window_and_in_the_past(office):
    t0 = timezone.now()
    case = _open(office, now=t0)
    with pytest.raises(ConflictError) as early:
        sanction_hearing_schedule(case=case, at=t0 + 80 * H, place="اداره", actor=ACTOR, now=t0 + H)
    assert early.value.status == 409
    with pytest.raises(ValidationError) as past:
        sanction_hearing_schedule(case=case, at=t0 + 70 * H, place="اداره", actor=ACTOR, now=t0 + 73 * H)
    assert past.value.status == 422
    assert "at" in past.value.fields
    case.refresh_from_db()
    assert case.status == "noticed"
    assert case.hearing_at is None


def test_a_decision_before_the_hearing_is_refused(office):
    t0 = timezone.now()
    case = _open(office, now=t0)
    with pytest.raises(ConflictError) as refused:
        sanction_decide(case=case, measure="warning", reason="x", actor=ACTOR, now=t0 + 80 * H)
    assert refused.value.status == 409
    sanction_hearing_schedule(case=case, at=t0 + 80 * H, place="اداره", actor=ACTOR, now=t0 + 73 * H)
    with pytest.raises(ConflictError):  # scheduled, not held
        sanction_decide(case=case, measure="warning", reason="x", actor=ACTOR, now=t0 + 81 * H)
    with pytest.raises(ConflictError) as early:  # minutes before the hearing's time
        sanction_minutes_record(case=case, minutes="x", actor=ACTOR, now=t0 + 79 * H)
    assert early.value.code == "hearing-not-held"
    case.refresh_from_db()
    assert case.status == "hearing_scheduled"
    assert case.proceeding.status == "noticed"


def test_an_appeal_before_the_decision_or_after_its_window_is_refused(office):
    t0 = timezone.now() - 400 * H
    case = _heard(office, t0)
    with pytest.raises(ConflictError):
        sanction_appeal_lodge(case=case, statement="x", actor=HOLDER, now=t0 + 81 * H)
    case = sanction_decide(case=case, measure="warning", reason="x", actor=ACTOR, now=t0 + 82 * H)
    late = case.appeal_by + H
    with pytest.raises(ConflictError) as closed:
        sanction_appeal_lodge(case=case, statement="x", actor=HOLDER, now=late)
    assert closed.value.code == "appeal-window-closed"
    case.refresh_from_db()
    assert case.status == "decided"
    assert case.appeal_statement == ""


def test_enforcement_waits_for_the_appeal_window_and_for_a_pending_appeal(office):
    t0 = timezone.now() - 400 * H
    case = _decided(office, t0)
    with pytest.raises(ConflictError) as early:
        sanction_enforce(case=case, actor=ACTOR, now=t0 + 83 * H)
    assert early.value.code == "appeal-window-open"
    sanction_appeal_lodge(case=case, statement="x", actor=HOLDER, now=t0 + 83 * H)
    with pytest.raises(ConflictError):
        sanction_enforce(case=case, actor=ACTOR, now=case.appeal_by + H)
    case.refresh_from_db()
    assert case.status == "appealed"
    assert case.enforced_at is None


def test_a_warning_is_recorded_after_the_window_and_the_licence_is_untouched(office):
    t0 = timezone.now() - 400 * H
    case = _decided(office, t0)
    case = sanction_enforce(case=case, actor=ACTOR, now=case.appeal_by + H)
    assert case.status == "enforced"
    case.licence.refresh_from_db()
    assert case.licence.status == "active"


def test_an_accepted_appeal_closes_the_case_without_the_measure(office):
    t0 = timezone.now() - 400 * H
    case = _decided(office, t0, measure="revocation")
    sanction_appeal_lodge(case=case, statement="x", actor=HOLDER, now=t0 + 83 * H)
    case = sanction_appeal_decide(
        case=case, accepted=True, reason="پذیرفته شد.", actor=REGULATOR, now=t0 + 84 * H
    )
    assert (case.status, case.proceeding.status) == ("closed", "dropped")
    case.licence.refresh_from_db()
    assert case.licence.status == "active"


def test_an_answer_after_the_remedy_window_is_refused_and_a_remedied_case_closes(office):
    t0 = timezone.now() - 400 * H
    case = _open(office, now=t0)
    with pytest.raises(ConflictError) as late:
        sanction_answer(case=case, statement="x", remedied=True, actor=HOLDER, now=t0 + 73 * H)
    assert late.value.code == "remedy-window-closed"
    case = sanction_close(case=case, reason="وجه بازگردانده شد.", actor=ACTOR, now=t0 + 74 * H)
    assert (case.status, case.proceeding.status) == ("closed", "dropped")
    assert _open(office).offence == 1  # a closed case is no offence


def test_repeat_offences_climb_the_ladder(office):
    t0 = timezone.now() - 2000 * H
    first = _decided(office, t0)
    sanction_enforce(case=first, actor=ACTOR, now=first.appeal_by + H)
    second = _open(office, now=t0 + 400 * H)
    assert (second.offence, second.proposed_measure) == (2, "fine")
    assert second.proposed_fine_rials == sanctions_module.SHARE_FINE_MINIMUM_RIALS  # 1% of no revenue
    sanction_close(case=second, reason="x", actor=ACTOR, now=t0 + 401 * H)
    third = _decided(office, t0 + 500 * H, measure="fine", fine_rials=5_000_000)
    sanction_enforce(case=third, actor=ACTOR, now=third.appeal_by + H)
    fourth = _open(office, now=t0 + 900 * H)
    assert (fourth.offence, fourth.proposed_measure, fourth.proposed_suspension_days) == (3, "suspension", 30)
    # Another ground starts its own ladder.
    assert sanction_proposal(office_id=office.pk, ground="refund_not_made").offence == 1


def test_offences_older_than_the_repeat_period_do_not_count(office, settings):
    settings.PISHKHAN_SANCTION_REPEAT_YEARS = 1
    t0 = timezone.now() - dt.timedelta(days=500)
    first = _decided(office, t0)
    sanction_enforce(case=first, actor=ACTOR, now=first.appeal_by + H)
    assert sanction_proposal(office_id=office.pk, ground="overcharge").offence == 1
    settings.PISHKHAN_SANCTION_REPEAT_YEARS = 3
    assert sanction_proposal(office_id=office.pk, ground="overcharge").offence == 2


def test_a_fine_as_a_share_is_counted_on_the_offices_revenue(office, monkeypatch):
    monkeypatch.setattr(sanctions_module, "SHARE_FINE_MINIMUM_RIALS", 1)
    FineRule.objects.filter(ground="refund_not_made", offence=1).update(fine_rials=None, fine_share_bp=1000)
    from tests.offices.factories import make_agency, make_service

    service = make_service(make_agency(), "pension-statement")
    priced(service)
    now = timezone.now()
    past_transaction(office, now - dt.timedelta(days=30), "R-1")
    past_transaction(office, now - dt.timedelta(days=60), "R-2")
    past_transaction(office, now - dt.timedelta(days=400), "R-3")  # older than twelve months
    proposal = sanction_proposal(office_id=office.pk, ground="refund_not_made", now=now)
    assert (proposal.measure, proposal.fine_rials) == ("fine", 130_000)  # 10% of 2 × 650,000


def test_bad_input_is_refused_and_nothing_is_stored(office, geo_loaded):
    for fields, field in [
        ({"office_code": "P99-9999"}, "office"),
        ({"office_code": "nonsense"}, "office"),
        ({"ground": "speeding"}, "ground"),
        ({"facts": "  "}, "facts"),
        ({"source": "tweet:1"}, "source"),
    ]:
        values = {
            "office_code": office.code,
            "ground": "overcharge",
            "facts": "واقعیت",
            "source": "",
            "actor": ACTOR,
        } | fields
        with pytest.raises(ValidationError) as refused:
            sanction_open(**values)
        assert field in refused.value.fields
    no_licence = make_office(2)
    with pytest.raises(ConflictError) as conflict:
        sanction_open(office_code=no_licence.code, ground="other", facts="x", actor=ACTOR)
    assert conflict.value.code == "no-licence-in-force"
    assert not SanctionCase.objects.exists()


def test_one_open_case_per_licence(office):
    _open(office)
    with pytest.raises(ConflictError):
        _open(office)
    assert SanctionCase.objects.count() == 1


def test_a_decided_case_closes_only_once_its_licence_has_ended(office):
    from pishkhan.licensing.services import licence_revoke

    t0 = timezone.now() - 400 * H
    case = _decided(office, t0, measure="revocation")
    with pytest.raises(ConflictError):
        sanction_close(case=case, reason="x", actor=ACTOR, now=t0 + 83 * H)
    licence_revoke(licence=case.licence, reason="پرونده دیگر", basis="ماده ۱۸", actor=REGULATOR)
    case = sanction_close(case=case, reason="مجوز به سبب دیگری لغو شد.", actor=ACTOR, now=t0 + 84 * H)
    assert (case.status, case.proceeding.status) == ("closed", "dropped")


def test_the_fine_table_is_written_line_by_line_and_audited(office):
    rule = fine_rule_set(
        ground="overcharge",
        offence=1,
        measure="fine",
        fine_share_bp=300,
        basis="ماده ۱۲ اصلاحی",
        actor=REGULATOR,
    )
    assert (rule.measure, rule.fine_share_bp, rule.fine_rials) == ("fine", 300, None)
    assert audit_entry_list_for_target(target=rule).get().action == "fine_rule.set"
    assert _open(office).proposed_measure == "fine"
    for size, field in [
        ({}, "fine_rials"),
        ({"fine_rials": 1, "fine_share_bp": 1}, "fine_rials"),
        ({"suspension_days": 3}, "suspension_days"),
        ({"fine_share_bp": 10_001}, "fine_share_bp"),
    ]:
        with pytest.raises(ValidationError) as refused:
            fine_rule_set(ground="overcharge", offence=1, measure="fine", basis="b", actor=REGULATOR, **size)
        assert set(refused.value.fields) & {field, "fine_rials", "fine_share_bp"}
    rule.refresh_from_db()
    assert rule.fine_share_bp == 300


def test_only_an_active_licence_is_suspended(geo_loaded):
    issued = make_office(3)
    imported(issued, status="issued")
    t0 = timezone.now() - 400 * H
    case = _heard(issued, t0)
    with pytest.raises(ValidationError) as refused:
        sanction_decide(case=case, measure="suspension", reason="r", actor=ACTOR, now=t0 + 82 * H)
    assert "measure" in refused.value.fields
    assert (
        sanction_decide(case=case, measure="revocation", reason="r", actor=ACTOR, now=t0 + 82 * H).status
        == "decided"
    )
