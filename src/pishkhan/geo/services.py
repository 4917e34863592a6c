"""Writes of geo: loading the shipped geography into the database."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from pishkhan.common.bulk import insert_dicts
from pishkhan.geo import dataset
from pishkhan.geo.models import County, District, Place, Province
from pishkhan.geo.selectors import geo_is_loaded, province_map_forget

# Rows per INSERT/UPDATE batch: big enough to keep round trips few, small enough for SQLite's limit
# on query parameters (Django splits further when a model has many columns).
BATCH_SIZE = 2000


@dataclass(frozen=True)
class TableLoad:
    """What loading did to one table."""

    created: int
    updated: int
    total: int


@dataclass(frozen=True)
class GeoLoadReport:
    """What :func:`geo_load` did, table by table, and how long it took."""

    tables: dict[str, TableLoad] = field(default_factory=dict)
    seconds: float = 0.0
    skipped: bool = False

    def __str__(self) -> str:
        totals = ", ".join(f"{load.total:,} {name}" for name, load in self.tables.items())
        if self.skipped:
            return f"already loaded ({totals})"
        changed = sum(load.created + load.updated for load in self.tables.values())
        return f"{totals}; {changed:,} rows created or updated in {self.seconds:.1f} s"


def _reconcile(
    model: type[models.Model],
    rows: Iterable[dict[str, Any]],
    *,
    key: Callable[[dict[str, Any]], Hashable],
) -> TableLoad:
    """Make ``model``'s table hold ``rows``: create the missing ones, update the ones that differ.

    Rows are matched on their natural key, so the primary keys of existing rows (which other domains
    reference) never change, and a second run finds nothing to write.
    """
    rows = list(rows)
    fields = list(rows[0])
    existing = {key(row): row for row in model.objects.values("pk", *fields)}
    to_create, to_update = [], []
    for row in rows:
        current = existing.get(key(row))
        if current is None:
            to_create.append(row)
        elif any(current[name] != value for name, value in row.items()):
            to_update.append(model(pk=current["pk"], **row))
    insert_dicts(model, to_create)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
    return TableLoad(created=len(to_create), updated=len(to_update), total=model.objects.count())


def _resolve(rows: list[dict[str, Any]], *, code_field: str, fk: str, ids: dict[str, int]) -> list[dict]:
    """Replace the parent's code in each row by the parent's primary key (``<fk>_id``)."""
    resolved = []
    for row in rows:
        row = dict(row)
        code = row.pop(code_field)
        row[f"{fk}_id"] = ids[code] if code is not None else None
        resolved.append(row)
    return resolved


def _ids(model: type[models.Model]) -> dict[str, int]:
    return dict(model.objects.values_list("code", "pk"))


def _code(row: dict[str, Any]) -> Hashable:
    return row["code"]


def _place_key(row: dict[str, Any]) -> Hashable:
    # Every city has a city code (96 have no official code); every village has an official code.
    return (row["kind"], row["city_code"] if row["kind"] == "city" else row["code"])


def geo_load(*, force: bool = False) -> GeoLoadReport:
    """Load provinces, counties, districts, cities and villages from the shipped data.

    Skips when the geography is already loaded, unless ``force``: then every row is compared with
    the shipped data and the differences written. Idempotent either way; one transaction, so a
    failure leaves the tables as they were.
    """
    started = time.monotonic()
    if geo_is_loaded() and not force:
        tables = {
            name: TableLoad(created=0, updated=0, total=model.objects.count())
            for name, model in _TABLES.items()
        }
        return GeoLoadReport(tables=tables, seconds=time.monotonic() - started, skipped=True)

    provinces, counties = dataset.provinces(), dataset.counties()
    districts, places = dataset.districts(), dataset.places()
    tables = {}
    with transaction.atomic():
        tables["provinces"] = _reconcile(Province, provinces, key=_code)
        province_ids = _ids(Province)
        counties = _resolve(counties, code_field="province_code", fk="province", ids=province_ids)
        tables["counties"] = _reconcile(County, counties, key=_code)
        county_ids = _ids(County)
        districts = _resolve(districts, code_field="county_code", fk="county", ids=county_ids)
        tables["districts"] = _reconcile(District, districts, key=_code)
        places = _resolve(places, code_field="county_code", fk="county", ids=county_ids)
        places = _resolve(places, code_field="district_code", fk="district", ids=_ids(District))
        tables["places"] = _reconcile(Place, places, key=_place_key)
    province_map_forget()
    return GeoLoadReport(tables=tables, seconds=time.monotonic() - started)


_TABLES: dict[str, type[models.Model]] = {
    "provinces": Province,
    "counties": County,
    "districts": District,
    "places": Place,
}
