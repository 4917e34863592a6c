"""The demo network: a realistic national registry, built through the domains' services from a seed."""

import random
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from pishkhan.audit.selectors import audit_chain_verify
from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.catalogue.models import Agency, Service, Tariff
from pishkhan.common.calendar import jalali_year
from pishkhan.demo.network import DEFAULT_OFFICES, network_build, plan_offices
from pishkhan.geo.models import Province
from pishkhan.offices.models import Conversion, Office, StaffMember
from pishkhan.offices.states import ConversionState


def _ranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):  # ties share their mean rank
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2
        i = j + 1
    return ranks


def _spearman(xs, ys):
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    var = (sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5
    return cov / var


def test_spearman_of_a_reversed_order_is_minus_one():
    assert _spearman([1, 2, 3, 4], [40, 30, 20, 10]) == pytest.approx(-1)


@pytest.mark.slow
def test_the_national_network_matches_the_acceptance_figures(geo_loaded):
    report = network_build(offices=DEFAULT_OFFICES, seed=1405, history_days=0)  # history: test_history.py

    kinds = Counter(Office.objects.values_list("kind", flat=True))
    assert Office.objects.count() == DEFAULT_OFFICES == report.counts["offices"]
    assert set(kinds) == set(OfficeKind.values)

    per_province = Counter(Office.objects.values_list("province__code", flat=True))
    provinces = list(Province.objects.order_by("code"))
    rho = _spearman([per_province[p.code] for p in provinces], [p.population_2016 for p in provinces])
    assert rho >= 0.9

    this_year = jalali_year(timezone.localdate())
    assert Agency.objects.count() >= 6
    services = Service.objects.count()
    assert services >= 35
    assert Tariff.objects.filter(jalali_year=this_year).values("service").distinct().count() == services

    states = set(Conversion.objects.values_list("state", flat=True))
    assert states == set(ConversionState.values)
    assert Office.objects.filter(location_estimated=True, setting="rural").exists()
    assert StaffMember.objects.filter(office__code="P23-0001").exists()
    assert audit_chain_verify().intact


@pytest.mark.slow
def test_the_same_seed_plans_the_same_network(geo_loaded):
    first = plan_offices(total=500, rng=random.Random(7))
    second = plan_offices(total=500, rng=random.Random(7))
    other = plan_offices(total=500, rng=random.Random(8))

    assert first == second
    assert first != other
    assert len(first) == 500


def test_the_demo_command_refuses_a_registry_that_is_not_empty(geo_loaded):
    network_build(offices=40, seed=3)

    with pytest.raises(CommandError, match="not empty"):
        call_command("demo", "--offices", "40")


def test_the_demo_command_refuses_a_silly_size(geo_loaded):
    with pytest.raises(CommandError, match="between 1 and 200,000"):
        call_command("demo", "--offices", "0")
