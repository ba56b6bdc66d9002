"""Headroom's fleet planner: a depot's vehicles, routes and chargers, planned day by day (seed 002),
free of Home Assistant.

``fleet_from_json`` -> ``plan_fleet`` -> ``FleetResult.to_json``; the command line is
``python -m custom_components.headroom.fleet``.
"""

from .model import Fleet, ProblemError, fleet_from_json
from .plan import FleetResult, ModeResult, plan_fleet

__all__ = ["Fleet", "FleetResult", "ModeResult", "ProblemError", "fleet_from_json", "plan_fleet"]
