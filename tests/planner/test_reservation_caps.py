"""Capacity reservations and import caps (energy moved out of a window)."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.headroom.planner import ProblemError, problem_from_json, problem_to_json, solve
from custom_components.headroom.planner.reservation import grant_capacity

from .helpers import check_invariants, problem

CHEAP_FIRST = [0.1, 0.1, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3]


def _ev(energy: float = 40.0, min_kw: float = 4.1, departure: int = 8) -> dict[str, object]:
    return {
        "type": "ev",
        "id": "car",
        "arrival": 0,
        "departure": departure,
        "energy_kwh": energy,
        "max_kw": 11.0,
        "min_kw": min_kw,
    }


def test_reservation_fits_beside_the_car_without_taking_its_energy() -> None:
    prob = problem(8, import_limit_kw=11.0, base_load_kw=1.0, devices=[_ev()], import_price=CHEAP_FIRST)
    grant = grant_capacity(prob, "heat_pump", 2, 4, power_kw=5.0)
    assert grant.status == "granted"
    np.testing.assert_allclose(grant.granted_kw, [5.0, 5.0])
    assert grant.squeezed_kwh == {}
    assert grant.extra_cost == pytest.approx(10 * 0.3)


def test_unforced_reservation_gets_only_what_the_car_can_spare() -> None:
    prob = problem(8, import_limit_kw=11.0, base_load_kw=1.0, devices=[_ev()], import_price=CHEAP_FIRST)
    grant = grant_capacity(prob, "sauna", 0, 8, power_kw=8.0)
    assert grant.status == "partial"
    assert grant.squeezed_kwh == {}
    # The car still gets its 40 kWh: the grant is what 10 kW of room minus 40 kWh leaves.
    assert grant.granted_kw.sum() == pytest.approx(8 * 10.0 - 40.0, abs=0.5)
    assert np.all(grant.granted_kw <= 8.0 + 1e-6)


def test_forced_reservation_squeezes_the_car_and_says_so() -> None:
    prob = problem(8, import_limit_kw=11.0, base_load_kw=1.0, devices=[_ev()], import_price=CHEAP_FIRST)
    grant = grant_capacity(prob, "sauna", 0, 8, power_kw=8.0, force=True)
    assert grant.status == "granted"
    np.testing.assert_allclose(grant.granted_kw, 8.0)
    assert grant.squeezed_kwh["car"] == pytest.approx(40.0)  # 2 kW left is below the car's minimum
    assert not grant.breach_kw.any()


def test_forced_reservation_beyond_the_limit_is_reported_as_breach() -> None:
    prob = problem(4, import_limit_kw=11.0, base_load_kw=1.0)
    grant = grant_capacity(prob, "welder", 0, 2, power_kw=12.0, force=True)
    np.testing.assert_allclose(grant.granted_kw, [12.0, 12.0])
    np.testing.assert_allclose(grant.breach_kw, [2.0, 2.0])
    unforced = grant_capacity(prob, "welder", 0, 2, power_kw=12.0)
    assert unforced.status == "partial"
    np.testing.assert_allclose(unforced.granted_kw, [10.0, 10.0])


def test_energy_reservation_lands_in_the_cheapest_hours_of_its_window() -> None:
    prob = problem(4, import_limit_kw=11.0, import_price=[0.4, 0.1, 0.1, 0.4])
    grant = grant_capacity(prob, "boiler", 0, 4, power_kw=3.0, energy_kwh=6.0)
    assert grant.status == "granted"
    np.testing.assert_allclose(grant.granted_kw, [0.0, 3.0, 3.0, 0.0], atol=1e-6)


def test_full_site_rejects_and_bad_windows_are_errors() -> None:
    prob = problem(4, import_limit_kw=2.0, base_load_kw=2.0)
    assert grant_capacity(prob, "r", 0, 2, power_kw=1.0).status == "rejected"
    with pytest.raises(ProblemError):
        grant_capacity(prob, "r", 3, 2, power_kw=1.0)
    with pytest.raises(ProblemError):
        grant_capacity(prob, "r", 0, 2, power_kw=0.0)


def test_import_cap_moves_energy_out_of_the_window() -> None:
    caps = [{"first": 0, "end": 2, "max_kwh": 4.0}]
    prob = problem(
        4,
        import_limit_kw=11.0,
        import_price=[0.1, 0.1, 0.3, 0.3],
        devices=[_ev(20.0, 0.0, 4)],
        site={"import_caps": caps},
    )
    plan = solve(prob)
    check_invariants(prob, plan)
    assert plan.grid_import_kw[:2].sum() == pytest.approx(4.0, abs=1e-3)
    assert plan.devices["car"].energy_kwh == pytest.approx(20.0)
    assert problem_from_json(problem_to_json(prob)).site.import_caps == prob.site.import_caps


def test_import_cap_never_costs_a_car_its_goal() -> None:
    caps = [{"first": 0, "end": 4, "max_kwh": 0.0}]
    prob = problem(4, import_limit_kw=11.0, devices=[_ev(20.0, 0.0, 4)], site={"import_caps": caps})
    plan = solve(prob)
    assert plan.devices["car"].energy_kwh == pytest.approx(20.0)


def test_import_cap_validation() -> None:
    with pytest.raises(ProblemError, match=r"site.import_caps\[0\].end"):
        problem(4, site={"import_caps": [{"first": 2, "end": 2, "max_kwh": 1}]})
    with pytest.raises(ProblemError, match="must be a list"):
        problem(4, site={"import_caps": {"first": 0}})
