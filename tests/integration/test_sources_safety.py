"""Sources give finite, honest series: a PV forecast is never negative, a price or PV value that
is not a number (NaN, inf) is left out and its source named as stale with what was used instead,
and a PV forecast that is unavailable is a stale input, not silently "no PV"."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.headroom.const import DOMAIN
from custom_components.headroom.data import HeadroomData
from custom_components.headroom.policy.problem import timeline_for
from custom_components.headroom.sources.base_load import BaseLoadProfile, profile_from_hours
from custom_components.headroom.sources.forecasts import Inputs, read_forecasts

from .conftest import SITE, charger_subentry, core_nord_pool_sensor

EVENING = "2026-11-22 18:00:00-08:00"
NAN, INF = float("nan"), float("inf")


@pytest.fixture(autouse=True)
def _evening(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(EVENING)


def price(h: int) -> float:
    return 0.10 + 0.01 * (h % 24)  # a different price every hour, so a shifted or held step shows


async def plan_with(hass: HomeAssistant, **site: Any) -> HeadroomData:
    """Set up an entry with these site settings (and a car to plan), take its first plan, remove it."""
    entry = MockConfigEntry(
        domain=DOMAIN, title="Home", data={**SITE, **site}, subentries_data=[charger_subentry()]
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    data: HeadroomData = entry.runtime_data.data
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    return data


def assert_finite(data: HeadroomData) -> None:
    problem = data.problem
    for series in (
        problem.tariff.import_price,
        problem.tariff.export_price,
        problem.pv_kw,
        problem.base_load_kw,
    ):
        assert np.isfinite(np.asarray(series, dtype=float)).all()


def price_list(bad: dict[int, float], drop: set[int] | None = None) -> list[dict[str, Any]]:
    """Headroom's generic list (it stands for no other integration): hourly ``{start, end, value}``
    from today's local midnight for 48 h; ``bad`` hours say NaN or inf, ``drop`` hours are missing."""
    midnight = dt_util.start_of_local_day(dt_util.now())
    return [
        {
            "start": (midnight + timedelta(hours=h)).isoformat(),
            "end": (midnight + timedelta(hours=h + 1)).isoformat(),
            "value": bad.get(h, price(h)),
        }
        for h in range(48)
        if h not in (drop or set())
    ]


async def test_nan_and_inf_price_rows_are_filled_like_gaps_and_said(hass: HomeAssistant, home: None) -> None:
    """Rows saying NaN, inf and -inf: their steps are filled exactly as if the rows were missing, the
    price source is stale with the reason, and the plan is a plan, not the fallback."""
    bad = {20: NAN, 21: INF, 27: -INF}  # tonight 20:00 and 21:00, tomorrow 03:00
    hass.states.async_set(
        "sensor.price_list_bad",
        str(price(18)),
        {"unit_of_measurement": "EUR/kWh", "forecast": price_list(bad)},
    )
    hass.states.async_set(
        "sensor.price_list_gaps",
        str(price(18)),
        {"unit_of_measurement": "EUR/kWh", "forecast": price_list({}, drop=set(bad))},
    )
    with_bad = await plan_with(hass, price_entity="sensor.price_list_bad")
    with_gaps = await plan_with(hass, price_entity="sensor.price_list_gaps")

    assert_finite(with_bad)
    assert list(with_bad.problem.tariff.import_price) == list(with_gaps.problem.tariff.import_price)
    assert with_bad.problem.tariff.import_price[8] == pytest.approx(price(18))  # 20:00: the price now
    assert with_bad.plan.status != "fallback"
    assert with_bad.status == "stale_inputs"
    assert "sensor.price_list_bad" in with_bad.stale
    assert any(
        a.startswith("prices of sensor.price_list_bad for 3.00 h are not numbers")
        for a in with_bad.assumptions
    )
    assert "sensor.price_list_gaps" not in with_gaps.stale  # a missing row is a gap, not a fault


async def test_nan_in_core_nord_pool_action_response(hass: HomeAssistant, home: None) -> None:
    """Core Nord Pool answers ``nordpool.get_prices_for_date`` with ``{area: [{start, end, price}]}``,
    price per MWh: home-assistant/core, homeassistant/components/nordpool/services.py at commit
    0e0866078373e15cc0613fa0b05b1f3252dce415 (the same in the installed 2025.4.4). One price NaN."""
    core_nord_pool_sensor(hass)
    nan_at = dt_util.parse_datetime("2026-11-23T02:00:00-08:00")

    async def get_prices_for_date(call: ServiceCall) -> ServiceResponse:
        midnight = dt_util.start_of_local_day(dt_util.parse_datetime(f"{call.data['date']}T12:00:00-08:00"))
        rows: list[Any] = []
        for h in range(24):
            start = midnight + timedelta(hours=h)
            rows.append(
                {
                    "start": dt_util.as_utc(start).isoformat(),
                    "end": dt_util.as_utc(start + timedelta(hours=1)).isoformat(),
                    "price": NAN if start == nan_at else price(h) * 1000,
                }
            )
        return {"SE3": rows}

    hass.services.async_register(
        "nordpool", "get_prices_for_date", get_prices_for_date, supports_response=SupportsResponse.ONLY
    )
    data = await plan_with(hass, price_entity="sensor.nord_pool_se3_current_price")
    assert_finite(data)
    prices = data.problem.tariff.import_price
    assert list(prices[32:36]) == [pytest.approx(0.28)] * 4  # 02:00 tomorrow: no day before, the price now
    assert prices[36] == pytest.approx(price(3))
    assert data.plan.status != "fallback"
    assert data.status == "stale_inputs"
    assert "sensor.nord_pool_se3_current_price" in data.stale


async def test_a_price_state_that_is_not_a_number(hass: HomeAssistant, home: None) -> None:
    """A template sensor adding fees to a spot price whose state reads "nan": the price now comes
    from the list it carries, and the plan says the state was not a number."""
    hass.states.async_set("sensor.spot_price", "nan", {"forecast": price_list({})})
    assert await async_setup_component(
        hass,
        "template",
        {
            "template": {
                "sensor": {
                    "name": "Price with fees",
                    "state": "{{ states('sensor.spot_price') | float * 1.0 }}",
                    "attributes": {"forecast": "{{ state_attr('sensor.spot_price', 'forecast') }}"},
                }
            }
        },
    )
    await hass.async_block_till_done()
    state = hass.states.get("sensor.price_with_fees")
    assert state is not None and state.state == "nan" and isinstance(state.attributes["forecast"], list)
    data = await plan_with(hass, price_entity="sensor.price_with_fees")
    assert_finite(data)
    assert data.problem.tariff.import_price[0] == pytest.approx(price(18))
    assert data.plan.status != "fallback"
    assert "sensor.price_with_fees" in data.stale
    assert "the state of sensor.price_with_fees is not a number: the price now comes from its list" in (
        data.assumptions
    )


def solcast(rows: list[tuple[datetime, float]]) -> dict[str, Any]:
    """Solcast's forecast sensors carry ``detailedForecast``: half-hourly ``{period_start (local),
    pv_estimate, pv_estimate10, pv_estimate90}`` in kW: BJReplay/ha-solcast-solar,
    custom_components/solcast_solar/forecast.py (``get_forecast_day``) at commit
    3dcc4fca08a8cd525f4d4ae5d268b28a2a995975."""
    return {
        "detailedForecast": [
            {"period_start": start.isoformat(), "pv_estimate": kw, "pv_estimate10": kw, "pv_estimate90": kw}
            for start, kw in rows
        ],
        "unit_of_measurement": "kWh",
    }


async def test_negative_pv_is_zero_and_a_nan_row_is_no_pv(hass: HomeAssistant, home: None) -> None:
    """A generic W list saying -1 W at night (Headroom's generic list; it stands for no other
    integration) and a Solcast array with a NaN half-hour: PV is never below 0 nor NaN."""
    midnight = dt_util.start_of_local_day(dt_util.now())
    hours = [midnight + timedelta(hours=h) for h in range(48)]
    hass.states.async_set(
        "sensor.pv_watts",
        "0",
        {
            "unit_of_measurement": "W",
            "forecast": [
                {"start": t.isoformat(), "value": 3000.0 if 10 <= t.hour < 15 else -1.0} for t in hours
            ],
        },
    )
    tomorrow = midnight + timedelta(days=1)
    halves = [tomorrow + timedelta(minutes=30 * k) for k in range(48)]
    hass.states.async_set(
        "sensor.solcast_pv_forecast_forecast_tomorrow",
        "12.5",
        solcast(
            [
                (t, NAN if t.hour == 12 and t.minute == 0 else (2.0 if 10 <= t.hour < 15 else 0.0))
                for t in halves
            ]
        ),
    )
    data = await plan_with(
        hass,
        horizon_hours=36,
        pv_forecast_entity=["sensor.pv_watts", "sensor.solcast_pv_forecast_forecast_tomorrow"],
    )
    assert_finite(data)
    pv = np.asarray(data.problem.pv_kw)
    assert (pv >= 0).all()
    start = data.problem.start

    def at(moment: datetime) -> float:
        return float(pv[int((moment - start).total_seconds() // 900)])

    assert at(tomorrow + timedelta(hours=3)) == 0.0  # -1 W at night is none
    assert at(tomorrow + timedelta(hours=11)) == pytest.approx(5.0)
    assert at(tomorrow + timedelta(hours=12)) == pytest.approx(3.0)  # Solcast's NaN half-hour: no PV from it
    assert at(tomorrow + timedelta(hours=12, minutes=30)) == pytest.approx(5.0)
    assert data.plan.status != "fallback"
    assert "sensor.solcast_pv_forecast_forecast_tomorrow" in data.stale
    assert "sensor.pv_watts" not in data.stale
    assert (
        "1 values in sensor.solcast_pv_forecast_forecast_tomorrow are not numbers: no PV planned for them"
        in data.assumptions
    )


@pytest.mark.parametrize("state", ["unavailable", "unknown"])
async def test_an_unavailable_pv_forecast_is_a_stale_input(
    hass: HomeAssistant, home: None, state: str
) -> None:
    """What HA shows for an entity its integration cannot update: the state and no attributes."""
    hass.states.async_set(
        "sensor.solcast_pv_forecast_forecast_today", state, {"friendly_name": "Forecast today"}
    )
    data = await plan_with(hass, pv_forecast_entity="sensor.solcast_pv_forecast_forecast_today")
    assert "sensor.solcast_pv_forecast_forecast_today" in data.stale
    assert (
        "PV forecast sensor.solcast_pv_forecast_forecast_today is unavailable: no PV planned from it"
        in data.assumptions
    )
    assert "no PV forecast: PV counts as part of the measured load" not in data.assumptions
    assert not np.asarray(data.problem.pv_kw).any()
    assert data.plan.status != "fallback"


async def test_base_load_values_that_are_not_numbers(hass: HomeAssistant) -> None:
    """An hour of history whose mean is NaN is left out; a profile that still holds one is not used
    (the load now is held) and the plan says so."""
    first = dt_util.start_of_local_day(dt_util.now()) - timedelta(days=2)
    hours = {first + timedelta(hours=h): (NAN if h == 5 else INF if h == 6 else 0.5) for h in range(48)}
    profile = profile_from_hours(hours)
    assert profile is not None and profile.hours == 46 and math.isfinite(profile.mean_kw)
    assert all(math.isfinite(v) for v in profile.hourly.values())

    timeline = timeline_for(SITE, dt_util.now())
    hass.states.async_set("sensor.nordpool_kwh_nl_eur", "0.25", {"unit_of_measurement": "EUR/kWh"})
    forecasts = read_forecasts(hass, SITE, Inputs(base_load=BaseLoadProfile(mean_kw=NAN)), timeline)
    assert forecasts.base_load_kw is None
    assert (
        "the base load history has values that are not numbers: the load now is held" in forecasts.assumptions
    )
    assert np.isfinite(forecasts.pv_kw).all() and np.isfinite(forecasts.import_price).all()


async def test_a_forecast_integration_that_gives_nothing_is_a_stale_input(
    hass: HomeAssistant, home: None
) -> None:
    """A PV forecast integration read through its energy platform answers nothing (its API is down):
    the plan names it as stale instead of planning silently without PV."""
    from types import SimpleNamespace

    from pytest_homeassistant_custom_component.common import MockModule, mock_integration, mock_platform

    async def async_get_solar_forecast(hass: HomeAssistant, config_entry_id: str) -> dict[str, Any] | None:
        # Forecast.Solar's energy platform answers None when its entry has no data: HA core
        # homeassistant/components/forecast_solar/energy.py (2025.4.4, as installed here).
        return None

    mock_integration(hass, MockModule("solar_forecast_test"))
    mock_platform(
        hass, "solar_forecast_test.energy", SimpleNamespace(async_get_solar_forecast=async_get_solar_forecast)
    )
    source = MockConfigEntry(domain="solar_forecast_test", title="Roof forecast")
    source.add_to_hass(hass)
    data = await plan_with(hass, pv_forecast_entries=[source.entry_id])
    assert "Roof forecast" in data.stale
    assert any("Roof forecast is unavailable" in a for a in data.assumptions)
