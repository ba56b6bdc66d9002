"""Actions are safe to expose: every numeric field finite and in its selector's range, ids not blank,
each refusal translated and naming the field; a refused or failed call changes nothing (the published
plan, the intents, the Store); forced promises stay within the import limit and its breach margin;
only those allowed may force power, change goals, limits or others' reservations."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from freezegun.api import FrozenDateTimeFactory
from homeassistant.auth.models import Group
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError, Unauthorized
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.headroom import coordinator as coordinator_module
from custom_components.headroom.const import DOMAIN
from custom_components.headroom.services import MAX_ID_LENGTH, RANGES

from .conftest import SITE, appliance_subentry, charger_subentry

EVENING = "2026-11-22 18:00:00-08:00"
PACKAGE = Path(__file__).parents[2] / "custom_components" / "headroom"
EXCEPTIONS = json.loads((PACKAGE / "strings.json").read_text())["exceptions"]
NO_RESPONSE = {"replan", "release_capacity", "override", "cancel_booking"}
# Keys a refused number or id may be refused with.
INPUT_KEYS = {"not_a_number", "not_finite", "out_of_range", "not_whole", "empty_id", "invalid_id"}


@pytest.fixture(autouse=True)
def _evening(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(EVENING)


def at(hours_from_now: float) -> str:
    return (dt_util.now() + timedelta(hours=hours_from_now)).isoformat()


def device_of(hass: HomeAssistant, entry: MockConfigEntry, title: str) -> str:
    sub = next(s for s in entry.subentries.values() if s.title == title)
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, sub.subentry_id)})
    assert device is not None
    return device.id


async def call(hass: HomeAssistant, service: str, context: Context | None = None, **data: Any) -> Any:
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=service not in NO_RESPONSE, context=context
    )


async def state_of(hass: HomeAssistant, entry: MockConfigEntry, storage: dict[str, Any]) -> dict[str, Any]:
    """What a refused call must leave as it was: the published plan, the intents, the Store."""
    plan = await call(hass, "get_plan")
    stored = storage.get(f"{DOMAIN}.{entry.entry_id}", {}).get("data", {}).get("intents")
    return {
        "devices": plan["devices"],
        "reservations": plan["reservations"],
        "grid_requests": plan["grid_requests"],
        "intents": entry.runtime_data.intents.to_dict(),
        "stored": copy.deepcopy(stored),
    }


def refused(err: ServiceValidationError, key: str | set[str], field: str | None = None) -> None:
    keys = {key} if isinstance(key, str) else key
    assert err.translation_domain == DOMAIN
    assert err.translation_key in keys, err.translation_key
    assert err.translation_key in EXCEPTIONS  # a message exists for it
    if field is not None:
        assert err.translation_placeholders is not None
        assert err.translation_placeholders["field"] == field


def valid_calls(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, dict[str, Any]]:
    """A call of each action with every field it has that is a number or an id."""
    driveway, dishwasher = device_of(hass, entry, "Driveway"), device_of(hass, entry, "Dishwasher")
    return {
        "set_ev_goal": {"device_id": driveway, "energy_kwh": 10},
        "check_feasibility": {
            "arrival": at(1),
            "departure": at(4),
            "energy_kwh": 15,
            "max_power_kw": 11,
            "min_power_kw": 4,
        },
        "reserve_capacity": {"id": "sauna", "start": at(1), "end": at(2), "power_kw": 2, "energy_kwh": 1},
        "release_capacity": {"id": "sauna"},
        "request_capacity": {"requester": "sauna", "start": at(1), "end": at(2), "power_kw": 3},
        "flex_request": {"id": "dso", "start": at(1), "end": at(2), "limit_kw": 5, "energy_kwh": 1},
        "add_known_load": {"id": "party", "start": at(1), "end": at(2), "power_kw": 3},
        "override": {"device_id": driveway, "action": "block", "until": at(2)},
        "schedule_appliance": {"device_id": dishwasher, "deadline": at(8)},
        "simulate": {
            "battery_capacity_kwh": 20,
            "battery_power_kw": 5,
            "import_limit_kw": 5,
            "import_price": 0.2,
            "price_factor": 1.5,
            "ev_arrival": at(1),
            "ev_departure": at(6),
            "ev_energy_kwh": 10,
            "ev_max_power_kw": 7,
            "days": 1,
        },
        "book_session": {
            "device_id": driveway,
            "id": "van",
            "arrival": at(1),
            "departure": at(4),
            "energy_kwh": 10,
        },
        "cancel_booking": {"id": "van"},
    }


ID_FIELDS = {
    "set_ev_goal": "device_id",
    "reserve_capacity": "id",
    "release_capacity": "id",
    "request_capacity": "requester",
    "flex_request": "id",
    "add_known_load": "id",
    "override": "device_id",
    "schedule_appliance": "device_id",
    "book_session": "id",
    "cancel_booking": "id",
}


def bad_numbers(low: float, high: float) -> list[Any]:
    return [
        math.nan,
        math.inf,
        -math.inf,
        1e308,
        -1e308,
        "nan",
        "inf",
        "-inf",
        "NaN",
        10**400,
        low - 1,
        high + 1,
        high + 1e-6,
        "abc",
        None,
        True,
        [1],
    ]


BAD_IDS: list[Any] = ["", "   ", "\t", "x" * (MAX_ID_LENGTH + 1), "a\nb", None, ["a"]]


def test_ranges_agree_with_services_yaml() -> None:
    """One source of ranges: every number selector in services.yaml says what the schema enforces."""
    described = yaml.safe_load((PACKAGE / "services.yaml").read_text())
    selectors = {
        (service, field): spec["selector"]["number"]
        for service, fields in described.items()
        for field, spec in ((fields or {}).get("fields") or {}).items()
        if "number" in (spec.get("selector") or {})
    }
    enforced = {
        (service, field): bounds for service, fields in RANGES.items() for field, bounds in fields.items()
    }
    assert set(selectors) == set(enforced)
    for key, selector in selectors.items():
        assert (selector["min"], selector["max"]) == enforced[key], key


async def test_no_bad_number_or_id_gets_in(
    hass: HomeAssistant, entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """NaN, +-inf, 1e308, out-of-range and non-numbers in every numeric field of every action, and blank
    or overlong ids: each refused with a translated error naming the field, and nothing changes."""
    await call(hass, "reserve_capacity", id="sauna", start=at(1), end=at(2), power_kw=2)
    before = await state_of(hass, entry, hass_storage)
    calls = valid_calls(hass, entry)
    tried = 0
    for service, fields in RANGES.items():
        for field, (low, high) in fields.items():
            for value in bad_numbers(low, high):
                with pytest.raises(ServiceValidationError) as err:
                    await call(hass, service, **{**calls[service], field: value})
                refused(err.value, INPUT_KEYS, field)
                tried += 1
    for service, field in ID_FIELDS.items():
        for value in BAD_IDS:
            with pytest.raises(ServiceValidationError) as err:
                await call(hass, service, **{**calls[service], field: value})
            refused(err.value, {"empty_id", "invalid_id"}, field)
            tried += 1
    assert tried > 300
    after = await state_of(hass, entry, hass_storage)
    assert after == before
    # Nothing non-finite anywhere a person or the Store sees.
    json.dumps(after, allow_nan=False)
    for state in hass.states.async_all():
        json.dumps(dict(state.attributes), allow_nan=False, default=str)
        if state.entity_id.startswith("sensor.") and state.state not in ("unknown", "unavailable"):
            assert finite_or_text(state.state), state.entity_id


def finite_or_text(value: str) -> bool:
    try:
        return math.isfinite(float(value))
    except ValueError:
        return True  # a text sensor


async def test_refusals_say_which_field_and_why(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "check_feasibility",
            arrival=at(1),
            departure=at(4),
            energy_kwh=5,
            max_power_kw=11,
            min_power_kw=-1,
        )
    refused(err.value, "out_of_range", "min_power_kw")
    assert err.value.translation_placeholders == {
        "field": "min_power_kw",
        "value": "-1",
        "min": "0",
        "max": "400",
    }
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "simulate", days=2.5)
    refused(err.value, "not_whole", "days")
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "reserve_capacity", id="x", start="soon", end=at(2), power_kw=1)
    refused(err.value, "not_a_time", "start")
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "reserve_capacity", id="x", start=at(1), end=at(2), power_kw=0)
    refused(err.value, "not_positive", "power_kw")
    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "schedule_appliance",
            device_id=device_of(hass, entry, "Dishwasher"),
            windows=[{"start": at(1)}],
        )
    refused(err.value, "invalid_windows")
    # The bounds themselves are in range, and a string of a number is a number.
    answer = await call(
        hass, "check_feasibility", arrival=at(1), departure=at(4), energy_kwh="0.5", max_power_kw=400
    )
    assert answer["feasible"] is True


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"start": "+5", "end": "+4"}, "end_before_start"),
        ({"start": "+50", "end": "+53"}, "outside_horizon"),
        ({"start": "-3", "end": "-2"}, "in_the_past"),
        ({"power_kw": 0}, "not_positive"),
        ({"power_kw": math.nan}, "not_finite"),
        ({"energy_kwh": -1}, "out_of_range"),
    ],
)
async def test_a_refused_change_to_a_reservation_keeps_it(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    change: dict[str, Any],
    key: str,
) -> None:
    """Reserving again with the same id and a bad window used to drop the reservation from the plan and
    the Store; it is refused before anything changes."""
    ask = {"id": "heat_pump", "start": at(1), "end": at(4), "power_kw": 3.0}
    assert (await call(hass, "reserve_capacity", **ask))["status"] == "granted"
    before = await state_of(hass, entry, hass_storage)
    assert "heat_pump" in before["stored"]["reservations"]
    changed = {**ask, **change}
    for field, value in change.items():
        if isinstance(value, str) and value[0] in "+-":
            changed[field] = at(float(value))
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "reserve_capacity", **changed)
    refused(err.value, key)
    assert await state_of(hass, entry, hass_storage) == before
    assert any(d["id"] == "reservation:heat_pump" for d in before["devices"])


async def test_a_failed_replan_undoes_the_change(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The solver failing after a goal, an override, a run or a reservation was taken: the call fails
    with the translated replan error, which says nothing was changed, and nothing is."""
    await call(hass, "reserve_capacity", id="sauna", start=at(1), end=at(2), power_kw=2)
    before = await state_of(hass, entry, hass_storage)
    solve = coordinator_module.solve
    allowed = {"calls": 0}

    def failing(*args: Any, **kwargs: Any) -> Any:
        allowed["calls"] -= 1
        if allowed["calls"] < 0:
            raise RuntimeError("solver crashed")
        return solve(*args, **kwargs)

    monkeypatch.setattr(coordinator_module, "solve", failing)
    driveway, dishwasher = device_of(hass, entry, "Driveway"), device_of(hass, entry, "Dishwasher")
    attempts: list[tuple[str, dict[str, Any], int]] = [
        ("set_ev_goal", {"device_id": driveway, "energy_kwh": 5, "mode": "fastest"}, 0),
        ("set_ev_goal", {"device_id": driveway, "clear": True}, 0),
        ("override", {"device_id": driveway, "action": "force", "until": at(2)}, 0),
        ("override", {"device_id": dishwasher, "action": "release"}, 0),
        ("schedule_appliance", {"device_id": dishwasher, "deadline": at(8)}, 0),
        ("release_capacity", {"id": "sauna"}, 0),
        ("flex_request", {"id": "dso", "start": at(1), "end": at(2), "limit_kw": 5}, 0),
        # The reservation's own first replan succeeds; the one after it is kept fails.
        ("reserve_capacity", {"id": "welder", "start": at(3), "end": at(4), "power_kw": 2}, 1),
        ("reserve_capacity", {"id": "sauna", "start": at(3), "end": at(4), "power_kw": 1}, 1),
    ]
    for service, data, good in attempts:
        allowed["calls"] = good
        with pytest.raises(HomeAssistantError) as err:
            await call(hass, service, **data)
        assert err.value.translation_key == "replan_failed", service
        assert entry.runtime_data.intents.to_dict() == before["intents"], service
        stored = hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]["intents"]
        assert stored == before["stored"], service
    monkeypatch.setattr(coordinator_module, "solve", solve)
    await call(hass, "replan")
    assert await state_of(hass, entry, hass_storage) == before


async def forced_home(hass: HomeAssistant, margin: float | None) -> MockConfigEntry:
    site = dict(SITE) if margin is None else {**SITE, "breach_margin": margin}
    entry = MockConfigEntry(domain=DOMAIN, title="Home", data=site, subentries_data=[charger_subentry()])
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await call(hass, "replan")  # saved once, so that the Store can be compared
    return entry


async def test_forced_reservations_do_not_stack_beyond_the_margin(
    hass: HomeAssistant, home: None, hass_storage: dict[str, Any]
) -> None:
    """Two forced 15 kW on an 11 kW connection with a 50 % margin (16.5 kW): the first is granted and
    reported as a breach, the second refused naming what is left (16.5 - 0.6 base - 15), nothing changes."""
    entry = await forced_home(hass, 0.5)
    window = {"start": at(2), "end": at(3), "power_kw": 15.0, "force": True}
    first = await call(hass, "reserve_capacity", id="sauna", **window)
    assert first["status"] == "granted" and first["breach"] is True
    assert first["breach_kw"] and all(s["value"] == pytest.approx(15.0) for s in first["granted_kw"])
    before = await state_of(hass, entry, hass_storage)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "reserve_capacity", id="welder", **window)
    refused(err.value, "forced_beyond_limit")
    assert err.value.translation_placeholders == {"left": "0.90", "asked": "15.00", "limit": "11.00"}
    assert await state_of(hass, entry, hass_storage) == before
    assert [r["id"] for r in before["reservations"]] == ["sauna"]
    # What is left may still be promised; changing the first one is weighed without its old self.
    small = await call(hass, "reserve_capacity", id="lamp", **{**window, "power_kw": 0.5})
    assert small["status"] == "granted"
    again = await call(hass, "reserve_capacity", id="sauna", **{**window, "power_kw": 15.4})
    assert again["status"] == "granted" and again["breach"] is True


async def test_without_a_margin_a_forced_promise_stays_under_the_limit(
    hass: HomeAssistant, home: None, hass_storage: dict[str, Any]
) -> None:
    entry = await forced_home(hass, None)
    before = await state_of(hass, entry, hass_storage)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "reserve_capacity", id="sauna", start=at(2), end=at(3), power_kw=15.0, force=True)
    refused(err.value, "forced_beyond_limit")
    assert err.value.translation_placeholders is not None
    assert err.value.translation_placeholders["left"] == "10.40"
    assert await state_of(hass, entry, hass_storage) == before
    # A non-forced reservation holds room too: a forced one on top only gets what it leaves.
    await call(hass, "reserve_capacity", id="heat_pump", start=at(2), end=at(3), power_kw=6.0)
    with pytest.raises(ServiceValidationError):
        await call(hass, "reserve_capacity", id="oven", start=at(2), end=at(3), power_kw=6.0, force=True)
    oven = await call(hass, "reserve_capacity", id="oven", start=at(2), end=at(3), power_kw=4.0, force=True)
    assert oven["status"] == "granted" and oven["breach"] is False
    for step in (await call(hass, "get_plan"))["steps"]:
        assert step["grid_import_kw"] <= 11.0 + 1e-6


def charger_with_current() -> ConfigSubentryData:
    sub = charger_subentry()
    return ConfigSubentryData(
        subentry_type=sub["subentry_type"],
        title=sub["title"],
        unique_id=None,
        data={**sub["data"], "current_limit_entity": "input_number.driveway_current"},
    )


@pytest.fixture
async def driven(hass: HomeAssistant, home: None) -> MockConfigEntry:
    """A home whose charger Headroom drives through its current limit."""
    entry = MockConfigEntry(
        domain=DOMAIN, title="Home", data=SITE, subentries_data=[charger_with_current(), appliance_subentry()]
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


HEADROOM_DOMAINS = ("sensor", "binary_sensor", "select", "number", "switch", "time", "button")


def user_with(hass: HomeAssistant, policy: dict[str, Any]) -> MockUser:
    group = Group(name="custom", policy=policy)
    hass.auth._store._groups[group.id] = group
    return MockUser(groups=[group]).add_to_hass(hass)


FORCING: list[tuple[str, Callable[[HomeAssistant, MockConfigEntry], dict[str, Any]]]] = [
    ("set_ev_goal", lambda h, e: {"device_id": device_of(h, e, "Driveway"), "energy_kwh": 5}),
    ("override", lambda h, e: {"device_id": device_of(h, e, "Driveway"), "action": "force", "until": at(2)}),
    ("override", lambda h, e: {"device_id": device_of(h, e, "Driveway"), "action": "release"}),
    ("schedule_appliance", lambda h, e: {"device_id": device_of(h, e, "Dishwasher"), "deadline": at(8)}),
    (
        "reserve_capacity",
        lambda h, e: {"id": "oven", "start": at(1), "end": at(2), "power_kw": 20, "force": True},
    ),
    ("release_capacity", lambda h, e: {"id": "sauna"}),
    ("flex_request", lambda h, e: {"id": "dso", "start": at(1), "end": at(2), "limit_kw": 1}),
]
ANSWERING: list[tuple[str, Callable[[HomeAssistant, MockConfigEntry], dict[str, Any]]]] = [
    ("get_plan", lambda h, e: {}),
    ("replan", lambda h, e: {}),
    (
        "check_feasibility",
        lambda h, e: {"arrival": at(1), "departure": at(4), "energy_kwh": 5, "max_power_kw": 7},
    ),
    ("simulate", lambda h, e: {"battery_capacity_kwh": 10}),
    (
        "flex_request",
        lambda h, e: {"id": "dso", "start": at(1), "end": at(2), "limit_kw": 4, "dry_run": True},
    ),
]


async def test_a_read_only_user_cannot_force_power(
    hass: HomeAssistant,
    driven: MockConfigEntry,
    hass_read_only_user: MockUser,
    hass_storage: dict[str, Any],
) -> None:
    await call(hass, "reserve_capacity", id="sauna", start=at(1), end=at(2), power_kw=2)
    before = await state_of(hass, driven, hass_storage)
    context = Context(user_id=hass_read_only_user.id)
    for service, data in FORCING:
        with pytest.raises(Unauthorized):
            await call(hass, service, context=context, **data(hass, driven))
    assert await state_of(hass, driven, hass_storage) == before
    for service, data in ANSWERING:
        await call(hass, service, context=context, **data(hass, driven))
    assert await state_of(hass, driven, hass_storage) == before


async def test_who_may_do_what(
    hass: HomeAssistant, driven: MockConfigEntry, hass_admin_user: MockUser
) -> None:
    """A household member who controls the charger sets its goal but promises no site capacity; one who
    may not control the charger's current limit may not set its goal either; an administrator and an
    automation (no user) may do all."""
    member = user_with(hass, {"entities": True})
    no_charger = user_with(
        hass,
        # HA's policies only allow: everything Headroom shows may be controlled, the chargers' entities
        # (input_number here) only read.
        {"entities": {"all": {"read": True}, "domains": dict.fromkeys(HEADROOM_DOMAINS, True)}},
    )
    goal = {"device_id": device_of(hass, driven, "Driveway"), "energy_kwh": 5}
    dishwasher = {"device_id": device_of(hass, driven, "Dishwasher"), "deadline": at(8)}
    reserve = {"id": "oven", "start": at(1), "end": at(2), "power_kw": 2}

    assert (await call(hass, "set_ev_goal", context=Context(user_id=member.id), **goal))["planned"]
    with pytest.raises(Unauthorized):
        await call(hass, "reserve_capacity", context=Context(user_id=member.id), **reserve)
    with pytest.raises(Unauthorized) as err:
        await call(hass, "set_ev_goal", context=Context(user_id=no_charger.id), **goal)
    assert err.value.entity_id == "input_number.driveway_current"
    await call(hass, "schedule_appliance", context=Context(user_id=no_charger.id), **dishwasher)
    assert (await call(hass, "reserve_capacity", context=Context(user_id=hass_admin_user.id), **reserve))[
        "status"
    ] == "granted"
    await call(hass, "release_capacity", **{"id": "oven"})


async def test_a_read_only_token_over_the_websocket(
    hass: HomeAssistant,
    driven: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
    hass_storage: dict[str, Any],
) -> None:
    before = await state_of(hass, driven, hass_storage)
    client = await hass_ws_client(hass, hass_read_only_access_token)
    for number, (service, data) in enumerate(FORCING, start=1):
        await client.send_json(
            {
                "id": number,
                "type": "call_service",
                "domain": DOMAIN,
                "service": service,
                "service_data": data(hass, driven),
                "return_response": service not in NO_RESPONSE,
            }
        )
        answer = await client.receive_json()
        assert answer["success"] is False, service
        assert answer["error"]["message"] == "Unauthorized"
    await client.send_json(
        {"id": 99, "type": "call_service", "domain": DOMAIN, "service": "get_plan", "return_response": True}
    )
    answer = await client.receive_json()
    assert answer["success"] is True and answer["result"]["response"]["status"]
    assert await state_of(hass, driven, hass_storage) == before
