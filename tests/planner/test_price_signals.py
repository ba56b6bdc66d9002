"""Price signals from the plan's duals (integers fixed): the contract for a device that plans itself."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from custom_components.headroom.planner import Problem, problem_from_json, solve
from custom_components.headroom.planner.model import Site, Tariff

EXAMPLES = Path(__file__).parents[2] / "examples"


def two_evs(limit_kw: float) -> Problem:
    problem = problem_from_json(json.loads((EXAMPLES / "seed000_two_evs_one_breaker.json").read_text()))
    site = dataclasses.replace(problem.site, import_limit_kw=np.full(problem.steps, limit_kw))
    return dataclasses.replace(problem, site=site)


def alone_on(problem: Problem, device_id: str, price: np.ndarray) -> Problem:
    """The device alone, knowing only its signal: ample capacity, the signal as its import price."""
    device = next(d for d in problem.devices if d.id == device_id)
    zeros = np.zeros(problem.steps)
    return dataclasses.replace(
        problem,
        site=Site(import_limit_kw=np.full(problem.steps, 1e3), export_limit_kw=zeros),
        tariff=Tariff(import_price=price, export_price=zeros),
        base_load_kw=zeros,
        pv_kw=zeros,
        devices=(device,),
    )


def test_the_signal_leads_a_self_planning_car_to_the_central_plans_steps() -> None:
    """With capacity to spare, each car planning itself on its signal charges in exactly the steps
    (and at the power) the central plan gives it."""
    problem = two_evs(30.0)
    central = solve(problem, price_signals=True)
    assert set(central.price_signals) == {"evse_1", "evse_2"}
    for device_id, signal in central.price_signals.items():
        # Nothing binds: the signal is the import price of every step.
        assert signal == pytest.approx(problem.tariff.import_price, abs=1e-6)
        own = solve(alone_on(problem, device_id, signal)).devices[device_id].power_kw
        assert own == pytest.approx(central.devices[device_id].power_kw, abs=1e-3)
        assert (own[problem.tariff.import_price == 0.12] > 0).all()


def test_a_binding_limit_raises_the_signal_where_capacity_is_short() -> None:
    """On 17 kW both cars want the 0.12 hour: the signal there carries what the capacity is worth
    (the next cheapest hour's 0.18): there it is no cheaper than the hour the rest must go to."""
    problem = two_evs(17.0)
    plan = solve(problem, price_signals=True)
    cheap = problem.tariff.import_price == 0.12
    for signal in plan.price_signals.values():
        # (the objective's tie-breaks add hundredths of a cent)
        assert signal[cheap] == pytest.approx(0.18, abs=1e-3)
        assert signal[~cheap] == pytest.approx(problem.tariff.import_price[~cheap], abs=1e-3)
    assert solve(problem).price_signals == {}  # only when asked for


def test_a_phase_limit_prices_only_the_devices_on_that_phase() -> None:
    """Two 1-phase chargers on L1 and L2 with a busy L1: the L1 car's signal is dearer in the steps
    L1's fuse binds, the L2 car's is the import price."""
    data = json.loads((EXAMPLES / "seed000_two_evs_one_breaker.json").read_text())
    data["site"] = {"import_limit_kw": 40.0, "phases": {"count": 3, "fuse_a": 25}}
    # The L1 car could take 7.4 kW (32 A) but L1 has 25 A, 13 of them the oven's; the L2 car takes 16 A.
    for device, phase, max_kw in zip(data["devices"], (1, 2), (7.4, 3.7), strict=True):
        device.update({"phases": [phase], "max_kw": max_kw, "min_kw": 1.4, "energy_kwh": 6.5})
    data["base_load_kw"] = 0.0
    data["devices"].append({"type": "fixed", "id": "oven", "power_kw": [3.0] * 16, "phases": [1]})
    problem = problem_from_json(data)
    plan = solve(problem, price_signals=True)
    cheap = problem.tariff.import_price == 0.12
    on_l1, on_l2 = plan.price_signals["evse_1"], plan.price_signals["evse_2"]
    assert (on_l1[cheap] > problem.tariff.import_price[cheap] + 1e-3).all()
    assert on_l2 == pytest.approx(problem.tariff.import_price, abs=1e-3)
