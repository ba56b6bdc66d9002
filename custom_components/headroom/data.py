"""One cycle's result, as entities, services and the controller see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from homeassistant.config_entries import ConfigEntry

from .const import PlanState
from .planner import Plan, Problem
from .policy.problem import DeviceConfig
from .policy.readings import Readings
from .policy.timeline import Timeline


@dataclass
class HeadroomData:
    """One cycle's result: the problem as built, its plan, the readings it came from, what was stale or
    assumed, and each device's capacity envelope (kW); what entities, actions and the controller read
    until the next cycle."""

    status: PlanState
    problem: Problem
    plan: Plan
    planned_at: datetime
    readings: Readings
    devices: dict[str, DeviceConfig] = field(default_factory=dict)
    stale: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    price_description: str = ""
    cycle_seconds: float = 0.0
    allocated_kw: dict[str, Any] = field(default_factory=dict)

    @property
    def timeline(self) -> Timeline:
        return Timeline(self.problem.start, self.problem.step_minutes, self.problem.steps)

    def step_of(self, now: datetime) -> int:
        """The plan step that holds ``now`` (clamped to the horizon)."""
        return self.timeline.step_of(now)

    def step_start(self, index: int) -> datetime:
        return self.timeline.moment(index)


def site_settings(entry: ConfigEntry) -> dict[str, Any]:
    """The site's settings: the entry's data, overridden by its options; a field a form left empty
    is stored as None and means "not set" (so saved options can clear what the data held)."""
    return {k: v for k, v in {**entry.data, **entry.options}.items() if v is not None}
