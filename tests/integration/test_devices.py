"""Driving real entities: the plan becomes service calls in a safe order; a person's change wins;
a charger that does not follow is retried, then reported; the fuse is defended at once;
advisory mode writes nothing; vendor actions for OCPP."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.const import EVENT_CALL_SERVICE
from homeassistant.core import Context, HomeAssistant, ServiceCall
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.headroom.const import DOMAIN
from custom_components.headroom.planner.units import charger_amps as amps_for

from .conftest import SITE, battery_subentry, charger_subentry

EVENING = "2026-11-22 18:00:00-08:00"
CURRENT = "input_number.driveway_current"
SWITCH = "input_boolean.driveway_charging"
MODE = "input_select.battery_mode"
CHARGER_POWER = "sensor.charger_power"


@pytest.fixture(autouse=True)
def _evening(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(EVENING)


def driven_charger(**extra: Any) -> ConfigSubentryData:
    sub = charger_subentry()
    return ConfigSubentryData(
        subentry_type=sub["subentry_type"],
        title=sub["title"],
        unique_id=None,
        data={**sub["data"], "current_limit_entity": CURRENT, "charge_switch_entity": SWITCH, **extra},
    )


def driven_battery() -> ConfigSubentryData:
    sub = battery_subentry()
    return ConfigSubentryData(
        subentry_type="battery",
        title=sub["title"],
        unique_id=None,
        data={
            **sub["data"],
            "mode_select_entity": MODE,
            "mode_option_idle": "Standby",
            "mode_option_self_consumption": "Self Use",
            "mode_option_forced_charge": "Force Charge",
            "mode_option_forced_discharge": "Force Discharge",
            "mode_option_non_export": "Backup",
        },
    )


async def setup(
    hass: HomeAssistant, mode: str = "active", *subentries: ConfigSubentryData
) -> MockConfigEntry:
    assert await async_setup_component(
        hass,
        "input_select",
        {
            "input_select": {
                "battery_mode": {
                    "options": ["Self Use", "Force Charge", "Force Discharge", "Standby", "Backup"],
                    "initial": "Self Use",
                }
            }
        },
    )
    hass.states.async_set("sensor.grid_power", "600", {"unit_of_measurement": "W", "device_class": "power"})
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data={**SITE, "control_mode": mode, "grid_power_entity": "sensor.grid_power"},
        subentries_data=list(subentries) or [driven_charger()],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


async def fastest(hass: HomeAssistant) -> None:
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.driveway_charge_mode", "option": "fastest"},
        blocking=True,
    )
    await replan(hass)


async def replan(hass: HomeAssistant) -> None:
    await hass.services.async_call(DOMAIN, "replan", {}, blocking=True)
    await hass.async_block_till_done(wait_background_tasks=True)


def writes(calls: list[Any]) -> list[tuple[str, str, Any]]:
    """The service calls that wrote to the home's devices, in order."""
    out = []
    for call in calls:
        domain, service, data = call.data["domain"], call.data["service"], call.data["service_data"]
        if domain in ("input_number", "input_boolean", "input_select", "ocpp"):
            out.append((domain, service, data.get("entity_id") or data))
    return out


@pytest.mark.parametrize(
    ("kw", "phases", "expected"),
    [
        (11.0, 3, 15.0),
        (4.14, 3, 6.0),
        (4.0, 3, 0.0),
        (1.2, 1, 0.0),
        (1.4, 1, 6.0),
        (30.0, 3, 16.0),
        (0.0, 3, 0.0),
    ],
)
def test_planned_power_becomes_a_current_never_below_the_minimum(
    kw: float, phases: int, expected: float
) -> None:
    assert amps_for(kw, phases, 6.0, 16.0) == expected


async def test_active_mode_drives_the_charger_to_the_plan(hass: HomeAssistant, home: None) -> None:
    await setup(hass)
    # 18:00: the car waits for the cheap night; the charger stays at 0 A and switched off.
    assert float(hass.states.get("sensor.driveway_planned_power").state) == 0
    assert hass.states.get(CURRENT).state == "0.0" and hass.states.get(SWITCH).state == "off"
    assert hass.states.get("sensor.driveway_control").state == "active"

    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    await fastest(hass)
    planned = float(hass.states.get("sensor.driveway_planned_power").state)
    assert planned == pytest.approx(10.4, abs=0.01)  # 11 kW limit minus the house's 0.6 kW
    assert hass.states.get(CURRENT).state == "15.0"  # 10.4 kW / (3 x 230 V) = 15.07 A, rounded down
    assert hass.states.get(SWITCH).state == "on"
    # Raising: the current is set before the switch lets the car draw it.
    assert writes(calls) == [("input_number", "set_value", CURRENT), ("input_boolean", "turn_on", SWITCH)]

    # Nothing changed: nothing is written again.
    calls.clear()
    await replan(hass)
    assert writes(calls) == []


async def test_lower_goes_out_before_raise(hass: HomeAssistant, home: None) -> None:
    street = ConfigSubentryData(
        subentry_type="ev_charger",
        title="Street",
        unique_id=None,
        data={
            "charger_power_entity": "sensor.street_power",
            "plugged_entity": "input_boolean.street_plugged",
            "current_limit_entity": "input_number.street_current",
            "phases": "3",
            "min_current_a": 6,
            "max_current_a": 16,
            "default_energy_kwh": 24,
        },
    )
    hass.states.async_set("sensor.street_power", "0", {"unit_of_measurement": "W"})
    await setup(hass, "active", driven_charger(), street)
    await fastest(hass)
    assert hass.states.get(CURRENT).state == "15.0"
    hass.states.async_set(CHARGER_POWER, "10400", {"unit_of_measurement": "W"})

    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    # The driveway car is done; the street car arrives and wants full power.
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.driveway_charge_mode", "option": "off"},
        blocking=True,
    )
    await hass.services.async_call(
        "input_boolean", "turn_on", {"entity_id": "input_boolean.street_plugged"}, blocking=True
    )
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.street_charge_mode", "option": "fastest"},
        blocking=True,
    )
    await replan(hass)
    done = writes(calls)
    lowered = done.index(("input_number", "set_value", CURRENT))
    raised = done.index(("input_number", "set_value", "input_number.street_current"))
    assert lowered < raised
    assert hass.states.get(CURRENT).state == "0.0"
    assert hass.states.get("input_number.street_current").state == "15.0"


async def test_a_change_by_hand_wins_until_released(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    await setup(hass)
    await fastest(hass)
    assert hass.states.get(CURRENT).state == "15.0"
    paused = async_capture_events(hass, f"{DOMAIN}_control_paused")

    # The person turns the current down in the charger's own control.
    await hass.services.async_call(
        "input_number", "set_value", {"entity_id": CURRENT, "value": 8}, blocking=True, context=Context()
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert paused and hass.states.get("sensor.driveway_control").state == "manual"
    assert hass.states.get("switch.driveway_headroom_control").state == "off"
    await replan(hass)
    assert hass.states.get(CURRENT).state == "8.0"  # left alone

    freezer.tick(timedelta(seconds=61))
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.driveway_headroom_control"}, blocking=True
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("sensor.driveway_control").state == "active"
    assert hass.states.get(CURRENT).state == "15.0"


async def test_a_charger_that_does_not_follow_is_retried_then_reported(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    entry = await setup(hass)
    await fastest(hass)
    hass.states.async_set(CHARGER_POWER, "10400", {"unit_of_measurement": "W"})
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.driveway_charge_mode", "option": "off"},
        blocking=True,
    )
    await replan(hass)
    assert hass.states.get(CURRENT).state == "0.0"

    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    # The charger keeps drawing 10.4 kW although told 0 A.
    for _ in range(2):
        freezer.tick(timedelta(minutes=3, seconds=30))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
    retried = [c for c in writes(calls) if c[2] == CURRENT or c[2] == SWITCH]
    assert retried, "the command was not sent again"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"device_not_following_{next(iter(entry.subentries))}")
    assert issue is not None
    assert hass.states.get("sensor.driveway_control").state == "not_following"
    await replan(hass)
    # Planned as what it really draws.
    assert float(hass.states.get("sensor.driveway_planned_power").state) == pytest.approx(10.4)


async def test_grid_over_the_limit_cuts_the_chargers_at_once(hass: HomeAssistant, home: None) -> None:
    await setup(hass)
    await fastest(hass)
    hass.states.async_set(CHARGER_POWER, "10400", {"unit_of_measurement": "W"})
    risk = async_capture_events(hass, f"{DOMAIN}_limit_risk")
    # A kettle: the meter reads 13.4 kW against an 11 kW limit.
    hass.states.async_set("sensor.grid_power", "13400", {"unit_of_measurement": "W", "device_class": "power"})
    await hass.async_block_till_done(wait_background_tasks=True)
    assert risk and risk[0].data["measured_kw"] == 13.4
    # 10.4 - 2.4 = 8 kW: 11 A, without waiting for a plan.
    assert float(hass.states.get(CURRENT).state) <= amps_for(8.0, 3, 6, 16)


async def test_the_cut_does_not_wait_for_a_lagging_charger_sensor(hass: HomeAssistant, home: None) -> None:
    """The charger was told 15 A; its own power sensor still reads 0 (they lag the meter by 10-60 s)
    when a kettle pushes the meter 2.4 kW over: the charger is cut all the same."""
    await setup(hass)
    await fastest(hass)
    assert hass.states.get(CURRENT).state == "15.0"
    hass.states.async_set(CHARGER_POWER, "0", {"unit_of_measurement": "W"})
    hass.states.async_set("sensor.grid_power", "13400", {"unit_of_measurement": "W", "device_class": "power"})
    await hass.async_block_till_done(wait_background_tasks=True)
    # Told 15 A = 10.35 kW; 10.35 - 2.4 = 7.95 kW: 11 A.
    assert float(hass.states.get(CURRENT).state) == amps_for(10.35 - 2.4, 3, 6, 16) == 11.0


async def test_advisory_mode_writes_nothing(hass: HomeAssistant, home: None) -> None:
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    await setup(hass, "advisory")
    await fastest(hass)
    assert float(hass.states.get("sensor.driveway_planned_power").state) > 10
    hass.states.async_set("sensor.grid_power", "13400", {"unit_of_measurement": "W"})
    await hass.async_block_till_done(wait_background_tasks=True)
    assert writes(calls) == []
    assert hass.states.get(CURRENT).state == "0.0"
    assert hass.states.get("sensor.driveway_control").state == "advisory"


async def test_ocpp_charger_is_driven_through_its_action(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    received: list[ServiceCall] = []

    async def set_charge_rate(call: ServiceCall) -> None:
        received.append(call)

    hass.services.async_register("ocpp", "set_charge_rate", set_charge_rate)
    sub = charger_subentry()
    await setup(
        hass,
        "active",
        ConfigSubentryData(
            subentry_type="ev_charger",
            title="Driveway",
            unique_id=None,
            data={**sub["data"], "control_adapter": "ocpp", "vendor_charger_id": "charger-1"},
        ),
    )
    assert received[-1].data == {"limit_amps": 0.0, "devid": "charger-1"}  # waiting for the night
    freezer.tick(timedelta(seconds=61))  # raises go out at most once a minute
    await fastest(hass)
    assert received[-1].data == {"limit_amps": 15.0, "devid": "charger-1"}
    count = len(received)
    await replan(hass)
    assert len(received) == count  # unchanged: not sent again


async def test_a_charger_that_cannot_be_reached_is_logged_once_until_it_answers(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """The OCPP integration is not loaded (its action does not exist): one warning, not one per cycle."""
    sub = charger_subentry()
    data = {**sub["data"], "control_adapter": "ocpp", "vendor_charger_id": "charger-1"}
    await setup(
        hass,
        "active",
        ConfigSubentryData(subentry_type="ev_charger", title="Driveway", unique_id=None, data=data),
    )
    for _ in range(3):
        freezer.tick(timedelta(seconds=61))
        await replan(hass)
    failures = [r for r in caplog.records if "Could not ocpp.set_charge_rate" in r.getMessage()]
    assert [r.levelname for r in failures].count("WARNING") == 1 and len(failures) >= 3

    received: list[ServiceCall] = []

    async def set_charge_rate(call: ServiceCall) -> None:
        received.append(call)

    hass.services.async_register("ocpp", "set_charge_rate", set_charge_rate)
    freezer.tick(timedelta(seconds=61))
    await replan(hass)
    assert received and "works again" in caplog.text


async def test_battery_mode_follows_the_plan(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    options = {
        "idle": "Standby",
        "self_consumption": "Self Use",
        "forced_charge": "Force Charge",
        "forced_discharge": "Force Discharge",
        "non_export": "Backup",
    }
    await setup(hass, "active", driven_battery())
    seen: set[str] = set()
    for moment in ("2026-11-23 01:00:00-08:00", "2026-11-23 03:00:00-08:00", "2026-11-23 18:00:00-08:00"):
        freezer.move_to(moment)
        freezer.tick(timedelta(seconds=61))
        await replan(hass)
        planned = hass.states.get("sensor.garage_battery_planned_mode")
        assert hass.states.get(MODE).state == options[planned.state], moment
        seen.add(planned.state)
    assert len(seen) >= 2  # the select really moved with the plan


async def test_appliance_is_switched_on_at_its_planned_start(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    hass.states.async_set("sensor.dishwasher_power", "0", {"unit_of_measurement": "W"})
    dishwasher = ConfigSubentryData(
        subentry_type="appliance",
        title="Dishwasher",
        unique_id=None,
        data={
            "switch_entity": "input_boolean.dishwasher_switch",
            "power_entity": "sensor.dishwasher_power",
            "run_power_kw": 2.0,
            "run_minutes": 60,
            "earliest_start": "00:00:00",
            "latest_finish": "06:00:00",
        },
    )
    await setup(hass, "active", dishwasher)
    start = dt_util.parse_datetime(hass.states.get("sensor.dishwasher_planned_start").state)
    assert start is not None and dt_util.as_local(start).hour in (1, 2, 3, 4)  # the cheap night
    assert hass.states.get("input_boolean.dishwasher_switch").state == "off"

    freezer.move_to(start + timedelta(minutes=1))
    await replan(hass)
    assert hass.states.get("input_boolean.dishwasher_switch").state == "on"

    # Running: the plan moves on, but Headroom never switches it off (not allowed by default).
    hass.states.async_set("sensor.dishwasher_power", "2000", {"unit_of_measurement": "W"})
    freezer.tick(timedelta(minutes=40))
    await replan(hass)
    assert hass.states.get("input_boolean.dishwasher_switch").state == "on"


async def test_battery_setpoint_follows_the_plan(hass: HomeAssistant, home: None) -> None:
    sub = driven_battery()
    await setup(
        hass,
        "active",
        ConfigSubentryData(
            subentry_type="battery",
            title=sub["title"],
            unique_id=None,
            data={**sub["data"], "power_setpoint_entity": "input_number.battery_setpoint"},
        ),
    )
    planned = float(hass.states.get("sensor.garage_battery_planned_power").state)
    expected = max(-5000.0, min(5000.0, round(planned * 1000 / 100) * 100))
    assert float(hass.states.get("input_number.battery_setpoint").state) == expected


async def test_a_charger_with_a_power_number(hass: HomeAssistant, home: None) -> None:
    sub = charger_subentry()
    await setup(
        hass,
        "active",
        ConfigSubentryData(
            subentry_type="ev_charger",
            title="Driveway",
            unique_id=None,
            data={**sub["data"], "power_limit_entity": "input_number.driveway_power_limit"},
        ),
    )
    await fastest(hass)
    # 10.4 kW planned -> 15 A on 3 phases -> 10,350 W written to the power number.
    assert float(hass.states.get("input_number.driveway_power_limit").state) == 10350.0


async def test_an_appliance_started_by_a_button(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    assert await async_setup_component(hass, "input_button", {"input_button": {"dishwasher_start": {}}})
    dishwasher = ConfigSubentryData(
        subentry_type="appliance",
        title="Dishwasher",
        unique_id=None,
        data={
            "switch_entity": "input_button.dishwasher_start",
            "run_power_kw": 2.0,
            "run_minutes": 60,
            "earliest_start": "00:00:00",
            "latest_finish": "06:00:00",
        },
    )
    await setup(hass, "active", dishwasher)
    before = hass.states.get("input_button.dishwasher_start").state
    start = dt_util.parse_datetime(hass.states.get("sensor.dishwasher_planned_start").state)
    assert start is not None
    freezer.move_to(start + timedelta(minutes=1))
    await replan(hass)
    pressed = hass.states.get("input_button.dishwasher_start").state
    assert pressed != before
    # Its window is used: the next plans do not press it again, nor plan it before tomorrow.
    freezer.tick(timedelta(minutes=2))
    await replan(hass)
    assert hass.states.get("input_button.dishwasher_start").state == pressed
    next_start = dt_util.parse_datetime(hass.states.get("sensor.dishwasher_planned_start").state)
    assert next_start is None or next_start > start + timedelta(hours=12)


async def test_a_power_setpoint_is_rounded_down_to_its_step(hass: HomeAssistant) -> None:
    """A 5.06 kW charge on a number with a 100 W step is written as 5,000 W, never 5,100 W: a plan that
    fills the fuse would otherwise draw above it; a 3.03 kW discharge rounds to 3,100 W (less import)."""
    from custom_components.headroom.devices.command import set_power

    hass.states.async_set(
        "number.battery_setpoint", "0", {"min": -5000, "max": 5000, "step": 100, "unit_of_measurement": "W"}
    )
    charge = set_power("battery", "setpoint", hass, "number.battery_setpoint", 5.06, 5.06)
    discharge = set_power("battery", "setpoint", hass, "number.battery_setpoint", -3.03, -3.03)
    assert charge is not None and charge.data["value"] == 5000
    assert discharge is not None and discharge.data["value"] == -3100
