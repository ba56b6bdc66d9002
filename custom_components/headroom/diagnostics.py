"""Diagnostics: settings (entity ids redacted of nothing secret), the last problem and plan."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .coordinator import HeadroomConfigEntry
from .planner import problem_to_json

TO_REDACT = {"latitude", "longitude", "title"}


async def async_get_config_entry_diagnostics(hass: HomeAssistant, entry: HeadroomConfigEntry) -> dict[str, Any]:
    coordinator = entry.runtime_data
    data = coordinator.data
    return {
        "config": async_redact_data({**entry.data, **entry.options}, TO_REDACT),
        "subentries": [
            {"type": s.subentry_type, "data": async_redact_data(dict(s.data), TO_REDACT)}
            for s in entry.subentries.values()
        ],
        "control_mode": coordinator.control_mode.value,
        "goals": {k: v.to_dict() for k, v in coordinator.goals.items()},
        "status": data.status.value,
        "stale_inputs": data.stale,
        "assumptions": data.assumptions,
        "problem": problem_to_json(data.problem),
        "plan": data.plan.to_json(),
    }
