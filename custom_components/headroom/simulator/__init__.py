"""A home energy simulator without Home Assistant (seed 004): the sun, the weather, PV, a battery,
chargers with cars, appliances, the house and the grid, run in closed loop with a policy.

``python -m custom_components.headroom.simulator run SCENARIO.json --days 7 --policy headroom``
"""

from .run import Result, Simulation, compare, run
from .scenario import Scenario, ScenarioError

__all__ = ["Result", "Scenario", "ScenarioError", "Simulation", "compare", "run"]
