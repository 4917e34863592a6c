"""Every write of the catalogue. One module per concept; import from here.

- ``agencies``: registering and changing agencies
- ``services``: publishing and changing services (office kinds, outsourcing status and its basis)
- ``tariffs``: a service's tariff for a Jalali year
- ``visits``: agencies' monthly in-person visit reports

Services enforce the domain's rules (a service allowed for at least one kind of office, a tariff per
Jalali year that starts inside that year, a prohibition with its legal basis) and audit every change
in the same transaction; whether the *caller* may make the change is the entry point's question
(``permissions.require(principal, "catalogue.edit", agency=...)``).
"""

from pishkhan.catalogue.services.agencies import agency_create, agency_update
from pishkhan.catalogue.services.services import service_create, service_update
from pishkhan.catalogue.services.tariffs import tariff_set
from pishkhan.catalogue.services.visits import MAX_VISIT_ROWS, VisitRow, VisitSubmission, visit_reports_submit

__all__ = [
    "MAX_VISIT_ROWS",
    "VisitRow",
    "VisitSubmission",
    "agency_create",
    "agency_update",
    "service_create",
    "service_update",
    "tariff_set",
    "visit_reports_submit",
]
