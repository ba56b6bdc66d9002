"""Readings + forecasts + configuration + intents -> the planner's Problem for one cycle.

Plain functions over plain data: the integration calls them with what it read from Home
Assistant, the simulator with what its models measure. What could not be read is listed in
``Snapshot.stale`` so that the plan status can say so, instead of planning silently on
made-up numbers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from ..const import (
    CONF_BREACH_MARGIN,
    CONF_EXPORT_LIMIT_KW,
    CONF_HORIZON_HOURS,
    CONF_IMPORT_LIMIT_KW,
    CONF_MAIN_FUSE_A,
    CONF_PHASE_COUNT,
    CONF_STEP_MINUTES,
    DEFAULT_BASE_LOAD_KW,
    DEFAULT_BREACH_MARGIN,
    DEFAULT_HORIZON_HOURS,
    DEFAULT_STEP_MINUTES,
    SUBENTRY_BATTERY,
    SUBENTRY_EV_CHARGER,
)
from ..planner import Fixed, Problem, Site, Tariff
from ..planner.model import Device, FloatArray, ImportCap, Phases
from ..planner.units import kw_from_amps
from . import bookings as booked
from .cycle import Cycle
from .intents import Intents
from .kinds import policy_for
from .readings import Forecasts, Readings
from .timeline import Timeline
from .wiring import wired_phases

RESERVATION_PREFIX = "reservation:"
KNOWN_LOAD_PREFIX = "known_load:"
# Devices Headroom does not drive now are planned as drawing what they draw, for this long.
MEASURED_HOLD_MINUTES = 60
# What the house draws now beyond the forecast (a kettle, an oven) is held as load this long, so
# that the next plan does not raise a car straight back while the meter is still over.
MEASURED_FLOOR_MINUTES = 15
# A house sensor this far below what the devices draw does not include them.
EXCLUDES_DEVICES_KW = 0.5
# Where a grid request lowers the import limit (an outage, an aggregator's cap), the house's load
# forecast is planned this much higher: nothing can be bought in then, so a forecast that was low
# leaves the house dark, and day-ahead forecasts of one house's load are off by 20-40 %.
OUTAGE_LOAD_MARGIN = 0.25


@dataclass(frozen=True)
class DeviceConfig:
    """One device as configured: its kind (the subentry type) and its settings."""

    kind: str
    data: Mapping[str, Any]


@dataclass
class Snapshot:
    """A built problem and what the plan status says about it: the stale inputs, the assumptions made in
    their place, and where the prices came from."""

    problem: Problem
    stale: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    price_description: str = ""


@dataclass
class PreviousPlan:
    """The last published plan's device powers, so that the next one stays put at equal cost."""

    start: datetime
    step_minutes: int
    power_kw: dict[str, list[float]]


def timeline_for(config: Mapping[str, Any], now: datetime) -> Timeline:
    """The horizon the site's settings ask for, from the step that holds ``now`` (local time)."""
    return Timeline.at(
        now,
        int(config.get(CONF_STEP_MINUTES, DEFAULT_STEP_MINUTES)),
        float(config.get(CONF_HORIZON_HOURS, DEFAULT_HORIZON_HOURS)),
    )


def build_problem(
    config: Mapping[str, Any],
    devices: Mapping[str, DeviceConfig],
    readings: Readings,
    forecasts: Forecasts,
    intents: Intents,
    previous: PreviousPlan | None = None,
    measured_only: frozenset[str] = frozenset(),
    commanded_kw: Mapping[str, float] | None = None,
) -> Snapshot:
    """``measured_only``: devices Headroom does not drive now (a person took over, or the device
    does not follow); they are planned as drawing what they draw now, for the next hour.
    ``commanded_kw``: what each driven device was last told to draw, its account where its own
    power sensor cannot be read."""
    timeline = timeline_for(config, readings.now)
    stale = [*forecasts.stale, *readings.stale]
    assumptions = list(forecasts.assumptions)
    limit_kw, phases = site_limits(config)
    drawn = drawn_kw(devices, readings, commanded_kw or {})
    base = _base_load(timeline, devices, drawn, readings, forecasts, intents, assumptions)
    pv = forecasts.pv_kw
    cycle = Cycle(
        timeline=timeline,
        now=readings.now,
        intents=intents,
        surplus_kw=pv - base,
        stale=stale,
        assumptions=assumptions,
        import_price=forecasts.import_price,
    )
    planned: list[Device] = []
    for device_id, device_config in devices.items():
        kind = policy_for(device_config.kind)
        reading = readings.devices.get(device_id)
        if reading is None:
            continue
        device: Device | None
        if device_id in measured_only or intents.is_manual(device_id, readings.now):
            device = _as_measured(device_id, kind.measured_kw(reading), timeline)
        else:
            device = kind.device(cycle, device_id, device_config.data, reading)
        if device is not None:
            if phases is not None:
                device = dataclasses.replace(device, phases=wired_phases(device_config.data, phases.count))
            planned.append(_with_previous(device, previous, timeline))
    chargers = {i: c.data for i, c in devices.items() if c.kind == SUBENTRY_EV_CHARGER}
    planned = booked.make_way(planned, intents.bookings.values(), timeline)
    count = phases.count if phases is not None else None
    planned += [
        _with_previous(d, previous, timeline)
        for d in booked.sessions(intents.bookings.values(), chargers, timeline, count)
    ]
    planned += _reservations(intents, timeline)
    planned += _known_loads(intents, timeline)
    site = _site(config, intents, timeline, limit_kw, phases)
    if forecasts.base_load_kw is not None:
        base = with_outage_margin(base, site.import_limit_kw, limit_kw, assumptions)
    problem = Problem(
        start=timeline.start,
        step_minutes=timeline.step_minutes,
        steps=timeline.steps,
        site=site,
        tariff=Tariff(import_price=forecasts.import_price, export_price=forecasts.export_price),
        base_load_kw=base,
        pv_kw=pv,
        devices=tuple(planned),
    )
    return Snapshot(problem, stale, assumptions, forecasts.price_description)


def _base_load(
    timeline: Timeline,
    devices: Mapping[str, DeviceConfig],
    drawn: Mapping[str, float],
    readings: Readings,
    forecasts: Forecasts,
    intents: Intents,
    assumptions: list[str],
) -> FloatArray:
    """The forecast from history (which already leaves Headroom's devices out) with the load
    measured now, else the measured load held. Measured now is counted once: see ``house_load_now``.
    A load measured above the forecast (a kettle) is held for ``MEASURED_FLOOR_MINUTES``."""
    forecast_now = float(forecasts.base_load_kw[0]) if forecasts.base_load_kw is not None else None
    measured = house_load_now(devices, drawn, readings, intents, forecast_now, assumptions)
    if forecasts.base_load_kw is not None:
        base = np.array(forecasts.base_load_kw, dtype=float)
        if measured is not None:
            base[0] = measured  # now is known; the rest is the forecast
            floor = max(1, MEASURED_FLOOR_MINUTES // timeline.step_minutes)
            base[:floor] = np.maximum(base[:floor], measured)
        assumptions.append(f"base load forecast from history ({forecasts.base_load_basis})")
        return base
    assumptions.append(
        "base load: "
        + (
            "the house's consumption now without Headroom's devices, held"
            if measured is not None
            else f"{DEFAULT_BASE_LOAD_KW} kW assumed (no consumption sensor)"
        )
    )
    return np.full(timeline.steps, measured if measured is not None else DEFAULT_BASE_LOAD_KW)


def drawn_kw(
    devices: Mapping[str, DeviceConfig], readings: Readings, commanded_kw: Mapping[str, float]
) -> dict[str, float]:
    """What each device draws now (kW; a battery charging positive): its own sensor, else what it
    was last told (a sensor that is unavailable does not mean the car stopped), else nothing."""
    out: dict[str, float] = {}
    for device_id, config in devices.items():
        reading = readings.devices.get(device_id)
        measured = policy_for(config.kind).measured_kw(reading) if reading is not None else None
        value = measured if measured is not None else commanded_kw.get(device_id)
        if value is not None:
            out[device_id] = float(value)
    return out


def house_load_now(
    devices: Mapping[str, DeviceConfig],
    drawn: Mapping[str, float],
    readings: Readings,
    intents: Intents,
    expected_kw: float | None,
    assumptions: list[str] | None = None,
) -> float | None:
    """What the house draws now that Headroom neither drives nor has promised (kW), counted once.

    The house sensor includes every load in the house, Headroom's devices too; without one the
    house is grid + PV - battery (the home's own balance). Either way what Headroom's devices draw
    (``drawn``) is taken out (the rule the history forecast follows too), and so is what
    a running reservation shows: the part of the rest above the usual load (``expected_kw``, else
    the default), up to its grant. A house sensor reading clearly less than the devices draw
    cannot include them (it measures the house's own circuits): it is taken as it is, and said.
    None when neither meter can be read."""
    batteries = sum(kw for i, kw in drawn.items() if devices[i].kind == SUBENTRY_BATTERY)
    others = sum(max(kw, 0.0) for i, kw in drawn.items() if devices[i].kind != SUBENTRY_BATTERY)
    if readings.house_power_kw is not None:
        rest = readings.house_power_kw - others
        if rest < -EXCLUDES_DEVICES_KW:
            rest = readings.house_power_kw
            if assumptions is not None:
                assumptions.append(
                    "the house sensor reads less than Headroom's devices draw: taken as without them"
                )
    elif readings.grid_power_kw is not None:
        rest = readings.grid_power_kw + (readings.pv_power_kw or 0.0) - batteries - others
    else:
        return None
    usual = expected_kw if expected_kw is not None else DEFAULT_BASE_LOAD_KW
    reserved = sum(r.power_at(readings.now) for r in intents.reservations.values())
    # A known load running now shows in the house's consumption; it is planned on its own.
    reserved += sum(k.power_kw for k in intents.known_loads.values() if k.start <= readings.now < k.end)
    rest -= min(reserved, max(rest - usual, 0.0))
    return max(rest, 0.0)


def site_limits(config: Mapping[str, Any]) -> tuple[float, Phases | None]:
    """The import limit (kW) and the per-phase fuse: the main fuse's amps on each of its phases, and
    a kW limit where one is set (a contract, a single-phase supply); the lower of the two holds."""
    count = int(config.get(CONF_PHASE_COUNT, 3))
    fuse = config.get(CONF_MAIN_FUSE_A)
    limits = [float(config[CONF_IMPORT_LIMIT_KW])] if config.get(CONF_IMPORT_LIMIT_KW) is not None else []
    if fuse:
        limits.append(kw_from_amps(float(fuse), count))
    if not limits:
        raise ValueError("the site has neither a main fuse nor an import limit")
    phases = Phases(count=count, fuse_a=float(fuse)) if fuse and count > 1 else None
    return min(limits), phases


def with_outage_margin(
    base_kw: FloatArray, import_limit_kw: FloatArray, fuse_limit_kw: float, assumptions: list[str]
) -> FloatArray:
    """The house's load forecast with ``OUTAGE_LOAD_MARGIN`` added in the forecast steps (not now,
    which is measured) where a grid request lowers the import limit below the fuse's: there a low
    forecast cannot be made up from the grid, so the battery keeps enough for a higher load."""
    lowered = import_limit_kw < fuse_limit_kw - 1e-9
    lowered[0] = False
    if not lowered.any():
        return base_kw
    out = base_kw.copy()
    out[lowered] *= 1.0 + OUTAGE_LOAD_MARGIN
    assumptions.append(
        f"the house's load planned {OUTAGE_LOAD_MARGIN:.0%} above its forecast where the grid limits import"
    )
    return out


def _site(
    config: Mapping[str, Any], intents: Intents, timeline: Timeline, limit_kw: float, phases: Phases | None
) -> Site:
    """The import limit, lowered where a grid request asks, the per-phase fuse, the breach margin and
    the requests' import caps."""
    steps = timeline.steps
    limit = np.full(steps, limit_kw)
    caps: list[ImportCap] = []
    for request in intents.grid_requests.values():
        first, end = timeline.steps_before(request.start), timeline.first_step_from(request.end)
        if end <= first:
            continue
        if request.limit_kw is not None:
            limit[first:end] = np.minimum(limit[first:end], request.limit_kw)
        if request.max_import_kwh is not None:
            caps.append(ImportCap(first=first, end=end, max_kwh=request.max_import_kwh))
    export = float(config.get(CONF_EXPORT_LIMIT_KW, limit_kw))
    return Site(
        import_limit_kw=limit,
        export_limit_kw=np.full(steps, export),
        breach_margin=float(config.get(CONF_BREACH_MARGIN, DEFAULT_BREACH_MARGIN)),
        phases=phases,
        import_caps=tuple(caps),
    )


def _reservations(intents: Intents, timeline: Timeline) -> list[Device]:
    out: list[Device] = []
    for reservation in intents.reservations.values():
        power = np.array([reservation.power_at(moment) for moment in timeline.moments()])
        if power.any():
            out.append(Fixed(id=f"{RESERVATION_PREFIX}{reservation.id}", power_kw=power))
    return out


def _known_loads(intents: Intents, timeline: Timeline) -> list[Device]:
    """Each known load as fixed load: per step, its power times the share of the step it runs."""
    out: list[Device] = []
    step = timedelta(minutes=timeline.step_minutes)
    for load in intents.known_loads.values():
        power = np.array([load.power_over(moment, moment + step) for moment in timeline.moments()])
        if power.any():
            out.append(Fixed(id=f"{KNOWN_LOAD_PREFIX}{load.id}", power_kw=power))
    return out


def _as_measured(device_id: str, measured: float | None, timeline: Timeline) -> Fixed | None:
    if not measured:
        return None
    power = np.zeros(timeline.steps)
    power[: max(1, MEASURED_HOLD_MINUTES // timeline.step_minutes)] = measured
    return Fixed(id=device_id, power_kw=power)


def _with_previous(device: Device, previous: PreviousPlan | None, timeline: Timeline) -> Device:
    if (
        isinstance(device, Fixed)
        or previous is None
        or previous.step_minutes != timeline.step_minutes
        or device.id not in previous.power_kw
    ):
        return device
    shift = round((timeline.start - previous.start).total_seconds() / 60 / timeline.step_minutes)
    old = previous.power_kw[device.id][max(shift, 0) :]
    if shift < 0 or not old:
        return device
    series = np.zeros(timeline.steps)
    series[: min(len(old), timeline.steps)] = old[: timeline.steps]
    return dataclasses.replace(device, previous_power_kw=series)
