"""What the counter's pages share: the caller, names in the page's language, a transaction or 404,
and a paginator that never counts a whole national table."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.functional import cached_property

from pishkhan.accounts.permissions import Principal
from pishkhan.accounts.permissions import principal_of as principal_of
from pishkhan.common.errors import ApplicationError
from pishkhan.common.languages import in_language as in_language
from pishkhan.transactions import selectors
from pishkhan.transactions.models import CounterTransaction

PAGE_SIZE = 50
# The most rows a list counts: beyond it the page says "more than 1,000" and asks for narrower
# filters. Counting a national table of 100 million rows takes seconds; counting up to this many
# takes milliseconds, whatever the filters.
COUNT_CAP = 1_000


def transaction_or_404(code: str, principal: Principal) -> CounterTransaction:
    """The transaction in the caller's jurisdiction; malformed, unknown or outside it all look missing."""
    try:
        return selectors.transaction_get(tracking_code=code, scope=principal.scope)
    except ApplicationError:
        raise Http404(code) from None


class CappedPaginator(Paginator):
    """A paginator that counts at most ``cap`` rows: ``capped`` tells that there are more.

    The count runs over the filtered rows without their order or joins and stops at ``cap + 1``, so
    its cost is bounded; the pages past the cap are not offered (an offset of millions would be as
    slow as the count it avoids).
    """

    def __init__(self, object_list, per_page: int, *, cap: int = COUNT_CAP) -> None:  # type: ignore[no-untyped-def]
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def _bounded_count(self) -> int:
        return self.object_list.select_related(None).values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, self.cap)

    @property
    def capped(self) -> bool:
        """Whether more rows match than were counted."""
        return self._bounded_count > self.cap
