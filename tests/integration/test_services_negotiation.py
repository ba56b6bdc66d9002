"""Capacity as a negotiation (seed 000's option A): request_capacity offers a profile and a token that
holds it, reserve_capacity with the token commits exactly that offer; holds count against what others
are offered, expire, and a requester's later request replaces its earlier one."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.headroom.const import DOMAIN
from custom_components.headroom.policy.negotiation import HOLD_MINUTES

from .test_services import _evening, at, call, plan  # noqa: F401  (_evening: the autouse clock)

LIMIT_KW = 11.0


def values(series: list[dict[str, Any]]) -> list[float]:
    return [s["value"] for s in series]


def by_start(series: list[dict[str, Any]]) -> dict[str, float]:
    return {s["start"]: s["value"] for s in series}


def reserved(answer: dict[str, Any], requester: str) -> dict[str, float]:
    """The reservation's power per step start, as the published plan holds it."""
    power = next(d["power_kw"] for d in answer["devices"] if d["name"] == f"reservation:{requester}")
    return {s["start"]: p for s, p in zip(answer["steps"], power, strict=True) if p > 0}


async def assert_under_the_limit(hass: HomeAssistant) -> None:
    for step in (await plan(hass))["steps"]:
        assert step["grid_import_kw"] <= step["import_limit_kw"] + 1e-6


async def test_offer_then_commit_with_the_token_reserves_exactly_the_offer(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    answer = await call(hass, "request_capacity", requester="sauna", start=at(2), end=at(3), power_kw=4.0)
    assert answer["fits"] is True and answer["offer"]["kind"] == "as_asked"
    assert values(answer["offer"]["power_kw"]) == [4.0] * 4 and answer["hold_minutes"] == HOLD_MINUTES
    committed = await call(hass, "reserve_capacity", token=answer["token"])
    assert committed["status"] == "granted"
    assert by_start(committed["granted_kw"]) == by_start(answer["offer"]["power_kw"])
    assert reserved(await plan(hass), "sauna") == by_start(answer["offer"]["power_kw"])
    await assert_under_the_limit(hass)
    with pytest.raises(ServiceValidationError) as used:  # a token commits once
        await call(hass, "reserve_capacity", token=answer["token"])
    assert used.value.translation_key == "unknown_token"


async def test_an_expired_or_unknown_token_is_refused_and_changes_nothing(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    answer = await call(hass, "request_capacity", requester="oven", start=at(2), end=at(3), power_kw=3.0)
    before = await plan(hass)
    with pytest.raises(ServiceValidationError) as unknown:
        await call(hass, "reserve_capacity", token="not-a-token")
    assert unknown.value.translation_key == "unknown_token"
    freezer.tick(timedelta(minutes=HOLD_MINUTES, seconds=1))
    with pytest.raises(ServiceValidationError) as expired:
        await call(hass, "reserve_capacity", token=answer["token"])
    assert expired.value.translation_key == "unknown_token"
    after = await plan(hass)
    assert after["reservations"] == before["reservations"] == []
    with pytest.raises(ServiceValidationError) as neither:
        await call(hass, "reserve_capacity", id="oven")
    assert neither.value.translation_key == "token_or_request"


async def test_a_committed_counter_offer_keeps_the_plan_under_the_limit(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    answer = await call(hass, "request_capacity", requester="welder", start=at(2), end=at(3), power_kw=30.0)
    assert answer["fits"] is False and answer["counter_offers"]
    assert answer["offer"] == answer["counter_offers"][0] and max(values(answer["offer"]["power_kw"])) < 30.0
    committed = await call(hass, "reserve_capacity", token=answer["token"])
    assert reserved(await plan(hass), "welder") == by_start(committed["granted_kw"])
    await assert_under_the_limit(hass)


async def test_two_requesters_at_once_are_never_offered_more_than_the_room(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    ask = {"start": at(2), "end": at(3), "power_kw": 8.0}
    first, second = await asyncio.gather(
        call(hass, "request_capacity", requester="sauna", **ask),
        call(hass, "request_capacity", requester="kiln", **ask),
    )
    both = [by_start(first["offer"]["power_kw"]), by_start(second["offer"]["power_kw"])]
    for start in both[0].keys() & both[1].keys():
        assert both[0][start] + both[1][start] <= LIMIT_KW
    assert sorted([first["fits"], second["fits"]]) == [False, True]
    await asyncio.gather(
        call(hass, "reserve_capacity", token=first["token"]),
        call(hass, "reserve_capacity", token=second["token"]),
    )
    await assert_under_the_limit(hass)


async def test_a_higher_priority_takes_a_lower_hold(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    ask = {"start": at(2), "end": at(3), "power_kw": 8.0}
    dropped = async_capture_events(hass, f"{DOMAIN}_hold_dropped")
    low = await call(hass, "request_capacity", requester="pool", **ask)
    high = await call(hass, "request_capacity", requester="medical", priority="critical", **ask)
    assert high["fits"] is True and high["dropped_holds"] == ["pool"]
    await hass.async_block_till_done()
    assert [e.data for e in dropped] == [{"requester": "pool", "by": "medical"}]
    with pytest.raises(ServiceValidationError):
        await call(hass, "reserve_capacity", token=low["token"])
    await call(hass, "reserve_capacity", token=high["token"])
    await assert_under_the_limit(hass)


async def test_a_repeat_request_from_the_same_requester_replaces(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    first = await call(hass, "request_capacity", requester="heater", start=at(2), end=at(3), power_kw=3.0)
    await call(hass, "reserve_capacity", token=first["token"])
    again = await call(hass, "request_capacity", requester="heater", start=at(2), end=at(3), power_kw=9.0)
    assert again["fits"] is True  # its own 3 kW is given back to it, not counted twice
    with pytest.raises(ServiceValidationError):  # the earlier hold went with the new request
        await call(hass, "reserve_capacity", token=first["token"])
    await call(hass, "reserve_capacity", token=again["token"])
    answer = await plan(hass)
    assert [r["id"] for r in answer["reservations"]] == ["heater"]
    assert set(reserved(answer, "heater").values()) == {9.0}
    await assert_under_the_limit(hass)


async def test_all_available_power_follows_the_free_capacity(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    window = {"start": at(2), "end": at(4)}
    before = await call(hass, "request_capacity", requester="battery", all_available=True, **window)
    assert before["offer"]["kind"] == "all_available"
    await call(hass, "add_known_load", id="party", power_kw=3.0, start=at(3), end=at(4))
    after = await call(hass, "request_capacity", requester="battery", all_available=True, **window)
    old, new = by_start(before["offer"]["power_kw"]), by_start(after["offer"]["power_kw"])
    party = dt_util.parse_datetime(at(3))
    late = [s for s in new if dt_util.parse_datetime(s) >= party]
    early = [s for s in new if dt_util.parse_datetime(s) < party]
    assert early
    assert late and all(new[s] == pytest.approx(old[s] - 3.0, abs=0.05) for s in late)
    assert all(new[s] == pytest.approx(old[s], abs=0.05) for s in early)
    await call(hass, "reserve_capacity", token=after["token"])
    await assert_under_the_limit(hass)


async def test_a_hold_that_load_grew_into_is_refused_and_changes_nothing(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    window = {"start": at(2), "end": at(3)}
    held = await call(hass, "request_capacity", requester="kiln", power_kw=8.0, **window)
    await call(hass, "add_known_load", id="party", power_kw=8.0, **window)
    before = await plan(hass)
    with pytest.raises(ServiceValidationError) as grown:
        await call(hass, "reserve_capacity", token=held["token"])
    assert grown.value.translation_key == "hold_no_longer_fits"
    after = await plan(hass)
    assert after["reservations"] == before["reservations"] == []
    assert [s["grid_import_kw"] for s in after["steps"]] == [s["grid_import_kw"] for s in before["steps"]]
    await assert_under_the_limit(hass)


async def test_a_reservation_without_a_token_does_not_take_what_is_held(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    window = {"start": at(2), "end": at(3)}
    held = await call(hass, "request_capacity", requester="kiln", power_kw=8.0, **window)
    plain = await call(hass, "reserve_capacity", id="sauna", power_kw=8.0, **window)
    assert plain["status"] == "partial"  # 8 kW fit alone (the kiln's offer): the hold is counted
    await call(hass, "reserve_capacity", token=held["token"])
    answer = await plan(hass)
    assert {r["id"] for r in answer["reservations"]} == {"sauna", "kiln"}
    assert set(reserved(answer, "kiln").values()) == {8.0}
    await assert_under_the_limit(hass)
