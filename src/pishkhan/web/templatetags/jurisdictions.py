"""The ``jurisdiction_name`` tag: where a person's powers reach, named as people name it.

A jurisdiction is stored as a kind and a code ("province", "23"); a page shows "Tehran province",
the office's name beside its code, or the agency's name. The web layer may read every domain, so the
names come from the domains that own them (geo, offices, catalogue); accounts, below them, cannot.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from pishkhan.accounts.roles import JurisdictionKind
from pishkhan.catalogue.selectors import agency_get
from pishkhan.common.errors import ApplicationError
from pishkhan.common.languages import in_language
from pishkhan.geo.selectors import province_get
from pishkhan.offices.selectors import office_get

register = template.Library()


@register.simple_tag
def jurisdiction_name(kind: str, code: str) -> str:
    """The jurisdiction in words; an unknown code (a record gone since) is named by its kind and code."""
    if kind == JurisdictionKind.NATIONAL or not code:
        return str(JurisdictionKind(kind).label) if kind in JurisdictionKind.values else ""
    try:
        if kind == JurisdictionKind.PROVINCE:
            province = province_get(code=code)
            return _("%(name)s province") % {"name": in_language(province.name_fa, province.name_en)}
        if kind == JurisdictionKind.OFFICE:
            office = office_get(code=code)
            # An office's name says what it is ("دفتر پیشخوان ..."); its code follows, in Latin digits.
            return pgettext("an office and its code", "%(name)s (%(code)s)") % {
                "name": office.name,
                "code": office.code,
            }
        if kind == JurisdictionKind.AGENCY:
            agency = agency_get(code=code)
            return in_language(agency.name_fa, agency.name_en)
    except ApplicationError:
        pass
    label = JurisdictionKind(kind).label if kind in JurisdictionKind.values else kind
    return f"{label} {code}"
