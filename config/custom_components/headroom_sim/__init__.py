"""The demo home (development only, not shipped by HACS): Headroom's simulator as real entities.

``headroom_sim:`` in configuration.yaml runs a simulated home on Home Assistant's clock (``speed``
makes the simulated clock run faster): PV with a forecast in Solcast's shape, the grid's power, the
fuse, a price sensor in the HACS Nord Pool format, and a battery on its own device (SoC, power, a
mode select and a power setpoint). Its two chargers and its dishwasher are devices of the demo's
stand-ins for real integrations, registered as those integrations register theirs: two OCPP charge
points (``ocpp``: power, connector status, the car's SoC, the maximum current) and a Shelly plug
(``shelly``: relay and power meter), so that Headroom's discovery finds them by its profiles.

On start it adds its own entry and the stand-ins' (once; a restart finds them). With
``setup_headroom: true`` it then adds Headroom on first start through Headroom's own flows, picking
each device among what discovery proposes, so that the demo needs no clicking.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import SOURCE_IMPORT, ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.start import async_at_started
from homeassistant.helpers.typing import ConfigType
from homeassistant.util import dt as dt_util

from custom_components.headroom.simulator.scenario import Home, Scenario

DOMAIN = "headroom_sim"
_LOGGER = logging.getLogger(__name__)
PLATFORMS = [Platform.SENSOR, Platform.BINARY_SENSOR, Platform.NUMBER, Platform.SELECT]
# The stand-ins whose devices the chargers and the dishwasher are (config/custom_components/), each with
# the data of its import step.
STAND_INS: dict[str, dict[str, Any]] = {"ocpp": {}, "shelly": {"name": "Dishwasher plug"}}
TICK = timedelta(seconds=10)
DEMO_SCENARIO = Path(__file__).parent / "demo_home.json"

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
            charger.allowed_a = self.current_a[charger.name]
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
    hass.data[f"{DOMAIN}_replan_minutes"] = conf["replan_minutes"]
    demo.async_tick()
    async_track_time_interval(hass, demo.async_tick, TICK, cancel_on_shutdown=True)
    hass.async_create_task(_async_add_entries(hass, conf["setup_headroom"]))
    return True


async def _async_add_entries(hass: HomeAssistant, setup_headroom: bool) -> None:
    """The demo's own entry and its stand-ins' (an import step each, which a restart aborts: the entries
    are there), then, once Home Assistant runs, Headroom."""
    for domain, data in ((DOMAIN, {}), *STAND_INS.items()):
        await hass.config_entries.flow.async_init(domain, context={"source": SOURCE_IMPORT}, data=data)
    if setup_headroom:
        async_at_started(hass, async_setup_headroom)


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_add_site(hass: HomeAssistant) -> ConfigEntry | None:
    """Headroom's entry for the demo home, through its own site form (None if the form refuses)."""
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
        return None
    if result.get("step_id") == "confirm":
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    return hass.config_entries.async_entries("headroom")[0]


async def async_setup_headroom(hass: HomeAssistant) -> None:
    """Add Headroom for the demo home through its own flows (once; a restart keeps it)."""
    if hass.config_entries.async_entries("headroom") or (entry := await async_add_site(hass)) is None:
        return
    demo: DemoHome = hass.data[DOMAIN]
    # Each device as discovery proposes it (by the device's name), with what discovery cannot know.
    for charger in demo.home.chargers:
        await _subentry(hass, entry.entry_id, "ev_charger", charger.name, {
            "name": f"Charger {charger.name}", "ev_capacity_kwh": charger.car_capacity_kwh,
            "phases": str(charger.phases), "min_current_a": charger.min_a, "max_current_a": charger.max_a,
            "default_energy_kwh": 20})
    if demo.home.battery:
        battery = demo.home.battery
        await _subentry(hass, entry.entry_id, "battery", "Home battery", {
            "name": "Home battery", "capacity_kwh": battery.capacity_kwh,
            "min_soc_percent": round(battery.min_soc_kwh / battery.capacity_kwh * 100),
            "max_charge_kw": battery.max_charge_kw, "max_discharge_kw": battery.max_discharge_kw},
            modes={f"mode_option_{m}": m for m in ("idle", "self_consumption", "forced_charge",
                                                    "forced_discharge", "non_export")})
    for appliance in demo.home.appliances:
        await _subentry(hass, entry.entry_id, "appliance", STAND_INS["shelly"]["name"], {
            "name": appliance.name.replace("_", " ").capitalize(),
            "run_power_kw": round(max(appliance.profile_kw), 2), "run_minutes": appliance.minutes,
            "earliest_start": appliance.earliest.isoformat(), "latest_finish": appliance.latest_finish.isoformat(),
            "allow_switch_off": False})


def _filled(result: Any) -> dict[str, Any]:
    """What a form shows filled in: its defaults and suggested values."""
    out: dict[str, Any] = {}
    for marker in result["data_schema"].schema:
        if marker.default is not vol.UNDEFINED:
            out[str(marker)] = marker.default()
        elif (marker.description or {}).get("suggested_value") is not None:
            out[str(marker)] = marker.description["suggested_value"]
    return out


async def _subentry(hass: HomeAssistant, entry_id: str, kind: str, device: str, form: dict[str, Any],
                    modes: dict[str, str] | None = None) -> None:
    """Add ``device`` as discovery proposes it in the ``kind`` form, with ``form`` on top."""
    flows = hass.config_entries.subentries
    result = await flows.async_init((entry_id, kind), context={"source": "user"})
    if result.get("step_id") == "user":
        options = result["data_schema"].schema["discovered"].config["options"]
        picked = next((o["value"] for o in options if o["label"].startswith(f"{device} (")), "manual")
        if picked == "manual":
            _LOGGER.warning("Discovery did not propose %s as a %s: %s", device, kind, [o["label"] for o in options])
        result = await flows.async_configure(result["flow_id"], {"discovered": picked})
    result = await flows.async_configure(result["flow_id"], {**_filled(result), **form})
    if result.get("step_id") == "modes":
        result = await flows.async_configure(result["flow_id"], modes or {})
    _LOGGER.info("Added %s to Headroom: %s", form["name"], result.get("type"))
