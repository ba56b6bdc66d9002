"""Energy stored at the horizon's end is worth something: the rolling plan does not dump it."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.headroom.planner import solve
from custom_components.headroom.policy.battery import stored_value_per_kwh

from .helpers import check_invariants, problem

PRICES = [0.3, 0.3, 0.1, 0.1]
EXPORT_PRICE = 0.08


def battery(**extra: float) -> dict[str, object]:
    return {
        "type": "battery",
        "id": "battery",
        "capacity_kwh": 10.0,
        "soc_kwh": 10.0,
        "min_soc_kwh": 1.0,
        "max_charge_kw": 5.0,
        "max_discharge_kw": 5.0,
        **extra,
    }


def plans(**house: float) -> tuple[np.ndarray, np.ndarray, float]:
    value = stored_value_per_kwh(np.array(PRICES))
    out = []
    for extra in ({}, {"stored_value_per_kwh": value}):
        prob = problem(import_price=PRICES, export_price=EXPORT_PRICE, devices=[battery(**extra)], **house)
        plan = solve(prob)
        check_invariants(prob, plan)
        out.append(plan.devices["battery"].power_kw)
    return out[0], out[1], value


def test_the_value_is_what_putting_the_energy_back_would_cost() -> None:
    """The cheapest import price of the horizon through a round trip (0.95 each way)."""
    assert stored_value_per_kwh(np.array(PRICES)) == pytest.approx(0.1 * 0.95 * 0.95)
    assert stored_value_per_kwh(None) == 0.0


def test_a_full_battery_is_not_dumped_into_export_at_the_horizons_end() -> None:
    """Valued at nothing, a full battery and an empty house export 9 kWh at 0.08 before the horizon
    ends; valued at what refilling costs (0.09), it keeps them."""
    bare, valued, _ = plans()
    assert -bare.sum() > 8.0
    assert np.allclose(valued, 0.0, atol=1e-6)


def test_a_valued_battery_still_covers_the_house_rather_than_hoard() -> None:
    """With a 1 kW house it still discharges every hour: each kWh saves more than refilling costs."""
    bare, valued, _ = plans(base_load_kw=1.0)
    assert np.allclose(valued, -1.0, atol=1e-6)
    assert -bare.sum() > -valued.sum() + 4.0  # the bare plan exports on top
