"""The transition tables of campaigns, their cases and licensing's proceedings, pair by pair."""

from __future__ import annotations

from pishkhan.licensing.states import PROCEEDING_TRANSITIONS, ProceedingStatus
from pishkhan.supervision.states import CAMPAIGN_TRANSITIONS, CASE_TRANSITIONS, CampaignStatus, CaseOutcome


def test_a_campaign_only_closes():
    assert CAMPAIGN_TRANSITIONS.pairs() == [("noticed", "closed")]
    assert set(CAMPAIGN_TRANSITIONS.moves) == set(CampaignStatus.values)


def test_a_case_is_decided_once_from_pending():
    assert sorted(CASE_TRANSITIONS.pairs()) == [
        ("pending", "ended"),
        ("pending", "kept_activity"),
        ("pending", "kept_appeal"),
        ("pending", "revoked"),
    ]
    assert set(CASE_TRANSITIONS.moves) == set(CaseOutcome.values)


def test_a_proceeding_takes_its_measure_only_without_an_appeal_awaiting():
    assert sorted(PROCEEDING_TRANSITIONS.pairs()) == [
        ("appeal_refused", "dropped"),
        ("appeal_refused", "enforced"),
        ("appealed", "appeal_refused"),
        ("appealed", "dropped"),
        ("noticed", "appeal_refused"),
        ("noticed", "appealed"),
        ("noticed", "dropped"),
        ("noticed", "enforced"),
    ]
    assert set(PROCEEDING_TRANSITIONS.moves) == set(ProceedingStatus.values)
    for final in (ProceedingStatus.DROPPED, ProceedingStatus.ENFORCED):
        assert not PROCEEDING_TRANSITIONS.moves[final]
