"""Agencies' monthly in-person visit reports: checked whole, upserted per month and province."""

import pytest
from django.utils import timezone

from pishkhan.audit.selectors import audit_entry_list_for_target
from pishkhan.catalogue import selectors, services
from pishkhan.catalogue.models import VisitReport
from pishkhan.catalogue.services import VisitRow
from pishkhan.common.calendar import jalali_date
from pishkhan.common.errors import ValidationError


def _rows(*figures):
    return [VisitRow(jalali_year=y, jalali_month=m, province=p, visits=v) for y, m, p, v in figures]


def test_visits_are_recorded_per_month_and_province(geo_loaded, sabt):
    result = services.visit_reports_submit(
        agency=sabt, rows=_rows((1403, 1, "23", 52_000), (1403, 1, "۰۸", 11_000)), actor="apikey:abcd1234"
    )

    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    reports = selectors.visit_report_list(agency="sabt")
    assert [(r.province.code, r.visits, r.reported_by) for r in reports] == [
        ("08", 11_000, "apikey:abcd1234"),
        ("23", 52_000, "apikey:abcd1234"),
    ]


def test_a_month_reported_again_is_replaced_and_the_old_figure_kept_in_the_audit(geo_loaded, sabt):
    services.visit_reports_submit(
        agency=sabt, rows=_rows((1403, 1, "23", 52_000), (1403, 2, "23", 60_000)), actor=None
    )

    result = services.visit_reports_submit(
        agency=sabt,
        rows=_rows((1403, 1, "23", 50_000), (1403, 2, "23", 60_000), (1403, 3, "23", 61_000)),
        actor=None,
    )

    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    assert VisitReport.objects.get(jalali_year=1403, jalali_month=1).visits == 50_000
    entry = audit_entry_list_for_target(target=sabt).last()
    assert entry.action == "visits.submit"
    assert entry.before == {"rows": [[1403, 1, "23", 52_000]]}
    assert entry.after["rows"] == [[1403, 3, "23", 61_000], [1403, 1, "23", 50_000]]


def test_one_bad_row_refuses_the_whole_submission_naming_the_row(geo_loaded, sabt):
    with pytest.raises(ValidationError) as refused:
        services.visit_reports_submit(
            agency=sabt,
            rows=_rows((1403, 1, "23", 52_000), (1403, 13, "23", 1), (1403, 2, "99", 5), (1403, 3, "23", -4)),
            actor=None,
        )

    assert set(refused.value.fields) == {"rows[1].jalali_month", "rows[2].province", "rows[3].visits"}
    assert not VisitReport.objects.exists()


def test_a_month_that_has_not_begun_cannot_be_reported(geo_loaded, sabt):
    now = jalali_date(timezone.localdate())
    next_month = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)

    with pytest.raises(ValidationError) as refused:
        services.visit_reports_submit(agency=sabt, rows=_rows((*next_month, "23", 1)), actor=None)

    assert "rows[0].jalali_month" in refused.value.fields or "rows[0].jalali_year" in refused.value.fields


def test_the_same_month_and_province_twice_in_one_submission_is_refused(geo_loaded, sabt):
    with pytest.raises(ValidationError) as refused:
        services.visit_reports_submit(
            agency=sabt, rows=_rows((1403, 1, "23", 1), (1403, 1, "23", 2)), actor=None
        )

    assert "rows[1]" in refused.value.fields


def test_an_empty_submission_is_refused(geo_loaded, sabt):
    with pytest.raises(ValidationError) as refused:
        services.visit_reports_submit(agency=sabt, rows=[], actor=None)

    assert "rows" in refused.value.fields


def test_rows_may_be_plain_mappings(geo_loaded, sabt):
    row = {"jalali_year": 1403, "jalali_month": 5, "province": "23", "visits": 7}

    assert services.visit_reports_submit(agency=sabt, rows=[row], actor=None).created == 1
