"""Converting parallel and ICT offices into Pishkhan offices: every transition pair, deadlines, the board."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from pishkhan.audit.models import AuditEntry
from pishkhan.common.errors import ConflictError, TransitionError, ValidationError
from pishkhan.offices.models import Conversion, Office
from pishkhan.offices.selectors import conversion_board, conversion_list
from pishkhan.offices.services import (
    CONVERSION_DEADLINE,
    ConversionDraft,
    conversion_decide,
    conversion_request,
    conversion_review,
    conversions_create_many,
    conversions_mark_overdue,
    office_set_status,
)
from pishkhan.offices.states import CONVERSION_TRANSITIONS, ConversionState
from tests.offices.factories import DAMAVAND_COUNTY, RUDEHEN_CITY, make_agency, make_office

NOW = dt.datetime(2025, 1, 15, 9, 0, tzinfo=dt.UTC)
STATES = ConversionState.values


def _parallel_office(n=1, kind="social_security", organisation=None):
    return make_office(n, kind=kind, organisation=organisation)


def test_request_starts_the_legal_deadline(geo_loaded):
    office = _parallel_office()

    conversion = conversion_request(office=office, reason="قانون ۱۳۸۸", actor="directorate:23", now=NOW)

    assert (conversion.state, conversion.from_kind, conversion.to_kind) == (
        "requested",
        "social_security",
        "pishkhan",
    )
    assert conversion.deadline == NOW + CONVERSION_DEADLINE == NOW + dt.timedelta(days=180)
    assert conversion.requested_by == "directorate:23"
    assert AuditEntry.objects.filter(action="conversion.request").count() == 1


def test_an_office_already_pishkhan_cannot_be_converted_and_nothing_is_written(geo_loaded):
    office = make_office(1)  # a Pishkhan office
    audit_before = AuditEntry.objects.count()

    with pytest.raises(ConflictError) as refused:
        conversion_request(office=office, actor=None)

    assert refused.value.status == 409
    assert "already a Pishkhan office" in refused.value.detail
    assert Conversion.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_a_second_open_conversion_is_refused(geo_loaded):
    office = _parallel_office()
    conversion_request(office=office, actor=None, now=NOW)

    with pytest.raises(ConflictError):
        conversion_request(office=office, actor=None, now=NOW)

    assert Conversion.objects.count() == 1


def test_after_a_refusal_a_new_request_may_follow(geo_loaded):
    office = _parallel_office()
    first = conversion_request(office=office, actor=None, now=NOW)
    conversion_decide(conversion=first, outcome="refused", reason="کمبود فضا", actor=None, now=NOW)

    second = conversion_request(office=office, actor=None, now=NOW + dt.timedelta(days=1))

    assert second.state == "requested"


def test_a_closed_office_cannot_be_converted(geo_loaded):
    office = _parallel_office()
    office_set_status(office=office, status="closed", actor=None)

    with pytest.raises(ConflictError):
        conversion_request(office=office, actor=None)


def test_converted_makes_the_office_pishkhan_and_keeps_its_code(geo_loaded):
    office = make_office(1, kind="ict", county=DAMAVAND_COUNTY, place=RUDEHEN_CITY)
    conversion = conversion_request(office=office, actor=None, now=NOW)
    conversion_review(conversion=conversion, actor=None, now=NOW)

    decided = conversion_decide(
        conversion=conversion, outcome="converted", basis="مصوبه", actor="cra", now=NOW
    )

    office.refresh_from_db()
    assert (office.kind, office.code) == ("pishkhan", "R23-0001")
    assert (decided.state, decided.decided_at, decided.decided_by) == ("converted", NOW, "cra")
    assert AuditEntry.objects.get(action="office.convert").after == "pishkhan"


def test_a_refusal_needs_a_reason(geo_loaded):
    conversion = conversion_request(office=_parallel_office(), actor=None, now=NOW)

    with pytest.raises(ValidationError) as refused:
        conversion_decide(conversion=conversion, outcome="refused", reason="  ", actor=None)

    assert list(refused.value.fields) == ["reason"]
    conversion.refresh_from_db()
    assert conversion.state == "requested"


def test_an_unknown_outcome_is_refused(geo_loaded):
    conversion = conversion_request(office=_parallel_office(), actor=None, now=NOW)

    with pytest.raises(ValidationError):
        conversion_decide(conversion=conversion, outcome="overdue", reason="x", actor=None)


def _conversion_in(state):
    """A conversion brought to ``state`` the way the rules allow (recorded with its history)."""
    office = _parallel_office()
    requested_at = NOW - dt.timedelta(days=200) if state == "overdue" else NOW - dt.timedelta(days=10)
    (conversion,) = conversions_create_many(
        rows=[
            ConversionDraft(
                office=office.code,
                state=state,
                requested_at=requested_at,
                decided_at=NOW - dt.timedelta(days=1) if state in ("converted", "refused") else None,
                reason="دلیل",
            )
        ],
        actor=None,
        now=NOW,
    )
    if state == "converted":
        # the office is a Pishkhan office now; for the pair tests only the case's state matters
        Office.objects.filter(pk=office.pk).update(kind="social_security")
    return conversion


def _move(conversion, target):
    if target == "under_review":
        return conversion_review(conversion=conversion, actor=None, now=NOW)
    if target in ("converted", "refused"):
        return conversion_decide(conversion=conversion, outcome=target, reason="دلیل", actor=None, now=NOW)
    raise AssertionError(target)


@pytest.mark.parametrize("source", STATES)
@pytest.mark.parametrize("target", ["under_review", "converted", "refused"])
def test_every_decision_pair_follows_the_table(geo_loaded, source, target):
    conversion = _conversion_in(source)

    if CONVERSION_TRANSITIONS.allows(source, target):
        moved = _move(conversion, target)
        assert moved.state == target
    else:
        with pytest.raises(TransitionError) as refused:
            _move(conversion, target)
        assert refused.value.status == 409
        conversion.refresh_from_db()
        assert conversion.state == source


@pytest.mark.parametrize("source", STATES)
def test_overdue_marking_follows_the_table(geo_loaded, source):
    conversion = _conversion_in(source)
    Conversion.objects.filter(pk=conversion.pk).update(deadline=NOW - dt.timedelta(days=1))

    marked = conversions_mark_overdue(now=NOW, actor=None)

    conversion.refresh_from_db()
    expected = "overdue" if CONVERSION_TRANSITIONS.allows(source, "overdue") else source
    assert conversion.state == expected
    assert marked == (1 if source in ("requested", "under_review") else 0)


def test_the_transition_table():
    assert sorted(CONVERSION_TRANSITIONS.pairs()) == [
        ("overdue", "converted"),
        ("overdue", "refused"),
        ("requested", "overdue"),
        ("requested", "refused"),
        ("requested", "under_review"),
        ("under_review", "converted"),
        ("under_review", "overdue"),
        ("under_review", "refused"),
    ]


def test_the_loser_of_two_decisions_gets_a_conflict(geo_loaded):
    conversion = conversion_request(office=_parallel_office(), actor=None, now=NOW)
    conversion_review(conversion=conversion, actor=None, now=NOW)
    stale = Conversion.objects.get(pk=conversion.pk)  # what the second decider loaded

    conversion_decide(conversion=conversion, outcome="converted", actor="first", now=NOW)
    with pytest.raises(TransitionError) as refused:
        conversion_decide(conversion=stale, outcome="refused", reason="دیر", actor="second", now=NOW)

    assert refused.value.status == 409
    stale.refresh_from_db()
    assert (stale.state, stale.decided_by) == ("converted", "first")


def test_only_conversions_past_their_deadline_become_overdue(geo_loaded):
    late = conversion_request(office=_parallel_office(1), actor=None, now=NOW - dt.timedelta(days=181))
    on_time = conversion_request(office=_parallel_office(2), actor=None, now=NOW - dt.timedelta(days=179))

    assert conversions_mark_overdue(now=NOW, actor="scheduler") == 1

    late.refresh_from_db()
    on_time.refresh_from_db()
    assert (late.state, on_time.state) == ("overdue", "requested")
    assert AuditEntry.objects.filter(action="conversion.mark_overdue").count() == 1
    assert conversions_mark_overdue(now=NOW, actor="scheduler") == 0


def test_an_overdue_conversion_may_still_be_decided_late(geo_loaded):
    conversion = conversion_request(office=_parallel_office(), actor=None, now=NOW - dt.timedelta(days=200))
    conversions_mark_overdue(now=NOW, actor=None)

    conversion = conversion_decide(conversion=conversion, outcome="converted", actor=None, now=NOW)

    assert conversion.state == "converted"


def test_the_overdue_command(geo_loaded):
    conversion = conversion_request(
        office=_parallel_office(), actor=None, now=timezone.now() - dt.timedelta(days=181)
    )
    out = io.StringIO()

    call_command("conversions_mark_overdue", stdout=out)

    conversion.refresh_from_db()
    assert conversion.state == "overdue"
    assert out.getvalue().strip() == "1 conversion(s) marked overdue"


def test_create_many_records_every_state_and_converts_offices(geo_loaded):
    offices = [_parallel_office(n) for n in range(1, 6)]
    history = [
        ("requested", 10, None),
        ("under_review", 20, None),
        ("converted", 100, 30),
        ("refused", 90, 40),
        ("overdue", 250, None),
    ]
    rows = [
        ConversionDraft(
            office=office.code,
            state=state,
            requested_at=NOW - dt.timedelta(days=ago),
            decided_at=NOW - dt.timedelta(days=decided) if decided else None,
            reason="دلیل",
        )
        for office, (state, ago, decided) in zip(offices, history, strict=True)
    ]

    created = conversions_create_many(rows=rows, actor="demo", now=NOW)

    assert [c.state for c in created] == ["requested", "under_review", "converted", "refused", "overdue"]
    assert Office.objects.get(pk=offices[2].pk).kind == "pishkhan"
    assert Office.objects.filter(kind="social_security").count() == 4
    assert AuditEntry.objects.filter(action="conversion.record").count() == 5


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"state": "overdue", "requested_at": NOW - dt.timedelta(days=10)}, "state"),  # not yet past deadline
        ({"state": "converted"}, "decided_at"),
        ({"state": "refused", "decided_at": NOW, "reason": ""}, "reason"),
        ({"state": "limbo"}, "state"),
        ({"requested_at": NOW + dt.timedelta(days=1)}, "requested_at"),
        ({"state": "refused", "decided_at": NOW - dt.timedelta(days=30)}, "decided_at"),  # before the request
        ({"office": "S23-9999"}, "office"),
        (
            {"state": "under_review", "reviewed_at": NOW + dt.timedelta(days=3)},
            "reviewed_at",
        ),  # in the future
        (
            {
                "state": "converted",
                "reviewed_at": NOW - dt.timedelta(days=2),
                "decided_at": NOW - dt.timedelta(days=5),
            },
            "reviewed_at",
        ),
    ],
)
def test_create_many_refuses_impossible_histories(geo_loaded, row, field):
    office = _parallel_office()
    values = {
        "office": office.code,
        "state": "requested",
        "requested_at": NOW - dt.timedelta(days=20),
        "reason": "x",
    }

    with pytest.raises(ValidationError) as refused:
        conversions_create_many(rows=[ConversionDraft(**(values | row))], actor=None, now=NOW)

    assert list(refused.value.fields) == [f"rows[0].{field}"]
    assert Conversion.objects.count() == 0


def test_create_many_refuses_a_pishkhan_office_and_two_open_cases(geo_loaded):
    pishkhan = make_office(1)
    parallel = _parallel_office(2)
    past = NOW - dt.timedelta(days=5)

    with pytest.raises(ConflictError):
        conversions_create_many(
            rows=[ConversionDraft(office=pishkhan.code, state="requested", requested_at=past)],
            actor=None,
            now=NOW,
        )
    with pytest.raises(ConflictError) as refused:
        conversions_create_many(
            rows=[ConversionDraft(office=parallel.code, state="requested", requested_at=past)] * 2,
            actor=None,
            now=NOW,
        )
    assert list(refused.value.fields) == ["rows[1].office"]
    assert Conversion.objects.count() == 0


def test_the_board_counts_per_organisation_and_kind(geo_loaded):
    make_agency("tamin")
    make_agency("salamat", name_en="Iran Health Insurance Organization")
    tamin = [_parallel_office(n, organisation="tamin") for n in range(1, 7)]
    salamat = [_parallel_office(n, kind="health_insurance", organisation="salamat") for n in range(7, 9)]
    days = dt.timedelta(days=1)
    cases = [
        (tamin[0], "converted", 50, NOW),
        (tamin[1], "requested", 10, None),
        (tamin[2], "under_review", 190, None),  # past its deadline, not yet marked
        (tamin[3], "overdue", 300, None),
        (tamin[4], "refused", 60, NOW),
        (salamat[0], "requested", 3, None),
    ]
    conversions_create_many(
        rows=[
            ConversionDraft(
                office=o.code, state=state, requested_at=NOW - ago * days, decided_at=decided, reason="x"
            )
            for o, state, ago, decided in cases
        ],
        actor=None,
        now=NOW,
    )

    board = {(row.organisation_code, row.kind): row for row in conversion_board(now=NOW)}

    assert set(board) == {("tamin", "social_security"), ("salamat", "health_insurance")}
    row = board[("tamin", "social_security")]
    assert (row.remaining, row.converted, row.pending, row.overdue, row.refused) == (5, 1, 1, 2, 1)
    assert row.organisation_name_en == "Social Security Organization"
    health = board[("salamat", "health_insurance")]
    assert (health.remaining, health.pending, health.converted) == (2, 1, 0)


def test_the_board_and_list_narrow_to_a_province(geo_loaded):
    office = _parallel_office()
    conversion_request(office=office, actor=None, now=NOW)

    assert conversion_board(scope={"province": "10"}, now=NOW) == []
    assert conversion_list(scope={"province": "10"}).count() == 0
    assert conversion_list(scope={"province": "23"}).count() == 1
    assert conversion_list(scope={"office": office.code}).count() == 1
