"""The thermal store (a geyser, a heat-pump buffer): optima known by hand, and the kind registry."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.headroom.planner import (
    ProblemError,
    ThermalStorage,
    problem_from_json,
    problem_to_json,
    solve,
)
from custom_components.headroom.planner import model as planner_model
from custom_components.headroom.planner.baseline import baseline
from custom_components.headroom.planner.envelope import allocations
from custom_components.headroom.planner.fallback import greedy
from custom_components.headroom.planner.formulation import formulate
from custom_components.headroom.planner.kinds import kind_named, kind_of

from .helpers import check_invariants, check_thermal, problem

DEAR, CHEAP = 0.4, 0.1


def geyser(**kw: Any) -> dict[str, Any]:
    """A 10 kWh tank with a 3 kW element behind a switch, losing 0.3 kW."""
    return {
        "type": "thermal_storage",
        "id": "geyser",
        "capacity_kwh": 10.0,
        "energy_kwh": 2.0,
        "max_kw": 3.0,
        "loss_kw": 0.3,
        **kw,
    }


def comfort_at(steps: int, step: int, kwh: float) -> list[float]:
    out = [0.0] * steps
    out[step] = kwh
    return out


def cheap_night(**kw: Any) -> Any:
    """8 one-hour steps, cheap in steps 1-2; the tank must hold 5.5 kWh at the end of step 6."""
    return problem(
        8,
        import_price=[DEAR, CHEAP, CHEAP, DEAR, DEAR, DEAR, DEAR, DEAR],
        devices=[geyser(comfort_kwh=comfort_at(8, 6, 5.5), **kw)],
    )


def test_on_off_element_heats_exactly_in_the_cheap_steps() -> None:
    # Without heat the tank holds 2 - 7 x 0.3 = -0.1 kWh by the end of step 6; one 3 kWh step is
    # not enough for 5.5, two are (5.9): the two cheap ones.
    prob = cheap_night()
    plan = solve(prob)
    check_invariants(prob, plan)
    assert plan.status == "optimal"
    tank = plan.devices["geyser"]
    np.testing.assert_allclose(tank.power_kw, [0, 3, 3, 0, 0, 0, 0, 0], atol=1e-6)
    np.testing.assert_allclose(tank.soc_kwh, [1.7, 4.4, 7.1, 6.8, 6.5, 6.2, 5.9, 5.6], atol=1e-6)
    comfort = np.array(comfort_at(8, 6, 5.5))
    assert np.all(tank.soc_kwh >= comfort - 1e-6) and np.all(tank.soc_kwh <= 10.0 + 1e-6)
    assert tank.shortfall_kwh == 0.0
    assert plan.cost == pytest.approx(2 * 3.0 * CHEAP, abs=1e-9)
    reasons = {r["code"]: r for r in tank.reasons}
    assert reasons["cheapest_steps"]["steps"] == [1, 2]
    assert reasons["comfort"] == {"code": "comfort", "needed_by": 6, "steps": [1, 2]}
    data = plan.to_json()["devices"]["geyser"]
    assert data["shortfall_kwh"] == 0.0 and len(data["soc_kwh"]) == 8


def test_thermostat_is_business_as_usual() -> None:
    # On below 9 kWh (capacity minus 10 %), off when full: 3, 3, then 2.9 kW to fill up to 10 kWh;
    # 0.3 kW lost per hour brings it under 9 kWh at the end of step 6, so it tops up 1.5 kW in step 7.
    prob = cheap_night()
    bau = baseline(prob)
    tank = bau.devices["geyser"]
    np.testing.assert_allclose(tank.power_kw, [3, 3, 2.9, 0, 0, 0, 0, 1.5], atol=1e-9)
    np.testing.assert_allclose(tank.soc_kwh, [4.7, 7.4, 10.0, 9.7, 9.4, 9.1, 8.8, 10.0], atol=1e-9)
    assert bau.cost == pytest.approx(DEAR * 3 + CHEAP * 3 + CHEAP * 2.9 + DEAR * 1.5)
    assert solve(prob).baseline_cost == pytest.approx(bau.cost)


def test_thermostat_heats_below_comfort_even_above_its_band() -> None:
    prob = problem(2, devices=[geyser(energy_kwh=9.5, loss_kw=0.0, comfort_kwh=[9.8, 9.8])])
    np.testing.assert_allclose(baseline(prob).devices["geyser"].power_kw, [0.5, 0.0], atol=1e-9)


def test_losses_and_draws_are_honoured() -> None:
    # A morning and an evening shower (4 kWh each) from a tank kept at 3 kWh or more.
    draws = [0.0] * 12
    draws[3] = draws[9] = 4.0
    prices = [0.1, 0.1, 0.1, 0.3, 0.3, 0.3, 0.2, 0.2, 0.2, 0.3, 0.3, 0.3]
    prob = problem(
        12,
        import_price=prices,
        devices=[
            geyser(capacity_kwh=12.0, energy_kwh=4.0, loss_kw=0.1, draw_kw=draws, comfort_kwh=[3.0] * 12)
        ],
    )
    plan = solve(prob)
    check_invariants(prob, plan)
    tank = plan.devices["geyser"]
    assert tank.shortfall_kwh == 0.0
    assert np.all(tank.soc_kwh >= 3.0 - 1e-6)
    # Every kWh of heat drawn or lost was bought (efficiency 1), less what the tank gave up.
    bought = tank.power_kw.sum()
    assert bought == pytest.approx(sum(draws) + 12 * 0.1 + tank.soc_kwh[-1] - 4.0, abs=1e-6)
    # Heat is bought in the cheap steps before each draw: two at night for the morning (4 - 0.4 - 4
    # + 6 = 5.6 kWh left), one in steps 6-8 for the evening (5.6 - 0.6 - 4 + 3 = 4 kWh left).
    on = set(np.nonzero(tank.power_kw)[0].tolist())
    assert len(on & {0, 1, 2}) == 2 and len(on & {6, 7, 8}) == 1 and len(on) == 3


def test_modulating_heat_pump_with_cop_3() -> None:
    # 7.5 kWh of heat by the end of step 2 is 2.5 kWh of electricity: 2 kW in the cheapest step (1),
    # the rest (0.5 kW) in the next cheapest before it (2). A 3 kWh draw in step 3 it can afford.
    pump = {
        "type": "thermal_storage",
        "id": "buffer",
        "capacity_kwh": 12.0,
        "energy_kwh": 0.0,
        "max_kw": 2.0,
        "on_off": False,
        "efficiency": 3.0,
        "draw_kw": [0, 0, 0, 3.0],
        "comfort_kwh": [0, 0, 7.5, 0],
    }
    prob = problem(4, import_price=[0.3, 0.1, 0.2, 0.4], devices=[pump])
    plan = solve(prob)
    check_invariants(prob, plan)
    buffer = plan.devices["buffer"]
    np.testing.assert_allclose(buffer.power_kw, [0, 2.0, 0.5, 0], atol=1e-6)
    np.testing.assert_allclose(buffer.soc_kwh, [0, 6.0, 7.5, 4.5], atol=1e-6)
    assert plan.cost == pytest.approx(2.0 * 0.1 + 0.5 * 0.2, abs=1e-6)


def test_comfort_out_of_reach_is_a_reported_shortfall_not_a_failure() -> None:
    # A 2 kW limit never lets the 3 kW element switch on: the tank holds 1 kWh against 5 throughout.
    prob = problem(
        4, import_limit_kw=2.0, devices=[geyser(energy_kwh=1.0, loss_kw=0.0, comfort_kwh=[5.0] * 4)]
    )
    plan = solve(prob)
    check_invariants(prob, plan)
    assert plan.status == "optimal"
    tank = plan.devices["geyser"]
    np.testing.assert_allclose(tank.power_kw, 0.0)
    assert tank.shortfall_kwh == pytest.approx(4 * 4.0)
    short = next(r for r in tank.reasons if r["code"] == "comfort_shortfall")
    assert short["steps"] == [0, 1, 2, 3] and short["shortfall_kwh"] == 16.0


def test_draws_beyond_the_element_run_the_tank_cold_and_say_so() -> None:
    # 5 kWh drawn in step 1 from a cold tank with a 2 kW element: flat out it is still 1 kWh short
    # (colder than usable) at the end of step 1, and heating on in step 2 wins that back.
    prob = problem(3, devices=[geyser(energy_kwh=0.0, max_kw=2.0, loss_kw=0.0, draw_kw=[0, 5.0, 0])])
    plan = solve(prob)
    check_invariants(prob, plan)
    assert plan.status == "optimal"
    tank = plan.devices["geyser"]
    np.testing.assert_allclose(tank.power_kw, [2.0, 2.0, 2.0], atol=1e-6)
    np.testing.assert_allclose(tank.soc_kwh, [2.0, -1.0, 1.0], atol=1e-6)
    assert tank.shortfall_kwh == pytest.approx(1.0)
    assert {"code": "comfort", "needed_by": 1, "steps": [0, 1]} in tank.reasons


def test_pv_surplus_heats_the_tank_instead_of_being_exported_for_nothing() -> None:
    prob = problem(
        3,
        import_price=0.3,
        export_price=0.0,
        pv_kw=[0, 4.0, 0],
        devices=[geyser(energy_kwh=0.0, loss_kw=0.0, on_off=False, comfort_kwh=[0, 0, 3.0])],
    )
    plan = solve(prob)
    check_invariants(prob, plan)
    np.testing.assert_allclose(plan.devices["geyser"].power_kw, [0, 3.0, 0], atol=1e-6)
    assert plan.cost == pytest.approx(0.0, abs=1e-9)
    assert {"code": "pv_surplus", "steps": [1]} in plan.devices["geyser"].reasons


def test_upper_bound_is_hard_and_a_full_tank_takes_no_more() -> None:
    # Being paid to import, it fills up, but no further than full (1 kWh), whenever it likes.
    prob = problem(4, import_price=-0.1, devices=[geyser(energy_kwh=9.0, loss_kw=0.0, on_off=False)])
    plan = solve(prob)
    check_invariants(prob, plan)
    assert plan.devices["geyser"].soc_kwh[-1] == pytest.approx(10.0, abs=1e-6)
    assert plan.devices["geyser"].power_kw.sum() == pytest.approx(1.0, abs=1e-6)


def test_previous_plan_is_kept_at_equal_price() -> None:
    previous = [0.0, 0.0, 3.0, 0.0]
    prob = problem(
        4,
        import_price=0.2,
        devices=[geyser(energy_kwh=0.0, loss_kw=0.0, comfort_kwh=[0, 0, 0, 3.0], previous_power_kw=previous)],
    )
    np.testing.assert_allclose(solve(prob).devices["geyser"].power_kw, previous, atol=1e-6)


def test_greedy_fallback_meets_comfort_in_the_cheapest_earlier_steps_within_the_limit() -> None:
    # 5 kWh by the end of step 4 takes two 3 kW steps. Step 1 is cheapest; step 3 is as cheap but
    # has only 2 kW of room; of the next cheapest (0 and 4, equal) it takes the later.
    prob = problem(
        6,
        import_price=[0.3, 0.1, 0.4, 0.1, 0.3, 0.3],
        import_limit_kw=[5, 5, 5, 3, 5, 5],
        base_load_kw=1.0,
        devices=[geyser(energy_kwh=0.0, loss_kw=0.0, comfort_kwh=comfort_at(6, 4, 5.0))],
    )
    flows, notes = greedy(prob)
    np.testing.assert_allclose(flows.devices["geyser"].power_kw, [0, 3, 0, 0, 3, 0])
    assert np.all(flows.grid_import_kw <= prob.site.import_limit_kw + 1e-9)
    assert flows.devices["geyser"].shortfall_kwh == 0.0 and notes == []
    check_thermal(prob, prob.devices[0], flows.devices["geyser"])


def test_greedy_fallback_says_when_comfort_cannot_be_met() -> None:
    prob = problem(
        2, import_limit_kw=2.0, devices=[geyser(energy_kwh=0.0, loss_kw=0.0, comfort_kwh=[1.0, 1.0])]
    )
    flows, notes = greedy(prob)
    np.testing.assert_allclose(flows.devices["geyser"].power_kw, 0.0)
    assert flows.devices["geyser"].shortfall_kwh == pytest.approx(2.0)
    assert any(n.startswith("geyser: heat short of comfort") for n in notes)


def test_envelope_gives_the_tank_its_share_up_to_its_element() -> None:
    prob = cheap_night()
    alloc = allocations(prob, solve(prob))
    assert np.all(alloc["geyser"] <= 3.0 + 1e-9)
    np.testing.assert_allclose(alloc["geyser"], 3.0)  # 100 kW of room: the element may always run


def test_json_round_trip_keeps_every_field() -> None:
    prob = problem(
        4,
        devices=[
            geyser(
                on_off=False,
                efficiency=3.2,
                draw_kw=[0, 1, 0, 2],
                comfort_kwh=[1, 1, 2, 2],
                previous_power_kw=[0, 0, 1.5, 0],
                phases=[2],
            )
        ],
    )
    data = json.loads(json.dumps(problem_to_json(prob)))
    assert data["devices"][0]["type"] == "thermal_storage"
    again = problem_from_json(data)
    assert problem_to_json(again) == problem_to_json(prob)
    tank = again.devices[0]
    assert isinstance(tank, ThermalStorage) and isinstance(tank, planner_model.ThermalStorage)
    assert (tank.on_off, tank.efficiency, tank.phases) == (False, 3.2, (2,))
    assert tank.comfort_kwh.tolist() == [1, 1, 2, 2] and tank.draw_kw.tolist() == [0, 1, 0, 2]
    defaults = problem_from_json(problem_to_json(problem(2, devices=[geyser()]))).devices[0]
    assert (defaults.on_off, defaults.efficiency, defaults.draw_kw, defaults.comfort_kwh) == (
        True,
        1.0,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"energy_kwh": 11.0}, "devices[0].energy_kwh"),
        ({"energy_kwh": -1.0}, "devices[0].energy_kwh"),
        ({"capacity_kwh": 0.0}, "devices[0].capacity_kwh"),
        ({"comfort_kwh": [0, 0, 12.0, 0]}, "devices[0].comfort_kwh[2]"),
        ({"draw_kw": [0, -1, 0, 0]}, "devices[0].draw_kw[1]"),
        ({"efficiency": 0.0}, "devices[0].efficiency"),
        ({"on_off": "yes"}, "devices[0].on_off"),
        ({"setpoint": 60}, "devices[0].setpoint"),
    ],
)
def test_bad_thermal_input_names_the_field(change: dict[str, Any], path: str) -> None:
    with pytest.raises(ProblemError) as err:
        problem(4, devices=[geyser(**change)])
    assert err.value.path == path


# ------------------------------------------------------------------ the registry


@dataclasses.dataclass(frozen=True)
class Sauna:
    id: str
    phases: tuple[int, ...] = (1, 2, 3)


def _with_sauna() -> Any:
    base = problem(2)
    return dataclasses.replace(base, devices=(Sauna(id="sauna"),))


@pytest.mark.parametrize(
    "call",
    [
        formulate,
        baseline,
        greedy,
        problem_to_json,
        lambda p: allocations(p, solve(problem(2))),
        lambda p: p.fixed_load_kw(),
    ],
    ids=["formulate", "baseline", "greedy", "problem_to_json", "allocations", "fixed_load"],
)
def test_an_unregistered_device_is_a_type_error_not_a_silent_skip(call: Any) -> None:
    with pytest.raises(TypeError, match=r"Sauna.*'sauna'"):
        call(_with_sauna())


def test_registry_finds_kinds_by_dataclass_and_by_json_name() -> None:
    prob = cheap_night()
    assert kind_of(prob.devices[0]) is kind_named("thermal_storage")
    assert kind_named("thermal_storage").model is ThermalStorage
    with pytest.raises(TypeError, match="sauna"):
        kind_named("sauna")


# ------------------------------------------------------------------ properties


@st.composite
def homes_with_a_tank(draw: Any) -> Any:
    steps = draw(st.integers(3, 12))
    capacity = draw(st.sampled_from([5.0, 10.0, 20.0]))
    kwh = st.floats(0, capacity).map(lambda v: round(v, 2))
    tank = {
        "type": "thermal_storage",
        "id": "tank",
        "capacity_kwh": capacity,
        "energy_kwh": draw(kwh),
        "max_kw": draw(st.sampled_from([0.0, 1.5, 3.0, 4.0])),
        "on_off": draw(st.booleans()),
        "efficiency": draw(st.sampled_from([1.0, 2.5, 4.0])),
        "loss_kw": draw(st.sampled_from([0.0, 0.1, 0.4])),
        "draw_kw": draw(st.lists(st.sampled_from([0.0, 0.0, 1.0, 6.0]), min_size=steps, max_size=steps)),
        "comfort_kwh": draw(st.lists(kwh, min_size=steps, max_size=steps)),
    }
    devices: list[dict[str, Any]] = [tank]
    if draw(st.booleans()):
        devices.append(
            {
                "type": "ev",
                "id": "car",
                "energy_kwh": round(draw(st.floats(0, 20)), 1),
                "max_kw": 7.4,
                "min_kw": 1.4,
            }
        )
    return problem(
        steps,
        step_minutes=draw(st.sampled_from([15, 60])),
        import_price=draw(
            st.lists(st.floats(-0.1, 0.5).map(lambda v: round(v, 3)), min_size=steps, max_size=steps)
        ),
        import_limit_kw=draw(st.sampled_from([2.0, 6.0, 17.0])),
        base_load_kw=draw(st.sampled_from([0.0, 1.0])),
        pv_kw=draw(st.lists(st.sampled_from([0.0, 3.0]), min_size=steps, max_size=steps)),
        devices=devices,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(homes_with_a_tank())
def test_every_plan_with_a_tank_is_physical_and_never_fails(prob: Any) -> None:
    plan = solve(prob, time_limit=20)
    check_invariants(prob, plan)
    assert plan.status in ("optimal", "feasible")
    flows, _ = greedy(prob)
    check_thermal(prob, prob.devices[0], flows.devices["tank"])
    uncontrollable = prob.fixed_load_kw() - prob.pv_kw
    assert np.all(flows.grid_import_kw <= np.maximum(prob.site.import_limit_kw, uncontrollable) + 1e-6)
