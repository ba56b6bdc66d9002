"""A battery that the plan discharges for part of the house's deficit: with a power setpoint it is
told exactly that power, not self-consumption (which would also feed the car charging in the cheap
hour)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from custom_components.headroom.planner.model import DevicePlan
from custom_components.headroom.policy import battery
from custom_components.headroom.policy.cycle import Moment
from custom_components.headroom.policy.readings import BatteryReading

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
CONFIG = {"soc_entity": "sensor.soc", "capacity_kwh": 10, "max_charge_kw": 5, "max_discharge_kw": 5}


def plan(power_kw: float, factor: float) -> DevicePlan:
    return DevicePlan(
        power_kw=np.array([power_kw]), mode=["self_consumption"], mode_factor=np.array([factor])
    )


@pytest.mark.parametrize(
    ("setpoint_entity", "factor", "mode"),
    [
        ("number.battery_setpoint", 0.3, "forced_discharge"),  # part of the deficit, at a set power
        ("number.battery_setpoint", 1.0, "self_consumption"),  # all of it: the inverter follows the house
        (None, 0.3, "self_consumption"),  # no setpoint to hold a power with: the mode is all there is
    ],
)
def test_a_partial_discharge_is_a_set_power_where_the_battery_takes_one(
    setpoint_entity: str | None, factor: float, mode: str
) -> None:
    data = {**CONFIG, "power_setpoint_entity": setpoint_entity} if setpoint_entity else CONFIG
    wanted = battery.setpoint(
        Moment(now=NOW, step=0, headroom_kw=0.0),
        "battery",
        data,
        BatteryReading(soc_percent=60, power_kw=0.0),
        plan(-1.5, factor),
    )
    assert wanted is not None
    assert (wanted.mode, wanted.power_kw) == (mode, -1.5)
