"""Bookings on a home of real entities (seed 001: a vehicle "scheduled to arrive"): answered with the
feasibility at booking time, planned before the car is there (never before its arrival), taken over
by the car that plugs in without holding its energy twice, shown on the charger's next-booking
sensor, kept over a restart, cancelled; bad input refused with a translated error and no change."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import SERVICE_TURN_ON
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError, Unauthorized
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser, async_capture_events

from custom_components.headroom.const import DOMAIN

from .conftest import SITE, appliance_subentry, charger_subentry
from .test_services import second_charger

# 18:00 local, on a step boundary: an arrival "in 2 hours" begins step 8 of the 15-minute plan.
EVENING = "2026-11-22 18:00:00-08:00"
NEXT_BOOKING = "sensor.street_next_booked_car"


@pytest.fixture(autouse=True)
def _evening(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(EVENING)


@pytest.fixture
async def depot(hass: HomeAssistant, home: None) -> MockConfigEntry:
    """Two 11 kW chargers behind one 11 kW connection: Driveway's car plugged in (40 % of 60 kWh),
    Street free (no SoC sensor, no battery size), and a dishwasher."""
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


def at(hours_from_now: float) -> str:
    return (dt_util.now() + timedelta(hours=hours_from_now)).isoformat()


async def call(hass: HomeAssistant, service: str, **data: Any) -> Any:
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=service not in ("cancel_booking", "replan")
    )


async def book(hass: HomeAssistant, entry: MockConfigEntry, **data: Any) -> dict[str, Any]:
    answer = await call(hass, "book_session", device_id=device_of(hass, entry, "Street"), **data)
    assert isinstance(answer, dict)
    return answer


async def plan(hass: HomeAssistant) -> dict[str, Any]:
    return await call(hass, "get_plan")  # type: ignore[no-any-return]


def device_in(answer: dict[str, Any], key: str) -> dict[str, Any] | None:
    return next((d for d in answer["devices"] if d["id"] == key), None)


async def test_a_booking_is_answered_and_planned_only_from_its_arrival(
    hass: HomeAssistant, depot: MockConfigEntry
) -> None:
    answer = await book(hass, depot, id="van", vehicle="Van 1", arrival=at(2), departure=at(8), energy_kwh=15)
    assert answer["id"] == "van" and answer["charger"] == "Street" and answer["vehicle"] == "Van 1"
    assert answer["feasible"] is True and answer["limited_by"] is None
    assert answer["max_energy_kwh"] >= 15 and answer["earliest_finish"] is not None
    assert answer["planned_energy_kwh"] == pytest.approx(15.0, abs=0.01)
    # The answer's power starts at the arrival, 20:00.
    assert dt_util.parse_datetime(answer["planned_power_kw"][0]["start"]) == dt_util.parse_datetime(at(2))

    planned = await plan(hass)
    booked = device_in(planned, "booking:van")
    assert booked is not None and booked["kind"] == "booking" and booked["name"] == "Booked: Van 1 on Street"
    power = booked["power_kw"]
    assert all(p == 0 for p in power[:8]), power[:8]  # nothing before 20:00
    assert all(p == 0 for p in power[8 + 24 :])  # nor after it leaves at 02:00
    assert sum(power[8:]) * 0.25 == pytest.approx(15.0, abs=0.01)
    driveway = next(d for d in planned["devices"] if d["name"] == "Driveway")["power_kw"]
    for t, step in enumerate(planned["steps"]):
        assert step["grid_import_kw"] <= 11.0 + 1e-6
        assert driveway[t] + power[t] + step["base_load_kw"] <= 11.0 + 1e-6


async def test_a_booking_the_site_cannot_meet_is_answered_no(
    hass: HomeAssistant, depot: MockConfigEntry
) -> None:
    """60 kWh in two hours on an 11 kW charger: booked, and the answer says it cannot be met and why."""
    answer = await book(hass, depot, id="late", arrival=at(2), departure=at(4), energy_kwh=60)
    assert answer["feasible"] is False and "window" in answer["limited_by"]
    assert answer["max_energy_kwh"] <= 22.0 + 1e-3
    assert device_in(await plan(hass), "booking:late") is not None


async def test_the_car_that_plugs_in_takes_the_booking_over(
    hass: HomeAssistant, depot: MockConfigEntry
) -> None:
    events = async_capture_events(hass, f"{DOMAIN}_booking_changed")
    await book(hass, depot, id="van", vehicle="Van 1", arrival=at(0.5), departure=at(6), energy_kwh=15)
    before = await plan(hass)
    assert device_in(before, "booking:van") is not None
    assert hass.states.get(NEXT_BOOKING).state == "Van 1"

    await hass.services.async_call(
        "input_boolean", SERVICE_TURN_ON, {"entity_id": "input_boolean.street_plugged"}, blocking=True
    )
    await call(hass, "replan")
    after = await plan(hass)
    assert device_in(after, "booking:van") is None  # held once, by the plugged session
    street = next(d for d in after["devices"] if d["name"] == "Street")
    # The booking's 15 kWh by its departure, not the charger's default 24 kWh, and not 15 twice.
    assert street["energy_kwh"] == pytest.approx(15.0, abs=0.01)
    assert sum(street["power_kw"][:24]) * 0.25 == pytest.approx(15.0, abs=0.01)
    assert all(p == 0 for p in street["power_kw"][24:])
    held = sum(
        sum(d["power_kw"]) * 0.25 for d in after["devices"] if d["name"] == "Street" or d["kind"] == "booking"
    )
    assert held == pytest.approx(15.0, abs=0.01)
    await hass.async_block_till_done()
    assert [e.data for e in events] == [
        {"id": "van", "status": "booked"},
        {"id": "van", "status": "arrived"},
    ]
    assert hass.states.get(NEXT_BOOKING).state == "unknown"


async def test_a_plugged_car_is_planned_to_be_done_by_the_booked_arrival(
    hass: HomeAssistant, depot: MockConfigEntry
) -> None:
    """One car on a charger at a time: Driveway's car, due to leave at 07:00, is planned to be done
    when a van booked on Driveway arrives at 22:00."""
    await call(
        hass,
        "book_session",
        device_id=device_of(hass, depot, "Driveway"),
        id="van",
        arrival=at(4),
        departure=at(10),
        energy_kwh=10,
    )
    planned = await plan(hass)
    driveway = next(d for d in planned["devices"] if d["name"] == "Driveway")["power_kw"]
    booked = device_in(planned, "booking:van")
    assert booked is not None
    assert all(p == 0 for p in driveway[16:])
    assert all(p == 0 for p in booked["power_kw"][:16])
    assert sum(booked["power_kw"]) * 0.25 == pytest.approx(10.0, abs=0.01)


async def test_the_next_booking_sensor_lists_what_comes(hass: HomeAssistant, depot: MockConfigEntry) -> None:
    assert hass.states.get(NEXT_BOOKING).state == "unknown"
    await book(hass, depot, id="b", vehicle="Van 2", arrival=at(6), departure=at(10), energy_kwh=10)
    await book(hass, depot, id="a", vehicle="Van 1", arrival=at(1), departure=at(4), energy_kwh=8)
    state = hass.states.get(NEXT_BOOKING)
    assert state.state == "Van 1"
    assert state.attributes["booking_id"] == "a" and state.attributes["energy_kwh"] == 8
    assert dt_util.parse_datetime(state.attributes["arrival"]) == dt_util.parse_datetime(at(1))
    assert state.attributes["planned_energy_kwh"] == pytest.approx(8.0, abs=0.01)
    assert state.attributes["priority"] == "normal"
    assert [b["vehicle"] for b in state.attributes["forecast"]] == ["Van 1", "Van 2"]

    # Booking again under the same id replaces it: Van 1 now comes after Van 2.
    await book(hass, depot, id="a", vehicle="Van 1", arrival=at(11), departure=at(14), energy_kwh=8)
    state = hass.states.get(NEXT_BOOKING)
    assert state.state == "Van 2"
    assert [b["booking_id"] for b in state.attributes["forecast"]] == ["b", "a"]
    assert len([d for d in (await plan(hass))["devices"] if d["kind"] == "booking"]) == 2


async def test_a_target_booking_with_a_known_battery(hass: HomeAssistant, depot: MockConfigEntry) -> None:
    """Driveway knows its car's battery (60 kWh): 20 % -> 80 % is 36 kWh planned before it comes."""
    await call(
        hass, "set_ev_goal", device_id=device_of(hass, depot, "Driveway"), energy_kwh=5, departure=at(3)
    )
    answer = await call(
        hass,
        "book_session",
        device_id=device_of(hass, depot, "Driveway"),
        arrival=at(4),
        departure=at(13),
        target_soc=80,
        arrival_soc=20,
        priority="high",
    )
    assert answer["energy_kwh"] == pytest.approx(36.0) and answer["notes"] == []
    assert len(answer["id"]) > 10  # a new id when none is given
    booked = device_in(await plan(hass), f"booking:{answer['id']}")
    assert booked is not None and booked["energy_kwh"] == pytest.approx(36.0, abs=0.01)


async def test_cancel_frees_what_the_booking_held(hass: HomeAssistant, depot: MockConfigEntry) -> None:
    await book(hass, depot, id="van", arrival=at(2), departure=at(8), energy_kwh=15)
    await call(hass, "cancel_booking", id="van")
    answer = await plan(hass)
    assert device_in(answer, "booking:van") is None
    assert depot.runtime_data.intents.bookings == {}
    assert hass.states.get(NEXT_BOOKING).state == "unknown"


async def test_bookings_survive_a_restart_and_end_at_departure(
    hass: HomeAssistant, depot: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    await book(hass, depot, id="van", vehicle="Van 1", arrival=at(2), departure=at(4), energy_kwh=10)
    assert await hass.config_entries.async_reload(depot.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(NEXT_BOOKING).state == "Van 1"
    assert device_in(await plan(hass), "booking:van") is not None
    freezer.tick(timedelta(hours=5))
    await call(hass, "replan")
    assert device_in(await plan(hass), "booking:van") is None
    assert hass.states.get(NEXT_BOOKING).state == "unknown"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"arrival": "+3", "departure": "+2", "energy_kwh": 10}, "departure_before_arrival"),
        ({"arrival": "+2", "departure": "+2", "energy_kwh": 10}, "departure_before_arrival"),
        ({"arrival": "-3", "departure": "-1", "energy_kwh": 10}, "in_the_past"),
        ({"device_id": "nope", "arrival": "+1", "departure": "+2", "energy_kwh": 10}, "unknown_device"),
        ({"device": "Dishwasher", "arrival": "+1", "departure": "+2", "energy_kwh": 10}, "wrong_device_kind"),
        ({"arrival": "+1", "departure": "+2", "energy_kwh": 10, "target_soc": 80}, "booking_energy_or_soc"),
        ({"arrival": "+1", "departure": "+2"}, "booking_energy_or_soc"),
        ({"arrival": "+1", "departure": "+2", "energy_kwh": 0}, "not_positive"),
        ({"arrival": "+1", "departure": "+2", "target_soc": 80}, "target_needs_soc"),
        ({"id": "other", "arrival": "+5", "departure": "+7", "energy_kwh": 5}, "charger_booked"),
        ({"arrival": "+1", "departure": "+2", "energy_kwh": 500}, "out_of_range"),
    ],
)
async def test_bad_bookings_are_refused_and_change_nothing(
    hass: HomeAssistant, depot: MockConfigEntry, data: dict[str, Any], key: str
) -> None:
    await book(hass, depot, id="held", arrival=at(6), departure=at(9), energy_kwh=5)
    data = dict(data)
    for field, value in data.items():
        if isinstance(value, str) and value[0] in "+-":
            data[field] = at(float(value))
    if "device_id" not in data:
        data["device_id"] = device_of(hass, depot, data.pop("device", "Street"))
    before = await plan(hass)
    stored = depot.runtime_data.intents.to_dict()
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "book_session", **data)
    assert err.value.translation_key == key
    assert depot.runtime_data.intents.to_dict() == stored
    assert (await plan(hass))["devices"] == before["devices"]


async def test_cancelling_an_unknown_booking_is_refused(hass: HomeAssistant, depot: MockConfigEntry) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "cancel_booking", id="nobody")
    assert err.value.translation_key == "unknown_booking"
    assert err.value.translation_placeholders == {"id": "nobody"}


async def test_the_bookings_calendar_shows_each_stay(hass: HomeAssistant, depot: MockConfigEntry) -> None:
    calendar = "calendar.home_bookings"
    assert hass.states.get(calendar).state == "off"
    await book(hass, depot, id="a", vehicle="Van 1", arrival=at(2), departure=at(5), energy_kwh=8)
    await book(hass, depot, id="b", arrival=at(6), departure=at(9), energy_kwh=4)
    state = hass.states.get(calendar)
    assert state.state == "off" and state.attributes["message"] == "Van 1 on Street"
    answer = await hass.services.async_call(
        "calendar",
        "get_events",
        {"entity_id": calendar, "start_date_time": at(0), "end_date_time": at(12)},
        blocking=True,
        return_response=True,
    )
    events = answer[calendar]["events"]
    assert [e["summary"] for e in events] == ["Van 1 on Street", "b on Street"]
    assert events[0]["description"] == "8 kWh, priority normal"
    assert dt_util.parse_datetime(events[0]["start"]) == dt_util.parse_datetime(at(2))
    await call(hass, "cancel_booking", id="a")
    assert hass.states.get(calendar).attributes["message"] == "b on Street"


async def test_a_booking_due_now_on_a_plugged_charger_is_taken_over_at_once(
    hass: HomeAssistant, depot: MockConfigEntry
) -> None:
    answer = await call(
        hass,
        "book_session",
        device_id=device_of(hass, depot, "Driveway"),
        id="now",
        arrival=at(0.25),
        departure=at(3),
        energy_kwh=9,
    )
    assert answer["taken_over"] is True and answer["planned_energy_kwh"] == pytest.approx(9.0, abs=0.01)
    planned = await plan(hass)
    assert device_in(planned, "booking:now") is None
    assert next(d for d in planned["devices"] if d["name"] == "Driveway")["energy_kwh"] == pytest.approx(9.0)


async def test_a_read_only_user_cannot_book_or_cancel(
    hass: HomeAssistant, depot: MockConfigEntry, hass_read_only_user: MockUser
) -> None:
    await book(hass, depot, id="van", arrival=at(2), departure=at(5), energy_kwh=8)
    stored = depot.runtime_data.intents.to_dict()
    context = Context(user_id=hass_read_only_user.id)
    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            DOMAIN,
            "book_session",
            {
                "device_id": device_of(hass, depot, "Street"),
                "arrival": at(6),
                "departure": at(8),
                "energy_kwh": 5,
            },
            blocking=True,
            return_response=True,
            context=context,
        )
    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            DOMAIN, "cancel_booking", {"id": "van"}, blocking=True, context=context
        )
    assert depot.runtime_data.intents.to_dict() == stored
