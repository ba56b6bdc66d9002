"""Tiny problems whose optimum is known by hand, one device kind at a time."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.headroom.planner import problem_from_json, problem_to_json, solve

from .helpers import check_invariants, problem


def ev(**kw):
    return {
        "type": "ev",
        "id": "car",
        "arrival": 0,
        "departure": 4,
        "energy_kwh": 7.0,
        "max_kw": 7.0,
        "min_kw": 1.4,
        **kw,
    }


def test_ev_charges_in_the_cheapest_step():
    prob = problem(import_price=[0.3, 0.1, 0.2, 0.05], devices=[ev()])
    plan = solve(prob)
    check_invariants(prob, plan)
    assert plan.status == "optimal"
    np.testing.assert_allclose(plan.devices["car"].power_kw, [0, 0, 0, 7.0], atol=1e-4)
    assert plan.cost == pytest.approx(0.35, abs=1e-6)
    assert plan.baseline_cost == pytest.approx(7 * 0.3)
    assert plan.devices["car"].finish_step == 4
    codes = [r["code"] for r in plan.devices["car"].reasons]
    assert "cheapest_steps" in codes and "waiting" in codes


def test_fastest_ev_charges_at_once_even_when_later_is_cheaper():
    prob = problem(import_price=[0.3, 0.2, 0.1, 0.05], devices=[ev(energy_kwh=10.0, mode="fastest")])
    plan = solve(prob)
    np.testing.assert_allclose(plan.devices["car"].power_kw, [7.0, 3.0, 0, 0], atol=1e-4)
    assert plan.devices["car"].finish_step == 2


def test_ev_power_is_zero_or_above_its_minimum():
    # 2 kWh in 15-minute steps with a 4.14 kW minimum: two steps at 4 kW are not allowed, so the
    # car gets two steps at the minimum (2.07 kWh): a little more than asked, never less.
    prob = problem(
        steps=4, step_minutes=15, import_price=0.2, devices=[ev(energy_kwh=2.0, max_kw=7.4, min_kw=4.14)]
    )
    plan = solve(prob)
    check_invariants(prob, plan)
    p = plan.devices["car"].power_kw
    assert all(v == 0 or 4.14 - 1e-6 <= v <= 7.4 + 1e-6 for v in p)
    assert plan.devices["car"].energy_kwh == pytest.approx(2.07, abs=1e-3)
    assert plan.devices["car"].shortfall_kwh == 0


def test_energy_not_reachable_in_the_window_delivers_as_much_as_possible():
    prob = problem(devices=[ev(arrival=1, departure=3, energy_kwh=30.0)])
    plan = solve(prob)
    car = plan.devices["car"]
    assert car.energy_kwh == pytest.approx(14.0, abs=1e-4)
    assert car.shortfall_kwh == pytest.approx(16.0, abs=1e-4)
    assert car.finish_step is None
    assert {"code": "window", "shortfall_kwh": 16.0} in car.reasons


def test_two_evs_behind_one_breaker_never_trip_it():
    """Seed 000 scenario 01: each car alone fits the fuse, both at once do not."""
    cars = [
        ev(id="a", energy_kwh=11.0, max_kw=11.0, min_kw=4.1),
        ev(id="b", energy_kwh=11.0, max_kw=11.0, min_kw=4.1),
    ]
    prob = problem(import_price=[0.1, 0.1, 0.3, 0.3], import_limit_kw=16.0, base_load_kw=1.0, devices=cars)
    plan = solve(prob)
    check_invariants(prob, plan)
    assert plan.devices["a"].shortfall_kwh == pytest.approx(0, abs=1e-4)
    assert plan.devices["b"].shortfall_kwh == pytest.approx(0, abs=1e-4)
    assert plan.baseline_limit_exceeded_steps == 1  # both at 11 kW in step 0: 23 kW on a 16 kW fuse
    assert plan.grid_import_kw.max() <= 16.0 + 1e-6
    assert any(r["code"] == "import_limit_binding" for d in ("a", "b") for r in plan.devices[d].reasons)


def test_higher_priority_is_served_first_when_capacity_is_short():
    cars = [ev(id="low", energy_kwh=20.0, priority=1), ev(id="high", energy_kwh=20.0, priority=3)]
    prob = problem(import_limit_kw=7.0, devices=cars)
    plan = solve(prob)
    assert plan.devices["high"].energy_kwh == pytest.approx(20.0, abs=1e-3)
    assert plan.devices["low"].energy_kwh == pytest.approx(8.0, abs=1e-3)
    assert any(r["code"] == "priority" for r in plan.devices["low"].reasons)


def test_lowered_limit_moves_charging_out_of_a_dsr_event():
    prob = problem(
        import_price=[0.1, 0.1, 0.2, 0.2],
        import_limit_kw=[2.0, 2.0, 20.0, 20.0],
        devices=[ev(energy_kwh=14.0)],
    )
    plan = solve(prob)
    check_invariants(prob, plan)
    p = plan.devices["car"].power_kw
    assert p[0] <= 2.0 + 1e-6 and p[1] <= 2.0 + 1e-6
    assert plan.devices["car"].energy_kwh == pytest.approx(14.0, abs=1e-3)


def test_battery_arbitrage_with_losses():
    bat = {
        "type": "battery",
        "id": "bat",
        "capacity_kwh": 10.0,
        "soc_kwh": 0.0,
        "max_charge_kw": 5.0,
        "max_discharge_kw": 5.0,
        "charge_efficiency": 0.9,
        "discharge_efficiency": 0.9,
    }
    prob = problem(steps=2, import_price=[0.1, 0.4], base_load_kw=5.0, devices=[bat])
    plan = solve(prob)
    check_invariants(prob, plan)
    np.testing.assert_allclose(plan.devices["bat"].power_kw, [5.0, -4.05], atol=1e-4)
    assert plan.cost == pytest.approx(0.1 * 10 + 0.4 * 0.95, abs=1e-5)
    assert plan.devices["bat"].mode == ["forced_charge", "self_consumption"]


def test_battery_takes_pv_surplus_in_self_consumption():
    bat = {
        "type": "battery",
        "id": "bat",
        "capacity_kwh": 10.0,
        "soc_kwh": 0.0,
        "max_charge_kw": 3.0,
        "max_discharge_kw": 3.0,
        "charge_efficiency": 1.0,
        "discharge_efficiency": 1.0,
        "grid_charge": False,
    }
    prob = problem(
        steps=2, import_price=0.3, export_price=0.05, base_load_kw=[1.0, 2.0], pv_kw=[3.0, 0.0], devices=[bat]
    )
    plan = solve(prob)
    check_invariants(prob, plan)
    np.testing.assert_allclose(plan.devices["bat"].power_kw, [2.0, -2.0], atol=1e-4)
    assert plan.devices["bat"].mode == ["self_consumption", "self_consumption"]


def test_battery_without_grid_charge_does_not_charge_from_cheap_grid():
    bat = {
        "type": "battery",
        "id": "bat",
        "capacity_kwh": 10.0,
        "soc_kwh": 0.0,
        "max_charge_kw": 5.0,
        "max_discharge_kw": 5.0,
        "grid_charge": False,
    }
    prob = problem(steps=2, import_price=[0.01, 0.5], base_load_kw=2.0, devices=[bat])
    plan = solve(prob)
    np.testing.assert_allclose(plan.devices["bat"].power_kw, [0.0, 0.0], atol=1e-6)


def test_battery_never_charges_and_discharges_at_once_on_negative_prices():
    bat = {
        "type": "battery",
        "id": "bat",
        "capacity_kwh": 10.0,
        "soc_kwh": 5.0,
        "max_charge_kw": 5.0,
        "max_discharge_kw": 5.0,
        "charge_efficiency": 0.9,
        "discharge_efficiency": 0.9,
    }
    prob = problem(steps=3, import_price=[-0.2, -0.2, -0.2], export_limit_kw=0.0, devices=[bat])
    plan = solve(prob)
    check_invariants(prob, plan)  # SoC follows the efficiencies of the net power only
    assert plan.devices["bat"].soc_kwh[-1] == pytest.approx(10.0, abs=1e-3)


def test_final_soc_is_reached():
    bat = {
        "type": "battery",
        "id": "bat",
        "capacity_kwh": 10.0,
        "soc_kwh": 2.0,
        "max_charge_kw": 5.0,
        "max_discharge_kw": 5.0,
        "final_soc_kwh": 8.0,
        "charge_efficiency": 1.0,
    }
    prob = problem(steps=3, import_price=[0.3, 0.1, 0.2], devices=[bat])
    plan = solve(prob)
    assert plan.devices["bat"].soc_kwh[-1] == pytest.approx(8.0, abs=1e-3)
    assert plan.devices["bat"].power_kw[1] == pytest.approx(5.0, abs=1e-4)


def test_appliance_starts_in_the_cheapest_window():
    dish = {"type": "appliance", "id": "dish", "profile_kw": [2.0, 1.0], "windows": [[0, 2], [3, 6]]}
    prob = problem(steps=6, import_price=[0.3, 0.3, 0.05, 0.05, 0.1, 0.1], devices=[dish])
    plan = solve(prob)
    check_invariants(prob, plan)
    # 2-3 is cheapest but not inside one window; 3-4 is the best whole run inside one.
    assert plan.devices["dish"].start == 3
    assert plan.devices["dish"].reasons[0]["code"] == "cheapest_window"


def test_running_appliance_stays_where_it_is():
    dish = {
        "type": "appliance",
        "id": "dish",
        "profile_kw": [2.0, 2.0, 1.0],
        "windows": [[0, 6]],
        "started_step": -1,
    }
    prob = problem(steps=6, import_price=[0.5, 0.1, 0.1, 0.1, 0.1, 0.1], devices=[dish])
    plan = solve(prob)
    np.testing.assert_allclose(plan.devices["dish"].power_kw, [2.0, 1.0, 0, 0, 0, 0])
    assert plan.cost == pytest.approx(0.5 * 2 + 0.1, abs=1e-6)


def test_fixed_reservation_takes_headroom():
    reservation = {"type": "fixed", "id": "reserved", "power_kw": [0, 8.0, 8.0, 0]}
    prob = problem(
        import_price=[0.3, 0.1, 0.1, 0.3], import_limit_kw=10.0, devices=[ev(energy_kwh=7.0), reservation]
    )
    plan = solve(prob)
    check_invariants(prob, plan)
    np.testing.assert_allclose(plan.grid_import_kw[1:3], [10.0, 10.0], atol=1e-4)


def test_capacity_tariff_flattens_the_peak():
    prob = problem(
        import_price=0.1,
        devices=[ev(energy_kwh=8.0, max_kw=8.0, min_kw=0.0, start_penalty=0)],
        tariff={"peak_price_per_kw": 1.0, "peak_kw_so_far": 1.0},
    )
    plan = solve(prob)
    check_invariants(prob, plan)
    assert plan.grid_import_kw.max() == pytest.approx(2.0, abs=1e-4)
    assert plan.cost == pytest.approx(0.8 + 2.0, abs=1e-4)


def test_single_phase_charger_is_held_to_its_phase_fuse():
    one_phase = ev(id="one", energy_kwh=20.0, max_kw=7.4, min_kw=1.38, phases=[1])
    three_phase = ev(id="three", energy_kwh=40.0, max_kw=11.0, min_kw=4.14, phases=3)
    prob = problem(
        import_limit_kw=100.0, devices=[one_phase, three_phase], site={"phases": {"count": 3, "fuse_a": 20.0}}
    )
    plan = solve(prob)
    check_invariants(prob, plan)
    amps_l1 = (plan.devices["one"].power_kw + plan.devices["three"].power_kw / 3) * 1000 / 230
    assert amps_l1.max() <= 20.0 + 1e-3
    assert plan.devices["one"].energy_kwh + plan.devices["three"].energy_kwh > 30.0


def test_pv_is_curtailed_at_negative_export_prices():
    prob = problem(steps=2, import_price=0.2, export_price=[-0.1, 0.05], base_load_kw=1.0, pv_kw=4.0)
    plan = solve(prob)
    check_invariants(prob, plan)
    np.testing.assert_allclose(plan.pv_used_kw, [1.0, 4.0], atol=1e-4)
    np.testing.assert_allclose(plan.grid_export_kw, [0.0, 3.0], atol=1e-4)


def test_meter_does_not_import_to_export_when_export_pays_more():
    bat = {
        "type": "battery",
        "id": "bat",
        "capacity_kwh": 10.0,
        "soc_kwh": 5.0,
        "max_charge_kw": 5.0,
        "max_discharge_kw": 5.0,
    }
    prob = problem(steps=2, import_price=0.1, export_price=0.3, base_load_kw=1.0, devices=[bat])
    plan = solve(prob)
    check_invariants(prob, plan)
    # The battery's own energy may be sold; buying to resell in the same step may not.
    assert plan.grid_import_kw.max() <= 1e-6 or plan.grid_export_kw.max() <= 1e-6 or True
    assert np.all(np.minimum(plan.grid_import_kw, plan.grid_export_kw) <= 1e-6)
    assert plan.cost > -1.5


def test_previous_plan_is_kept_at_equal_cost():
    previous = [0.0, 0.0, 7.0, 0.0]
    prob = problem(import_price=0.2, devices=[ev(previous_power_kw=previous)])
    plan = solve(prob)
    np.testing.assert_allclose(plan.devices["car"].power_kw, previous, atol=1e-4)


def test_charging_now_is_not_stopped_for_pennies():
    # Charging now; stopping for a step that is 0.003 cheaper would need a restart.
    def plan_with(start_penalty):
        prob = problem(
            steps=3,
            import_price=[0.200, 0.3, 0.199],
            devices=[
                ev(
                    departure=3,
                    energy_kwh=3.0,
                    max_kw=3.0,
                    min_kw=3.0,
                    power_now_kw=3.0,
                    start_penalty=start_penalty,
                )
            ],
        )
        return solve(prob).devices["car"].power_kw

    np.testing.assert_allclose(plan_with(0.05), [3.0, 0, 0], atol=1e-4)
    np.testing.assert_allclose(plan_with(0.0), [0, 0, 3.0], atol=1e-4)


def test_solar_only_charging_follows_the_per_step_ceiling():
    """A car on "solar only" gets at most the PV surplus in each step, even when import is cheap."""
    prob = problem(
        steps=4,
        import_price=[0.05, 0.3, 0.3, 0.05],
        devices=[{**ev(energy_kwh=10.0, max_kw=11.0, min_kw=0.0), "max_kw_per_step": [0, 3, 5, 0]}],
    )
    plan = solve(prob)
    check_invariants(prob, plan)
    np.testing.assert_allclose(plan.devices["car"].power_kw, [0, 3, 5, 0], atol=1e-6)
    assert plan.devices["car"].shortfall_kwh == pytest.approx(2.0)
    assert problem_from_json(problem_to_json(prob)).devices[0].max_kw_per_step.tolist() == [0, 3, 5, 0]
