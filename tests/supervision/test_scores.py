"""Offices' monthly scores: components as a registry, weights as data, every office computed at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pishkhan.audit.models import AuditEntry
from pishkhan.common.errors import ValidationError
from pishkhan.offices.services import office_serving_set
from pishkhan.supervision import scores as registry
from pishkhan.supervision import selectors
from pishkhan.supervision.models import OfficeScore, ScoreMonth, ScoreWeight
from pishkhan.supervision.scores import (
    JalaliMonth,
    score_component_register,
    score_component_unregister,
    score_components,
)
from pishkhan.supervision.services import (
    complaint_close,
    complaint_review,
    complaint_submit,
    score_weights_set,
    scores_compute,
    scores_compute_due,
)
from pishkhan.supervision.tasks import scores_compute as scores_job
from pishkhan.transactions.services import HistoryRow, transactions_history_import
from tests.offices.factories import make_agency, make_offices, make_service, national_id, office_draft
from tests.supervision.conftest import SERVICE, priced

MONTH = JalaliMonth(1405, 8)  # Aban 1405: 23 October – 21 November 2026
IN_MONTH = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
AFTER = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)  # in Azar 1405
TARIFF = 650_000
REGISTERED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def offices(geo_loaded):
    priced(make_service(make_agency("tamin"), SERVICE, kinds=("pishkhan",)))
    return _offices(1, 2, 3)


def _offices(*numbers):
    """Pishkhan offices registered at the start of 2026, licensed and serving."""
    return make_offices([office_draft(n, created_at=REGISTERED) for n in numbers])


@pytest.fixture(autouse=True)
def _registry_restored():
    """The components as ``apps.py`` registered them, again after each test that changed them."""
    before = score_components()
    yield
    for code in score_components():
        score_component_unregister(code)
    for code, fn in before.items():
        score_component_register(code, fn)


def _only(*codes):
    """Keep only these components registered (for this test)."""
    for code in set(score_components()) - set(codes):
        score_component_unregister(code)


@pytest.fixture
def extra_components():
    """Register a component for one test (forgotten after it)."""
    return score_component_register


def _transactions(office, *fees, at=IN_MONTH):
    transactions_history_import(
        rows=[
            HistoryRow(
                office=office,
                service=SERVICE,
                national_id=national_id(4242),
                mobile="09120000000",
                fee_charged=fee,
                office_reference=f"{office.code}-{n}-{at:%j}",
                state="completed",
                recorded_at=at,
                submitted_at=at + dt.timedelta(minutes=1),
                finished_at=at + dt.timedelta(minutes=2),
                received_at=at,
            )
            for n, fee in enumerate(fees)
        ],
        actor=None,
    )


def _closed_complaint(office, outcome="upheld"):
    complaint = complaint_submit(office_code=office.code, category="conduct", description="رفتار نامناسب")
    complaint_review(complaint=complaint, actor="cra")
    return complaint_close(complaint=complaint, reason="تذکر داده شد", outcome=outcome, actor="cra")


def test_a_jalali_month_runs_from_tehran_midnight_to_the_next_months():
    assert MONTH.start == dt.datetime(2026, 10, 22, 20, 30, tzinfo=dt.UTC)
    assert MONTH.end == dt.datetime(2026, 11, 21, 20, 30, tzinfo=dt.UTC)
    assert JalaliMonth.parse("۱۴۰۵/۸") == MONTH
    assert JalaliMonth.of(AFTER).code == "1405-09"
    assert JalaliMonth(1405, 12).next() == JalaliMonth(1406, 1)


@pytest.mark.parametrize("text", ["", "1405", "1405-13", "14050-1", "next month"])
def test_a_malformed_month_is_refused(text):
    with pytest.raises(ValidationError) as refused:
        JalaliMonth.parse(text)
    assert "month" in refused.value.fields


def test_overcharges_lower_a_score_and_the_breakdown_says_by_how_much(offices):
    clean, overcharging, _quiet = offices
    _only("overcharges", "complaints_upheld")
    _transactions(clean, TARIFF, TARIFF)
    _transactions(overcharging, TARIFF + 50_000, TARIFF + 10_000, TARIFF)
    _transactions(overcharging, TARIFF + 50_000, at=MONTH.end + dt.timedelta(hours=1))  # next month

    done = scores_compute(month=MONTH, actor="cra", now=AFTER)

    assert (done.offices, done.final) == (3, True)
    assert set(done.missing) == {"inspections", "alerts", "availability", "ratings"}
    got = {s.office.code: s for s in OfficeScore.objects.filter(year=1405, month=8).select_related("office")}
    low = got[overcharging.code]
    # Counted: complaints (25) and overcharges (20); 2 overcharges at 10 points each: 80 of 100.
    assert low.breakdown["overcharges"] == {
        "status": "scored",
        "weight": 20,
        "figure": 2.0,
        "points": 80.0,
        "share": pytest.approx(44.4),
        "lost": pytest.approx(8.9),
    }
    assert low.breakdown["inspections"]["status"] == "not_registered"
    assert low.score == pytest.approx(91.1)
    assert got[clean.code].score == 100.0
    assert (got[clean.code].rank, got[_quiet.code].rank, low.rank) == (1, 1, 3)
    assert ScoreMonth.objects.get(year=1405, month=8).final


def test_complaints_closed_as_upheld_count_whole_and_partly_upheld_half(offices):
    _closed_complaint(offices[0])
    _closed_complaint(offices[0], outcome="partly_upheld")
    _closed_complaint(offices[1], outcome="not_upheld")

    scores_compute(month=JalaliMonth.of(AFTER), actor="cra", now=AFTER + dt.timedelta(days=1))

    score = OfficeScore.objects.get(office=offices[0])
    assert score.breakdown["complaints_upheld"]["figure"] == 1.5
    assert score.breakdown["complaints_upheld"]["points"] == 70.0
    assert not score.final
    assert OfficeScore.objects.get(office=offices[1]).breakdown["complaints_upheld"]["points"] == 100.0


def test_a_component_without_a_figure_for_an_office_leaves_its_weight_to_the_others(
    offices, extra_components
):
    measured, unmeasured, _ = offices
    _only("overcharges", "complaints_upheld")
    extra_components("inspections", lambda *, start, end: {measured.pk: 40.0})
    extra_components("availability", lambda *, start, end: {measured.pk: 0.5, unmeasured.pk: 1.0})

    scores_compute(month=MONTH, actor="cra", now=AFTER)

    one = OfficeScore.objects.get(office=measured)
    other = OfficeScore.objects.get(office=unmeasured)
    # weights 25 + 20 + 20 + 20 = 85: complaints 100, inspections 40, availability 50, overcharges 100.
    assert one.score == pytest.approx((25 * 100 + 20 * 40 + 20 * 50 + 20 * 100) / 85, abs=0.05)
    assert other.breakdown["inspections"]["status"] == "no_data"
    assert other.score == 100.0
    lines = selectors.score_breakdown(one)
    assert [line.component for line in lines][:2] == ["inspections", "availability"]  # what cost most first
    assert sum(line.lost for line in lines) == pytest.approx(100 - one.score, abs=0.2)


def test_offices_that_never_served_are_not_scored(offices):
    office_serving_set(office=offices[2], hold="unlicensed", actor="cra")

    done = scores_compute(month=MONTH, actor="cra", now=AFTER)

    assert done.offices == 2
    assert not OfficeScore.objects.filter(office=offices[2]).exists()


def test_a_month_not_begun_is_refused_and_nothing_is_written(offices):
    with pytest.raises(ValidationError):
        scores_compute(month=JalaliMonth(1406, 1), actor="cra", now=AFTER)
    assert not OfficeScore.objects.exists()
    assert not ScoreMonth.objects.exists()


def test_recomputing_replaces_the_months_rows_and_audits_each_computation(offices):
    scores_compute(month=MONTH, actor="cra", now=AFTER)
    _transactions(offices[0], TARIFF + 1)

    scores_compute(month=MONTH, actor="cra", now=AFTER)

    assert OfficeScore.objects.filter(year=1405, month=8).count() == 3
    assert OfficeScore.objects.get(office=offices[0]).breakdown["overcharges"]["figure"] == 1.0
    entries = AuditEntry.objects.filter(action="scores.compute")
    assert entries.count() == 2
    assert entries.last().after["month"] == "1405-08"


def test_the_computation_reads_in_bulk_whatever_the_number_of_offices(geo_loaded):
    _offices(1, 2, 3)
    scores_compute(month=MONTH, actor="cra", now=AFTER)  # the month's first computation creates its row
    with CaptureQueriesContext(connection) as few:
        scores_compute(month=MONTH, actor="cra", now=AFTER)
    _offices(*range(4, 14))
    with CaptureQueriesContext(connection) as many:
        scores_compute(month=MONTH, actor="cra", now=AFTER)

    assert OfficeScore.objects.count() == 13
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_job_closes_the_previous_month_and_computes_this_one_once_a_day(offices):
    first = scores_job(now=AFTER)
    again = scores_job(now=AFTER + dt.timedelta(hours=2))
    next_day = scores_compute_due(now=AFTER + dt.timedelta(days=1), actor="worker")

    assert first == 2
    assert again == 0
    assert [done.month.code for done in next_day] == ["1405-09"]
    months = {(m.year, m.month): m.final for m in ScoreMonth.objects.all()}
    assert months == {(1405, 8): True, (1405, 9): False}


def test_weights_are_changed_by_the_regulator_and_audited(geo_loaded):
    score_weights_set(changes={"overcharges": {"weight": 40, "per_unit": 25}}, actor="cra")

    row = ScoreWeight.objects.get(component="overcharges")
    assert (row.weight, row.per_unit, row.updated_by) == (40, 25.0, "cra")
    entry = AuditEntry.objects.get(action="score_weight.set")
    assert (entry.before["weight"], entry.after["weight"]) == (20, 40)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"overcharges": {"weight": 101}}, "overcharges-weight"),
        ({"overcharges": {"weight": 2.5}}, "overcharges-weight"),
        ({"alerts": {"per_unit": -1}}, "alerts-per_unit"),
        ({"alerts": {"cap": "lots"}}, "alerts-cap"),
        ({"alerts": {"method": "vibes"}}, "alerts-method"),
        ({"bribes": {"weight": 5}}, "bribes-weight"),
    ],
)
def test_a_weight_out_of_range_is_refused_and_nothing_changes(geo_loaded, changes, field):
    before = list(ScoreWeight.objects.order_by("id").values())

    with pytest.raises(ValidationError) as refused:
        score_weights_set(changes={"complaints_upheld": {"weight": 30}, **changes}, actor="cra")

    assert field in refused.value.fields
    assert refused.value.fields[field][0].startswith(("A ", "Unknown"))  # a sentence, not a list shown
    assert list(ScoreWeight.objects.order_by("id").values()) == before


def test_all_weights_at_zero_is_refused(geo_loaded):
    with pytest.raises(ValidationError):
        score_weights_set(
            changes={code: {"weight": 0} for code in registry.ScoreComponent.values}, actor="cra"
        )
    assert ScoreWeight.objects.filter(weight__gt=0).count() == 6


def test_the_command_computes_a_month_and_refuses_a_malformed_one(offices, capsys):
    call_command("supervision_scores_compute", "--month", "1405-08")

    assert "1405-08: 3 offices scored (final)." in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("supervision_scores_compute", "--month", "1405-13")
