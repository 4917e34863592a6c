"""The KPI dashboards (/kpis/): each role sees its own scope, another province is a 404, and each
table's export holds the page's numbers."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from tests.kpis.tables import assert_export_equals_page, page_table, xlsx_rows
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
    exported = xlsx_rows(
        signed_in("cra2", "regulator").get("/kpis/", {"table": "visits", "export": "xlsx"}).content
    )
    assert [row[3] for row in exported[1:]] == ["875"] * 12  # the target, as on the page
    assert exported[1][1] == "800"


# --- The agency's and the office's own dashboards, the drill-down to an office ---------------------------


def _agency_visits(agency, year):
    from pishkhan.catalogue.services import VisitRow, visit_reports_submit

    rows = [VisitRow(year - 1, month, TEHRAN_PROVINCE, 1000) for month in range(1, 13)]
    rows += [VisitRow(year - 1, month, ISFAHAN_PROVINCE, 500) for month in range(1, 13)]
    visit_reports_submit(
        agency=agency,
        rows=[*rows, VisitRow(year, 1, TEHRAN_PROVINCE, 800), VisitRow(year, 1, ISFAHAN_PROVINCE, 490)],
        actor=None,
    )


def test_an_agency_sees_its_services_outsourcing_rank_and_targets_per_province(work):
    from django.utils import timezone

    from pishkhan.common.calendar import jalali_date
    from tests.offices.factories import make_service

    make_service(work["agency"], "pension-appeal", outsourcing="prohibited")
    _agency_visits(work["agency"], jalali_date(timezone.localdate()).year)
    client = signed_in("tamin-staff", "agency_staff", "tamin")

    page = client.get("/kpis/").content.decode()

    services = page_table(page, "services")
    assert set(services) == {"tamin.pension-statement", "tamin.pension-appeal"}
    statement = services["tamin.pension-statement"]
    # transactions, completed, rejected, completion rate, rejection rate, trips avoided
    assert statement[1:4] == ["7", "5", "1"]
    assert float(statement[4]) == pytest.approx(5 / 6)
    assert statement[6] == "5"
    appeal = services["tamin.pension-appeal"]
    assert appeal[1] == "0"
    assert "قانون نمونه" in appeal[-1]  # the legal basis of the prohibition
    targets = page_table(page, "targets")
    assert set(targets) == {TEHRAN_PROVINCE, ISFAHAN_PROVINCE}
    # Tehran: 800 against 1000 (20 % fewer: on track); Isfahan 490 against 500 (2 %: behind).
    assert targets[TEHRAN_PROVINCE][1:3] == ["800", "1000"]
    assert float(targets[ISFAHAN_PROVINCE][3]) == pytest.approx(0.02)
    assert 'id="kpi-compliance"' in page
    assert 'data-rank="' in page.split('id="kpi-compliance"')[1][:900]
    outsourcing = page_table(page, "outsourcing")
    assert list(outsourcing) == ["tamin"]
    assert outsourcing["tamin"][1:4] == ["1", "0", "1"]  # outsourced, pending, prohibited
    assert "kpi-network" not in page  # the regulator's and the directorates' measure


def test_an_office_sees_its_days_fees_score_and_ratings(work):
    from django.utils import timezone

    from pishkhan.common.calendar import jalali_date
    from pishkhan.frontoffice.services import rating_submit
    from pishkhan.kpis.services import rollups_update
    from pishkhan.supervision.scores import JalaliMonth
    from pishkhan.supervision.services.scores import scores_compute
    from tests.kpis.conftest import done
    from tests.transactions.factories import CITIZEN, make_transaction

    rated = done(make_transaction(work["office"]))
    rating_submit(tracking_code=rated.tracking_code, national_id=CITIZEN, stars=4)
    while rollups_update():
        pass
    scores_compute(month=JalaliMonth.of(timezone.now()), actor=None)
    client = signed_in("operator", "office_operator", work["office"].code)

    page = client.get("/kpis/").content.decode()

    days = page_table(page, "days")
    today = timezone.localdate()
    assert list(days) == [today.isoformat()]
    assert days[today.isoformat()][0] == jalali_date(today).strftime("%Y/%m/%d")
    # transactions, completed, rejected, fees charged, overcharged transactions, overcharged rials
    assert days[today.isoformat()][1:4] == ["6", "4", "1"]
    assert days[today.isoformat()][5:7] == ["1", "40000"]
    assert 'id="kpi-days-data"' in page  # the chart's data beside the table
    score = re.search(r'id="kpi-score">.*?data-value="([^"]*)"', page, flags=re.S).group(1)
    assert float(score) > 0
    assert (
        "۴٫۰" in page.split('id="kpi-ratings"')[1][:600] or "4.0" in page.split('id="kpi-ratings"')[1][:600]
    )
    assert page_table(page, "services")["tamin.pension-statement"][1] == "6"


def test_the_drill_down_reaches_an_office_page(work):
    client = signed_in("cra", "regulator")
    county = work["office"].county.code

    county_page = client.get(f"/kpis/counties/{county}/").content.decode()
    link = f"/kpis/offices/{work['office'].code}/"
    office_page = client.get(link)

    assert f'href="{link}"' in county_page
    assert office_page.status_code == 200
    assert page_table(office_page.content.decode(), "services")["tamin.pension-statement"][1] == "5"
    directorate = signed_in("tehran-ict", "directorate", TEHRAN_PROVINCE)
    assert directorate.get(link).status_code == 200
    assert directorate.get(f"/kpis/offices/{work['isfahan'].code}/").status_code == 404
    operator = signed_in("operator", "office_operator", work["office"].code)
    assert operator.get(f"/kpis/offices/{work['other'].code}/").status_code == 404
    assert signed_in("holder", "licensee").get(link).status_code == 403


@pytest.mark.parametrize(
    ("role", "code", "tables"),
    [
        ("regulator", "", ["services", "outsourcing", "conversions", "network", "offices"]),
        ("agency_staff", "tamin", ["services", "targets", "outsourcing"]),
        ("office_operator", "office", ["days", "services"]),
    ],
)
def test_every_table_of_each_role_exports_the_pages_numbers(work, role, code, tables):
    client = signed_in(f"user-{role}", role, work["office"].code if code == "office" else code)
    if role == "agency_staff":
        from django.utils import timezone

        from pishkhan.common.calendar import jalali_date

        _agency_visits(work["agency"], jalali_date(timezone.localdate()).year)
    page = client.get("/kpis/").content.decode()

    for table in tables:
        xlsx = client.get("/kpis/", {"table": table, "export": "xlsx"})
        csv = client.get("/kpis/", {"table": table, "export": "csv"})

        shown = page_table(page, table)
        assert xlsx.status_code == csv.status_code == 200
        assert shown, table
        assert_export_equals_page(shown, xlsx.content)
        lines = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()
        assert len(lines) == len(shown) + 1
