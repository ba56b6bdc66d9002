"""Random small fleets: whatever the fleet, the plans keep the invariants of the charger model,
the batteries and the site (``helpers.check_plan``), and the smart plan is at least as good as
business as usual by its own objective wherever business as usual keeps within ASC."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.headroom.fleet import fleet_from_json, plan_fleet
from custom_components.headroom.fleet.milp import ENERGY_WEIGHT

from .helpers import at, check_plan, document

STEP_MINUTES = 60


@st.composite
def fleets(draw: st.DrawFn, days: int | None = None) -> dict[str, Any]:
    days = days or draw(st.integers(1, 2))
    steps = days * 24
    specs = [
        {"id": "van", "battery_kwh": 60.0, "ac_kw": 11.0, "dc_kw": 50.0},
        {"id": "ac_only", "battery_kwh": 40.0, "ac_kw": 7.0, "dc_kw": 0.0},
    ]
    n = draw(st.integers(1, 4))
    vehicles, routes = [], []
    for i in range(n):
        spec = draw(st.sampled_from(specs))
        vehicles.append(
            {
                "id": f"v{i}",
                "spec": spec["id"],
                "soc_kwh": draw(st.floats(0, spec["battery_kwh"])),
                "kwh_per_km": 0.2,
            }
        )
        clock = draw(st.integers(0, 6))
        for j in range(draw(st.integers(0, 2 * days))):
            leave = clock + draw(st.integers(0, 8))
            back = leave + draw(st.integers(1, 10))
            if leave >= steps:
                break
            routes.append(
                {
                    "id": f"v{i}r{j}",
                    "vehicle": f"v{i}",
                    "depart": at(leave + draw(st.sampled_from([0, 0.25]))),
                    "return": at(back + draw(st.sampled_from([0, 0.5]))),
                    "energy_kwh": draw(st.floats(0, 70)),
                }
            )
            clock = back + 1
    chargers = [
        {
            "id": f"c{k}",
            "kind": draw(st.sampled_from(["ac", "dc"])),
            "max_kw": draw(st.sampled_from([7.0, 22.0, 50.0])),
        }
        for k in range(draw(st.integers(1, 3)))
    ]
    asc = draw(st.floats(5, 80))
    return document(
        vehicles=vehicles,
        routes=routes,
        chargers=chargers,
        specs=specs,
        asc_kw=asc,
        margin=draw(st.sampled_from([0.0, 0.2, 0.5])),
        days=days,
        step_minutes=STEP_MINUTES,
        price=draw(st.lists(st.floats(-0.05, 0.5), min_size=steps, max_size=steps)),
        load=draw(st.lists(st.floats(0, asc), min_size=steps, max_size=steps)),
        min_to_connect=draw(st.sampled_from([0.0, 20.0, 60.0])),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fleets())
def test_every_plan_keeps_the_charger_battery_and_site_invariants(doc: dict[str, Any]) -> None:
    out = plan_fleet(fleet_from_json(doc), gap=1e-6).to_json()
    check_plan(doc, out["modes"]["opt"], smart=True)
    check_plan(doc, out["modes"]["bau"], smart=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fleets())
def test_sessions_from_the_queue_keep_the_same_invariants(doc: dict[str, Any]) -> None:
    """Large days get their sessions from the queue and only their power optimised: forced here."""
    out = plan_fleet(fleet_from_json(doc), gap=1e-6, exact_binaries=0).to_json()
    check_plan(doc, out["modes"]["opt"], smart=True)
    check_plan(doc, out["modes"]["bau"], smart=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fleets(days=1))
def test_smart_beats_business_as_usual_where_that_keeps_within_asc(doc: dict[str, Any]) -> None:
    """One planning day, solved to optimality: where BAU keeps within ASC it is a plan the model
    could have chosen, so the smart plan leaves no more short, values its energy less cost at least
    as highly, and where it delivers no more energy it costs no more."""
    out = plan_fleet(fleet_from_json(doc), gap=1e-9).to_json()["modes"]
    opt, bau = out["opt"], out["bau"]
    if bau["breach_kwh"] > 0 or opt["days"] != ["normal"]:
        return
    assert opt["unmet_kwh"] <= bau["unmet_kwh"] + 1e-3
    if opt["unmet_kwh"] < bau["unmet_kwh"] - 1e-3:
        return  # it met more of the routes: what that costs is not comparable
    scale = max(abs(p) for p in doc["site"]["price"]) + 0.01
    value = ENERGY_WEIGHT * scale
    slack = 1e-3 * scale * (1 + opt["energy_kwh"])
    assert value * opt["energy_kwh"] - opt["cost"] >= value * bau["energy_kwh"] - bau["cost"] - slack
    if opt["energy_kwh"] <= bau["energy_kwh"] + 1e-6:
        assert opt["cost"] <= bau["cost"] + slack


def test_a_depot_of_forty_vehicles_over_two_days_keeps_them_too() -> None:
    """The benchmark's depot, smaller: its days are beyond the exact model and go through the queue."""
    from benchmarks.fleet import depot

    doc = depot(vehicles=40, ac=16, dc=4, days=2)
    out = plan_fleet(fleet_from_json(doc)).to_json()["modes"]
    check_plan(doc, out["opt"], smart=True)
    check_plan(doc, out["bau"], smart=False)
    assert out["opt"]["cost"] < out["bau"]["cost"]
    assert out["opt"]["unmet_kwh"] <= out["bau"]["unmet_kwh"]
