"""Template filters of the office pages: a kind's short name, and a distance in kilometres."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language, pgettext_lazy

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


@register.filter
def km(value: float | None) -> str:
    """A distance to one decimal: ``۱۴٫۹`` on Persian pages (Persian digits and decimal separator)."""
    if value is None:
        return ""
    text = f"{float(value):.1f}"
    if (get_language() or "fa").startswith("fa"):
        return to_persian_digits(text.replace(".", "٫"))
    return text
