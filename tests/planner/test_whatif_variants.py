"""What-if questions turned into changed problems, without Home Assistant."""

from __future__ import annotations

import pytest

from custom_components.headroom.planner import Battery, Ev, ProblemError
from custom_components.headroom.planner.whatif import EV_MAX_KW, EV_MIN_KW, Change, compare, variant

from .helpers import problem


def test_no_question_is_the_same_problem() -> None:
    home = problem(4)
    assert variant(home, Change()) is home
    # A battery's power or a car's charger alone change nothing: they only qualify a battery or a car.
    assert variant(home, Change(battery_power_kw=3.0, ev_max_power_kw=7.0)) is home


def test_limit_and_prices() -> None:
    home = problem(4, import_price=[0.1, 0.2, 0.3, 0.4], import_limit_kw=11.0)
    lower = variant(home, Change(import_limit_kw=5.0))
    assert list(lower.site.import_limit_kw) == [5.0] * 4
    assert list(variant(home, Change(price_factor=2.0)).tariff.import_price) == pytest.approx(
        [0.2, 0.4, 0.6, 0.8]
    )
    # A flat price wins over a factor.
    flat = variant(home, Change(import_price=0.25, price_factor=2.0))
    assert list(flat.tariff.import_price) == [0.25] * 4
    assert list(home.tariff.import_price) == pytest.approx([0.1, 0.2, 0.3, 0.4])  # the home is untouched


def test_a_battery_by_its_size() -> None:
    home = problem(4)
    (battery,) = variant(home, Change(battery_capacity_kwh=10.0)).of_kind(Battery)
    # Two hours to fill, 10 % kept and to start with.
    assert (battery.max_charge_kw, battery.max_discharge_kw) == (5.0, 5.0)
    assert (battery.soc_kwh, battery.min_soc_kwh, battery.max_soc_kwh) == (1.0, 1.0, 10.0)
    (stronger,) = variant(home, Change(battery_capacity_kwh=10.0, battery_power_kw=3.0)).of_kind(Battery)
    assert stronger.max_charge_kw == 3.0


def test_a_car_in_a_window() -> None:
    home = problem(4)
    (car,) = variant(home, Change(ev_energy_kwh=20.0, ev_arrival=1, ev_departure=3)).of_kind(Ev)
    assert (car.arrival, car.departure, car.energy_kwh) == (1, 3, 20.0)
    assert (car.max_kw, car.min_kw) == (EV_MAX_KW, EV_MIN_KW)
    (slow,) = variant(
        home, Change(ev_energy_kwh=5.0, ev_arrival=0, ev_departure=4, ev_max_power_kw=3.0)
    ).of_kind(Ev)
    assert (slow.max_kw, slow.min_kw) == (3.0, 3.0)  # a charger weaker than 6 A on three phases
    with pytest.raises(ProblemError):
        variant(home, Change(ev_energy_kwh=5.0, ev_arrival=0))


def test_a_car_side_by_side() -> None:
    """Two one-hour steps, 1 kW of house: a car wanting 10 kWh imports 10 kWh more, at 0.2: +2."""
    home = problem(2, import_price=0.2, base_load_kw=1.0)
    answer = compare(home, variant(home, Change(ev_energy_kwh=10.0, ev_arrival=0, ev_departure=2)))
    assert answer["current"]["import_kwh"] == pytest.approx(2.0)
    assert answer["difference"]["import_kwh"] == pytest.approx(10.0)
    assert answer["difference"]["cost"] == pytest.approx(2.0)
    assert answer["variant"]["ev_shortfall_kwh"] == 0.0
    assert answer["variant"]["peak_import_kw"] <= EV_MAX_KW + 1.0 + 1e-6
