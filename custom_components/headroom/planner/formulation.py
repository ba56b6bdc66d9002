"""The site's part of the program and the assembly of all devices into one MILP.

Per step: grid_import + breach - grid_export + pv_used - sum(device power) = fixed load.
Import is bounded by the limit (plus, in breach mode, a penalised margin), export by the
export limit, PV by its forecast (curtailment). A binary keeps the meter from importing and
exporting at once only in steps where the export price beats the import price, the one case
where doing both would pay.

Devices come in through their kinds: ``build`` adds each one's part and returns its
``DeviceVars``, which the site reads back by name (power per step, what storage could feed back);
committed devices (fixed loads, runs under way) are constants of the balance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .context import Context, DeviceVars, Weights
from .kinds import Ev, committed, kind_of
from .lp import BINARY, FloatArray, IntArray, LinearProgram
from .model import DevicePlan, Plan, PlanStatus, Problem, energy_cost


@dataclass
class Formulation:
    """A built program and the variable blocks it reads back: grid import, breach, export and PV used per
    step, and each device's part."""

    problem: Problem
    lp: LinearProgram
    weights: Weights
    grid_import: IntArray
    breach: IntArray | None
    grid_export: IntArray
    pv_used: IntArray
    devices: dict[str, DeviceVars]


def weights_for(problem: Problem) -> Weights:
    """The objective's weights for this problem's prices and cars (see ``Weights``)."""
    tariff = problem.tariff
    # Ten times the dearest kWh: enough that a minimum-power step displacing another
    # car's energy to a dearer hour still loses to delivering more in total.
    base = (
        10.0 * (float(np.max(np.abs(tariff.import_price))) + float(np.max(np.abs(tariff.export_price))))
        + tariff.peak_price_per_kw / problem.step_hours
        + 1.0
    )
    evs = problem.of_kind(Ev)
    any_fastest = any(ev.mode == "fastest" for ev in evs)
    gap = base * (2.0 + (problem.steps if any_fastest else 0))
    ranks = {p: r for r, p in enumerate(sorted({ev.priority for ev in evs}))}
    top = base + gap * max(ranks.values(), default=0) + (base * problem.steps if any_fastest else 0)
    return Weights(
        base=base,
        priority_gap=gap,
        fastest_per_step=base,
        tie_break=1e-5 * base,
        stability=1e-4 * base,
        breach_per_kwh=10.0 * top,
        import_cap_per_kwh=0.5 * base,
        ev_rank=ranks,
    )


def formulate(problem: Problem, *, breach: bool = False) -> Formulation:
    """The one MILP for the problem: the power balance per step, the grid and phase limits, the peak
    tariff, the import caps and every device not committed; ``breach`` allows penalised import above the
    limit up to the site's breach margin."""
    n, dt = problem.steps, problem.step_hours
    site, tariff = problem.site, problem.tariff
    lp = LinearProgram()
    weights = weights_for(problem)
    fixed_load = problem.fixed_load_kw()
    ctx = Context(problem=problem, lp=lp, weights=weights, fixed_load_kw=fixed_load)

    grid_import = lp.add_vars(n, 0.0, site.import_limit_kw, tariff.import_price * dt)
    breach_vars = None
    if breach and site.breach_margin > 0:
        breach_vars = lp.add_vars(
            n,
            0.0,
            site.breach_margin * site.import_limit_kw,
            (tariff.import_price + weights.breach_per_kwh) * dt,
        )
    grid_export = lp.add_vars(n, 0.0, site.export_limit_kw, -tariff.export_price * dt)
    # A whisper of reward for using PV, so that free export beats pointless curtailment.
    pv_used = lp.add_vars(n, 0.0, problem.pv_kw, -weights.tie_break * dt)

    devices: dict[str, DeviceVars] = {
        dev.id: kind_of(dev).build(ctx, dev) for dev in problem.devices if committed(dev, n) is None
    }

    terms = [d.power_terms() for d in devices.values()]
    dev_t = np.concatenate([t for t, _, _ in terms]) if terms else np.zeros(0, np.int64)
    dev_c = np.concatenate([c for _, c, _ in terms]) if terms else np.zeros(0, np.int64)
    dev_v = np.concatenate([v for _, _, v in terms]) if terms else np.zeros(0)

    rows = np.arange(n)
    grid_rows, grid_cols, grid_vals = (
        [rows, rows, rows],
        [grid_import, grid_export, pv_used],
        [np.ones(n), -np.ones(n), np.ones(n)],
    )
    if breach_vars is not None:
        grid_rows.append(rows)
        grid_cols.append(breach_vars)
        grid_vals.append(np.ones(n))
    lp.add_rows(
        n,
        np.concatenate([*grid_rows, dev_t]),
        np.concatenate([*grid_cols, dev_c]),
        np.concatenate([*grid_vals, -dev_v]),
        lb=fixed_load,
        ub=fixed_load,
    )

    _exclusive_meter(problem, lp, devices, grid_import, breach_vars, grid_export)
    if any(d.export_only_pv for d in devices.values()):
        # Storage that may not discharge to the grid: export only what PV makes.
        lp.add_rows(n, np.r_[rows, rows], np.r_[grid_export, pv_used], np.r_[np.ones(n), -np.ones(n)], ub=0.0)
    if tariff.peak_price_per_kw > 0:
        _peak_tariff(problem, lp, grid_import, breach_vars)
    if site.phases is not None:
        _phase_limits(problem, lp, devices, pv_used, breach)
    _import_caps(problem, lp, weights, grid_import, breach_vars)
    return Formulation(problem, lp, weights, grid_import, breach_vars, grid_export, pv_used, devices)


def _peak_tariff(problem: Problem, lp: LinearProgram, grid_import: IntArray, breach: IntArray | None) -> None:
    """A capacity tariff: one peak variable above every step's import (and the peak so far)."""
    n, tariff = problem.steps, problem.tariff
    rows = np.arange(n)
    peak = lp.add_vars(1, tariff.peak_kw_so_far, np.inf, tariff.peak_price_per_kw)
    cols = [np.repeat(peak, n), grid_import]
    vals = [np.ones(n), -np.ones(n)]
    if breach is not None:
        cols.append(breach)
        vals.append(-np.ones(n))
    lp.add_rows(n, np.tile(rows, len(cols)), np.concatenate(cols), np.concatenate(vals), lb=0.0)


def _import_caps(
    problem: Problem, lp: LinearProgram, weights: Weights, grid_import: IntArray, breach: IntArray | None
) -> None:
    """sum(import) * dt - excess <= max_kwh per cap; an excess kWh costs more than any price
    difference could save, but less than a kWh an EV goal would miss."""
    dt = problem.step_hours
    for cap in problem.site.import_caps:
        excess = lp.add_vars(1, 0.0, np.inf, weights.import_cap_per_kwh)
        window = np.arange(cap.first, cap.end)
        cols = [grid_import[window]] + ([breach[window]] if breach is not None else [])
        k = len(window) * len(cols)
        lp.add_rows(
            1,
            np.zeros(k + 1, dtype=np.int64),
            np.concatenate([*cols, excess]),
            np.r_[np.full(k, dt), -1.0],
            ub=cap.max_kwh,
        )


def _exclusive_meter(
    problem: Problem,
    lp: LinearProgram,
    devices: dict[str, DeviceVars],
    grid_import: IntArray,
    breach: IntArray | None,
    grid_export: IntArray,
) -> None:
    tariff, site = problem.tariff, problem.site
    steps = np.nonzero(tariff.export_price > tariff.import_price + 1e-9)[0]
    if len(steps) == 0:
        return
    k = len(steps)
    importing = lp.add_vars(k, 0.0, 1.0, 0.0, BINARY)
    r = np.arange(k)
    lp.add_rows(
        k,
        np.r_[r, r],
        np.r_[grid_import[steps], importing],
        np.r_[np.ones(k), -site.import_limit_kw[steps]],
        ub=0.0,
    )
    if breach is not None:
        lp.add_rows(
            k,
            np.r_[r, r],
            np.r_[breach[steps], importing],
            np.r_[np.ones(k), -site.breach_margin * site.import_limit_kw[steps]],
            ub=0.0,
        )
    # The export bound as big-M: the export limit, or what PV and storage could ever push out.
    can_push = problem.pv_kw[steps] + sum(d.supply_kw for d in devices.values())
    big_m = np.minimum(site.export_limit_kw[steps], can_push)
    lp.add_rows(k, np.r_[r, r], np.r_[grid_export[steps], importing], np.r_[np.ones(k), big_m], ub=big_m)


def _phase_limits(
    problem: Problem, lp: LinearProgram, devices: dict[str, DeviceVars], pv_used: IntArray, breach: bool
) -> None:
    """Per-phase current within the fuse: a 1-phase charger loads one phase with all its power."""
    phases = problem.site.phases
    assert phases is not None
    n = problem.steps
    to_amps = 1000.0 / phases.voltage_v
    fuse = phases.fuse_a * (1.0 + (problem.site.breach_margin if breach else 0.0))
    base_per_phase = problem.base_load_kw / phases.count
    for phase in range(1, phases.count + 1):
        constant = base_per_phase.copy()
        for dev in problem.devices:
            fixed = committed(dev, n) if phase in dev.phases else None
            if fixed is not None:
                constant += fixed.power_kw / len(dev.phases)
        rows: list[IntArray] = [np.arange(n, dtype=np.int64)]
        cols: list[IntArray] = [pv_used]
        vals: list[FloatArray] = [np.full(n, -to_amps / phases.count)]
        for var in devices.values():
            if phase in var.phases:
                t, c, v = var.power_terms()
                rows.append(t)
                cols.append(c)
                vals.append(v * to_amps / len(var.phases))
        limit = fuse - constant * to_amps
        lp.add_rows(
            n,
            np.concatenate(rows),
            np.concatenate(cols),
            np.concatenate(vals),
            lb=-fuse - constant * to_amps,
            ub=limit,
        )


def extract(
    form: Formulation,
    x: FloatArray,
    objective: float,
    status: PlanStatus,
    *,
    mip_gap: float | None,
    seconds: float,
) -> Plan:
    """A solution as a plan: import and export netted per step (a meter never does both), each device's
    plan, the energy cost, breach (kWh) and battery wear."""
    problem = form.problem
    n, dt = problem.steps, problem.step_hours
    imp = np.clip(x[form.grid_import], 0.0, None)
    breach = np.clip(x[form.breach], 0.0, None) if form.breach is not None else np.zeros(n)
    imp = imp + breach
    exp = np.clip(x[form.grid_export], 0.0, None)
    pv = np.clip(x[form.pv_used], 0.0, problem.pv_kw)
    # A meter never imports and exports in the same step: net the two (cost can only drop).
    net = imp - exp
    imp, exp = np.clip(net, 0.0, None), np.clip(-net, 0.0, None)
    devices: dict[str, DevicePlan] = {}
    for dev in problem.devices:
        part = form.devices.get(dev.id)
        plan = part.extract(x) if part is not None else committed(dev, n)
        assert plan is not None  # a device is either built or committed
        devices[dev.id] = plan
    breach_kwh = float(np.sum(np.clip(imp - problem.site.import_limit_kw, 0.0, None)) * dt)
    wear = sum(part.wear_cost(devices[i], dt) for i, part in form.devices.items())
    return Plan(
        status=status,
        cost=energy_cost(problem, imp, exp),
        objective=objective,
        mip_gap=mip_gap,
        solve_seconds=seconds,
        grid_import_kw=imp,
        grid_export_kw=exp,
        pv_used_kw=pv,
        devices=devices,
        breach_kwh=breach_kwh,
        battery_wear_cost=wear,
    )
