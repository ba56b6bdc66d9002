"""``scripts/develop`` starts a real Home Assistant process with the demo home and Headroom set up,
without a click: it answers on a loopback port, and its plan sensors read over the REST API."""

from __future__ import annotations

import time
from pathlib import Path

from .demo_process import START_TIMEOUT_S, demo_home


def test_develop_serves_the_plan(tmp_path: Path, socket_enabled: None) -> None:
    """``socket_enabled``: this test talks to a real server on a loopback port."""
    with demo_home(tmp_path) as demo:
        status = demo.wait_for_plan(time.monotonic() + START_TIMEOUT_S)
        assert status["state"] in ("optimal", "feasible")
        assert status["attributes"]["control_mode"] == "active"
        grid = demo.state("sensor.demo_home_planned_grid_power")
        assert len(grid["attributes"]["forecast"]) == 96  # 24 h of 15-minute steps
        assert demo.state("sensor.charger_driveway_control")["state"] == "active"
        assert len(demo.state("sensor.sim_electricity_price")["attributes"]["raw_today"]) == 24
