"""Plan sensors: site status, grid power, cost and headroom; per device planned power, energy, mode, SoC."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfEnergy, UnitOfPower, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .const import (
    SUBENTRY_APPLIANCE,
    SUBENTRY_BATTERY,
    SUBENTRY_EV_CHARGER,
    ControlState,
    PlanState,
)
from .coordinator import HeadroomConfigEntry, HeadroomCoordinator
from .data import HeadroomData
from .entity import HeadroomEntity, subentries_of
from .policy.battery import PLAN_MODES
from .policy.ev_charger import ChargerConfig
from .policy.readings import ChargerReading

PARALLEL_UPDATES = 0
BATTERY_MODES = list(PLAN_MODES)

type Series = Callable[[HeadroomData, str], list[Any] | None]


@dataclass(frozen=True, kw_only=True)
class HeadroomSensorDescription(SensorEntityDescription):
    """``value_fn(data, device_id, now)`` gives the state; ``series_fn`` the per-step forecast."""

    value_fn: Callable[[HeadroomData, str, datetime], StateType | datetime]
    series_fn: Series | None = None


def _device_power(data: HeadroomData, device_id: str) -> list[Any] | None:
    device = data.plan.devices.get(device_id)
    return None if device is None else [float(v) for v in device.power_kw]


def _now_of(series: Series) -> Callable[[HeadroomData, str, datetime], StateType]:
    def value(data: HeadroomData, device_id: str, now: datetime) -> StateType:
        values = series(data, device_id)
        return 0.0 if values is None else round(float(values[data.step_of(now)]), 3)
    return value


def _grid(data: HeadroomData, _: str) -> list[Any]:
    return [float(v) for v in data.plan.grid_import_kw - data.plan.grid_export_kw]


def _headroom(data: HeadroomData, _: str) -> list[Any]:
    return [float(v) for v in np.clip(data.problem.site.import_limit_kw - data.plan.grid_import_kw, 0, None)]


def _battery_soc(data: HeadroomData, device_id: str) -> list[Any] | None:
    device = data.plan.devices.get(device_id)
    return None if device is None or device.soc_kwh is None else [float(v) for v in device.soc_kwh[1:]]


def _battery_mode(data: HeadroomData, device_id: str) -> list[Any] | None:
    device = data.plan.devices.get(device_id)
    return None if device is None or device.mode is None else list(device.mode)


def _mode_now(data: HeadroomData, device_id: str, now: datetime) -> StateType:
    modes = _battery_mode(data, device_id)
    return None if modes is None else str(modes[data.step_of(now)])


def _energy(data: HeadroomData, device_id: str, _: datetime) -> StateType:
    device = data.plan.devices.get(device_id)
    return 0.0 if device is None or device.energy_kwh is None else round(device.energy_kwh, 2)


def _appliance_start(data: HeadroomData, device_id: str, _: datetime) -> datetime | None:
    device = data.plan.devices.get(device_id)
    return None if device is None or device.start is None else data.step_start(device.start)


def _allocated(data: HeadroomData, device_id: str) -> list[Any] | None:
    values = data.allocated_kw.get(device_id)
    return None if values is None else [float(v) for v in values]


ALLOCATED_CAPACITY = HeadroomSensorDescription(
    key="allocated_capacity", translation_key="allocated_capacity", device_class=SensorDeviceClass.POWER,
    native_unit_of_measurement=UnitOfPower.KILO_WATT, state_class=SensorStateClass.MEASUREMENT,
    value_fn=_now_of(_allocated), series_fn=_allocated,
)

PLANNED_POWER = HeadroomSensorDescription(
    key="planned_power", translation_key="planned_power", device_class=SensorDeviceClass.POWER,
    native_unit_of_measurement=UnitOfPower.KILO_WATT, state_class=SensorStateClass.MEASUREMENT,
    value_fn=_now_of(_device_power), series_fn=_device_power,
)

def _base_load(data: HeadroomData, _: str) -> list[Any]:
    return [float(v) for v in data.problem.base_load_kw]


def _pv(data: HeadroomData, _: str) -> list[Any]:
    return [float(v) for v in data.problem.pv_kw]


SITE_SENSORS: tuple[HeadroomSensorDescription, ...] = (
    HeadroomSensorDescription(
        key="plan_status", translation_key="plan_status", device_class=SensorDeviceClass.ENUM,
        options=[s.value for s in PlanState], value_fn=lambda d, _, __: d.status.value,
    ),
    HeadroomSensorDescription(
        key="planned_grid_power", translation_key="planned_grid_power", device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT, state_class=SensorStateClass.MEASUREMENT,
        value_fn=_now_of(_grid), series_fn=_grid,
    ),
    HeadroomSensorDescription(
        key="import_headroom", translation_key="import_headroom", device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT, state_class=SensorStateClass.MEASUREMENT,
        value_fn=_now_of(_headroom), series_fn=_headroom,
    ),
    HeadroomSensorDescription(
        key="base_load_forecast", translation_key="base_load_forecast", device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT, state_class=SensorStateClass.MEASUREMENT,
        value_fn=_now_of(_base_load), series_fn=_base_load,
    ),
    HeadroomSensorDescription(
        key="pv_forecast", translation_key="pv_forecast", device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT, state_class=SensorStateClass.MEASUREMENT,
        value_fn=_now_of(_pv), series_fn=_pv,
    ),
    HeadroomSensorDescription(
        key="planned_cost", translation_key="planned_cost", device_class=SensorDeviceClass.MONETARY,
        value_fn=lambda d, _, __: round(d.plan.cost, 2),
    ),
    HeadroomSensorDescription(
        key="baseline_cost", translation_key="baseline_cost", device_class=SensorDeviceClass.MONETARY,
        value_fn=lambda d, _, __: round(d.plan.baseline_cost, 2),
    ),
    HeadroomSensorDescription(
        key="saving", translation_key="saving", device_class=SensorDeviceClass.MONETARY,
        value_fn=lambda d, _, __: round(d.plan.baseline_cost - d.plan.cost, 2),
    ),
    HeadroomSensorDescription(
        key="next_replan", translation_key="next_replan", device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC, value_fn=lambda d, _, __: None,
    ),
    HeadroomSensorDescription(
        key="solve_duration", translation_key="solve_duration", device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS, state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC, suggested_display_precision=2,
        value_fn=lambda d, _, __: round(d.plan.solve_seconds, 3),
    ),
)

EV_SENSORS: tuple[HeadroomSensorDescription, ...] = (
    PLANNED_POWER,
    ALLOCATED_CAPACITY,
    HeadroomSensorDescription(
        key="planned_energy", translation_key="planned_energy", device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR, value_fn=_energy,
    ),
)

BATTERY_SENSORS: tuple[HeadroomSensorDescription, ...] = (
    PLANNED_POWER,
    ALLOCATED_CAPACITY,
    HeadroomSensorDescription(
        key="planned_mode", translation_key="planned_mode", device_class=SensorDeviceClass.ENUM,
        options=BATTERY_MODES, value_fn=_mode_now, series_fn=_battery_mode,
    ),
    HeadroomSensorDescription(
        key="planned_soc", translation_key="planned_soc", device_class=SensorDeviceClass.ENERGY_STORAGE,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR, value_fn=_now_of(_battery_soc),
        series_fn=_battery_soc,
    ),
)

APPLIANCE_SENSORS: tuple[HeadroomSensorDescription, ...] = (
    HeadroomSensorDescription(
        key="planned_start", translation_key="planned_start", device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=_appliance_start,
    ),
    PLANNED_POWER,
    ALLOCATED_CAPACITY,
)


async def async_setup_entry(
    hass: HomeAssistant, entry: HeadroomConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    coordinator = entry.runtime_data
    async_add_entities(HeadroomSensor(coordinator, d) for d in SITE_SENSORS)
    for kind, descriptions in ((SUBENTRY_EV_CHARGER, EV_SENSORS), (SUBENTRY_BATTERY, BATTERY_SENSORS),
                               (SUBENTRY_APPLIANCE, APPLIANCE_SENSORS)):
        for sub in subentries_of(coordinator, kind):
            entities: list[SensorEntity] = [HeadroomSensor(coordinator, d, sub) for d in descriptions]
            if kind == SUBENTRY_EV_CHARGER:
                entities.append(ExpectedSocSensor(coordinator, EXPECTED_SOC, sub))
            entities.append(ControlStateSensor(coordinator, CONTROL_STATE, sub))
            async_add_entities(entities, config_subentry_id=sub.subentry_id)


class HeadroomSensor(HeadroomEntity, SensorEntity):
    entity_description: HeadroomSensorDescription
    _unrecorded_attributes = frozenset({"forecast", "notes", "assumptions", "reasons"})

    def __init__(self, coordinator: HeadroomCoordinator, description: HeadroomSensorDescription,
                 subentry: Any = None) -> None:
        super().__init__(coordinator, description, subentry)
        if description.device_class == SensorDeviceClass.MONETARY:
            self._attr_native_unit_of_measurement = coordinator.hass.config.currency

    @property
    def _device_id(self) -> str:
        return self.subentry.subentry_id if self.subentry else ""

    @property
    def native_value(self) -> StateType | datetime:
        if self.entity_description.key == "next_replan":
            interval = self.coordinator.update_interval or timedelta(minutes=5)
            return self.coordinator.data.planned_at + interval
        return self.entity_description.value_fn(self.coordinator.data, self._device_id, dt_util.now())

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        data = self.coordinator.data
        attributes: dict[str, Any] = {}
        if self.entity_description.series_fn is not None:
            series = self.entity_description.series_fn(data, self._device_id)
            if series is not None:
                attributes["forecast"] = [
                    {"start": data.step_start(t).isoformat(),
                     "value": round(v, 3) if isinstance(v, float) else v}
                    for t, v in enumerate(series)
                ]
        if self.entity_description.key == "plan_status":
            attributes.update({
                "notes": data.plan.notes, "stale_inputs": data.stale, "assumptions": data.assumptions,
                "price_source": data.price_description, "control_mode": self.coordinator.control_mode.value,
                "baseline_limit_exceeded_steps": data.plan.baseline_limit_exceeded_steps,
                "breach_kwh": round(data.plan.breach_kwh, 3),
            })
        elif self.subentry is not None and (device := data.plan.devices.get(self._device_id)) is not None:
            attributes["reasons"] = device.reasons
        return attributes or None


EXPECTED_SOC = SensorEntityDescription(
    key="expected_soc", translation_key="expected_soc", device_class=SensorDeviceClass.BATTERY,
    native_unit_of_measurement=PERCENTAGE,
)


class ExpectedSocSensor(HeadroomEntity, SensorEntity):
    """The car's SoC at departure if the plan is followed; only when the car's SoC is known."""

    @property
    def native_value(self) -> StateType:
        assert self.subentry is not None
        reading = self.coordinator.data.readings.devices.get(self.subentry.subentry_id)
        soc = reading.soc_percent if isinstance(reading, ChargerReading) else None
        capacity = ChargerConfig.from_data(self.subentry.data).capacity_kwh
        if soc is None or not capacity:
            return None
        device = self.coordinator.data.plan.devices.get(self.subentry.subentry_id)
        energy = device.energy_kwh if device is not None and device.energy_kwh else 0.0
        return round(min(100.0, soc + energy / float(capacity) * 100.0), 1)


CONTROL_STATE = SensorEntityDescription(
    key="control_state", translation_key="control_state", device_class=SensorDeviceClass.ENUM,
    options=[s.value for s in ControlState],
)


class ControlStateSensor(HeadroomEntity, SensorEntity):
    """Whether Headroom drives this device now, and if not, why (off, advisory, manual, not following)."""

    @property
    def native_value(self) -> str:
        return self.coordinator.controller.state_of(self.device_key).value
