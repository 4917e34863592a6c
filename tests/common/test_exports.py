import csv
import datetime as dt
import io
import zipfile

import pytest
from django.test import RequestFactory
from django.utils import translation

from pishkhan.common.errors import ValidationError
from pishkhan.common.exports import EXPORT_MAX_ROWS, Column, export_format, export_response

COLUMNS = [
    Column("name", lambda row: row["name"]),
    Column("fee", lambda row: row["fee"]),
    Column("at", lambda row: row["at"]),
]
ROWS = [
    {"name": "دفتر ۱", "fee": 150_000, "at": dt.datetime(2026, 3, 21, 8, 30, tzinfo=dt.UTC)},
    {"name": "Office 2", "fee": 0, "at": None},
]


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_a_csv_export_has_the_headers_then_a_line_a_row_in_tehran_time():
    with translation.override("en"):
        response = export_response(rows=ROWS, columns=COLUMNS, filename="offices", format="csv")
    assert response["Content-Disposition"] == 'attachment; filename="offices.csv"'
    assert _csv_rows(response) == [
        ["name", "fee", "at"],
        ["دفتر ۱", "150000", "2026-03-21 12:00"],
        ["Office 2", "0", ""],
    ]


def test_in_persian_instants_are_jalali_with_latin_digits():
    with translation.override("fa"):
        response = export_response(rows=ROWS[:1], columns=COLUMNS, filename="offices", format="csv")
    assert _csv_rows(response)[1][2] == "1405/01/01 12:00"


def test_an_xlsx_export_is_a_workbook_right_to_left_in_persian():
    with translation.override("fa"):
        response = export_response(rows=ROWS, columns=COLUMNS, filename="offices", format="xlsx")
    book = zipfile.ZipFile(io.BytesIO(response.content))
    sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert 'rightToLeft="1"' in sheet
    assert "<v>150000</v>" in sheet  # a number stays a number
    assert "دفتر ۱" in book.read("xl/sharedStrings.xml").decode()


def test_an_export_stops_at_its_row_limit():
    rows = ({"name": str(n), "fee": n, "at": None} for n in range(EXPORT_MAX_ROWS + 5))
    response = export_response(rows=rows, columns=COLUMNS, filename="many", format="csv")
    assert len(_csv_rows(response)) == EXPORT_MAX_ROWS + 1


@pytest.mark.parametrize(
    ("query", "expected"), [("", None), ("?export=csv", "csv"), ("?export=xlsx", "xlsx")]
)
def test_the_format_asked_for(query, expected):
    assert export_format(RequestFactory().get(f"/x/{query}")) == expected


def test_another_format_is_refused_by_name():
    with pytest.raises(ValidationError) as raised:
        export_format(RequestFactory().get("/x/?export=pdf"))
    assert "export" in raised.value.fields
