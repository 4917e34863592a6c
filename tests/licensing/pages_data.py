"""Helpers shared by the licensing page tests: signed-in browsers, rows of a table, and an application's
form as a person fills it in (each test module declares its own fixtures)."""

from __future__ import annotations

import re

from django.test import Client

from tests.offices.factories import TEHRAN_CITY, TEHRAN_COUNTY, TEHRAN_PROVINCE, national_id


def browser(user=None) -> Client:
    """A browser, signed in as ``user`` when one is given."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def rows(response, table_id: str) -> list[str]:
    """The ``data-code`` of each row of a table on the page, in order."""
    html = response.content.decode()
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    return re.findall(r'<tr data-code="([^"]+)"', table.group(0)) if table else []


def errors_of(response, field: str) -> str:
    """The text of a field's error list on the page ("" when it has none)."""
    html = response.content.decode()
    found = re.search(rf'<ul class="errorlist" id="id_(?:[a-z]+-)?{field}_error">(.*?)</ul>', html, re.S)
    return found.group(1) if found else ""


def application_form(**overrides) -> dict:
    """The application form as a person fills it in (Persian digits where a person types them)."""
    values = {
        "applicant_kind": "person",
        "applicant_name": "زهرا احمدی",
        "national_id": national_id(321),
        "company_id": "",
        "mobile": "۰۹۱۲۱۲۳۴۵۶۷",
        "office_kind": "pishkhan",
        "province": TEHRAN_PROVINCE,
        "county": TEHRAN_COUNTY,
        "place": TEHRAN_CITY,
        "office_name": "دفتر پیشخوان انقلاب",
        "address": "خیابان انقلاب، پلاک ۱۲",
        "postal_code": "۱۳۱۵۷۶۳۱۱۱",
        "phone": "021-66001234",
        "lat": "",
        "lon": "",
        "office": "",
    }
    return values | overrides
