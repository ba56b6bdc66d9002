"""Each kind of device in Home Assistant, one module per kind: how its states are read into the
policy's readings and how the policy's setpoints become service calls. One registry, exhaustive:
a subentry type without a module here is an error, not a device left out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import voluptuous as vol
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant

from ..const import (
    CONF_CONTROL_ADAPTER,
    SUBENTRY_APPLIANCE,
    SUBENTRY_BATTERY,
    SUBENTRY_EV_CHARGER,
    SUBENTRY_THERMAL,
)
from ..descriptions import HeadroomSensorDescription
from ..policy.problem import DeviceConfig
from ..policy.readings import DeviceReading
from ..policy.setpoints import Setpoint
from . import appliance, battery, ev_charger, thermal
from .command import Command

__all__ = ["KINDS", "Command", "DeviceKind", "configs", "drivable", "kind_of", "read_devices"]


class DeviceKind(Protocol):
    """What Home Assistant needs of a kind: its form, how to read it, how to drive it, its sensors."""

    # Config key of each entity Headroom writes -> the command key it writes under.
    KEYS: dict[str, str]
    # The plan's sensors for a device of this kind.
    SENSORS: tuple[HeadroomSensorDescription, ...]

    def schema(self, defaults: dict[str, Any], /) -> vol.Schema: ...

    def validate(self, user_input: dict[str, Any], /) -> dict[str, str]: ...

    def read(self, hass: HomeAssistant, data: dict[str, Any], /) -> DeviceReading: ...

    def commands(self, hass: HomeAssistant, data: dict[str, Any], wanted: Setpoint, /) -> list[Command]: ...


KINDS: dict[str, DeviceKind] = {
    SUBENTRY_EV_CHARGER: ev_charger,
    SUBENTRY_BATTERY: battery,
    SUBENTRY_APPLIANCE: appliance,
    SUBENTRY_THERMAL: thermal,
}


def kind_of(subentry_type: str) -> DeviceKind:
    """The Home Assistant module for a subentry type; an unknown type raises rather than leaving the
    device out of the plan."""
    try:
        return KINDS[subentry_type]
    except KeyError:
        raise TypeError(f"no Home Assistant module for device kind {subentry_type!r}") from None


def configs(subentries: Mapping[str, ConfigSubentry]) -> dict[str, DeviceConfig]:
    """Every device as the policy sees its configuration."""
    return {
        device_id: DeviceConfig(sub.subentry_type, dict(sub.data)) for device_id, sub in subentries.items()
    }


def read_devices(hass: HomeAssistant, devices: Mapping[str, DeviceConfig]) -> dict[str, DeviceReading]:
    """One reading per device, each from its own kind's reader: the one read of the cycle."""
    return {
        device_id: kind_of(config.kind).read(hass, dict(config.data)) for device_id, config in devices.items()
    }


def drivable(subentry_type: str, data: Mapping[str, Any]) -> bool:
    """Whether the device has anything Headroom can write: an entity its kind drives, or a vendor
    action. One without is planned and advised only, and says so."""
    adapter = data.get(CONF_CONTROL_ADAPTER)
    return any(data.get(key) for key in kind_of(subentry_type).KEYS) or adapter not in (None, "entities")
