"""The site's part of the program and the assembly of all devices into one MILP.

Per step: grid_import + breach + over - grid_export + pv_used - sum(device power) = fixed load
- over_floor. Import is bounded by the limit (plus, in breach mode, a penalised margin), export
by the export limit, PV by its forecast (curtailment). Where the uncontrollable load alone is
above the import limit or a phase's fuse (``limits.unavoidable_excess``), the step may import
that much more: the part no decision can avoid (``over_floor``, what even all PV and every
store at full power leave) is a constant, so that it does not inflate the objective (and with
it HiGHS's relative gap); the rest (``over``) is a variable as steeply priced as a breach, so
storage covers what it can first. So the program always has a solution (an appliance that
fits nowhere is left out at a price above any breach), and import above the true limit is only
ever planned in those steps. A binary keeps the meter from importing and exporting at once only
in steps where the export price beats the import price, the one case where doing both would pay.

Devices come in through their kinds: ``build`` adds each one's part and returns its
``DeviceVars``, which the site reads back by name (power per step, what storage could feed back);
committed devices (fixed loads, runs under way) are constants of the balance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .context import Context, DeviceVars, Weights
from .kinds import Ev, committed, kind_of
from .limits import Excess, certain_excess, phase_load_kw, unavoidable_excess
from .lp import BINARY, FloatArray, IntArray, LinearProgram
from .model import DevicePlan, Plan, PlanStatus, Problem, energy_cost

# Below this (kW or A) an allowance above a limit is no allowance: no variable is made for it.
ALLOWANCE_EPS = 1e-9


@dataclass
class Formulation:
    """A built program and the variable blocks it reads back: grid import, breach, import above the limit
    where the uncontrollable load forces it (``over``, plus the constant ``over_floor_kw``), export and PV
    used per step, each device's part, and the allowance above the limits (``allowance``)."""

    problem: Problem
    lp: LinearProgram
    weights: Weights
    grid_import: IntArray
    breach: IntArray | None
    over: IntArray | None
    over_floor_kw: FloatArray
    grid_export: IntArray
    pv_used: IntArray
    devices: dict[str, DeviceVars]
    allowance: Excess
    # The site's rows: the power balance per step, then each phase's limit per step (L1 first); their
    # duals are what a kW costs the site, the price signal a self-planning device is given (``duals.py``).
    site_rows: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


@dataclass
class ImportParts:
    """The columns whose sum per step is the grid import, each with its upper bound per step (kW), and the
    import no decision avoids (``floor_kw``, a constant of the program)."""

    parts: list[tuple[IntArray, FloatArray]]
    floor_kw: FloatArray


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
        over_limit_per_kwh=10.0 * top,
        unscheduled_per_kwh=20.0 * top,
        import_cap_per_kwh=0.5 * base,
        ev_rank=ranks,
    )


def formulate(problem: Problem, *, breach: bool = False) -> Formulation:
    """The one MILP for the problem: the power balance per step, the grid and phase limits (with the
    allowance where uncontrollable load is above them), the peak tariff, the import caps and every device
    not committed; ``breach`` allows penalised import above the limit up to the site's breach margin."""
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

    allowance = unavoidable_excess(problem)
    floor = _certain(problem, devices)
    over_room = allowance.site_kw - floor.site_kw
    over = None
    if over_room.max(initial=0.0) > ALLOWANCE_EPS:
        over = lp.add_vars(n, 0.0, over_room, (tariff.import_price + weights.over_limit_per_kwh) * dt)
    # The unavoidable import is money all the same: in the objective reported, not in HiGHS's.
    lp.objective_offset += float(np.sum(tariff.import_price * floor.site_kw) * dt)
    imports = ImportParts(parts=[(grid_import, site.import_limit_kw)], floor_kw=floor.site_kw)
    if breach_vars is not None:
        imports.parts.append((breach_vars, site.breach_margin * site.import_limit_kw))
    if over is not None:
        imports.parts.append((over, over_room))

    terms = [d.power_terms() for d in devices.values()]
    dev_t = np.concatenate([t for t, _, _ in terms]) if terms else np.zeros(0, np.int64)
    dev_c = np.concatenate([c for _, c, _ in terms]) if terms else np.zeros(0, np.int64)
    dev_v = np.concatenate([v for _, _, v in terms]) if terms else np.zeros(0)

    rows = np.arange(n)
    grid_cols = [cols for cols, _ in imports.parts] + [grid_export, pv_used]
    grid_vals = [np.ones(n) for _ in imports.parts] + [-np.ones(n), np.ones(n)]
    balance_rows = lp.add_rows(
        n,
        np.concatenate([*(rows for _ in grid_cols), dev_t]),
        np.concatenate([*grid_cols, dev_c]),
        np.concatenate([*grid_vals, -dev_v]),
        lb=fixed_load - floor.site_kw,
        ub=fixed_load - floor.site_kw,
    )

    _exclusive_meter(problem, lp, devices, imports, grid_export)
    if any(d.export_only_pv for d in devices.values()):
        # Storage that may not discharge to the grid: export only what PV makes.
        lp.add_rows(n, np.r_[rows, rows], np.r_[grid_export, pv_used], np.r_[np.ones(n), -np.ones(n)], ub=0.0)
    if tariff.peak_price_per_kw > 0:
        _peak_tariff(problem, lp, imports)
    site_rows = [balance_rows]
    if site.phases is not None:
        site_rows += _phase_limits(problem, lp, weights, devices, pv_used, (allowance, floor), breach)
    _import_caps(problem, lp, weights, imports)
    return Formulation(
        problem=problem,
        lp=lp,
        weights=weights,
        grid_import=grid_import,
        breach=breach_vars,
        over=over,
        over_floor_kw=floor.site_kw,
        grid_export=grid_export,
        pv_used=pv_used,
        devices=devices,
        allowance=allowance,
        site_rows=np.concatenate(site_rows),
    )


def _certain(problem: Problem, devices: dict[str, DeviceVars]) -> Excess:
    """The excess above the limits that even every store feeding the home at full power leaves."""
    supply = sum(d.supply_kw for d in devices.values())
    count = problem.site.phases.count if problem.site.phases else 0
    by_phase = np.zeros(count)
    for d in devices.values():
        for ph in d.phases:
            if ph <= count:
                by_phase[ph - 1] += d.supply_kw / len(d.phases)
    return certain_excess(problem, supply, by_phase)


def _peak_tariff(problem: Problem, lp: LinearProgram, imports: ImportParts) -> None:
    """A capacity tariff: one peak variable above every step's import (and the peak so far)."""
    n, tariff = problem.steps, problem.tariff
    rows = np.arange(n)
    peak = lp.add_vars(1, tariff.peak_kw_so_far, np.inf, tariff.peak_price_per_kw)
    cols = [np.repeat(peak, n)] + [c for c, _ in imports.parts]
    vals = [np.ones(n)] + [-np.ones(n) for _ in imports.parts]
    lp.add_rows(n, np.tile(rows, len(cols)), np.concatenate(cols), np.concatenate(vals), lb=imports.floor_kw)


def _import_caps(problem: Problem, lp: LinearProgram, weights: Weights, imports: ImportParts) -> None:
    """sum(import) * dt - excess <= max_kwh per cap; an excess kWh costs more than any price
    difference could save, but less than a kWh an EV goal would miss."""
    dt = problem.step_hours
    for cap in problem.site.import_caps:
        excess = lp.add_vars(1, 0.0, np.inf, weights.import_cap_per_kwh)
        window = np.arange(cap.first, cap.end)
        cols = [c[window] for c, _ in imports.parts]
        k = len(window) * len(cols)
        lp.add_rows(
            1,
            np.zeros(k + 1, dtype=np.int64),
            np.concatenate([*cols, excess]),
            np.r_[np.full(k, dt), -1.0],
            ub=cap.max_kwh - float(imports.floor_kw[window].sum()) * dt,
        )


def _exclusive_meter(
    problem: Problem,
    lp: LinearProgram,
    devices: dict[str, DeviceVars],
    imports: ImportParts,
    grid_export: IntArray,
) -> None:
    tariff, site = problem.tariff, problem.site
    steps = np.nonzero(tariff.export_price > tariff.import_price + 1e-9)[0]
    if len(steps) == 0:
        return
    k = len(steps)
    # Where some import is certain, the meter imports.
    must = (imports.floor_kw[steps] > 0).astype(float)
    importing = lp.add_vars(k, must, 1.0, 0.0, BINARY)
    r = np.arange(k)
    for cols, bound in imports.parts:
        lp.add_rows(k, np.r_[r, r], np.r_[cols[steps], importing], np.r_[np.ones(k), -bound[steps]], ub=0.0)
    # The export bound as big-M: the export limit, or what PV and storage could ever push out.
    can_push = problem.pv_kw[steps] + sum(d.supply_kw for d in devices.values())
    big_m = np.minimum(site.export_limit_kw[steps], can_push)
    lp.add_rows(k, np.r_[r, r], np.r_[grid_export[steps], importing], np.r_[np.ones(k), big_m], ub=big_m)


def _phase_limits(
    problem: Problem,
    lp: LinearProgram,
    weights: Weights,
    devices: dict[str, DeviceVars],
    pv_used: IntArray,
    excess: tuple[Excess, Excess],
    breach: bool,
) -> list[IntArray]:
    """Per-phase current within the fuse, either way: a 1-phase charger loads one phase with all its power.

    Where the phase's uncontrollable load alone is above the fuse, the current may be above it by that
    (``excess``: the allowance, and the part of it no decision avoids, a constant); in breach mode, by
    the breach margin more, at the breach's price. Export current is never beyond the fuse.
    """
    phases = problem.site.phases
    assert phases is not None
    allowance, floor = excess
    n, dt = problem.steps, problem.step_hours
    to_amps = phases.amps_per_kw
    fuse = phases.fuse_a
    margin = problem.site.breach_margin if breach else 0.0
    load = phase_load_kw(problem)
    added: list[IntArray] = []
    for phase in range(1, phases.count + 1):
        constant = load[phase - 1] * to_amps
        rows: list[IntArray] = [np.arange(n, dtype=np.int64)]
        cols: list[IntArray] = [pv_used]
        vals: list[FloatArray] = [np.full(n, -to_amps / phases.count)]
        for var in devices.values():
            if phase in var.phases:
                t, c, v = var.power_terms()
                rows.append(t)
                cols.append(c)
                vals.append(v * to_amps / len(var.phases))
        room = allowance.phase_a[phase - 1] - floor.phase_a[phase - 1]
        extra: list[tuple[FloatArray, float]] = []
        if room.max(initial=0.0) > ALLOWANCE_EPS:
            extra.append((room, weights.over_limit_per_kwh))
        if margin > 0:
            extra.append((np.full(n, margin * fuse), weights.breach_per_kwh))
        for bound, per_kwh in extra:
            # Priced per amp-step: the kW one amp carries on this phase, for one step.
            rows.append(np.arange(n, dtype=np.int64))
            cols.append(lp.add_vars(n, 0.0, bound, per_kwh / to_amps * dt))
            vals.append(-np.ones(n))
        added.append(
            lp.add_rows(
                n,
                np.concatenate(rows),
                np.concatenate(cols),
                np.concatenate(vals),
                lb=-fuse - constant,
                ub=fuse + floor.phase_a[phase - 1] - constant,
            )
        )
    return added


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
    plan, the energy cost and battery wear. What is above which limit is ``solve``'s to say."""
    problem = form.problem
    n, dt = problem.steps, problem.step_hours
    imp = np.clip(x[form.grid_import], 0.0, None) + form.over_floor_kw
    for cols in (form.breach, form.over):
        if cols is not None:
            imp = imp + np.clip(x[cols], 0.0, None)
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
        battery_wear_cost=wear,
    )
