"""Fair accounting: one cost every policy and the bound are compared on.

A run's energy bill alone flatters a policy that leaves work undone: a car left short at its
departure, a fuse that trips, a run of the dishwasher skipped, a cold shower, or energy pushed
past the end of the accounted days (a car Headroom charges after the week that business as
usual charged inside it). So the comparison cost adds, at stated prices:

- energy not served (outages, a tripped fuse) at the scenario's value of lost load;
- every kWh a car lacks at its departure at the *shortfall price*, twice the dearest import
  price of the period (a car's missing kWh is worth more than any kWh the grid sells);
- a fuse trip at what half an hour of the connection's full rating costs at the shortfall price;
- an appliance run missed at its energy, and a cold shower at the heat a shower takes
  (40 l warmed 30 K, about 1.4 kWh), both at the shortfall price;

and takes away, at the *stored price* (the mean import price of the period, the same for every
policy), the energy the home holds at the end that it did not hold at the start: the battery's
SoC, the hot water's heat above the cold-water temperature, and what a car still plugged in at
the end received during its stay.

The scenario may override any of these under ``"accounting"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..planner.units import kw_from_amps

# A shower's 40 l warmed from 15 to 45 °C: 40 x 4.186 x 30 / 3600 kWh.
SHOWER_KWH = 40 * 4.186 * 30 / 3600
# Hot water's specific heat, kJ per litre and kelvin.
WATER_KJ_PER_L_K = 4.186


@dataclass(frozen=True, kw_only=True)
class Accounting:
    """The stated prices of the comparison (currency per kWh, per trip, per run, per shower)."""

    stored_per_kwh: float
    shortfall_per_kwh: float
    trip: float
    missed_run_per_kwh: float
    cold_shower: float
    value_of_lost_load: float

    def as_dict(self) -> dict[str, float]:
        return {
            "stored_per_kwh": round(self.stored_per_kwh, 4),
            "shortfall_per_kwh": round(self.shortfall_per_kwh, 4),
            "trip": round(self.trip, 4),
            "missed_run_per_kwh": round(self.missed_run_per_kwh, 4),
            "cold_shower": round(self.cold_shower, 4),
            "value_of_lost_load": round(self.value_of_lost_load, 4),
        }


def ticks(start: datetime, days: float, tick_minutes: int) -> list[datetime]:
    """The moments a run of ``days`` from ``start`` ticks at (UTC, as the simulation steps)."""
    count = round(days * 24 * 60 / tick_minutes)
    return [start + timedelta(minutes=k * tick_minutes) for k in range(count)]


def accounting_for(scenario: Any, days: float) -> Accounting:
    """The stated prices for ``days`` of ``scenario``, from its import prices unless it says."""
    moments = ticks(scenario.start, days, scenario.tick_minutes)
    prices = [scenario.import_price(m) for m in moments] or [0.0]
    mean, dearest = sum(prices) / len(prices), max(prices)
    shortfall = 2.0 * max(dearest, 0.0)
    grid = scenario.data["grid"]
    rating_kw = kw_from_amps(float(grid["fuse_a"]), int(grid.get("phases", 1)))
    given = scenario.data.get("accounting", {})
    return Accounting(
        stored_per_kwh=float(given.get("stored_per_kwh", mean)),
        shortfall_per_kwh=float(given.get("shortfall_per_kwh", shortfall)),
        trip=float(given.get("trip", rating_kw * 0.5 * shortfall)),
        missed_run_per_kwh=float(given.get("missed_run_per_kwh", shortfall)),
        cold_shower=float(given.get("cold_shower", SHOWER_KWH * shortfall)),
        value_of_lost_load=float(scenario.data.get("value_of_lost_load", 0.0)),
    )


def heat_kwh(litres: float, temperature_c: float, cold_c: float) -> float:
    """The heat (kWh) in a tank of ``litres`` at ``temperature_c`` above cold water."""
    return litres * WATER_KJ_PER_L_K * (temperature_c - cold_c) / 3600.0


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What a run left that its energy bill does not say: energy not served, the kWh cars lacked at
    departures, trips, appliance runs missed (and their energy), cold showers, and the energy the
    home holds at the end beyond what it held at the start (kWh)."""

    energy_cost: float
    unserved_kwh: float = 0.0
    ev_short_kwh: float = 0.0
    trips: int = 0
    missed_run_kwh: float = 0.0
    missed_runs: int = 0
    cold_showers: float = 0.0
    stored_gain_kwh: float = 0.0

    def cost(self, a: Accounting) -> float:
        """The comparison cost of this outcome at the stated prices."""
        return (
            self.energy_cost
            + self.unserved_kwh * a.value_of_lost_load
            + self.ev_short_kwh * a.shortfall_per_kwh
            + self.trips * a.trip
            + self.missed_run_kwh * a.missed_run_per_kwh
            + self.cold_showers * a.cold_shower
            - self.stored_gain_kwh * a.stored_per_kwh
        )
