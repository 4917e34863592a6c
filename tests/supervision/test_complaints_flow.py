"""Complaints to the end, through the services and the worker's job: answering (texted once, by the
job), closing with an outcome, refunds ordered and confirmed (or flagged overdue), escalation to the
regulator past the answer deadline (a clock set forward, never a sleep), tracking by number and
mobile, the score's figures, and the migration that keeps older complaints valid."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from pishkhan.audit.models import AuditEntry
from pishkhan.common.errors import NotFoundError, TransitionError, ValidationError
from pishkhan.common.sealing import seal
from pishkhan.notifications.services import messages_send_due
from pishkhan.supervision.mobile_keys import mobile_key
from pishkhan.supervision.models import Complaint
from pishkhan.supervision.selectors import complaint_list, complaint_track, complaints_for_score
from pishkhan.supervision.services import (
    complaint_answer,
    complaint_close,
    complaint_refund_confirm,
    complaint_review,
    complaint_submit,
)
from pishkhan.supervision.states import (
    REFUND_TRANSITIONS,
    ComplaintOutcome,
    ComplaintStatus,
    RefundStatus,
)
from pishkhan.supervision.tasks import complaints_advance
from tests.offices.factories import make_office

MOBILE = "09121234567"
OTHER_MOBILE = "09129999999"
DIRECTORATE = "user:test-directorate"
OFFICE = "user:test-operator"

pytestmark = pytest.mark.usefixtures("sms_log")


@pytest.fixture
def office(geo_loaded):
    return make_office(1)


def _complaint(office, *, category="overcharging", mobile=MOBILE, **extra):
    return complaint_submit(
        office_code=office.code,
        category=category,
        description="دو برابر تعرفه گرفتند",
        mobile=mobile,
        **extra,
    )


def _reviewed(office, **extra):
    return complaint_review(complaint=_complaint(office, **extra), actor=DIRECTORATE)


def _actions(complaint) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_type="supervision.complaint", target_id=str(complaint.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


# --- Deadlines and escalation --------------------------------------------------------------------


def test_the_answer_is_due_after_the_set_days(office, settings):
    settings.PISHKHAN_COMPLAINT_ANSWER_DAYS = 10
    complaint = _complaint(office)

    assert complaint.answer_due_at - complaint.created_at == dt.timedelta(days=10)


def test_an_unanswered_complaint_escalates_on_day_15_and_only_then(office):
    complaint = _complaint(office)
    received = complaint.created_at

    assert complaints_advance(now=received + dt.timedelta(days=13, hours=23)) == 0
    complaint.refresh_from_db()
    assert complaint.escalated_at is None
    assert complaints_advance(now=received + dt.timedelta(days=14, minutes=1)) == 1
    assert complaints_advance(now=received + dt.timedelta(days=15)) == 0  # once

    complaint.refresh_from_db()
    assert complaint.escalated_at == received + dt.timedelta(days=14, minutes=1)
    assert complaint.status == ComplaintStatus.RECEIVED  # still the directorate's to answer
    assert _actions(complaint) == ["complaint.submit", "complaint.escalate"]
    assert list(complaint_list(scope={}, escalated=True)) == [complaint]
    assert list(complaint_list(scope={"province": "23"}, escalated=True)) == [complaint]
    assert list(complaint_list(scope={"province": "23"}, escalated=False)) == []


def test_a_complaint_answered_in_time_never_escalates(office):
    complaint = _reviewed(office)
    complaint_answer(complaint=complaint, answer="بررسی شد و تذکر داده شد", actor=DIRECTORATE)

    complaints_advance(now=timezone.now() + dt.timedelta(days=30))

    complaint.refresh_from_db()
    assert complaint.escalated_at is None
    assert list(complaint_list(scope={}, overdue=True)) == []


def test_an_escalated_complaint_can_still_be_answered_and_closed(office):
    complaint = _reviewed(office, category="conduct")
    complaints_advance(now=timezone.now() + dt.timedelta(days=15))

    complaint_answer(complaint=complaint, answer="پاسخ با تأخیر", actor="user:test-regulator")
    closed = complaint_close(
        complaint=complaint, outcome="not_upheld", reason="رفتار مناسب بود", actor=DIRECTORATE
    )

    assert closed.status == ComplaintStatus.CLOSED
    assert closed.escalated_at is not None


# --- Answers and their SMS -----------------------------------------------------------------------


def test_the_answer_is_texted_once_by_the_job(office, sms_log):
    complaint = _reviewed(office)
    answered = complaint_answer(
        complaint=complaint, answer="  مبلغ اضافه بازپرداخت می‌شود  ", actor=DIRECTORATE
    )
    assert answered.status == ComplaintStatus.ANSWERED
    assert answered.answer == "مبلغ اضافه بازپرداخت می‌شود"
    assert not sms_log.exists()  # never in the request

    assert complaints_advance(now=timezone.now()) == 1
    assert complaints_advance(now=timezone.now()) == 0
    messages_send_due(now=timezone.now())  # the outbox's job

    lines = [json.loads(line) for line in sms_log.read_text().splitlines()]
    assert [line["key"] for line in lines] == [
        f"complaint:{complaint.number}:received",  # told when it was submitted
        f"complaint:{complaint.number}:answered",
    ]
    assert complaint.number in lines[1]["text"]
    assert "بازپرداخت" in lines[1]["text"]
    answered.refresh_from_db()
    assert answered.answer_sms_sent_at is not None
    assert _actions(answered)[-1] == "complaint.answer_texted"


def test_a_complaint_without_a_mobile_is_answered_but_not_texted(office, sms_log):
    complaint = _reviewed(office, mobile="")
    complaint_answer(complaint=complaint, answer="پاسخ", actor=DIRECTORATE)

    assert complaints_advance(now=timezone.now()) == 0
    assert not sms_log.exists()


def test_a_refused_sms_waits_in_the_outbox_for_the_next_round(office, settings, sms_log):
    complaint = _reviewed(office)
    complaint_answer(complaint=complaint, answer="پاسخ", actor=DIRECTORATE)
    settings.PISHKHAN_SMS_BACKEND = "tests.supervision.test_complaints_flow.RefusingBackend"

    assert complaints_advance(now=timezone.now()) == 1  # the answer goes in the outbox
    assert messages_send_due(now=timezone.now()) == 0  # the provider refuses: it waits there
    settings.PISHKHAN_SMS_BACKEND = "log"
    assert messages_send_due(now=timezone.now() + dt.timedelta(hours=1)) == 2  # received, answered
    assert complaints_advance(now=timezone.now()) == 0


class RefusingBackend:
    def send(self, to: str, text: str, key: str) -> None:
        from pishkhan.common.sms import SmsError

        raise SmsError("provider down")


@pytest.mark.parametrize("answer", ["", "   ", "x" * 2001, "bad\x00text"])
def test_a_bad_answer_is_refused_and_nothing_changes(office, answer):
    complaint = _reviewed(office)

    with pytest.raises(ValidationError) as refused:
        complaint_answer(complaint=complaint, answer=answer, actor=DIRECTORATE)

    assert list(refused.value.fields) == ["answer"]
    complaint.refresh_from_db()
    assert (complaint.status, complaint.answer) == (ComplaintStatus.UNDER_REVIEW, "")


def test_answering_a_closed_or_unreviewed_complaint_is_a_conflict(office):
    fresh = _complaint(office)
    with pytest.raises(TransitionError):
        complaint_answer(complaint=fresh, answer="پاسخ", actor=DIRECTORATE)
    closed = complaint_close(
        complaint=_reviewed(office, category="conduct"), outcome="upheld", reason="تذکر", actor=DIRECTORATE
    )

    with pytest.raises(TransitionError) as refused:
        complaint_answer(complaint=closed, answer="پاسخ دیگر", actor=DIRECTORATE)

    assert refused.value.status == 409
    closed.refresh_from_db()
    assert (closed.status, closed.answer, closed.close_reason) == (ComplaintStatus.CLOSED, "", "تذکر")


# --- Outcomes and refunds ------------------------------------------------------------------------


def test_an_upheld_overcharge_orders_a_refund_the_office_confirms(office):
    complaint = _reviewed(office)

    closed = complaint_close(
        complaint=complaint,
        outcome="upheld",
        reason="اضافه دریافت شد",
        refund_amount="۲۵۰,۰۰۰",
        actor=DIRECTORATE,
    )

    assert closed.outcome == ComplaintOutcome.UPHELD
    assert (closed.refund_status, closed.refund_amount) == (RefundStatus.ORDERED, 250_000)
    assert closed.refund_due_at - closed.refund_ordered_at == dt.timedelta(hours=48)
    confirmed = complaint_refund_confirm(complaint=closed, reference="RCPT-778", actor=OFFICE)
    assert confirmed.refund_status == RefundStatus.CONFIRMED
    assert (confirmed.refund_reference, confirmed.refund_confirmed_by) == ("RCPT-778", OFFICE)
    with pytest.raises(TransitionError):
        complaint_refund_confirm(complaint=closed, reference="again", actor=OFFICE)
    assert _actions(closed) == [
        "complaint.submit",
        "complaint.review",
        "complaint.close",
        "complaint.refund_order",
        "complaint.refund_confirm",
    ]


@pytest.mark.parametrize(
    ("category", "outcome", "amount"),
    [
        ("overcharging", "upheld", None),  # an upheld overcharge orders a refund
        ("overcharging", "partly_upheld", ""),
        ("overcharging", "upheld", -5_000),
        ("overcharging", "upheld", 0),
        ("overcharging", "upheld", 1_000_000_001),  # above PISHKHAN_COMPLAINT_REFUND_MAX
        ("overcharging", "upheld", "ده هزار"),
        ("overcharging", "upheld", 12.5),
        ("overcharging", "not_upheld", 10_000),  # nothing to refund
        ("conduct", "upheld", 10_000),  # not an overcharge
    ],
)
def test_a_bad_refund_is_refused_and_the_complaint_stays_open(office, category, outcome, amount):
    complaint = _reviewed(office, category=category)

    with pytest.raises(ValidationError) as refused:
        complaint_close(
            complaint=complaint, outcome=outcome, reason="بررسی شد", refund_amount=amount, actor=DIRECTORATE
        )

    assert list(refused.value.fields) == ["refund_amount"]
    complaint.refresh_from_db()
    assert (complaint.status, complaint.refund_status, complaint.outcome) == (
        ComplaintStatus.UNDER_REVIEW,
        RefundStatus.NONE,
        "",
    )


@pytest.mark.parametrize("outcome", [None, "", "maybe"])
def test_closing_requires_an_outcome(office, outcome):
    complaint = _reviewed(office, category="conduct")

    with pytest.raises(ValidationError) as refused:
        complaint_close(complaint=complaint, outcome=outcome, reason="بررسی شد", actor=DIRECTORATE)

    assert list(refused.value.fields) == ["outcome"]
    assert Complaint.objects.get().status == ComplaintStatus.UNDER_REVIEW


def test_an_unconfirmed_refund_is_flagged_overdue_after_48_hours(office, settings):
    settings.PISHKHAN_COMPLAINT_REFUND_HOURS = 48
    closed = complaint_close(
        complaint=_reviewed(office),
        outcome="partly_upheld",
        reason="بخشی",
        refund_amount=80_000,
        actor=DIRECTORATE,
    )
    ordered = closed.refund_ordered_at

    assert complaints_advance(now=ordered + dt.timedelta(hours=47)) == 0
    assert list(complaint_list(scope={"province": "23"}, overdue=True)) == []
    assert complaints_advance(now=ordered + dt.timedelta(hours=48, minutes=1)) == 1
    assert complaints_advance(now=ordered + dt.timedelta(hours=60)) == 0

    closed.refresh_from_db()
    assert closed.refund_overdue_at == ordered + dt.timedelta(hours=48, minutes=1)
    assert list(complaint_list(scope={"province": "23"}, overdue=True)) == [closed]
    assert list(complaint_list(scope={"office": office.code}, refund="ordered")) == [closed]
    # A late confirmation is accepted; the flag stays on the record.
    late = complaint_refund_confirm(complaint=closed, reference="T-1", actor=OFFICE)
    assert late.refund_status == RefundStatus.CONFIRMED
    assert late.refund_overdue_at is not None


@pytest.mark.parametrize("reference", ["", "   ", "x" * 65])
def test_a_refund_confirmation_needs_a_reference(office, reference):
    closed = complaint_close(
        complaint=_reviewed(office), outcome="upheld", reason="اضافه", refund_amount=1000, actor=DIRECTORATE
    )

    with pytest.raises(ValidationError):
        complaint_refund_confirm(complaint=closed, reference=reference, actor=OFFICE)

    closed.refresh_from_db()
    assert closed.refund_status == RefundStatus.ORDERED


def test_confirming_without_an_order_is_a_conflict(office):
    closed = complaint_close(
        complaint=_reviewed(office, category="conduct"), outcome="upheld", reason="تذکر", actor=DIRECTORATE
    )

    with pytest.raises(TransitionError):
        complaint_refund_confirm(complaint=closed, reference="X", actor=OFFICE)


@pytest.mark.parametrize("source", RefundStatus.values)
@pytest.mark.parametrize("target", RefundStatus.values)
def test_the_refund_table_pair_by_pair(source, target):
    allowed = {("none", "ordered"), ("ordered", "confirmed")}

    assert REFUND_TRANSITIONS.allows(source, target) == ((source, target) in allowed)


# --- Tracking ------------------------------------------------------------------------------------


def test_the_number_with_the_mobile_tracks_the_whole_story(office):
    complaint = _reviewed(office)
    complaint_answer(complaint=complaint, answer="مبلغ بازپرداخت شود", actor=DIRECTORATE)
    complaint_close(
        complaint=complaint, outcome="upheld", reason="اضافه", refund_amount=5000, actor=DIRECTORATE
    )

    tracked = complaint_track(number=complaint.number.lower(), mobile=MOBILE)

    assert tracked.full
    assert (tracked.status, tracked.outcome, tracked.answer) == ("closed", "upheld", "مبلغ بازپرداخت شود")
    assert (tracked.office_code, tracked.refund_amount, tracked.refund_status) == (
        office.code,
        5000,
        "ordered",
    )
    assert [step.step for step in tracked.steps] == [
        "received",
        "under_review",
        "answered",
        "closed",
        "refund_ordered",
    ]


@pytest.mark.parametrize("mobile", ["", OTHER_MOBILE])
def test_the_number_alone_or_a_wrong_mobile_tracks_the_state_only(office, mobile):
    complaint = _reviewed(office)
    complaint_answer(complaint=complaint, answer="محرمانه", actor=DIRECTORATE)

    tracked = complaint_track(number=complaint.number, mobile=mobile)

    assert not tracked.full
    assert tracked.status == "answered"
    assert (tracked.answer, tracked.office_code, tracked.category, tracked.steps) == ("", "", "", [])
    assert tracked == complaint_track(number=complaint.number)  # a wrong mobile: exactly the number alone


def test_a_complaint_without_a_mobile_is_tracked_by_its_number_only(office):
    complaint = _complaint(office, mobile="")

    assert not complaint_track(number=complaint.number, mobile=MOBILE).full


def test_an_unknown_or_malformed_number_is_refused(office):
    _complaint(office)

    with pytest.raises(NotFoundError):
        complaint_track(number="C-23-1405-99999", mobile=MOBILE)
    with pytest.raises(ValidationError):
        complaint_track(number="nonsense")


def test_the_mobile_is_kept_as_a_keyed_hash_never_in_clear(office):
    complaint = _complaint(office)

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM supervision_complaint WHERE id = %s", [complaint.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert MOBILE not in row
    assert MOBILE[1:] not in row
    assert complaint.mobile_key == mobile_key(MOBILE)
    assert len(complaint.mobile_key) == 64


# --- The score's figures -------------------------------------------------------------------------


def test_complaints_for_score_counts_outcomes_and_refunds_in_the_period(geo_loaded):
    first, second = make_office(1), make_office(2)
    complaint_close(
        complaint=_reviewed(first), outcome="upheld", reason="اضافه", refund_amount=7000, actor=DIRECTORATE
    )
    complaint_close(
        complaint=_reviewed(first),
        outcome="partly_upheld",
        reason="بخشی",
        refund_amount=3000,
        actor=DIRECTORATE,
    )
    complaint_close(
        complaint=_reviewed(first, category="conduct"), outcome="upheld", reason="تذکر", actor=DIRECTORATE
    )
    complaint_close(
        complaint=_reviewed(second, category="absent"),
        outcome="not_upheld",
        reason="باز بود",
        actor=DIRECTORATE,
    )
    _reviewed(second)  # open: not counted
    now = timezone.now()

    scores = complaints_for_score(start=now - dt.timedelta(days=1), end=now + dt.timedelta(days=1))

    assert scores == {
        first.pk: {
            "upheld": 2,
            "partly_upheld": 1,
            "not_upheld": 0,
            "refunds_ordered": 2,
            "refund_rials": 10_000,
        },
        second.pk: {
            "upheld": 0,
            "partly_upheld": 0,
            "not_upheld": 1,
            "refunds_ordered": 0,
            "refund_rials": 0,
        },
    }
    assert complaints_for_score(start=now + dt.timedelta(days=1), end=now + dt.timedelta(days=2)) == {}


# --- The migration -------------------------------------------------------------------------------

BEFORE = [("supervision", "0006_alert_rules")]
AFTER = [("supervision", "0007_complaints")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_older_complaints_a_deadline_and_a_mobile_key(office):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("supervision", "Complaint")
    received = timezone.now() - dt.timedelta(days=3)
    old.objects.create(
        number="C-23-1405-00001",
        office_id=office.pk,
        category="overcharging",
        description="قدیمی",
        mobile_masked="0912***4567",
        mobile_sealed=seal(MOBILE),
        created_at=received,
    )
    old.objects.create(
        number="C-23-1405-00002",
        office_id=office.pk,
        category="conduct",
        description="بسته",
        status="closed",
        created_at=received,
        closed_at=received,
        close_reason="بسته شد",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor.loader.build_graph()
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())

    kept, closed = Complaint.objects.order_by("number")
    assert kept.answer_due_at == received + dt.timedelta(days=14)
    assert kept.mobile_key == mobile_key(MOBILE)
    assert complaint_track(number=kept.number, mobile=MOBILE).full
    assert (closed.status, closed.outcome, closed.refund_status) == ("closed", "", "none")


def test_the_complaints_job_is_scheduled(settings):
    jobs = {job["path"]: job for job in settings.PISHKHAN_JOBS}

    assert jobs["pishkhan.supervision.tasks.complaints_advance"]["every"] <= 60
