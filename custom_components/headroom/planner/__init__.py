"""Headroom's planner: a price- and capacity-aware MILP scheduler, free of Home Assistant.

``problem_from_json`` -> ``solve`` -> ``Plan.to_json``; ``check_feasibility`` answers
"can this session be met?" without changing anything.
"""

from .feasibility import FeasibilityAnswer, check_feasibility, request_from_json
from .model import (
    Appliance,
    Battery,
    Ev,
    Fixed,
    Phases,
    Plan,
    Problem,
    ProblemError,
    Site,
    Tariff,
    ThermalStorage,
    problem_from_json,
    problem_to_json,
)
from .solve import solve

__all__ = [
    "Appliance",
    "Battery",
    "Ev",
    "FeasibilityAnswer",
    "Fixed",
    "Phases",
    "Plan",
    "Problem",
    "ProblemError",
    "Site",
    "Tariff",
    "ThermalStorage",
    "check_feasibility",
    "problem_from_json",
    "problem_to_json",
    "request_from_json",
    "solve",
]
