"""The one pager of every paginated list: previous / next, the first and last pages, a window of
page numbers around the current one, and a box to jump to any page.

Every link keeps the request's other query parameters (a list's filters and criteria), so page 2 of a
filtered list is page 2 of the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.core.paginator import Page
from django.http import QueryDict

register = template.Library()

PAGE_PARAMETER = "page"
# Pages shown on each side of the current one, and at each end of the range.
ON_EACH_SIDE = 2
ON_ENDS = 1


@dataclass(frozen=True)
class PageLink:
    """One entry of the pager's window: a page number and its URL, or a gap (``number`` is None)."""

    number: int | None
    url: str
    current: bool


def _url(query: QueryDict, number: int) -> str:
    query = query.copy()
    query[PAGE_PARAMETER] = str(number)
    return f"?{query.urlencode()}"


@register.inclusion_tag("web/_pagination.html", takes_context=True)
def pager(context: template.Context, page: Page) -> dict[str, Any]:
    """The pager of ``page``, its links built from the request's query without its page number."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query.pop(PAGE_PARAMETER, None)
    paginator = page.paginator
    window = [
        PageLink(number=None, url="", current=False)
        if number == paginator.ELLIPSIS
        else PageLink(number=int(number), url=_url(query, int(number)), current=number == page.number)
        for number in paginator.get_elided_page_range(page.number, on_each_side=ON_EACH_SIDE, on_ends=ON_ENDS)
    ]
    return {
        "page": page,
        "window": window,
        "previous_url": _url(query, page.previous_page_number()) if page.has_previous() else "",
        "next_url": _url(query, page.next_page_number()) if page.has_next() else "",
        # The jump box is a GET form: the other parameters ride along as hidden fields.
        "hidden": [(name, value) for name, values in query.lists() for value in values],
        "parameter": PAGE_PARAMETER,
    }
