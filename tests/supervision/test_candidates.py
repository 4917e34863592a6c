"""The candidates of a campaign: which licences meet each criterion, with what evidence, in whose view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pishkhan.catalogue.models import Agency
from pishkhan.common.errors import ValidationError
from pishkhan.licensing.selectors import licence_in_force_for_office
from pishkhan.licensing.services import proceeding_open
from pishkhan.supervision.criteria import InactivityCriteria
from pishkhan.supervision.selectors import candidates_by_province, inactive_licence_candidates
from tests.licensing.factories import imported
from tests.offices.factories import make_agency, make_office, make_service
from tests.supervision.conftest import days_ago, past_transaction, priced


def _found(criteria=None, scope=None):
    found = inactive_licence_candidates(criteria=criteria or InactivityCriteria(), scope=scope or {})
    return {candidate.office_code: candidate for candidate in found}


def test_each_criterion_finds_its_licences_and_nothing_else(network):
    found = _found()

    assert {code: c.criterion for code, c in found.items()} == network.candidates


def test_the_evidence_is_what_the_counter_and_the_registry_hold(network):
    found = _found()
    today = timezone.localdate()

    never = found[network.never.code]
    assert (never.status, never.issued_on, never.activated_at) == (
        "issued",
        today - dt.timedelta(days=120),
        None,
    )
    assert never.days_idle == 120
    assert never.last_transaction_at is None
    assert abs(never.last_heartbeat_at - days_ago(5)) < dt.timedelta(minutes=1)
    assert (never.province_code, never.county_code) == ("23", "2301")
    assert never.number.startswith("L-23-")

    idle = found[network.idle.code]
    assert idle.status == "active"
    assert abs(idle.last_transaction_at - days_ago(200)) < dt.timedelta(minutes=1)
    assert idle.days_idle in (199, 200, 201)  # a calendar-day count, whatever the hour
    assert abs(idle.last_heartbeat_at - days_ago(3)) < dt.timedelta(minutes=1)

    silent = found[network.silent.code]
    assert silent.last_transaction_at is None
    assert silent.days_idle in (299, 300, 301)  # idle since its activation
    assert silent.last_heartbeat_at is None


def test_the_days_of_each_criterion_move_the_line(network):
    assert set(_found(InactivityCriteria(never_activated_days=20, idle_days=5))) == {
        network.never.code,
        network.fresh.code,
        network.isfahan.code,
        network.idle.code,
        network.busy.code,
        network.silent.code,
        network.newcomer.code,
    }
    assert set(_found(InactivityCriteria(never_activated_days=150, idle_days=250))) == {
        network.isfahan.code,
        network.silent.code,
    }


def test_zero_turns_a_criterion_off_and_both_off_is_refused(network):
    assert set(_found(InactivityCriteria.of(idle_days=0))) == {network.never.code, network.isfahan.code}
    assert set(_found(InactivityCriteria.of(never_activated_days="۰"))) == {
        network.idle.code,
        network.silent.code,
    }
    with pytest.raises(ValidationError) as refused:
        InactivityCriteria.of(never_activated_days=0, idle_days=0)
    assert set(refused.value.fields) == {"never_activated_days", "idle_days"}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"never_activated_days": -1}, "never_activated_days"),
        ({"idle_days": "ninety"}, "idle_days"),
        ({"idle_days": 99999}, "idle_days"),
        ({"province": "2"}, "province"),
    ],
)
def test_bad_criteria_are_refused_naming_the_field(values, field):
    with pytest.raises(ValidationError) as refused:
        InactivityCriteria.of(**values)
    assert field in refused.value.fields


def test_a_directorate_sees_its_province_and_the_regulator_all(network):
    assert set(_found(scope={"province": "23"})) == set(network.candidates) - {network.isfahan.code}
    assert set(_found(scope={"province": "10"})) == {network.isfahan.code}
    assert set(_found(scope={})) == set(network.candidates)
    assert _found(scope={"office": network.never.code}) == {}  # an office is no supervisor
    assert inactive_licence_candidates(criteria=InactivityCriteria(), scope=None) == []


def test_the_criteria_may_name_one_province(network):
    assert set(_found(InactivityCriteria(province="10"))) == {network.isfahan.code}
    assert _found(InactivityCriteria(province="10"), scope={"province": "23"}) == {}


def test_a_licence_already_under_an_open_proceeding_is_not_listed_again(network):
    licence = licence_in_force_for_office(office=network.silent)
    proceeding_open(
        licence=licence, ground="بازرسی", respond_by=timezone.now() + dt.timedelta(days=1), actor=None
    )

    assert network.silent.code not in _found()


def test_candidates_are_counted_per_province_and_criterion(network):
    rows = candidates_by_province(inactive_licence_candidates(criteria=InactivityCriteria(), scope={}))

    assert [(row.province_code, row.never_activated, row.idle, row.total) for row in rows] == [
        ("10", 1, 0, 1),
        ("23", 1, 2, 3),
    ]


def test_the_candidates_are_two_queries(network, django_assert_num_queries):
    # where the counter's records begin, then the candidates with their evidence
    with django_assert_num_queries(2):
        found = inactive_licence_candidates(criteria=InactivityCriteria(), scope={"province": "23"})
    assert len(found) == 3


def test_idleness_is_claimed_only_as_far_back_as_the_counters_records_reach(geo_loaded):
    # given an office active for a year and a counter whose records began 20 days ago
    make_agency()
    quiet, other = make_office(1), make_office(2)
    for office in (quiet, other):
        imported(
            office,
            status="active",
            issued_on=timezone.localdate() - dt.timedelta(days=400),
            first_signal_at=days_ago(390),
        )
    priced(make_service(Agency.objects.get(), "pension-statement"))
    past_transaction(other, days_ago(20), "FIRST")

    # then 180 idle days cannot be shown, and with 10 days the idleness counts from the records' start
    assert _found(InactivityCriteria(never_activated_days=0, idle_days=180)) == {}
    found = _found(InactivityCriteria(never_activated_days=0, idle_days=10))
    assert set(found) == {quiet.code, other.code}  # the other's one transaction is 20 days old
    assert found[quiet.code].last_transaction_at is None
    assert found[quiet.code].days_idle in (19, 20, 21)  # not 390: the records say nothing earlier
