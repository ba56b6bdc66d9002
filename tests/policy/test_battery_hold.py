"""How long the plan holds a battery's mode: what a vendor's timed forced mode is given (Huawei's
forcible charge runs for a set duration), so it ends with the plan's run, not before, not a day later."""

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
MODES = ["forced_charge", "forced_charge", "forced_charge", "self_consumption", "forced_charge"]


@pytest.mark.parametrize(
    ("step", "step_minutes", "minutes"),
    [
        (0, 15.0, 45.0),  # three charging steps from now
        (2, 15.0, 15.0),  # the run's last step
        (4, 30.0, 30.0),  # a run at the horizon's end holds to the end
        (0, 0.0, None),  # step length unknown: nothing to tell
    ],
)
def test_the_planned_run_of_a_mode_is_told(step: int, step_minutes: float, minutes: float | None) -> None:
    plan = DevicePlan(power_kw=np.array([3.0, 3.0, 3.0, 0.0, 2.0]), mode=list(MODES))
    wanted = battery.setpoint(
        Moment(now=NOW, step=step, headroom_kw=5.0, step_minutes=step_minutes),
        "battery",
        CONFIG,
        BatteryReading(soc_percent=40, power_kw=0.0),
        plan,
    )
    assert wanted is not None
    assert (wanted.mode, wanted.hold_minutes) == (MODES[step], minutes)
