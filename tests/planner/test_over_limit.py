"""Issue 13: unavoidable excess is planned around (``over_limit``), and plans are checked per phase."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.headroom.planner import ProblemError, problem_from_json, problem_to_json, solve
from custom_components.headroom.planner.fallback import greedy
from custom_components.headroom.planner.limits import phase_currents, unavoidable_excess
from custom_components.headroom.planner.lp import LinearProgram, LpResult
from custom_components.headroom.planner.solve import _from_flows

from .helpers import check_invariants, problem

THREE_BY_16 = {"phases": {"count": 3, "fuse_a": 16.0}}
NIGHT_CHEAP = [0.1] * 4 + [0.4] * 4


def test_a_kettle_above_the_limit_in_two_steps_leaves_the_rest_of_the_day_optimal():
    # 8 steps of an hour; the base load alone is 1.5 kW above the 4 kW limit in steps 5 and 6. The
    # dishwasher still runs in the cheap night and the car charges there; the evening is flagged.
    base = [1.0] * 5 + [5.5, 5.5] + [1.0]
    prob = problem(
        8,
        import_limit_kw=4.0,
        import_price=NIGHT_CHEAP,
        base_load_kw=base,
        devices=[
            {"type": "appliance", "id": "dish", "profile_kw": [2.0, 2.0], "windows": [[0, 8]]},
            {"type": "ev", "id": "car", "energy_kwh": 4.0, "max_kw": 3.0, "min_kw": 1.0},
        ],
    )
    plan = solve(prob)
    check_invariants(prob, plan)
    assert plan.status == "over_limit"
    assert plan.over_limit_steps == [5, 6]
    assert plan.over_limit_kwh == pytest.approx(3.0, abs=1e-3)
    assert plan.breach_kwh == pytest.approx(0.0, abs=1e-6)
    assert plan.devices["dish"].start is not None and plan.devices["dish"].start <= 2
    assert plan.devices["car"].power_kw[[5, 6]].max() == 0.0
    assert plan.devices["car"].energy_kwh == pytest.approx(4.0, abs=1e-3)
    np.testing.assert_allclose(plan.grid_import_kw[[5, 6]], [5.5, 5.5], atol=1e-6)
    data = plan.to_json()
    assert data["status"] == "over_limit"
    assert data["over_limit_steps"] == [5, 6]
    assert data["over_limit_kwh"] == pytest.approx(3.0, abs=1e-3)
    assert any("uncontrollable" in n for n in plan.notes)


def test_a_forced_reservation_above_the_limit_is_over_limit_not_fallback():
    prob = problem(
        4,
        import_limit_kw=11.0,
        base_load_kw=0.6,
        devices=[
            {"type": "fixed", "id": "r1", "power_kw": [15.0, 15.0, 0.0, 0.0]},
            {"type": "fixed", "id": "r2", "power_kw": [15.0, 0.0, 0.0, 0.0]},
            {"type": "ev", "id": "car", "energy_kwh": 10.0, "max_kw": 11.0, "min_kw": 4.1},
        ],
    )
    plan = solve(prob)
    check_invariants(prob, plan)
    assert plan.status == "over_limit"
    assert plan.over_limit_steps == [0, 1]
    assert plan.over_limit_kwh == pytest.approx(19.6 + 4.6, abs=1e-3)
    assert plan.devices["car"].power_kw[[0, 1]].max() == 0.0
    assert plan.devices["car"].energy_kwh == pytest.approx(10.0, abs=1e-3)


def test_a_battery_covers_what_it_can_of_the_excess_first():
    base = [1.0, 7.0, 1.0, 1.0]  # 3 kW above the limit in step 1
    battery = {
        "type": "battery",
        "id": "bat",
        "capacity_kwh": 10.0,
        "soc_kwh": 5.0,
        "max_charge_kw": 2.0,
        "max_discharge_kw": 2.0,
    }
    prob = problem(4, import_limit_kw=4.0, base_load_kw=base, devices=[battery])
    plan = solve(prob)
    check_invariants(prob, plan)
    assert plan.status == "over_limit"
    assert plan.devices["bat"].power_kw[1] == pytest.approx(-2.0, abs=1e-4)
    assert plan.over_limit_kwh == pytest.approx(1.0, abs=1e-3)  # 3 kW less the battery's 2 kW

    bigger = problem(
        4, import_limit_kw=4.0, base_load_kw=base, devices=[{**battery, "max_discharge_kw": 5.0}]
    )
    plan = solve(bigger)
    check_invariants(bigger, plan)
    assert plan.status == "optimal"
    assert plan.over_limit_steps == []
    assert plan.grid_import_kw[1] <= 4.0 + 1e-6


def test_an_empty_battery_cannot_help_and_the_excess_stays_flagged():
    prob = problem(
        4,
        import_limit_kw=4.0,
        import_price=[0.5, 0.5, 0.5, 0.5],
        base_load_kw=[6.0, 1.0, 1.0, 1.0],
        devices=[
            {
                "type": "battery",
                "id": "bat",
                "capacity_kwh": 10.0,
                "soc_kwh": 0.0,
                "max_charge_kw": 5.0,
                "max_discharge_kw": 5.0,
            }
        ],
    )
    plan = solve(prob)
    check_invariants(prob, plan)
    assert plan.status == "over_limit"
    assert plan.over_limit_steps == [0]
    assert plan.over_limit_kwh == pytest.approx(2.0, abs=1e-3)


def test_one_heavy_phase_is_flagged_and_its_one_phase_charger_waits():
    # 3 x 16 A; the base load sits on phase 1 (80 %): 6 kW of it is 20.9 A there in step 1 only.
    site = {"phases": {"count": 3, "fuse_a": 16.0, "base_share": [0.8, 0.1, 0.1]}}
    prob = problem(
        4,
        import_limit_kw=11.0,
        base_load_kw=[1.0, 6.0, 1.0, 1.0],
        devices=[
            {"type": "ev", "id": "l1", "energy_kwh": 3.0, "max_kw": 3.6, "min_kw": 1.4, "phases": [1]},
            {"type": "ev", "id": "l2", "energy_kwh": 3.0, "max_kw": 3.6, "min_kw": 1.4, "phases": [2]},
        ],
        site=site,
    )
    plan = solve(prob)
    check_invariants(prob, plan)
    assert plan.status == "over_limit"
    assert plan.over_limit_steps == [1]
    current = phase_currents(prob, plan)
    assert current.shape == (3, 4)
    assert current[0, 1] == pytest.approx(6.0 * 0.8 * 1000 / 230, abs=1e-3)
    assert plan.devices["l1"].power_kw[1] == 0.0
    over_a = unavoidable_excess(prob).phase_a[0, 1]
    assert plan.over_limit_kwh == pytest.approx(over_a * 0.230, abs=1e-3)


def test_a_breach_plan_above_a_phase_fuse_is_breach_not_optimal():
    # A 1-phase 4 kW appliance (17.4 A) fits no phase of 3 x 16 A: with a 20 % margin it runs as a breach.
    dish = {"type": "appliance", "id": "oven", "profile_kw": [4.0], "windows": [[0, 4]], "phases": [1]}
    prob = problem(4, import_limit_kw=11.0, devices=[dish], site={**THREE_BY_16, "breach_margin": 0.2})
    plan = solve(prob)
    check_invariants(prob, plan)
    assert plan.status == "breach"
    assert plan.devices["oven"].start is not None
    assert plan.breach_kwh == pytest.approx((4.0 - 16.0 * 0.230), abs=1e-3)
    assert phase_currents(prob, plan)[0].max() <= 16.0 * 1.2 + 1e-3

    no_margin = problem(4, import_limit_kw=11.0, devices=[dish], site=THREE_BY_16)
    plan = solve(no_margin)
    check_invariants(no_margin, plan)
    assert plan.status == "optimal"
    assert plan.devices["oven"].start is None
    assert phase_currents(no_margin, plan).max() <= 16.0 + 1e-3


def test_a_one_phase_charger_is_held_to_its_phase_fuse():
    prob = problem(
        4,
        import_limit_kw=11.04,
        devices=[
            {"type": "ev", "id": "car", "energy_kwh": 30.0, "max_kw": 7.36, "min_kw": 1.4, "phases": [1]}
        ],
        site=THREE_BY_16,
    )
    plan = solve(prob)
    check_invariants(prob, plan)
    assert plan.status == "optimal"
    assert plan.devices["car"].power_kw.max() == pytest.approx(16.0 * 0.230, abs=1e-3)


def test_pv_export_beyond_a_phase_fuse_is_curtailed_in_the_plan_and_the_fallback():
    # 15 kW of PV on 3 x 16 A with nothing using it: 21.7 A out on each phase, 16 A allowed.
    prob = problem(4, import_limit_kw=11.0, pv_kw=15.0, export_limit_kw=100.0, site=THREE_BY_16)
    plan = solve(prob)
    check_invariants(prob, plan)
    assert phase_currents(prob, plan).min() >= -16.0 - 1e-3
    flows, _ = greedy(prob)
    fallback = _from_flows(prob, flows, "fallback")
    assert phase_currents(prob, fallback).min() >= -16.0 - 1e-6
    assert fallback.grid_export_kw.max() == pytest.approx(3 * 16.0 * 0.230, abs=1e-6)


def test_the_fallback_keeps_a_one_phase_battery_within_its_phase_fuse_both_ways():
    battery = {
        "type": "battery",
        "id": "bat",
        "capacity_kwh": 20.0,
        "soc_kwh": 10.0,
        "max_charge_kw": 10.0,
        "max_discharge_kw": 10.0,
        "phases": [1],
    }
    # Step 0: 9 kW of base load (3 kW a phase) the battery would cover alone from phase 1, exporting
    # 7 kW = 30 A on it. Step 2: 12 kW of PV (4 kW a phase) it would soak up on phase 1.
    prob = problem(
        4,
        import_limit_kw=11.0,
        base_load_kw=[9.0, 0.0, 0.0, 0.0],
        pv_kw=[0.0, 0.0, 12.0, 0.0],
        devices=[battery],
        site=THREE_BY_16,
    )
    flows, _ = greedy(prob)
    fallback = _from_flows(prob, flows, "fallback")
    current = phase_currents(prob, fallback)
    assert current.min() >= -16.0 - 1e-6
    assert current.max() <= 16.0 + 1e-6
    assert flows.devices["bat"].power_kw[0] < 0  # it still helps as far as the fuse allows
    assert flows.devices["bat"].power_kw[2] > 0


def test_the_fallback_is_only_for_a_solver_that_fails(monkeypatch):
    def broken(self, time_limit, mip_rel_gap=1e-3, **kwargs):
        return LpResult(None, float("nan"), None, "error", 0.0, "boom")

    prob = problem(
        4,
        import_limit_kw=4.0,
        base_load_kw=[6.0, 1.0, 1.0, 1.0],
        devices=[{"type": "ev", "id": "car", "energy_kwh": 6.0, "max_kw": 3.0, "min_kw": 1.0}],
    )
    assert solve(prob).status == "over_limit"
    monkeypatch.setattr(LinearProgram, "solve", broken)
    plan = solve(prob)
    check_invariants(prob, plan)
    assert plan.status == "fallback"
    assert plan.over_limit_steps == [0]
    assert plan.over_limit_kwh == pytest.approx(2.0)


def test_base_share_reads_back_and_is_checked():
    prob = problem(2, site={"phases": {"count": 3, "fuse_a": 25.0, "base_share": [0.5, 0.25, 0.25]}})
    assert prob.site.phases is not None and prob.site.phases.base_share == (0.5, 0.25, 0.25)
    again = problem_from_json(problem_to_json(prob))
    assert again.site.phases == prob.site.phases
    # Rounded shares are scaled to sum to 1.
    rounded = problem(2, site={"phases": {"count": 3, "fuse_a": 25.0, "base_share": [0.333, 0.333, 0.333]}})
    assert rounded.site.phases is not None
    assert sum(rounded.site.phases.base_share or ()) == pytest.approx(1.0)
    for share, field in (
        ([0.5, 0.5], "site.phases.base_share"),
        ([0.5, 0.6, 0.1], "site.phases.base_share"),
        ([0.5, -0.1, 0.6], "site.phases.base_share[1]"),
        ([0.5, float("nan"), 0.5], "site.phases.base_share[1]"),
        ("even", "site.phases.base_share"),
    ):
        with pytest.raises(ProblemError) as err:
            problem(2, site={"phases": {"count": 3, "fuse_a": 25.0, "base_share": share}})
        assert err.value.path == field


def test_phase_currents_without_a_phase_model_is_empty():
    prob = problem(3)
    plan = solve(prob)
    assert phase_currents(prob, plan).shape == (0, 3)
