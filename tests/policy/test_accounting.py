"""Realised accounting on made-up readings: the meter held between reads and priced as it applied,
a pause while Home Assistant was stopped left out, business as usual on the same day (a car at full
power from plug-in, an appliance moved back to its window's opening, a battery in self-consumption),
goals as they turned out, and how well a device followed what it was told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.headroom.policy.accounting import (
    ApplianceRun,
    BatteryModel,
    CarSession,
    Meter,
    Sample,
    StepRecord,
    counterfactual,
    following_score,
)
from custom_components.headroom.policy.goals import Goals

T0 = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


def run(meter: Meter, rows: list[tuple[int, float, dict[str, float]]], **kw: float) -> list[StepRecord]:
    """Samples at minute offsets from T0: (minute, grid kW, device kW)."""
    out: list[StepRecord] = []
    for minute, grid, devices in rows:
        out += meter.add(Sample(moment=T0 + timedelta(minutes=minute), grid_kw=grid, device_kw=devices, **kw))
    return out


def test_the_meter_is_held_between_reads_and_priced_as_it_applied() -> None:
    meter = Meter(15)
    steps = run(
        meter,
        [(0, 2.0, {}), (10, -1.0, {}), (20, 4.0, {}), (30, 0.0, {})],
        import_price=0.30,
        export_price=0.10,
        limit_kw=3.0,
    )
    assert [s.start for s in steps] == [T0, T0 + timedelta(minutes=15)]
    first, second = steps
    assert first.import_kwh == pytest.approx(2.0 * 10 / 60)
    assert first.export_kwh == pytest.approx(1.0 * 5 / 60)
    assert second.import_kwh == pytest.approx(4.0 * 10 / 60)
    assert second.export_kwh == pytest.approx(1.0 * 5 / 60)
    assert first.cost == pytest.approx(2.0 * 10 / 60 * 0.30 - 1.0 * 5 / 60 * 0.10)
    assert first.seconds_above_limit == 0 and second.seconds_above_limit == 600
    assert second.peak_kw == pytest.approx(4.0 * 10 / 60 / 0.25)


def test_a_pause_longer_than_the_hold_stays_a_gap() -> None:
    meter = Meter(15)
    steps = run(meter, [(0, 2.0, {}), (5, 2.0, {}), (185, 2.0, {}), (200, 2.0, {})])
    assert steps[0].start == T0 and steps[0].import_kwh == pytest.approx(2.0 * 5 / 60)
    # Nothing for the three hours in between; counting starts again at the first read after it.
    assert [s.start for s in steps[1:]] == [T0 + timedelta(minutes=180)]
    assert steps[1].import_kwh == pytest.approx(2.0 * 10 / 60)
    assert sum(s.import_kwh for s in steps) == pytest.approx(2.0 * 15 / 60)


def records(hours: int, grid_kw: float, devices: dict[str, list[float]]) -> list[StepRecord]:
    """Whole steps (15 min) with the given per-step device powers."""
    out = []
    for i in range(hours * 4):
        own = {d: p[i] * 0.25 for d, p in devices.items()}
        imp = max(grid_kw + sum(p[i] for p in devices.values()), 0.0) * 0.25
        out.append(
            StepRecord(
                start=T0 + timedelta(minutes=15 * i),
                step_minutes=15,
                seconds=900,
                import_kwh=imp,
                import_cost=imp * (0.40 if i < 8 else 0.10),
                price_seconds=900,
                import_price_s=900 * (0.40 if i < 8 else 0.10),
                limit_kw=10.0,
                device_kwh=own,
            )
        )
    return out


def test_business_as_usual_charges_the_car_at_full_power_from_plug_in() -> None:
    # The car was charged at night (steps 8..11, cheap), business as usual charges it on arrival.
    car = [0.0] * 8 + [8.0] * 4
    steps = records(3, 1.0, {"car": car})
    session = CarSession(
        device_id="car", start=T0, end=T0 + timedelta(hours=3), asked_kwh=8.0, delivered_kwh=8.0, max_kw=11.0
    )
    bau, _ = counterfactual(steps, cars=[session])
    assert [round(b.device_kwh["car"], 3) for b in bau[:4]] == [2.75, 2.75, 2.5, 0.0]
    assert sum(b.device_kwh["car"] for b in bau) == pytest.approx(8.0)
    realised = sum(s.cost for s in steps)
    assert realised == pytest.approx(8 * 0.25 * 0.40 + 4 * (0.25 + 2.0) * 0.10)
    assert sum(b.cost for b in bau) == pytest.approx(8 * 0.25 * 0.40 + 8.0 * 0.40 + 4 * 0.25 * 0.10)
    assert [b.over_limit for b in bau[:3]] == [True, True, True]  # 1 kW + 11 kW over 10 kW


def test_business_as_usual_runs_the_appliance_when_its_window_opens() -> None:
    washer = [0.0] * 8 + [2.0, 2.0, 1.0, 0.0]
    steps = records(3, 0.5, {"washer": washer})
    run_ = ApplianceRun(
        device_id="washer",
        start=T0 + timedelta(hours=2),
        end=T0 + timedelta(hours=2, minutes=45),
        own_start=T0 + timedelta(minutes=7, seconds=30),
    )
    bau, _ = counterfactual(steps, runs=[run_])
    moved = [round(b.device_kwh.get("washer", 0.0), 4) for b in bau]
    # Moved back 7.5 steps: each step's energy split over the two it lands on.
    assert moved[:4] == [0.25, 0.5, 0.375, 0.125] and sum(moved[4:]) == 0
    assert sum(moved) == pytest.approx(1.25)


def test_business_as_usual_battery_follows_the_net_load() -> None:
    steps = records(1, 2.0, {"battery": [0.0] * 4})
    battery = BatteryModel(
        device_id="battery",
        capacity_kwh=10,
        min_soc_kwh=1,
        max_charge_kw=5,
        max_discharge_kw=5,
        efficiency=1.0,
    )
    bau, soc = counterfactual(steps, battery=battery, soc_kwh=2.0)
    # 0.5 kWh a step of house load; 1 kWh above the reserve covers two steps.
    assert [round(b.import_kwh, 3) for b in bau] == [0.0, 0.0, 0.5, 0.5]
    assert soc == pytest.approx(1.0)


def test_following_score_is_low_for_a_device_that_ignores_what_it_is_told() -> None:
    meter = Meter(15, may_take_less={"car"})
    follows = run(meter, [(m, 0.0, {"car": 4.0}) for m in range(0, 31, 5)], told_kw={"car": 4.0})
    ignores = Meter(15, may_take_less={"car"})
    ignored = run(ignores, [(m, 0.0, {"car": 11.0}) for m in range(0, 31, 5)], told_kw={"car": 2.0})
    full = Meter(15, may_take_less={"car"})
    full_car = run(full, [(m, 0.0, {"car": 0.0}) for m in range(0, 31, 5)], told_kw={"car": 6.0})
    assert following_score(follows, "car") == pytest.approx(1.0)
    assert following_score(ignored, "car") == pytest.approx(2.0 / 11.0)
    assert following_score(full_car, "car") == pytest.approx(1.0)  # a full car may take less
    assert following_score(follows, "other") is None


def test_goals_a_car_short_of_its_goal_and_an_appliance_that_finished_in_time() -> None:
    goals = Goals()
    deadline = T0 + timedelta(hours=12)
    for minute in range(0, 61, 5):
        goals.car(
            T0 + timedelta(minutes=minute),
            "car",
            plugged=True,
            power_kw=6.0,
            asked_kwh=10.0 if minute else None,
            deadline=deadline,
            reason="import_limit",
            max_kw=11.0,
        )
    goal = goals.car(
        T0 + timedelta(minutes=65),
        "car",
        plugged=False,
        power_kw=0.0,
        asked_kwh=None,
        deadline=None,
        reason="",
        max_kw=0.0,
    )
    assert goal is not None and not goal.met
    assert goal.asked_kwh == pytest.approx(10.5)  # what the first plan asked, and what it took before
    assert goal.delivered_kwh == pytest.approx(6.5)
    assert goal.shortfall_kwh == pytest.approx(4.0) and goal.reason == "import_limit"
    window = (T0, T0 + timedelta(hours=3))
    for minute, kw in [(60, 2.0), (70, 2.0), (80, 2.0), (90, 2.0), (100, 0.0), (110, 0.0), (120, 0.0)]:
        done = goals.appliance(
            T0 + timedelta(minutes=minute), "washer", power_kw=kw, window=window, asked_kwh=1.5, reason=""
        )
    assert done is not None and done.met and done.own_start == T0
    assert done.delivered_kwh == pytest.approx(2.0 * 40 / 60)
    assert done.finished_at == T0 + timedelta(minutes=100)


def test_a_window_that_closes_without_the_planned_run_is_a_missed_goal() -> None:
    goals = Goals()
    window = (T0, T0 + timedelta(hours=3))
    assert goals.window("washer", window, planned=True, asked_kwh=1.5, reason="cheapest_start") is None
    assert goals.window("washer", window, planned=False, asked_kwh=1.5, reason="") is None
    missed = goals.window("washer", None, planned=False, asked_kwh=1.5, reason="")
    assert missed is not None and not missed.met
    assert (missed.shortfall_kwh, missed.delivered_kwh, missed.reason) == (1.5, 0.0, "cheapest_start")
    # A window whose run happened is no miss; one with nothing planned is none either.
    goals.window("washer", window, planned=True, asked_kwh=1.5, reason="")
    for minute, kw in [(0, 2.0), (10, 2.0), (20, 0.0), (30, 0.0), (40, 0.0)]:
        goals.appliance(
            T0 + timedelta(minutes=minute), "washer", power_kw=kw, window=window, asked_kwh=1.5, reason=""
        )
    assert goals.window("washer", None, planned=False, asked_kwh=1.5, reason="") is None
    goals.window("dryer", window, planned=False, asked_kwh=2.0, reason="")
    assert goals.window("dryer", None, planned=False, asked_kwh=2.0, reason="") is None
    assert [g.met for g in goals.done] == [False, True]


def test_a_phase_above_its_fuse_counts_as_time_above_the_limit() -> None:
    meter = Meter(15)
    times = [0, 5, 10, 15]
    steps = []
    for minute in times:
        over = minute == 5  # one phase over its fuse from 5 to 10, the total well under the limit
        steps += meter.add(
            Sample(moment=T0 + timedelta(minutes=minute), grid_kw=6.0, limit_kw=17.0, phase_over=over)
        )
    assert steps[0].seconds_above_limit == 300
