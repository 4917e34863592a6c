"""The kinds of office through which a service can be delivered (DESIGN.md §3).

Defined here, in the catalogue, because a service names the kinds that may deliver it; the offices
registry (a layer above) gives each office one of these kinds.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficeKind(models.TextChoices):
    """A kind of counter office: the Pishkhan network, rural ICT, and the parallel networks."""

    PISHKHAN = "pishkhan", _("Government e-service counter office (Pishkhan)")
    ICT = "ict", _("Rural ICT office")
    E_CITY = "e_city", _("E-city office")
    SOCIAL_SECURITY = "social_security", _("Social Security service office")
    HEALTH_INSURANCE = "health_insurance", _("Health Insurance office")


# The kinds that are to be converted into Pishkhan offices (a legal duty since 1388 = 2009).
CONVERTIBLE_KINDS = frozenset(
    {OfficeKind.ICT, OfficeKind.E_CITY, OfficeKind.SOCIAL_SECURITY, OfficeKind.HEALTH_INSURANCE}
)

# The kinds of office the regulator licenses: such an office serves citizens only while it holds a
# licence in force. The parallel networks' offices (e-city, Social Security, Health Insurance) are
# their agencies' own and hold no CRA licence until converted.
LICENSED_KINDS = (OfficeKind.PISHKHAN, OfficeKind.ICT)
