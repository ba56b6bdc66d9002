"""Operators' data entry: a known extra load ahead (a party at seven) entered by the action or as an
event on a calendar is planned as fixed load, the car makes room for it and the fuse holds; bad
input is refused with a translated error and changes nothing. The report answers for a range and
refuses an end before its start; the monthly notification comes once a month began."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import persistent_notification
from homeassistant.components.calendar import CalendarEntity, CalendarEvent
from homeassistant.config_entries import ConfigEntry, ConfigFlow
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    MockPlatform,
    async_fire_time_changed,
    mock_config_flow,
    mock_integration,
    mock_platform,
)

from custom_components.headroom.const import DOMAIN
from custom_components.headroom.sources.known_loads import power_in

from .conftest import SITE, charger_subentry

EVENING = "2026-11-22 18:00:00-08:00"
LIMIT_KW = 11.0


@pytest.fixture(autouse=True)
def _evening(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(EVENING)


def at(hours_from_now: float) -> str:
    return (dt_util.now() + timedelta(hours=hours_from_now)).isoformat()


async def call(hass: HomeAssistant, service: str, **data: Any) -> Any:
    return await hass.services.async_call(DOMAIN, service, data, blocking=True, return_response=True)


def device(answer: dict[str, Any], device_id: str) -> dict[str, Any]:
    return next(d for d in answer["devices"] if d["id"] == device_id)


async def setup(hass: HomeAssistant, **site: Any) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN, title="Home", data={**SITE, **site}, subentries_data=[charger_subentry()]
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def test_a_known_load_is_planned_and_the_car_makes_room(hass: HomeAssistant, home: None) -> None:
    entry = await setup(hass)
    before = await call(hass, "get_plan")
    answer = await call(hass, "add_known_load", id="party", power_kw=8.0, start=at(1), end=at(4))
    assert answer["planned"] is True and answer["currency"] == hass.config.currency
    plan = await call(hass, "get_plan")
    party = device(plan, "known_load:party")
    assert party["kind"] == "fixed"
    assert party["power_kw"][4:16] == [8.0] * 12 and sum(party["power_kw"]) == pytest.approx(8.0 * 12)
    charger = device(plan, next(iter(entry.subentries)))
    for step, row in enumerate(plan["steps"]):
        assert row["grid_import_kw"] <= LIMIT_KW + 1e-6
        if 4 <= step < 16:
            assert charger["power_kw"][step] <= LIMIT_KW - 8.0 - row["base_load_kw"] + 1e-6
    assert plan["cost"] > before["cost"]  # the party's energy is paid for

    # Kept across a restart (the Store), and removed with a power of 0.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert "known_load:party" in {d["id"] for d in (await call(hass, "get_plan"))["devices"]}
    answer = await call(hass, "add_known_load", id="party", power_kw=0, start=at(1), end=at(4))
    assert answer["planned"] is False
    assert "known_load:party" not in {d["id"] for d in (await call(hass, "get_plan"))["devices"]}


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"power_kw": 3, "start": "+2", "end": "+1"}, "end_before_start"),
        ({"power_kw": 3, "start": "-3", "end": "-1"}, "in_the_past"),
        ({"power_kw": -1, "start": "+1", "end": "+2"}, "out_of_range"),
        ({"power_kw": float("nan"), "start": "+1", "end": "+2"}, "not_finite"),
        ({"power_kw": 3, "start": "tonight", "end": "+2"}, "not_a_time"),
    ],
)
async def test_a_known_load_that_cannot_be_is_refused(
    hass: HomeAssistant, home: None, fields: dict[str, Any], key: str
) -> None:
    entry = await setup(hass)
    data = {k: at(float(v)) if isinstance(v, str) and v[0] in "+-" else v for k, v in fields.items()}
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "add_known_load", id="x", **data)
    assert err.value.translation_key == key
    assert entry.runtime_data.intents.known_loads == {}


def test_powers_are_read_from_event_titles() -> None:
    assert power_in("Party 3 kW") == 3.0
    assert power_in("heater 2,5kW in the hall") == 2.5
    assert power_in("Welder 1500 W") == 1.5
    assert power_in("Dentist") is None
    assert power_in("10000 kW") is None  # beyond any house connection


class LoadsCalendar(CalendarEntity):
    """A calendar entity as Home Assistant's calendar platform defines one (any calendar integration:
    local, Google, CalDAV) holding the operator's events; Headroom reads it through
    ``calendar.get_events``. It stands for no particular integration's format."""

    _attr_name = "Loads"

    def __init__(self, events: list[CalendarEvent]) -> None:
        self._events = events

    @property
    def event(self) -> CalendarEvent | None:
        return None

    async def async_get_events(
        self, hass: HomeAssistant, start: datetime, end: datetime
    ) -> list[CalendarEvent]:
        return [e for e in self._events if e.end_datetime_local > start and e.start_datetime_local < end]


class CalendarFlow(ConfigFlow):
    """The stand-in calendar integration's (empty) flow."""

    VERSION = 1


async def add_calendar(hass: HomeAssistant, events: list[CalendarEvent]) -> None:
    async def setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
        await hass.config_entries.async_forward_entry_setups(entry, ["calendar"])
        return True

    async def setup_platform(hass: HomeAssistant, entry: ConfigEntry, add: AddEntitiesCallback) -> None:
        add([LoadsCalendar(events)])

    mock_integration(hass, MockModule("operator_calendar", async_setup_entry=setup_entry))
    mock_platform(hass, "operator_calendar.config_flow")
    mock_platform(hass, "operator_calendar.calendar", MockPlatform(async_setup_entry=setup_platform))
    assert await async_setup_component(hass, "calendar", {})
    entry = MockConfigEntry(domain="operator_calendar")
    entry.add_to_hass(hass)
    with mock_config_flow("operator_calendar", CalendarFlow):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()


async def test_calendar_events_with_a_power_are_known_loads(hass: HomeAssistant, home: None) -> None:
    now = dt_util.now()
    await add_calendar(
        hass,
        [
            CalendarEvent(start=now + timedelta(hours=1), end=now + timedelta(hours=3), summary="Party 6 kW"),
            CalendarEvent(start=now + timedelta(hours=1), end=now + timedelta(hours=2), summary="Dentist"),
        ],
    )
    await setup(hass, known_load_calendar="calendar.loads")
    plan = await call(hass, "get_plan")
    loads = [d for d in plan["devices"] if d["id"].startswith("known_load:calendar.loads")]
    assert len(loads) == 1  # the dentist names no power
    assert loads[0]["power_kw"][4:12] == [6.0] * 8 and sum(loads[0]["power_kw"]) == pytest.approx(48.0)


async def test_the_report_answers_for_a_range_and_refuses_an_end_before_its_start(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    await setup(hass)
    start = dt_util.now()
    for _ in range(8):
        freezer.tick(timedelta(minutes=5))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    report = await call(hass, "report", period="day")
    assert report["currency"] == hass.config.currency and report["goals"]["met"] == 0
    # Read from the start on; the step still open (18:30-18:45) is not in yet.
    assert report["measured_hours"] == pytest.approx(30 / 60, abs=0.01)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "report", start=start.isoformat(), end=(start - timedelta(hours=1)).isoformat())
    assert err.value.translation_key == "end_before_start"


async def test_a_monthly_notification_once_the_month_began(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to("2026-11-30 23:00:00-08:00")
    await setup(hass, monthly_report=True)
    for _ in range(24):
        freezer.tick(timedelta(minutes=5))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    notifications = persistent_notification._async_get_or_create_notifications(hass)
    note = notifications[f"{DOMAIN}_monthly_report"]
    assert note["title"] == "Headroom: November 2026"
    assert "Realised cost" in note["message"] and "Goals met 0, missed 0" in note["message"]
