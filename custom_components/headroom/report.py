"""The report action: what actually happened over a day, a week, a month or a range (realised
cost, business as usual, saving, goals met and missed, the peak against the limit, each device's
following), from the ledger. Answers only; open to every user, like ``get_plan``."""

from __future__ import annotations

from datetime import datetime

import voluptuous as vol
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .ledger import period_range, summary
from .services import _aware, _entry, _invalid, _moment

SERVICE_REPORT = "report"
PERIODS = ("day", "week", "month")

REPORT_SCHEMA = vol.Schema(
    {
        vol.Optional("period"): vol.In(PERIODS),
        vol.Optional("start"): _moment("start"),
        vol.Optional("end"): _moment("end"),
    }
)


def async_setup_report_services(hass: HomeAssistant) -> None:
    """Register ``headroom.report``."""
    hass.services.async_register(
        DOMAIN, SERVICE_REPORT, _async_report, schema=REPORT_SCHEMA, supports_response=SupportsResponse.ONLY
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
