"""Long-term statistics of what happened, in the recorder: the demo home (on the report scenario:
``report_home.json``, the demo home on a 35 A connection) with Headroom from 08:00, stopped from
11:10 to 13:10, then on to 16:00. Each statistic has its unit and metadata,
every hour measured has a row, the hours Headroom was stopped have none (nothing is made up for
them), and each sum goes on from the last one written before the stop."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import get_instance
from homeassistant.components.recorder.statistics import get_metadata, statistics_during_period
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from pytest_homeassistant_custom_component.components.recorder.common import async_wait_recording_done

MORNING = "2026-11-24 08:00:00-08:00"
SCENARIO = Path(__file__).parent / "report_home.json"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_mock: Any, enable_custom_integrations: Any) -> None:
    """The recorder first (it must come before ``hass``), then HA may load headroom and headroom_sim."""


async def run_for(hass: HomeAssistant, freezer: FrozenDateTimeFactory, hours: float) -> None:
    for _ in range(round(hours * 12)):
        freezer.tick(timedelta(minutes=5))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)


async def read(hass: HomeAssistant, ids: set[str], start: datetime) -> dict[str, Any]:
    await async_wait_recording_done(hass)
    return await get_instance(hass).async_add_executor_job(
        statistics_during_period, hass, start, None, ids, "hour", None, {"state", "sum", "mean", "max"}
    )


async def test_statistics_have_units_go_on_across_a_restart_and_leave_a_gap(
    recorder_mock: Any, hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(MORNING)
    assert await async_setup_component(
        hass,
        "headroom_sim",
        {"headroom_sim": {"setup_headroom": True, "replan_minutes": 15, "scenario": str(SCENARIO)}},
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    entry = hass.config_entries.async_entries("headroom")[0]
    start = dt_util.utcnow()
    battery = next(i for i, s in entry.subentries.items() if s.subentry_type == "battery")
    await run_for(hass, freezer, 3 + 1 / 6)
    assert await hass.config_entries.async_unload(entry.entry_id)  # Headroom stopped at 11:10
    await run_for(hass, freezer, 2)
    assert await hass.config_entries.async_setup(entry.entry_id)  # and started again at 13:10
    await hass.async_block_till_done(wait_background_tasks=True)
    await run_for(hass, freezer, 3 - 1 / 6)

    money = {"headroom:realised_cost", "headroom:business_as_usual_cost", "headroom:saving"}
    energy = {"headroom:grid_import", "headroom:grid_export", f"headroom:energy_{battery.lower()}"}
    ids = money | energy | {"headroom:peak_import"}
    meta = await get_instance(hass).async_add_executor_job(lambda: get_metadata(hass, statistic_ids=ids))
    assert set(meta) == ids
    for statistic_id, (_, m) in meta.items():
        assert m["source"] == "headroom"
        assert m["name"].startswith("Headroom ")
        if statistic_id in money:
            assert (m["unit_of_measurement"], m["has_sum"], m["has_mean"]) == (
                hass.config.currency,
                True,
                False,
            )
        elif statistic_id in energy:
            assert (m["unit_of_measurement"], m["has_sum"]) == ("kWh", True)
            if "unit_class" in m:  # Home Assistant 2026.2 converts by it
                assert m["unit_class"] == "energy"
        else:
            assert (m["unit_of_measurement"], m["has_sum"], m["has_mean"]) == ("kW", False, True)
            if "unit_class" in m:
                assert m["unit_class"] == "power"

    rows = await read(hass, ids, start)
    local = dt_util.get_default_time_zone()
    for statistic_id in ids:
        hours = [datetime.fromtimestamp(r["start"], local).hour for r in rows[statistic_id]]
        assert hours == [8, 9, 10, 11, 13, 14, 15], statistic_id  # nothing for 12:00
    for statistic_id in money | energy:
        series = rows[statistic_id]
        for before, after in pairwise(series):
            assert after["sum"] == pytest.approx(before["sum"] + after["state"])  # the sum goes on
        assert series[0]["sum"] == pytest.approx(series[0]["state"])
    ledger = entry.runtime_data.ledger
    measured = {dt_util.as_local(k).hour: h.record.seconds / 60 for k, h in ledger.hours.items()}
    # The hours of the stop and the restart hold what was measured in them, no more (the step in
    # progress at the stop was kept); nothing was made up for the time stopped.
    assert measured[11] == pytest.approx(10) and measured[13] == pytest.approx(50)
    assert measured[9] == pytest.approx(60) and 12 not in measured
    by_hour = {dt_util.as_utc(k).timestamp(): h for k, h in ledger.hours.items()}
    for row in rows["headroom:realised_cost"]:
        assert row["state"] == pytest.approx(by_hour[row["start"]].record.cost)
    assert sum(r["state"] for r in rows["headroom:grid_import"]) > 1.0  # the house drew from the grid
    assert rows["headroom:grid_import"][-1]["sum"] == pytest.approx(
        sum(h.record.import_kwh for h in ledger.hours.values())
    )
    assert all(r["max"] >= r["mean"] >= 0 for r in rows["headroom:peak_import"])
