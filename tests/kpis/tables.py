"""Reading the KPI pages' tables (web/templates/web/kpis/_table.html) and their XLSX exports back, to
hold them equal: the XLSX is read from its XML (no spreadsheet library needed), each cell put in its
column by its reference (``C7``), so that an empty cell does not shift the others."""

from __future__ import annotations

import html
import io
import re
import zipfile

import pytest


def page_table(page: str, name: str) -> dict[str, list[str]]:
    """``{row code: [raw value of each column]}`` of the page's table ``kpi-<name>``."""
    body = page.split(f'id="kpi-{name}"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    return {
        html.unescape(code): [html.unescape(value) for value in re.findall(r'data-value="([^"]*)"', inner)]
        for code, inner in re.findall(r'<tr data-code="([^"]*)">(.*?)</tr>', body, flags=re.S)
    }


def _column(reference: str) -> int:
    letters = re.match(r"[A-Z]+", reference).group(0)
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def xlsx_rows(content: bytes) -> list[list[str]]:
    """The first sheet's cells, row by row, as text ('' for an empty cell)."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        names = book.namelist()
        shared = book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in names else ""
    strings = [
        html.unescape("".join(re.findall(r"<t[^>]*>(.*?)</t>", item, flags=re.S)))
        for item in re.findall(r"<si>(.*?)</si>", shared, flags=re.S)
    ]
    rows = []
    for row in re.findall(r"<row[^>]*>(.*?)</row>", sheet, flags=re.S):
        cells: dict[int, str] = {}
        for attrs, inner in re.findall(r"<c([^>]*?)(?:/>|>(.*?)</c>)", row, flags=re.S):
            reference = re.search(r'r="([A-Z]+\d+)"', attrs).group(1)
            value = re.search(r"<v>(.*?)</v>", inner or "") or re.search(r"<t[^>]*>(.*?)</t>", inner or "")
            text = value.group(1) if value else ""
            cells[_column(reference)] = (
                strings[int(text)] if 't="s"' in attrs and text else html.unescape(text)
            )
        rows.append([cells.get(i, "") for i in range(max(cells, default=-1) + 1)])
    return rows


def assert_export_equals_page(page_rows: dict[str, list[str]], content: bytes) -> None:
    """The export's rows (after its header) are the page's: the same codes, and each cell the same
    number (to the float's precision) or the same text."""
    exported = {row[0]: row[1:] for row in xlsx_rows(content)[1:]}
    assert set(exported) == set(page_rows)
    for code, values in page_rows.items():
        cells = exported[code] + [""] * (len(values) - len(exported[code]))
        for shown, written in zip(values, cells, strict=True):
            try:
                number = float(shown)
            except ValueError:
                assert written == shown
            else:
                assert float(written) == pytest.approx(number)
