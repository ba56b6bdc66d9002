"""Thermal storage in the policy: a water heater (geyser) or heat-pump buffer as a leaky store of
heat (seed 003's fill-rate control, seed 004's geyser).

Its temperature is turned into heat above the coldest usable water: ``volume x 4.186 kJ/(kg K)``
per kelvin. Hot water is drawn around the times the household uses it (the draws are spread over
an hour after each), and the store must hold the comfort temperature when each use begins.
Headroom heats when it is cheap (or when PV would otherwise be exported) and lets the store cool
in between; the element's own thermostat still cuts out at the highest temperature.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

import numpy as np

from ..const import (
    CONF_COMFORT_TEMPERATURE,
    CONF_DAILY_USE_KWH,
    CONF_EFFICIENCY,
    CONF_ELEMENT_KW,
    CONF_LOSS_C_PER_HOUR,
    CONF_MAX_TEMPERATURE,
    CONF_MIN_TEMPERATURE,
    CONF_MODULATING,
    CONF_TEMPERATURE_ENTITY,
    CONF_USE_TIMES,
    CONF_VOLUME_LITRES,
    CONF_WATER_HEATER_ENTITY,
    SUBENTRY_THERMAL,
)
from ..planner.model import DevicePlan, Fixed, ThermalStorage
from .cycle import Cycle, Moment
from .intents import Intents
from .readings import ThermalReading
from .setpoints import Setpoint
from .timeline import Timeline, next_occurrence

KIND = SUBENTRY_THERMAL
# Heat per litre of water and kelvin, kWh (4.186 kJ/(kg K), 1 kg per litre).
WATER_KWH_PER_LITRE_K = 4.186 / 3600.0
USE_DURATION = timedelta(hours=1)
HEATING_EPS_KW = 1e-6


def parse_times(value: Any) -> tuple[time, ...]:
    """``"07:00, 19:00"`` (or a list of times) -> the times of day hot water is used."""
    items = value.split(",") if isinstance(value, str) else list(value or [])
    return tuple(
        sorted(
            t if isinstance(t, time) else time.fromisoformat(str(t).strip()) for t in items if str(t).strip()
        )
    )


@dataclass(frozen=True, kw_only=True)
class ThermalConfig:
    """A heat store's settings with the defaults the form offers (a 150 l, 3 kW geyser)."""

    volume_litres: float = 150.0
    min_temp_c: float = 40.0
    max_temp_c: float = 65.0
    comfort_temp_c: float = 55.0
    use_times: tuple[time, ...] = (time(7, 0), time(19, 0))
    element_kw: float = 3.0
    modulating: bool = False
    efficiency: float = 1.0
    loss_c_per_hour: float = 0.6
    daily_use_kwh: float = 4.0

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> ThermalConfig:
        base = cls()
        return cls(
            volume_litres=float(data.get(CONF_VOLUME_LITRES, base.volume_litres)),
            min_temp_c=float(data.get(CONF_MIN_TEMPERATURE, base.min_temp_c)),
            max_temp_c=float(data.get(CONF_MAX_TEMPERATURE, base.max_temp_c)),
            comfort_temp_c=float(data.get(CONF_COMFORT_TEMPERATURE, base.comfort_temp_c)),
            use_times=parse_times(data[CONF_USE_TIMES]) if CONF_USE_TIMES in data else base.use_times,
            element_kw=float(data.get(CONF_ELEMENT_KW, base.element_kw)),
            modulating=bool(data.get(CONF_MODULATING, base.modulating)),
            efficiency=float(data.get(CONF_EFFICIENCY, base.efficiency)),
            loss_c_per_hour=float(data.get(CONF_LOSS_C_PER_HOUR, base.loss_c_per_hour)),
            daily_use_kwh=float(data.get(CONF_DAILY_USE_KWH, base.daily_use_kwh)),
        )

    @property
    def kwh_per_kelvin(self) -> float:
        return self.volume_litres * WATER_KWH_PER_LITRE_K

    def heat_kwh(self, temperature_c: float) -> float:
        """Heat above the coldest usable water at ``temperature_c`` (never below 0)."""
        return max(temperature_c - self.min_temp_c, 0.0) * self.kwh_per_kelvin

    @property
    def capacity_kwh(self) -> float:
        return self.heat_kwh(self.max_temp_c)

    @property
    def comfort_kwh(self) -> float:
        return self.heat_kwh(self.comfort_temp_c)

    @property
    def loss_kw(self) -> float:
        return self.loss_c_per_hour * self.kwh_per_kelvin


def measured_kw(reading: ThermalReading) -> float | None:
    """Its power sensor (without one, the cut counts it at what it was last told)."""
    return reading.power_kw


def uses(config: ThermalConfig, timeline: Timeline) -> tuple[Any, Any]:
    """Per step: the heat drawn (kW) and the heat the store must hold at the step's end (kWh)."""
    draw, comfort = np.zeros(timeline.steps), np.zeros(timeline.steps)
    if not config.use_times:
        return draw, comfort
    per_use_kw = config.daily_use_kwh / len(config.use_times) / (USE_DURATION.total_seconds() / 3600)
    day = timeline.start - timedelta(days=1)
    while day < timeline.end:
        for at in config.use_times:
            begins = next_occurrence(day, at)
            first, end = timeline.first_step_from(begins), timeline.first_step_from(begins + USE_DURATION)
            draw[first:end] += per_use_kw
            if 0 < first <= timeline.steps and begins >= timeline.start:
                comfort[first - 1] = config.comfort_kwh
        day += timedelta(days=1)
    return draw, comfort


def device(
    cycle: Cycle, device_id: str, data: Mapping[str, Any], reading: ThermalReading
) -> ThermalStorage | Fixed | None:
    """The heat store for the planner: its heat above the coldest usable state (kWh, at most its
    capacity), the day's hot-water draws and comfort floors; a full-power heat when forced; None when
    blocked or while its temperature cannot be read."""
    if reading.temperature_c is None:
        if entity := data.get(CONF_TEMPERATURE_ENTITY) or data.get(CONF_WATER_HEATER_ENTITY):
            cycle.stale.append(entity)
        return None
    config = ThermalConfig.from_data(data)
    override = cycle.intents.override(device_id, cycle.now)
    if override == "block":
        return None
    heat = min(config.heat_kwh(reading.temperature_c), config.capacity_kwh)
    if override == "force":
        return _forced(device_id, config, heat, cycle.timeline)
    draw, comfort = uses(config, cycle.timeline)
    return ThermalStorage(
        id=device_id,
        capacity_kwh=config.capacity_kwh,
        energy_kwh=heat,
        max_kw=config.element_kw,
        on_off=not config.modulating,
        efficiency=config.efficiency,
        loss_kw=config.loss_kw,
        draw_kw=draw,
        comfort_kwh=comfort,
    )


def _forced(device_id: str, config: ThermalConfig, heat_kwh: float, timeline: Timeline) -> Fixed:
    """Heat at full power until full: a promised load, like a forced battery."""
    power = np.zeros(timeline.steps)
    missing = config.capacity_kwh - heat_kwh
    for t in range(timeline.steps):
        if missing <= 0:
            break
        power[t] = config.element_kw
        missing -= (config.element_kw * config.efficiency - config.loss_kw) * timeline.step_hours
    return Fixed(id=device_id, power_kw=power)


def drawing_kw(data: Mapping[str, Any], reading: ThermalReading) -> float:
    """What it draws now: its power sensor, else the element's power while it heats."""
    if reading.power_kw is not None:
        return reading.power_kw
    return ThermalConfig.from_data(data).element_kw if reading.heating else 0.0


def setpoint(
    moment: Moment,
    device_id: str,
    data: Mapping[str, Any],
    reading: ThermalReading,
    planned: DevicePlan | None,
) -> Setpoint | None:
    """Heat now when the plan's step says so. Not in the plan (its temperature unknown, blocked):
    left to its own thermostat."""
    if planned is None:
        return None
    power = float(planned.power_kw[moment.step])
    on = power > HEATING_EPS_KW
    return Setpoint(
        device_id=device_id,
        kind=KIND,
        power_kw=power if on else 0.0,
        delta_kw=(power if on else 0.0) - drawing_kw(data, reading),
        on=on,
    )


def cut_rank(intents: Intents, device_id: str) -> int:
    """Hot water keeps for hours: the first to give way."""
    return -1


def cut_to(
    device_id: str, data: Mapping[str, Any], reading: ThermalReading, keep_kw: float, drawing_kw: float
) -> Setpoint:
    """Stop heating (an element has no half power): the fuse needs the room."""
    return Setpoint(device_id=device_id, kind=KIND, power_kw=0.0, delta_kw=-drawing_kw, on=False)
