"""PV forecast integrations as their own code publishes them: the energy platform's ``wh_hours`` with
each provider's period convention (hour-end, hour-start, half-hour), Solcast's sensor attributes with
their real types, and one provider picked twice counted once.

Each fixture names the repository, files and commit it was written from.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    mock_integration,
    mock_platform,
)

from custom_components.headroom.const import DOMAIN
from custom_components.headroom.data import HeadroomData

from .conftest import SITE

SUMMER_MORNING = "2026-06-21 06:00:00+02:00"


@pytest.fixture(autouse=True)
async def _berlin_summer(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    await hass.config.async_set_time_zone("Europe/Berlin")
    freezer.move_to(SUMMER_MORNING)


def at(hhmm: str, day: int = 0) -> datetime:
    """Today's (or a later day's) local time."""
    moment = dt_util.parse_datetime(f"2026-06-{21 + day}T{hhmm}:00+02:00")
    assert moment is not None
    return moment


async def plan_with(hass: HomeAssistant, **site: Any) -> HeadroomData:
    entry = MockConfigEntry(domain=DOMAIN, title="Home", data={**SITE, "horizon_hours": 36, **site})
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    data: HeadroomData = entry.runtime_data.data
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    return data


def pv_at(data: HeadroomData, moment: datetime) -> float:
    """The planned PV (kW) in the step starting at ``moment``."""
    step = int((moment - data.problem.start).total_seconds() // (15 * 60))
    return round(float(data.problem.pv_kw[step]), 4)


def energy_platform(hass: HomeAssistant, domain: str, answer: dict[str, Any], title: str) -> MockConfigEntry:
    """The forecast integration's energy platform answering ``answer`` for its entry, as Home
    Assistant's energy dashboard asks it (``async_get_solar_forecast(hass, entry_id)``)."""

    async def async_get_solar_forecast(hass: HomeAssistant, config_entry_id: str) -> dict[str, Any] | None:
        return answer

    mock_integration(hass, MockModule(domain))
    mock_platform(
        hass, f"{domain}.energy", SimpleNamespace(async_get_solar_forecast=async_get_solar_forecast)
    )
    source = MockConfigEntry(domain=domain, title=title)
    source.add_to_hass(hass)
    return source


# --- Forecast.Solar (core ``forecast_solar``) -------------------------------------------------------
# Written from home-assistant/core 2025.4.4 and 2026.2.3 as installed here,
# homeassistant/components/forecast_solar/energy.py (``{"wh_hours": {timestamp.isoformat(): value for
# timestamp, value in estimate.wh_period.items()}}``), and home-assistant-libs/forecast_solar at
# dfaba0fe397243cbae85b31a71182fa43eaca1f0, src/forecast_solar/models.py (``wh_period`` is the API's
# ``watt_hours_period``) and tests/fixtures/forecast.json: the value at a key is the energy produced since
# the key before, the mean of the two keys' ``watts`` over that time (07:00 holds 89 Wh: 0 W at sunrise
# 06:20:17, 270 W at 07:00, over 40 minutes); a day's keys run from sunrise to sunset, hourly between.

WATTS = {"06:20:17": 0, "07:00": 300, "08:00": 900, "09:00": 1500, "10:00": 2100, "11:00": 2700}
WATTS |= {"12:00": 3000, "13:00": 2400, "14:00": 1800, "15:00": 1200, "16:00": 600, "16:40:05": 0}


def forecast_solar_answer() -> dict[str, Any]:
    keys = [
        (dt_util.parse_datetime(f"2026-06-21T{k if len(k) > 5 else k + ':00'}+02:00"), w)
        for k, w in WATTS.items()
    ]
    wh_period: dict[str, int] = {}
    for i, (key, watts) in enumerate(keys):
        assert key is not None
        if i == 0:
            wh_period[key.isoformat()] = 0
            continue
        previous, previous_watts = keys[i - 1]
        assert previous is not None
        wh_period[key.isoformat()] = round(
            (previous_watts + watts) / 2 * (key - previous).total_seconds() / 3600
        )
    return {"wh_hours": wh_period}


async def test_forecast_solar_keys_end_their_hour(hass: HomeAssistant, home: None) -> None:
    """Forecast.Solar's 13:00 key is the energy of 12:00-13:00: that hour is planned with it (2.7 kW), not
    13:00-14:00; the sunrise key's 40 minutes hold their own mean power, and nothing is an hour late."""
    source = energy_platform(hass, "forecast_solar", forecast_solar_answer(), "Roof")
    data = await plan_with(hass, pv_forecast_entries=[source.entry_id])
    assert pv_at(data, at("12:00")) == pv_at(data, at("12:45")) == 2.7  # (3000 + 2400) / 2 W, 12:00-13:00
    assert pv_at(data, at("13:00")) == 2.1  # 13:00-14:00 is the 14:00 key's
    assert pv_at(data, at("11:00")) == 2.85
    assert pv_at(data, at("06:30")) == pytest.approx(0.15, abs=1e-3)  # 100 Wh over 06:20:17-07:00
    assert pv_at(data, at("16:45")) == 0.0  # after sunset
    assert pv_at(data, at("16:15")) == pytest.approx(0.3, abs=1e-3)  # the sunset key's 40 minutes
    assert not data.stale


# --- Open-Meteo Solar Forecast (rany2/ha-open-meteo-solar-forecast) ---------------------------------
# Written from rany2/ha-open-meteo-solar-forecast at 92e52c1d46585e57d8eb1a14d98e732d1d39f708,
# custom_components/open_meteo_solar_forecast/energy.py (the same ``wh_hours`` shape), and
# rany2/open-meteo-solar-forecast at c222932f7fbecc8db689c4402621b4e69d123e96,
# src/open_meteo_solar_forecast/open_meteo_solar_forecast.py: ``wh_period[hour]`` is the mean of the
# 15-minute powers starting in that hour (the key begins its hour).


async def test_open_meteo_solar_forecast_keys_begin_their_hour(hass: HomeAssistant, home: None) -> None:
    answer = {"wh_hours": {at("12:00").isoformat(): 2700, at("13:00").isoformat(): 2100}}
    source = energy_platform(hass, "open_meteo_solar_forecast", answer, "Roof")
    data = await plan_with(hass, pv_forecast_entries=[source.entry_id])
    assert pv_at(data, at("12:00")) == pv_at(data, at("12:45")) == 2.7
    assert pv_at(data, at("13:00")) == 2.1
    assert pv_at(data, at("11:45")) == 0.0


# --- Solcast (BJReplay/ha-solcast-solar) ------------------------------------------------------------
# Written from BJReplay/ha-solcast-solar at 3dcc4fca08a8cd525f4d4ae5d268b28a2a995975:
# custom_components/solcast_solar/energy.py and forecast.py ``make_energy_dict`` (``wh_hours``:
# ``period_start.isoformat()`` -> ``round(pv_estimate * 500)``, half-hourly, periods without PV left out
# unless next to PV); sensor.py (the "Forecast Today" sensor: unique id "total_kwh_forecast_today",
# translation key the same, device class energy, kWh, on the "Solcast PV Forecast" service device of
# manufacturer "BJReplay", identifiers {("solcast_solar", entry id)}); forecast.py ``get_forecast_day``
# (``detailedForecast``: half-hourly ``{"period_start": datetime (local), "pv_estimate",
# "pv_estimate10", "pv_estimate90"}`` in kW; ``detailedHourly`` the mean of each two).


def solcast_kw(start: datetime) -> float:
    """A half hour's estimate: 4 kW in 12:00-12:30, 1 kW in 12:30-13:00, else none."""
    local = dt_util.as_local(start)
    return {(12, 0): 4.0, (12, 30): 1.0}.get((local.hour, local.minute), 0.0)


def solcast_rows(day: int) -> list[dict[str, Any]]:
    midnight = dt_util.start_of_local_day(at("00:00", day))
    rows = []
    for k in range(48):
        start = dt_util.as_local(midnight + timedelta(minutes=30 * k))
        kw = solcast_kw(start) * (1 + day)  # tomorrow twice today's, so the two days are told apart
        rows.append({"period_start": start, "pv_estimate": kw, "pv_estimate10": kw / 2, "pv_estimate90": kw})
    return rows


def solcast_energy_answer() -> dict[str, Any]:
    rows = solcast_rows(0) + solcast_rows(1)
    return {
        "wh_hours": {
            r["period_start"].isoformat(): round(r["pv_estimate"] * 500)
            for i, r in enumerate(rows)
            if 1 < i < len(rows) - 2
            and (r["pv_estimate"] > 0 or rows[i - 1]["pv_estimate"] > 0 or rows[i + 1]["pv_estimate"] > 0)
        }
    }


def install_solcast_sensor(hass: HomeAssistant, source: MockConfigEntry) -> str:
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=source.entry_id,
        identifiers={("solcast_solar", source.entry_id)},
        name="Solcast PV Forecast",
        manufacturer="BJReplay",
        model="Solcast PV Forecast",
        entry_type=dr.DeviceEntryType.SERVICE,
    )
    entry = er.async_get(hass).async_get_or_create(
        "sensor",
        "solcast_solar",
        "total_kwh_forecast_today",
        config_entry=source,
        device_id=device.id,
        translation_key="total_kwh_forecast_today",
        original_device_class="energy",
        unit_of_measurement="kWh",
        original_name="Forecast Today",
        suggested_object_id="solcast_pv_forecast_forecast_today",
    )
    rows = solcast_rows(0)
    hourly = [
        {
            "period_start": rows[i]["period_start"],
            **{
                k: round((rows[i][k] + rows[i + 1][k]) / 2, 4)
                for k in ("pv_estimate", "pv_estimate10", "pv_estimate90")
            },
        }
        for i in range(0, 48, 2)
    ]
    hass.states.async_set(
        entry.entity_id,
        str(sum(r["pv_estimate"] for r in rows) / 2),
        {
            "dayname": "Sunday",
            "dataCorrect": True,
            "detailedForecast": rows,
            "detailedHourly": hourly,
            "unit_of_measurement": "kWh",
            "device_class": "energy",
        },
    )
    return entry.entity_id


async def test_solcast_energy_platform_half_hours_are_not_smeared(hass: HomeAssistant, home: None) -> None:
    """Solcast's energy platform gives Wh per half hour: 12:00-12:30 is 4 kW and 12:30-13:00 is 1 kW, not
    2.5 kW over the hour, and 13:00 has no PV."""
    source = energy_platform(hass, "solcast_solar", solcast_energy_answer(), "Solcast")
    data = await plan_with(hass, pv_forecast_entries=[source.entry_id])
    assert [pv_at(data, at(t)) for t in ("11:45", "12:00", "12:15", "12:30", "12:45", "13:00")] == [
        0.0,
        4.0,
        4.0,
        1.0,
        1.0,
        0.0,
    ]
    assert pv_at(data, at("12:00", 1)) == 8.0  # tomorrow


async def test_solcast_sensor_and_energy_platform_count_once(hass: HomeAssistant, home: None) -> None:
    """Solcast picked as its "Forecast Today" sensor and as an energy platform is one forecast: today's
    half hours come from the sensor (its pessimistic estimate, as asked), tomorrow's from the energy
    platform, never the two added; the plan says it counted them once."""
    source = energy_platform(hass, "solcast_solar", solcast_energy_answer(), "Solcast")
    sensor = install_solcast_sensor(hass, source)
    assert sensor == "sensor.solcast_pv_forecast_forecast_today"
    data = await plan_with(
        hass, pv_forecast_entries=[source.entry_id], pv_forecast_entity=[sensor], pv_pessimistic=True
    )
    assert [pv_at(data, at(t)) for t in ("12:00", "12:15", "12:30", "13:00")] == [2.0, 2.0, 0.5, 0.0]
    assert pv_at(data, at("12:00", 1)) == 8.0  # tomorrow: only the energy platform has it
    assert (
        "PV forecast of Solcast picked as a sensor and as an energy platform: counted once"
        in data.assumptions
    )


async def test_solcast_hourly_attribute_covers_its_hour(hass: HomeAssistant, home: None) -> None:
    """With only ``detailedHourly`` (the half-hourly breakdown turned off), each row covers its hour."""
    source = MockConfigEntry(domain="solcast_solar", title="Solcast")
    source.add_to_hass(hass)
    sensor = install_solcast_sensor(hass, source)
    state = hass.states.get(sensor)
    assert state is not None
    attributes = {k: v for k, v in state.attributes.items() if k != "detailedForecast"}
    hass.states.async_set(sensor, state.state, attributes)
    data = await plan_with(hass, pv_forecast_entity=[sensor])
    assert [pv_at(data, at(t)) for t in ("11:45", "12:00", "12:45", "13:00")] == [0.0, 2.5, 2.5, 0.0]
