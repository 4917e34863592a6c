"""Pages of the office registry: the directory with its map, an office, the conversions board, and
the two public pages, "find an office near me" and each office's rate board.

Every list is narrowed to the caller's jurisdiction (``Principal.scope``); a single office outside
it is answered 404, as if it did not exist. A directorate that asks the directory for another
province's offices (in the query string) is refused with 403: the filter names a place it may not see.
"""

from pishkhan.offices.views.conversions import conversion_board, conversion_detail
from pishkhan.offices.views.directory import office_detail, office_list
from pishkhan.offices.views.manage import office_manage
from pishkhan.offices.views.public import county_options, office_find, rate_board

__all__ = [
    "conversion_board",
    "conversion_detail",
    "county_options",
    "office_detail",
    "office_find",
    "office_list",
    "office_manage",
    "rate_board",
]
