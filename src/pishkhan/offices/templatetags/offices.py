"""Template filters of the office pages: a kind's short name, and a distance."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.common.persian import to_persian_digits

register = template.Library()

# Short names of the kinds, for tables and the map's legend (the full name is the kind's label).
KIND_SHORT = {
    OfficeKind.PISHKHAN: pgettext_lazy("office kind, short", "Pishkhan"),
    OfficeKind.ICT: pgettext_lazy("office kind, short", "Rural ICT"),
    OfficeKind.E_CITY: pgettext_lazy("office kind, short", "E-city"),
    OfficeKind.SOCIAL_SECURITY: pgettext_lazy("office kind, short", "Social Security"),
    OfficeKind.HEALTH_INSURANCE: pgettext_lazy("office kind, short", "Health Insurance"),
}


@register.filter
def kind_short(kind: str) -> str:
    """``{{ office.kind|kind_short }}``: "Pishkhan", "Rural ICT", … (translated)."""
    return str(KIND_SHORT.get(kind, kind))


def _shown(text: str) -> str:
    """A number in the page's digits (Persian digits and decimal separator on Persian pages)."""
    if (get_language() or "fa").startswith("fa"):
        return to_persian_digits(text.replace(".", "٫"))
    return text


@register.filter
def distance(value_km: float | None) -> str:
    """A distance with a sensible precision: ``۸۵۰ متر`` under a kilometre (to ten metres), else
    ``۱۴٫۹ کیلومتر`` (to a tenth of a kilometre)."""
    if value_km is None:
        return ""
    metres = max(10, round(float(value_km) * 100) * 10)
    if metres < 1000:
        return _("%(distance)s m") % {"distance": _shown(str(metres))}
    return _("%(distance)s km") % {"distance": _shown(f"{float(value_km):.1f}")}


@register.filter
def scale_distance(value_km: float) -> str:
    """The length of a map's scale bar, a round distance: ``۵۰۰ متر``, ``۲ کیلومتر``."""
    if value_km < 1:
        return _("%(distance)s m") % {"distance": _shown(str(round(value_km * 1000)))}
    return _("%(distance)s km") % {"distance": _shown(f"{value_km:g}")}
