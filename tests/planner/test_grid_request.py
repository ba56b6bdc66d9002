"""Grid requests answered by the planner alone: a lower limit, or less energy, in a window.

The home of most tests, checkable by hand: four one-hour steps at 0.1, 0.1, 0.5, 0.5 per kWh,
a 10 kW connection, a 2 kW house, and a car wanting 8 kWh by the end. Planned alone the car
takes its 8 kWh in the cheap hours: 3.2 in all (house 2.4, car 0.8), 12 kWh imported in steps
0-1.
"""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.headroom.planner import Plan, Problem, ProblemError, solve
from custom_components.headroom.planner.grid_request import (
    REQUEST_TOLERANCE,
    answer_grid_request,
    with_less_import,
    with_lower_limit,
)

from .helpers import problem

CAR = {"type": "ev", "id": "car", "arrival": 0, "departure": 4, "energy_kwh": 8, "max_kw": 8, "min_kw": 0}


@pytest.fixture
def home() -> tuple[Problem, Plan]:
    prob = problem(
        4, import_price=[0.1, 0.1, 0.5, 0.5], import_limit_kw=10.0, base_load_kw=2.0, devices=[CAR]
    )
    plan = solve(prob)
    assert plan.cost == pytest.approx(3.2)
    assert plan.grid_import_kw[:2].sum() == pytest.approx(12.0)
    return prob, plan


def test_a_lower_limit_the_home_can_hold_is_accepted(home: tuple[Problem, Plan]) -> None:
    prob, plan = home
    answer = answer_grid_request(prob, plan, 0, 2, limit_kw=3.0)
    # 1 kW beside the house in each cheap hour; the other 6 kWh at 0.5 instead of 0.1: +2.4.
    assert answer.status == "accepted"
    assert answer.lowest_limit_kw == pytest.approx(3.0)
    assert answer.planned_import_kw == pytest.approx([3.0, 3.0])
    assert answer.extra_cost == pytest.approx(2.4)
    assert answer.ev_shortfall_change_kwh == pytest.approx(0.0)
    assert answer.moved_kwh is None and answer.max_import_kwh is None
    assert answer.to_json() == {
        "extra_cost": 2.4,
        "ev_shortfall_change_kwh": 0.0,
        "planned_import_kw": [3.0, 3.0],
        "status": "accepted",
        "lowest_limit_kw": 3.0,
    }


def test_below_the_house_is_partial_at_what_the_home_can_do(home: tuple[Problem, Plan]) -> None:
    prob, plan = home
    answer = answer_grid_request(prob, plan, 0, 2, limit_kw=1.0)
    # The house alone draws 2 kW: the car waits for the dear hours (+3.2), the limit kept is 2 kW.
    assert answer.status == "partial"
    assert answer.lowest_limit_kw == pytest.approx(2.0)
    assert answer.planned_import_kw == pytest.approx([2.0, 2.0])
    assert answer.extra_cost == pytest.approx(3.2)


def test_a_home_that_cannot_come_down_rejects() -> None:
    prob = problem(4, import_limit_kw=2.0, base_load_kw=2.0)
    answer = answer_grid_request(prob, solve(prob), 0, 2, limit_kw=1.0)
    assert answer.status == "rejected" and answer.lowest_limit_kw == pytest.approx(2.0)
    assert answer.extra_cost == pytest.approx(0.0)


def test_less_energy_moves_it_to_other_hours(home: tuple[Problem, Plan]) -> None:
    prob, plan = home
    answer = answer_grid_request(prob, plan, 0, 2, energy_kwh=4.0)
    # 4 kWh of the car's 8 move to 0.5: +1.6; 8 kWh stay in the window, and that is the cap kept.
    assert answer.status == "accepted"
    assert answer.moved_kwh == pytest.approx(4.0)
    assert answer.planned_import_kw.sum() == pytest.approx(8.0)
    assert answer.max_import_kwh == pytest.approx(8.0 + REQUEST_TOLERANCE)
    assert answer.extra_cost == pytest.approx(1.6)
    assert answer.lowest_limit_kw is None
    assert set(answer.to_json()) == {
        "extra_cost",
        "ev_shortfall_change_kwh",
        "planned_import_kw",
        "status",
        "moved_kwh",
    }


def test_more_energy_than_can_move_is_partial(home: tuple[Problem, Plan]) -> None:
    prob, plan = home
    answer = answer_grid_request(prob, plan, 0, 2, energy_kwh=20.0)
    # Only the car's 8 kWh can move; the house's 4 kWh stay.
    assert answer.status == "partial"
    assert answer.moved_kwh == pytest.approx(8.0)
    assert answer.max_import_kwh == pytest.approx(4.0 + REQUEST_TOLERANCE)
    assert answer.ev_shortfall_change_kwh == pytest.approx(0.0)


def test_nothing_to_move_rejects() -> None:
    prob = problem(4, base_load_kw=2.0)
    answer = answer_grid_request(prob, solve(prob), 0, 2, energy_kwh=1.0)
    assert answer.status == "rejected" and answer.moved_kwh == pytest.approx(0.0)


def test_the_variants_change_only_the_window(home: tuple[Problem, Plan]) -> None:
    prob, plan = home
    lower = with_lower_limit(prob, 1, 3, 4.0)
    assert list(lower.site.import_limit_kw) == [10.0, 4.0, 4.0, 10.0]
    assert lower.site.breach_margin == pytest.approx(10.0 / 4.0 - 1.0)  # back up to the normal limit
    assert with_lower_limit(prob, 1, 3, 0.0).site.breach_margin == pytest.approx(10.0 / 0.1 - 1.0)
    capped = with_less_import(prob, plan, 0, 2, 5.0)
    (cap,) = capped.site.import_caps
    assert (cap.first, cap.end) == (0, 2) and cap.max_kwh == pytest.approx(7.0)  # 12 kWh planned, less 5
    assert with_less_import(prob, plan, 0, 2, 50.0).site.import_caps[0].max_kwh == 0.0
    assert np.array_equal(prob.site.import_limit_kw, np.full(4, 10.0)) and not prob.site.import_caps


@pytest.mark.parametrize(
    ("first", "end", "kwargs"),
    [
        (0, 2, {}),
        (0, 2, {"limit_kw": 1.0, "energy_kwh": 1.0}),
        (2, 2, {"limit_kw": 1.0}),
        (0, 5, {"limit_kw": 1.0}),
        (0, 2, {"limit_kw": -1.0}),
        (0, 2, {"energy_kwh": 0.0}),
    ],
)
def test_malformed_requests_are_refused(
    home: tuple[Problem, Plan], first: int, end: int, kwargs: dict[str, float]
) -> None:
    prob, plan = home
    with pytest.raises(ProblemError):
        answer_grid_request(prob, plan, first, end, **kwargs)
