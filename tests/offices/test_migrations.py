"""Migration 0005: operators' identifiers and mobiles stored in clear are sealed, keyed and masked."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pishkhan.common.sealing import unseal
from pishkhan.offices.models import operator_key
from tests.offices.factories import TEHRAN, TEHRAN_COUNTY, TEHRAN_PROVINCE, national_id

BEFORE = [("offices", "0004_unlicensed_backfill")]
AFTER = [("offices", "0005_operator_sealed")]
PERSON, COMPANY = national_id(4321), "10380284790"


def _office(apps, code: str):
    return apps.get_model("offices", "Office").objects.create(
        code=code, name=code, kind="pishkhan",
        province=apps.get_model("geo", "Province").objects.get(code=TEHRAN_PROVINCE),
        county=apps.get_model("geo", "County").objects.get(code=TEHRAN_COUNTY),
        lat=TEHRAN[0], lon=TEHRAN[1], setting="urban", search_key=code.lower(),
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_operators_in_clear_are_sealed_and_unsealed_back(geo_loaded):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    operator = apps.get_model("offices", "Operator")
    operator.objects.create(
        office=_office(apps, "P23-0801"), kind="person", name="a", national_id=PERSON, mobile="09121110001"
    )
    operator.objects.create(
        office=_office(apps, "P23-0802"), kind="company", name="b", company_id=COMPANY, mobile="09121110002"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    sealed = executor.loader.project_state(AFTER).apps.get_model("offices", "Operator")
    rows = {row.office.code: row for row in sealed.objects.select_related("office")}
    person, company = rows["P23-0801"], rows["P23-0802"]
    assert not hasattr(person, "national_id")
    assert not hasattr(person, "mobile")
    assert (unseal(person.identifier_sealed), unseal(person.mobile_sealed)) == (PERSON, "09121110001")
    assert person.identifier_key == operator_key("person", PERSON)
    assert (person.identifier_masked, person.mobile_masked) == (
        PERSON[:3] + "*****" + PERSON[-2:],
        "0912***0001",
    )
    assert unseal(company.identifier_sealed) == COMPANY
    assert company.identifier_key == operator_key("company", COMPANY)
    assert company.identifier_masked == "103******90"

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    clear = executor.loader.project_state(BEFORE).apps.get_model("offices", "Operator")
    assert sorted(clear.objects.values_list("national_id", "company_id", "mobile")) == [
        ("", COMPANY, "09121110002"),
        (PERSON, "", "09121110001"),
    ]
    executor.loader.build_graph()
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
