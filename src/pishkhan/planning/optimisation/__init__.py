"""The siting optimiser, a pure core (no Django): MCLP, LSCP and p-median on great-circle distances,
a lazy greedy for a warm start and a bound, and the exact programmes solved with HiGHS.

``instance_parse`` reads the JSON contract (``docs/planning.md``); ``solve`` answers it.
"""

from pishkhan.planning.optimisation.instances import (
    Demand,
    Instance,
    InstanceError,
    Result,
    Site,
    instance_parse,
)
from pishkhan.planning.optimisation.solve import DEFAULT_TIME_LIMIT, solve

__all__ = [
    "DEFAULT_TIME_LIMIT",
    "Demand",
    "Instance",
    "InstanceError",
    "Result",
    "Site",
    "instance_parse",
    "solve",
]
