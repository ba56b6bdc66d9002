"""Small pieces with real inputs: base-load fallbacks, time-of-use schedules, what the Store keeps."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.headroom.const import ChargeMode
from custom_components.headroom.policy.intents import EvGoal, GridRequest, Intents, Override, Reservation
from custom_components.headroom.sources.base_load import house_hours, profile_from_hours
from custom_components.headroom.sources.tariff import tou_series, with_fees


def test_base_load_falls_back_with_short_history(hass: HomeAssistant) -> None:
    start = datetime(2026, 11, 2, 0, tzinfo=UTC)
    day = {start + timedelta(hours=h): (1.2 if h % 24 == 18 else 0.3) for h in range(30)}
    profile = profile_from_hours(day)
    assert profile is not None and profile.basis == "same hour, recent days"
    evening = dt_util.as_local(start + timedelta(hours=18)).hour
    assert profile.hourly[evening] == pytest.approx(1.2)
    few = profile_from_hours({start + timedelta(hours=h): 0.5 for h in range(5)})
    assert few is not None and few.basis == "recent mean" and few.at(start) == pytest.approx(0.5)
    assert profile_from_hours({}) is None


def test_house_from_grid_pv_and_battery_without_a_house_sensor() -> None:
    t = datetime(2026, 11, 2, 12, tzinfo=UTC)
    means = {"grid": {t: 1.0}, "pv": {t: 3.0}, "bat": {t: 1.5}, "car": {t: 0.5}}
    house = house_hours(means, house=None, grid="grid", pv="pv", battery=["bat"], devices=["car"])
    assert house == {t: pytest.approx(1.0 + 3.0 - 1.5 - 0.5)}
    assert house_hours(means, house=None, grid=None, pv="pv", battery=[], devices=[]) == {}


def test_time_of_use_across_midnight_and_weekends(hass: HomeAssistant) -> None:
    saturday_2300 = dt_util.as_utc(datetime(2026, 11, 21, 23, 0, tzinfo=dt_util.get_default_time_zone()))
    prices = tou_series(
        saturday_2300,
        60,
        3,
        peak=0.3,
        off_peak=0.1,
        peak_start=time(22),
        peak_end=time(1),
        weekend_off_peak=False,
    )
    assert prices == [0.3, 0.3, 0.1]  # 23:00 and 00:00 in the peak that crosses midnight
    weekend = tou_series(
        saturday_2300,
        60,
        3,
        peak=0.3,
        off_peak=0.1,
        peak_start=time(22),
        peak_end=time(1),
        weekend_off_peak=True,
    )
    assert weekend == [0.1, 0.1, 0.1]
    assert with_fees([0.1, 0.2], 1.21, 0.1) == pytest.approx([0.221, 0.342])


def test_everything_asked_survives_the_store() -> None:
    now = datetime(2026, 11, 22, 18, tzinfo=UTC)
    intents = Intents(
        goals={
            "car": EvGoal(
                mode=ChargeMode.FASTEST,
                target_soc=90,
                energy_kwh=12.0,
                departure_at=now + timedelta(hours=5),
                priority=3,
            )
        },
        latest_finish={"dw": time(6, 30)},
        reservations={
            "hp": Reservation(
                id="hp",
                start=now,
                step_minutes=15,
                granted_kw=[2.0, 1.5],
                requested_kw=2.0,
                force=True,
                status="partial",
            )
        },
        overrides={"car": Override(action="block", until=now + timedelta(hours=2))},
        appliance_runs={"dw": [(now, now + timedelta(hours=4))]},
        grid_requests={"dso": GridRequest(id="dso", start=now, end=now + timedelta(hours=1), limit_kw=4.0)},
        manual={"bat": None},
        appliance_started={"dw": now - timedelta(days=1)},
    )
    again = Intents.from_dict(intents.to_dict())
    assert again.to_dict() == intents.to_dict()
    assert again.override("car", now) == "block" and again.is_manual("bat", now)
    assert again.reservations["hp"].power_at(now + timedelta(minutes=20)) == 1.5
    gone = again.expire(now + timedelta(hours=6))
    assert gone == ["hp"] and not again.overrides and not again.grid_requests
    assert again.goals["car"].departure_at is None and again.goals["car"].energy_kwh is None
