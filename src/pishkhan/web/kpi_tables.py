"""The KPI pages' tables as data: one ``Table`` gives both the page's HTML table and its CSV/XLSX
export, so the download holds exactly the numbers on the page (``tests/kpis/test_dashboards.py``
reads both back and compares them).

A column has a header, a function from a row to its raw value and a kind that says how the page shows
it (a whole number with Persian digits, a share as a percentage, a decimal, or text); the export
writes the raw value (numbers as numbers, a share as the fraction 0–1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from pishkhan.common.exports import Column
from pishkhan.common.templatetags.persian import digits, number
from pishkhan.kpis import selectors
from pishkhan.web.templatetags.figures import decimal, percent

INT, PERCENT, DECIMAL, TEXT = "int", "percent", "decimal", "text"


@dataclass(frozen=True)
class KpiColumn:
    header: Any
    value: Callable[[Any], Any]
    kind: str = INT


@dataclass(frozen=True)
class Cell:
    text: str
    value: Any  # the raw value, as exported ('' for none)
    numeric: bool


def _shown(value: Any, kind: str) -> str:
    if value is None or value == "":
        return "—"
    if kind == INT:
        return number(value)
    if kind == PERCENT:
        return percent(value)
    if kind == DECIMAL:
        return decimal(value)
    return digits(value)  # dates and codes in the language's digits


@dataclass
class Table:
    """A table of a KPI page: its name (``?table=…`` of the exports), title, columns and rows."""

    name: str
    title: str
    columns: Sequence[KpiColumn]
    rows: Sequence[Any]
    code: Callable[[Any], str] = lambda row: row.code
    link: Callable[[Any], str] | None = None
    links: list[tuple[str, str]] = field(default_factory=list)  # the export links, set by the page

    @property
    def headers(self) -> list[tuple[str, bool]]:
        return [(str(column.header), column.kind != TEXT) for column in self.columns]

    @property
    def body(self) -> list[tuple[str, str, list[Cell]]]:
        return [
            (
                self.code(row),
                self.link(row) if self.link else "",
                [
                    Cell(_shown(value := column.value(row), column.kind), _raw(value), column.kind != TEXT)
                    for column in self.columns
                ],
            )
            for row in self.rows
        ]

    def export_columns(self) -> list[Column]:
        return [
            Column(_("Code"), self.code),
            *(Column(column.header, column.value) for column in self.columns),
        ]


def _raw(value: Any) -> str:
    """The value as the page's ``data-value`` holds it (exact: a float's shortest repr)."""
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


# --- The tables ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceLine:
    """A row of the service table: the counter's figures of a group, its trips avoided and, for an
    agency's services, the outsourcing status."""

    code: str
    name: str
    figures: selectors.ServiceFigures
    trips_avoided: int
    status: selectors.ServiceStatus | None = None


def service_lines(
    service: selectors.ServiceMeasure,
    trips: selectors.TripsMeasure,
    statuses: dict[str, selectors.ServiceStatus] | None = None,
) -> list[ServiceLine]:
    """The service figures beside the trips avoided, group by group; an agency's services all listed
    (with nothing done: zeros)."""
    trips_of = {row.code: row.trips_avoided for row in trips.by}
    figures = {row.code: row for row in service.by}
    codes = sorted(set(figures) | set(statuses or {}))
    sums = ("total", "completed", "rejected", "failed", "delivery_seconds")
    empty = dict.fromkeys((*sums, "fees_charged", "fees_tariff", "overcharges", "overcharged"), 0)
    lines = []
    for code in codes:
        status = (statuses or {}).get(code)
        row = figures.get(code) or selectors.ServiceFigures.of(
            code, status.name if status else code, empty, service.period.days
        )
        lines.append(ServiceLine(code, row.name, row, trips_of.get(code, 0), status))
    return lines


def service_table(name: str, title: str, header: Any, lines: list[ServiceLine], *, agency: bool) -> Table:
    columns = [
        KpiColumn(header, lambda line: line.name, TEXT),
        KpiColumn(_("Transactions"), lambda line: line.figures.transactions),
        KpiColumn(_("Completed"), lambda line: line.figures.completed),
        KpiColumn(_("Rejected"), lambda line: line.figures.rejected),
        KpiColumn(_("Completion rate"), lambda line: line.figures.completion_rate, PERCENT),
        KpiColumn(_("Rejection rate"), lambda line: line.figures.rejection_rate, PERCENT),
        KpiColumn(_("Trips avoided"), lambda line: line.trips_avoided),
        KpiColumn(_("Delivery time (minutes)"), lambda line: line.figures.delivery_minutes, DECIMAL),
        KpiColumn(_("Fees charged (rials)"), lambda line: line.figures.fees_charged),
        KpiColumn(_("Overcharged transactions"), lambda line: line.figures.overcharges),
        KpiColumn(_("Overcharged (rials)"), lambda line: line.figures.overcharged),
    ]
    if agency:
        columns += [
            KpiColumn(
                _("Outsourcing"), lambda line: line.status.outsourcing_label if line.status else "", TEXT
            ),
            KpiColumn(_("Legal basis"), lambda line: line.status.legal_basis if line.status else "", TEXT),
        ]
    return Table(name, title, columns, lines)


def trips_table(name: str, title: str, header: Any, rows: list[selectors.TripsRow]) -> Table:
    columns = [
        KpiColumn(header, lambda row: row.name, TEXT),
        KpiColumn(_("Trips avoided"), lambda row: row.trips_avoided),
        KpiColumn(_("Transactions completed"), lambda row: row.transactions_completed),
    ]
    return Table(name, title, columns, rows)


def days_table(service: selectors.ServiceMeasure) -> Table:
    """An office's work day by day."""
    columns = [
        KpiColumn(_("Day"), lambda row: row.name, TEXT),
        KpiColumn(_("Transactions"), lambda row: row.transactions),
        KpiColumn(_("Completed"), lambda row: row.completed),
        KpiColumn(_("Rejected"), lambda row: row.rejected),
        KpiColumn(_("Fees charged (rials)"), lambda row: row.fees_charged),
        KpiColumn(_("Overcharged transactions"), lambda row: row.overcharges),
        KpiColumn(_("Overcharged (rials)"), lambda row: row.overcharged),
    ]
    return Table("days", _("Day by day"), columns, service.by)


def _on_track(target: Any) -> str:
    if target.on_track is None:
        return _("Not judged yet")
    return _("On track") if target.on_track else _("Off track")


def visits_table(visits: selectors.VisitsMeasure, header: Any) -> Table:
    """Visits to agencies per agency (or per province) against the previous year and the target."""
    columns = [
        KpiColumn(header, lambda row: row.name, TEXT),
        KpiColumn(_("Visits this year so far"), lambda row: row.target.visits),
        KpiColumn(_("Same months last year"), lambda row: row.target.previous_same_months),
        KpiColumn(_("Reduction"), lambda row: row.target.reduction, PERCENT),
        KpiColumn(_("Previous year"), lambda row: row.target.previous_year),
        KpiColumn(_("Projected for the year"), lambda row: row.target.projected),
        KpiColumn(_("Target (at most)"), lambda row: row.target.target),
        KpiColumn(_("The yearly target"), lambda row: _on_track(row.target), TEXT),
    ]
    return Table("targets", _("Visits to agencies against the 12.5 percent target"), columns, visits.by)


def outsourcing_table(rows: list[selectors.OutsourcingRow]) -> Table:
    columns = [
        KpiColumn(_("Agency"), lambda row: row.name, TEXT),
        KpiColumn(_("Services outsourced"), lambda row: row.outsourced),
        KpiColumn(_("Pending"), lambda row: row.pending),
        KpiColumn(_("Prohibited by law"), lambda row: row.prohibited),
        KpiColumn(_("Completed at the offices"), lambda row: row.office_transactions),
        KpiColumn(_("Visits reported"), lambda row: row.visits),
        KpiColumn(_("Share through the offices"), lambda row: row.office_share, PERCENT),
        KpiColumn(_("Parallel offices converted"), lambda row: row.conversion_share, PERCENT),
        KpiColumn(_("Reports on time"), lambda row: row.reporting_share, PERCENT),
        KpiColumn(_("Compliance score"), lambda row: row.compliance_score, DECIMAL),
        KpiColumn(_("Rank"), lambda row: row.rank),
        KpiColumn(
            _("Legal basis of the prohibitions"),
            lambda row: "؛ ".join(f"{s.name}: {s.legal_basis}" for s in row.prohibited_services),
            TEXT,
        ),
    ]
    return Table("outsourcing", _("Outsourcing and compliance of the agencies"), columns, rows)


def conversions_table(measure: selectors.ConversionsMeasure) -> Table:
    columns = [
        KpiColumn(_("Network"), lambda row: row.name, TEXT),
        KpiColumn(_("Not converted"), lambda row: row.remaining),
        KpiColumn(_("Converted"), lambda row: row.converted),
        KpiColumn(_("Open cases"), lambda row: row.open),
        KpiColumn(_("Overdue"), lambda row: row.overdue),
        KpiColumn(_("Refused"), lambda row: row.refused),
        KpiColumn(_("Progress"), lambda row: row.progress, PERCENT),
    ]
    return Table("conversions", _("Conversion of the parallel offices"), columns, measure.by_organisation)


def network_table(measure: selectors.NetworkMeasure, header: Any) -> Table:
    columns = [
        KpiColumn(header, lambda row: row.name, TEXT),
        KpiColumn(_("Population (2016)"), lambda row: row.population),
        KpiColumn(_("Offices"), lambda row: row.offices),
        KpiColumn(_("Serving"), lambda row: row.serving),
        KpiColumn(_("Offices per 100,000 people"), lambda row: row.per_100k, DECIMAL),
        KpiColumn(_("Transactions"), lambda row: row.transactions),
    ]
    return Table("network", _("The network: offices per 100,000 people"), columns, measure.by)


@dataclass(frozen=True)
class RankedOffice:
    code: str  # the list and the office: an office may stand in two lists
    office: str
    name: str
    list_name: str
    value: float


def ranked_table(measure: selectors.NetworkMeasure, link: Callable[[str], str] | None = None) -> Table:
    """The top and bottom offices by volume and by score, as one table."""
    lists = [
        ("top-volume", _("Most transactions"), measure.top_volume),
        ("bottom-volume", _("Fewest transactions"), measure.bottom_volume),
        ("top-score", _("Highest score"), measure.top_score),
        ("bottom-score", _("Lowest score"), measure.bottom_score),
    ]
    rows = [
        RankedOffice(f"{key}:{rank.code}", rank.code, rank.name, str(title), rank.value)
        for key, title, ranks in lists
        for rank in ranks
    ]
    columns = [
        KpiColumn(_("List"), lambda row: row.list_name, TEXT),
        KpiColumn(_("Office code"), lambda row: row.office, TEXT),
        KpiColumn(_("Office"), lambda row: row.name, TEXT),
        KpiColumn(_("Transactions or score"), lambda row: row.value, DECIMAL),
    ]
    return Table(
        "offices",
        _("Top and bottom offices"),
        columns,
        rows,
        link=(lambda row: link(row.office)) if link else None,
    )
