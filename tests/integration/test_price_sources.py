"""Price integrations as their own code publishes them: registry entries (platform, unique id,
translation key, unit) and attributes with their real types, and the prices the plan gets per step.

Each fixture names the repository, files and commit it was written from.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.headroom.const import DOMAIN
from custom_components.headroom.data import HeadroomData

from .conftest import SITE
from .realdevices import Device, Ent, install


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


def general_price(start: datetime) -> float:
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


def install_amber(
    hass: HomeAssistant,
    minutes: int,
    with_price_sensor: bool = True,
    channel: str = "general",
    source: MockConfigEntry | None = None,
) -> tuple[str, str]:
    """Amber's price and forecast sensors of one channel for the interval holding now. The feed-in
    channel's prices are published negated (sensor.py: ``per_kwh * -1``), so earnings read positive:
    here half the general price."""
    if source is None:
        source = MockConfigEntry(domain="amberelectric", title="Home", data={"site_id": AMBER_SITE})
        source.add_to_hass(hass)
    registry = er.async_get(hass)
    title = {"general": "General", "feed_in": "Feed In"}[channel]

    def amber_price(start: datetime) -> float:
        return general_price(start) if channel == "general" else round(general_price(start) / 2, 2)

    now = dt_util.now()
    first = now.replace(minute=now.minute - now.minute % minutes, second=0, microsecond=0)
    count = 24 * 60 // minutes
    current = {
        **amber_interval(first, minutes, amber_price(first)),
        "estimate": True,
        "channel_type": channel,
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
        ("current", f"Home - {title} Price", current["per_kwh"], current),
        (
            "forecasts",
            f"Home - {title} Forecast",
            forecasts[0]["per_kwh"],
            {"forecasts": forecasts, "channel_type": channel},
        ),
    ):
        if key == "current" and not with_price_sensor:
            continue
        entry = registry.async_get_or_create(
            "sensor",
            "amberelectric",
            f"{AMBER_SITE}-{key}-{channel}",
            config_entry=source,
            translation_key=channel,
            unit_of_measurement="$/kWh",
            original_name=name,
            suggested_object_id=name.replace(" - ", " ").replace(" ", "_").lower(),
        )
        hass.states.async_set(entry.entity_id, str(state), {**attributes, "unit_of_measurement": "$/kWh"})
        ids.append(entry.entity_id)
    return ids[0], ids[-1]


async def test_amber_feed_in_forecast_as_the_export_price(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    """Amber's feed-in forecast sensor as the export price: the feed-in price sensor's current interval,
    then its forecasts, for the whole horizon; the general channel of the same site stays the import."""
    await hass.config.async_set_time_zone("Australia/Brisbane")
    freezer.move_to(BRISBANE_MORNING)
    general, _ = install_amber(hass, 30)
    source = hass.config_entries.async_entries("amberelectric")[0]
    _, feed_in = install_amber(hass, 30, channel="feed_in", source=source)
    assert feed_in == "sensor.home_feed_in_forecast"
    data = await plan_with(hass, price_entity=general, export_price_entity=feed_in)
    eight = dt_util.parse_datetime("2026-11-23T08:00:00+10:00")
    assert eight is not None
    steps = [eight + timedelta(minutes=s // 2 * 30) for s in range(96)]
    assert [round(float(v), 6) for v in data.problem.tariff.export_price] == pytest.approx(
        [round(general_price(t) / 2, 2) for t in steps]
    )
    assert prices_of(data) == pytest.approx([general_price(t) for t in steps])
    assert not data.stale


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
    expected = [general_price(eight + timedelta(minutes=s * 15 // minutes * minutes)) for s in range(96)]
    assert prices_of(data) == pytest.approx(expected)  # the step from 08:00, then each quarter hour
    if minutes == 30:  # the forecast sensor's state is 08:30's price, not the price now
        assert prices_of(data)[0] == 0.20 != float(hass.states.get(forecast_sensor).state) == 0.22
    assert data.status != "stale_inputs" and not data.stale, (data.stale, data.assumptions)
    assert not [a for a in data.assumptions if "price" in a], data.assumptions
    assert data.price_description == f"Amber, {minutes}-minute prices, 24 h ahead"
    picked_id = price_sensor if picked == "price" else forecast_sensor
    assert await form_found(hass, picked_id) == f"Amber, {minutes}-minute prices, 24 h ahead"


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
        [general_price(eight + timedelta(minutes=s // 2 * 30)) for s in range(2, 96)]
    )
    assert prices[:2] == [0.22] * 2  # the state (08:30's price): the only price it has for now
    assert forecast_sensor not in data.stale


async def form_found(hass: HomeAssistant, price_entity: str) -> str:
    """What the site form says it found in the price entity (its confirm step)."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": config_entries.SOURCE_USER})
    form = {"name": "Home", "main_fuse_a": 25, "phase_count": "3", "price_entity": price_entity}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form)
    assert result["type"] is FlowResultType.FORM and result["step_id"] == "confirm", result.get("errors")
    found: str = result["description_placeholders"]["found"]
    return found


def quarter_price(moment: datetime) -> float:
    """A price in main currency per kWh, different every local quarter hour of the day."""
    local = dt_util.as_local(moment)
    return round(0.10 + 0.001 * (local.hour * 4 + local.minute // 15), 4)


def expected_from(start: datetime, steps: int = 96) -> list[float]:
    return [quarter_price(start + timedelta(minutes=15 * s)) for s in range(steps)]


EVENING = "2026-11-22 18:00:00+01:00"


# --- Nord Pool (HACS, custom-components/nordpool) ---------------------------------------------------
# Written from custom-components/nordpool at 1eaa2490943bb41a2e322e9349ba2d7c6746a94b,
# custom_components/nordpool/sensor.py and const.py: domain "nordpool" (the same as core's), the
# sensor's unique id and name "nordpool_<price type>_<area>_<currency>_<precision>_<low price cutoff>_<vat>"
# lower-cased without dots, a device of its own (identifiers {("nordpool", unique id)}, manufacturer
# "nordpool"), device class monetary; with ``price_in_cents`` the unit is "Öre/kWh" (SEK), "Øre/kWh"
# (DKK, NOK) or "c/kWh" (EUR); ``raw_today``/``raw_tomorrow`` are lists of ``{"start": datetime,
# "end": datetime, "value": float | None}`` in the sensor's unit, with local datetimes
# (``dt_utils.as_local``); a value the API gives as infinite is None.

NORDPOOL_ID = "nordpool_kwh_se3_sek_3_10_025"
PRICE_IN = {"kWh": 1000, "MWh": 1, "Wh": 1000 * 1000}  # const.py ``_PRICE_IN``: the API's EUR/MWh divided by
CENTS = {"DKK": "Øre", "NOK": "Øre", "SEK": "Öre", "EUR": "c"}  # const.py ``_CURRENTY_TO_CENTS``


def install_hacs_nordpool(
    hass: HomeAssistant,
    currency: str = "SEK",
    price_type: str = "kWh",
    in_cents: bool = True,
    precision: int = 3,
) -> tuple[str, float]:
    """HACS Nord Pool's sensor; returns its entity id and the factor from its unit to currency per kWh."""
    midnight = dt_util.start_of_local_day(dt_util.now())
    scale = 1000 / PRICE_IN[price_type] * (100.0 if in_cents else 1.0)
    rows = [
        {
            "start": dt_util.as_local(midnight + timedelta(minutes=15 * k)),
            "end": dt_util.as_local(midnight + timedelta(minutes=15 * (k + 1))),
            "value": round(quarter_price(midnight + timedelta(minutes=15 * k)) * scale, precision),
        }
        for k in range(2 * 96)
    ]
    today, tomorrow = rows[:96], rows[96:]
    now = next(r["value"] for r in today if r["start"] <= dt_util.now() < r["end"])
    unit = f"{CENTS[currency] if in_cents else currency}/{price_type}"
    unique_id = f"nordpool_{price_type}_se3_{currency}_{precision}_10_025".lower()
    installed = install(
        hass,
        "nordpool",
        [Device(key="main", name=unique_id, identifiers=(("nordpool", unique_id),), manufacturer="nordpool")],
        [
            Ent(
                domain="sensor",
                object_id=unique_id,
                unique_id=unique_id,
                name=unique_id,
                state=now,
                device_class="monetary",
                unit=unit,
                attributes={
                    "unit": price_type,
                    "currency": currency,
                    "country": "Sweden",
                    "region": "SE3",
                    "today": [r["value"] for r in today],
                    "tomorrow": [r["value"] for r in tomorrow],
                    "tomorrow_valid": True,
                    "raw_today": today,
                    "raw_tomorrow": tomorrow,
                    "current_price": now,
                    "price_in_cents": in_cents,
                },
            )
        ],
    )
    return installed.entity_ids[0], 1 / scale


async def test_hacs_nord_pool_in_ore_with_datetime_rows(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    """HACS Nord Pool's quarter-hour prices in öre, rows with datetime objects: planned in kronor per
    kWh at the right quarter hours, said to be HACS Nord Pool's own list (not core's action), and never
    asked of an action."""
    await hass.config.async_set_time_zone("Europe/Stockholm")
    freezer.move_to(EVENING)
    entity_id, _ = install_hacs_nordpool(hass)
    assert entity_id == f"sensor.{NORDPOOL_ID}"
    assert await form_found(hass, entity_id) == "Nord Pool (HACS), 15-minute prices, 30 h ahead"
    data = await plan_with(hass, price_entity=entity_id)
    start = dt_util.parse_datetime("2026-11-22T18:00:00+01:00")
    assert start is not None
    assert prices_of(data) == pytest.approx(expected_from(start))
    assert data.price_description == "Nord Pool (HACS), 15-minute prices, 30 h ahead"
    assert not data.stale


@pytest.mark.parametrize(
    ("currency", "price_type", "in_cents", "precision", "unit"),
    [
        ("EUR", "MWh", False, 3, "EUR/MWh"),
        ("EUR", "kWh", True, 3, "c/kWh"),
        ("NOK", "Wh", True, 6, "Øre/Wh"),
        ("DKK", "kWh", False, 3, "DKK/kWh"),
    ],
)
async def test_hacs_nord_pool_units_plan_the_same_prices(
    hass: HomeAssistant,
    home: None,
    freezer: FrozenDateTimeFactory,
    currency: str,
    price_type: str,
    in_cents: bool,
    precision: int,
    unit: str,
) -> None:
    """Every unit HACS Nord Pool can be set to (price type MWh, kWh or Wh, in cents or not) plans in the
    main currency per kWh, never 100 or 1000 times off."""
    await hass.config.async_set_time_zone("Europe/Stockholm")
    freezer.move_to(EVENING)
    entity_id, factor = install_hacs_nordpool(hass, currency, price_type, in_cents, precision)
    state = hass.states.get(entity_id)
    assert state is not None and state.attributes["unit_of_measurement"] == unit
    data = await plan_with(hass, price_entity=entity_id)
    start = dt_util.parse_datetime("2026-11-22T18:00:00+01:00")
    assert start is not None
    published = [round(p / factor, precision) * factor for p in expected_from(start)]  # as the sensor rounds
    assert prices_of(data) == pytest.approx(published, abs=1e-6)
    assert max(prices_of(data)) < 0.25


# --- Energi Data Service (MTrab/energidataservice) --------------------------------------------------
# Written from MTrab/energidataservice at 8584122ef56681acdf372afa49cffe4ac0c1fa2a,
# custom_components/energidataservice/sensor.py and const.py: the unit is
# "<currency cent>/<price type>" with the "in cent" option (cent names "Øre" for DKK and NOK, "Öre" for
# SEK, "c" for EUR, "¢" for USD) else "<currency>/<price type>", price type MWh, kWh or Wh;
# ``raw_today``/``raw_tomorrow`` are lists of ``{"hour": datetime, "price": float}`` (no end; 15- or
# 60-minute intervals), ``forecast`` (Carnot's prediction, when enabled) the same shape; ``today_min``
# is a ``{"hour", "price"}`` dict; ``raw_tomorrow`` is None before tomorrow's prices are out.


def install_energi_data_service(hass: HomeAssistant, unit: str, scale: float, with_tomorrow: bool) -> str:
    midnight = dt_util.start_of_local_day(dt_util.now())

    def rows(first: int, count: int, minutes: int, offset: float = 0.0) -> list[dict[str, Any]]:
        return [
            {
                "hour": midnight + timedelta(minutes=minutes * k),
                "price": round(
                    (quarter_price(midnight + timedelta(minutes=minutes * k)) + offset) * scale, 6
                ),
            }
            for k in range(first, first + count)
        ]

    today = rows(0, 96, 15)
    tomorrow = rows(96, 96, 15) if with_tomorrow else None
    # Carnot predicts hourly from tomorrow on, a little off the real prices where both exist.
    forecast = rows(24, 48, 60, offset=0.05)
    now = next(r["price"] for r in today if r["hour"] <= dt_util.now() < r["hour"] + timedelta(minutes=15))
    installed = install(
        hass,
        "energidataservice",
        [Device(key="main", name="Energi Data Service", identifiers=(("energidataservice", "eds_dk1"),))],
        [
            Ent(
                domain="sensor",
                object_id="energi_data_service_dk1",
                unique_id="energi_data_service_01jabc",
                state=now,
                unit=unit,
                attributes={
                    "current_price": now,
                    "unit": unit.split("/")[1],
                    "currency": "DKK",
                    "region": "West of the great belt",
                    "region_code": "DK1",
                    "tomorrow_valid": with_tomorrow,
                    "today": [r["price"] for r in today],
                    "raw_today": today,
                    "raw_tomorrow": tomorrow,
                    "today_min": min(today, key=lambda r: r["price"]),
                    "forecast": forecast,
                    "use_cent": unit.startswith("Øre"),
                },
            )
        ],
    )
    return installed.entity_ids[0]


@pytest.mark.parametrize(
    ("unit", "scale"), [("DKK/kWh", 1.0), ("Øre/kWh", 100.0), ("DKK/MWh", 1000.0), ("Øre/Wh", 0.1)]
)
async def test_energi_data_service_units_and_real_prices_before_carnot(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory, unit: str, scale: float
) -> None:
    """Every unit Energi Data Service publishes plans the same kroner per kWh; tomorrow's real prices win
    over Carnot's prediction of them, and past them the prediction is used."""
    await hass.config.async_set_time_zone("Europe/Copenhagen")
    freezer.move_to(EVENING)
    entity_id = install_energi_data_service(hass, unit, scale, with_tomorrow=True)
    data = await plan_with(hass, price_entity=entity_id)
    start = dt_util.parse_datetime("2026-11-22T18:00:00+01:00")
    assert start is not None
    assert prices_of(data) == pytest.approx(
        expected_from(start), abs=1e-6
    )  # real prices, not Carnot's + 0.05
    assert data.price_description.startswith("Energi Data Service, 15-minute prices")


async def test_energi_data_service_carnot_fills_tomorrow_before_it_is_out(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    await hass.config.async_set_time_zone("Europe/Copenhagen")
    freezer.move_to(EVENING)
    entity_id = install_energi_data_service(hass, "DKK/kWh", 1.0, with_tomorrow=False)
    data = await plan_with(hass, price_entity=entity_id)
    prices = prices_of(data)
    start = dt_util.parse_datetime("2026-11-22T18:00:00+01:00")
    assert start is not None
    assert prices[:24] == pytest.approx(expected_from(start, 24))  # today, real: till midnight
    tomorrow = dt_util.parse_datetime("2026-11-23T00:00:00+01:00")
    assert tomorrow is not None
    hourly = [quarter_price(tomorrow + timedelta(hours=h)) + 0.05 for h in range(18)]
    assert prices[24:] == pytest.approx([p for p in hourly for _ in range(4)])  # Carnot, hourly
    assert not [a for a in data.assumptions if "prices known for" in a]


def hourly_price(moment: datetime) -> float:
    local = dt_util.as_local(moment)
    return round(0.10 + 0.01 * local.hour, 4)


def hourly_expected(start: datetime, steps: int = 96) -> list[float]:
    return [hourly_price(start + timedelta(minutes=15 * s)) for s in range(steps)]


# --- Zonneplan (fsaris/home-assistant-zonneplan-one) ------------------------------------------------
# Written from fsaris/home-assistant-zonneplan-one at bcc3b9b20555eeb9e7af9e91b4b7d7551a8add3f,
# custom_components/zonneplan_one/const.py (ELECTRICITY_PRICES sensors, value_factor 0.0000001, unit
# "€/kWh", the ``forecast`` attribute), sensor.py (entity id "sensor.zonneplan_<sensor key>", unique id
# "<connection uuid>_<sensor key>", a device per contract, manufacturer "Zonneplan") and
# coordinators/electricity_prices_data_coordinator.py: the quarter-hourly and hourly sensors' ``forecast``
# is the API's chart series as it comes, ``{"start_date": ISO string, "end_date": ISO string,
# "price_tax_included": {"amount": int}, "price_tax_excluded": {"amount": int}, "sustainability_score":
# {"permille": int}, "tariff_group": str}`` with amounts in 10^-7 EUR per kWh; the deprecated
# "current electricity tariff" sensor's ``forecast`` is ``{"datetime": datetime, "electricity_price": int,
# "electricity_price_excl_tax": int, "sustainability_score": int, "tariff_group": str}`` per hour.

ZONNEPLAN_CONNECTION = "8a7b6c5d-0000-4000-8000-123456789abc"


def install_zonneplan(hass: HomeAssistant, sensor_key: str) -> str:
    midnight = dt_util.start_of_local_day(dt_util.now())
    legacy = sensor_key == "current_electricity_tariff"
    minutes = 15 if sensor_key == "current_quarter_hourly_electricity_tariff" else 60
    forecast: list[dict[str, Any]] = []
    for k in range(2 * 24 * 60 // minutes):
        start = midnight + timedelta(minutes=minutes * k)
        price = quarter_price(start) if minutes == 15 else hourly_price(start)
        amount = round(price * 10_000_000)
        if legacy:
            forecast.append(
                {
                    "datetime": dt_util.as_utc(start),
                    "electricity_price": amount,
                    "electricity_price_excl_tax": round(amount / 1.21),
                    "sustainability_score": 812,
                    "tariff_group": "normal",
                }
            )
        else:
            forecast.append(
                {
                    "start_date": dt_util.as_utc(start).isoformat(),
                    "end_date": dt_util.as_utc(start + timedelta(minutes=minutes)).isoformat(),
                    "price_tax_included": {"amount": amount},
                    "price_tax_excluded": {"amount": round(amount / 1.21)},
                    "sustainability_score": {"permille": 812},
                    "tariff_group": "normal",
                }
            )
    now = dt_util.now()
    current = quarter_price(now) if minutes == 15 else hourly_price(now)
    installed = install(
        hass,
        "zonneplan_one",
        [
            Device(
                key="main",
                name="Zonneplan Energie",
                identifiers=(("zonneplan_one", "contract-uuid"),),
                manufacturer="Zonneplan",
            )
        ],
        [
            Ent(
                domain="sensor",
                object_id=f"zonneplan_{sensor_key}",
                unique_id=f"{ZONNEPLAN_CONNECTION}_{sensor_key}",
                translation_key=sensor_key,
                state=current,
                unit="€/kWh",
                attributes={"forecast": forecast},
            )
        ],
        title="Zonneplan",
    )
    return installed.entity_ids[0]


@pytest.mark.parametrize(
    "sensor_key",
    [
        "current_quarter_hourly_electricity_tariff",
        "current_hourly_electricity_tariff",
        "current_electricity_tariff",
    ],
)
async def test_zonneplan_prices_in_its_own_amounts(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory, sensor_key: str
) -> None:
    """Zonneplan's forecast (amounts of 10^-7 EUR, nested in ``price_tax_included``; or the deprecated
    sensor's hourly rows) plans in EUR per kWh at the right quarter hours, labelled Zonneplan."""
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    freezer.move_to(EVENING)
    entity_id = install_zonneplan(hass, sensor_key)
    assert entity_id == f"sensor.zonneplan_{sensor_key}"
    data = await plan_with(hass, price_entity=entity_id)
    start = dt_util.parse_datetime("2026-11-22T18:00:00+01:00")
    assert start is not None
    quarterly = sensor_key == "current_quarter_hourly_electricity_tariff"
    assert prices_of(data) == pytest.approx(expected_from(start) if quarterly else hourly_expected(start))
    assert data.price_description.startswith(f"Zonneplan, {15 if quarterly else 60}-minute prices")
    assert not data.stale
    assert await form_found(hass, entity_id) == data.price_description


# --- Frank Energie (HiDiHo01/home-assistant-frank_energie) ------------------------------------------
# Written from HiDiHo01/home-assistant-frank_energie at a9aa41ac3755cfd48741bb13370254900fe6ddbd,
# custom_components/frank_energie/sensor.py (key "elec_markup", translation key
# "current_electricity_price", unit "€/kWh", device class monetary, unique id "<entry unique id>.<key>",
# the "Prices" service device, attribute ``prices``) and const.py; the rows from HiDiHo01/python-frank-energie
# at b8a8fde2e1b75012673dc2653dc62acbf8ebaa2a, python_frank_energie/models.py ``asdict``:
# ``{"from": datetime, "till": datetime, "price": float}`` in Europe/Amsterdam time, price rounded to 3.


def install_frank_energie(hass: HomeAssistant) -> str:
    amsterdam = dt_util.get_time_zone("Europe/Amsterdam")
    midnight = dt_util.start_of_local_day(dt_util.now())
    rows = [
        {
            "from": (midnight + timedelta(minutes=15 * k)).astimezone(amsterdam),
            "till": (midnight + timedelta(minutes=15 * (k + 1))).astimezone(amsterdam),
            "price": round(quarter_price(midnight + timedelta(minutes=15 * k)), 3),
        }
        for k in range(2 * 96)
    ]
    installed = install(
        hass,
        "frank_energie",
        [
            Device(
                key="main",
                name="Frank Energie - Electricity Prices",
                identifiers=(("frank_energie", "01JFRANKENTRY"),),
                manufacturer="Frank Energie",
            )
        ],
        [
            Ent(
                domain="sensor",
                object_id="frank_energie_electricity_prices_current_electricity_price_all_in",
                unique_id="12345678.elec_markup",
                translation_key="current_electricity_price",
                device_class="monetary",
                state=round(quarter_price(dt_util.now()), 3),
                unit="€/kWh",
                attributes={"prices": rows},
            )
        ],
    )
    return installed.entity_ids[0]


async def test_frank_energie_read_with_its_own_label(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    """Frank Energie's ``prices`` (``from``/``till`` datetimes) plan at the right quarter hours and are
    said to be Frank Energie's, not ENTSO-e's (both call the list ``prices``)."""
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    freezer.move_to(EVENING)
    entity_id = install_frank_energie(hass)
    data = await plan_with(hass, price_entity=entity_id)
    start = dt_util.parse_datetime("2026-11-22T18:00:00+01:00")
    assert start is not None
    assert prices_of(data) == pytest.approx([round(p, 3) for p in expected_from(start)])
    assert data.price_description == "Frank Energie, 15-minute prices, 30 h ahead"
    assert await form_found(hass, entity_id) == "Frank Energie, 15-minute prices, 30 h ahead"


# --- aWATTar, through EPEX Spot (mampfes/ha_epex_spot) ----------------------------------------------
# aWATTar's prices reach Home Assistant through the EPEX Spot integration's "Awattar" source (the
# openkfw/smartenergy.awattar integration has no price state: its state is ``True``). Written from
# mampfes/ha_epex_spot at 886e49e7a56d4b68a5ba145cb5ce98bb1f2f20a6: config_flow.py (entry title
# "<source> (<area>)", data {"source": "Awattar", "market_area": "de"}, unique id "epex_spot <source>
# <area>"), __init__.py (EpexSpotEntity: unique id "<entry unique id> <key>", has_entity_name, device "EPEX
# Spot Data" from manufacturer "Awattar API V1"), sensor.py (the market price sensor: unit "€/kWh",
# ``data`` of ``{"start_time": ISO string, "end_time": ISO string, "price_per_kwh": float}`` in local
# time), EPXSpot/Awattar/__init__.py (EUR/MWh from the API / 1000, hourly, from yesterday's midnight).


def install_epex_awattar(hass: HomeAssistant) -> str:
    midnight = dt_util.start_of_local_day(dt_util.now()) - timedelta(days=1)
    rows = [
        {
            "start_time": dt_util.as_local(midnight + timedelta(hours=h)).isoformat(),
            "end_time": dt_util.as_local(midnight + timedelta(hours=h + 1)).isoformat(),
            "price_per_kwh": hourly_price(midnight + timedelta(hours=h)),
        }
        for h in range(72)
    ]
    now = hourly_price(dt_util.now())
    installed = install(
        hass,
        "epex_spot",
        [
            Device(
                key="main",
                name="EPEX Spot Data",
                identifiers=(("epex_spot", "Awattar API V1 de"),),
                manufacturer="Awattar API V1",
                model="de",
            )
        ],
        [
            Ent(
                domain="sensor",
                object_id="epex_spot_data_market_price",
                unique_id="epex_spot Awattar de MarketPrice",
                name="Market Price",
                state=now,
                unit="€/kWh",
                attributes={"data": rows, "price_per_kwh": now},
            )
        ],
        title="Awattar (de)",
    )
    hass.config_entries.async_update_entry(installed.entry, data={"source": "Awattar", "market_area": "de"})
    return installed.entity_ids[0]


async def test_awattar_through_epex_spot(
    hass: HomeAssistant, home: None, freezer: FrozenDateTimeFactory
) -> None:
    await hass.config.async_set_time_zone("Europe/Berlin")
    freezer.move_to(EVENING)
    entity_id = install_epex_awattar(hass)
    data = await plan_with(hass, price_entity=entity_id)
    start = dt_util.parse_datetime("2026-11-22T18:00:00+01:00")
    assert start is not None
    assert prices_of(data) == pytest.approx(hourly_expected(start))
    assert data.price_description == "EPEX Spot (Awattar), 60-minute prices, 30 h ahead"
    assert not data.stale
