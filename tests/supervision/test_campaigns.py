"""Inactivity campaigns: started with their notices, concluded case by case, and what that leaves behind
(revoked licences the counter refuses, timelines that match the audit log, an intact chain)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from pishkhan.audit.models import AuditEntry
from pishkhan.audit.selectors import audit_chain_verify
from pishkhan.common.errors import ValidationError
from pishkhan.common.jobs import Job, run_once
from pishkhan.common.sms import SmsError
from pishkhan.licensing.models import Licence, Proceeding
from pishkhan.licensing.selectors import (
    licence_in_force_for_office,
    licence_timeline,
    office_may_transact,
    proceeding_list,
    proceeding_timeline,
)
from pishkhan.licensing.services import licence_revoke
from pishkhan.notifications.services import messages_send_due
from pishkhan.supervision.criteria import InactivityCriteria
from pishkhan.supervision.errors import CampaignOpenError, GracePeriodRunningError, NoCandidatesError
from pishkhan.supervision.models import CampaignCase, InactivityCampaign
from pishkhan.supervision.selectors import campaign_report, inactive_licence_candidates
from pishkhan.supervision.services import (
    BASIS_DEFAULT,
    campaign_conclude,
    campaign_notices_send,
    campaign_start,
    case_appeal_decide,
    case_appeal_lodge,
)
from pishkhan.transactions.services import heartbeat_record
from tests.licensing.factories import regulator
from tests.offices.factories import national_id
from tests.supervision.conftest import SERVICE, office_key

REGULATOR = "user:test-regulator"


def _messages(path):
    """The campaign's notices the provider received (the revocations' own notices are licensing's)."""
    messages_send_due(now=timezone.now())  # the outbox's job sends what the campaign enqueued
    lines = (
        [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    )
    return [line for line in lines if line["key"].startswith("campaign:")]


def _start(grace_days=0, **criteria):
    return campaign_start(criteria=InactivityCriteria(**criteria), grace_days=grace_days, actor=REGULATOR)


def _case(campaign, office):
    return CampaignCase.objects.select_related("proceeding", "licence").get(campaign=campaign, office=office)


def _outcomes(campaign):
    return dict(CampaignCase.objects.filter(campaign=campaign).values_list("office__code", "outcome"))


class FailingSms:
    """An SMS provider that is down (an external system's failure, not our code's)."""

    def send(self, to: str, text: str, key: str) -> None:
        raise SmsError("provider unavailable")


def test_a_campaign_freezes_the_candidates_and_serves_each_a_notice(network, sms_log):
    # given the day's candidates
    expected = {c.office_code for c in inactive_licence_candidates(criteria=InactivityCriteria(), scope={})}

    # when the regulator starts a campaign with a thirty-day grace period
    campaign = _start(grace_days=30)

    # then one case per candidate, each with an open proceeding whose window is the grace period
    cases = CampaignCase.objects.filter(campaign=campaign).select_related("proceeding", "office", "licence")
    assert {case.office.code for case in cases} == expected
    assert campaign.number.startswith("IC-")
    assert campaign.status == "noticed"
    assert campaign.respond_by == campaign.started_at + dt.timedelta(days=30)
    for case in cases:
        assert case.proceeding.status == "noticed"
        assert case.proceeding.respond_by == campaign.respond_by
        assert case.proceeding.reference == campaign.number
        assert case.licence.status in ("issued", "active")  # nothing revoked yet
        assert case.notice_sent_at is None
    idle = cases.get(office=network.idle)
    assert (idle.criterion, idle.licence_status) == ("idle", "active")
    assert "No counter transaction for" in idle.proceeding.ground
    assert "criterion: 180 days" in idle.proceeding.ground
    # and the holder and the office see it among their notices
    assert list(proceeding_list(scope={"office": network.idle.code}, open_only=True)) == [idle.proceeding]

    # when the worker sends the SMS
    sent = campaign_notices_send(now=timezone.now())

    # then each holder got one, to the operator's mobile in the registry, kept masked only
    assert sent == len(expected)
    messages = _messages(sms_log)
    assert sorted(m["to"] for m in messages) == sorted(
        f"0912***{n:04d}"
        for n in (1, 3, 5, 9)  # operators of never, idle, silent, isfahan
    )
    assert all(campaign.number in m["text"] for m in messages)
    idle.refresh_from_db()
    assert idle.notice_to == "0912***0003"
    assert idle.notice_sent_at is not None
    assert campaign_notices_send(now=timezone.now()) == 0  # once each
    assert (
        AuditEntry.objects.filter(action="inactivity_campaign.start", target_id=str(campaign.pk)).count() == 1
    )


def test_a_second_campaign_while_one_is_open_is_refused_and_changes_nothing(network, sms_log):
    first = _start(grace_days=30)
    proceedings, entries = Proceeding.objects.count(), AuditEntry.objects.count()

    with pytest.raises(CampaignOpenError) as refused:
        _start(grace_days=0)

    assert refused.value.status == 409
    assert first.number in refused.value.detail
    assert list(InactivityCampaign.objects.values_list("number", flat=True)) == [first.number]
    assert (Proceeding.objects.count(), AuditEntry.objects.count()) == (proceedings, entries)


def test_criteria_no_licence_meets_start_nothing(network):
    with pytest.raises(NoCandidatesError):
        _start(never_activated_days=3000, idle_days=3000)

    assert not InactivityCampaign.objects.exists()
    assert not Proceeding.objects.exists()


@pytest.mark.parametrize(("grace", "field"), [(-1, "grace_days"), (400, "grace_days")])
def test_a_bad_grace_period_is_refused(network, grace, field):
    with pytest.raises(ValidationError) as refused:
        _start(grace_days=grace)
    assert field in refused.value.fields
    assert not InactivityCampaign.objects.exists()


def test_concluding_before_the_grace_period_is_over_is_refused(network, sms_log):
    campaign = _start(grace_days=10)

    with pytest.raises(GracePeriodRunningError):
        campaign_conclude(campaign=campaign, actor=REGULATOR)

    assert set(_outcomes(campaign).values()) == {"pending"}


def test_conclusion_revokes_the_inactive_and_keeps_those_with_activity_or_an_accepted_appeal(
    network, sms_log
):
    # given a campaign with a three-day grace period
    campaign = _start(grace_days=3)
    campaign_notices_send(now=timezone.now())
    # when, within it, the never-activated office's system connects (its first heartbeat activates it),
    office_key(network.never)
    heartbeat_record(office=network.never, terminal_id="T-1", software_version="1.1")
    # the idle office's holder appeals and the regulator accepts it,
    case_appeal_lodge(case=_case(campaign, network.idle), statement="دفتر در حال بازسازی بود", actor="holder")
    case_appeal_decide(
        case=_case(campaign, network.idle), accepted=True, reason="مدارک بازسازی ارائه شد", actor=REGULATOR
    )
    # the Isfahan holder's appeal is refused, and the silent office does nothing
    case_appeal_decide(
        case=_case(campaign, network.isfahan), accepted=False, reason="دلیلی ارائه نشد", actor=REGULATOR
    )
    # and the campaign is concluded once the grace period is over
    done = campaign_conclude(campaign=campaign, actor=REGULATOR, now=timezone.now() + dt.timedelta(days=4))

    # then each case has its outcome and the campaign is closed
    assert _outcomes(campaign) == {
        network.never.code: "kept_activity",
        network.idle.code: "kept_appeal",
        network.silent.code: "revoked",
        network.isfahan.code: "revoked",
    }
    assert (done.decided, done.waiting, done.campaign.status) == (3, 0, "closed")
    statuses = dict(Licence.objects.values_list("office__code", "status"))
    assert statuses[network.never.code] == "active"
    assert statuses[network.idle.code] == "active"
    assert statuses[network.silent.code] == statuses[network.isfahan.code] == "revoked"
    assert _case(campaign, network.never).proceeding.status == "dropped"
    assert "heartbeat at" in _case(campaign, network.never).outcome_note
    assert _case(campaign, network.silent).proceeding.status == "enforced"
    # and the report counts per province and outcome
    report = campaign_report(campaign=campaign, scope={})
    assert [(row.province_code, dict(row.counts)) for row in report.provinces] == [
        ("10", {"revoked": 1}),
        ("23", {"kept_activity": 1, "kept_appeal": 1, "revoked": 1}),
    ]
    assert (report.revoked, report.kept_activity, report.kept_appeal, report.total) == (2, 1, 1, 4)
    assert campaign_report(campaign=campaign, scope={"province": "10"}).totals == {"revoked": 1}


def test_a_transaction_after_the_notice_keeps_an_idle_licence(network, client, sms_log):
    campaign = _start(grace_days=0)
    key = office_key(network.silent)
    body = {
        "service": SERVICE,
        "national_id": national_id(77),
        "mobile": "09121112233",
        "fee_charged": 650_000,
        "office_reference": "N-1",
    }
    posted = client.post(
        "/api/v1/transactions",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": "N-1"},
    )
    assert posted.status_code == 201, posted.content

    campaign_conclude(campaign=campaign, actor=REGULATOR)

    case = _case(campaign, network.silent)
    assert case.outcome == "kept_activity"
    assert "transaction received at" in case.outcome_note


def test_concluding_twice_changes_nothing_the_second_time(network, sms_log):
    campaign = _start(grace_days=0)
    first = campaign_conclude(campaign=campaign, actor=REGULATOR)
    outcomes, entries = _outcomes(campaign), AuditEntry.objects.count()

    again = campaign_conclude(campaign=campaign, actor=REGULATOR)

    assert first.decided == 4
    assert (again.decided, again.waiting, again.campaign.status) == (0, 0, "closed")
    assert _outcomes(campaign) == outcomes
    assert AuditEntry.objects.count() == entries


def test_revoked_offices_can_no_longer_post_transactions(network, client, sms_log):
    key = office_key(network.silent)
    assert office_may_transact(office=network.silent) == (True, "")
    campaign = _start(grace_days=0)

    campaign_conclude(campaign=campaign, actor=REGULATOR)

    may, why = office_may_transact(office=network.silent)
    assert not may
    assert "no active licence" in why
    body = {
        "service": SERVICE,
        "national_id": national_id(78),
        "mobile": "09121112233",
        "fee_charged": 650_000,
        "office_reference": "R-1",
    }
    refused = client.post(
        "/api/v1/transactions",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": "R-1"},
    )
    assert refused.status_code == 403
    assert "no active licence" in refused.json()["detail"]


def test_every_revoked_licence_timeline_matches_its_audit_events_and_the_chain_holds(network, sms_log):
    campaign = _start(grace_days=0)

    campaign_conclude(campaign=campaign, actor=regulator())

    revoked = CampaignCase.objects.filter(campaign=campaign, outcome="revoked").select_related("licence")
    assert revoked.count() == 4
    for case in revoked:
        licence = case.licence
        entries = list(licence_timeline(licence=licence))
        expected = ["licence.import", "licence.revoke"]
        if (
            licence.first_signal_at is not None
            and licence.status == "revoked"
            and case.licence_status == "issued"
        ):
            expected.insert(1, "licence.first_signal")  # a heartbeat before the campaign, with no key
        assert [e.action for e in entries] == expected
        assert (
            list(AuditEntry.objects.filter(target_type="licensing.licence", target_id=str(licence.pk)))
            == entries
        )
        last = entries[-1]
        assert last.before["status"] == case.licence_status
        assert last.after["status"] == licence.status == "revoked"
        assert last.reason == f"Inactivity campaign {campaign.number}: no activity within the grace period."
        assert last.basis == BASIS_DEFAULT == campaign.basis
        assert last.actor_label == "user:" + last.actor.get_username()
        steps = [e.action for e in proceeding_timeline(proceeding=case.proceeding)]
        assert steps == ["proceeding.open", "proceeding.enforce"]
    assert audit_chain_verify().intact


def test_the_acceptance_flow_in_small(network, sms_log):
    # given the dry run
    dry_run = {c.number for c in inactive_licence_candidates(criteria=InactivityCriteria(), scope={})}
    # when a zero-day campaign starts, one office connects at once, and the campaign is concluded
    campaign = _start(grace_days=0)
    cases = set(CampaignCase.objects.filter(campaign=campaign).values_list("licence__number", flat=True))
    office_key(network.isfahan)
    heartbeat_record(office=network.isfahan, terminal_id="T-9", software_version="1.0")
    became_active = {licence_in_force_for_office(office=network.isfahan).number}
    campaign_conclude(campaign=campaign, actor=REGULATOR)

    # then the cases were the dry run, and exactly those not become active were revoked
    revoked = set(
        Licence.objects.filter(status="revoked", ended_at__gte=campaign.started_at).values_list(
            "number", flat=True
        )
    )
    assert cases == dry_run
    assert revoked == dry_run - became_active
    assert inactive_licence_candidates(criteria=InactivityCriteria(), scope={}) == []  # none left


def test_no_licence_is_revoked_before_its_notice_went_out(network, sms_log, settings):
    # given a campaign whose SMS cannot be sent (the provider is down)
    settings.PISHKHAN_SMS_BACKEND = "tests.supervision.test_campaigns.FailingSms"
    campaign = _start(grace_days=0)

    # when it is concluded, nothing is decided and it stays open
    done = campaign_conclude(campaign=campaign, actor=REGULATOR)
    assert (done.decided, done.waiting, done.campaign.status) == (0, 4, "noticed")
    assert set(_outcomes(campaign).values()) == {"pending"}

    # when the provider is back, the next conclusion sends the notices and decides
    settings.PISHKHAN_SMS_BACKEND = "log"
    done = campaign_conclude(campaign=campaign, actor=REGULATOR)
    assert (done.decided, done.campaign.status) == (4, "closed")
    assert len(_messages(sms_log)) == 4


def test_an_office_without_a_mobile_on_record_is_served_in_the_application_only(network, sms_log):
    from pishkhan.offices.models import Operator

    Operator.objects.filter(office=network.silent).delete()  # (the registry lost it: a test's doing)
    campaign = _start(grace_days=0)

    campaign_notices_send(now=timezone.now())

    case = _case(campaign, network.silent)
    assert case.notice_sent_at is not None
    assert case.notice_to == ""
    assert len(_messages(sms_log)) == 3


def test_a_case_waits_while_its_appeal_awaits_a_decision_then_is_revoked_once_refused(network, sms_log):
    campaign = _start(grace_days=2)
    case_appeal_lodge(case=_case(campaign, network.silent), statement="اعتراض دارم", actor="holder")
    later = timezone.now() + dt.timedelta(days=3)

    done = campaign_conclude(campaign=campaign, actor=REGULATOR, now=later)

    assert (done.decided, done.waiting, done.campaign.status) == (3, 1, "noticed")
    assert _case(campaign, network.silent).outcome == "pending"
    case_appeal_decide(case=_case(campaign, network.silent), accepted=False, reason="رد شد", actor=REGULATOR)
    done = campaign_conclude(campaign=campaign, actor=REGULATOR, now=later)
    assert (done.decided, done.campaign.status) == (1, "closed")
    assert _case(campaign, network.silent).outcome == "revoked"


def test_a_licence_that_ended_otherwise_meanwhile_is_closed_as_ended(network, sms_log):
    campaign = _start(grace_days=0)
    licence = licence_in_force_for_office(office=network.isfahan)
    licence_revoke(licence=licence, reason="تخلف", basis="ماده ۱۰", actor=REGULATOR)

    campaign_conclude(campaign=campaign, actor=REGULATOR)

    case = _case(campaign, network.isfahan)
    assert (case.outcome, case.proceeding.status) == ("ended", "dropped")
    assert [e.action for e in licence_timeline(licence=licence)].count("licence.revoke") == 1


def test_a_decided_appeal_or_case_cannot_be_decided_again(network, sms_log):
    campaign = _start(grace_days=5)
    case = _case(campaign, network.silent)
    case_appeal_decide(case=case, accepted=True, reason="پذیرفته شد", actor=REGULATOR)

    with pytest.raises(Exception) as refused:  # noqa: PT011 (a ConflictError, asserted below)
        case_appeal_decide(case=case, accepted=False, reason="دوباره", actor=REGULATOR)
    assert refused.value.status == 409


def test_the_worker_sends_the_notices_and_concludes_once_the_grace_period_is_over(network, sms_log):
    campaign = _start(grace_days=0)
    job = Job(
        name="supervision.campaigns",
        path="pishkhan.supervision.tasks.campaigns_advance",
        every=dt.timedelta(60),
    )

    ran = run_once([job])
    ran += run_once([job])

    assert [outcome for _job, outcome in ran] == [4 + 4, 0]  # four notices, four cases; then nothing
    campaign.refresh_from_db()
    assert campaign.status == "closed"
    assert len(_messages(sms_log)) == 4
