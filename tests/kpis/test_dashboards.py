"""The KPI dashboards (/kpis/): each role sees its own scope, another province is a 404, and each
table's export holds the page's numbers."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from tests.offices.factories import ISFAHAN_PROVINCE, TEHRAN_PROVINCE
from tests.offices.pages_data import signed_in


def _values(page: str, table: str) -> dict[str, int]:
    """``{code: trips avoided}`` of a table of the page."""
    body = page.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr data-code="([^"]+)">.*?data-value="(\d+)"', body, flags=re.S)
    return {code: int(value) for code, value in rows}


def _xlsx_numbers(content: bytes) -> list[list[str]]:
    """The cells of the first sheet, row by row (numbers and inline strings as text)."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        shared = (
            book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in book.namelist() else ""
        )
    strings = re.findall(r"<t[^>]*>(.*?)</t>", shared, flags=re.S)
    rows = []
    for row in re.findall(r"<row[^>]*>(.*?)</row>", sheet, flags=re.S):
        cells = []
        for attrs, inner in re.findall(r"<c([^>]*)>(.*?)</c>", row, flags=re.S):
            value = re.search(r"<v>(.*?)</v>", inner) or re.search(r"<t[^>]*>(.*?)</t>", inner)
            text = value.group(1) if value else ""
            cells.append(strings[int(text)] if 't="s"' in attrs else text)
        rows.append(cells)
    return rows


def test_the_regulator_sees_the_nation_with_map_chart_and_tables(work):
    client = signed_in("cra", "regulator")

    response = client.get("/kpis/")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-value="6"' in page.split('id="kpi-trips"')[1][:400]
    assert _values(page, "kpi-places") == {TEHRAN_PROVINCE: 4, ISFAHAN_PROVINCE: 2}
    assert _values(page, "kpi-agencies") == {"sabt": 1, "tamin": 5}
    assert sum(_values(page, "kpi-months").values()) == 6
    assert f'data-code="{TEHRAN_PROVINCE}"' in page.split('id="kpi-map"')[1]
    assert "<polyline" in page.split('id="kpi-chart"')[1]
    assert ' style="' not in page


def test_a_directorate_sees_its_province_and_not_another_or_the_nation(work):
    client = signed_in("tehran-ict", "directorate", TEHRAN_PROVINCE)

    own = client.get("/kpis/")
    drill = client.get(f"/kpis/provinces/{TEHRAN_PROVINCE}/")

    assert own.status_code == drill.status_code == 200
    assert sum(_values(own.content.decode(), "kpi-places").values()) == 4
    assert client.get(f"/kpis/provinces/{ISFAHAN_PROVINCE}/").status_code == 404
    county = work["office"].county.code
    assert sum(_values(client.get(f"/kpis/counties/{county}/").content.decode(), "kpi-places").values()) == 4
    assert client.get(f"/kpis/counties/{work['isfahan'].county.code}/").status_code == 404


def test_the_regulator_drills_into_a_province(work):
    client = signed_in("cra", "regulator")

    page = client.get(f"/kpis/provinces/{ISFAHAN_PROVINCE}/").content.decode()

    assert _values(page, "kpi-places") == {work["isfahan"].county.code: 2}


def test_agency_and_office_see_their_own_figures(work):
    agency = signed_in("tamin-staff", "agency_staff", "tamin")
    operator = signed_in("operator", "office_operator", work["office"].code)

    assert sum(_values(agency.get("/kpis/").content.decode(), "kpi-places").values()) == 5
    assert sum(_values(operator.get("/kpis/").content.decode(), "kpi-places").values()) == 3
    assert operator.get(f"/kpis/provinces/{TEHRAN_PROVINCE}/").status_code == 404


def test_without_the_permission_or_signed_out_the_page_is_refused(work, client):
    assert signed_in("holder", "licensee").get("/kpis/").status_code == 403
    response = client.get("/kpis/")
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


@pytest.mark.parametrize("table", ["places", "agencies", "months"])
def test_each_table_exports_as_xlsx_with_the_page_numbers(work, table):
    client = signed_in("cra", "regulator")
    page = client.get("/kpis/").content.decode()

    response = client.get("/kpis/", {"table": table, "export": "xlsx"})

    rows = _xlsx_numbers(response.content)
    assert response.status_code == 200
    assert {row[0]: int(row[2]) for row in rows[1:]} == _values(page, f"kpi-{table}")


def test_the_csv_export_and_a_bad_table_or_period(work):
    client = signed_in("cra", "regulator")

    csv = client.get("/kpis/", {"table": "places", "export": "csv"})
    text = b"".join(csv.streaming_content).decode("utf-8-sig")

    lines = text.splitlines()
    assert (
        lines[0].split(",")[2:] == ["تعداد سفرهای کاهش‌یافته", "تراکنش‌های تکمیل‌شده"]
        or len(lines[0].split(",")) == 4
    )
    assert {line.split(",")[0]: int(line.split(",")[2]) for line in lines[1:]} == {
        TEHRAN_PROVINCE: 4,
        ISFAHAN_PROVINCE: 2,
    }
    assert client.get("/kpis/", {"table": "nope", "export": "csv"}).status_code == 400
    bad = client.get("/kpis/", {"period": "custom", "first": "1405/09/20", "last": "1405/09/01"})
    assert bad.status_code == 400


def test_a_period_long_ago_shows_no_work(work):
    client = signed_in("cra", "regulator")

    page = client.get("/kpis/", {"period": "custom", "first": "1399/01/01", "last": "1399/01/31"})

    assert page.status_code == 200
    assert _values(page.content.decode(), "kpi-places") == {}


@pytest.mark.parametrize(("top", "step"), [(1, 1), (6, 2), (12, 5), (30, 10), (81_234, 20_000)])
def test_the_charts_axis_steps_are_round(top, step):
    from pishkhan.web.dashboards import _tick_step

    assert _tick_step(top) == step


def test_the_visits_chart_and_the_target_status(work):
    from django.utils import timezone

    from pishkhan.catalogue.services import VisitRow, visit_reports_submit
    from pishkhan.common.calendar import jalali_date

    year = jalali_date(timezone.localdate()).year
    last_year = [VisitRow(year - 1, month, TEHRAN_PROVINCE, 1000) for month in range(1, 13)]
    visit_reports_submit(
        agency=work["agency"], rows=[*last_year, VisitRow(year, 1, TEHRAN_PROVINCE, 800)], actor=None
    )

    page = signed_in("cra", "regulator").get("/kpis/").content.decode()
    isfahan = signed_in("isfahan-ict", "directorate", ISFAHAN_PROVINCE).get("/kpis/").content.decode()

    table = page.split('id="kpi-visits"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'data-target="(\d*)"', table) == ["875"] * 12
    assert re.findall(r'data-value="(\d*)"', table) == ["800"] + [""] * 11
    assert 'id="kpi-visits-data"' in page
    assert "On track" in page or "در مسیر هدف" in page
    assert 'id="kpi-visits"' not in isfahan  # Isfahan reported no visits
