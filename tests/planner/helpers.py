"""Building small problems by hand, and the invariants every plan must satisfy."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from custom_components.headroom.planner import Plan, Problem, problem_from_json
from custom_components.headroom.planner.limits import phase_currents, unavoidable_excess
from custom_components.headroom.planner.model import (
    Appliance,
    Battery,
    Ev,
    Fixed,
    ThermalStorage,
    energy_cost,
)

TOL = 1e-3
PHASE_TOL = 1e-3  # A


def problem(
    steps: int = 4,
    *,
    step_minutes: int = 60,
    import_price: Any = 0.2,
    export_price: Any = 0.0,
    import_limit_kw: Any = 100.0,
    export_limit_kw: Any = 100.0,
    base_load_kw: Any = 0.0,
    pv_kw: Any = 0.0,
    devices: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> Problem:
    site = {"import_limit_kw": import_limit_kw, "export_limit_kw": export_limit_kw}
    site.update(extra.pop("site", {}))
    tariff = {"import_price": import_price, "export_price": export_price}
    tariff.update(extra.pop("tariff", {}))
    return problem_from_json(
        {
            "version": 1,
            "start": "2026-01-15T00:00:00+01:00",
            "step_minutes": step_minutes,
            "steps": steps,
            "site": site,
            "tariff": tariff,
            "base_load_kw": base_load_kw,
            "pv_kw": pv_kw,
            "devices": devices or [],
            **extra,
        }
    )


def check_invariants(prob: Problem, plan: Plan) -> None:
    """What must hold of any plan, whatever its status."""
    dt = prob.step_hours
    imp, exp, pv = plan.grid_import_kw, plan.grid_export_kw, plan.pv_used_kw
    assert np.all(imp >= -TOL) and np.all(exp >= -TOL)
    assert np.all(np.minimum(imp, exp) <= TOL), "imports and exports in the same step"
    check_limits(prob, plan)
    assert np.all(exp <= prob.site.export_limit_kw + TOL)
    assert np.all(pv >= -TOL) and np.all(pv <= prob.pv_kw + TOL)

    load = prob.fixed_load_kw() - pv
    for dev in prob.devices:
        if isinstance(dev, Fixed) or (isinstance(dev, Appliance) and dev.started_step is not None):
            continue
        load = load + plan.devices[dev.id].power_kw
    np.testing.assert_allclose(imp - exp, load, atol=TOL, err_msg="power balance")

    for dev in prob.devices:
        dp = plan.devices[dev.id]
        if isinstance(dev, Ev):
            p = dp.power_kw
            outside = np.ones(prob.steps, bool)
            outside[dev.arrival : dev.departure] = False
            assert np.all(p[outside] == 0), "EV charges outside its window"
            on = p > TOL
            assert np.all(p[on] >= dev.min_kw - TOL) and np.all(p[on] <= dev.max_kw + TOL)
            # At most one step at minimum power beyond the goal (the last bit of a goal).
            assert (dp.energy_kwh or 0) <= dev.energy_kwh + dev.min_kw * prob.step_hours + TOL
        elif isinstance(dev, Battery):
            p, soc = dp.power_kw, dp.soc_kwh
            assert soc is not None and len(soc) == prob.steps + 1
            expected = (
                soc[:-1]
                + dev.charge_efficiency * np.clip(p, 0, None) * dt
                - np.clip(-p, 0, None) / dev.discharge_efficiency * dt
            )
            np.testing.assert_allclose(soc[1:], expected, atol=TOL, err_msg="SoC follows efficiencies")
            assert np.all(soc >= dev.min_soc_kwh - TOL) and np.all(soc <= dev.max_soc_kwh + TOL)
            assert np.all(p <= dev.max_charge_kw + TOL) and np.all(-p <= dev.max_discharge_kw + TOL)
            assert dp.mode is not None and len(dp.mode) == prob.steps
        elif isinstance(dev, Appliance) and dev.started_step is None:
            if dp.start is None:
                assert any(dev.id in n and "not scheduled" in n for n in plan.notes)
                assert np.all(dp.power_kw == 0)
                continue
            assert dp.start in set(dev.allowed_starts(prob.steps).tolist())
            np.testing.assert_allclose(dp.power_kw, dev.power_for_start(dp.start, prob.steps))
        elif isinstance(dev, ThermalStorage):
            check_thermal(prob, dev, dp)

    assert abs(plan.cost - energy_cost(prob, imp, exp)) <= TOL * max(1.0, abs(plan.cost))
    # The JSON form carries the same plan.
    data = plan.to_json()
    assert data["status"] == plan.status and len(data["grid_import_kw"]) == prob.steps


def check_limits(prob: Problem, plan: Plan) -> None:
    """Above the import limit or a phase's fuse only in the plan's over-limit steps, by no more than the
    uncontrollable load forces there, or (a breach plan) within the breach margin; never exporting beyond
    a phase's fuse."""
    limit = prob.site.import_limit_kw
    allowance = unavoidable_excess(prob)
    breach = plan.status == "breach"
    margin = prob.site.breach_margin if breach else 0.0
    flagged = np.zeros(prob.steps, dtype=bool)
    flagged[plan.over_limit_steps] = True
    imp = plan.grid_import_kw
    assert np.all(imp <= limit + allowance.site_kw + margin * limit + TOL), "import above its allowance"
    if not breach:
        above = imp > limit + TOL
        assert np.all(flagged[above]), (
            f"above the import limit outside the flagged steps: {np.nonzero(above & ~flagged)}"
        )
    if plan.status in ("optimal", "feasible"):
        assert not plan.over_limit_steps and np.all(imp <= limit + TOL)
    if plan.status == "over_limit":
        assert plan.over_limit_steps and plan.over_limit_kwh > 0
    phases = prob.site.phases
    if phases is None:
        return
    current = phase_currents(prob, plan)
    fuse = phases.fuse_a
    assert np.all(current >= -fuse - PHASE_TOL), "exports beyond a phase's fuse"
    assert np.all(current <= fuse + allowance.phase_a + margin * fuse + PHASE_TOL), (
        "phase above its allowance"
    )
    if not breach:
        above = np.any(current > fuse + PHASE_TOL, axis=0)
        assert np.all(flagged[above]), (
            f"a phase above its fuse outside the flagged steps: {np.nonzero(above & ~flagged)}"
        )


def check_thermal(prob: Problem, store: ThermalStorage, dp: Any) -> None:
    """Heat follows the energy balance, never above capacity; power is 0/max or within [0, max]."""
    dt, n = prob.step_hours, prob.steps
    p, heat = dp.power_kw, dp.soc_kwh
    assert heat is not None and len(heat) == n
    draw = np.zeros(n) if store.draw_kw is None else store.draw_kw
    before = np.r_[store.energy_kwh, heat[:-1]]
    np.testing.assert_allclose(
        heat,
        before + (store.efficiency * p - store.loss_kw - draw) * dt,
        atol=TOL,
        err_msg="heat follows the balance",
    )
    assert np.all(heat <= store.capacity_kwh + TOL)
    assert np.all(p >= -TOL) and np.all(p <= store.max_kw + TOL)
    if store.on_off:
        assert np.all((np.abs(p) <= TOL) | (np.abs(p - store.max_kw) <= TOL)), (
            "an on/off element ran part-way"
        )
    floor = np.zeros(n) if store.comfort_kwh is None else store.comfort_kwh
    assert dp.shortfall_kwh == pytest.approx(float(np.clip(floor - heat, 0, None).sum()), abs=TOL)
