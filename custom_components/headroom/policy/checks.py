"""Readings that look the wrong way round: a sign setting that does not match the sensor.

Meters and inverters disagree on signs (export or discharge counted as positive), and a wrong
setting silently turns a fuse cut into a raise. The home's own balance tells: what the grid
brings in plus what the panels make is what the house uses plus what the battery takes. A
consumption, PV or device sensor that reads clearly negative is inverted too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..const import CONF_DISCHARGE_POSITIVE, CONF_GRID_EXPORT_POSITIVE, SUBENTRY_BATTERY
from .problem import EXCLUDES_DEVICES_KW, DeviceConfig, drawn_kw
from .readings import Readings

# Below this (kW), a sign says nothing: sensors drift and lag each other.
SIGN_NOISE_KW = 0.3


def grid_sign(config: Mapping[str, Any]) -> float:
    """The grid meter's direction setting (``grid_export_positive``) as a factor: +1 when the meter
    counts import as positive (the usual way), -1 when it counts export. Every reader of the meter
    (the integration's, the simulator's) turns its reading into import-positive with it."""
    return -1.0 if config.get(CONF_GRID_EXPORT_POSITIVE) else 1.0


def battery_sign(data: Mapping[str, Any]) -> float:
    """A battery's direction setting (``power_discharge_positive``) as a factor: +1 when its power
    sensor counts charging as positive (Headroom's way, as for any load), -1 when it counts discharge
    (GoodWe, Enphase). The battery's reader turns its sensor into charging-positive with it."""
    return -1.0 if data.get(CONF_DISCHARGE_POSITIVE) else 1.0


def inverted_readings(devices: Mapping[str, DeviceConfig], readings: Readings) -> list[str]:
    """Which readings look inverted now: "house", "pv", "grid", "battery" or a device id. The grid
    and the battery are judged by the balance grid + PV = house + battery (only when the house, and
    every battery, can be read); one look is not proof, so callers should see it persist."""
    out: list[str] = []
    if readings.house_power_kw is not None and readings.house_power_kw < -SIGN_NOISE_KW:
        out.append("house")
    if readings.pv_power_kw is not None and readings.pv_power_kw < -SIGN_NOISE_KW:
        out.append("pv")
    drawn = drawn_kw(devices, readings, {})
    batteries = [i for i, c in devices.items() if c.kind == SUBENTRY_BATTERY]
    batteries_read = all(i in drawn for i in batteries)
    battery_kw = sum(drawn.get(i, 0.0) for i in batteries)
    others_kw = 0.0
    for device_id, kw in drawn.items():
        if device_id in batteries:
            continue
        if kw < -SIGN_NOISE_KW:
            out.append(device_id)
        else:
            others_kw += max(kw, 0.0)
    if readings.house_power_kw is None or readings.grid_power_kw is None or not batteries_read:
        return out
    pv = max(readings.pv_power_kw or 0.0, 0.0)
    house, grid = abs(readings.house_power_kw), readings.grid_power_kw
    if house < others_kw - EXCLUDES_DEVICES_KW:
        house += others_kw  # a sensor on the house's own circuits: the devices come on top
    # How far the balance is off as read, with the grid's sign flipped, with the batteries' flipped.
    as_read = abs(grid + pv - house - battery_kw)
    grid_flipped = abs(-grid + pv - house - battery_kw)
    battery_flipped = abs(grid + pv - house + battery_kw)
    best = min(grid_flipped, battery_flipped)
    if as_read - best > SIGN_NOISE_KW and best < as_read / 2:
        out.append("grid" if grid_flipped <= battery_flipped else "battery")
    return out
