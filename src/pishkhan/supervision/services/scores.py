"""Offices' monthly scores: the regulator's weights, and the month's computation for every office.

The computation reads each registered component once for the whole month (``supervision.scores``),
scores every office in memory (``scoring``, a pure core), ranks them within their province, and
replaces the month's rows in one transaction through the bulk writer: for 13,000 offices a handful
of grouped reads and one COPY, never a query per office. A score is derived data: one audit entry
records each computation (the month, how many offices, the weights and components used), not one
per office.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor, actor_label
from pishkhan.audit.services import audit_record
from pishkhan.common.bulk import insert_dicts
from pishkhan.common.calendar import TEHRAN
from pishkhan.common.errors import ValidationError
from pishkhan.offices.selectors import office_list
from pishkhan.offices.states import OfficeStatus, ServingHold
from pishkhan.supervision import scoring
from pishkhan.supervision.models import SCORE_MAX, OfficeScore, ScoreMethod, ScoreMonth, ScoreWeight
from pishkhan.supervision.scores import JalaliMonth, score_components

# Offices that never served citizens are not ranked: a score would praise them for doing nothing.
_NEVER_SERVED = (ServingHold.UNLICENSED, ServingHold.NOT_YET_ACTIVE)
WEIGHT_FIELDS = ("weight", "per_unit", "cap", "method")


def score_rules() -> list[scoring.ComponentRule]:
    """The weights as the pure core takes them, in the components' order."""
    return [
        scoring.ComponentRule(
            code=row.component, weight=row.weight, method=row.method, per_unit=row.per_unit, cap=row.cap
        )
        for row in ScoreWeight.objects.order_by("id")
    ]


def _number(value: Any, *, code: str, name: str, integer: bool = False) -> float:
    """A weight's number, 0 to 100, or a ``ValidationError`` naming ``<component>-<field>``."""
    field = f"{code}-{name}"
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if math.isnan(number) or not 0 <= number <= SCORE_MAX or (integer and number != int(number)):
        message = _("A whole number from 0 to 100.") if integer else _("A number from 0 to 100.")
        raise ValidationError(message, fields={field: message})
    return int(number) if integer else number


def score_weights_set(*, changes: Mapping[str, Mapping[str, Any]], actor: Actor) -> list[ScoreWeight]:
    """Change the score's weights: ``{component: {"weight": 25, "per_unit": 20, "cap": 100,
    "method": "penalty"}}`` (a field left out keeps its value). Every value is checked before any is
    written: a weight is a whole number and a penalty and cap numbers, each from 0 to 100, a method
    one of ``ScoreMethod``, and some weight must stay above 0; one refusal writes nothing. Each
    component that changed gets one audit entry. Returns the weights as saved."""
    errors: dict[str, str] = {}
    with transaction.atomic():
        current = {row.component: row for row in ScoreWeight.objects.select_for_update().order_by("id")}
        wanted: dict[str, dict[str, Any]] = {}
        for code, given in changes.items():
            if code not in current:
                errors[f"{code}-weight"] = str(_("Unknown score component."))
                continue
            row = current[code]
            values = {name: getattr(row, name) for name in WEIGHT_FIELDS}
            for name in ("weight", "per_unit", "cap"):
                if name in given:
                    try:
                        values[name] = _number(given[name], code=code, name=name, integer=name == "weight")
                    except ValidationError as refused:
                        errors.update({key: messages[0] for key, messages in refused.fields.items()})
            if "method" in given:
                if given["method"] not in ScoreMethod.values:
                    errors[f"{code}-method"] = str(_("Unknown scoring method."))
                else:
                    values["method"] = given["method"]
            wanted[code] = values
        if not errors:
            total = sum(wanted.get(code, {"weight": row.weight})["weight"] for code, row in current.items())
            if total <= 0:
                errors["__all__"] = str(_("At least one component must weigh more than 0."))
        if errors:
            first = next(iter(errors.values()))
            raise ValidationError(first, fields=errors)
        now = timezone.now()
        for code, values in wanted.items():
            row = current[code]
            before = {name: getattr(row, name) for name in WEIGHT_FIELDS}
            if before == values:
                continue
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at, row.updated_by = now, actor_label(actor)
            row.save(update_fields=[*WEIGHT_FIELDS, "updated_at", "updated_by"])
            audit_record(actor=actor, action="score_weight.set", target=row, before=before, after=values)
    return list(current.values())


@dataclass(frozen=True)
class ScoresComputed:
    """What a computation did: the month, how many offices were scored, whether it closed the month,
    and the components that were left out for want of a function."""

    month: JalaliMonth
    offices: int
    final: bool
    missing: tuple[str, ...]


def scores_compute(
    *, month: JalaliMonth, actor: Actor, now: dt.datetime | None = None, final: bool | None = None
) -> ScoresComputed:
    """Compute every office's score for a Jalali month and replace the month's rows.

    ``final`` (by default: whether the month has ended) closes the month; before its end the scores
    are provisional and recomputed. A month not yet begun is refused (422). Offices closed, or that
    never served (no licence, or not yet active), are not scored.
    """
    now = now or timezone.now()
    if month.start > now:
        message = _("Month %(month)s has not begun.") % {"month": month.code}
        raise ValidationError(message, fields={"month": message})
    if final is None:
        final = month.end <= now
    rules = score_rules()
    wanted = {rule.code for rule in rules}
    functions = score_components()
    figures = {code: fn(start=month.start, end=month.end) for code, fn in functions.items() if code in wanted}
    offices = list(
        office_list(scope={})
        .filter(created_at__lt=month.end)
        .exclude(status=OfficeStatus.CLOSED)
        .exclude(serving_hold__in=_NEVER_SERVED)
        .order_by()
        .values_list("pk", "province_id", "county_id")
    )
    scored: dict[int, tuple[int, int, scoring.Scored]] = {}
    by_province: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for office_id, province_id, county_id in offices:
        result = scoring.office_score(rules, figures, office_id)
        if result.score is None:
            continue
        scored[office_id] = (province_id, county_id, result)
        by_province[province_id].append((office_id, result.score))
    ranked: dict[int, int] = {}
    for members in by_province.values():
        ranked.update(scoring.ranks(members))
    rows = [
        {
            "office_id": office_id,
            "province_id": province_id,
            "county_id": county_id,
            "year": month.year,
            "month": month.month,
            "score": result.score,
            "rank": ranked[office_id],
            "breakdown": result.breakdown,
            "final": final,
            "computed_at": now,
        }
        for office_id, (province_id, county_id, result) in sorted(scored.items())
    ]
    missing = tuple(rule.code for rule in rules if rule.code not in figures)
    with transaction.atomic():
        OfficeScore.objects.filter(year=month.year, month=month.month).delete()
        insert_dicts(OfficeScore, rows)
        ScoreMonth.objects.update_or_create(
            year=month.year,
            month=month.month,
            defaults={"final": final, "offices": len(rows), "computed_at": now},
        )
        audit_record(
            actor=actor,
            action="scores.compute",
            after={
                "month": month.code,
                "offices": len(rows),
                "final": final,
                "weights": {rule.code: rule.weight for rule in rules},
                "components": sorted(figures),
                "missing": list(missing),
            },
        )
    return ScoresComputed(month=month, offices=len(rows), final=final, missing=missing)


def scores_compute_due(*, now: dt.datetime, actor: Actor) -> list[ScoresComputed]:
    """What the worker does: close the previous month if its scores are not final yet, and compute
    this month's provisional scores once a day (when none were computed since today's first Tehran
    midnight). Returns the computations done (none when all is up to date)."""
    done = []
    this = JalaliMonth.of(now)
    previous = this.previous()
    if not ScoreMonth.objects.filter(year=previous.year, month=previous.month, final=True).exists():
        done.append(scores_compute(month=previous, actor=actor, now=now, final=True))
    today = dt.datetime.combine(now.astimezone(TEHRAN).date(), dt.time.min, tzinfo=TEHRAN)
    if not ScoreMonth.objects.filter(year=this.year, month=this.month, computed_at__gte=today).exists():
        done.append(scores_compute(month=this, actor=actor, now=now, final=False))
    return done
