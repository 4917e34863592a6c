"""The KPI API's inputs and outputs (``kpis/api.py``)."""

from __future__ import annotations

from ninja import Field, Schema


class MeasureIn(Schema):
    """Where and when: the place (``level`` and its ``code``), the period of Tehran days [from, to]
    (ISO ``YYYY-MM-DD``; a Jalali ``1405/09/14`` is read too; default: this Jalali year so far), the
    breakdown ``by`` and an optional comparison period."""

    level: str = "national"
    code: str = ""
    first: str = Field("", alias="from", description="first day, YYYY-MM-DD (default: 1 Farvardin)")
    last: str = Field("", alias="to", description="last day, YYYY-MM-DD (default: today)")
    by: str = Field("", description="province, county, office, agency, service, month or year")
    compare_from: str = Field("", description="first day of a comparison period")
    compare_to: str = Field("", description="last day of a comparison period")


class VisitsIn(Schema):
    level: str = "national"
    code: str = ""
    year: int | None = Field(None, description="Jalali year (default: this year)", ge=1300, le=1499)


class TripsRowOut(Schema):
    code: str
    name: str
    trips_avoided: int
    transactions_completed: int


class TripsTotalsOut(Schema):
    trips_avoided: int
    transactions_completed: int


class PeriodOut(Schema):
    level: str
    code: str
    name: str
    first: str = Field(..., alias="from")
    last: str = Field(..., alias="to")


class TripsOut(Schema):
    place: PeriodOut
    trips_avoided: int
    transactions_completed: int
    by: list[TripsRowOut]
    previous: TripsTotalsOut | None = None


class ServiceFiguresRowOut(Schema):
    code: str
    name: str
    transactions: int
    per_day: float
    completed: int
    rejected: int
    failed: int
    completion_rate: float | None
    rejection_rate: float | None
    delivery_minutes: float | None
    fees_charged: int
    fees_tariff: int
    overcharges: int
    overcharged: int


class ServiceFiguresOut(ServiceFiguresRowOut):
    place: PeriodOut
    by: list[ServiceFiguresRowOut]
    previous: ServiceFiguresRowOut | None = None


class TargetOut(Schema):
    visits: int
    previous_same_months: int
    previous_year: int
    reduction: float | None
    projected: int | None
    target: int | None
    on_track: bool | None


class VisitsRowOut(TargetOut):
    code: str
    name: str


class VisitsOut(TargetOut):
    level: str
    code: str
    name: str
    year: int
    target_reduction: float
    by: list[VisitsRowOut]


class ProhibitedOut(Schema):
    code: str
    name: str
    legal_basis: str


class OutsourcingRowOut(Schema):
    code: str
    name: str
    outsourced: int
    pending: int
    prohibited: int
    prohibited_services: list[ProhibitedOut]
    office_transactions: int
    visits: int
    office_share: float | None
    conversion_share: float | None
    reporting_share: float | None
    compliance_score: float | None
    rank: int | None


class OutsourcingOut(Schema):
    place: PeriodOut
    by: list[OutsourcingRowOut]


class ConversionRowOut(Schema):
    code: str
    name: str
    remaining: int
    converted: int
    open: int
    overdue: int
    refused: int
    progress: float | None


class ConversionsOut(ConversionRowOut):
    level: str
    by_organisation: list[ConversionRowOut]
    by: list[ConversionRowOut]


class NetworkRowOut(Schema):
    code: str
    name: str
    population: int | None
    offices: int
    serving: int
    per_100k: float | None
    transactions: int


class OfficeRankOut(Schema):
    code: str
    name: str
    value: float


class NetworkOut(Schema):
    place: PeriodOut
    offices: int
    serving: int
    population: int | None
    per_100k: float | None
    licences: dict[str, int]
    active: int
    inactive: int
    by: list[NetworkRowOut]
    top_volume: list[OfficeRankOut]
    bottom_volume: list[OfficeRankOut]
    top_score: list[OfficeRankOut]
    bottom_score: list[OfficeRankOut]


class WaitsRowOut(Schema):
    code: str
    name: str
    called: int = Field(..., description="tickets called (each with a waiting time)")
    wait_minutes: float | None = Field(..., description="mean waiting time, issued → called")
    served: int = Field(..., description="tickets served")
    service_minutes: float | None = Field(..., description="mean service time, called → served")
    no_shows: int


class WaitsOut(WaitsRowOut):
    place: PeriodOut
    by: list[WaitsRowOut]
