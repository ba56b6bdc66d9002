"""Diagnostics: settings, intents, the last problem and plan, with what identifies a person or a device
left out.

Redacted: the entry's title and location, charger serials and vendor ids (``vendor_charger_id``), and the
names people and automations gave (reservation and grid request ids). Those names are replaced by
stable pseudonyms (``reservation_1``, ``grid_request_1``) everywhere they appear, in the intents as in the
problem's and plan's device ids and notes, so a plan can still be replayed offline. Entity ids are not
secret and stay.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry

from .const import CONF_VENDOR_CHARGER_ID, DOMAIN
from .coordinator import HeadroomConfigEntry
from .planner import problem_to_json
from .policy.intents import Intents
from .policy.problem import RESERVATION_PREFIX

TO_REDACT = {
    "latitude",
    "longitude",
    "title",
    CONF_VENDOR_CHARGER_ID,
    "charger_id",
    "vehicle",  # a booked car's name, as a person gave it
    "serial",
    "serial_number",
}


class _Pseudonyms:
    """Names given by people (reservation and grid request ids) -> stable stand-ins."""

    def __init__(self, intents: Intents) -> None:
        self.reservations = {rid: f"reservation_{n}" for n, rid in enumerate(sorted(intents.reservations), 1)}
        self.grid_requests = {
            gid: f"grid_request_{n}" for n, gid in enumerate(sorted(intents.grid_requests), 1)
        }
        # Longest first, so that "sauna" never replaces part of "reservation:sauna2".
        self._prefixed = sorted(
            (
                (f"{RESERVATION_PREFIX}{rid}", f"{RESERVATION_PREFIX}{alias}")
                for rid, alias in self.reservations.items()
            ),
            key=lambda pair: -len(pair[0]),
        )

    def text(self, value: str) -> str:
        """A string of the problem or plan: a reservation's device id, or a note that names one."""
        for original, alias in self._prefixed:
            if original in value:
                value = value.replace(original, alias)
        return value

    def deep(self, value: Any) -> Any:
        """Every string and key in ``value`` with the reservations' names replaced."""
        if not self._prefixed:
            return value
        if isinstance(value, dict):
            return {self.deep(k): self.deep(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.deep(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def intents(self, intents: dict[str, Any]) -> dict[str, Any]:
        """The stored intents with reservations and grid requests under their stand-ins."""
        out = dict(intents)
        out["reservations"] = {
            self.reservations.get(k, k): {**v, "id": self.reservations.get(k, k)}
            for k, v in intents.get("reservations", {}).items()
        }
        out["grid_requests"] = {
            self.grid_requests.get(k, k): {**v, "id": self.grid_requests.get(k, k)}
            for k, v in intents.get("grid_requests", {}).items()
        }
        return out


def _redacted_intents(intents: Intents, names: _Pseudonyms) -> dict[str, Any]:
    return async_redact_data(names.intents(intents.to_dict()), TO_REDACT)


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: HeadroomConfigEntry
) -> dict[str, Any]:
    """The site's and every device's settings (title, location, serials and vendor ids redacted),
    intents (people's names for reservations and grid requests pseudonymised), control mode, and the
    last problem and plan in the planner's JSON, so that a plan can be replayed offline."""
    coordinator = entry.runtime_data
    data = coordinator.data
    names = _Pseudonyms(coordinator.intents)
    return {
        "config": async_redact_data({**entry.data, **entry.options}, TO_REDACT),
        "subentries": [
            {"type": s.subentry_type, "data": async_redact_data(dict(s.data), TO_REDACT)}
            for s in entry.subentries.values()
        ],
        "control_mode": coordinator.control_mode.value,
        "intents": _redacted_intents(coordinator.intents, names),
        "status": data.status.value,
        "stale_inputs": data.stale,
        "assumptions": names.deep(data.assumptions),
        "problem": names.deep(problem_to_json(data.problem)),
        "plan": names.deep(data.plan.to_json()),
    }


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: HeadroomConfigEntry, device: DeviceEntry
) -> dict[str, Any]:
    """One device's settings (serials and vendor ids redacted), what the planner was told about it and
    what it planned."""
    coordinator = entry.runtime_data
    data = coordinator.data
    ids = {identifier for domain, identifier in device.identifiers if domain == DOMAIN}
    subentry = next((s for s in entry.subentries.values() if s.subentry_id in ids), None)
    if subentry is None:
        return await async_get_config_entry_diagnostics(hass, entry)
    names = _Pseudonyms(coordinator.intents)
    problem = problem_to_json(data.problem)
    key = subentry.subentry_id
    plan = data.plan.to_json()
    return {
        "type": subentry.subentry_type,
        "data": async_redact_data(dict(subentry.data), TO_REDACT),
        "goal": coordinator.intents.goals[key].to_dict() if key in coordinator.intents.goals else None,
        "override": (o := coordinator.intents.overrides.get(key))
        and {"action": o.action, "until": o.until.isoformat()},
        "problem_device": names.deep(next((d for d in problem["devices"] if d["id"] == key), None)),
        "plan": names.deep(plan["devices"].get(key)),
        "reasons": names.deep(plan["explain"]["devices"].get(key)),
        "status": data.status.value,
    }
