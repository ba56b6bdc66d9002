"""HA states -> planner Problem: the one place where Home Assistant meets the planner's model.

Everything here reads states synchronously on the event loop (cheap); the solve itself runs
in an executor. What could not be read is listed in ``Snapshot.stale`` so that the plan status
can say so, instead of planning silently on made-up numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

import numpy as np
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import STATE_ON, UnitOfPower
from homeassistant.core import HomeAssistant, State
from homeassistant.util import dt as dt_util

from .const import (
    CONF_CAPACITY_KWH,
    CONF_CHARGER_POWER_ENTITY,
    CONF_DEFAULT_ENERGY_KWH,
    CONF_EARLIEST_START,
    CONF_EV_CAPACITY_KWH,
    CONF_EV_SOC_ENTITY,
    CONF_EXPORT_LIMIT_KW,
    CONF_EXPORT_PRICE_ENTITY,
    CONF_EXPORT_PRICE_FIXED,
    CONF_HORIZON_HOURS,
    CONF_HOUSE_POWER_ENTITY,
    CONF_IMPORT_LIMIT_KW,
    CONF_LATEST_FINISH,
    CONF_MAX_CHARGE_KW,
    CONF_MAX_CURRENT_A,
    CONF_MAX_DISCHARGE_KW,
    CONF_MIN_CURRENT_A,
    CONF_MIN_SOC_PERCENT,
    CONF_PHASES,
    CONF_PLUGGED_ENTITY,
    CONF_POWER_ENTITY,
    CONF_PRICE_ENTITY,
    CONF_PV_FORECAST_ENTITY,
    CONF_RUN_MINUTES,
    CONF_RUN_POWER_KW,
    CONF_SOC_ENTITY,
    CONF_STEP_MINUTES,
    DEFAULT_BASE_LOAD_KW,
    DEFAULT_HORIZON_HOURS,
    DEFAULT_STEP_MINUTES,
    RUNNING_THRESHOLD_KW,
    SUBENTRY_APPLIANCE,
    SUBENTRY_BATTERY,
    SUBENTRY_EV_CHARGER,
    VOLTAGE_V,
    ChargeMode,
)
from .planner import Appliance, Battery, Ev, Problem, Site, Tariff
from .planner.model import Device
from .sources import state_number
from .sources.prices import points_from_state, price_series

DEFAULT_DEPARTURE = time(7, 0)
DEFAULT_TARGET_SOC = 80.0


@dataclass
class EvGoal:
    """What the person wants of a charger; kept in the Store across restarts."""

    mode: ChargeMode = ChargeMode.SMART
    target_soc: float = DEFAULT_TARGET_SOC
    departure: time = DEFAULT_DEPARTURE
    energy_kwh: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"mode": self.mode.value, "target_soc": self.target_soc,
                "departure": self.departure.isoformat(), "energy_kwh": self.energy_kwh}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EvGoal:
        return cls(
            mode=ChargeMode(data.get("mode", ChargeMode.SMART)),
            target_soc=float(data.get("target_soc", DEFAULT_TARGET_SOC)),
            departure=time.fromisoformat(data.get("departure", DEFAULT_DEPARTURE.isoformat())),
            energy_kwh=data.get("energy_kwh"),
        )


@dataclass
class Snapshot:
    problem: Problem
    stale: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    price_description: str = ""


def floor_to_step(moment: datetime, step_minutes: int) -> datetime:
    moment = dt_util.as_local(moment).replace(second=0, microsecond=0)
    return moment - timedelta(minutes=moment.minute % step_minutes)


def power_kw(state: State | None) -> float | None:
    """A power state in kW (W and kW understood), None when unavailable."""
    value = state_number(state)
    if state is None or value is None:
        return None
    unit = state.attributes.get("unit_of_measurement")
    if unit == UnitOfPower.WATT:
        return value / 1000.0
    if unit == UnitOfPower.MEGA_WATT:
        return value * 1000.0
    return value


def next_occurrence(now: datetime, at: time) -> datetime:
    candidate = dt_util.as_local(now).replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + timedelta(days=1)


def _step_index(start: datetime, moment: datetime, step_minutes: int, steps: int) -> int:
    return max(0, min(steps, math.ceil((moment - start).total_seconds() / 60 / step_minutes - 1e-9)))


def build_snapshot(
    hass: HomeAssistant, config: dict[str, Any], subentries: dict[str, ConfigSubentry],
    goals: dict[str, EvGoal], now: datetime,
) -> Snapshot:
    step_minutes = int(config.get(CONF_STEP_MINUTES, DEFAULT_STEP_MINUTES))
    steps = int(config.get(CONF_HORIZON_HOURS, DEFAULT_HORIZON_HOURS)) * 60 // step_minutes
    start = floor_to_step(now, step_minutes)
    stale: list[str] = []
    assumptions: list[str] = []

    price_state = hass.states.get(config[CONF_PRICE_ENTITY])
    prices = price_series(price_state, start, step_minutes, steps)
    if prices is None:
        stale.append(config[CONF_PRICE_ENTITY])
        import_price: Any = np.full(steps, 0.25)
        description = "price unavailable"
    else:
        import_price = np.array(prices.values)
        description = prices.description
        if prices.known_steps < steps:
            assumptions.append(f"prices known for {prices.known_steps * step_minutes / 60:.1f} h; "
                               "the rest repeats the day before")

    export_price: Any = np.full(steps, float(config.get(CONF_EXPORT_PRICE_FIXED, 0.0)))
    if export_entity := config.get(CONF_EXPORT_PRICE_ENTITY):
        exported = price_series(hass.states.get(export_entity), start, step_minutes, steps)
        if exported is None:
            stale.append(export_entity)
        else:
            export_price = np.array(exported.values)

    base = DEFAULT_BASE_LOAD_KW
    if house := config.get(CONF_HOUSE_POWER_ENTITY):
        measured = power_kw(hass.states.get(house))
        if measured is None:
            stale.append(house)
        else:
            base = max(measured, 0.0)
    pv: Any = np.zeros(steps)
    if pv_entity := config.get(CONF_PV_FORECAST_ENTITY):
        pv_state = hass.states.get(pv_entity)
        if pv_state is None:
            stale.append(pv_entity)
        else:
            pv = _pv_series(pv_state, start, step_minutes, steps)

    devices: list[Device] = []
    for subentry_id, sub in subentries.items():
        data = dict(sub.data)
        if sub.subentry_type == SUBENTRY_EV_CHARGER:
            ev = _ev(hass, subentry_id, data, goals.get(subentry_id, EvGoal()), start, step_minutes, steps, stale)
            if ev is not None:
                devices.append(ev)
        elif sub.subentry_type == SUBENTRY_BATTERY:
            battery = _battery(hass, subentry_id, data, stale)
            if battery is not None:
                devices.append(battery)
        elif sub.subentry_type == SUBENTRY_APPLIANCE:
            appliance = _appliance(hass, subentry_id, data, start, step_minutes, steps)
            if appliance is not None:
                devices.append(appliance)

    limit = float(config[CONF_IMPORT_LIMIT_KW])
    problem = Problem(
        start=start,
        step_minutes=step_minutes,
        steps=steps,
        site=Site(
            import_limit_kw=np.full(steps, limit),
            export_limit_kw=np.full(steps, float(config.get(CONF_EXPORT_LIMIT_KW, limit))),
            phases=None,
        ),
        tariff=Tariff(import_price=import_price, export_price=export_price),
        base_load_kw=np.full(steps, base),
        pv_kw=pv,
        devices=tuple(devices),
    )
    return Snapshot(problem, stale, assumptions, description)


def _pv_series(state: State, start: datetime, step_minutes: int, steps: int) -> Any:
    """PV forecast from a generic list attribute (``{start, value}`` in kW or W)."""
    points = points_from_state(state)
    out: Any = np.zeros(steps)
    step = timedelta(minutes=step_minutes)
    for t in range(steps):
        moment = start + t * step
        for p in points:
            if p.start <= moment < p.end:
                out[t] = max(p.price, 0.0)
                break
    if state.attributes.get("unit_of_measurement") == UnitOfPower.WATT:
        out = out / 1000.0
    return out


def _ev(
    hass: HomeAssistant, device_id: str, data: dict[str, Any], goal: EvGoal, start: datetime,
    step_minutes: int, steps: int, stale: list[str],
) -> Ev | None:
    plugged_entity = data.get(CONF_PLUGGED_ENTITY)
    charging_now = power_kw(hass.states.get(data.get(CONF_CHARGER_POWER_ENTITY, ""))) or 0.0
    if plugged_entity:
        plugged_state = hass.states.get(plugged_entity)
        plugged = plugged_state is not None and plugged_state.state == STATE_ON
    else:
        plugged = charging_now > RUNNING_THRESHOLD_KW
    if not plugged or goal.mode == ChargeMode.OFF:
        return None
    phases = int(data.get(CONF_PHASES, 3))
    max_kw = float(data[CONF_MAX_CURRENT_A]) * phases * VOLTAGE_V / 1000.0
    min_kw = min(float(data.get(CONF_MIN_CURRENT_A, 6)) * phases * VOLTAGE_V / 1000.0, max_kw)
    capacity = data.get(CONF_EV_CAPACITY_KWH)
    energy = goal.energy_kwh
    if energy is None:
        soc = state_number(hass.states.get(data[CONF_EV_SOC_ENTITY])) if data.get(CONF_EV_SOC_ENTITY) else None
        if data.get(CONF_EV_SOC_ENTITY) and soc is None:
            stale.append(data[CONF_EV_SOC_ENTITY])
        if soc is not None and capacity:
            energy = max(0.0, (goal.target_soc - soc) / 100.0 * float(capacity))
        else:
            energy = float(data.get(CONF_DEFAULT_ENERGY_KWH, 20.0))
    departure = _step_index(start, next_occurrence(start, goal.departure), step_minutes, steps)
    return Ev(
        id=device_id, arrival=0, departure=max(departure, 1), energy_kwh=energy, max_kw=max_kw, min_kw=min_kw,
        mode="fastest" if goal.mode == ChargeMode.FASTEST else "cheapest",
        phases=tuple(range(1, phases + 1)) if phases <= 3 else (1, 2, 3),
        power_now_kw=charging_now,
    )


def _battery(hass: HomeAssistant, device_id: str, data: dict[str, Any], stale: list[str]) -> Battery | None:
    soc_percent = state_number(hass.states.get(data[CONF_SOC_ENTITY]))
    if soc_percent is None:
        stale.append(data[CONF_SOC_ENTITY])
        return None
    capacity = float(data[CONF_CAPACITY_KWH])
    min_soc = capacity * float(data.get(CONF_MIN_SOC_PERCENT, 10)) / 100.0
    soc = min(max(soc_percent / 100.0 * capacity, min_soc), capacity)
    return Battery(
        id=device_id, capacity_kwh=capacity, soc_kwh=soc, min_soc_kwh=min_soc, max_soc_kwh=capacity,
        max_charge_kw=float(data[CONF_MAX_CHARGE_KW]), max_discharge_kw=float(data[CONF_MAX_DISCHARGE_KW]),
    )


def _appliance(
    hass: HomeAssistant, device_id: str, data: dict[str, Any], start: datetime, step_minutes: int, steps: int,
) -> Appliance | None:
    """The next run of an appliance inside its daily window [earliest start, latest finish]."""
    length = max(1, math.ceil(float(data[CONF_RUN_MINUTES]) / step_minutes))
    run = timedelta(minutes=length * step_minutes)
    earliest = time.fromisoformat(data.get(CONF_EARLIEST_START, "00:00:00"))
    latest = time.fromisoformat(data.get(CONF_LATEST_FINISH, "23:59:00"))
    running = power_kw(hass.states.get(data.get(CONF_POWER_ENTITY, "")))
    profile = np.full(length, float(data[CONF_RUN_POWER_KW]))
    if running is not None and running > RUNNING_THRESHOLD_KW:
        return Appliance(id=device_id, profile_kw=profile, windows=((0, length),), started_step=0)
    # The window that opened most recently, or the next one if that one can no longer fit a run.
    opened = next_occurrence(start, earliest) - timedelta(days=1)
    for _ in range(2):
        closes = next_occurrence(opened, latest)
        if closes - run >= start:
            break
        opened += timedelta(days=1)
    first = _step_index(start, max(opened, start), step_minutes, steps)
    end = int((closes - start).total_seconds() // 60 // step_minutes)
    appliance = Appliance(id=device_id, profile_kw=profile, windows=((first, max(end, first + 1)),))
    return appliance if len(appliance.allowed_starts(steps)) else None


