"""Powers (W), SoCs (%), the price (HACS Nord Pool attributes), the running cost, and a PV forecast
in Solcast's shape."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity, SensorStateClass
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import PERCENTAGE, UnitOfEnergy, UnitOfPower
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.util import dt as dt_util

from . import DOMAIN, DemoHome
from .entity import BATTERY_DEVICE, SimEntity, Ticking


class SimSensor(SimEntity, SensorEntity):
    def __init__(self, demo: DemoHome, object_id: str, name: str, value: Callable[[], Any], *,
                 device_class: SensorDeviceClass | None = None, unit: str | None = None,
                 attributes: Callable[[], dict[str, Any]] | None = None,
                 device: DeviceInfo | None = None) -> None:
        super().__init__(demo, object_id, name, device)
        self._value = value
        self._attributes = attributes
        self._attr_device_class = device_class
        self._attr_native_unit_of_measurement = unit
        if device_class in (SensorDeviceClass.POWER, SensorDeviceClass.BATTERY):
            self._attr_state_class = SensorStateClass.MEASUREMENT

    @property
    def native_value(self) -> Any:
        return self._value()

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        return self._attributes() if self._attributes else None


class SolcastForecast(Ticking, SensorEntity):
    """A day's PV forecast as the Solcast integration (BJReplay/ha-solcast-solar) publishes it: the
    day's energy (kWh, device class energy, state class total) as the state, and ``detailedForecast``,
    half-hourly ``{period_start (local), pv_estimate, pv_estimate10, pv_estimate90}`` in kW
    (custom_components/solcast_solar/sensor.py at 0f91df266c6d9cbe51954b09a7d34e94503bca34, "Forecast
    Today"/"Forecast Tomorrow"; forecast.py ``get_forecast_day`` at
    3dcc4fca08a8cd525f4d4ae5d268b28a2a995975).

    The estimate is what the simulated arrays will deliver under the simulated weather (the demo shows
    planning, not forecast error); the 10th and 90th percentiles are the scenario's forecast error
    either side of it."""

    _attr_device_class = SensorDeviceClass.ENERGY
    _attr_state_class = SensorStateClass.TOTAL
    _attr_native_unit_of_measurement = UnitOfEnergy.KILO_WATT_HOUR
    _unrecorded_attributes = frozenset({"detailedForecast"})

    def __init__(self, demo: DemoHome, days_ahead: int, key: str, name: str) -> None:
        self.demo = demo
        self.days_ahead = days_ahead
        self.entity_id = f"sensor.solcast_pv_forecast_{key}"
        self._attr_unique_id = f"solcast_{key}"
        self._attr_name = name
        self._rows: tuple[date, list[dict[str, Any]]] | None = None

    def rows(self) -> list[dict[str, Any]]:
        """The day's 48 half-hours (worked out once a day)."""
        tz = self.demo.scenario.tz
        day = self.demo.now().astimezone(tz).date() + timedelta(days=self.days_ahead)
        if self._rows is None or self._rows[0] != day:
            error = self.demo.scenario.forecast_error
            out = []
            start = datetime.combine(day, datetime.min.time(), tz)
            for half_hour in range(48):
                period = start + timedelta(minutes=30 * half_hour)
                utc = dt_util.as_utc(period)
                kw = sum(self.demo.home.pv_kw(utc + timedelta(minutes=m)) for m in range(0, 30, 5)) / 6
                out.append({
                    "period_start": period.isoformat(),
                    "pv_estimate": round(kw, 4),
                    "pv_estimate10": round(kw * (1 - error), 4),
                    "pv_estimate90": round(kw * (1 + error), 4),
                })
            self._rows = (day, out)
        return self._rows[1]

    @property
    def native_value(self) -> float:
        return round(sum(r["pv_estimate"] for r in self.rows()) / 2, 2)

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        return {"detailedForecast": self.rows()}



async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry, add: AddEntitiesCallback) -> None:
    demo: DemoHome = hass.data[DOMAIN]
    home = demo.home
    power, watt = SensorDeviceClass.POWER, UnitOfPower.WATT
    entities: list[SimSensor] = [
        SimSensor(demo, "pv_power", "PV power", lambda: round(demo.pv_kw * 1000), device_class=power, unit=watt),
        SimSensor(demo, "house_power", "House power", lambda: round(demo.house_kw * 1000), device_class=power,
                  unit=watt),
        SimSensor(demo, "grid_power", "Grid power", lambda: round(demo.grid_kw * 1000), device_class=power,
                  unit=watt),
        SimSensor(demo, "electricity_price", "Electricity price", lambda: round(demo.price_now(), 4),
                  unit="EUR/kWh", attributes=demo.price_attributes),
        SimSensor(demo, "energy_cost", "Energy cost so far", lambda: round(demo.cost, 3), unit="EUR"),
    ]
    forecasts = [SolcastForecast(demo, 0, "forecast_today", "Forecast Today"),
                 SolcastForecast(demo, 1, "forecast_tomorrow", "Forecast Tomorrow")]
    if home.battery is not None:
        battery = home.battery
        entities += [
            SimSensor(demo, "battery_soc", "Battery state of charge",
                      lambda: round(battery.soc_kwh / battery.capacity_kwh * 100, 1),
                      device_class=SensorDeviceClass.BATTERY, unit=PERCENTAGE, device=BATTERY_DEVICE),
            SimSensor(demo, "battery_power", "Battery power", lambda: round(demo.battery_kw * 1000),
                      device_class=power, unit=watt, device=BATTERY_DEVICE),
        ]
    add([*entities, *forecasts])
