"""Counter-offers: what fits when a capacity request does not, each one safe to commit."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from custom_components.headroom.planner import Problem, problem_from_json, solve
from custom_components.headroom.planner.model import Fixed
from custom_components.headroom.planner.offers import Offer, offers

EXAMPLES = Path(__file__).parents[2] / "examples"


def one_car() -> Problem:
    """Scenario 01's planner example with one car: it takes the 0.12 hour at 11 kW of the 17 kW."""
    problem = problem_from_json(json.loads((EXAMPLES / "seed000_two_evs_one_breaker.json").read_text()))
    return dataclasses.replace(problem, devices=problem.devices[:1])


def committed(problem: Problem, offer: Offer) -> Problem:
    power = np.zeros(problem.steps)
    power[offer.first : offer.end] = offer.power_kw
    return dataclasses.replace(problem, devices=(*problem.devices, Fixed(id="request", power_kw=power)))


def test_a_request_that_fits_is_offered_as_asked() -> None:
    problem = one_car()
    plan = solve(problem)
    answer = offers(problem, plan, 0, 4, power_kw=11.0)
    assert answer.fits and [o.kind for o in answer.counter] == ["as_asked"]


def test_every_counter_offer_holds_when_committed() -> None:
    """11 kW from 13:30 to 14:30 meets the car's 0.12 hour from 14:00: the answer offers 11 kW until
    14:00, the 5.2 kW left over the whole hour, or the hour from 15:00; each, committed, keeps the
    home under 17 kW and the car full."""
    problem = one_car()
    plan = solve(problem)
    answer = offers(problem, plan, 6, 10, power_kw=11.0, min_kw=1.4)
    assert not answer.fits
    kinds = {o.kind: o for o in answer.counter}
    assert set(kinds) == {"until", "lower", "later"}
    assert (kinds["until"].first, kinds["until"].end) == (6, 8)
    assert kinds["lower"].power_kw == pytest.approx(np.full(4, 17.0 - 0.8 - 11.0), abs=1e-3)
    assert kinds["later"].first == 12
    for offer in (*answer.counter, answer.all_available):
        held = solve(committed(problem, offer))
        assert held.status == "optimal", offer.kind
        assert (held.grid_import_kw <= problem.site.import_limit_kw + 1e-3).all(), offer.kind
        assert held.devices["evse_1"].energy_kwh == pytest.approx(11.0, abs=1e-3), offer.kind


def test_all_available_power_follows_the_room() -> None:
    problem = one_car()
    plan = solve(problem)
    answer = offers(problem, plan, 0, 16, power_kw=20.0)
    room = problem.site.import_limit_kw - plan.grid_import_kw
    assert answer.all_available.power_kw == pytest.approx(room, abs=1e-6)
    assert answer.all_available.power_kw[8:12] == pytest.approx(np.full(4, 5.2), abs=1e-3)
