"""Home batteries in the policy: the battery the planner may move from its SoC, and the mode and
power to hold now. Modes are the S2-style vocabulary of the plan (seed 003), stated once here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, get_args

import numpy as np

from ..const import (
    CONF_CAPACITY_KWH,
    CONF_MAX_CHARGE_KW,
    CONF_MAX_DISCHARGE_KW,
    CONF_MIN_SOC_PERCENT,
    CONF_POWER_SETPOINT_ENTITY,
    CONF_SOC_ENTITY,
    SUBENTRY_BATTERY,
)
from ..planner.model import Battery, BatteryMode, DevicePlan, Fixed, FloatArray
from .cycle import Cycle, Moment
from .intents import Intents
from .readings import BatteryReading
from .setpoints import Setpoint

KIND = SUBENTRY_BATTERY
PLAN_MODES: tuple[BatteryMode, ...] = get_args(BatteryMode)  # the planner's vocabulary, stated there once
EFFICIENCY = 0.95
DEFAULT_MIN_SOC_PERCENT = 10.0
# Below this share of the deficit, a planned discharge is not self-consumption but a set power.
PARTIAL = 0.999
# A battery cut for the fuse covers the house instead of charging.
CUT_MODE: BatteryMode = "self_consumption"


@dataclass(frozen=True, kw_only=True)
class BatteryConfig:
    """A battery's settings: usable capacity (kWh), charge and discharge limits (kW), and the reserve (%
    SoC) it is never planned below."""

    capacity_kwh: float
    max_charge_kw: float
    max_discharge_kw: float
    min_soc_percent: float = DEFAULT_MIN_SOC_PERCENT

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> BatteryConfig:
        return cls(
            capacity_kwh=float(data[CONF_CAPACITY_KWH]),
            max_charge_kw=float(data[CONF_MAX_CHARGE_KW]),
            max_discharge_kw=float(data[CONF_MAX_DISCHARGE_KW]),
            min_soc_percent=float(data.get(CONF_MIN_SOC_PERCENT, DEFAULT_MIN_SOC_PERCENT)),
        )


def measured_kw(reading: BatteryReading) -> float | None:
    """What the battery draws now by its power sensor (kW), None without one."""
    return reading.power_kw


def device(
    cycle: Cycle, device_id: str, data: Mapping[str, Any], reading: BatteryReading
) -> Battery | Fixed | None:
    """The battery for the planner from its SoC (held between reserve and full): free to charge and
    discharge, held still when blocked, a full-power charge when forced; None (a stale input) while its
    SoC cannot be read."""
    if reading.soc_percent is None:
        cycle.stale.append(data[CONF_SOC_ENTITY])
        return None
    config = BatteryConfig.from_data(data)
    capacity = config.capacity_kwh
    min_soc = capacity * config.min_soc_percent / 100.0
    soc = min(max(reading.soc_percent / 100.0 * capacity, min_soc), capacity)
    override = cycle.intents.override(device_id, cycle.now)
    if override == "force":
        return _forced(device_id, config, soc, cycle)
    blocked = override == "block"
    return Battery(
        id=device_id,
        capacity_kwh=capacity,
        soc_kwh=soc,
        min_soc_kwh=min_soc,
        max_soc_kwh=capacity,
        max_charge_kw=0.0 if blocked else config.max_charge_kw,
        max_discharge_kw=0.0 if blocked else config.max_discharge_kw,
        charge_efficiency=EFFICIENCY,
        discharge_efficiency=EFFICIENCY,
        stored_value_per_kwh=stored_value_per_kwh(cycle.import_price),
    )


def stored_value_per_kwh(import_price: FloatArray | None) -> float:
    """What a kWh left in the battery at the horizon's end is worth: what putting it back would cost,
    the horizon's cheapest import price through a round trip's losses. Without it the plan empties the
    battery into export at the edge of every horizon (as if the world ended there); valued higher
    (at the mean price, say) it would hoard, holding a full battery through a flat tariff's evening."""
    if import_price is None or not len(import_price):
        return 0.0
    return max(float(np.min(import_price)), 0.0) * EFFICIENCY * EFFICIENCY


def _forced(device_id: str, config: BatteryConfig, soc_kwh: float, cycle: Cycle) -> Fixed:
    """Charge at full power until full: a promised load, like a reservation."""
    dt = cycle.timeline.step_hours
    power = np.zeros(cycle.timeline.steps)
    remaining = (config.capacity_kwh - soc_kwh) / EFFICIENCY
    for t in range(cycle.timeline.steps):
        if remaining <= 0:
            break
        power[t] = min(config.max_charge_kw, remaining / dt)
        remaining -= power[t] * dt
    return Fixed(id=device_id, power_kw=power)


def setpoint(
    moment: Moment,
    device_id: str,
    data: Mapping[str, Any],
    reading: BatteryReading,
    planned: DevicePlan | None,
) -> Setpoint | None:
    """The plan's power (kW, positive charging) and mode for the current step; None when it has no plan."""
    if planned is None:
        return None
    target = float(planned.power_kw[moment.step])
    mode = planned.mode[moment.step] if planned.mode is not None else None
    factor = float(planned.mode_factor[moment.step]) if planned.mode_factor is not None else 1.0
    if (
        mode == "self_consumption"
        and target < 0
        and factor < PARTIAL
        and data.get(CONF_POWER_SETPOINT_ENTITY)
    ):
        # The plan covers only part of the house's deficit (a car charges in a cheap hour): in
        # self-consumption the inverter would cover all of it, the car too. With a power setpoint
        # it discharges exactly the planned power.
        mode = "forced_discharge"
    return Setpoint(
        device_id=device_id,
        kind=KIND,
        power_kw=target,
        delta_kw=target - (reading.power_kw or 0.0),
        mode=mode,
        hold_minutes=_held_minutes(moment, planned, mode),
    )


def _held_minutes(moment: Moment, planned: DevicePlan, mode: str | None) -> float | None:
    """How long the plan keeps ``mode`` from the current step on (whole steps, min); None when the
    plan has no modes or its step length is unknown."""
    if planned.mode is None or not moment.step_minutes or mode is None:
        return None
    steps = 1  # the current step holds it, whatever the plan called it
    for planned_mode in planned.mode[moment.step + 1 :]:
        if planned_mode != mode:
            break
        steps += 1
    return steps * moment.step_minutes


def cut_rank(intents: Intents, device_id: str) -> int:
    """A battery charging from the grid gives way before any car."""
    return 0


def cut_to(
    device_id: str, data: Mapping[str, Any], reading: BatteryReading, keep_kw: float, drawing_kw: float
) -> Setpoint:
    """Charge at most ``keep_kw`` (the fuse needs the rest); covering the house when that is 0."""
    return Setpoint(
        device_id=device_id,
        kind=KIND,
        power_kw=keep_kw,
        delta_kw=keep_kw - drawing_kw,
        mode="forced_charge" if keep_kw > 0 else CUT_MODE,
    )
