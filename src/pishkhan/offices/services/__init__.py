"""Every write of the office registry. One module per concept; import from here.

- ``drafts``: an office as given (``OfficeDraft``) and the one check every row goes through
- ``registration``: registering offices one by one or in bulk
- ``offices``: changing an office's details, status, hours and counters
- ``counters``: the services each counter serves
- ``staff``: adding and removing staff
- ``serving``: whether an office serves citizens, as licensing tells it at every change of a licence
- ``conversions``: converting parallel and ICT offices into Pishkhan offices
"""

from pishkhan.offices.services.conversions import (
    CONVERSION_DEADLINE,
    ConversionDraft,
    conversion_decide,
    conversion_request,
    conversion_review,
    conversions_create_many,
    conversions_mark_overdue,
)
from pishkhan.offices.services.counters import counter_services_set
from pishkhan.offices.services.drafts import OfficeDraft, OperatorDraft
from pishkhan.offices.services.offices import (
    office_set_counters,
    office_set_hours,
    office_set_status,
    office_update,
    operators_reseal,
)
from pishkhan.offices.services.registration import office_register, office_register_many
from pishkhan.offices.services.serving import ServingChange, office_serving_set, offices_serving_set_many
from pishkhan.offices.services.staff import StaffDraft, staff_add, staff_add_many, staff_remove

__all__ = [
    "CONVERSION_DEADLINE",
    "ConversionDraft",
    "OfficeDraft",
    "OperatorDraft",
    "ServingChange",
    "StaffDraft",
    "conversion_decide",
    "conversion_request",
    "conversion_review",
    "conversions_create_many",
    "conversions_mark_overdue",
    "counter_services_set",
    "office_register",
    "office_register_many",
    "office_serving_set",
    "office_set_counters",
    "office_set_hours",
    "office_set_status",
    "office_update",
    "offices_serving_set_many",
    "operators_reseal",
    "staff_add",
    "staff_add_many",
    "staff_remove",
]
