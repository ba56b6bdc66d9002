"""The demo home (development only, not shipped by HACS): Headroom's simulator as real entities.

``headroom_sim:`` in configuration.yaml runs a simulated home on Home Assistant's clock (``speed``
makes the simulated clock run faster): PV, a battery with a mode select and a power number, two
chargers with current numbers, switches, plug and power sensors and cars with SoC sensors, a
dishwasher with a switch and a power sensor, the grid's power, the fuse, and a price sensor in
the HACS Nord Pool format. With ``setup_headroom: true`` it also adds Headroom on first start,
through Headroom's own config flow, so that the demo needs no clicking.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import voluptuous as vol
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.discovery import async_load_platform
from homeassistant.helpers.event import async_track_state_change_event, async_track_time_interval
from homeassistant.helpers.start import async_at_started
from homeassistant.helpers.typing import ConfigType
from homeassistant.util import dt as dt_util

from custom_components.headroom.simulator.scenario import Home, Scenario

DOMAIN = "headroom_sim"
_LOGGER = logging.getLogger(__name__)
PLATFORMS = [Platform.SENSOR, Platform.BINARY_SENSOR, Platform.NUMBER, Platform.SELECT, Platform.SWITCH]
TICK = timedelta(seconds=10)
DEMO_SCENARIO = Path(__file__).parent / "demo_home.json"
PRICE = "sensor.sim_electricity_price"

CONFIG_SCHEMA = vol.Schema({DOMAIN: vol.Schema({
    vol.Optional("scenario"): cv.string,
    vol.Optional("speed", default=1.0): vol.Coerce(float),
    vol.Optional("setup_headroom", default=False): cv.boolean,
    vol.Optional("person_starts_appliances", default=False): cv.boolean,
    vol.Optional("replan_minutes", default=5): vol.Coerce(int),
})}, extra=vol.ALLOW_EXTRA)


class DemoHome:
    """The simulator's home, moved on with HA's clock; entities read it and write commands to it."""

    def __init__(self, hass: HomeAssistant, scenario: Scenario, speed: float, person_starts: bool) -> None:
        self.hass = hass
        self.scenario = scenario
        self.home: Home = scenario.build()
        self.speed = speed
        self.person_starts = person_starts
        self.started_real = dt_util.utcnow()
        self.clock = self.started_real
        self.switch_on = {c.name: True for c in self.home.chargers}
        self.current_a = {c.name: c.max_a for c in self.home.chargers}
        self.cost = 0.0
        self.import_kwh = 0.0
        self.pv_kw = self.house_kw = self.grid_kw = self.battery_kw = 0.0
        self.heater_kw = 0.0
        self.listeners: list[Any] = []
        for charger in self.home.chargers:
            charger.visits = _visits_around(scenario, charger.name, self.clock)

    def now(self) -> datetime:
        return self.clock

    @callback
    def async_tick(self, _: datetime | None = None) -> None:
        """Advance the simulated clock to where HA's clock (times ``speed``) says it is."""
        target = self.started_real + (dt_util.utcnow() - self.started_real) * self.speed
        step = timedelta(minutes=self.scenario.tick_minutes)
        while self.clock < target:
            dt = min(step, target - self.clock)
            self._step(self.clock, dt.total_seconds() / 3600)
            self.clock += dt
        for listener in self.listeners:
            listener()

    def _step(self, now: datetime, dt_h: float) -> None:
        home, sc = self.home, self.scenario
        local = now.astimezone(sc.tz)
        for charger in home.chargers:
            charger.arrive_and_leave(now)
            charger.allowed_a = self.current_a[charger.name] if self.switch_on[charger.name] else 0.0
            charger.step(dt_h)
        for appliance in home.appliances:
            # Loaded and waiting: the person starts it when the window opens (business as usual),
            # or it waits for Headroom and starts itself at the latest start (its own deadline).
            opens = datetime.combine(local.date(), appliance.earliest, sc.tz)
            if local.time() < appliance.earliest:
                opens -= timedelta(days=1)
            closes = datetime.combine(opens.date(), appliance.latest_finish, sc.tz)
            if closes <= opens:
                closes += timedelta(days=1)
            latest_start = closes - timedelta(minutes=appliance.minutes)
            ran = appliance.started is not None and appliance.started >= opens
            if not ran and now < closes and (self.person_starts or now >= latest_start):
                appliance.start(now)
        self.heater_kw = home.water_heater.step(local, dt_h) if home.water_heater else 0.0
        tick = home.settle(now, dt_h, self.heater_kw)
        self.pv_kw, self.house_kw, self.battery_kw, self.grid_kw = tick.pv, tick.house, tick.battery, tick.grid
        imp, exp = max(tick.grid, 0.0), max(-tick.grid, 0.0)
        self.cost += (imp * sc.import_price(now) - exp * sc.export_price(now)) * dt_h
        self.import_kwh += imp * dt_h

    def price_attributes(self) -> dict[str, Any]:
        """The HACS Nord Pool shape: hourly ``raw_today`` and ``raw_tomorrow``."""
        midnight = dt_util.as_utc(datetime.combine(self.clock.astimezone(self.scenario.tz).date(),
                                                   datetime.min.time(), self.scenario.tz))
        rows = [{"start": (midnight + timedelta(hours=h)).isoformat(),
                 "end": (midnight + timedelta(hours=h + 1)).isoformat(),
                 "value": self.scenario.import_price(midnight + timedelta(hours=h, minutes=30))} for h in range(48)]
        return {"raw_today": rows[:24], "raw_tomorrow": rows[24:], "current_price": self.price_now(),
                "unit": "kWh", "currency": "EUR"}

    def price_now(self) -> float:
        hour = self.clock.replace(minute=30, second=0, microsecond=0)
        return self.scenario.import_price(hour)


def _visits_around(scenario: Scenario, name: str, now: datetime) -> list[Any]:
    """The charger's schedule re-anchored on today, so the demo has cars whatever the date."""
    shifted = json.loads(json.dumps(scenario.data))
    shifted["start"] = (now.astimezone(scenario.tz).date() - timedelta(days=1)).isoformat()
    shifted["days"] = 3650
    charger = next(c for c in Scenario.from_json(shifted).build().chargers if c.name == name)
    return charger.visits


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    conf = config[DOMAIN]
    path = Path(conf["scenario"]) if conf.get("scenario") else DEMO_SCENARIO
    data = json.loads(await hass.async_add_executor_job(path.read_text))
    data["location"]["timezone"] = hass.config.time_zone
    demo = DemoHome(hass, Scenario.from_json(data), conf["speed"], conf["person_starts_appliances"])
    hass.data[DOMAIN] = demo
    demo.async_tick()
    for platform in PLATFORMS:
        hass.async_create_task(async_load_platform(hass, platform, DOMAIN, {}, config))
    async_track_time_interval(hass, demo.async_tick, TICK, cancel_on_shutdown=True)
    if conf["setup_headroom"]:
        # Once HA runs and the demo's entities exist (the price sensor is added last of the first
        # platform), add Headroom.
        pending: dict[str, Any] = {}

        @callback
        def maybe_setup(*_: Any) -> None:
            if hass.is_running and hass.states.get(PRICE) is not None and DOMAIN not in pending:
                pending[DOMAIN] = hass.async_create_task(async_setup_headroom(hass))

        async_track_state_change_event(hass, [PRICE], maybe_setup)
        async_at_started(hass, maybe_setup)
    hass.data[f"{DOMAIN}_replan_minutes"] = conf["replan_minutes"]
    return True


async def async_setup_headroom(hass: HomeAssistant) -> None:
    """Add Headroom for the demo home through its own flows (once; a restart keeps it)."""
    if hass.config_entries.async_entries("headroom"):
        return
    result = await hass.config_entries.flow.async_init("headroom", context={"source": "user"})
    form = {
        "name": "Demo home", "main_fuse_a": 25, "phase_count": "3", "price_entity": "sensor.sim_electricity_price",
        "export_price_fixed": -0.02, "export_price_factor": 0.7, "grid_power_entity": "sensor.sim_grid_power",
        "house_power_entity": "sensor.sim_house_power", "pv_power_entity": "sensor.sim_pv_power",
        "pv_forecast_entity": [f"sensor.solcast_pv_forecast_{day}" for day in ("forecast_today", "forecast_tomorrow")],
        "step_minutes": "15", "horizon_hours": 24,
        "replan_minutes": hass.data.get(f"{DOMAIN}_replan_minutes", 5), "control_mode": "active",
        "tou_peak_start": "07:00:00", "tou_peak_end": "23:00:00", "tou_weekend_off_peak": False,
        "price_multiplier": 1.0, "price_offset": 0.0, "pv_pessimistic": False}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form)
    if result.get("errors"):
        _LOGGER.error("Could not add Headroom for the demo home: %s", result["errors"])
        return
    if result.get("step_id") == "confirm":
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    entry = hass.config_entries.async_entries("headroom")[0]
    demo: DemoHome = hass.data[DOMAIN]
    for charger in demo.home.chargers:
        await _subentry(hass, entry.entry_id, "ev_charger", {
            "name": f"Charger {charger.name}", "control_adapter": "entities",
            "charger_power_entity": f"sensor.sim_{charger.name}_power",
            "current_limit_entity": f"number.sim_{charger.name}_current",
            "charge_switch_entity": f"switch.sim_{charger.name}_charging",
            "plugged_entity": f"binary_sensor.sim_{charger.name}_plugged",
            "ev_soc_entity": f"sensor.sim_{charger.name}_car_soc", "ev_capacity_kwh": charger.car_capacity_kwh,
            "phases": str(charger.phases), "min_current_a": charger.min_a, "max_current_a": charger.max_a,
            "default_energy_kwh": 20})
    if demo.home.battery:
        battery = demo.home.battery
        await _subentry(hass, entry.entry_id, "battery", {
            "name": "Home battery", "soc_entity": "sensor.sim_battery_soc", "power_entity": "sensor.sim_battery_power",
            "mode_select_entity": "select.sim_battery_mode",
            "power_setpoint_entity": "number.sim_battery_setpoint", "capacity_kwh": battery.capacity_kwh,
            "min_soc_percent": round(battery.min_soc_kwh / battery.capacity_kwh * 100),
            "max_charge_kw": battery.max_charge_kw, "max_discharge_kw": battery.max_discharge_kw},
            modes={f"mode_option_{m}": m for m in ("idle", "self_consumption", "forced_charge",
                                                    "forced_discharge", "non_export")})
    for appliance in demo.home.appliances:
        await _subentry(hass, entry.entry_id, "appliance", {
            "name": appliance.name.replace("_", " ").capitalize(), "switch_entity": f"switch.sim_{appliance.name}",
            "power_entity": f"sensor.sim_{appliance.name}_power",
            "run_power_kw": round(max(appliance.profile_kw), 2), "run_minutes": appliance.minutes,
            "earliest_start": appliance.earliest.isoformat(), "latest_finish": appliance.latest_finish.isoformat(),
            "allow_switch_off": False})


async def _subentry(hass: HomeAssistant, entry_id: str, kind: str, form: dict[str, Any],
                    modes: dict[str, str] | None = None) -> None:
    flows = hass.config_entries.subentries
    result = await flows.async_init((entry_id, kind), context={"source": "user"})
    if result.get("step_id") == "user":
        result = await flows.async_configure(result["flow_id"], {"discovered": "manual"})
    result = await flows.async_configure(result["flow_id"], form)
    if result.get("step_id") == "modes":
        result = await flows.async_configure(result["flow_id"], modes or {})
    _LOGGER.info("Added %s to Headroom: %s", form["name"], result.get("type"))
