"""Option C in Home Assistant: each self-planning device's price signal sensor, from the plan's duals.

A charger with its own scheduler, or an appliance with its own delay start, reads one price per step
from ``sensor.<device>_price_signal`` (state: now; ``forecast``: every step) and plans itself on it.
"""

from __future__ import annotations

from datetime import timedelta

from homeassistant.const import SERVICE_TURN_OFF
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed


async def test_a_self_planning_car_reads_the_plans_cheapest_steps_from_its_price_signal(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    data = entry.runtime_data.data
    sensor = hass.states.get("sensor.driveway_price_signal")
    assert sensor.attributes["unit_of_measurement"] == f"{hass.config.currency}/kWh"
    forecast = sensor.attributes["forecast"]
    assert len(forecast) == data.problem.steps and {"start", "value"} <= set(forecast[0])
    assert forecast[0]["start"] == data.step_start(0).isoformat()
    assert float(sensor.state) == forecast[data.step_of(dt_util.now())]["value"]

    signal = [p["value"] for p in forecast]
    driveway = next(s.subentry_id for s in entry.subentries.values() if s.title == "Driveway")
    charging = [t for t, kw in enumerate(data.plan.devices[driveway].power_kw) if kw > 1e-6]
    assert charging, "the car is planned to charge"
    # Up to its last planned step, the car charges in the steps its signal says are cheapest: a charger
    # planning itself on the signal picks the same steps.
    idle = [t for t in range(charging[-1] + 1) if t not in charging]
    if idle:
        assert max(signal[t] for t in charging) <= min(signal[t] for t in idle) + 1e-3
    # The 11 kW limit does not bind for one car: its signal is the energy's own price per step.
    binding = data.plan.grid_import_kw >= data.problem.site.import_limit_kw - 1e-3
    for t, value in enumerate(signal):
        if not binding[t] and data.plan.grid_import_kw[t] > 1e-3:
            assert value == round(float(data.problem.tariff.import_price[t]), 3), t

    # The dishwasher, which can delay its own start, has one too.
    assert hass.states.get("sensor.dishwasher_price_signal").attributes["forecast"]


async def test_an_unplugged_car_has_no_price_signal(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert hass.states.get("sensor.driveway_price_signal").state not in ("unknown", "unavailable")
    await hass.services.async_call(
        "input_boolean", SERVICE_TURN_OFF, {"entity_id": "input_boolean.car_plugged"}, blocking=True
    )
    await hass.async_block_till_done()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=15))
    await hass.async_block_till_done()
    sensor = hass.states.get("sensor.driveway_price_signal")
    assert sensor.state == "unknown"
    assert "forecast" not in sensor.attributes
