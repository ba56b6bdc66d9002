"""Diagnostics: settings (entity ids redacted of nothing secret), the last problem and plan."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry

from .const import DOMAIN
from .coordinator import HeadroomConfigEntry
from .planner import problem_to_json

TO_REDACT = {"latitude", "longitude", "title"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: HeadroomConfigEntry
) -> dict[str, Any]:
    """The site's and every device's settings (title and location redacted), intents, control mode, and
    the last problem and plan in the planner's JSON, so that a plan can be replayed offline."""
    coordinator = entry.runtime_data
    data = coordinator.data
    return {
        "config": async_redact_data({**entry.data, **entry.options}, TO_REDACT),
        "subentries": [
            {"type": s.subentry_type, "data": async_redact_data(dict(s.data), TO_REDACT)}
            for s in entry.subentries.values()
        ],
        "control_mode": coordinator.control_mode.value,
        "intents": coordinator.intents.to_dict(),
        "status": data.status.value,
        "stale_inputs": data.stale,
        "assumptions": data.assumptions,
        "problem": problem_to_json(data.problem),
        "plan": data.plan.to_json(),
    }


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: HeadroomConfigEntry, device: DeviceEntry
) -> dict[str, Any]:
    """One device's settings, what the planner was told about it and what it planned."""
    coordinator = entry.runtime_data
    data = coordinator.data
    ids = {identifier for domain, identifier in device.identifiers if domain == DOMAIN}
    subentry = next((s for s in entry.subentries.values() if s.subentry_id in ids), None)
    if subentry is None:
        return await async_get_config_entry_diagnostics(hass, entry)
    problem = problem_to_json(data.problem)
    key = subentry.subentry_id
    plan = data.plan.to_json()
    return {
        "type": subentry.subentry_type,
        "data": async_redact_data(dict(subentry.data), TO_REDACT),
        "goal": coordinator.intents.goals[key].to_dict() if key in coordinator.intents.goals else None,
        "override": (o := coordinator.intents.overrides.get(key))
        and {"action": o.action, "until": o.until.isoformat()},
        "problem_device": next((d for d in problem["devices"] if d["id"] == key), None),
        "plan": plan["devices"].get(key),
        "reasons": plan["explain"]["devices"].get(key),
        "status": data.status.value,
    }
