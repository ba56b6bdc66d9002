"""Price integrations as their own code publishes them: registry entries (platform, unique id,
translation key, unit) and attributes with their real types, and the prices the plan gets per step.

Each fixture names the repository, files and commit it was written from.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.headroom.const import DOMAIN
from custom_components.headroom.data import HeadroomData

from .conftest import SITE


async def plan_with(hass: HomeAssistant, **site: Any) -> HeadroomData:
    """Set up an entry with these site settings, take its first plan, remove it."""
    entry = MockConfigEntry(domain=DOMAIN, title="Home", data={**SITE, **site})
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    data: HeadroomData = entry.runtime_data.data
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    return data


def prices_of(data: HeadroomData) -> list[float]:
    return [round(float(v), 6) for v in data.problem.tariff.import_price]


# --- Amber Electric (core ``amberelectric``) --------------------------------------------------------
# Written from home-assistant/core 2025.4.4 and 2026.2.3 as installed here (.venv, .venv-ha2026),
# homeassistant/components/amberelectric/sensor.py and coordinator.py: the coordinator asks
# ``get_current_prices(site_id, next=48)`` (2025.4.4: 30-minute intervals, 24 h) or ``next=288``
# (2026.2.3: 5-minute intervals, 24 h); the price sensor (unique id "<site>-current-<channel>",
# translation key the channel, unit "$/kWh") is the current interval, its attributes that interval's
# ``start_time``/``end_time``/``per_kwh`` as ISO strings; the forecast sensor ("<site>-forecasts-<channel>")
# has the intervals *after* the current one in ``forecasts`` and the first of them as its state. Neither
# has a device. Amber's API starts an interval one second after the previous one ends
# (madpilot/amberelectric.py tests/test_api.py: startTime "...02:00:01Z", endTime "...02:30:00Z").

AMBER_SITE = "01FG2K6V5TB6X9W0EWPPMZD6MJ"  # core's tests/components/amberelectric/helpers.py site id
BRISBANE_MORNING = "2026-11-23 08:07:00+10:00"


def amber_price(start: datetime) -> float:
    """The price of the interval starting at ``start``: different every quarter hour from 08:00, so a
    shift shows."""
    quarter = int((start - dt_util.parse_datetime(BRISBANE_MORNING).replace(minute=0)).total_seconds() // 900)
    return round(0.20 + 0.01 * (quarter % 7), 2)


def amber_interval(start: datetime, minutes: int, price: float) -> dict[str, Any]:
    end = start + timedelta(minutes=minutes)
    return {
        "duration": minutes,
        "date": dt_util.as_local(start).date().isoformat(),
        "nem_date": end.astimezone(dt_util.get_time_zone("Australia/Brisbane")).isoformat(),
        "per_kwh": price,
        "spot_per_kwh": round(price / 3, 2),
        "start_time": dt_util.as_utc(start + timedelta(seconds=1)).isoformat(),
        "end_time": dt_util.as_utc(end).isoformat(),
        "renewables": 45,
        "spike_status": "none",
    }


def install_amber(hass: HomeAssistant, minutes: int, with_price_sensor: bool = True) -> tuple[str, str]:
    """Amber's general-channel price and forecast sensors for the interval holding now."""
    source = MockConfigEntry(domain="amberelectric", title="Home", data={"site_id": AMBER_SITE})
    source.add_to_hass(hass)
    registry = er.async_get(hass)
    now = dt_util.now()
    first = now.replace(minute=now.minute - now.minute % minutes, second=0, microsecond=0)
    count = 24 * 60 // minutes
    current = {
        **amber_interval(first, minutes, amber_price(first)),
        "estimate": True,
        "channel_type": "general",
    }
    forecasts = [
        {
            **amber_interval(
                first + k * timedelta(minutes=minutes),
                minutes,
                amber_price(first + k * timedelta(minutes=minutes)),
            ),
            "descriptor": "low",
        }
        for k in range(1, count + 1)
    ]
    ids = []
    for key, name, state, attributes in (
        ("current", "Home - General Price", current["per_kwh"], current),
        (
            "forecasts",
            "Home - General Forecast",
            forecasts[0]["per_kwh"],
            {"forecasts": forecasts, "channel_type": "general"},
        ),
    ):
        if key == "current" and not with_price_sensor:
            continue
        entry = registry.async_get_or_create(
            "sensor",
            "amberelectric",
            f"{AMBER_SITE}-{key}-general",
            config_entry=source,
            translation_key="general",
            unit_of_measurement="$/kWh",
            original_name=name,
            suggested_object_id=name.replace(" - ", " ").replace(" ", "_").lower(),
        )
        hass.states.async_set(entry.entity_id, str(state), {**attributes, "unit_of_measurement": "$/kWh"})
        ids.append(entry.entity_id)
    return ids[0], ids[-1]


@pytest.mark.parametrize("minutes", [30, 5], ids=["30-minute (2025.4.4)", "5-minute (2026.2.3)"])
@pytest.mark.parametrize("picked", ["price", "forecast"])
async def test_amber_price_now_and_forecasts_read_as_a_full_horizon(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory, minutes: int, picked: str
) -> None:
    """Either Amber sensor gives 24 h of prices: the current interval from the price sensor, then the
    forecasts; the plan is not "stale" and holds no price flat. The forecast sensor's state (the next
    interval's price) is not taken for the price now."""
    await hass.config.async_set_time_zone("Australia/Brisbane")
    freezer.move_to(BRISBANE_MORNING)
    price_sensor, forecast_sensor = install_amber(hass, minutes)
    assert (price_sensor, forecast_sensor) == ("sensor.home_general_price", "sensor.home_general_forecast")
    data = await plan_with(hass, price_entity=price_sensor if picked == "price" else forecast_sensor)

    eight = dt_util.parse_datetime("2026-11-23T08:00:00+10:00")
    assert eight is not None
    expected = [amber_price(eight + timedelta(minutes=s * 15 // minutes * minutes)) for s in range(96)]
    assert prices_of(data) == pytest.approx(expected)  # the step from 08:00, then each quarter hour
    if minutes == 30:  # the forecast sensor's state is 08:30's price, not the price now
        assert prices_of(data)[0] == 0.20 != float(hass.states.get(forecast_sensor).state) == 0.22
    assert data.status != "stale_inputs" and not data.stale, (data.stale, data.assumptions)
    assert not [a for a in data.assumptions if "price" in a], data.assumptions
    assert data.price_description.startswith("Amber, ")


async def test_amber_forecast_sensor_alone_holds_its_state_until_the_first_forecast(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    """Without the price sensor, the forecast sensor's list still reads as a forecast (not "no forecast"):
    its own state covers the few minutes before the first listed interval."""
    await hass.config.async_set_time_zone("Australia/Brisbane")
    freezer.move_to(BRISBANE_MORNING)
    _, forecast_sensor = install_amber(hass, 30, with_price_sensor=False)
    data = await plan_with(hass, price_entity=forecast_sensor)
    prices = prices_of(data)
    eight = dt_util.parse_datetime("2026-11-23T08:00:00+10:00")
    assert eight is not None
    assert prices[2:] == pytest.approx(
        [amber_price(eight + timedelta(minutes=s // 2 * 30)) for s in range(2, 96)]
    )
    assert prices[:2] == [0.22] * 2  # the state (08:30's price): the only price it has for now
    assert forecast_sensor not in data.stale
