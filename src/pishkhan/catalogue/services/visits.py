"""Agencies' reports of in-person visits per Jalali month and province."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor, actor_label
from pishkhan.audit.services import audit_record
from pishkhan.catalogue.models import Agency, VisitReport
from pishkhan.catalogue.services.checks import JALALI_YEAR_MIN, Problems, today_in_iran, whole_clean
from pishkhan.common import calendar
from pishkhan.common.persian import to_latin_digits
from pishkhan.geo.models import Province

MAX_VISITS = 100_000_000
MAX_VISIT_ROWS = 20_000


@dataclass(frozen=True)
class VisitRow:
    """One line of a visit report: in-person visits to the agency in a province in a Jalali month."""

    jalali_year: int
    jalali_month: int
    province: str  # the province's SCI code
    visits: int


@dataclass(frozen=True)
class VisitSubmission:
    """What a submission of visit reports did."""

    created: int
    updated: int
    unchanged: int


def _row_of(row: VisitRow | Mapping[str, Any]) -> VisitRow:
    if isinstance(row, VisitRow):
        return row
    return VisitRow(
        jalali_year=row.get("jalali_year"),  # type: ignore[arg-type]
        jalali_month=row.get("jalali_month"),  # type: ignore[arg-type]
        province=row.get("province"),  # type: ignore[arg-type]
        visits=row.get("visits"),  # type: ignore[arg-type]
    )


def visit_reports_submit(
    *, agency: Agency, rows: Iterable[VisitRow | Mapping[str, Any]], actor: Actor
) -> VisitSubmission:
    """Record an agency's in-person visits, one row per (Jalali year, month, province); a row already
    reported is replaced by the new figure.

    Every row is checked before anything is written (a month not yet over, a known province, a
    plausible count, no period twice in one submission); errors name the row (``rows[3].province``).
    One audit entry records the submission, with the figures it wrote and those it replaced.
    """
    rows = [_row_of(row) for row in rows]
    problems = Problems()
    if not rows:
        problems.add("rows", _("Send at least one row."))
    if len(rows) > MAX_VISIT_ROWS:
        problems.add("rows", _("At most %(count)d rows at once.") % {"count": MAX_VISIT_ROWS})
        rows = []
    now_jalali = calendar.jalali_date(today_in_iran())
    provinces = dict(Province.objects.values_list("code", "pk"))
    seen: set[tuple[int, int, str]] = set()
    wanted: dict[tuple[int, int, int], int] = {}
    for index, row in enumerate(rows):
        field = f"rows[{index}]"
        year = whole_clean(
            problems, f"{field}.jalali_year", row.jalali_year, low=JALALI_YEAR_MIN, high=now_jalali.year
        )
        month = whole_clean(problems, f"{field}.jalali_month", row.jalali_month, low=1, high=12)
        visits = whole_clean(problems, f"{field}.visits", row.visits, low=0, high=MAX_VISITS)
        code = to_latin_digits(row.province.strip()) if isinstance(row.province, str) else ""
        if code not in provinces:
            problems.add(f"{field}.province", _("No province has the code %(code)s.") % {"code": code[:8]})
        if (year, month) > (now_jalali.year, now_jalali.month):
            problems.add(f"{field}.jalali_month", _("A month cannot be reported before it has begun."))
        if (year, month, code) in seen:
            problems.add(field, _("This month and province appear twice in the submission."))
        seen.add((year, month, code))
        if code in provinces:
            wanted[(year, month, provinces[code])] = visits
    problems.raise_if_any()

    now, label = timezone.now(), actor_label(actor)
    years = {year for year, _month, _province in wanted}
    with transaction.atomic():
        existing = {
            (report.jalali_year, report.jalali_month, report.province_id): report
            for report in VisitReport.objects.select_for_update().filter(agency=agency, jalali_year__in=years)
        }
        to_create, to_update, replaced = [], [], []
        for (year, month, province_id), visits in wanted.items():
            report = existing.get((year, month, province_id))
            if report is None:
                to_create.append(
                    VisitReport(
                        agency=agency,
                        jalali_year=year,
                        jalali_month=month,
                        province_id=province_id,
                        visits=visits,
                        reported_at=now,
                        reported_by=label,
                    )
                )
            elif report.visits != visits:
                replaced.append([year, month, province_id, report.visits])
                report.visits, report.reported_at, report.reported_by = visits, now, label
                to_update.append(report)
        VisitReport.objects.bulk_create(to_create, batch_size=2000)
        VisitReport.objects.bulk_update(to_update, ["visits", "reported_at", "reported_by"], batch_size=2000)
        codes = {pk: code for code, pk in provinces.items()}
        written = [
            [report.jalali_year, report.jalali_month, codes[report.province_id], report.visits]
            for report in (*to_create, *to_update)
        ]
        if written:
            audit_record(
                actor=actor,
                action="visits.submit",
                target=agency,
                before={"rows": [[y, m, codes[p], v] for y, m, p, v in replaced]},
                after={"created": len(to_create), "updated": len(to_update), "rows": written},
            )
    return VisitSubmission(
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(wanted) - len(to_create) - len(to_update),
    )
