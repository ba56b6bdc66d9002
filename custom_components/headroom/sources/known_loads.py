"""Known loads from a calendar: an operator puts "Party 3 kW" in a calendar (local, Google, CalDAV:
any calendar entity) and Headroom plans 3 kW for the event's time. The power is read from the
event's title, else its description (``3 kW``, ``2.5kW``, ``1500 W``); an event without one is no
load. Read through ``calendar.get_events`` each cycle, for the horizon."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from ..policy.intents import KnownLoad

_LOGGER = logging.getLogger(__name__)
POWER = re.compile(r"(\d+(?:[.,]\d+)?)\s*(kW|W)\b", re.IGNORECASE)
MAX_KW = 400.0


def power_in(text: str | None) -> float | None:
    """The first power written in ``text`` (kW), None without one (or one beyond ``MAX_KW``)."""
    if not text:
        return None
    found = POWER.search(text)
    if found is None:
        return None
    value = float(found.group(1).replace(",", "."))
    kw = value / 1000.0 if found.group(2).lower() == "w" else value
    return kw if 0 < kw <= MAX_KW else None


async def async_calendar_loads(
    hass: HomeAssistant, entity_id: str, start: datetime, end: datetime
) -> dict[str, KnownLoad]:
    """The calendar's events between ``start`` and ``end`` that name a power, as known loads."""
    try:
        answer: Any = await hass.services.async_call(
            "calendar",
            "get_events",
            {"start_date_time": start.isoformat(), "end_date_time": end.isoformat()},
            target={"entity_id": entity_id},
            blocking=True,
            return_response=True,
        )
    except (HomeAssistantError, ValueError) as err:
        _LOGGER.warning("Could not read known loads from %s: %s", entity_id, err)
        return {}
    out: dict[str, KnownLoad] = {}
    for event in (answer or {}).get(entity_id, {}).get("events", []):
        kw = power_in(event.get("summary")) or power_in(event.get("description"))
        begins, ends = (
            dt_util.parse_datetime(str(event.get("start"))),
            dt_util.parse_datetime(str(event.get("end"))),
        )
        if kw is None or begins is None or ends is None or ends <= begins:
            continue  # an all-day event or one without a power is no load
        load_id = f"{entity_id}:{begins.isoformat()}:{event.get('summary', '')}"
        out[load_id] = KnownLoad(
            id=load_id,
            start=dt_util.as_local(begins),
            end=dt_util.as_local(ends),
            power_kw=kw,
            source=entity_id,
        )
    return out
