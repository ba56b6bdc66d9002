"""HA states -> planner Problem: the one place where Home Assistant meets the planner's model.

Everything here reads states synchronously on the event loop (cheap); the solve itself runs
in an executor. What could not be read is listed in ``Snapshot.stale`` so that the plan status
can say so, instead of planning silently on made-up numbers.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

import numpy as np
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant
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
    CONF_EXPORT_PRICE_FACTOR,
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
    CONF_POWER_ENTITY,
    CONF_PRICE_ENTITY,
    CONF_PRICE_FIXED,
    CONF_PRICE_MULTIPLIER,
    CONF_PRICE_OFFSET,
    CONF_PV_FORECAST_ENTITY,
    CONF_PV_PESSIMISTIC,
    CONF_RUN_MINUTES,
    CONF_RUN_POWER_KW,
    CONF_SOC_ENTITY,
    CONF_STEP_MINUTES,
    CONF_TOU_OFF_PEAK_PRICE,
    CONF_TOU_PEAK_END,
    CONF_TOU_PEAK_PRICE,
    CONF_TOU_PEAK_START,
    CONF_TOU_WEEKEND_OFF_PEAK,
    DEFAULT_BASE_LOAD_KW,
    DEFAULT_HORIZON_HOURS,
    DEFAULT_STEP_MINUTES,
    SUBENTRY_APPLIANCE,
    SUBENTRY_BATTERY,
    SUBENTRY_EV_CHARGER,
    VOLTAGE_V,
    ChargeMode,
)
from .devices import appliance as appliance_device
from .devices import ev_charger
from .intents import PRIORITIES, EvGoal, Intents, OverrideAction, next_occurrence
from .planner import Appliance, Battery, Ev, Fixed, Problem, Site, Tariff
from .planner.model import Device, ImportCap
from .sources import power_kw, state_number
from .sources.base_load import BaseLoadProfile
from .sources.prices import PricePoint, price_series
from .sources.pv import attribute_points, pv_series
from .sources.tariff import tou_series, with_fees

RESERVATION_PREFIX = "reservation:"
FALLBACK_PRICE = 0.25


@dataclass
class Inputs:
    """What the coordinator fetched before the cycle (service answers, energy platforms, history)."""

    price_points: list[PricePoint] | None = None
    pv_arrays: list[list[PricePoint]] = field(default_factory=list)
    base_load: BaseLoadProfile | None = None

BATTERY_EFFICIENCY = 0.95


@dataclass
class Snapshot:
    problem: Problem
    stale: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    price_description: str = ""


def floor_to_step(moment: datetime, step_minutes: int) -> datetime:
    moment = dt_util.as_local(moment).replace(second=0, microsecond=0)
    return moment - timedelta(minutes=moment.minute % step_minutes)


def step_index(start: datetime, moment: datetime, step_minutes: int, steps: int) -> int:
    """The first step that begins at or after ``moment`` (clamped to [0, steps])."""
    return max(0, min(steps, math.ceil((moment - start).total_seconds() / 60 / step_minutes - 1e-9)))


def step_containing(start: datetime, moment: datetime, step_minutes: int, steps: int) -> int:
    """The step whose interval holds ``moment`` (clamped to [0, steps])."""
    return max(0, min(steps, math.floor((moment - start).total_seconds() / 60 / step_minutes + 1e-9)))


def build_snapshot(
    hass: HomeAssistant, config: dict[str, Any], subentries: dict[str, ConfigSubentry],
    intents: Intents, now: datetime, previous: PreviousPlan | None = None,
    measured_only: frozenset[str] = frozenset(), inputs: Inputs | None = None,
) -> Snapshot:
    """``measured_only``: devices Headroom does not drive now (a person took over, or the device
    does not follow); they are planned as drawing what they draw now, for the next hour."""
    step_minutes = int(config.get(CONF_STEP_MINUTES, DEFAULT_STEP_MINUTES))
    steps = int(config.get(CONF_HORIZON_HOURS, DEFAULT_HORIZON_HOURS)) * 60 // step_minutes
    start = floor_to_step(now, step_minutes)
    stale: list[str] = []
    assumptions: list[str] = []
    step = timedelta(minutes=step_minutes)

    inputs = inputs or Inputs()
    import_price, description = _import_prices(hass, config, inputs, start, step_minutes, steps, stale,
                                               assumptions)

    # Export: its own sensor, or the rule "fraction of the import price plus an offset"
    # (a fixed price is a fraction of 0).
    factor = float(config.get(CONF_EXPORT_PRICE_FACTOR, 0.0))
    export_price: Any = factor * import_price + float(config.get(CONF_EXPORT_PRICE_FIXED, 0.0))
    if export_entity := config.get(CONF_EXPORT_PRICE_ENTITY):
        exported = price_series(hass.states.get(export_entity), start, step_minutes, steps)
        if exported is None:
            stale.append(export_entity)
        else:
            export_price = np.array(exported.values)

    measured: float | None = None
    if house := config.get(CONF_HOUSE_POWER_ENTITY):
        measured = power_kw(hass.states.get(house))
        if measured is None:
            stale.append(house)
    if inputs.base_load is not None:
        base: Any = inputs.base_load.series(start, step_minutes, steps)
        if measured is not None:
            base[0] = max(measured, 0.0)  # now is known; the rest is the forecast
        assumptions.append(f"base load forecast from history ({inputs.base_load.basis})")
    else:
        base = np.full(steps, max(measured, 0.0) if measured is not None else DEFAULT_BASE_LOAD_KW)
        assumptions.append("base load: " + ("the house's consumption now, held" if measured is not None
                                            else f"{DEFAULT_BASE_LOAD_KW} kW assumed (no consumption sensor)"))

    arrays = list(inputs.pv_arrays)
    for pv_entity in pv_forecast_entities(config):
        pv_state = hass.states.get(pv_entity)
        if pv_state is None:
            stale.append(pv_entity)
        else:
            arrays.append(attribute_points(pv_state, bool(config.get(CONF_PV_PESSIMISTIC, False))))
    pv: Any = pv_series(arrays, start, step_minutes, steps)
    if not arrays:
        assumptions.append("no PV forecast: PV counts as part of the measured load")

    devices: list[Device] = []
    for subentry_id, sub in subentries.items():
        data = dict(sub.data)
        override = intents.override(subentry_id, now)
        device: Device | None = None
        if subentry_id in measured_only or intents.is_manual(subentry_id, now):
            device = _as_measured(hass, subentry_id, sub.subentry_type, data, step_minutes, steps)
        elif sub.subentry_type == SUBENTRY_EV_CHARGER:
            goal = intents.goals.get(subentry_id, EvGoal())
            device = _ev(hass, subentry_id, data, goal, override, start, step_minutes, steps, stale, pv - base)
        elif sub.subentry_type == SUBENTRY_BATTERY:
            device = _battery(hass, subentry_id, data, override, start, step_minutes, steps, stale)
        elif sub.subentry_type == SUBENTRY_APPLIANCE:
            device = _appliance(hass, subentry_id, data, override, intents.appliance_runs.get(subentry_id),
                                intents.latest_finish.get(subentry_id), intents.appliance_started.get(subentry_id),
                                start, step_minutes, steps)
        if device is not None:
            devices.append(_with_previous(device, previous, start, step_minutes, steps))

    for reservation in intents.reservations.values():
        power = np.array([reservation.power_at(start + t * step) for t in range(steps)])
        if power.any():
            devices.append(Fixed(id=f"{RESERVATION_PREFIX}{reservation.id}", power_kw=power))

    limit: Any = np.full(steps, float(config[CONF_IMPORT_LIMIT_KW]))
    caps: list[ImportCap] = []
    for request in intents.grid_requests.values():
        first = step_containing(start, request.start, step_minutes, steps)
        end = step_index(start, request.end, step_minutes, steps)
        if end <= first:
            continue
        if request.limit_kw is not None:
            limit[first:end] = np.minimum(limit[first:end], request.limit_kw)
        if request.max_import_kwh is not None:
            caps.append(ImportCap(first=first, end=end, max_kwh=request.max_import_kwh))
    problem = Problem(
        start=start,
        step_minutes=step_minutes,
        steps=steps,
        site=Site(
            import_limit_kw=limit,
            export_limit_kw=np.full(steps, float(config.get(CONF_EXPORT_LIMIT_KW, config[CONF_IMPORT_LIMIT_KW]))),
            phases=None,
            import_caps=tuple(caps),
        ),
        tariff=Tariff(import_price=import_price, export_price=export_price),
        base_load_kw=base,
        pv_kw=pv,
        devices=tuple(devices),
    )
    return Snapshot(problem, stale, assumptions, description)


def _as_measured(hass: HomeAssistant, device_id: str, kind: str, data: dict[str, Any], step_minutes: int,
                 steps: int) -> Fixed | None:
    entity = data.get(CONF_CHARGER_POWER_ENTITY if kind == SUBENTRY_EV_CHARGER else CONF_POWER_ENTITY)
    measured = power_kw(hass.states.get(entity or ""))
    if not measured:
        return None
    power = np.zeros(steps)
    power[: max(1, 60 // step_minutes)] = measured
    return Fixed(id=device_id, power_kw=power)


@dataclass
class PreviousPlan:
    """The last published plan's device powers, so that the next one stays put at equal cost."""

    start: datetime
    step_minutes: int
    power_kw: dict[str, list[float]]


def _with_previous(device: Device, previous: PreviousPlan | None, start: datetime, step_minutes: int,
                   steps: int) -> Device:
    if isinstance(device, Fixed) or previous is None or previous.step_minutes != step_minutes \
            or device.id not in previous.power_kw:
        return device
    shift = round((start - previous.start).total_seconds() / 60 / step_minutes)
    old = previous.power_kw[device.id][max(shift, 0):]
    if shift < 0 or not old:
        return device
    series = np.zeros(steps)
    series[:min(len(old), steps)] = old[:steps]
    return dataclasses.replace(device, previous_power_kw=series)


def pv_forecast_entities(config: dict[str, Any]) -> list[str]:
    value = config.get(CONF_PV_FORECAST_ENTITY) or []
    return [value] if isinstance(value, str) else list(value)


def _import_prices(
    hass: HomeAssistant, config: dict[str, Any], inputs: Inputs, start: datetime, step_minutes: int, steps: int,
    stale: list[str], assumptions: list[str],
) -> tuple[Any, str]:
    """An entity's prices (with fees), a time-of-use schedule, or a fixed price."""
    if price_entity := config.get(CONF_PRICE_ENTITY):
        prices = price_series(hass.states.get(price_entity), start, step_minutes, steps, inputs.price_points)
        if prices is None:
            stale.append(price_entity)
            return np.full(steps, FALLBACK_PRICE), "price unavailable"
        if prices.known_steps == 0:
            stale.append(price_entity)  # a price now but no forecast Headroom can read
            assumptions.append(f"no price forecast in {price_entity}: the price now is held")
        elif prices.known_steps < steps:
            assumptions.append(f"prices known for {prices.known_steps * step_minutes / 60:.1f} h; "
                               "the rest repeats the day before")
        values = with_fees(prices.values, float(config.get(CONF_PRICE_MULTIPLIER, 1.0)),
                           float(config.get(CONF_PRICE_OFFSET, 0.0)))
        return np.array(values), prices.description
    if config.get(CONF_TOU_PEAK_PRICE) is not None and config.get(CONF_TOU_OFF_PEAK_PRICE) is not None:
        values = tou_series(
            start, step_minutes, steps, peak=float(config[CONF_TOU_PEAK_PRICE]),
            off_peak=float(config[CONF_TOU_OFF_PEAK_PRICE]),
            peak_start=time.fromisoformat(config.get(CONF_TOU_PEAK_START, "07:00:00")),
            peak_end=time.fromisoformat(config.get(CONF_TOU_PEAK_END, "23:00:00")),
            weekend_off_peak=bool(config.get(CONF_TOU_WEEKEND_OFF_PEAK, False)))
        return np.array(values), "time-of-use schedule"
    return np.full(steps, float(config.get(CONF_PRICE_FIXED, FALLBACK_PRICE))), "fixed price"


def _ev(
    hass: HomeAssistant, device_id: str, data: dict[str, Any], goal: EvGoal, override: OverrideAction | None,
    start: datetime, step_minutes: int, steps: int, stale: list[str], surplus_kw: Any,
) -> Ev | None:
    charger = ev_charger.read(hass, data)
    plugged, charging_now = charger.plugged, charger.power_kw or 0.0
    if not plugged or override == "block" or (goal.mode == ChargeMode.OFF and override != "force"):
        return None
    phases = int(data.get(CONF_PHASES, 3))
    max_kw = float(data[CONF_MAX_CURRENT_A]) * phases * VOLTAGE_V / 1000.0
    min_kw = min(float(data.get(CONF_MIN_CURRENT_A, 6)) * phases * VOLTAGE_V / 1000.0, max_kw)
    capacity = data.get(CONF_EV_CAPACITY_KWH)
    energy = goal.energy_kwh
    if energy is None:
        soc = charger.soc_percent
        if data.get(CONF_EV_SOC_ENTITY) and soc is None:
            stale.append(data[CONF_EV_SOC_ENTITY])
        if soc is not None and capacity:
            energy = max(0.0, (goal.target_soc - soc) / 100.0 * float(capacity))
        else:
            energy = float(data.get(CONF_DEFAULT_ENERGY_KWH, 20.0))
    departure = step_index(start, goal.departure_after(start), step_minutes, steps)
    fastest = goal.mode == ChargeMode.FASTEST or override == "force"
    if override == "force":
        # Full power now: as much as the car could take before departure.
        energy = max(energy, max_kw * max(departure, 1) * step_minutes / 60)
    solar_cap = None
    if goal.mode == ChargeMode.SOLAR_ONLY and override != "force":
        # Only what PV makes beyond the house: the car waits for the sun, whatever the price.
        solar_cap = np.clip(surplus_kw, 0.0, None)
    return Ev(
        id=device_id, arrival=0, departure=max(departure, 1), energy_kwh=energy, max_kw=max_kw, min_kw=min_kw,
        mode="fastest" if fastest else "cheapest",
        priority=max(PRIORITIES.values()) + 1 if override == "force" else goal.priority,
        phases=tuple(range(1, phases + 1)) if phases <= 3 else (1, 2, 3),
        power_now_kw=charging_now, max_kw_per_step=solar_cap,
    )


def _battery(
    hass: HomeAssistant, device_id: str, data: dict[str, Any], override: OverrideAction | None,
    start: datetime, step_minutes: int, steps: int, stale: list[str],
) -> Battery | Fixed | None:
    soc_percent = state_number(hass.states.get(data[CONF_SOC_ENTITY]))
    if soc_percent is None:
        stale.append(data[CONF_SOC_ENTITY])
        return None
    capacity = float(data[CONF_CAPACITY_KWH])
    min_soc = capacity * float(data.get(CONF_MIN_SOC_PERCENT, 10)) / 100.0
    soc = min(max(soc_percent / 100.0 * capacity, min_soc), capacity)
    charge_kw = float(data[CONF_MAX_CHARGE_KW])
    if override == "force":
        # Charge at full power until full: a promised load, like a reservation.
        dt = step_minutes / 60
        power = np.zeros(steps)
        remaining = (capacity - soc) / BATTERY_EFFICIENCY
        for t in range(steps):
            if remaining <= 0:
                break
            power[t] = min(charge_kw, remaining / dt)
            remaining -= power[t] * dt
        return Fixed(id=device_id, power_kw=power)
    blocked = override == "block"
    return Battery(
        id=device_id, capacity_kwh=capacity, soc_kwh=soc, min_soc_kwh=min_soc, max_soc_kwh=capacity,
        max_charge_kw=0.0 if blocked else charge_kw,
        max_discharge_kw=0.0 if blocked else float(data[CONF_MAX_DISCHARGE_KW]),
        charge_efficiency=BATTERY_EFFICIENCY, discharge_efficiency=BATTERY_EFFICIENCY,
    )


def _appliance(
    hass: HomeAssistant, device_id: str, data: dict[str, Any], override: OverrideAction | None,
    one_off: list[tuple[datetime, datetime]] | None, latest_finish: time | None, last_started: datetime | None,
    start: datetime, step_minutes: int, steps: int,
) -> Appliance | None:
    """The next run of an appliance: now if forced, in a one-off window if scheduled, else in its
    daily window [earliest start, latest finish]."""
    length = max(1, math.ceil(float(data[CONF_RUN_MINUTES]) / step_minutes))
    run = timedelta(minutes=length * step_minutes)
    profile = np.full(length, float(data[CONF_RUN_POWER_KW]))
    if appliance_device.read(hass, data).running:
        return Appliance(id=device_id, profile_kw=profile, windows=((0, length),), started_step=0)
    if override == "block":
        return None
    if override == "force":
        return Appliance(id=device_id, profile_kw=profile, windows=((0, length),))
    if one_off:
        windows = tuple(
            (step_index(start, max(s, start), step_minutes, steps), step_containing(start, e, step_minutes, steps))
            for s, e in one_off
        )
        appliance = Appliance(id=device_id, profile_kw=profile, windows=windows)
        return appliance if len(appliance.allowed_starts(steps)) else None
    earliest = time.fromisoformat(data.get(CONF_EARLIEST_START, "00:00:00"))
    latest = latest_finish or time.fromisoformat(data.get(CONF_LATEST_FINISH, "23:59:00"))
    # The window that opened most recently, or the next one if that one can no longer fit a
    # run or the appliance already ran in it.
    opened = next_occurrence(start, earliest) - timedelta(days=1)
    for _ in range(2):
        closes = next_occurrence(opened, latest)
        if closes - run >= start and (last_started is None or last_started < opened):
            break
        opened += timedelta(days=1)
    first = step_index(start, max(opened, start), step_minutes, steps)
    end = int((closes - start).total_seconds() // 60 // step_minutes)
    appliance = Appliance(id=device_id, profile_kw=profile, windows=((first, max(end, first + 1)),))
    return appliance if len(appliance.allowed_starts(steps)) else None
