"""PV forecast integrations, as data: what the time keys of each one's forecast stand for, read from its
own code (``sources/pv.py`` reads them; the README's table lists them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from . import Profile, Source

PV_FORECAST: Final = "pv_forecast"


class Period(StrEnum):
    """Which period a forecast's time key stands for."""

    HOUR_START = "hour-start"  # the key begins an hour
    HOUR_END = "hour-end"  # the key ends its period, which began at the key before (an hour at most)
    HALF_HOUR_START = "half-hour-start"  # the key begins half an hour

    def span(self, key: datetime, previous: datetime | None) -> tuple[datetime, datetime]:
        """The period [start, end) the key stands for; ``previous`` is the key before it."""
        if self is Period.HALF_HOUR_START:
            return key, key + timedelta(minutes=30)
        if self is Period.HOUR_START:
            return key, key + timedelta(hours=1)
        hour_before = key - timedelta(hours=1)
        return (previous if previous is not None and hour_before <= previous < key else hour_before), key


@dataclass(frozen=True, kw_only=True)
class PvProvider:
    """A PV forecast integration Headroom asks through Home Assistant's energy platform, and what the
    keys of its ``wh_hours`` answer (Wh per period) stand for."""

    domain: str
    title: str
    energy_period: Period
    source: Source
    reads: str
    limits: str = ""


PV_PROVIDERS: Final = MappingProxyType(
    {
        p.domain: p
        for p in (
            PvProvider(
                domain="forecast_solar",
                title="Forecast.Solar",
                # energy.py answers ``wh_period``; the library fills it from the API's ``watt_hours_period``,
                # whose value at a key is the energy since the key before (its fixture: 07:00 holds 89 Wh,
                # the mean of 0 W at sunrise 06:20:17 and 270 W at 07:00 over those 40 minutes).
                energy_period=Period.HOUR_END,
                source=Source(
                    repo="home-assistant/core (2025.4.4) + home-assistant-libs/forecast_solar",
                    commit="dfaba0fe397243cbae85b31a71182fa43eaca1f0",
                    paths=(
                        "homeassistant/components/forecast_solar/energy.py",
                        "src/forecast_solar/models.py",
                        "tests/fixtures/forecast.json",
                    ),
                ),
                reads="the energy platform's wh_hours, each key the end of its period (from the key before)",
                limits="Its sensors carry no forecast list: pick its config entry, not a sensor",
            ),
            PvProvider(
                domain="open_meteo_solar_forecast",
                title="Open-Meteo Solar Forecast",
                # ``wh_period[hour]``: the mean of the 15-minute powers whose start lies in that hour.
                energy_period=Period.HOUR_START,
                source=Source(
                    repo="rany2/ha-open-meteo-solar-forecast + rany2/open-meteo-solar-forecast",
                    commit="92e52c1d46585e57d8eb1a14d98e732d1d39f708",
                    paths=(
                        "custom_components/open_meteo_solar_forecast/energy.py",
                        "src/open_meteo_solar_forecast/open_meteo_solar_forecast.py@c222932",
                    ),
                ),
                reads="the energy platform's wh_hours, each key the start of its hour",
            ),
            PvProvider(
                domain="solcast_solar",
                title="Solcast",
                # ``make_energy_dict``: ``period_start`` -> ``pv_estimate * 500`` (kW over half an hour, in
                # Wh), periods without PV (and not next to PV) left out.
                energy_period=Period.HALF_HOUR_START,
                source=Source(
                    repo="BJReplay/ha-solcast-solar",
                    commit="3dcc4fca08a8cd525f4d4ae5d268b28a2a995975",
                    paths=(
                        "custom_components/solcast_solar/energy.py",
                        "custom_components/solcast_solar/forecast.py",
                        "custom_components/solcast_solar/sensor.py",
                    ),
                ),
                reads="the energy platform's half-hourly wh_hours, or the forecast sensors' detailedForecast "
                "(half hours) / detailedHourly (hours): pv_estimate, or pv_estimate10 when pessimistic",
                limits="Picked as sensor and as energy platform it counts once: the sensor's periods first",
            ),
        )
    }
)
# Solcast's forecast sensors: ``detailedForecast`` half-hourly, ``detailedHourly`` hourly (the mean of
# two half hours), each row ``{period_start: datetime, pv_estimate, pv_estimate10, pv_estimate90}`` in kW
# (BJReplay/ha-solcast-solar@3dcc4fc custom_components/solcast_solar/forecast.py, ``get_forecast_day``).
SOLCAST_ATTRIBUTES: Final = (
    ("detailedForecast", Period.HALF_HOUR_START),
    ("detailedHourly", Period.HOUR_START),
)

PROFILES = tuple(
    Profile(
        integration=p.domain,
        kind=PV_FORECAST,
        title=p.title,
        source=p.source,
        roles=MappingProxyType({}),
        reads=p.reads,
        limits=p.limits,
    )
    for p in PV_PROVIDERS.values()
)
