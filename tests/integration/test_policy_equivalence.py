"""The simulator and the integration make the same decisions: one scenario run step by step
through the simulator, and the same readings and forecasts fed to a real Home Assistant as
entity states, give the same charger currents, battery modes and appliance starts.

Both call ``policy/``: a difference here means one of them reads, forecasts or applies
differently from the other, which is exactly what the simulator must never hide.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.headroom.const import DOMAIN
from custom_components.headroom.coordinator import REPLAN_DEBOUNCE_S
from custom_components.headroom.policy.intents import Intents
from custom_components.headroom.policy.readings import (
    ApplianceReading,
    BatteryReading,
    ChargerReading,
    Forecasts,
    Readings,
)
from custom_components.headroom.policy.setpoints import Setpoint
from custom_components.headroom.simulator import Scenario
from custom_components.headroom.simulator.run import Simulation
from custom_components.headroom.simulator.sensors import BATTERY_ID

SCENARIO = Path(__file__).parents[2] / "examples" / "simulator" / "dutch_home.json"
PRICE = "sensor.day_ahead_price"
PV = "sensor.pv_forecast"
HOUSE = "sensor.house_power"
MODE_OPTIONS = {
    "idle": "Standby",
    "self_consumption": "Self Use",
    "forced_charge": "Force Charge",
    "forced_discharge": "Force Discharge",
    "non_export": "Backup",
}
ENTRY_ID = "equivalence"


def simulate(hours: float) -> Simulation:
    """The Dutch home from midnight on Monday (the weekend's car still plugged in), with perfect
    forecasts and no load history, as a new Headroom install sees it."""
    scenario = Scenario.from_json(json.loads(SCENARIO.read_text()))
    sim = Simulation(scenario, "headroom", forecast_error=0.0, load_history=False)
    sim.run(hours / 24)
    return sim


def entities(device_id: str) -> dict[str, str]:
    return {
        "power": f"sensor.{device_id}_power",
        "plugged": f"binary_sensor.{device_id}_plugged",
        "soc": f"sensor.{device_id}_soc",
        "current": f"input_number.{device_id}_current",
        "switch": f"input_boolean.{device_id}_switch",
        "setpoint": f"input_number.{device_id}_setpoint",
    }


def subentries(sim: Simulation) -> list[dict[str, Any]]:
    """The simulated devices configured in Headroom on entities that show their readings."""
    out = []
    for device_id, config in sim.policy.devices.items():
        e = entities(device_id)
        data = dict(config.data)
        if config.kind == "ev_charger":
            data |= {
                "charger_power_entity": e["power"],
                "plugged_entity": e["plugged"],
                "ev_soc_entity": e["soc"],
                "current_limit_entity": e["current"],
                "charge_switch_entity": e["switch"],
                "default_energy_kwh": 20,
            }
        elif config.kind == "battery":
            data |= {
                "soc_entity": e["soc"],
                "power_entity": e["power"],
                "mode_select_entity": "input_select.battery_mode",
                "power_setpoint_entity": e["setpoint"],
                **{f"mode_option_{mode}": option for mode, option in MODE_OPTIONS.items()},
            }
        else:
            data |= {"power_entity": e["power"], "switch_entity": e["switch"]}
        out.append(
            {
                "subentry_id": device_id,
                "subentry_type": config.kind,
                "title": device_id,
                "unique_id": None,
                "data": data,
            }
        )
    return out


def show_readings(hass: HomeAssistant, readings: Readings) -> None:
    kw = {"unit_of_measurement": "kW", "device_class": "power"}
    hass.states.async_set(HOUSE, repr(readings.house_power_kw), kw)
    for device_id, reading in readings.devices.items():
        e = entities(device_id)
        if isinstance(reading, ChargerReading):
            hass.states.async_set(e["plugged"], "on" if reading.plugged else "off")
            hass.states.async_set(e["soc"], repr(reading.soc_percent), {"unit_of_measurement": "%"})
        elif isinstance(reading, BatteryReading):
            hass.states.async_set(e["soc"], repr(reading.soc_percent), {"unit_of_measurement": "%"})
        elif not isinstance(reading, ApplianceReading):
            continue
        hass.states.async_set(e["power"], repr(reading.power_kw or 0.0), kw)


def show_forecasts(hass: HomeAssistant, readings: Readings, forecasts: Forecasts) -> None:
    """The forecasts as Headroom's generic lists: a price sensor and a PV forecast sensor whose
    ``forecast`` attribute lists ``{start, end, value}`` per step (EUR/kWh, kW)."""
    start = readings.now.replace(
        minute=readings.now.minute - readings.now.minute % 15, second=0, microsecond=0
    )
    rows, pv = [], []
    for t, (price, kw) in enumerate(zip(forecasts.import_price, forecasts.pv_kw, strict=True)):
        lo, hi = start + timedelta(minutes=15 * t), start + timedelta(minutes=15 * (t + 1))
        rows.append({"start": lo.isoformat(), "end": hi.isoformat(), "value": float(price)})
        pv.append({"start": lo.isoformat(), "end": hi.isoformat(), "value": float(kw)})
    hass.states.async_set(
        PRICE,
        repr(rows[0]["value"]),
        {"unit_of_measurement": "EUR/kWh", "forecast": rows},
    )
    hass.states.async_set(PV, repr(pv[0]["value"]), {"unit_of_measurement": "kW", "forecast": pv})


def what_ha_did(hass: HomeAssistant, wanted: Setpoint) -> tuple[Any, ...]:
    e = entities(wanted.device_id)
    if wanted.kind == "ev_charger":
        return float(hass.states.get(e["current"]).state), hass.states.get(e["switch"]).state
    if wanted.kind == "battery":
        return (_discharging(hass.states.get("input_select.battery_mode").state),)
    return (hass.states.get(e["switch"]).state,)


def _discharging(option: str) -> str:
    """A discharge that covers part of the house's need is a set power (Force Discharge), all of it
    self-consumption; which of the two a step gets turns on ties in the plan that the two sides'
    previous plans break apart, so the two count as one."""
    return "self use or set discharge" if option in ("Self Use", "Force Discharge") else option


def what_the_simulator_did(wanted: Setpoint) -> tuple[Any, ...]:
    if wanted.kind == "ev_charger":
        return float(wanted.amps or 0.0), "on" if wanted.amps else "off"
    if wanted.kind == "battery":
        return (_discharging(MODE_OPTIONS[wanted.mode or "self_consumption"]),)
    return ("on" if wanted.on else "off",)


async def setup_home(hass: HomeAssistant, sim: Simulation, hass_storage: dict[str, Any]) -> None:
    scenario = sim.scenario
    await hass.config.async_set_time_zone(scenario.tz.key)
    devices = sim.policy.devices
    assert await async_setup_component(
        hass,
        "input_number",
        {
            "input_number": {
                **{
                    f"{d}_current": {"min": 0, "max": 16, "step": 1, "initial": 0, "unit_of_measurement": "A"}
                    for d, c in devices.items()
                    if c.kind == "ev_charger"
                },
                # The simulated inverter takes a power setpoint in its forced modes.
                **{
                    f"{d}_setpoint": {
                        "min": -10000,
                        "max": 10000,
                        "step": 1,
                        "initial": 0,
                        "unit_of_measurement": "W",
                    }
                    for d, c in devices.items()
                    if c.kind == "battery"
                },
            }
        },
    )
    assert await async_setup_component(
        hass,
        "input_boolean",
        {
            "input_boolean": {
                f"{d}_switch": {"initial": False} for d, c in devices.items() if c.kind != "battery"
            }
        },
    )
    assert await async_setup_component(
        hass,
        "input_select",
        {"input_select": {"battery_mode": {"options": list(MODE_OPTIONS.values()), "initial": "Self Use"}}},
    )
    first = sim.policy.decisions[0]
    assert first.forecasts is not None
    show_readings(hass, first.readings)
    show_forecasts(hass, first.readings, first.forecasts)
    # The car's goal, as the person set it before this moment (kept in Headroom's store).
    hass_storage[f"{DOMAIN}.{ENTRY_ID}"] = {
        "version": 1,
        "minor_version": 1,
        "key": f"{DOMAIN}.{ENTRY_ID}",
        "data": {"intents": Intents(goals=dict(first.goals)).to_dict()},
    }
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Dutch home",
        entry_id=ENTRY_ID,
        data={
            "import_limit_kw": scenario.import_limit_kw,
            "export_limit_kw": scenario.export_limit_kw,
            "price_entity": PRICE,
            "pv_forecast_entity": PV,
            "house_power_entity": HOUSE,
            "export_price_factor": scenario.prices["export"]["factor"],
            "export_price_fixed": scenario.prices["export"]["offset"],
            "step_minutes": str(scenario.plan_step_minutes),
            "horizon_hours": scenario.horizon_hours,
            "replan_minutes": scenario.replan_minutes,
            "control_mode": "active",
        },
        subentries_data=subentries(sim),
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.slow
async def test_the_simulator_and_home_assistant_decide_alike(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    sim = simulate(hours=6)
    decisions = sim.policy.decisions
    assert sim.policy.cuts == 0  # the fuse cut is compared in its own test
    assert len(decisions) >= 24 and sum(d.forecasts is not None for d in decisions) >= 6
    assert any(s.kind == "ev_charger" and s.amps for d in decisions for s in d.setpoints)  # the car charges
    assert {s.mode for d in decisions for s in d.setpoints if s.device_id == BATTERY_ID} - {
        "self_consumption"
    }

    freezer.move_to(decisions[0].readings.now)
    await setup_home(hass, sim, hass_storage)
    compared = 0
    for index, decision in enumerate(decisions):
        if index:
            freezer.move_to(decision.readings.now)
            show_readings(hass, decision.readings)
            if decision.forecasts is not None:
                show_forecasts(hass, decision.readings, decision.forecasts)
                await hass.services.async_call(DOMAIN, "replan", {}, blocking=True)
                await hass.async_block_till_done()
                # The forecast entities' update also asks for the integration's own debounced
                # replan, 10 s later: let it run now, on the same readings, as it would.
                async_fire_time_changed(
                    hass, decision.readings.now + timedelta(seconds=REPLAN_DEBOUNCE_S + 1)
                )
            else:
                async_fire_time_changed(hass)  # the controller applies the plan's next step
            await hass.async_block_till_done(wait_background_tasks=True)
        for wanted in decision.setpoints:
            assert what_ha_did(hass, wanted) == what_the_simulator_did(wanted), (
                f"{decision.readings.now:%H:%M} {wanted.device_id}"
            )
            compared += 1
    assert compared > 2 * len(decisions)  # the charger and the battery at every step, and an appliance start
