"""The fallback chain, the feasibility question, input validation and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from custom_components.headroom.planner import (
    ProblemError,
    check_feasibility,
    problem_to_json,
    request_from_json,
    solve,
)
from custom_components.headroom.planner.fallback import greedy
from custom_components.headroom.planner.lp import LinearProgram

from .helpers import check_invariants, problem

DISH = {"type": "appliance", "id": "dish", "profile_kw": [3.0, 3.0], "windows": [[0, 4]]}


def test_breach_when_a_must_run_load_cannot_fit_and_margin_allows():
    prob = problem(import_limit_kw=4.0, base_load_kw=2.0, devices=[DISH], site={"breach_margin": 0.3})
    plan = solve(prob)
    check_invariants(prob, plan)
    assert plan.status == "breach"
    assert plan.breach_kwh == pytest.approx(2 * 1.0, abs=1e-3)  # 5 kW on a 4 kW limit for 2 h
    assert plan.grid_import_kw.max() <= 4.0 * 1.3 + 1e-6
    assert any("breach" in n for n in plan.notes)


def test_a_run_that_fits_nowhere_is_left_out_of_an_optimal_plan_and_noted():
    # Without a breach margin the dishwasher (3 kW on 2 kW of headroom) fits nowhere: the rest of
    # the plan stays optimal (it used to become the greedy fallback), the run is left out and said so.
    prob = problem(
        import_limit_kw=4.0,
        base_load_kw=2.0,
        devices=[DISH, {"type": "ev", "id": "car", "energy_kwh": 10.0, "max_kw": 7.0, "min_kw": 1.4}],
    )
    plan = solve(prob)
    check_invariants(prob, plan)
    assert plan.status == "optimal"
    assert plan.grid_import_kw.max() <= 4.0 + 1e-9
    assert plan.devices["dish"].start is None
    assert any("dish" in n and "not scheduled" in n for n in plan.notes)
    assert plan.devices["car"].energy_kwh == pytest.approx(8.0)  # 2 kW of headroom for 4 h
    assert plan.to_json()["explain"]["devices"]["dish"] == [{"code": "not_scheduled"}]


def test_greedy_fallback_never_exceeds_the_limit_and_says_what_it_dropped():
    prob = problem(
        import_limit_kw=4.0,
        base_load_kw=2.0,
        devices=[DISH, {"type": "ev", "id": "car", "energy_kwh": 10.0, "max_kw": 7.0, "min_kw": 1.4}],
    )
    flows, notes = greedy(prob)
    assert flows.grid_import_kw.max() <= 4.0 + 1e-9
    assert flows.devices["dish"].start is None
    assert any("dish" in n for n in notes)
    assert flows.devices["car"].energy_kwh == pytest.approx(8.0)


def test_fallback_when_the_solver_fails(monkeypatch):
    def broken(self, time_limit, mip_rel_gap=1e-4, **kwargs):
        from custom_components.headroom.planner.lp import LpResult

        return LpResult(None, float("nan"), None, "error", 0.0, "boom")

    monkeypatch.setattr(LinearProgram, "solve", broken)
    prob = problem(
        import_limit_kw=9.0,
        base_load_kw=1.0,
        devices=[
            {"type": "ev", "id": "a", "energy_kwh": 20.0, "max_kw": 7.0},
            {"type": "ev", "id": "b", "energy_kwh": 20.0, "max_kw": 7.0, "priority": 2},
        ],
    )
    plan = solve(prob)
    check_invariants(prob, plan)
    assert plan.status == "fallback"
    assert plan.grid_import_kw.max() <= 9.0 + 1e-9
    # The higher priority car is served first.
    assert plan.devices["b"].energy_kwh == pytest.approx(20.0)
    assert any("boom" in n for n in plan.notes)


def test_greedy_respects_phase_fuses():
    prob = problem(
        import_limit_kw=50.0,
        site={"phases": {"count": 3, "fuse_a": 16.0}},
        devices=[{"type": "ev", "id": "one", "energy_kwh": 20.0, "max_kw": 7.4, "phases": [2]}],
    )
    flows, _ = greedy(prob)
    assert flows.devices["one"].power_kw.max() == pytest.approx(16.0 * 230 / 1000)


def test_solver_watchdog_returns_no_plan_when_the_solver_hangs(monkeypatch):
    import custom_components.headroom.planner.lp as lp_module

    def hang(*args, **kwargs):
        import time

        time.sleep(0.8)

    monkeypatch.setattr(lp_module, "milp", hang)
    lp = LinearProgram()
    lp.add_vars(1, 0, 1, 1.0)
    result = lp.solve(time_limit=0.1, grace_s=0.1)
    assert result.x is None and result.status == "watchdog"
    import threading

    for thread in threading.enumerate():
        if thread.name == "headroom-milp":
            thread.join()


# ------------------------------------------------------------------ feasibility (seed 001)


def home_with_one_car():
    return problem(
        steps=8,
        import_limit_kw=11.0,
        base_load_kw=1.0,
        import_price=[0.3, 0.3, 0.1, 0.1, 0.1, 0.1, 0.3, 0.3],
        devices=[
            {"type": "ev", "id": "here", "arrival": 0, "departure": 8, "energy_kwh": 30.0, "max_kw": 7.0}
        ],
    )


def test_feasibility_yes_with_earliest_finish_and_extra_cost():
    prob = home_with_one_car()
    before = problem_to_json(prob)
    request = request_from_json(
        {"arrival": 2, "departure": 6, "energy_kwh": 8.0, "max_kw": 7.0, "min_kw": 1.4}, prob
    )
    answer = check_feasibility(prob, request)
    assert answer.feasible
    assert answer.earliest_finish_step == 4  # 4 kW in steps 2 and 3, the first car making room
    assert answer.max_energy_kwh >= 8.0
    # At least 8 kWh at the cheapest price, more because the first car moves to dearer steps.
    assert answer.extra_cost >= 0.8 - 1e-6
    assert problem_to_json(prob) == before  # nothing changed
    # The car that is already here keeps its energy.
    assert sum(answer.planned_power_kw) == pytest.approx(8.0, abs=1e-3)


def test_feasibility_no_names_the_import_limit():
    prob = home_with_one_car()
    # The first car can move out of steps 2-5 all but 2 kWh, which it must take at >= 4.14 kW.
    request = request_from_json({"arrival": 2, "departure": 6, "energy_kwh": 27.0, "max_kw": 7.0}, prob)
    answer = check_feasibility(prob, request)
    assert not answer.feasible
    assert answer.earliest_finish_step is None
    assert answer.max_energy_kwh == pytest.approx(3 * 7.0 + 10.0 - 4.14, abs=1e-3)
    assert "import_limit" in answer.limited_by
    assert json.loads(json.dumps(answer.to_json()))["feasible"] is False


def test_feasibility_no_names_the_window():
    prob = problem(steps=4)
    request = request_from_json({"arrival": 0, "departure": 2, "energy_kwh": 30.0, "max_kw": 7.0}, prob)
    answer = check_feasibility(prob, request)
    assert not answer.feasible
    assert answer.limited_by == ["window", "max_power"]
    assert answer.max_energy_kwh == pytest.approx(14.0)


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["site"].update(fuse=3), "site.fuse"),
        (lambda d: d["tariff"].update(import_price=[0.1, 0.2]), "tariff.import_price"),
        (lambda d: d["devices"][0].update(capacity_kwh=-1), "devices[0].capacity_kwh"),
        (lambda d: d["devices"][0].update(soc_kwh=20), "devices[0].soc_kwh"),
        (lambda d: d["devices"][1].update(arrival=3, departure=1), "devices[1].departure"),
        (lambda d: d["devices"][1].update(energy_kwh=float("nan")), "devices[1].energy_kwh"),
        (lambda d: d["devices"][1].update(colour="red"), "devices[1].colour"),
        (lambda d: d["devices"][2].update(windows=[[0, 1]]), "devices[2].windows"),
        (lambda d: d["devices"][1].update(id="bat"), "devices[1].id"),
        (lambda d: d.update(start="yesterday"), "start"),
        (lambda d: d["base_load_kw"].__setitem__(1, "x"), "base_load_kw[1]"),
    ],
)
def test_bad_input_names_the_field(change, path):
    data = json.loads(
        json.dumps(
            problem_to_json(
                problem(
                    devices=[
                        {
                            "type": "battery",
                            "id": "bat",
                            "capacity_kwh": 10.0,
                            "soc_kwh": 5.0,
                            "max_charge_kw": 3.0,
                            "max_discharge_kw": 3.0,
                        },
                        {"type": "ev", "id": "car", "energy_kwh": 10.0, "max_kw": 7.0},
                        {"type": "appliance", "id": "dish", "profile_kw": [1.0, 1.0], "windows": [[0, 4]]},
                    ],
                    base_load_kw=[0.5] * 4,
                )
            )
        )
    )
    change(data)
    from custom_components.headroom.planner import problem_from_json

    with pytest.raises(ProblemError) as err:
        problem_from_json(data)
    assert err.value.path == path


def test_round_trip_through_json():
    prob = problem(
        devices=[
            {"type": "ev", "id": "car", "energy_kwh": 10.0, "max_kw": 7.0, "previous_power_kw": [0, 7, 0, 0]}
        ],
        site={"phases": {"fuse_a": 25}},
    )
    from custom_components.headroom.planner import problem_from_json

    again = problem_from_json(json.loads(json.dumps(problem_to_json(prob))))
    assert problem_to_json(again) == problem_to_json(prob)


# ------------------------------------------------------------------ CLI


def run_cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "custom_components.headroom.planner", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def test_cli_solves_and_answers(tmp_path, request):
    root = request.config.rootpath
    prob_file = tmp_path / "p.json"
    prob_file.write_text(json.dumps(problem_to_json(home_with_one_car())))
    out = run_cli("solve", str(prob_file), "--time-limit", "5", cwd=root)
    assert out.returncode == 0, out.stderr
    plan = json.loads(out.stdout)
    assert plan["status"] == "optimal" and len(plan["grid_import_kw"]) == 8
    req = tmp_path / "r.json"
    req.write_text(
        json.dumps({"arrival": 2, "departure": 6, "energy_kwh": 8.0, "max_kw": 7.0, "min_kw": 1.4})
    )
    out = run_cli("feasibility", str(prob_file), str(req), cwd=root)
    assert out.returncode == 0 and json.loads(out.stdout)["feasible"] is True


def test_cli_bad_input_exits_2_with_one_line(tmp_path, request):
    data = problem_to_json(home_with_one_car())
    data["devices"][0]["departure"] = -1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    out = run_cli("solve", str(bad), cwd=request.config.rootpath)
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0
    assert "devices[0].departure" in out.stderr
    out = run_cli("solve", str(tmp_path / "missing.json"), cwd=request.config.rootpath)
    assert out.returncode == 2
    np.testing.assert_equal(out.stdout, "")
