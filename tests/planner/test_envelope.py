from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.headroom.planner import Problem, solve
from custom_components.headroom.planner.envelope import allocations

from .helpers import problem


def _two_cars(limit: float, base: float) -> Problem:
    evs = [
        {
            "type": "ev",
            "id": name,
            "arrival": 0,
            "departure": 4,
            "energy_kwh": energy,
            "max_kw": 11.0,
            "min_kw": 0.0,
        }
        for name, energy in (("a", 10.0), ("b", 4.0))
    ]
    return problem(4, import_limit_kw=limit, base_load_kw=base, devices=evs)


def test_spare_room_is_shared_and_the_sum_stays_under_the_limit() -> None:
    prob = _two_cars(16.0, 2.0)
    plan = solve(prob)
    alloc = allocations(prob, plan)
    total = alloc["a"] + alloc["b"]
    np.testing.assert_allclose(total, 14.0, atol=1e-6)  # all the room, none more
    for key in ("a", "b"):
        assert np.all(alloc[key] >= plan.devices[key].power_kw - 1e-6)
        assert np.all(alloc[key] <= 11.0 + 1e-6)


@settings(max_examples=30, deadline=None)
@given(limit=st.floats(1.0, 30.0), base=st.floats(0.0, 10.0))
def test_allocations_never_exceed_the_room(limit: float, base: float) -> None:
    prob = _two_cars(limit, base)
    alloc = allocations(prob, solve(prob))
    room = np.clip(limit - base, 0.0, None)
    assert np.all(alloc["a"] + alloc["b"] <= room + 1e-6)
