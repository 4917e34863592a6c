"""The KPI measures: one selector per measure, each returning typed rows, scoped by the caller's
jurisdiction, over a period (and, where it means something, against a comparison period).

Every figure of the counter's work is read from the rollups, never from the counter's table: above
the office, the whole Jalali months of the period from the monthly rollups (``MonthRollup``, Jalali
month × county × service) and its edge days from the daily ones (``DailyRollup``); an office's
figures, and breakdowns by office or by day, from the daily rows (``places.rollups_in``). The other
measures read the small tables of the domains below (visit reports, services, offices, conversions,
licences, scores). The arithmetic of targets, projections and scores is ``formulas`` (pure).

A *place* is where a measure looks (``level`` and ``code``: the nation, a province, a county, an
agency or an office); the caller's *jurisdiction* narrows every read further (``Jurisdiction``): a
directorate reads its province only, an agency its own services only, an office operator its office.
"""

from pishkhan.kpis.selectors.agencies import (
    OutsourcingMeasure,
    OutsourcingRow,
    ProhibitedService,
    ServiceStatus,
    VisitsMeasure,
    VisitsRow,
    agency_standing,
    outsourcing_measure,
    reporting_share,
    service_statuses,
    visits_measure,
)
from pishkhan.kpis.selectors.counter import (
    ServiceFigures,
    ServiceMeasure,
    TripsMeasure,
    TripsRow,
    service_measure,
    trips_measure,
)
from pishkhan.kpis.selectors.network import (
    ConversionRow,
    ConversionsMeasure,
    NetworkMeasure,
    NetworkRow,
    OfficeRank,
    conversions_measure,
    network_measure,
)
from pishkhan.kpis.selectors.offices import OfficeStanding, office_standing
from pishkhan.kpis.selectors.places import (
    DEFAULT_BY,
    GROUPS,
    LEVELS,
    PERIOD_MAX_DAYS,
    Jurisdiction,
    Period,
    Place,
    group_check,
    jurisdiction_of,
    place_resolve,
)
from pishkhan.kpis.selectors.waits import WaitFigures, WaitsMeasure, waits_measure

__all__ = [
    "DEFAULT_BY",
    "GROUPS",
    "LEVELS",
    "PERIOD_MAX_DAYS",
    "ConversionRow",
    "ConversionsMeasure",
    "Jurisdiction",
    "NetworkMeasure",
    "NetworkRow",
    "OfficeRank",
    "OfficeStanding",
    "OutsourcingMeasure",
    "OutsourcingRow",
    "Period",
    "Place",
    "ProhibitedService",
    "ServiceFigures",
    "ServiceMeasure",
    "ServiceStatus",
    "TripsMeasure",
    "TripsRow",
    "VisitsMeasure",
    "VisitsRow",
    "WaitFigures",
    "WaitsMeasure",
    "agency_standing",
    "conversions_measure",
    "group_check",
    "jurisdiction_of",
    "network_measure",
    "office_standing",
    "outsourcing_measure",
    "place_resolve",
    "reporting_share",
    "service_measure",
    "service_statuses",
    "trips_measure",
    "visits_measure",
    "waits_measure",
]
