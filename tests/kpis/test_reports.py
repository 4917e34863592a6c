"""The printable monthly report of a province: the dashboard's figures for a Jalali month, read through
the same selectors; the regulator sees any province, a directorate its own; a bad month is a 400."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from pishkhan.catalogue.services import VisitRow, visit_reports_submit
from pishkhan.common.calendar import jalali_date
from pishkhan.common.errors import ValidationError
from pishkhan.kpis import selectors
from pishkhan.web.dashboards import last_year
from pishkhan.web.reports import report_period
from tests.kpis.tables import page_table
from tests.offices.factories import ISFAHAN_PROVINCE, TEHRAN_PROVINCE
from tests.offices.pages_data import signed_in


def _month() -> str:
    return jalali_date(timezone.localdate()).strftime("%Y-%m")


def _value(page: str, figure: str) -> str:
    return re.search(rf'id="report-{figure}">.*?<dd data-value="([^"]*)"', page, flags=re.S).group(1)


def test_the_report_holds_the_selectors_figures_for_the_month(work):
    year = jalali_date(timezone.localdate()).year
    rows = [VisitRow(year - 1, month, TEHRAN_PROVINCE, 1200) for month in range(1, 13)]
    rows.append(VisitRow(year, 1, TEHRAN_PROVINCE, 900))
    visit_reports_submit(agency=work["agency"], rows=rows, actor=None)
    client = signed_in("cra", "regulator")

    response = client.get(f"/kpis/provinces/{TEHRAN_PROVINCE}/report/", {"month": _month()})

    page = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    jurisdiction = selectors.Jurisdiction("national", {})
    place = selectors.place_resolve(level="province", code=TEHRAN_PROVINCE, jurisdiction=jurisdiction)
    month, period = report_period(_month(), timezone.localdate())
    args = {"place": place, "jurisdiction": jurisdiction, "period": period}
    trips = selectors.trips_measure(**args, by="county", compare=last_year(period))
    service = selectors.service_measure(**args, by="county")
    network = selectors.network_measure(**args)
    visits = selectors.visits_measure(
        place=place, jurisdiction=jurisdiction, year=month.year, through_month=month.month
    )
    assert int(_value(page, "trips")) == trips.trips_avoided == 4
    assert int(_value(page, "completed")) == trips.transactions_completed
    assert int(_value(page, "transactions")) == service.totals.transactions == 6
    assert int(_value(page, "fees")) == service.totals.fees_charged
    assert int(_value(page, "visits")) == visits.totals.visits
    assert float(_value(page, "network")) == pytest.approx(network.per_100k)
    counties = page_table(page, "counties")
    assert {code: int(values[1]) for code, values in counties.items()} == {
        row.code: row.transactions for row in service.by
    }
    assert {code: int(values[6]) for code, values in counties.items()} == {
        row.code: row.trips_avoided for row in trips.by
    }
    targets = page_table(page, "targets")
    assert targets[work["agency"].code][1:3] == ["900", "1200"]
    on_track = re.search(r'data-on-track="(\w+)"', page).group(1)
    assert on_track == ("yes" if visits.totals.on_track else "no")
    assert page_table(page, "outsourcing")[work["agency"].code][4] == "3"  # completed at Tehran's offices
    assert set(page_table(page, "network")) == {row.code for row in network.by}
    assert ' style="' not in page
    assert "<style" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # scripts from files only (the CSP)
    assert "kpis-report.css" in page


def test_the_report_agrees_with_the_dashboard_of_the_same_month(work):
    client = signed_in("tehran-ict", "directorate", TEHRAN_PROVINCE)
    _, period = report_period(_month(), timezone.localdate())
    first = jalali_date(period.first).strftime("%Y/%m/%d")
    last = jalali_date(period.last).strftime("%Y/%m/%d")

    dashboard = client.get(
        f"/kpis/provinces/{TEHRAN_PROVINCE}/", {"period": "custom", "first": first, "last": last}
    ).content.decode()
    report = client.get(f"/kpis/provinces/{TEHRAN_PROVINCE}/report/", {"month": _month()}).content.decode()

    shown = re.search(r'id="kpi-trips">.*?data-value="(\d+)"', dashboard, flags=re.S).group(1)
    assert _value(report, "trips") == shown
    assert page_table(report, "counties") == page_table(dashboard, "services")
    assert (
        f"/kpis/provinces/{TEHRAN_PROVINCE}/report/?month="
        in client.get(f"/kpis/provinces/{TEHRAN_PROVINCE}/").content.decode()
    )


def test_the_report_is_refused_outside_the_jurisdiction(work, client):
    url = f"/kpis/provinces/{ISFAHAN_PROVINCE}/report/"

    assert signed_in("tehran-ict", "directorate", TEHRAN_PROVINCE).get(url).status_code == 404
    assert signed_in("isfahan-ict", "directorate", ISFAHAN_PROVINCE).get(url).status_code == 200
    assert signed_in("tamin-staff", "agency_staff", "tamin").get(url).status_code == 403
    assert signed_in("operator", "office_operator", work["office"].code).get(url).status_code == 404
    assert signed_in("holder", "licensee").get(url).status_code == 403
    assert signed_in("cra", "regulator").get("/kpis/provinces/99/report/").status_code == 404
    assert client.get(url).status_code == 302  # signed out: to the sign-in page


@pytest.mark.parametrize("month", ["1405-13", "abc", "1405-00", "99999-01", "2999-01"])
def test_a_bad_or_future_month_is_a_400(work, month):
    client = signed_in("cra", "regulator")

    response = client.get(f"/kpis/provinces/{TEHRAN_PROVINCE}/report/", {"month": month})

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_a_past_month_has_its_whole_days_and_the_next_month_is_refused():
    today = timezone.localdate()
    now = jalali_date(today)
    earlier = f"{now.year - 1}-12"

    month, period = report_period(earlier, today)

    assert (month.year, month.month) == (now.year - 1, 12)
    assert jalali_date(period.first).day == 1
    assert jalali_date(period.last).month == 12
    assert jalali_date(period.last).day >= 29
    nxt = f"{now.year + (now.month == 12)}-{now.month % 12 + 1:02d}"
    with pytest.raises(ValidationError):
        report_period(nxt, today)
