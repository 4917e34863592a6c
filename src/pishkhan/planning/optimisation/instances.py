"""The optimiser's input and output: an instance (demand points, candidate and existing sites) and a
result, as dataclasses, and the reading of an instance from JSON with one clear message per fault.

The JSON contract is ``docs/planning.md``'s: ``{"model", "radius_km", "p", "demand": [{"id", "lat",
"lon", "weight"}], "sites": [{"id", "lat", "lon", "existing", "capacity"?}]}``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

Model = Literal["mclp", "lscp", "pmedian"]
Status = Literal["optimal", "time_limit", "greedy"]
MODELS: tuple[str, ...] = ("mclp", "lscp", "pmedian")


class InstanceError(ValueError):
    """An instance the optimiser cannot solve; the message names the field at fault, on one line."""


@dataclass(frozen=True, slots=True)
class Demand:
    """A demand point: where people are, and how much they need offices (population × use rate)."""

    id: str
    lat: float
    lon: float
    weight: float


@dataclass(frozen=True, slots=True)
class Site:
    """A site: a candidate for a new office, or an existing office (always open).

    ``capacity`` (demand weight it can serve) is read by the capacitated p-median only.
    """

    id: str
    lat: float
    lon: float
    existing: bool = False
    capacity: float | None = None


@dataclass(frozen=True, slots=True)
class Instance:
    """A siting problem. ``p``: new sites for MCLP, sites in total (existing included) for p-median,
    unused by LSCP. ``radius_km``: the coverage radius of MCLP and LSCP (inclusive)."""

    model: Model
    demand: tuple[Demand, ...]
    sites: tuple[Site, ...]
    radius_km: float = 0.0
    p: int = 0


@dataclass(frozen=True, slots=True)
class Result:
    """What the optimiser answers.

    ``objective``: MCLP the demand weight covered by existing and chosen sites; LSCP the number of new
    sites; p-median the total weighted distance in km. ``bound``: what is proven about the optimum (an
    upper bound for MCLP, a lower bound for LSCP and p-median). ``gap``: ``|bound − objective| /
    |objective|`` (0 when they are equal, ``None`` when the objective is 0 and the bound is not).
    ``chosen``: the ids of the new sites to open (existing sites are always open and not listed).
    """

    model: Model
    status: Status
    objective: float
    bound: float
    gap: float | None
    chosen: tuple[str, ...]
    seconds: float
    notes: tuple[str, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        """The result in the command's JSON contract."""
        return {
            "model": self.model,
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "chosen": list(self.chosen),
            "seconds": round(self.seconds, 3),
            "notes": list(self.notes),
        }


def gap_of(objective: float, bound: float) -> float | None:
    """The relative distance between an answer and what is proven about the optimum."""
    diff = abs(bound - objective)
    if diff <= 1e-9 * max(1.0, abs(objective)):
        return 0.0
    if objective == 0:
        return None
    return diff / abs(objective)


def _number(raw: Any, where: str, *, low: float | None = None, high: float | None = None) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise InstanceError(f"{where}: expected a number, got {type(raw).__name__}")
    value = float(raw)
    if not math.isfinite(value):
        raise InstanceError(f"{where}: expected a finite number, got {raw}")
    if low is not None and value < low:
        raise InstanceError(f"{where}: {raw} is below {low:g}")
    if high is not None and value > high:
        raise InstanceError(f"{where}: {raw} is above {high:g}")
    return value


def _field(item: dict[str, Any], key: str, where: str) -> Any:
    if key not in item:
        raise InstanceError(f"{where}: missing field {key!r}")
    return item[key]


def _ident(raw: Any, where: str) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise InstanceError(f"{where}.id: expected a string, got {type(raw).__name__}")
    text = str(raw)
    if not text:
        raise InstanceError(f"{where}.id: empty")
    return text


def _list(data: dict[str, Any], key: str) -> list[Any]:
    raw = _field(data, key, "instance")
    if not isinstance(raw, list):
        raise InstanceError(f"{key}: expected a list, got {type(raw).__name__}")
    return raw


def _demand(raw: Any, where: str) -> Demand:
    if not isinstance(raw, dict):
        raise InstanceError(f"{where}: expected an object, got {type(raw).__name__}")
    return Demand(
        id=_ident(_field(raw, "id", where), where),
        lat=_number(_field(raw, "lat", where), f"{where}.lat", low=-90, high=90),
        lon=_number(_field(raw, "lon", where), f"{where}.lon", low=-180, high=180),
        weight=_number(_field(raw, "weight", where), f"{where}.weight", low=0),
    )


def _site(raw: Any, where: str) -> Site:
    if not isinstance(raw, dict):
        raise InstanceError(f"{where}: expected an object, got {type(raw).__name__}")
    existing = raw.get("existing", False)
    if not isinstance(existing, bool):
        raise InstanceError(f"{where}.existing: expected true or false, got {existing!r}")
    capacity = raw.get("capacity")
    return Site(
        id=_ident(_field(raw, "id", where), where),
        lat=_number(_field(raw, "lat", where), f"{where}.lat", low=-90, high=90),
        lon=_number(_field(raw, "lon", where), f"{where}.lon", low=-180, high=180),
        existing=existing,
        capacity=None if capacity is None else _number(capacity, f"{where}.capacity", low=0),
    )


def _unique(ids: list[str], key: str) -> None:
    seen: set[str] = set()
    for n, ident in enumerate(ids):
        if ident in seen:
            raise InstanceError(f"{key}[{n}].id: duplicate id {ident!r}")
        seen.add(ident)


def instance_parse(data: Any) -> Instance:
    """Read an instance from parsed JSON, checking every rule of the contract.

    Raises ``InstanceError`` with one line naming the first fault (``demand[3].lat: 91 is above 90``).
    """
    if not isinstance(data, dict):
        raise InstanceError(f"instance: expected a JSON object, got {type(data).__name__}")
    model = _field(data, "model", "instance")
    if model not in MODELS:
        raise InstanceError(f"model: unknown model {model!r}; expected one of {', '.join(MODELS)}")
    demand = tuple(_demand(raw, f"demand[{n}]") for n, raw in enumerate(_list(data, "demand")))
    if not demand:
        raise InstanceError("demand: no demand points")
    sites = tuple(_site(raw, f"sites[{n}]") for n, raw in enumerate(_list(data, "sites")))
    if not sites:
        raise InstanceError("sites: no sites")
    _unique([d.id for d in demand], "demand")
    _unique([s.id for s in sites], "sites")
    candidates = sum(1 for s in sites if not s.existing)
    existing = len(sites) - candidates

    radius = 0.0
    if model in ("mclp", "lscp"):
        radius = _number(_field(data, "radius_km", "instance"), "radius_km", low=0)
    p = 0
    if model in ("mclp", "pmedian"):
        raw_p = _field(data, "p", "instance")
        if isinstance(raw_p, bool) or not isinstance(raw_p, int) or raw_p < 0:
            raise InstanceError(f"p: expected a whole number of sites, got {raw_p!r}")
        p = raw_p
    if model == "mclp" and p > candidates:
        raise InstanceError(f"p: {p} new sites asked for, but there are only {candidates} candidate sites")
    if model == "pmedian":
        if p > len(sites):
            raise InstanceError(f"p: {p} sites asked for, but there are only {len(sites)} sites")
        if p < existing:
            raise InstanceError(f"p: {p} sites in total, but {existing} existing sites are open already")
        if p == 0:
            raise InstanceError("p: a p-median needs at least one site")
        capacities = [s.capacity for s in sites]
        if any(c is not None for c in capacities) and any(c is None for c in capacities):
            raise InstanceError("sites: give every site a capacity, or none")
    return Instance(model=model, demand=demand, sites=sites, radius_km=radius, p=p)
