"""Template filters of the catalogue pages: a name in the language the page is shown in."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def fa_en(persian: str, english: str) -> str:
    """``{{ agency.name_fa|fa_en:agency.name_en }}``: the Persian name on Persian pages, else the
    English one (or the Persian one when there is no English)."""
    if (get_language() or "fa").startswith("fa") or not english:
        return persian
    return english
