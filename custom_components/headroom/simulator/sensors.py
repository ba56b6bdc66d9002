"""The simulated home as the policy sees it: its devices' configuration, what its sensors read
now, and what its forecasters say. The simulator's counterpart of ``devices/`` and ``sources/``
in Home Assistant; the decisions themselves are the policy's (``policy/``), never copied here.

The imperfections a real home has can be injected: a charger's power sensor that lags the
meter by a tick (``sensor_lag``), forecasts off by ``error`` (seeded per hour, so a replan sees
the same forecast for the same hour).
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from ..const import (
    CONF_CAPACITY_KWH,
    CONF_COMFORT_TEMPERATURE,
    CONF_DAILY_USE_KWH,
    CONF_EARLIEST_START,
    CONF_ELEMENT_KW,
    CONF_EV_CAPACITY_KWH,
    CONF_EXPORT_LIMIT_KW,
    CONF_HORIZON_HOURS,
    CONF_IMPORT_LIMIT_KW,
    CONF_LATEST_FINISH,
    CONF_LOSS_C_PER_HOUR,
    CONF_MAX_CHARGE_KW,
    CONF_MAX_CURRENT_A,
    CONF_MAX_DISCHARGE_KW,
    CONF_MAX_TEMPERATURE,
    CONF_MIN_CURRENT_A,
    CONF_MIN_SOC_PERCENT,
    CONF_MIN_TEMPERATURE,
    CONF_PHASES,
    CONF_RUN_MINUTES,
    CONF_RUN_POWER_KW,
    CONF_STEP_MINUTES,
    CONF_USE_TIMES,
    CONF_VOLUME_LITRES,
    SUBENTRY_APPLIANCE,
    SUBENTRY_BATTERY,
    SUBENTRY_EV_CHARGER,
    SUBENTRY_THERMAL,
)
from ..policy.intents import EvGoal, GridRequest, Intents
from ..policy.problem import DeviceConfig
from ..policy.readings import (
    ApplianceReading,
    BatteryReading,
    ChargerReading,
    DeviceReading,
    Forecasts,
    Readings,
    ThermalReading,
)
from ..policy.thermal import WATER_KWH_PER_LITRE_K
from ..policy.timeline import Timeline
from .scenario import Home, Scenario

BATTERY_ID = "battery"
HEATER_ID = "water_heater"


def site_config(scenario: Scenario) -> dict[str, Any]:
    """The site as a person would set it up in Headroom's form."""
    return {
        CONF_IMPORT_LIMIT_KW: scenario.import_limit_kw,
        CONF_EXPORT_LIMIT_KW: scenario.export_limit_kw,
        CONF_STEP_MINUTES: scenario.plan_step_minutes,
        CONF_HORIZON_HOURS: scenario.horizon_hours,
    }


def device_configs(home: Home) -> dict[str, DeviceConfig]:
    """Every simulated device as a person would configure it in Headroom."""
    out: dict[str, DeviceConfig] = {}
    for charger in home.chargers:
        out[charger.name] = DeviceConfig(
            SUBENTRY_EV_CHARGER,
            {
                CONF_PHASES: str(charger.phases),
                CONF_MIN_CURRENT_A: charger.min_a,
                CONF_MAX_CURRENT_A: charger.max_a,
                CONF_EV_CAPACITY_KWH: charger.car_capacity_kwh,
            },
        )
    if (b := home.battery) is not None:
        out[BATTERY_ID] = DeviceConfig(
            SUBENTRY_BATTERY,
            {
                CONF_CAPACITY_KWH: b.capacity_kwh,
                CONF_MAX_CHARGE_KW: b.max_charge_kw,
                CONF_MAX_DISCHARGE_KW: b.max_discharge_kw,
                CONF_MIN_SOC_PERCENT: b.min_soc_kwh / b.capacity_kwh * 100,
            },
        )
    if (h := home.water_heater) is not None and h.driven:
        # As its owner would set it up: warm enough for a shower with a little margin, the
        # showers' heat per day, the tank's own losses.
        shower_kwh = h.shower_litres * WATER_KWH_PER_LITRE_K * (h.comfort_c + 5.0 - h.COLD_WATER_C)
        out[HEATER_ID] = DeviceConfig(
            SUBENTRY_THERMAL,
            {
                CONF_VOLUME_LITRES: h.litres,
                CONF_MIN_TEMPERATURE: h.COLD_WATER_C + 20.0,
                CONF_COMFORT_TEMPERATURE: h.comfort_c + 3.0,
                CONF_MAX_TEMPERATURE: h.max_c,
                CONF_ELEMENT_KW: h.power_kw,
                CONF_USE_TIMES: ", ".join(f"{hour:02d}:{minute * 5:02d}" for hour, minute in h.SHOWERS),
                CONF_DAILY_USE_KWH: shower_kwh * len(h.SHOWERS),
                CONF_LOSS_C_PER_HOUR: h.LOSS_C_PER_HOUR,
            },
        )
    for appliance in home.appliances:
        out[appliance.name] = DeviceConfig(
            SUBENTRY_APPLIANCE,
            {
                CONF_RUN_POWER_KW: float(np.mean(appliance.profile_kw)),
                CONF_RUN_MINUTES: appliance.minutes,
                CONF_EARLIEST_START: appliance.earliest.isoformat(),
                CONF_LATEST_FINISH: appliance.latest_finish.isoformat(),
            },
        )
    return out


@dataclass
class Sensors:
    """Reads the simulated home; ``sensor_lag`` ticks of delay on the chargers' own power sensors."""

    home: Home
    sensor_lag: int = 0
    _charger_history: dict[str, list[float]] = field(default_factory=dict)

    def tick(self) -> None:
        """Record this tick's charger powers (what a lagging sensor shows later)."""
        for charger in self.home.chargers:
            history = self._charger_history.setdefault(charger.name, [])
            history.append(charger.power_kw)
            del history[: max(len(history) - self.sensor_lag - 1, 0)]

    def charger_power(self, name: str, now_kw: float) -> float:
        history = self._charger_history.get(name, [])
        return history[0] if self.sensor_lag and len(history) > self.sensor_lag else now_kw

    def read(self, now: datetime, house_kw: float) -> Readings:
        """``house_kw``: what the house's consumption sensor shows (the loads Headroom does not drive)."""
        home = self.home
        devices: dict[str, DeviceReading] = {}
        for charger in home.chargers:
            devices[charger.name] = ChargerReading(
                plugged=charger.visit is not None,
                power_kw=self.charger_power(charger.name, charger.power_kw),
                soc_percent=charger.soc if charger.visit is not None else None,
            )
        if (b := home.battery) is not None:
            devices[BATTERY_ID] = BatteryReading(
                soc_percent=b.soc_kwh / b.capacity_kwh * 100, power_kw=b.last_kw, mode=b.mode
            )
        if (h := home.water_heater) is not None and h.driven:
            devices[HEATER_ID] = ThermalReading(
                temperature_c=h.temperature_c, power_kw=h.power_kw if h.heating else 0.0, heating=h.heating
            )
        for appliance in home.appliances:
            devices[appliance.name] = ApplianceReading(
                running=appliance.running(now), power_kw=appliance.power_at(now)
            )
        return Readings(now=now.astimezone(home.scenario.tz), house_power_kw=house_kw, devices=devices)


def goals(home: Home, intents: Intents) -> None:
    """The person tells Headroom each plugged car's departure and target, as set_ev_goal would."""
    for charger in home.chargers:
        if charger.visit is None:
            intents.goals.pop(charger.name, None)
            continue
        visit = charger.visit
        local = visit.departure.astimezone(home.scenario.tz)
        intents.goals[charger.name] = EvGoal(
            target_soc=visit.target_soc, departure=local.time(), departure_at=local
        )


def outage_requests(scenario: Scenario, home: Home, timeline: Timeline, intents: Intents) -> None:
    """Scheduled load shedding, known ahead, as the grid requests for no import it amounts to."""
    intents.grid_requests = {}
    for day in (-1, 0, 1, 2):
        date = (timeline.start + timedelta(days=day)).astimezone(scenario.tz).date()
        for begin, end in home.grid.outages:
            start = datetime.combine(date, begin, scenario.tz)
            stop = datetime.combine(date, end, scenario.tz)
            if stop > timeline.start and start < timeline.end:
                key = f"outage-{start.isoformat()}"
                intents.grid_requests[key] = GridRequest(id=key, start=start, end=stop, limit_kw=0.0)


@dataclass
class Forecaster:
    """Forecasts over a horizon: the truth (``error`` 0) or the truth off by seeded noise per hour."""

    scenario: Scenario
    error: float
    seed: int
    pv_at: Any  # (moment) -> kW, cached by the simulation
    # False: no history of the house's load (a new install): the policy holds what it draws now.
    load_history: bool = True

    def _noise(self, key: str) -> float:
        if self.error <= 0:
            return 0.0
        return random.Random(f"{self.seed}-{key}").gauss(0.0, self.error)

    def forecasts(self, home: Home, timeline: Timeline) -> Forecasts:
        sc = self.scenario
        ticks = sc.plan_step_minutes // sc.tick_minutes
        moments = timeline.moments()
        # An undriven geyser is part of the house's own load; a driven one is planned by Headroom.
        heater = home.water_heater
        heater = dataclasses.replace(heater) if heater is not None and not heater.driven else None
        base, pv = np.zeros(timeline.steps), np.zeros(timeline.steps)
        for t, moment in enumerate(moments):
            hour_key = moment.strftime("%Y%m%d%H")
            load = solar = 0.0
            for k in range(ticks):
                sub = (moment + timedelta(minutes=k * sc.tick_minutes)).astimezone(sc.tz)
                load += home.base.kw(sub) if self.error <= 0 else home.base.expected_kw(sub)
                load += heater.step(sub, sc.tick_minutes / 60) if heater is not None else 0.0
                solar += self.pv_at(sub)
            base[t] = max(load / ticks * (1 + self._noise(f"b{hour_key}")), 0.0)
            pv[t] = max(solar / ticks * (1 + self._noise(f"p{hour_key}")), 0.0)
        self._islanded(home, moments, base, pv)
        return Forecasts(
            import_price=np.array([sc.import_price(m) for m in moments]),
            export_price=np.array([sc.export_price(m) for m in moments]),
            pv_kw=pv,
            base_load_kw=base if self.load_history else None,
            base_load_basis="the simulator's forecaster",
        )

    def _islanded(self, home: Home, moments: list[datetime], base: Any, pv: Any) -> None:
        """In an outage the house can draw only what the battery gives, and PV only cover that."""
        battery = home.battery
        for t, moment in enumerate(moments):
            clock = moment.astimezone(self.scenario.tz).time()
            if any(a <= clock < b for a, b in home.grid.outages):
                base[t] = min(base[t], battery.max_discharge_kw if battery else 0.0)
                pv[t] = min(pv[t], base[t] + (battery.max_charge_kw if battery else 0.0))
