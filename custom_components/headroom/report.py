"""Operators' actions: the report of what actually happened over a day, a week, a month or a range
(realised cost, business as usual, saving, goals met and missed, the peak against the limit, each
device's following), from the ledger, answers only and open to every user like ``get_plan``; and
``add_known_load``, an extra load known to be coming (power, from, to), planned as fixed load, an
administrator's to enter like a reservation (it moves every device's plan)."""

from __future__ import annotations

from datetime import datetime

import voluptuous as vol
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .ledger import period_range, summary
from .policy.intents import KnownLoad
from .services import (
    SERVICE_ADD_KNOWN_LOAD,
    _aware,
    _entry,
    _id,
    _invalid,
    _moment,
    _number,
    _require_admin,
    _undone_on_failure,
)

SERVICE_REPORT = "report"
PERIODS = ("day", "week", "month")

REPORT_SCHEMA = vol.Schema(
    {
        vol.Optional("period"): vol.In(PERIODS),
        vol.Optional("start"): _moment("start"),
        vol.Optional("end"): _moment("end"),
    }
)


ADD_KNOWN_LOAD_SCHEMA = vol.Schema(
    {
        vol.Optional("id"): _id("id"),
        vol.Required("power_kw"): _number(SERVICE_ADD_KNOWN_LOAD, "power_kw"),
        vol.Required("start"): _moment("start"),
        vol.Required("end"): _moment("end"),
    }
)


def async_setup_report_services(hass: HomeAssistant) -> None:
    """Register ``headroom.report`` and ``headroom.add_known_load``."""
    hass.services.async_register(
        DOMAIN, SERVICE_REPORT, _async_report, schema=REPORT_SCHEMA, supports_response=SupportsResponse.ONLY
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_ADD_KNOWN_LOAD,
        _async_add_known_load,
        schema=ADD_KNOWN_LOAD_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )


def report_range(call: ServiceCall, now: datetime) -> tuple[datetime, datetime]:
    """The period asked for: a start (and end, else now) wins over a named period (else today)."""
    if "start" in call.data:
        start = _aware(call.data["start"])
        end = _aware(call.data["end"]) if "end" in call.data else now
    else:
        start, end = period_range(call.data.get("period", "day"), now)
        if "end" in call.data:
            end = _aware(call.data["end"])
    if end <= start:
        raise _invalid("end_before_start", start=start.isoformat(), end=end.isoformat())
    return start, end


async def _async_report(call: ServiceCall) -> ServiceResponse:
    coordinator = _entry(call.hass).runtime_data
    start, end = report_range(call, dt_util.now())
    return summary(coordinator.ledger, start, end, call.hass.config.currency)


async def _async_add_known_load(call: ServiceCall) -> ServiceResponse:
    """Keep the load (the same id replaces it; a power of 0 removes it) and replan with it."""
    coordinator = _entry(call.hass).runtime_data
    await _require_admin(call)
    start, end = _aware(call.data["start"]), _aware(call.data["end"])
    if end <= start:
        raise _invalid("end_before_start", start=start.isoformat(), end=end.isoformat())
    if end <= dt_util.now():
        raise _invalid("in_the_past", end=end.isoformat())
    load_id = call.data.get("id") or start.isoformat()
    async with _undone_on_failure(coordinator, ("known_loads", load_id)):
        if call.data["power_kw"] > 0:
            coordinator.intents.known_loads[load_id] = KnownLoad(
                id=load_id, start=start, end=end, power_kw=float(call.data["power_kw"])
            )
        else:
            coordinator.intents.known_loads.pop(load_id, None)
        data = await coordinator.async_replan_now()
    return {
        "id": load_id,
        "planned": load_id in coordinator.intents.known_loads,
        "cost": round(data.plan.cost, 2),
        "currency": call.hass.config.currency,
    }
