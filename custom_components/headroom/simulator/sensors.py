"""The simulated home as the policy sees it: its devices' configuration, what its sensors read
now, and what its forecasters say. The simulator's counterpart of ``devices/`` and ``sources/``
in Home Assistant; the decisions themselves are the policy's (``policy/``), never copied here.

The imperfections a real home has can be injected (``scenario.Faults``): chargers' power sensors
that lag the meter by some ticks, sensors that now and then read nothing (seeded), a grid meter
that counts export as positive (read with the direction the site's settings give, as the
integration's meter reader does), forecasts off by ``error`` (see ``Forecaster``).
"""

from __future__ import annotations

import dataclasses
import math
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
    CONF_GRID_EXPORT_POSITIVE,
    CONF_HORIZON_HOURS,
    CONF_IMPORT_LIMIT_KW,
    CONF_LATEST_FINISH,
    CONF_LOSS_C_PER_HOUR,
    CONF_MAIN_FUSE_A,
    CONF_MAX_CHARGE_KW,
    CONF_MAX_CURRENT_A,
    CONF_MAX_DISCHARGE_KW,
    CONF_MAX_TEMPERATURE,
    CONF_MIN_CURRENT_A,
    CONF_MIN_SOC_PERCENT,
    CONF_MIN_TEMPERATURE,
    CONF_PHASE,
    CONF_PHASE_COUNT,
    CONF_PHASES,
    CONF_POWER_SETPOINT_ENTITY,
    CONF_RUN_MINUTES,
    CONF_RUN_POWER_KW,
    CONF_STEP_MINUTES,
    CONF_USE_TIMES,
    CONF_VOLUME_LITRES,
    PHASE_ALL,
    SUBENTRY_APPLIANCE,
    SUBENTRY_BATTERY,
    SUBENTRY_EV_CHARGER,
    SUBENTRY_THERMAL,
)
from ..policy.checks import grid_sign
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
from .scenario import Faults, Flows, Home, Scenario

BATTERY_ID = "battery"
HEATER_ID = "water_heater"


def site_config(scenario: Scenario) -> dict[str, Any]:
    """The site as a person would set it up in Headroom's form: the main fuse's amps and phase
    count (a kW import limit only where the scenario has a contract below the fuse), the grid
    meter's direction as the meter counts, and whatever the scenario says the person set otherwise."""
    grid = scenario.data["grid"]
    config: dict[str, Any] = {
        CONF_MAIN_FUSE_A: float(grid["fuse_a"]),
        CONF_PHASE_COUNT: str(int(grid.get("phases", 1))),
        CONF_EXPORT_LIMIT_KW: scenario.export_limit_kw,
        CONF_STEP_MINUTES: scenario.plan_step_minutes,
        CONF_HORIZON_HOURS: scenario.horizon_hours,
        CONF_GRID_EXPORT_POSITIVE: bool(grid.get("meter_export_positive", False)),
    }
    if grid.get("import_limit_kw") is not None:
        config[CONF_IMPORT_LIMIT_KW] = float(grid["import_limit_kw"])
    return {**config, **scenario.settings}


def device_configs(home: Home) -> dict[str, DeviceConfig]:
    """Every simulated device as a person would configure it in Headroom."""
    out: dict[str, DeviceConfig] = {}
    for charger in home.chargers:
        out[charger.name] = DeviceConfig(
            SUBENTRY_EV_CHARGER,
            {
                CONF_PHASES: str(charger.phases),
                CONF_PHASE: charger.phase if charger.phases == 1 else PHASE_ALL,
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
                # The simulated inverter takes a power setpoint in its forced modes, as one
                # set up with its setpoint number would.
                CONF_POWER_SETPOINT_ENTITY: "number.simulated_battery_setpoint",
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
                CONF_PHASE: h.phase or PHASE_ALL,
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
                CONF_PHASE: appliance.phase or PHASE_ALL,
            },
        )
    return out


@dataclass
class Sensors:
    """Reads the simulated home as Home Assistant's entities would show it, with the scenario's
    faults: chargers' power sensors ``faults.charger_lag_ticks`` ticks late, sensors that read
    nothing now and then (seeded per sensor and tick), and a grid meter that counts in its own
    direction, read with the direction the site's settings give."""

    home: Home
    faults: Faults = field(default_factory=Faults)
    config: dict[str, Any] = field(default_factory=dict)
    seed: int = 1
    _charger_history: dict[str, list[float]] = field(default_factory=dict)

    @property
    def sensor_lag(self) -> int:
        return self.faults.charger_lag_ticks

    def tick(self) -> None:
        """Record this tick's charger powers (what a lagging sensor shows later)."""
        for charger in self.home.chargers:
            history = self._charger_history.setdefault(charger.name, [])
            history.append(charger.power_kw)
            del history[: max(len(history) - self.sensor_lag - 1, 0)]

    def charger_power(self, name: str, now_kw: float) -> float:
        history = self._charger_history.get(name, [])
        return history[0] if self.sensor_lag and len(history) > self.sensor_lag else now_kw

    def _reads(self, kind: str, entity_id: str, now: datetime) -> bool:
        """Whether this sensor shows a value at ``now`` (``faults.unavailable``: the share it does not)."""
        share = self.faults.unavailable.get(kind, 0.0)
        return share <= 0 or random.Random(f"{self.seed}-{entity_id}-{now.isoformat()}").random() >= share

    def meter(self, flows: Flows, now: datetime) -> tuple[float, tuple[float | None, ...]]:
        """The grid meter as its reader gives it to the policy (kW, import positive if the site's
        direction setting is right): the total and, when the meter reports phases, each phase."""
        raw = -1.0 if self.home.grid.meter_export_positive else 1.0
        sign = raw * grid_sign(self.config)
        phases: tuple[float | None, ...] = ()
        if self.home.grid.meter_phases and self.home.grid.phases > 1:
            phases = tuple(
                sign * kw if self._reads("grid_phase", f"sensor.grid_l{index + 1}_power", now) else None
                for index, kw in enumerate(flows.phases)
            )
        return sign * flows.grid, phases

    def read(self, now: datetime, house_kw: float, flows: Flows | None = None) -> Readings:
        """``house_kw``: what the house's consumption sensor shows (everything the house draws);
        ``flows``: the home's balance now, for the grid meter and the PV sensor."""
        home = self.home
        stale: list[str] = []

        def shown(kind: str, entity_id: str, value: float | None) -> float | None:
            if value is None or self._reads(kind, entity_id, now):
                return value
            stale.append(entity_id)
            return None

        devices: dict[str, DeviceReading] = {}
        for charger in home.chargers:
            devices[charger.name] = ChargerReading(
                plugged=charger.visit is not None,
                power_kw=shown(
                    "charger_power",
                    f"sensor.{charger.name}_power",
                    self.charger_power(charger.name, charger.power_kw),
                ),
                soc_percent=shown("ev_soc", f"sensor.{charger.name}_soc", charger.soc)
                if charger.visit is not None
                else None,
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
        grid: float | None = None
        phases: tuple[float | None, ...] = ()
        pv: float | None = None
        if flows is not None:
            grid, phases = self.meter(flows, now)
            pv = shown("pv_power", "sensor.pv_power", flows.pv)
            stale += [f"sensor.grid_l{i + 1}_power" for i, v in enumerate(phases) if v is None]
        return Readings(
            now=now.astimezone(home.scenario.tz),
            house_power_kw=shown("house_power", "sensor.house_power", house_kw),
            grid_power_kw=grid,
            grid_phase_kw=phases,
            pv_power_kw=pv,
            devices=devices,
            stale=tuple(stale),
        )


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
        for begin, end, limit_kw in scenario.grid_requests():
            start = datetime.combine(date, begin, scenario.tz)
            stop = datetime.combine(date, end, scenario.tz)
            if stop > timeline.start and start < timeline.end:
                key = f"request-{start.isoformat()}"
                intents.grid_requests[key] = GridRequest(id=key, start=start, end=stop, limit_kw=limit_kw)


# How a forecast's error behaves (``Forecaster``): an AR(1) path per series, hour to hour.
ERROR_PERSISTENCE = 0.9
# The share of PV's error variance that is one level for the whole day (a cloudy day missed).
PV_DAY_SHARE = 0.5
# At lead 0 a forecast is off by this share of its day-ahead error; it grows linearly to 1 at 24 h.
NEAR_TERM_SHARE = 0.5
# Day-ahead prices for tomorrow are published at this local hour (EPEX / Nord Pool, about 13:00).
PRICES_PUBLISHED_HOUR = 13


@dataclass
class Forecaster:
    """Forecasts over a horizon: the truth (``error`` 0) or the truth off as real forecasts are.

    ``error`` is the relative standard deviation of a day-ahead forecast of the house's load and
    of the PV (0.2: 20 %). The error is correlated: an AR(1) path per series (persistence
    ``ERROR_PERSISTENCE`` from hour to hour), and for PV half its variance a level error for the
    whole day, so a cloudy afternoon the forecast missed stays missed; the same path for every
    replan (the weather does not change with the forecast), smaller the nearer the hour
    (``NEAR_TERM_SHARE`` at lead 0). Dynamic prices are known as far as they are published (until
    midnight, and from ``PRICES_PUBLISHED_HOUR`` until the end of tomorrow); beyond, the forecast
    repeats the last published day's price at that time. Seeded by ``seed``: ``--noise-seeds``
    draws several such worlds."""

    scenario: Scenario
    error: float
    seed: int
    pv_at: Any  # (moment) -> kW, cached by the simulation
    # False: no history of the house's load (a new install): the policy holds what it draws now.
    load_history: bool = True
    _paths: dict[str, list[float]] = field(default_factory=dict, repr=False)
    _levels: dict[str, float] = field(default_factory=dict, repr=False)

    def _path(self, series: str, moment: datetime) -> float:
        """The standard-normal AR(1) error of ``series`` at ``moment``'s hour, from the start's."""
        first = int(self.scenario.start.timestamp() // 3600)
        hour = max(int(moment.timestamp() // 3600) - first, 0)
        path = self._paths.setdefault(series, [])
        while len(path) <= hour:
            draw = random.Random(f"{self.seed}-{series}-{len(path)}").gauss(0.0, 1.0)
            path.append(
                draw
                if not path
                else ERROR_PERSISTENCE * path[-1] + math.sqrt(1 - ERROR_PERSISTENCE**2) * draw
            )
        return path[hour]

    def _level(self, series: str, moment: datetime) -> float:
        day = moment.astimezone(self.scenario.tz).date().isoformat()
        key = f"{series}-{day}"
        if key not in self._levels:
            self._levels[key] = random.Random(f"{self.seed}-{key}-level").gauss(0.0, 1.0)
        return self._levels[key]

    def relative_error(self, series: str, moment: datetime, issued: datetime) -> float:
        """How far off (a share, e.g. -0.12) the forecast of ``series`` for ``moment`` is when made at
        ``issued``: 0 on perfect forecasts."""
        if self.error <= 0:
            return 0.0
        lead_h = max((moment - issued).total_seconds() / 3600, 0.0)
        scale = NEAR_TERM_SHARE + (1 - NEAR_TERM_SHARE) * min(lead_h, 24.0) / 24.0
        if series == "pv":
            shape = math.sqrt(1 - PV_DAY_SHARE) * self._path(series, moment) + math.sqrt(
                PV_DAY_SHARE
            ) * self._level(series, moment)
        else:
            shape = self._path(series, moment)
        return self.error * scale * shape

    def price_known(self, moment: datetime, issued: datetime) -> datetime:
        """The moment whose published price stands for ``moment``'s when forecasting at ``issued``:
        itself when published, else the same time on the last published day."""
        if self.error <= 0 or self.scenario.prices.get("kind") != "dynamic":
            return moment
        local = issued.astimezone(self.scenario.tz)
        published_days = 2 if local.hour >= PRICES_PUBLISHED_HOUR else 1
        until = datetime.combine(local.date(), datetime.min.time(), self.scenario.tz) + timedelta(
            days=published_days
        )
        while moment >= until:
            moment -= timedelta(days=1)
        return moment

    def forecasts(self, home: Home, timeline: Timeline) -> Forecasts:
        sc = self.scenario
        ticks = sc.plan_step_minutes // sc.tick_minutes
        moments = timeline.moments()
        # An undriven geyser is part of the house's own load; a driven one is planned by Headroom.
        heater = home.water_heater
        heater = dataclasses.replace(heater) if heater is not None and not heater.driven else None
        base, pv = np.zeros(timeline.steps), np.zeros(timeline.steps)
        issued = moments[0] if moments else self.scenario.start
        for t, moment in enumerate(moments):
            load = solar = 0.0
            for k in range(ticks):
                sub = (moment + timedelta(minutes=k * sc.tick_minutes)).astimezone(sc.tz)
                load += home.base.kw(sub) if self.error <= 0 else home.base.expected_kw(sub)
                load += heater.step(sub, sc.tick_minutes / 60) if heater is not None else 0.0
                solar += self.pv_at(sub)
            base[t] = max(load / ticks * (1 + self.relative_error("load", moment, issued)), 0.0)
            pv[t] = max(solar / ticks * (1 + self.relative_error("pv", moment, issued)), 0.0)
        self._islanded(home, moments, base, pv)
        return Forecasts(
            import_price=np.array([sc.import_price(self.price_known(m, issued)) for m in moments]),
            export_price=np.array([sc.export_price(self.price_known(m, issued)) for m in moments]),
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
