"""The export links of a list (``common.exports``): the page's own query, its filters kept, as CSV
and as XLSX."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict

from pishkhan.common.exports import EXPORT_PARAMETER, FORMATS
from pishkhan.web.templatetags.pagination import PAGE_PARAMETER

register = template.Library()


@register.inclusion_tag("web/_exports.html", takes_context=True)
def export_links(context: template.Context) -> dict[str, Any]:
    """Links to this list as CSV and XLSX: every filter of the request, without its page number."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query.pop(PAGE_PARAMETER, None)
    links = []
    for name in FORMATS:
        query[EXPORT_PARAMETER] = name
        links.append((name.upper(), f"?{query.urlencode()}"))
    return {"links": links}
