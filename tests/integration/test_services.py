"""Actions on a home of real entities: seed 000's breaker, aggregator and PV scenarios, seed 001's
feasibility and reservations, overrides, one-off runs, what-if, and every misuse refused."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.const import SERVICE_TURN_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.headroom.const import DOMAIN

from .conftest import SITE, appliance_subentry, charger_subentry

# 18:00 local: the evening, with the cheap hours (01:00-05:00) and departure (07:00) ahead.
EVENING = "2026-11-22 18:00:00-08:00"


@pytest.fixture(autouse=True)
def _evening(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(EVENING)


def second_charger() -> ConfigSubentryData:
    return ConfigSubentryData(
        subentry_type="ev_charger",
        title="Street",
        unique_id=None,
        data={
            "charger_power_entity": "sensor.street_power",
            "plugged_entity": "input_boolean.street_plugged",
            "phases": "3",
            "min_current_a": 6,
            "max_current_a": 16,
            "default_energy_kwh": 24,
        },
    )


@pytest.fixture
async def two_evs(hass: HomeAssistant, home: None) -> MockConfigEntry:
    """Seed 000: two 11 kW chargers behind one 11 kW connection, and a dishwasher."""
    hass.states.async_set("sensor.street_power", "0", {"unit_of_measurement": "W", "device_class": "power"})
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data=SITE,
        subentries_data=[charger_subentry(), second_charger(), appliance_subentry()],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def device_of(hass: HomeAssistant, entry: MockConfigEntry, title: str) -> str:
    sub = next(s for s in entry.subentries.values() if s.title == title)
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, sub.subentry_id)})
    assert device is not None
    return device.id


NO_RESPONSE = {"replan", "release_capacity", "override"}


async def call(hass: HomeAssistant, service: str, **data: Any) -> Any:
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=service not in NO_RESPONSE
    )


async def plan(hass: HomeAssistant) -> dict[str, Any]:
    return await call(hass, "get_plan")  # type: ignore[no-any-return]


def power_of(answer: dict[str, Any], name: str) -> list[float]:
    return next(d["power_kw"] for d in answer["devices"] if d["name"] == name)


def hours(answer: dict[str, Any], first: int, last: int) -> list[int]:
    """Step indices whose local start hour lies in [first, last)."""
    return [
        i
        for i, s in enumerate(answer["steps"])
        if first <= dt_util.as_local(dt_util.parse_datetime(s["start"])).hour < last
    ]


def at(hours_from_now: float) -> str:
    return (dt_util.now() + timedelta(hours=hours_from_now)).isoformat()


async def test_get_plan_answers_per_step_and_per_device(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    answer = await plan(hass)
    assert answer["status"] == "optimal"
    assert len(answer["steps"]) == 96 and answer["step_minutes"] == 15
    assert {"start", "price", "import_limit_kw", "grid_import_kw"} <= set(answer["steps"][0])
    names = {d["name"]: d for d in answer["devices"]}
    assert set(names) == {"Driveway", "Garage battery", "Dishwasher"}
    assert names["Driveway"]["energy_kwh"] == pytest.approx(24.0)  # 40 % -> 80 % of 60 kWh
    assert len(names["Driveway"]["power_kw"]) == 96 and names["Driveway"]["reasons"]
    assert "start_time" in names["Dishwasher"]


async def test_two_evs_stay_under_the_breaker_and_the_second_moves_the_first(
    hass: HomeAssistant, two_evs: MockConfigEntry
) -> None:
    alone = await plan(hass)
    cheap = hours(alone, 1, 5)
    first_alone = power_of(alone, "Driveway")
    assert sum(first_alone[i] for i in cheap) * 0.25 == pytest.approx(24.0, abs=0.01)

    await hass.services.async_call(
        "input_boolean", SERVICE_TURN_ON, {"entity_id": "input_boolean.street_plugged"}, blocking=True
    )
    # The second car leaves at 03:00: it needs the first cheap hours, the first car must move.
    leaves = dt_util.start_of_local_day(dt_util.now()) + timedelta(days=1, hours=3)
    await call(
        hass,
        "set_ev_goal",
        device_id=device_of(hass, two_evs, "Street"),
        energy_kwh=15,
        departure=leaves.isoformat(),
    )
    both = await plan(hass)
    first, second = power_of(both, "Driveway"), power_of(both, "Street")
    assert sum(second) * 0.25 == pytest.approx(15.0, abs=0.01)
    for t, step in enumerate(both["steps"]):
        assert step["grid_import_kw"] <= 11.0 + 1e-6
        assert first[t] + second[t] + step["base_load_kw"] <= 11.0 + 1e-6
    early = hours(both, 1, 3)
    assert sum(first[i] for i in early) < sum(first_alone[i] for i in early) - 1.0
    assert sum(first) * 0.25 == pytest.approx(24.0, abs=0.01)


async def test_aggregator_moves_energy_out_of_an_hour(hass: HomeAssistant, two_evs: MockConfigEntry) -> None:
    before = await plan(hass)
    window = hours(before, 2, 3)
    start, end = before["steps"][window[0]]["start"], before["steps"][window[-1] + 1]["start"]
    imported = sum(before["steps"][i]["grid_import_kw"] for i in window) * 0.25
    assert imported > 5

    dry = await call(hass, "flex_request", id="agg-1", start=start, end=end, energy_kwh=5, dry_run=True)
    # At least 5 kWh; a car's minimum current may move a little more.
    assert dry["status"] == "accepted" and 5.0 - 1e-3 <= dry["moved_kwh"] <= 5.5
    assert dry["applied"] is False
    assert (await plan(hass))["steps"][window[0]]["grid_import_kw"] == before["steps"][window[0]][
        "grid_import_kw"
    ]

    done = await call(hass, "flex_request", id="agg-1", start=start, end=end, energy_kwh=5)
    assert done["applied"] is True
    after = await plan(hass)
    assert sum(after["steps"][i]["grid_import_kw"] for i in window) * 0.25 <= imported - 5 + 1e-3
    assert sum(power_of(after, "Driveway")) * 0.25 == pytest.approx(
        24.0, abs=0.01
    )  # the car still gets it all
    assert after["grid_requests"][0]["id"] == "agg-1"


async def test_grid_operator_lowers_the_limit(hass: HomeAssistant, two_evs: MockConfigEntry) -> None:
    before = await plan(hass)
    window = hours(before, 1, 3)
    start, end = before["steps"][window[0]]["start"], before["steps"][window[-1] + 1]["start"]
    answer = await call(hass, "flex_request", id="dso", start=start, end=end, limit_kw=4.0)
    assert answer["status"] == "accepted" and answer["applied"]
    after = await plan(hass)
    for i in window:
        assert after["steps"][i]["import_limit_kw"] == 4.0
        assert after["steps"][i]["grid_import_kw"] <= 4.0 + 1e-6
    # Below the base load the home cannot go: partial, applied at what it can do.
    low = await call(hass, "flex_request", id="dso", start=start, end=end, limit_kw=0.2, dry_run=True)
    assert low["status"] == "partial" and low["lowest_limit_kw"] == pytest.approx(0.6, abs=0.01)


async def test_ev_charges_from_pv_when_export_pays_less(hass: HomeAssistant, home: None) -> None:
    """Seed 000's EV + PV case: export 0.05, import 0.10-0.40: the car takes the midday PV."""
    tomorrow = dt_util.start_of_local_day(dt_util.now()) + timedelta(days=1)
    forecast = [
        {
            "start": (tomorrow + timedelta(hours=h)).isoformat(),
            "end": (tomorrow + timedelta(hours=h + 1)).isoformat(),
            "value": 6000 if 10 <= h < 15 else 0,
        }
        for h in range(24)
    ]
    hass.states.async_set("sensor.pv_forecast", "0", {"unit_of_measurement": "W", "forecast": forecast})
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data={**SITE, "pv_forecast_entity": "sensor.pv_forecast", "horizon_hours": 36},
        subentries_data=[charger_subentry()],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    departure = (tomorrow + timedelta(hours=16)).isoformat()
    answer = await call(
        hass, "set_ev_goal", device_id=device_of(hass, entry, "Driveway"), departure=departure
    )
    assert answer["reachable"] and answer["planned_energy_kwh"] == pytest.approx(24.0)
    result = await plan(hass)
    car = power_of(result, "Driveway")
    sunny = [
        i for i in hours(result, 10, 15) if dt_util.parse_datetime(result["steps"][i]["start"]) >= tomorrow
    ]
    # 5 h x (6 - 0.6) kW = 27 kWh of spare PV: all 24 kWh come from the sun, none from 0.10 import.
    assert sum(car[i] for i in sunny) * 0.25 == pytest.approx(24.0, abs=0.05)


async def test_set_ev_goal_answers_and_clears(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    device = device_of(hass, entry, "Driveway")
    answer = await call(
        hass, "set_ev_goal", device_id=device, energy_kwh=10, departure=at(3), mode="fastest", priority="high"
    )
    assert answer["planned_energy_kwh"] == pytest.approx(10.0) and answer["reachable"]
    finish = dt_util.parse_datetime(answer["finish"])
    assert finish <= dt_util.now() + timedelta(hours=1, minutes=15)  # fastest: at once, ~1 h at 10.4 kW
    assert float(hass.states.get("sensor.driveway_planned_energy_by_departure").state) == 10.0

    await call(hass, "set_ev_goal", device_id=device, clear=True)
    assert float(hass.states.get("sensor.driveway_planned_energy_by_departure").state) == 24.0


async def test_unreachable_goal_fires_an_event(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    events = async_capture_events(hass, f"{DOMAIN}_goal_unreachable")
    answer = await call(
        hass, "set_ev_goal", device_id=device_of(hass, entry, "Driveway"), energy_kwh=50, departure=at(2)
    )
    assert not answer["reachable"] and answer["shortfall_kwh"] > 20
    await hass.async_block_till_done()
    assert events and events[0].data["device"] == "Driveway"
    assert hass.states.get("binary_sensor.driveway_goal_reachable").state == "off"


async def test_feasibility_before_arrival_yes_and_no(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Seed 001: the vehicle asks before it turns up; nothing changes."""
    before = await plan(hass)
    yes = await call(
        hass, "check_feasibility", arrival=at(1), departure=at(4), energy_kwh=15, max_power_kw=11
    )
    assert yes["feasible"] is True and yes["earliest_finish"] is not None
    assert yes["limited_by"] is None and yes["notes"] == [] and yes["currency"] == hass.config.currency
    assert yes["extra_cost"] == round(yes["extra_cost"], 2)
    assert yes["max_energy_kwh"] >= 15

    no = await call(hass, "check_feasibility", arrival=at(1), departure=at(3), energy_kwh=30, max_power_kw=22)
    assert no["feasible"] is False and "import_limit" in no["limited_by"]
    assert no["max_energy_kwh"] < 30
    window = await call(
        hass, "check_feasibility", arrival=at(1), departure=at(2), energy_kwh=30, max_power_kw=7
    )
    assert window["feasible"] is False and "window" in window["limited_by"]
    beyond = await call(
        hass, "check_feasibility", arrival=at(1), departure=at(100), energy_kwh=15, max_power_kw=11
    )
    assert beyond["feasible"] is True and "the plan ends" in beyond["notes"][0]  # said, not silently cut
    assert (await plan(hass))["devices"] == before["devices"]


async def test_two_reservations_racing_never_share_headroom(
    hass: HomeAssistant, two_evs: MockConfigEntry
) -> None:
    events = async_capture_events(hass, f"{DOMAIN}_reservation_changed")
    ask = {"start": at(2), "end": at(3), "power_kw": 8.0}
    first, second = await asyncio.gather(
        call(hass, "reserve_capacity", id="sauna", **ask), call(hass, "reserve_capacity", id="welder", **ask)
    )
    statuses = sorted([first["status"], second["status"]])
    assert statuses == ["granted", "partial"]
    for a, b in zip(first["granted_kw"], second["granted_kw"], strict=True):
        assert a["value"] + b["value"] <= 11.0 - 0.6 + 1e-3
    answer = await plan(hass)
    for step in answer["steps"]:
        assert step["grid_import_kw"] <= 11.0 + 1e-6
    assert {r["id"] for r in answer["reservations"]} == {"sauna", "welder"}
    await hass.async_block_till_done()
    assert len(events) == 2

    await call(hass, "release_capacity", id="sauna")
    assert {r["id"] for r in (await plan(hass))["reservations"]} == {"welder"}


async def test_forced_reservation_squeezes_and_reports(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await call(
        hass, "set_ev_goal", device_id=device_of(hass, entry, "Driveway"), energy_kwh=20, departure=at(2)
    )
    answer = await call(
        hass, "reserve_capacity", id="oven", start=at(0.5), end=at(2), power_kw=6.0, force=True
    )
    assert answer["status"] == "granted"
    assert answer["squeezed_kwh"].get("Driveway", 0) > 0


async def test_reservation_survives_a_restart(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await call(hass, "reserve_capacity", id="heat_pump", start=at(1), end=at(4), power_kw=3.0)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    answer = await plan(hass)
    assert [r["id"] for r in answer["reservations"]] == ["heat_pump"]
    reserved = power_of(answer, "reservation:heat_pump")
    assert max(reserved) == 3.0 and sum(reserved) * 0.25 == pytest.approx(9.0, abs=0.8)


async def test_reservations_expire(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    await call(hass, "reserve_capacity", id="short", start=at(0), end=at(0.5), power_kw=2.0)
    freezer.tick(timedelta(hours=1))
    await call(hass, "replan")
    assert (await plan(hass))["reservations"] == []


async def test_override_blocks_then_releases_a_charger(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    device = device_of(hass, entry, "Driveway")
    await call(hass, "override", device_id=device, action="block", until=at(12))
    assert float(hass.states.get("sensor.driveway_planned_energy_by_departure").state) == 0
    assert max(power_of(await plan(hass), "Dishwasher")) > 0  # the others plan on
    await call(hass, "override", device_id=device, action="release")
    assert float(hass.states.get("sensor.driveway_planned_energy_by_departure").state) == 24.0


async def test_override_forces_the_dishwasher_now(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await call(hass, "override", device_id=device_of(hass, entry, "Dishwasher"), action="force", until=at(3))
    dishwasher = next(d for d in (await plan(hass))["devices"] if d["name"] == "Dishwasher")
    assert dishwasher["start"] == 0


async def test_schedule_appliance_before_a_deadline(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    deadline = dt_util.now() + timedelta(hours=6)
    answer = await call(
        hass,
        "schedule_appliance",
        device_id=device_of(hass, entry, "Dishwasher"),
        deadline=deadline.isoformat(),
    )
    finish = dt_util.parse_datetime(answer["planned_finish"])
    assert finish <= deadline
    assert dt_util.parse_datetime(answer["planned_start"]) >= dt_util.now() - timedelta(minutes=15)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "schedule_appliance", device_id=device_of(hass, entry, "Dishwasher"), deadline=at(1))
    assert err.value.translation_key == "window_too_short"


async def test_simulate_side_by_side_changes_nothing(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    before = await plan(hass)
    bigger = await call(hass, "simulate", battery_capacity_kwh=20)
    assert bigger["variant"]["cost"] <= bigger["current"]["cost"] + 1e-6
    # 1 kW leaves 0.4 kW beside the house: even cycling the battery cannot fill the car by 07:00.
    lower = await call(hass, "simulate", import_limit_kw=1.0)
    assert lower["variant"]["ev_shortfall_kwh"] > 0 and lower["variant"]["peak_import_kw"] <= 1.0 + 1e-6
    assert lower["current"]["ev_shortfall_kwh"] == 0
    assert (await plan(hass))["devices"] == before["devices"]


async def test_allocated_capacity_never_exceeds_the_room(
    hass: HomeAssistant, two_evs: MockConfigEntry
) -> None:
    await hass.services.async_call(
        "input_boolean", SERVICE_TURN_ON, {"entity_id": "input_boolean.street_plugged"}, blocking=True
    )
    await call(hass, "replan")
    first = hass.states.get("sensor.driveway_allocated_capacity").attributes["forecast"]
    second = hass.states.get("sensor.street_allocated_capacity").attributes["forecast"]
    dishwasher = hass.states.get("sensor.dishwasher_allocated_capacity").attributes["forecast"]
    for a, b, c in zip(first, second, dishwasher, strict=True):
        assert a["value"] + b["value"] + c["value"] <= 11.0 - 0.6 + 2e-3


@pytest.mark.parametrize(
    ("service", "data", "key"),
    [
        ("set_ev_goal", {"departure": "2026-11-22T10:00:00-08:00"}, "in_the_past"),
        ("set_ev_goal", {"energy_kwh": -5}, "out_of_range"),
        ("set_ev_goal", {"energy_kwh": 5, "target_soc": 80}, "energy_or_soc"),
        ("set_ev_goal", {"target_soc": 120}, "out_of_range"),
        ("set_ev_goal", {"device_id": "not-a-device"}, "unknown_device"),
        ("set_ev_goal", {"device": "Dishwasher"}, "wrong_device_kind"),
        (
            "check_feasibility",
            {"arrival": "+3", "departure": "+1", "energy_kwh": 5, "max_power_kw": 11},
            "end_before_start",
        ),
        (
            "check_feasibility",
            {"arrival": "+1", "departure": "+3", "energy_kwh": -5, "max_power_kw": 11},
            "out_of_range",
        ),
        (
            "check_feasibility",
            {"arrival": "+50", "departure": "+53", "energy_kwh": 5, "max_power_kw": 11},
            "outside_horizon",
        ),
        ("reserve_capacity", {"id": "x", "start": "+2", "end": "+1", "power_kw": 2}, "end_before_start"),
        ("reserve_capacity", {"id": "x", "start": "+1", "end": "+2", "power_kw": -2}, "out_of_range"),
        ("release_capacity", {"id": "nobody"}, "unknown_reservation"),
        ("flex_request", {"id": "x", "start": "+1", "end": "+2"}, "limit_or_energy"),
        ("override", {"action": "block"}, "until_required"),
        ("override", {"action": "block", "until": "2026-11-22T10:00:00-08:00"}, "in_the_past"),
        ("simulate", {}, "nothing_to_simulate"),
    ],
)
async def test_misuse_is_refused_and_changes_nothing(
    hass: HomeAssistant, entry: MockConfigEntry, service: str, data: dict[str, Any], key: str
) -> None:
    data = dict(data)
    for field, value in data.items():
        if isinstance(value, str) and value.startswith("+"):
            data[field] = at(float(value[1:]))
    if service in ("set_ev_goal", "override") and "device_id" not in data:
        data["device_id"] = device_of(hass, entry, data.pop("device", "Driveway"))
    before = await plan(hass)
    stored = entry.runtime_data.intents.to_dict()
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, service, **data)
    assert err.value.translation_key == key
    if key == "wrong_device_kind":  # in words a person uses, not an internal key
        assert err.value.translation_placeholders == {"device": "Dishwasher", "kinds": "an EV charger"}
    assert entry.runtime_data.intents.to_dict() == stored
    assert (await plan(hass))["devices"] == before["devices"]


async def test_actions_say_when_headroom_is_not_loaded(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "get_plan")
    assert err.value.translation_key == "not_loaded"


async def test_simulate_days_in_closed_loop(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """With ``days``, the home simulator runs the home and the changed home with Headroom planning."""
    answer = await call(hass, "simulate", battery_capacity_kwh=20, days=1)
    assert answer["mode"] == "closed_loop" and answer["days"] == 1
    assert answer["current"]["peak_kw"] <= 11.0 + 1e-6 and answer["current"]["fuse_trips"] == 0
    assert answer["current"]["ev_goals_met"] == answer["variant"]["ev_goals_met"] == "1/1"
    # Twice the battery: the simulated day costs no more.
    assert answer["variant"]["energy_cost"] <= answer["current"]["energy_cost"] + 0.05
    assert answer["difference"]["energy_cost"] == pytest.approx(
        answer["variant"]["energy_cost"] - answer["current"]["energy_cost"], abs=1e-6
    )
    assert any("prices" in a for a in answer["assumptions"])
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "simulate", battery_capacity_kwh=20, days=30)
    assert err.value.translation_key == "out_of_range"


async def test_simulate_a_car_tonight(hass: HomeAssistant, two_evs: MockConfigEntry) -> None:
    """A what-if car wanting 20 kWh tonight in a home without a battery: 20 kWh more imported."""
    answer = await call(hass, "simulate", ev_arrival=at(1), ev_departure=at(10), ev_energy_kwh=20)
    assert answer["difference"]["import_kwh"] == pytest.approx(20.0, abs=0.01)
    assert answer["variant"]["ev_shortfall_kwh"] == 0
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "simulate", ev_energy_kwh=20)
    assert err.value.translation_key == "ev_window_required"
