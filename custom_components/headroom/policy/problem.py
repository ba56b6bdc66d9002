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
from datetime import datetime
from typing import Any

import numpy as np

from ..const import (
    CONF_EXPORT_LIMIT_KW,
    CONF_HORIZON_HOURS,
    CONF_IMPORT_LIMIT_KW,
    CONF_STEP_MINUTES,
    DEFAULT_BASE_LOAD_KW,
    DEFAULT_HORIZON_HOURS,
    DEFAULT_STEP_MINUTES,
)
from ..planner import Fixed, Problem, Site, Tariff
from ..planner.model import Device, FloatArray, ImportCap
from .cycle import Cycle
from .intents import Intents
from .kinds import policy_for
from .readings import Forecasts, Readings
from .timeline import Timeline

RESERVATION_PREFIX = "reservation:"
# Devices Headroom does not drive now are planned as drawing what they draw, for this long.
MEASURED_HOLD_MINUTES = 60


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
) -> Snapshot:
    """``measured_only``: devices Headroom does not drive now (a person took over, or the device
    does not follow); they are planned as drawing what they draw now, for the next hour."""
    timeline = timeline_for(config, readings.now)
    stale = [*forecasts.stale, *readings.stale]
    assumptions = list(forecasts.assumptions)
    base = _base_load(timeline, readings, forecasts, assumptions)
    pv = forecasts.pv_kw
    cycle = Cycle(
        timeline=timeline,
        now=readings.now,
        intents=intents,
        surplus_kw=pv - base,
        stale=stale,
        assumptions=assumptions,
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
            planned.append(_with_previous(device, previous, timeline))
    planned += _reservations(intents, timeline)
    problem = Problem(
        start=timeline.start,
        step_minutes=timeline.step_minutes,
        steps=timeline.steps,
        site=_site(config, intents, timeline),
        tariff=Tariff(import_price=forecasts.import_price, export_price=forecasts.export_price),
        base_load_kw=base,
        pv_kw=pv,
        devices=tuple(planned),
    )
    return Snapshot(problem, stale, assumptions, forecasts.price_description)


def _base_load(
    timeline: Timeline, readings: Readings, forecasts: Forecasts, assumptions: list[str]
) -> FloatArray:
    """The forecast from history with the measured value now, else the measured value held."""
    measured = readings.house_power_kw
    if forecasts.base_load_kw is not None:
        base = np.array(forecasts.base_load_kw, dtype=float)
        if measured is not None:
            base[0] = max(measured, 0.0)  # now is known; the rest is the forecast
        assumptions.append(f"base load forecast from history ({forecasts.base_load_basis})")
        return base
    assumptions.append(
        "base load: "
        + (
            "the house's consumption now, held"
            if measured is not None
            else f"{DEFAULT_BASE_LOAD_KW} kW assumed (no consumption sensor)"
        )
    )
    return np.full(timeline.steps, max(measured, 0.0) if measured is not None else DEFAULT_BASE_LOAD_KW)


def _site(config: Mapping[str, Any], intents: Intents, timeline: Timeline) -> Site:
    """The import limit, lowered where a grid request asks, and the requests' import caps."""
    steps = timeline.steps
    limit = np.full(steps, float(config[CONF_IMPORT_LIMIT_KW]))
    caps: list[ImportCap] = []
    for request in intents.grid_requests.values():
        first, end = timeline.steps_before(request.start), timeline.first_step_from(request.end)
        if end <= first:
            continue
        if request.limit_kw is not None:
            limit[first:end] = np.minimum(limit[first:end], request.limit_kw)
        if request.max_import_kwh is not None:
            caps.append(ImportCap(first=first, end=end, max_kwh=request.max_import_kwh))
    export = float(config.get(CONF_EXPORT_LIMIT_KW, config[CONF_IMPORT_LIMIT_KW]))
    return Site(
        import_limit_kw=limit, export_limit_kw=np.full(steps, export), phases=None, import_caps=tuple(caps)
    )


def _reservations(intents: Intents, timeline: Timeline) -> list[Device]:
    out: list[Device] = []
    for reservation in intents.reservations.values():
        power = np.array([reservation.power_at(moment) for moment in timeline.moments()])
        if power.any():
            out.append(Fixed(id=f"{RESERVATION_PREFIX}{reservation.id}", power_kw=power))
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
