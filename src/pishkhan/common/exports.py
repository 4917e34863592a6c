"""Every list's export: the rows the page lists, with its filters, as CSV or XLSX.

A list view builds its queryset as for the page; when the request asks for an export
(``?export=csv`` or ``?export=xlsx``, see ``export_format``) it answers ``export_response`` instead
of the page, with the same rows unpaginated. Columns are data: a header and a function from a row to
its cell. Instants are written in Tehran time, as Jalali dates when Persian is active (the language of
the page the export was asked from) and ISO dates otherwise; numbers stay numbers, money in rials.
The ``export_links`` template tag (``web/templatetags/exports.py``) draws the two links.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from pishkhan.common.calendar import format_jalali_date, format_jalali_datetime, to_tehran
from pishkhan.common.errors import ValidationError

EXPORT_PARAMETER = "export"
FORMATS = ("csv", "xlsx")
# An export is of a list a person filtered, not a dump of the database: past this, narrow the filters.
EXPORT_MAX_ROWS = 100_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column of an export: its header (translated when exported) and its cell for a row."""

    header: Any
    value: Callable[[Any], Any]


def export_format(request: HttpRequest) -> str | None:
    """The export a request asks for (``csv``/``xlsx``), or None for the page; 400 for another."""
    wanted = request.GET.get(EXPORT_PARAMETER)
    if wanted is None:
        return None
    if wanted not in FORMATS:
        message = _("Export as csv or xlsx.")
        raise ValidationError(message, fields={EXPORT_PARAMETER: message})
    return wanted


def _persian() -> bool:
    return (translation.get_language() or "").startswith("fa")


def _cell(value: Any, persian: bool) -> Any:
    """A cell as written: instants in Tehran (Jalali in Persian), numbers as numbers, the rest as text."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return (
            format_jalali_datetime(value, persian=False)
            if persian
            else to_tehran(value).strftime("%Y-%m-%d %H:%M")
        )
    if isinstance(value, dt.date):
        return format_jalali_date(value, persian=False) if persian else value.isoformat()
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, int | float):
        return value
    return str(value)


def _records(rows: Iterable[Any], columns: Sequence[Column], persian: bool) -> Iterator[list[Any]]:
    # ``persian`` is decided when the export is asked for: a CSV streams after the view has returned.
    for count, row in enumerate(rows):
        if count >= EXPORT_MAX_ROWS:
            return
        yield [_cell(column.value(row), persian) for column in columns]


class _Echo:
    """A file whose ``write`` hands back what it was given: csv.writer's rows, streamed."""

    def write(self, value: str) -> str:
        return value


def _csv(headers: list[str], records: Iterator[list[Any]], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        # A byte-order mark, so that spreadsheet programs read the Persian text as UTF-8.
        yield "\ufeff" + writer.writerow(headers)
        for record in records:
            yield writer.writerow(record)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _xlsx(headers: list[str], records: Iterator[list[Any]], filename: str, persian: bool) -> HttpResponse:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet()
    if persian:
        sheet.right_to_left()
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, headers, bold)
    for number, record in enumerate(records, start=1):
        sheet.write_row(number, 0, record)
    book.close()
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export_response(
    *, rows: Iterable[Any], columns: Sequence[Column], filename: str, format: str
) -> HttpResponse | StreamingHttpResponse:
    """The rows as a CSV (streamed) or XLSX download named ``filename`` (ASCII, no extension)."""
    persian = _persian()
    headers = [str(column.header) for column in columns]
    records = _records(rows, columns, persian)
    if format == "csv":
        return _csv(headers, records, filename)
    return _xlsx(headers, records, filename, persian)
