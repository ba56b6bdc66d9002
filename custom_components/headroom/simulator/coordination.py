"""Seed 000's ways of sharing one connection: devices that plan themselves, with or without coordination.

Each function turns the Problem the policy core builds (``policy.problem.build_problem``) into a
Plan the policy core applies (``policy.decide.setpoints``), so the simulator runs every way of
coordinating through the same readings, setpoints and devices. A device "planning itself" is the
planner (``planner.solve``) run on a Problem holding only that device: it knows its own state and
goal and nothing of the others.

- ``price_follow``: each device plans on the published prices and the breaker limit it sees
  (the meter's base load and PV included), alone. Nothing coordinates: two cars see the same
  cheap hour and both take it.
- ``negotiated`` (seed 000 option A): a capacity broker knows the connection's free capacity
  (the limit less the forecast base load and committed loads, plus the PV); in priority then
  arrival order it offers each device what the devices before it left free, the device plans on
  the tariff within that offer and reserves exactly its plan. The broker never grants beyond the
  limit; it knows no device's state or goal.
- ``signals`` (seed 000 option C): a central planner that reads no device's internals publishes
  prices (the import price, and the export price the home's surplus PV would earn) and a capacity
  envelope per device, of which a share is the site's surplus PV (priced at the export price). The envelopes come from a few
  rounds of bids (each device's own plan, the only thing it tells) against the price plus a
  congestion price raised where the bids exceed the free capacity: a device's envelope is its last
  bid with any spare capacity shared by the devices' rated power, and on congested steps the free
  capacity shared in proportion to the bids, so the envelopes never sum to more than the free
  capacity. Each device self-plans on the price signal within its envelope.

A battery has no goal to negotiate for; under ``negotiated`` and ``signals`` it keeps its own
self-consumption mode (following the meter, as a battery without a scheduler does).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime

import numpy as np

from ..planner import Plan, Problem, solve
from ..planner.kinds import committed
from ..planner.model import Battery, Device, DevicePlan, Ev, FloatArray, Site, Tariff

# A self-planning device's own solve: small, so a short time limit.
DEVICE_TIME_LIMIT_S = 5.0
# Rounds of bids under ``signals``, and how far a round's excess demand raises the congestion price
# (as a share of the mean import price per unit of excess over the free capacity).
SIGNAL_ROUNDS = 6
SIGNAL_STEP = 0.5
# Worst status first, for the combined plan's status.
STATUS_RANK = ("fallback", "breach", "over_limit", "feasible", "optimal")


def _flexible(problem: Problem) -> list[Device]:
    """The devices that plan (not the fixed loads and running appliances the plan cannot move)."""
    return [d for d in problem.devices if committed(d, problem.steps) is None]


def _committed_kw(problem: Problem) -> FloatArray:
    """Fixed loads and running appliances (kW per step): they draw whatever anyone plans."""
    total = np.zeros(problem.steps)
    for device in problem.devices:
        plan = committed(device, problem.steps)
        if plan is not None:
            total += plan.power_kw
    return total


def free_capacity_kw(problem: Problem) -> FloatArray:
    """What the devices may draw together (kW per step) without the import going above the limit:
    the limit less the forecast base load and committed loads, plus the PV."""
    free = problem.site.import_limit_kw - problem.base_load_kw - _committed_kw(problem) + problem.pv_kw
    return np.maximum(free, 0.0)


def _on_site(problem: Problem, device: Device) -> Problem:
    """The device alone on the site as its meter shows it: the base load, the PV, the committed
    loads, the breaker limit and the published prices; no other planning device."""
    others = tuple(
        d for d in problem.devices if d.id != device.id and committed(d, problem.steps) is not None
    )
    return dataclasses.replace(problem, devices=(device, *others))


def _within(problem: Problem, device: Device, limit_kw: FloatArray, price: FloatArray) -> Problem:
    """The device alone within a capacity (kW per step) at a price (per kWh): what it is granted
    or enveloped, nothing of the rest of the home."""
    steps = problem.steps
    zeros = np.zeros(steps)
    return Problem(
        start=problem.start,
        step_minutes=problem.step_minutes,
        steps=steps,
        site=Site(import_limit_kw=np.maximum(limit_kw, 0.0), export_limit_kw=zeros.copy()),
        tariff=Tariff(import_price=price.copy(), export_price=zeros.copy()),
        base_load_kw=zeros.copy(),
        pv_kw=zeros.copy(),
        devices=(device,),
    )


def _own(problem: Problem, device: Device) -> DevicePlan:
    return solve(problem, time_limit=DEVICE_TIME_LIMIT_S).devices[device.id]


def _self_consuming(problem: Problem) -> DevicePlan:
    return DevicePlan(
        power_kw=np.zeros(problem.steps),
        mode=["self_consumption"] * problem.steps,
        mode_factor=np.ones(problem.steps),
    )


def combine(problem: Problem, plans: Mapping[str, DevicePlan], statuses: list[str]) -> Plan:
    """One plan of the devices' own plans (and the committed loads'), with the grid flows they
    make together on the forecast base load and PV."""
    devices = dict(plans)
    for device in problem.devices:
        plan = committed(device, problem.steps)
        if plan is not None and device.id not in devices:
            devices[device.id] = plan
    net = (
        problem.base_load_kw
        - problem.pv_kw
        + sum((p.power_kw for p in devices.values()), np.zeros(problem.steps))
    )
    grid_import, grid_export = np.maximum(net, 0.0), np.maximum(-net, 0.0)
    hours = problem.step_hours
    cost = float(
        np.sum(problem.tariff.import_price * grid_import - problem.tariff.export_price * grid_export) * hours
    )
    status = min(statuses or ["optimal"], key=STATUS_RANK.index)
    return Plan(
        status=status,  # type: ignore[arg-type]
        cost=cost,
        objective=cost,
        mip_gap=None,
        solve_seconds=0.0,
        grid_import_kw=grid_import,
        grid_export_kw=grid_export,
        pv_used_kw=problem.pv_kw - grid_export,
        devices=devices,
    )


def price_follow(problem: Problem) -> Plan:
    """Every device plans alone on the prices and the limit its meter shows (no coordination)."""
    plans: dict[str, DevicePlan] = {}
    statuses: list[str] = []
    for device in _flexible(problem):
        plan = solve(_on_site(problem, device), time_limit=DEVICE_TIME_LIMIT_S)
        plans[device.id] = plan.devices[device.id]
        statuses.append(plan.status)
    return combine(problem, plans, statuses)


def broker_order(problem: Problem, arrived: Mapping[str, datetime]) -> list[Device]:
    """The broker's order: higher priority first, then who arrived (asked) first."""
    first = min(arrived.values(), default=problem.start)

    def key(device: Device) -> tuple[int, float, str]:
        priority = device.priority if isinstance(device, Ev) else 0
        when = arrived.get(device.id, problem.start)
        return (-priority, (when - first).total_seconds(), device.id)

    return sorted((d for d in _flexible(problem) if not isinstance(d, Battery)), key=key)


def negotiated(problem: Problem, arrived: Mapping[str, datetime]) -> tuple[Plan, dict[str, FloatArray]]:
    """Option A: the broker offers each device, in its order, the capacity the devices before it
    left free; the device plans within the offer on the tariff and reserves exactly its plan.
    Answers the plan and each device's grant (kW per step)."""
    remaining = free_capacity_kw(problem)
    plans: dict[str, DevicePlan] = {}
    grants: dict[str, FloatArray] = {}
    statuses: list[str] = []
    for device in broker_order(problem, arrived):
        plan = solve(
            _within(problem, device, remaining, problem.tariff.import_price), time_limit=DEVICE_TIME_LIMIT_S
        )
        own = plan.devices[device.id]
        grant = np.minimum(np.maximum(own.power_kw, 0.0), remaining)
        plans[device.id], grants[device.id] = own, grant
        remaining = np.maximum(remaining - grant, 0.0)
        statuses.append(plan.status)
    for battery in problem.of_kind(Battery):
        plans[battery.id] = _self_consuming(problem)
    return combine(problem, plans, statuses), grants


def _rated_kw(device: Device, problem: Problem) -> float:
    """A device's rated power (kW): what it says of itself to a planner that knows no internals."""
    for name in ("max_kw", "profile_kw"):
        value = getattr(device, name, None)
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, np.ndarray) and value.size:
            return float(np.max(value))
    return float(np.max(problem.site.import_limit_kw))


def surplus_kw(problem: Problem) -> FloatArray:
    """The PV the home would export without the devices (kW per step)."""
    return np.maximum(problem.pv_kw - problem.base_load_kw - _committed_kw(problem), 0.0)


def _signalled(problem: Problem, device: Device, envelope_kw: FloatArray, congestion: FloatArray) -> Problem:
    """The device alone within its envelope, of which the site's surplus share is PV it may take at
    the export price (what the site would earn for it) and the rest import at the import price
    (plus the congestion price while the envelopes are being found)."""
    free = free_capacity_kw(problem)
    pv_share = np.where(free > 1e-9, surplus_kw(problem) / np.maximum(free, 1e-9), 0.0)
    pv = np.minimum(envelope_kw * pv_share, envelope_kw)
    alone = _within(problem, device, envelope_kw - pv, problem.tariff.import_price + congestion)
    return dataclasses.replace(
        alone,
        pv_kw=pv,
        site=dataclasses.replace(alone.site, export_limit_kw=pv.copy()),
        tariff=dataclasses.replace(alone.tariff, export_price=problem.tariff.export_price.copy()),
    )


def envelopes(
    problem: Problem, bids: Mapping[str, FloatArray], rated_kw: Mapping[str, float]
) -> dict[str, FloatArray]:
    """Each device's capacity envelope (kW per step): its bid where the bids fit the free capacity,
    plus the spare shared by rated power; where they do not, the free capacity shared in proportion
    to the bids. The envelopes never sum to more than the free capacity."""
    free = free_capacity_kw(problem)
    demand = sum(bids.values(), np.zeros(problem.steps))
    spare = np.maximum(free - demand, 0.0)
    rated = sum(rated_kw.values()) or 1.0
    scale = np.where(demand > free, free / np.maximum(demand, 1e-9), 1.0)
    return {k: bid * scale + spare * rated_kw[k] / rated for k, bid in bids.items()}


def signals(problem: Problem) -> tuple[Plan, dict[str, FloatArray]]:
    """Option C: rounds of bids against the prices plus a congestion price, then each device
    self-plans on the prices within its envelope. Answers the plan and each device's envelope (kW
    per step)."""
    devices = [d for d in _flexible(problem) if not isinstance(d, Battery)]
    free = free_capacity_kw(problem)
    rated = {d.id: _rated_kw(d, problem) for d in devices}
    mean_price = float(np.mean(np.abs(problem.tariff.import_price))) or 1.0
    congestion = np.zeros(problem.steps)
    bids: dict[str, FloatArray] = {d.id: np.zeros(problem.steps) for d in devices}
    for _ in range(SIGNAL_ROUNDS if devices else 0):
        # Each device bids as if the free capacity were its own, at the congestion price.
        bids = {d.id: _own(_signalled(problem, d, free, congestion), d).power_kw for d in devices}
        demand = sum(bids.values(), np.zeros(problem.steps))
        congestion = np.maximum(
            congestion + SIGNAL_STEP * mean_price * (demand - free) / np.maximum(free, 1.0), 0.0
        )
    enveloped = envelopes(problem, bids, rated)
    plans: dict[str, DevicePlan] = {}
    statuses: list[str] = []
    for device in devices:
        zero = np.zeros(problem.steps)
        plan = solve(_signalled(problem, device, enveloped[device.id], zero), time_limit=DEVICE_TIME_LIMIT_S)
        plans[device.id] = plan.devices[device.id]
        statuses.append(plan.status)
    for battery in problem.of_kind(Battery):
        plans[battery.id] = _self_consuming(problem)
    return combine(problem, plans, statuses), enveloped
