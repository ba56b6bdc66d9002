"""Price integrations, as data: how each lays out its prices in its entities' attributes, read from its
own code (``sources/prices.py`` reads them; the README's table lists them).

``platform`` is the integration's domain as the entity registry names it (the surest sign of a
layout); ``marker`` an attribute only this layout has, for entities outside the registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from . import Profile, Source

PRICE: Final = "price"


@dataclass(frozen=True, kw_only=True)
class PriceFormat:
    """How one price integration lays out its prices.

    ``attributes`` hold price lists, the first one winning where two cover the same time (real prices
    before a prediction). ``values``: the row keys (a dotted path reaches into a nested dict) with the
    factor to currency/kWh each implies whatever the entity's unit (None: the unit's factor; no
    ``values``: the generic keys). ``state_is_next``: the state is the next interval's price, not the
    price now (Amber's forecast sensor). ``interval_in_attributes``: the state's own attributes hold the
    current interval (Amber's price sensor). ``entry_label``: the config-entry data key that names the
    upstream source (EPEX Spot's ``source``). ``marker_with_platform``: the marker is needed even where
    the platform matches (HACS Nord Pool shares core Nord Pool's domain; core's sensors have no list).
    """

    name: str
    attributes: tuple[str, ...]
    marker: str = ""
    platform: str | None = None
    values: tuple[tuple[str, float | None], ...] = ()
    state_is_next: bool = False
    interval_in_attributes: bool = False
    entry_label: str | None = None
    marker_with_platform: bool = False
    source: Source | None = None
    reads: str = ""
    limits: str = ""


ZONNEPLAN_AMOUNT: Final = 1e-7  # Zonneplan's amounts are 10^-7 EUR per kWh (its sensors' value_factor)

FORMATS: Final = (
    PriceFormat(
        name="Energi Data Service",
        attributes=("raw_today", "raw_tomorrow", "forecast"),
        marker="today_min",
        platform="energidataservice",
        source=Source(
            repo="MTrab/energidataservice",
            commit="8584122ef56681acdf372afa49cffe4ac0c1fa2a",
            paths=(
                "custom_components/energidataservice/sensor.py",
                "custom_components/energidataservice/const.py",
            ),
        ),
        reads="raw_today/raw_tomorrow ({hour: datetime, price}), then Carnot's forecast; units DKK/øre per MWh, kWh, Wh",
        limits="Carnot's prediction only where no real price covers the time",
    ),
    PriceFormat(
        name="Nord Pool (HACS)",
        attributes=("raw_today", "raw_tomorrow"),
        marker="raw_today",
        platform="nordpool",
        marker_with_platform=True,
        source=Source(
            repo="custom-components/nordpool",
            commit="1eaa2490943bb41a2e322e9349ba2d7c6746a94b",
            paths=("custom_components/nordpool/sensor.py", "custom_components/nordpool/const.py"),
        ),
        reads="raw_today/raw_tomorrow ({start, end: datetime, value}); Öre/Øre/c with price_in_cents; "
        "core Nord Pool's sensors through nordpool.get_prices_for_date",
        limits="A row the API gives as infinite (None) is a gap",
    ),
    PriceFormat(
        name="Frank Energie",
        attributes=("prices",),
        platform="frank_energie",
        source=Source(
            repo="HiDiHo01/home-assistant-frank_energie + HiDiHo01/python-frank-energie",
            commit="a9aa41ac3755cfd48741bb13370254900fe6ddbd",
            paths=("custom_components/frank_energie/sensor.py", "python_frank_energie/models.py@b8a8fde"),
        ),
        reads="the price sensors' prices ({from, till: datetime, price}, €/kWh)",
        limits="Recognised by its registry entry (its list is named like ENTSO-e's)",
    ),
    PriceFormat(
        name="Zonneplan",
        attributes=("forecast",),
        platform="zonneplan_one",
        values=(("price_tax_included.amount", ZONNEPLAN_AMOUNT), ("electricity_price", ZONNEPLAN_AMOUNT)),
        source=Source(
            repo="fsaris/home-assistant-zonneplan-one",
            commit="bcc3b9b20555eeb9e7af9e91b4b7d7551a8add3f",
            paths=(
                "custom_components/zonneplan_one/const.py",
                "custom_components/zonneplan_one/sensor.py",
                "custom_components/zonneplan_one/coordinators/electricity_prices_data_coordinator.py",
            ),
        ),
        reads="the tariff sensors' forecast (price_tax_included.amount, 10^-7 EUR per kWh; the deprecated "
        "sensor's electricity_price)",
        limits="Prices including tax",
    ),
    PriceFormat(
        name="Amber",
        attributes=("forecasts",),
        marker="forecasts",
        platform="amberelectric",
        state_is_next=True,
        interval_in_attributes=True,
        source=Source(
            repo="home-assistant/core",
            commit="2025.4.4",
            paths=(
                "homeassistant/components/amberelectric/sensor.py",
                "homeassistant/components/amberelectric/coordinator.py",
            ),
        ),
        reads="the price sensor's current interval and the forecast sensor's forecasts (the intervals "
        "after it), either picked; 30- or 5-minute intervals",
        limits="The forecast sensor's state is the next interval's price: the price now comes from the "
        "price sensor",
    ),
    PriceFormat(
        name="ENTSO-e",
        attributes=("prices_today", "prices_tomorrow", "prices"),
        marker="prices",
        platform="entsoe",
    ),
    PriceFormat(
        name="EPEX Spot",
        attributes=("data",),
        marker="data",
        platform="epex_spot",
        entry_label="source",
        source=Source(
            repo="mampfes/ha_epex_spot",
            commit="886e49e7a56d4b68a5ba145cb5ce98bb1f2f20a6",
            paths=(
                "custom_components/epex_spot/sensor.py",
                "custom_components/epex_spot/config_flow.py",
                "custom_components/epex_spot/EPEXSpot/Awattar/__init__.py",
            ),
        ),
        reads="the price sensors' data ({start_time, end_time, price_per_kwh}); any of its sources, "
        "aWATTar among them (labelled by source)",
        limits="aWATTar is read through EPEX Spot's Awattar source",
    ),
    PriceFormat(name="Octopus Energy", attributes=("rates",), marker="rates", platform="octopus_energy"),
    PriceFormat(name="price list", attributes=("forecast", "prices", "data", "rates", "forecasts")),
)
GENERIC: Final = FORMATS[-1]

PROFILES = tuple(
    Profile(
        integration=f.platform,
        kind=PRICE,
        title=f.name.removesuffix(" (HACS)"),
        source=f.source,
        roles=MappingProxyType({}),
        reads=f.reads,
        limits=f.limits,
    )
    for f in FORMATS
    if f.platform is not None and f.source is not None
)
