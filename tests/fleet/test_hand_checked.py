"""Small fleets whose right plan is worked out by hand (in each test's docstring)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from custom_components.headroom.fleet import fleet_from_json, plan_fleet

from .helpers import at, check_plan, document

VAN = {"id": "van", "battery_kwh": 75.0, "ac_kw": 22.0, "dc_kw": 50.0}


def run(doc: dict[str, Any]) -> dict[str, Any]:
    out = plan_fleet(fleet_from_json(doc), gap=1e-7).to_json()
    check_plan(doc, out["modes"]["opt"], smart=True)
    check_plan(doc, out["modes"]["bau"], smart=False)
    return out


def test_two_vans_on_one_charger_are_sequenced_never_together() -> None:
    """Two vans at 5 kWh, one 22 kW charger, both leave at 16:00 (ten hours, 20 steps of 11 kWh).
    Energy first: both are filled (70 kWh each, 7 steps each of the 20). Price 0.3, but 0.1 from
    12:30: the second van takes the last 7 steps (12:30-16:00, all cheap) and the first must end
    its session where the second begins, so it gets no cheap step: 70 kWh at 0.3 and 70 at 0.1,
    28.0. Business as usual (first come, first served at full power) fills the first van 06:00-09:30
    and the second 09:30-13:00, whose last 4 kWh only are cheap: 136 x 0.3 + 4 x 0.1 = 41.2. They
    are back after the horizon."""
    price = [0.3] * 13 + [0.1] * 35
    doc = document(
        vehicles=[{"id": f"v{i}", "spec": "van", "soc_kwh": 5.0, "kwh_per_km": 0.25} for i in (1, 2)],
        routes=[
            {"id": f"r{i}", "vehicle": f"v{i}", "depart": at(10), "return": at(24), "energy_kwh": 60.0}
            for i in (1, 2)
        ],
        chargers=[{"id": "ac1", "kind": "ac", "max_kw": 22.0}],
        price=price,
    )
    out = run(doc)
    opt = out["modes"]["opt"]
    assert opt["unmet_kwh"] == 0.0
    one, two = (opt["vehicles"][v]["charge_kw"][:20] for v in ("v1", "v2"))
    assert not any(a > 0 and b > 0 for a, b in zip(one, two, strict=True))
    assert sum(one) * 0.5 == pytest.approx(70.0) and sum(two) * 0.5 == pytest.approx(70.0)
    assert opt["cost"] == pytest.approx(28.0, abs=1e-3)
    assert out["modes"]["bau"]["cost"] == pytest.approx(41.2, abs=1e-3)


def test_a_need_only_dc_can_meet_goes_to_dc_and_dc_count_holds() -> None:
    """Three vans at 10 kWh leave in one hour needing 40 kWh: AC gives 22 kWh in that hour (short
    8 kWh), the one DC charger 50 kWh. Exactly one van is on DC and meets its route; the two on AC
    are each 8 kWh short."""
    doc = document(
        vehicles=[{"id": f"v{i}", "spec": "van", "soc_kwh": 10.0, "kwh_per_km": 0.25} for i in (1, 2, 3)],
        routes=[
            {"id": f"r{i}", "vehicle": f"v{i}", "depart": at(1), "return": at(2), "energy_kwh": 40.0}
            for i in (1, 2, 3)
        ],
        chargers=[
            {"id": "ac1", "kind": "ac", "max_kw": 22.0},
            {"id": "ac2", "kind": "ac", "max_kw": 22.0},
            {"id": "dc1", "kind": "dc", "max_kw": 150.0},
        ],
    )
    opt = run(doc)["modes"]["opt"]
    shortfalls = sorted(r["shortfall_kwh"] for r in opt["routes"].values())
    assert shortfalls == pytest.approx([0.0, 8.0, 8.0])
    met = next(r for r, v in opt["routes"].items() if v["shortfall_kwh"] == 0.0)
    assert opt["vehicles"]["v" + met[1:]]["charger"][:2] == ["dc1", "dc1"]


def test_an_unmeetable_route_is_reported_short_and_starves_nobody() -> None:
    """A 100 kWh route for a 75 kWh battery is 25 kWh short however it is planned; it takes no
    breach (which cannot help it) and the other van's route is met in full."""
    doc = document(
        vehicles=[{"id": f"v{i}", "spec": "van", "soc_kwh": 20.0, "kwh_per_km": 0.5} for i in (1, 2)],
        routes=[
            {"id": "long", "vehicle": "v1", "depart": at(6), "return": at(12), "km": 200.0},
            {"id": "usual", "vehicle": "v2", "depart": at(6), "return": at(12), "km": 100.0},
        ],
        chargers=[{"id": "ac1", "kind": "ac", "max_kw": 22.0}, {"id": "ac2", "kind": "ac", "max_kw": 22.0}],
        asc_kw=30.0,
    )
    opt = run(doc)["modes"]["opt"]
    assert opt["routes"]["long"]["shortfall_kwh"] == pytest.approx(25.0)
    assert opt["routes"]["usual"]["shortfall_kwh"] == 0.0
    assert opt["days"] == ["normal"] and opt["breach_kwh"] == 0.0


@pytest.mark.parametrize(("asc_kw", "status", "breach_kwh"), [(18.0, "breach", 4.0), (20.0, "normal", 0.0)])
def test_breach_only_where_normal_leaves_a_route_short_and_within_the_margin(
    asc_kw: float, status: str, breach_kwh: float
) -> None:
    """An empty van leaves in two hours needing 40 kWh on a 22 kW charger. At ASC 18 kW it gets 36
    kWh: short 4. With the 25 % margin (22.5 kW) the 4 kWh come above ASC, and nothing more (it is
    not used to fill the battery after the route). At ASC 20 kW the 40 kWh fit: no breach."""
    doc = document(
        vehicles=[{"id": "v1", "spec": "van", "soc_kwh": 0.0, "kwh_per_km": 0.25}],
        routes=[{"id": "r1", "vehicle": "v1", "depart": at(2), "return": at(4), "energy_kwh": 40.0}],
        chargers=[{"id": "ac1", "kind": "ac", "max_kw": 22.0}],
        asc_kw=asc_kw,
        margin=0.25,
    )
    opt = run(doc)["modes"]["opt"]
    assert opt["days"] == [status]
    assert opt["unmet_kwh"] == 0.0
    assert opt["breach_kwh"] == pytest.approx(breach_kwh, abs=1e-4)
    assert max(opt["site_import_kw"]) <= asc_kw * 1.25 + 1e-6
    assert max(opt["site_import_kw"][4:]) <= asc_kw + 1e-6


def test_soc_is_carried_to_the_next_day_and_its_first_departure_is_seen() -> None:
    """Day one ends at 06:00; the van leaves at 06:30 on day two needing 70 kWh. It can only be
    plugged in from 20:00 (back from its first route) and cheap power is only on day one's night;
    the plan charges it then, and the route is met from the SoC carried across midnight."""
    price = [0.4] * 96
    price[36:48] = [0.1] * 12  # 00:00-06:00 of the first night
    doc = document(
        vehicles=[{"id": "v1", "spec": "van", "soc_kwh": 40.0, "kwh_per_km": 0.25}],
        routes=[
            {"id": "day1", "vehicle": "v1", "depart": at(1), "return": at(14), "energy_kwh": 35.0},
            {"id": "day2", "vehicle": "v1", "depart": at(24.5), "return": at(36), "energy_kwh": 70.0},
        ],
        chargers=[{"id": "ac1", "kind": "ac", "max_kw": 11.0}],
        days=2,
        price=price,
    )
    opt = run(doc)["modes"]["opt"]
    assert opt["days"] == ["normal", "normal"]
    assert opt["routes"]["day2"]["shortfall_kwh"] == 0.0
    kw = opt["vehicles"]["v1"]["charge_kw"]
    assert sum(kw[36:48]) * 0.5 == pytest.approx(66.0)  # all 12 cheap steps at 11 kW
    assert opt["vehicles"]["v1"]["soc_kwh"][48] == pytest.approx(75.0)


def test_the_catch_all_charges_at_a_constant_rate_over_the_stay() -> None:
    """The catch-all (a day the solver gave no plan): a van at 15 kWh leaving in ten hours gets the
    60 kWh that fill it at a constant 6 kW, whatever the price; the second van waits for the one
    charger and gets nothing, never sharing it."""
    from custom_components.headroom.fleet.bau import simulate

    price = [0.5] * 48
    doc = document(
        vehicles=[{"id": f"v{i}", "spec": "van", "soc_kwh": 15.0, "kwh_per_km": 0.25} for i in (1, 2)],
        routes=[
            {"id": f"r{i}", "vehicle": f"v{i}", "depart": at(10), "return": at(24), "energy_kwh": 20.0}
            for i in (1, 2)
        ],
        chargers=[{"id": "ac1", "kind": "ac", "max_kw": 22.0}],
        price=price,
    )
    fleet = fleet_from_json(doc)
    sim = simulate(fleet, fleet.windows[0], np.array([15.0, 15.0]), catch_all=True)
    assert sim.charge_kw[0, :20] == pytest.approx([6.0] * 20)
    assert not sim.charge_kw[1].any()
    assert list(sim.charger[0, :20]) == [0] * 20
