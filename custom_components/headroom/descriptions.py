"""Sensor descriptions shared by the site and every device kind: the description type (frozen,
``kw_only``, with ``value_fn``/``series_fn`` as in Home Assistant core) and the plan readers the
kinds' descriptions are made of. Each kind's own descriptions live in ``devices/<kind>.py``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from homeassistant.components.sensor import SensorDeviceClass, SensorEntityDescription, SensorStateClass
from homeassistant.const import UnitOfEnergy, UnitOfPower
from homeassistant.helpers.typing import StateType

from .data import HeadroomData

type Series = Callable[[HeadroomData, str], list[Any] | None]


@dataclass(frozen=True, kw_only=True)
class HeadroomSensorDescription(SensorEntityDescription):
    """``value_fn(data, device_id, now)`` gives the state; ``series_fn`` the per-step forecast."""

    value_fn: Callable[[HeadroomData, str, datetime], StateType | datetime]
    series_fn: Series | None = None
    # Whether the state carries the plan's reasons for the device (its planned power does; a
    # derived figure such as the expected SoC does not).
    reasons: bool = True


def device_power(data: HeadroomData, device_id: str) -> list[Any] | None:
    """A device's planned power per step (kW; a battery's is negative while it discharges), None if it is
    not in the plan."""
    device = data.plan.devices.get(device_id)
    return None if device is None else [float(v) for v in device.power_kw]


def now_of(series: Series) -> Callable[[HeadroomData, str, datetime], StateType]:
    """A sensor state from a per-step series: its value in the step that holds now (3 decimals), 0 when
    the device is not planned."""

    def value(data: HeadroomData, device_id: str, now: datetime) -> StateType:
        values = series(data, device_id)
        return 0.0 if values is None else round(float(values[data.step_of(now)]), 3)

    return value


def grid_power(data: HeadroomData, _: str) -> list[Any]:
    """Planned net grid power per step (kW): import positive, export negative."""
    return [float(v) for v in data.plan.grid_import_kw - data.plan.grid_export_kw]


def import_headroom(data: HeadroomData, _: str) -> list[Any]:
    """Import room left under the site's limit per step (kW, never below 0): what another load could take
    without a breach."""
    return [float(v) for v in np.clip(data.problem.site.import_limit_kw - data.plan.grid_import_kw, 0, None)]


def stored_energy(data: HeadroomData, device_id: str) -> list[Any] | None:
    """Energy stored at the end of each step (a battery's series also holds its start; a heat
    store's does not)."""
    device = data.plan.devices.get(device_id)
    if device is None or device.soc_kwh is None:
        return None
    ends = device.soc_kwh[1:] if len(device.soc_kwh) > data.problem.steps else device.soc_kwh
    return [float(v) for v in ends]


def planned_modes(data: HeadroomData, device_id: str) -> list[Any] | None:
    """A battery's planned mode per step (idle, self_consumption, forced_charge, ...), None if it has
    none."""
    device = data.plan.devices.get(device_id)
    return None if device is None or device.mode is None else list(device.mode)


def mode_now(data: HeadroomData, device_id: str, now: datetime) -> StateType:
    """The battery mode the plan holds for the current step."""
    modes = planned_modes(data, device_id)
    return None if modes is None else str(modes[data.step_of(now)])


def planned_energy(data: HeadroomData, device_id: str, _: datetime) -> StateType:
    """Energy the plan delivers to the device over the horizon (kWh, 2 decimals); 0 when it has none (no
    car plugged in)."""
    device = data.plan.devices.get(device_id)
    return 0.0 if device is None or device.energy_kwh is None else round(device.energy_kwh, 2)


def planned_start(data: HeadroomData, device_id: str, _: datetime) -> datetime | None:
    """When the plan starts the appliance (the start of its step), None if it is not planned to run."""
    device = data.plan.devices.get(device_id)
    return None if device is None or device.start is None else data.step_start(device.start)


def allocated(data: HeadroomData, device_id: str) -> list[Any] | None:
    """A device's capacity envelope per step (kW): its planned power plus its share of the spare room
    under the import limit."""
    values = data.allocated_kw.get(device_id)
    return None if values is None else [float(v) for v in values]


ALLOCATED_CAPACITY = HeadroomSensorDescription(
    key="allocated_capacity",
    translation_key="allocated_capacity",
    device_class=SensorDeviceClass.POWER,
    native_unit_of_measurement=UnitOfPower.KILO_WATT,
    state_class=SensorStateClass.MEASUREMENT,
    value_fn=now_of(allocated),
    series_fn=allocated,
)


def price_signal(data: HeadroomData, device_id: str) -> list[Any] | None:
    """What a kWh the device draws at each step costs the site (currency per kWh): the plan's duals
    with the integers fixed (``planner/duals.py``), the contract for a device that plans itself. None
    when the device is not planned or the plan has no duals (a fallback plan)."""
    values = data.plan.price_signals.get(device_id)
    return None if values is None else [float(v) for v in values]


def price_signal_now(data: HeadroomData, device_id: str, now: datetime) -> StateType:
    """The price signal of the current step (4 decimals); unknown without one."""
    values = price_signal(data, device_id)
    return None if values is None else round(float(values[data.step_of(now)]), 4)


PRICE_SIGNAL = HeadroomSensorDescription(
    key="price_signal",
    translation_key="price_signal",
    state_class=SensorStateClass.MEASUREMENT,
    suggested_display_precision=3,
    value_fn=price_signal_now,
    series_fn=price_signal,
    reasons=False,
)

PLANNED_POWER = HeadroomSensorDescription(
    key="planned_power",
    translation_key="planned_power",
    device_class=SensorDeviceClass.POWER,
    native_unit_of_measurement=UnitOfPower.KILO_WATT,
    state_class=SensorStateClass.MEASUREMENT,
    value_fn=now_of(device_power),
    series_fn=device_power,
)


STORED_ENERGY = HeadroomSensorDescription(
    key="planned_soc",
    translation_key="planned_soc",
    device_class=SensorDeviceClass.ENERGY_STORAGE,
    native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
    value_fn=now_of(stored_energy),
    series_fn=stored_energy,
)
