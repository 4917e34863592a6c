"""The printable monthly report of a province (``/kpis/provinces/<code>/report/?month=1405-08``): the
dashboard's figures for one Jalali month on A4 pages, in Persian and right to left, for the regulator
and the province's directorate.

Every figure is read through the same ``kpis`` selectors as the dashboard, for the month's days (the
month so far while it runs) against the same days a year earlier; the visits to agencies are judged as
the year stood at the month's end. The print layout is ``web/static/web/kpis-report.css`` (the
Content-Security-Policy allows no inline style), the print button ``web/kpis-report.js``.
"""

from __future__ import annotations

import datetime as dt

import jdatetime
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.permissions import permission_required
from pishkhan.common.calendar import jalali_date
from pishkhan.common.errors import ValidationError
from pishkhan.kpis import selectors
from pishkhan.supervision.scores import JalaliMonth
from pishkhan.web import kpi_tables
from pishkhan.web.dashboards import last_year, month_name, place_and_scope


def report_period(text: str | None, today: dt.date) -> tuple[JalaliMonth, selectors.Period]:
    """The month asked for (this month when none) and its days, up to today; a malformed month or
    one not yet begun is a ``ValidationError``."""
    now = jalali_date(today)
    month = JalaliMonth(now.year, now.month) if not text else JalaliMonth.parse(text)
    if (month.year, month.month) > (now.year, now.month):
        message = _("This month has not begun yet.")
        raise ValidationError(message, fields={"month": message})
    first = jdatetime.date(month.year, month.month, 1).togregorian()
    nxt = month.next()
    last = min(jdatetime.date(nxt.year, nxt.month, 1).togregorian() - dt.timedelta(days=1), today)
    return month, selectors.Period.of(first, last)


def province_report(
    *,
    place: selectors.Place,
    jurisdiction: selectors.Jurisdiction,
    month: JalaliMonth,
    period: selectors.Period,
) -> dict:
    """The report's figures and tables for a province and a month."""
    args = {"place": place, "jurisdiction": jurisdiction}
    compare = last_year(period)
    trips = selectors.trips_measure(**args, period=period, by="county", compare=compare)
    agencies = selectors.trips_measure(**args, period=period, by="agency")
    service = selectors.service_measure(**args, period=period, by="county", compare=compare)
    visits = selectors.visits_measure(**args, year=month.year, through_month=month.month)
    outsourcing = selectors.outsourcing_measure(**args, period=period)
    conversions = selectors.conversions_measure(**args)
    network = selectors.network_measure(**args, period=period)
    lines = kpi_tables.service_lines(service, trips)
    previous = trips.previous.trips_avoided if trips.previous else 0
    tables = [
        kpi_tables.service_table("counties", _("The counties"), _("County"), lines, agency=False),
        kpi_tables.trips_table("agencies", _("Trips avoided by agency"), _("Agency"), agencies.by),
        kpi_tables.visits_table(visits, _("Agency")),
        kpi_tables.outsourcing_table(outsourcing.by),
        kpi_tables.conversions_table(conversions),
        kpi_tables.network_table(network, _("County")),
        kpi_tables.ranked_table(network, lambda code: reverse("web:kpis_office", args=[code])),
    ]
    return {
        "place": place,
        "month": month,
        "month_name": f"{month_name(month.month)} {month.year}",
        "period": period,
        "compare": compare,
        "trips": trips,
        "previous": previous,
        "change": (trips.trips_avoided - previous) / previous if previous else None,
        "service": service.totals,
        "visits": visits.totals,
        "conversions": conversions.totals,
        "network": network,
        "tables": tables,
    }


@permission_required("kpis.view")
def kpis_province_report(request: HttpRequest, code: str) -> HttpResponse:
    """A province's monthly report, printable on A4 (the regulator: any province; a directorate: its
    own — another is a 404; agencies and offices: 403)."""
    place, jurisdiction = place_and_scope(request, "province", code)
    if jurisdiction.kind in {"agency", "office"}:
        raise PermissionDenied(_("The province's report is the regulator's and the directorate's."))
    try:
        month, period = report_period(request.GET.get("month"), timezone.localdate())
    except ValidationError as refused:
        return render(request, "web/kpis/report.html", {"error": refused.detail, "place": place}, status=400)
    context = province_report(place=place, jurisdiction=jurisdiction, month=month, period=period)
    return render(request, "web/kpis/report.html", context)
