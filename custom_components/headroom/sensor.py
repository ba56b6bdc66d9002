"""Plan sensors: site status, grid power, cost and headroom; per device planned power, energy, mode, SoC."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfPower, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .bookings import NEXT_BOOKING, NextBookingSensor
from .const import (
    SUBENTRY_EV_CHARGER,
    ControlState,
    PlanState,
)
from .coordinator import HeadroomConfigEntry, HeadroomCoordinator
from .data import HeadroomData
from .descriptions import HeadroomSensorDescription, grid_power, import_headroom, now_of
from .devices import kind_of
from .entity import HeadroomEntity
from .ledger import period_range, summary

PARALLEL_UPDATES = 0


def _base_load(data: HeadroomData, _: str) -> list[Any]:
    return [float(v) for v in data.problem.base_load_kw]


def _pv(data: HeadroomData, _: str) -> list[Any]:
    return [float(v) for v in data.problem.pv_kw]


SITE_SENSORS: tuple[HeadroomSensorDescription, ...] = (
    HeadroomSensorDescription(
        key="plan_status",
        translation_key="plan_status",
        device_class=SensorDeviceClass.ENUM,
        options=[s.value for s in PlanState],
        value_fn=lambda d, _, __: d.status.value,
    ),
    HeadroomSensorDescription(
        key="planned_grid_power",
        translation_key="planned_grid_power",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=now_of(grid_power),
        series_fn=grid_power,
    ),
    HeadroomSensorDescription(
        key="import_headroom",
        translation_key="import_headroom",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=now_of(import_headroom),
        series_fn=import_headroom,
    ),
    HeadroomSensorDescription(
        key="base_load_forecast",
        translation_key="base_load_forecast",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=now_of(_base_load),
        series_fn=_base_load,
    ),
    HeadroomSensorDescription(
        key="pv_forecast",
        translation_key="pv_forecast",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=now_of(_pv),
        series_fn=_pv,
    ),
    HeadroomSensorDescription(
        key="planned_cost",
        translation_key="planned_cost",
        device_class=SensorDeviceClass.MONETARY,
        value_fn=lambda d, _, __: round(d.plan.cost, 2),
    ),
    HeadroomSensorDescription(
        key="baseline_cost",
        translation_key="baseline_cost",
        device_class=SensorDeviceClass.MONETARY,
        value_fn=lambda d, _, __: round(d.plan.baseline_cost, 2),
    ),
    HeadroomSensorDescription(
        key="saving",
        translation_key="saving",
        device_class=SensorDeviceClass.MONETARY,
        value_fn=lambda d, _, __: round(d.plan.baseline_cost - d.plan.cost, 2),
    ),
    HeadroomSensorDescription(
        key="next_replan",
        translation_key="next_replan",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda d, _, __: None,
    ),
    HeadroomSensorDescription(
        key="solve_duration",
        translation_key="solve_duration",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        suggested_display_precision=2,
        value_fn=lambda d, _, __: round(d.plan.solve_seconds, 3),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant, entry: HeadroomConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """The site's sensors (plan status, grid power, import headroom, forecasts, costs and saving, next
    replan, solve time), and per device its kind's plan sensors and its control state."""
    coordinator = entry.runtime_data
    async_add_entities(HeadroomSensor(coordinator, d) for d in SITE_SENSORS)
    async_add_entities([SavingThisMonthSensor(coordinator)])
    for sub in entry.subentries.values():
        entities: list[SensorEntity] = [
            HeadroomSensor(coordinator, d, sub) for d in kind_of(sub.subentry_type).SENSORS
        ]
        entities.append(ControlStateSensor(coordinator, CONTROL_STATE, sub))
        if sub.subentry_type == SUBENTRY_EV_CHARGER:
            entities.append(NextBookingSensor(coordinator, NEXT_BOOKING, sub))
        async_add_entities(entities, config_subentry_id=sub.subentry_id)


class HeadroomSensor(HeadroomEntity, SensorEntity):
    """A figure from the latest plan: the per-step series goes in a ``forecast`` attribute (not recorded),
    the plan status carries the notes and stale inputs, a device's sensors its reasons."""

    entity_description: HeadroomSensorDescription
    _unrecorded_attributes = frozenset({"forecast", "notes", "assumptions", "reasons"})

    def __init__(
        self, coordinator: HeadroomCoordinator, description: HeadroomSensorDescription, subentry: Any = None
    ) -> None:
        super().__init__(coordinator, description, subentry)
        if description.device_class == SensorDeviceClass.MONETARY:
            self._attr_native_unit_of_measurement = coordinator.hass.config.currency
        elif description.key == "price_signal":
            self._attr_native_unit_of_measurement = f"{coordinator.hass.config.currency}/kWh"

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
                    {
                        "start": data.step_start(t).isoformat(),
                        "value": round(v, 3) if isinstance(v, float) else v,
                    }
                    for t, v in enumerate(series)
                ]
        if self.entity_description.key == "plan_status":
            attributes.update(
                {
                    "notes": data.plan.notes,
                    "stale_inputs": data.stale,
                    "assumptions": data.assumptions,
                    "price_source": data.price_description,
                    "control_mode": self.coordinator.control_mode.value,
                    "baseline_limit_exceeded_steps": data.plan.baseline_limit_exceeded_steps,
                    "breach_kwh": round(data.plan.breach_kwh, 3),
                    "over_limit_kwh": round(data.plan.over_limit_kwh, 3),
                    "over_limit_steps": list(data.plan.over_limit_steps),
                }
            )
        elif (
            self.subentry is not None
            and self.entity_description.reasons
            and (device := data.plan.devices.get(self._device_id)) is not None
        ):
            attributes["reasons"] = device.reasons
        return attributes or None


CONTROL_STATE = SensorEntityDescription(
    key="control_state",
    translation_key="control_state",
    device_class=SensorDeviceClass.ENUM,
    options=[s.value for s in ControlState],
)


class ControlStateSensor(HeadroomEntity, SensorEntity):
    """Whether Headroom drives this device now, and if not, why (off, advisory, manual, not following)."""

    @property
    def native_value(self) -> str:
        return self.coordinator.controller.state_of(self.device_key).value

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """How well the device did what it was told today (the ledger's following score)."""
        now = dt_util.now()
        score = self.coordinator.ledger.following(self.device_key, period_range("day", now)[0])
        return {"following_today": None if score is None else round(score, 3)}


SAVING_THIS_MONTH = SensorEntityDescription(
    key="saving_this_month",
    translation_key="saving_this_month",
    device_class=SensorDeviceClass.MONETARY,
    state_class=SensorStateClass.TOTAL,
)


class SavingThisMonthSensor(HeadroomEntity, SensorEntity):
    """What Headroom saved this month against business as usual on the same days (settled hours), with
    the realised cost and the goals met and missed as attributes."""

    def __init__(self, coordinator: HeadroomCoordinator) -> None:
        super().__init__(coordinator, SAVING_THIS_MONTH)
        self._attr_native_unit_of_measurement = coordinator.hass.config.currency

    _report: dict[str, Any] | None = None

    @property
    def native_value(self) -> float:
        start, end = period_range("month", dt_util.now())
        self._report = summary(self.coordinator.ledger, start, end, self.hass.config.currency)
        return float(self._report["saving"])

    @property
    def last_reset(self) -> datetime:
        return period_range("month", dt_util.now())[0]

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        report = self._report
        if report is None:
            start, end = period_range("month", dt_util.now())
            report = summary(self.coordinator.ledger, start, end, self.hass.config.currency)
        return {
            "realised_cost": report["realised_cost"],
            "business_as_usual_cost": report["business_as_usual_cost"],
            "goals_met": report["goals"]["met"],
            "goals_missed": report["goals"]["missed"],
            "peak_kw": report["peak_kw"],
        }
