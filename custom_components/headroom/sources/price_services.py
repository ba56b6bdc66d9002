"""Prices that only an action answers: core Nord Pool (``nordpool.get_prices_for_date``) and core
Tibber (``tibber.get_prices``). Their sensors hold the price now but no forecast.

Asked at most every ``REFRESH`` (and when the day changes); between asks the last answer is used.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from ..unavailable import Unavailable
from .prices import PricePoint, points_from_list

_LOGGER = logging.getLogger(__name__)
REFRESH = timedelta(minutes=30)
NORDPOOL_PER_MWH = 0.001


def nordpool_points(response: dict[str, Any], area: str | None) -> list[PricePoint]:
    """``{area: [{start, end, price}]}``, price per MWh."""
    rows: Any = response.get(area) if area and area in response else next(iter(response.values()), [])
    return points_from_list(rows if isinstance(rows, list) else [], NORDPOOL_PER_MWH)


def tibber_points(response: dict[str, Any], home: str | None) -> list[PricePoint]:
    """``{"prices": {home: [{start_time, price}]}}``, price per kWh."""
    homes: dict[str, Any] = response.get("prices") or {}
    rows: Any = homes.get(home) if home and home in homes else next(iter(homes.values()), [])
    return points_from_list(rows if isinstance(rows, list) else [], 1.0)


class ServicePrices:
    """Asks the price integration's action for today and tomorrow, and remembers the answer."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.hass = hass
        self._unavailable = Unavailable(_LOGGER)
        self._cache: dict[str, tuple[datetime, list[PricePoint]]] = {}

    def family(self, entity_id: str) -> str | None:
        """``nordpool`` or ``tibber`` for core's sensors, whose forecast only their action answers. HACS
        Nord Pool shares core's domain but keeps its prices in ``raw_today``/``raw_tomorrow`` and names its
        sensors ``nordpool_<price type>_<area>_...`` (custom-components/nordpool@1eaa249, sensor.py):
        those are read from the state, not asked for."""
        entry = er.async_get(self.hass).async_get(entity_id)
        if entry is None or entry.platform not in ("nordpool", "tibber"):
            return None
        state = self.hass.states.get(entity_id)
        if entry.platform == "nordpool" and (
            entry.unique_id.startswith("nordpool_") or (state is not None and "raw_today" in state.attributes)
        ):
            return None
        return entry.platform

    async def async_points(self, entity_id: str) -> list[PricePoint] | None:
        """The forecast for the entity, or None when it is not a service-only family."""
        family = self.family(entity_id)
        if family is None or not self.hass.services.has_service(
            family, "get_prices" if family == "tibber" else "get_prices_for_date"
        ):
            return None
        now = dt_util.utcnow()
        cached = self._cache.get(entity_id)
        if (
            cached is not None
            and now - cached[0] < REFRESH
            and dt_util.as_local(cached[0]).date() == dt_util.as_local(now).date()
        ):
            return cached[1]
        try:
            points = await (self._nordpool(entity_id) if family == "nordpool" else self._tibber(entity_id))
        except (HomeAssistantError, ValueError, KeyError) as err:
            self._unavailable.failed(f"{family} prices", "Could not ask %s for prices: %s", family, err)
            return cached[1] if cached else []
        self._unavailable.worked(f"{family} prices")
        self._cache[entity_id] = (now, points)
        return points

    async def _nordpool(self, entity_id: str) -> list[PricePoint]:
        entry = er.async_get(self.hass).async_get(entity_id)
        assert entry is not None
        area = (entry.unique_id or "").split("-", 1)[0] or None
        today = dt_util.now().date()
        points: list[PricePoint] = []
        for day in (today, today + timedelta(days=1)):
            try:
                response = await self.hass.services.async_call(
                    "nordpool",
                    "get_prices_for_date",
                    {"config_entry": entry.config_entry_id, "date": day.isoformat()},
                    blocking=True,
                    return_response=True,
                )
            except HomeAssistantError:
                if day == today:
                    raise
                break  # tomorrow's prices are not out yet
            points += nordpool_points(dict(response or {}), area)
        return points

    async def _tibber(self, entity_id: str) -> list[PricePoint]:
        start = dt_util.start_of_local_day()
        response = await self.hass.services.async_call(
            "tibber",
            "get_prices",
            {"start": start.isoformat(), "end": (start + timedelta(days=2)).isoformat()},
            blocking=True,
            return_response=True,
        )
        answer: dict[str, Any] = dict(response or {})
        state = self.hass.states.get(entity_id)
        name = str(state.attributes.get("friendly_name", "")) if state is not None else ""
        home = next((h for h in answer.get("prices") or {} if h and h in name), None)
        return tibber_points(answer, home)
