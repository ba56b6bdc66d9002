"""Inputs from the integrations people run, each in that integration's own format: the series the
planner receives (values, units, step alignment, DST), and clear failure when a source breaks."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.models import StatisticMeanType
from homeassistant.components.recorder.statistics import async_import_statistics
from homeassistant.const import MAJOR_VERSION, MINOR_VERSION
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import async_wait_recording_done

from custom_components.headroom.const import DOMAIN
from custom_components.headroom.sources.prices import price_series
from custom_components.headroom.sources.pv import PV_PROVIDERS, energy_points

from .conftest import SITE, charger_subentry, core_nord_pool_sensor

EVENING = "2026-11-22 18:00:00-08:00"


def hourly(day: datetime, value: Any, hours: int = 24) -> list[tuple[datetime, datetime, float]]:
    midnight = dt_util.start_of_local_day(day)
    return [
        (midnight + timedelta(hours=h), midnight + timedelta(hours=h + 1), value(h)) for h in range(hours)
    ]


def profile(h: int) -> float:
    return 0.10 + 0.01 * (h % 24)  # a different price every hour, so misalignment shows


async def planned_prices(hass: HomeAssistant, entity_id: str, **site: Any) -> list[float]:
    entry = MockConfigEntry(domain=DOMAIN, title="Home", data={**SITE, "price_entity": entity_id, **site})
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return [float(v) for v in entry.runtime_data.data.problem.tariff.import_price]


@pytest.fixture
def mock_recorder_before_hass(recorder_db_url: str) -> None:
    """The recorder's database is prepared before ``hass`` starts, as ``recorder_mock`` needs."""


@pytest.fixture(autouse=True)
def _evening(freezer: FrozenDateTimeFactory) -> None:
    freezer.move_to(EVENING)


def expected_at(start: datetime, steps: int, step_minutes: int = 15) -> list[float]:
    """The profile's price at each step, by local hour (tomorrow's too)."""
    return [
        round(profile(dt_util.as_local(start + timedelta(minutes=step_minutes * t)).hour), 6)
        for t in range(steps)
    ]


async def test_entsoe_prices(hass: HomeAssistant, home: None) -> None:
    now = dt_util.now()
    rows = [{"time": s.isoformat(), "price": p} for s, _, p in hourly(now, profile, 48)]
    hass.states.async_set(
        "sensor.entsoe_average_electricity_price",
        "0.28",
        {
            "unit_of_measurement": "EUR/kWh",
            "prices_today": rows[:24],
            "prices_tomorrow": rows[24:],
            "prices": rows,
        },
    )
    prices = await planned_prices(hass, "sensor.entsoe_average_electricity_price")
    start = dt_util.parse_datetime("2026-11-22T18:00:00-08:00")
    assert [round(p, 6) for p in prices] == expected_at(start, 24 * 4)


async def test_epex_spot_in_eur_per_mwh_on_hourly_steps(hass: HomeAssistant, home: None) -> None:
    now = dt_util.now()
    rows = [
        {"start_time": s.isoformat(), "end_time": e.isoformat(), "price_eur_per_mwh": p * 1000}
        for s, e, p in hourly(now, profile, 48)
    ]
    hass.states.async_set(
        "sensor.epex_spot_data_market_price", "280", {"unit_of_measurement": "EUR/MWh", "data": rows}
    )
    prices = await planned_prices(hass, "sensor.epex_spot_data_market_price", step_minutes="60")
    start = dt_util.parse_datetime("2026-11-22T18:00:00-08:00")
    assert [round(p, 6) for p in prices] == expected_at(start, 24, 60)


async def test_energi_data_service_with_forecast(hass: HomeAssistant, home: None) -> None:
    now = dt_util.now()
    rows = [{"hour": s.isoformat(), "price": p} for s, _, p in hourly(now, profile, 48)]
    hass.states.async_set(
        "sensor.energi_data_service",
        "1.2",
        {
            "unit_of_measurement": "kr/kWh",
            "today_min": 0.1,
            "raw_today": rows[:24],
            "raw_tomorrow": [],
            "forecast": rows[24:],
        },
    )
    prices = await planned_prices(hass, "sensor.energi_data_service")
    status = hass.states.get("sensor.home_plan_status")
    assert status.attributes["price_source"].startswith("Energi Data Service, 60-minute prices")
    start = dt_util.parse_datetime("2026-11-22T18:00:00-08:00")
    assert [round(p, 6) for p in prices[: 24 * 4]] == expected_at(start, 24 * 4)


async def test_amber_half_hourly_forecasts(hass: HomeAssistant, home: None) -> None:
    now = dt_util.now()
    midnight = dt_util.start_of_local_day(now)
    forecasts = [
        {
            "duration": 30,
            "per_kwh": round(0.2 + 0.01 * (k % 4), 2),
            "start_time": (midnight + timedelta(minutes=30 * k)).isoformat(),
            "end_time": (midnight + timedelta(minutes=30 * (k + 1))).isoformat(),
            "spike_status": "none",
            "descriptor": "neutral",
        }
        for k in range(96)
    ]
    hass.states.async_set("sensor.amber_general_forecast", "0.2", {"forecasts": forecasts})
    prices = await planned_prices(hass, "sensor.amber_general_forecast")
    # 18:00 is half-hour 36 of the day: 0.20, 0.20, 0.21, 0.21, 0.22, ...
    assert [round(p, 4) for p in prices[:6]] == [0.2, 0.2, 0.21, 0.21, 0.22, 0.22]


async def test_octopus_rates_events_today_and_tomorrow(hass: HomeAssistant, home: None) -> None:
    now = dt_util.now()
    rows = [
        {"start": s.isoformat(), "end": e.isoformat(), "value_inc_vat": p, "is_capped": False}
        for s, e, p in hourly(now, profile, 48)
    ]
    base = "event.octopus_energy_electricity_19l1234567_1610032018_"
    hass.states.async_set(
        base + "current_day_rates",
        "2026-11-22T00:00:00+00:00",
        {"event_type": "octopus_energy_electricity_current_day_rates", "rates": rows[:24]},
    )
    hass.states.async_set(
        base + "next_day_rates",
        "2026-11-22T16:00:00+00:00",
        {"event_type": "octopus_energy_electricity_next_day_rates", "rates": rows[24:]},
    )
    prices = await planned_prices(hass, base + "current_day_rates")
    start = dt_util.parse_datetime("2026-11-22T18:00:00-08:00")
    assert [round(p, 6) for p in prices] == expected_at(start, 24 * 4)


async def test_core_nordpool_prices_from_its_action(hass: HomeAssistant, home: None) -> None:
    """Core Nord Pool's sensors have no forecast: Headroom asks ``nordpool.get_prices_for_date``."""
    source = core_nord_pool_sensor(hass)
    asked: list[dict[str, Any]] = []

    async def get_prices_for_date(call: ServiceCall) -> ServiceResponse:
        asked.append(dict(call.data))
        day = dt_util.parse_datetime(f"{call.data['date']}T12:00:00-08:00")
        assert day is not None
        rows: list[Any] = [
            {"start": dt_util.as_utc(s).isoformat(), "end": dt_util.as_utc(e).isoformat(), "price": p * 1000}
            for s, e, p in hourly(day, profile)
        ]
        return {"SE3": rows, "SE4": [{**r, "price": 9999.0} for r in rows]}

    hass.services.async_register(
        "nordpool", "get_prices_for_date", get_prices_for_date, supports_response=SupportsResponse.ONLY
    )
    prices = await planned_prices(hass, "sensor.nord_pool_se3_current_price")
    assert [a["date"] for a in asked] == ["2026-11-22", "2026-11-23"]
    assert asked[0]["config_entry"] == source.entry_id
    start = dt_util.parse_datetime("2026-11-22T18:00:00-08:00")
    assert [round(p, 6) for p in prices] == expected_at(start, 24 * 4)  # SE3, per MWh -> per kWh


async def test_core_tibber_prices_from_its_action(hass: HomeAssistant, home: None) -> None:
    source = MockConfigEntry(domain="tibber", title="Tibber")
    source.add_to_hass(hass)
    er.async_get(hass).async_get_or_create(
        "sensor", "tibber", "home-price", config_entry=source, suggested_object_id="electricity_price_hjemme"
    )
    hass.states.async_set(
        "sensor.electricity_price_hjemme",
        "0.31",
        {"unit_of_measurement": "NOK/kWh", "friendly_name": "Electricity price Hjemme"},
    )

    async def get_prices(call: ServiceCall) -> ServiceResponse:
        day = dt_util.now()
        rows: list[Any] = [
            {"start_time": s.isoformat(), "price": p, "level": "NORMAL"}
            for s, _, p in hourly(day, profile, 48)
        ]
        return {"prices": {"Hytta": [{**r, "price": 5.0} for r in rows], "Hjemme": rows}}

    hass.services.async_register("tibber", "get_prices", get_prices, supports_response=SupportsResponse.ONLY)
    prices = await planned_prices(hass, "sensor.electricity_price_hjemme")
    start = dt_util.parse_datetime("2026-11-22T18:00:00-08:00")
    assert [round(p, 6) for p in prices] == expected_at(start, 24 * 4)


async def test_fees_and_the_export_rule(hass: HomeAssistant, home: None) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data={
            **SITE,
            "price_multiplier": 1.21,
            "price_offset": 0.1,
            "export_price_factor": 0.8,
            "export_price_fixed": -0.02,
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    tariff = entry.runtime_data.data.problem.tariff
    # 18:00 is a 0.40 hour in the home fixture's prices.
    assert tariff.import_price[0] == pytest.approx(0.40 * 1.21 + 0.1)
    assert tariff.export_price[0] == pytest.approx(0.8 * (0.40 * 1.21 + 0.1) - 0.02)


def test_quarter_hour_prices_average_into_hourly_steps(hass: HomeAssistant) -> None:
    start = dt_util.parse_datetime("2026-11-22T00:00:00+00:00")
    assert start is not None
    rows = [
        {"start": (start + timedelta(minutes=15 * k)).isoformat(), "value": float(k % 4)} for k in range(96)
    ]
    hass.states.async_set("sensor.q", "0", {"raw_today": rows, "unit_of_measurement": "EUR/kWh"})
    series = price_series(hass.states.get("sensor.q"), start, 60, 24)
    assert series is not None and series.values == [1.5] * 24 and series.known_steps == 24


async def test_a_25_hour_day(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """The autumn DST change: 25 hourly prices, 100 quarter-hours, nothing shifted."""
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    freezer.move_to("2026-10-25T00:00:00+02:00")
    midnight = dt_util.parse_datetime("2026-10-24T22:00:00+00:00")  # local midnight, CEST
    assert midnight is not None
    rows = [
        {
            "start": (midnight + timedelta(hours=h)).isoformat(),
            "end": (midnight + timedelta(hours=h + 1)).isoformat(),
            "value": float(h),
        }
        for h in range(25)
    ]
    hass.states.async_set("sensor.dst", "0", {"raw_today": rows, "unit_of_measurement": "EUR/kWh"})
    series = price_series(hass.states.get("sensor.dst"), midnight, 15, 100)
    assert series is not None and series.known_steps == 100
    assert series.values[8:16] == [2.0] * 4 + [3.0] * 4  # 02:00 CEST, then 02:00 CET


async def test_no_forecast_gives_a_status_and_a_repair(hass: HomeAssistant, home: None) -> None:
    hass.states.async_set(
        "sensor.broken_price", "0.25", {"unit_of_measurement": "EUR/kWh", "raw_today": "oops"}
    )
    prices = await planned_prices(hass, "sensor.broken_price")
    assert set(prices) == {0.25}  # held flat, not invented
    status = hass.states.get("sensor.home_plan_status")
    assert status.state == "stale_inputs"
    assert (
        "no price forecast in sensor.broken_price: the price now is held" in status.attributes["assumptions"]
    )
    assert [i for i in ir.async_get(hass).issues.values() if i.translation_key == "price_unavailable"]


async def test_solcast_arrays_add_up_and_the_pessimistic_estimate(hass: HomeAssistant, home: None) -> None:
    tomorrow = dt_util.start_of_local_day(dt_util.now()) + timedelta(days=1)

    def solcast(kw: float) -> dict[str, Any]:
        rows = [
            {
                "period_start": (tomorrow + timedelta(minutes=30 * k)).isoformat(),
                "pv_estimate": kw if 20 <= k < 30 else 0.0,
                "pv_estimate10": kw / 2 if 20 <= k < 30 else 0.0,
                "pv_estimate90": kw,
            }
            for k in range(48)
        ]
        return {"detailedForecast": rows, "unit_of_measurement": "kWh"}

    hass.states.async_set("sensor.solcast_east_forecast_tomorrow", "10", solcast(3.0))
    hass.states.async_set("sensor.solcast_west_forecast_tomorrow", "10", solcast(2.0))
    for pessimistic, expected in ((False, 5.0), (True, 2.5)):
        entry = MockConfigEntry(
            domain=DOMAIN,
            title="Home",
            data={
                **SITE,
                "horizon_hours": 36,
                "pv_pessimistic": pessimistic,
                "pv_forecast_entity": [
                    "sensor.solcast_east_forecast_tomorrow",
                    "sensor.solcast_west_forecast_tomorrow",
                ],
            },
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        pv = hass.states.get("sensor.home_pv_forecast").attributes["forecast"]
        at_noon = [
            p["value"] for p in pv if dt_util.parse_datetime(p["start"]) == tomorrow + timedelta(hours=12)
        ]
        assert at_noon == [expected]
        assert max(p["value"] for p in pv) == expected
        await hass.config_entries.async_remove(entry.entry_id)


def test_energy_platform_forecast_shape() -> None:
    """Open-Meteo Solar Forecast answers ``{"wh_hours": {iso: Wh}}`` with keys that begin their hour: Wh in
    an hour is its mean W (Forecast.Solar's and Solcast's conventions: tests/integration/test_pv_sources.py)."""
    points = energy_points(
        {"wh_hours": {"2026-11-23T11:00:00+01:00": 2500, "2026-11-23T12:00:00+01:00": 3100}},
        PV_PROVIDERS["open_meteo_solar_forecast"].energy_period,
    )
    assert [(p.start.hour, p.price) for p in points] == [(10, 2.5), (11, 3.1)]  # UTC hours, kW


async def test_base_load_from_recorder_history(
    recorder_mock: Recorder, hass: HomeAssistant, home: None
) -> None:
    """Two weeks of the house sensor's statistics, the car's charging taken out: the plan's base load
    is each hour's own level, and the sensor shows it."""
    now = dt_util.now()
    first = dt_util.start_of_local_day(now) - timedelta(days=14)

    def house_kw(moment: datetime) -> float:
        return 1.5 if 17 <= dt_util.as_local(moment).hour < 20 else 0.3

    def stats(value: Any) -> list[Any]:
        out = []
        for h in range(14 * 24):
            start = first + timedelta(hours=h)
            out.append({"start": start, "mean": value(start), "min": value(start), "max": value(start)})
        return out

    def charging_kw(moment: datetime) -> float:
        return 7.0 if dt_util.as_local(moment).hour in (1, 2) else 0.0

    for entity_id, value in (
        ("sensor.house_power", lambda m: 1000 * (house_kw(m) + charging_kw(m))),
        ("sensor.charger_power", lambda m: 1000 * charging_kw(m)),
    ):
        metadata: dict[str, Any] = {
            "mean_type": StatisticMeanType.ARITHMETIC,
            "has_sum": False,
            "name": None,
            "source": "recorder",
            "statistic_id": entity_id,
            "unit_of_measurement": "W",
        }
        if (MAJOR_VERSION, MINOR_VERSION) >= (2025, 11):
            metadata["unit_class"] = "power"  # asked for from Home Assistant 2025.11 on
        async_import_statistics(hass, metadata, stats(value))  # type: ignore[arg-type]
    await async_wait_recording_done(hass)

    entry = MockConfigEntry(domain=DOMAIN, title="Home", data=SITE, subentries_data=[charger_subentry()])
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    forecast = hass.states.get("sensor.home_base_load_forecast").attributes["forecast"]
    by_hour = {dt_util.as_local(dt_util.parse_datetime(p["start"])).hour: p["value"] for p in forecast[1:]}
    assert by_hour[18] == pytest.approx(1.5) and by_hour[3] == pytest.approx(0.3)
    assert by_hour[1] == pytest.approx(0.3)  # the car's 7 kW is not the house's
    assert forecast[0]["value"] == pytest.approx(0.6)  # now: the measured value
    assumptions = hass.states.get("sensor.home_plan_status").attributes["assumptions"]
    assert "base load forecast from history (same weekday and hour, last 4 weeks)" in assumptions
