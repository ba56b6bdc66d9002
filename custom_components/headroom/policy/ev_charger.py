"""EV chargers in the policy: the plugged car's session from its goal, and the charger current
that carries a planned power.

The plan's kW become whole steps of the charger's current: below the minimum a charger is off
(0 A), never 1-5 A, which cars and chargers treat as an error. A plan's kW rarely fall on whole
amps; rounding down every step would leave the car short, so the current is rounded up one
step where the plan leaves that much room under the import limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..const import (
    CONF_DEFAULT_ENERGY_KWH,
    CONF_EV_CAPACITY_KWH,
    CONF_EV_SOC_ENTITY,
    CONF_MAX_CURRENT_A,
    CONF_MIN_CURRENT_A,
    CONF_PHASES,
    SUBENTRY_EV_CHARGER,
    ChargeMode,
)
from ..planner.model import DevicePlan, Ev
from ..planner.units import MIN_CURRENT_A, charger_amps, kw_from_amps
from .cycle import Cycle, Moment
from .intents import PRIORITIES, EvGoal, Intents
from .readings import ChargerReading
from .setpoints import Setpoint
from .wiring import wired_phases

KIND = SUBENTRY_EV_CHARGER
DEFAULT_PHASES = 3
DEFAULT_MAX_CURRENT_A = 16.0
DEFAULT_ENERGY_KWH = 20.0


@dataclass(frozen=True, kw_only=True)
class ChargerConfig:
    """A charger's settings with the defaults the form offers."""

    phases: int = DEFAULT_PHASES
    min_current_a: float = MIN_CURRENT_A
    max_current_a: float = DEFAULT_MAX_CURRENT_A
    capacity_kwh: float | None = None
    default_energy_kwh: float = DEFAULT_ENERGY_KWH

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> ChargerConfig:
        capacity = data.get(CONF_EV_CAPACITY_KWH)
        return cls(
            phases=int(data.get(CONF_PHASES, DEFAULT_PHASES)),
            min_current_a=float(data.get(CONF_MIN_CURRENT_A, MIN_CURRENT_A)),
            max_current_a=float(data.get(CONF_MAX_CURRENT_A, DEFAULT_MAX_CURRENT_A)),
            capacity_kwh=float(capacity) if capacity else None,
            default_energy_kwh=float(data.get(CONF_DEFAULT_ENERGY_KWH, DEFAULT_ENERGY_KWH)),
        )

    @property
    def max_kw(self) -> float:
        return kw_from_amps(self.max_current_a, self.phases)

    @property
    def min_kw(self) -> float:
        return min(kw_from_amps(self.min_current_a, self.phases), self.max_kw)


def measured_kw(reading: ChargerReading) -> float | None:
    """What the charger draws now by its power sensor (kW), None without one."""
    return reading.power_kw


def device(cycle: Cycle, device_id: str, data: Mapping[str, Any], reading: ChargerReading) -> Ev | None:
    """The plugged car's session until its departure, or None (unplugged, blocked, off)."""
    goal = cycle.intents.goals.get(device_id, EvGoal())
    override = cycle.intents.override(device_id, cycle.now)
    if not reading.plugged or override == "block" or (goal.mode == ChargeMode.OFF and override != "force"):
        return None
    config = ChargerConfig.from_data(data)
    timeline = cycle.timeline
    energy = _energy_wanted(cycle, data, config, goal, reading)
    departure = max(timeline.first_step_from(goal.departure_after(timeline.start)), 1)
    if override == "force":
        # Full power now: as much as the car could take before departure.
        energy = max(energy, config.max_kw * departure * timeline.step_hours)
    solar_cap = None
    if goal.mode == ChargeMode.SOLAR_ONLY and override != "force":
        # Only what PV makes beyond the house: the car waits for the sun, whatever the price.
        solar_cap = np.clip(cycle.surplus_kw, 0.0, None)
    fastest = goal.mode == ChargeMode.FASTEST or override == "force"
    return Ev(
        id=device_id,
        arrival=0,
        departure=departure,
        energy_kwh=energy,
        max_kw=config.max_kw,
        min_kw=config.min_kw,
        mode="fastest" if fastest else "cheapest",
        priority=max(PRIORITIES.values()) + 1 if override == "force" else goal.priority,
        phases=tuple(range(1, min(config.phases, 3) + 1)),
        power_now_kw=reading.power_kw or 0.0,
        max_kw_per_step=solar_cap,
    )


def _energy_wanted(
    cycle: Cycle, data: Mapping[str, Any], config: ChargerConfig, goal: EvGoal, reading: ChargerReading
) -> float:
    """The goal's energy, else from the car's SoC and capacity up to the goal's target (or the car's
    own charge limit when lower: the car stops there whatever is planned), else the charger's default."""
    if goal.energy_kwh is not None:
        return goal.energy_kwh
    soc = reading.soc_percent
    if data.get(CONF_EV_SOC_ENTITY) and soc is None:
        cycle.stale.append(data[CONF_EV_SOC_ENTITY])
    if soc is not None and config.capacity_kwh:
        target = goal.target_soc
        if reading.target_soc_percent is not None and 0 < reading.target_soc_percent <= 100:
            target = min(target, reading.target_soc_percent)
        return max(0.0, (target - soc) / 100.0 * config.capacity_kwh)
    return config.default_energy_kwh


def amps_for(
    config: ChargerConfig, reading: ChargerReading, target_kw: float, headroom_kw: float = 0.0
) -> float:
    """The current that carries ``target_kw`` on this charger, within what its control accepts."""
    min_a, max_a, step_a = config.min_current_a, config.max_current_a, 1.0
    if (accepted := reading.current_range) is not None:
        max_a, step_a = min(max_a, accepted.max_a), accepted.step_a or 1.0
        min_a = max(min_a, accepted.min_a) if accepted.min_a > 0 else min_a
    amps = charger_amps(target_kw, config.phases, min_a, max_a, step_a)
    up = amps + step_a
    if (
        0 < amps < max_a
        and up <= max_a
        and kw_from_amps(amps, config.phases) < target_kw - 1e-6
        and kw_from_amps(up, config.phases) - target_kw <= headroom_kw + 1e-9
    ):
        amps = up
    return amps


def setpoint_for(
    device_id: str,
    data: Mapping[str, Any],
    reading: ChargerReading,
    target_kw: float,
    headroom_kw: float = 0.0,
    drawing_kw: float | None = None,
) -> Setpoint:
    """``drawing_kw``: what it draws by the best account (else its own sensor), for the change."""
    config = ChargerConfig.from_data(data)
    amps = amps_for(config, reading, target_kw, headroom_kw)
    power = kw_from_amps(amps, config.phases)
    now_kw = drawing_kw if drawing_kw is not None else (reading.power_kw or 0.0)
    return Setpoint(device_id=device_id, kind=KIND, power_kw=power, delta_kw=power - now_kw, amps=amps)


def setpoint(
    moment: Moment,
    device_id: str,
    data: Mapping[str, Any],
    reading: ChargerReading,
    planned: DevicePlan | None,
) -> Setpoint:
    """Not in the plan (unplugged, blocked, off) means 0 A: a car plugging in does not start at
    full power before the next plan."""
    target = float(planned.power_kw[moment.step]) if planned is not None else 0.0
    room = moment.room_kw(wired_phases(data, max(len(moment.phase_headroom_kw), 1)))
    return setpoint_for(device_id, data, reading, target, room)


def cut_rank(intents: Intents, device_id: str) -> int:
    """Cars give way last, the lowest priority first."""
    return intents.goals.get(device_id, EvGoal()).priority


def cut_to(
    device_id: str, data: Mapping[str, Any], reading: ChargerReading, keep_kw: float, drawing_kw: float
) -> Setpoint:
    """The current (A) that keeps the charger at or below ``keep_kw``; 0 A (off) when that is below its
    minimum current."""
    return setpoint_for(device_id, data, reading, keep_kw, drawing_kw=drawing_kw)
